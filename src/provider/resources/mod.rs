//! Managed resources, one file each.
pub mod remote_cluster;
pub mod role;
