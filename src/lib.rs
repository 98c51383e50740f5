//! terraform-provider-crosscluster: Elasticsearch cross-cluster trust as Terraform resources.
//!
//! Layers (each knows nothing of the ones beside it except through these module boundaries):
//! - [`plugin`]: go-plugin handshake, mTLS, gRPC services, logging. Knows nothing of Elastic.
//! - [`framework`]: cty values, schema, diagnostics, resource traits. Knows nothing of Elastic.
//! - [`client`]: HTTP clients for the Elastic Cloud and Elasticsearch APIs. Knows nothing of Terraform.
//! - [`provider`]: joins them: configuration, resources, data sources, functions.

pub mod client;
pub mod framework;
pub mod plugin;
pub mod provider;
