//! Managed resources, one file each.

pub mod trusted_environment;
