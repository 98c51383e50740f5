//! terraform-provider-crosscluster: Elasticsearch cross-cluster trust as Terraform resources.
//!
//! Layers (each knows nothing of the ones beside it except through these boundaries):
//! - [`plugin`] and [`framework`]: re-exported from the `tfplugin` crate (go-plugin transport,
//!   cty values, schema, diagnostics, resource traits), which knows nothing of Elastic.
//! - [`client`]: HTTP clients for the Elastic Cloud and Elasticsearch APIs. Knows nothing of Terraform.
//! - [`provider`]: joins them: configuration, resources, data sources, functions.

pub mod client;
pub mod provider;

pub use tfplugin::{framework, plugin};
