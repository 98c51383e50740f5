//! The provider: configuration, resources, data sources and functions. Joins the framework
//! (Terraform) and the clients (Elastic).

pub mod config;
pub mod functions;
mod root;

pub use root::{Configured, CrossclusterProvider, TYPE_NAME, VERSION, provider_schema};
pub mod common;
pub mod data_sources;
pub mod resources;
