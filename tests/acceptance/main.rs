//! Acceptance tests: the real Terraform CLI drives the real provider binary; the Elastic APIs
//! are served by the simulator (`tests/simulator`) started in-process.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

mod harness;
mod sim;

mod action;
mod api_key;
mod deployment;
mod deployment_remote_cluster;
mod diagnosis;
mod docs;
mod ece;
mod examples;
mod faults;
mod flows;
mod identity;
mod imports;
mod interrupt;
mod keystore_api_key;
mod migration;
mod modules;
mod organization;
mod permissions;
mod provider_core;
mod query;
mod quickstart;
mod real_shapes;
mod recovery;
mod remote_cluster;
mod remote_info;
mod retries;
mod role;
mod scale;
mod strict_input;
mod strong_identity;
mod tls;
mod traffic_filter;
mod trusted_environment;

use harness::Workdir;

/// The pinned Terraform is the one the tests run (unless TF_ACC_TERRAFORM_PATH overrides it).
#[test]
fn terraform_is_available() {
    let run = Workdir::new().run(&["version", "-json"]).success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("version -json");
    let version = v["terraform_version"].as_str().unwrap_or_default();
    assert!(
        version.starts_with("1."),
        "unexpected terraform version {version:?}"
    );
    if std::env::var_os("TF_ACC_TERRAFORM_PATH").is_none() {
        assert_eq!(version, "1.15.5");
    }
}
