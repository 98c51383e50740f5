//! Managed resources, one file each.
