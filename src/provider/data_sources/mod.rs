//! Data sources, one file each.

pub mod deployment;
pub mod eligible_remote_clusters;
pub mod organization;
pub mod remote_info;
