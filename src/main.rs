//! `terraform-provider-crosscluster`: serves the provider to Terraform over go-plugin.
//!
//! Run by Terraform (no arguments), or by a developer with `--debug` to get a
//! `TF_REATTACH_PROVIDERS` line. Errors go to stderr and exit with status 1.

use std::process::ExitCode;

use crosscluster::plugin::{self, ServeOptions};

#[tokio::main]
async fn main() -> ExitCode {
    plugin::logging::init_from_env();
    let opts = match ServeOptions::from_args(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(e) => return fail(&e),
    };

    // tfplugin6: the lead plugs `crosscluster::plugin::provider_service` in here, e.g.
    // `Routes::new(ProviderServer::new(svc).max_decoding_message_size(plugin::MAX_MESSAGE_SIZE)
    //  .max_encoding_message_size(plugin::MAX_MESSAGE_SIZE))`. Until then only go-plugin's
    // own services (controller, stdio, broker, health) are served.
    let routes = tonic::service::Routes::default();

    match plugin::serve(routes, opts).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(e: &plugin::PluginError) -> ExitCode {
    eprintln!("{e}");
    ExitCode::FAILURE
}
