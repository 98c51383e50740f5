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
