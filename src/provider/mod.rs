//! The provider: configuration, resources, data sources and functions. Joins the framework
//! (Terraform) and the clients (Elastic).

pub mod actions;
pub mod alias;
pub mod config;
pub mod functions;
mod root;

pub use root::{Configured, CrossclusterProvider, TYPE_NAME, VERSION, provider_schema};

/// The provider's names as the plugin layer needs them (log module, registry address, the
/// crates whose log events are the provider's).
pub const IDENTITY: tfplugin::plugin::ProviderIdentity = tfplugin::plugin::ProviderIdentity {
    type_name: TYPE_NAME,
    registry_address: "registry.terraform.io/crosscluster/crosscluster",
    crates: &["crosscluster", "terraform_provider_crosscluster"],
};
pub mod common;
pub mod data_sources;
pub mod resources;
