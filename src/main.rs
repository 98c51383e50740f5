//! `terraform-provider-crosscluster`: serves the provider to Terraform over go-plugin.
//!
//! Run by Terraform (no arguments), or by a developer with `--debug` to get a
//! `TF_REATTACH_PROVIDERS` line. Errors go to stderr and exit with status 1.

use std::process::ExitCode;
use std::sync::Arc;

use crosscluster::provider::{CrossclusterProvider, IDENTITY};

#[tokio::main]
async fn main() -> ExitCode {
    tfplugin::run(IDENTITY, Arc::new(CrossclusterProvider::new())).await
}
