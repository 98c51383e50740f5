//! `terraform-provider-crosscluster`: serves the provider to Terraform over go-plugin.
//!
//! Run by Terraform (no arguments), or by a developer with `--debug` to get a
//! `TF_REATTACH_PROVIDERS` line. Errors go to stderr and exit with status 1.

use std::process::ExitCode;
use std::sync::Arc;

use crosscluster::plugin::provider_service::ProviderService;
use crosscluster::plugin::{self, ServeOptions};
use crosscluster::provider::CrossclusterProvider;

#[tokio::main]
async fn main() -> ExitCode {
    plugin::logging::init_from_env();
    let opts = match ServeOptions::from_args(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(e) => return fail(&e),
    };
    let provider = ProviderService::new(Arc::new(CrossclusterProvider::new()));
    let routes = tonic::service::Routes::new(provider);
    match plugin::serve(routes, opts).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(e: &plugin::PluginError) -> ExitCode {
    eprintln!("{e}");
    ExitCode::FAILURE
}
