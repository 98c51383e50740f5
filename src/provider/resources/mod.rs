//! Managed resources, a folder each, and the few rules two of them share.
pub mod api_key;
mod deployment_edit;
pub mod deployment_remote_cluster;
pub mod keystore_api_key;
mod metadata;
mod recover;
mod reload;
pub mod remote_cluster;
pub mod role;
mod sensitive;
pub mod trusted_environment;
