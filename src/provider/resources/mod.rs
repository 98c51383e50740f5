//! Managed resources, one file each.
pub mod api_key;
mod deployment_edit;
pub mod deployment_remote_cluster;
pub mod keystore_api_key;
mod reload;
pub mod remote_cluster;
pub mod role;
mod sensitive;
pub mod trusted_environment;
