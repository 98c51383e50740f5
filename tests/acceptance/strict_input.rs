//! Invalid configurations rejected by `terraform validate`, before anything is planned or
//! applied: each row names the attribute (path) and the rule in the diagnostic.

use crate::harness::{REQUIRED_PROVIDERS, Workdir};

/// (configuration, attribute path as the message names it, a fragment of the rule).
const CASES: &[(&str, &str, &str)] = &[
    (
        r#"resource "crosscluster_role" "r" { name = "bad\u0007name" }"#,
        "Attribute name contains",
        "printable ASCII",
    ),
    (
        r#"resource "crosscluster_role" "r" { name = " padded" }"#,
        "Attribute name starts or ends with whitespace",
        "role names",
    ),
    (
        r#"resource "crosscluster_role" "r" {
  name = "r"
  indices {
    names      = []
    privileges = ["read"]
  }
}"#,
        "Attribute indices[0].names must have at least 1",
        "element(s)",
    ),
    (
        r#"resource "crosscluster_role" "r" {
  name = "r"
  remote_indices {
    clusters   = ["remote"]
    names      = ["logs-*"]
    privileges = []
  }
}"#,
        "Attribute remote_indices[0].privileges must have at least 1",
        "element(s)",
    ),
    (
        r#"resource "crosscluster_api_key" "k" {
  name = "k"
  access {
    search { names = [] }
  }
}"#,
        "Attribute access.search[0].names must have at least 1",
        "element(s)",
    ),
    (
        r#"resource "crosscluster_api_key" "k" {
  name     = "k"
  metadata = jsonencode({ _internal = true })
  access {
    search { names = ["logs-*"] }
  }
}"#,
        "metadata key \"_internal\" starts with '_'",
        "reserves",
    ),
    (
        r#"resource "crosscluster_keystore_api_key" "k" {
  deployment_id      = "0123456789abcdef0123456789abcdef"
  alias              = "remote"
  api_key_wo         = "x"
  api_key_wo_version = -1
}"#,
        "Attribute api_key_wo_version must be at least 0",
        "got: -1",
    ),
    (
        r#"resource "crosscluster_remote_cluster" "r" {
  alias         = "r"
  proxy_address = "https://abc.found.io:9400"
}"#,
        "without a scheme: drop \"https://\"",
        "host:port",
    ),
    (
        r#"resource "crosscluster_remote_cluster" "r" {
  alias                   = "r"
  proxy_address           = "abc.found.io:9400"
  transport_ping_schedule = "5 sec"
}"#,
        "Attribute transport_ping_schedule is \"5 sec\"",
        "a whole number and a unit",
    ),
    (
        r#"resource "crosscluster_trusted_environment" "t" {
  deployment_id   = "0123456789abcdef0123456789abcdef"
  organization_id = "not an org!"
}"#,
        "Attribute organization_id is \"not an org!\"",
        "letters, digits",
    ),
    (
        r#"resource "crosscluster_trusted_environment" "t" {
  deployment_id   = "0123456789abcdef0123456789abcdef"
  organization_id = "1053523734"
  name            = join("", [for i in range(1000) : "nn"])
}"#,
        "Attribute name string length must be between 0 and 1024",
        "got: 2000",
    ),
];

#[test]
fn invalid_configurations_name_the_attribute() {
    let wd = Workdir::new();
    let mut failures = Vec::new();
    for (i, (config, path, rule)) in CASES.iter().enumerate() {
        wd.config(&format!("{REQUIRED_PROVIDERS}\n{config}\n"));
        let run = wd.validate();
        let text = run.flat();
        if run.code == 0 || !text.contains(path) || !text.contains(rule) {
            failures.push(format!("row {i}: want {path:?} and {rule:?}, got: {text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!(
        "strict input: {} invalid configurations rejected at validate",
        CASES.len()
    );
}
