//! Managed resources, one file each.
pub mod deployment_remote_cluster;
pub mod keystore_api_key;
