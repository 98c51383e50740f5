//! plugin layer.

/// Generated tfplugin6 protocol messages, server and client.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}
pub mod provider_service;
