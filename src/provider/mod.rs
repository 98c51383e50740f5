//! provider layer.
pub mod config;
pub mod functions;
