//! Managed resources, one file each.

pub mod api_key;
