//! Actions (Terraform 1.14+): operations without state, run from a resource's
//! `lifecycle { action_trigger { ... } }` or with `terraform apply -invoke=action.<type>.<name>`.

pub mod verify_connection;
