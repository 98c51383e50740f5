//! The provider: configuration, resources, data sources and functions. Joins the framework
//! (Terraform) and the clients (Elastic).

pub mod config;
pub mod functions;
mod root;

pub use root::{provider_schema, Configured, CrossclusterProvider, TYPE_NAME, VERSION};
