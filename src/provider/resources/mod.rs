//! Managed resources, a folder each, and the few rules two of them share.
pub mod api_key;
mod deployment_edit;
pub mod deployment_remote_cluster;
pub mod ece_trust_relationship;
mod identity;
pub mod keystore_api_key;
mod listing;
mod metadata;
mod recover;
mod reload;
pub mod remote_cluster;
pub mod remote_cluster_filter;
pub mod remote_cluster_signing;
pub mod role;
mod sensitive;
pub mod signing_trust;
pub mod trusted_environment;
