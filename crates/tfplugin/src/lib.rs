//! `tfplugin`: a Terraform provider in Rust, without the provider.
//!
//! Two layers, neither of which knows anything of a particular provider:
//! - [`plugin`]: the go-plugin transport Terraform speaks (handshake, AutoMTLS, the gRPC
//!   services, hclog logging with redaction) and the tfplugin6 `Provider` service;
//! - [`framework`]: cty values and their codecs, schema, diagnostics with attribute paths,
//!   plan rules and the [`Provider`],
//!   [`Resource`](framework::traits::Resource), [`DataSource`](framework::traits::DataSource)
//!   and [`Function`](framework::traits::Function) traits.
//!
//! A provider implements the traits and hands itself to [`run`] from `main`, together with
//! its [`ProviderIdentity`]. See the crate README for a whole
//! provider in 60 lines.

#![warn(missing_docs)]

pub mod framework;
pub mod plugin;

/// The README's example, compiled as a doc test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::process::ExitCode;
use std::sync::Arc;

use framework::traits::Provider;
use plugin::provider_service::ProviderService;
use plugin::{ProviderIdentity, ServeOptions};

/// Serves `provider` to Terraform until Terraform stops it: logging from `TF_LOG` /
/// `TF_LOG_PROVIDER`, `--debug` from the command line, then [`plugin::serve`]. Errors are
/// printed to stderr and give exit status 1.
pub async fn run(identity: ProviderIdentity, provider: Arc<dyn Provider>) -> ExitCode {
    plugin::logging::init_from_env(identity);
    let result = match ServeOptions::from_args(&identity, std::env::args().skip(1)) {
        Ok(opts) => {
            let routes = tonic::service::Routes::new(ProviderService::new(provider));
            plugin::serve(routes, opts).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
