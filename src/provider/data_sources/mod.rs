//! Data sources, one file each.

pub mod organization;
pub mod remote_info;
