//! Data sources, one file each.

pub mod deployment;
pub mod organization;
pub mod remote_info;
