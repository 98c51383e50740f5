//! Plugin layer: the go-plugin transport Terraform uses to talk to a provider.
//!
//! It knows nothing of any particular provider; it provides:
//! - the go-plugin handshake ([`handshake`]): magic cookie, protocol version negotiation,
//!   listener (unix socket, TCP fallback) and the handshake line on stdout;
//! - AutoMTLS ([`tls`]): a fresh self-signed server certificate and a verifier that accepts
//!   only the exact client certificate Terraform passed in `PLUGIN_CLIENT_CERT`;
//! - the gRPC server ([`server`]): go-plugin's controller, stdio and broker services, gRPC
//!   health, 256 MiB message limits, signal handling and `--debug` reattach mode;
//! - hclog-style JSON logging on stderr with secret redaction ([`logging`]).
//!
//! A binary usually calls [`crate::run`]; done by hand it looks like this:
//!
//! ```no_run
//! # async fn run() -> Result<(), tfplugin::plugin::PluginError> {
//! use tfplugin::plugin::{ProviderIdentity, ServeOptions, serve};
//! const ID: ProviderIdentity = ProviderIdentity {
//!     type_name: "example",
//!     registry_address: "registry.terraform.io/example/example",
//!     crates: &["terraform_provider_example"],
//! };
//! tfplugin::plugin::logging::init_from_env(ID);
//! let opts = ServeOptions::from_args(&ID, std::env::args().skip(1))?;
//! // Add the tfplugin6 service (built with `.max_decoding_message_size(MAX_MESSAGE_SIZE)`
//! // and `.max_encoding_message_size(MAX_MESSAGE_SIZE)`) to these routes.
//! let routes = tonic::service::Routes::default();
//! serve(routes, opts).await
//! # }
//! ```

pub mod error;
pub mod handshake;
pub mod identity;
pub mod logging;
pub mod server;
pub mod tls;

/// Code generated from go-plugin's internal services (`proto/grpc_*.proto`, package `plugin`).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod go_plugin {
    tonic::include_proto!("plugin");
}

pub use error::PluginError;
pub use handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTOCOL_VERSION};
pub use identity::ProviderIdentity;
pub use logging::{REDACTED, Secret};
pub use server::{MAX_MESSAGE_SIZE, ServeOptions, serve};

/// Generated tfplugin6 protocol messages, server and client.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}
pub mod provider_service;
