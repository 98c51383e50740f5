//! Retries that say so (issue 11, must-show 4): a persistent HTTP 500 on one Elasticsearch
//! endpoint and on one Cloud endpoint fails the apply after `max_retries` retries, each error
//! naming the operation, the server's error and the attempts; once the faults are lifted the
//! next apply converges.

use serde_json::json;

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const MAX_RETRIES: u32 = 2;

/// A write through Elasticsearch (applied) and a read through Cloud (planned).
const ROLE: &str = r#"
resource "crosscluster_role" "r" {
  name    = "retried-reader"
  cluster = ["monitor"]
}
"#;
const ORG: &str = r#"
data "crosscluster_organization" "me" {}
"#;

/// Attempts of `method path` the simulator logged, with their statuses.
fn statuses(sim: &Sim, method: &str, path: &str) -> Vec<u64> {
    sim.requests(None)
        .iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .filter_map(|r| r["status"].as_u64())
        .collect()
}

/// The `over N s` figure of a `gave up after ...` message.
fn reported_seconds(text: &str) -> f64 {
    text.split("attempts over ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(f64::MAX)
}

#[test]
fn persistent_500s_fail_after_the_retries_and_say_so() {
    let sim = Sim::start("retries-persistent-500");
    let wd = Workdir::new();
    let provider = sim
        .provider_block(None, Some("local"), Some("local"))
        .replace(
            "  request_timeout = \"10s\"\n",
            &format!("  request_timeout = \"2s\"\n  max_retries     = {MAX_RETRIES}\n"),
        );
    sim.faults(json!([
        {"method": "PUT", "path": "^/_security/role/retried-reader$", "target": "es",
         "status": 500, "count": 1000, "message": "shard failure on the security index"},
        {"method": "GET", "path": "^/api/v1/organizations$", "target": "cloud",
         "status": 500, "count": 1000, "message": "organization service unavailable"}
    ]));
    let want = (MAX_RETRIES + 1) as usize;
    let note = format!("; gave up after {want} attempts over ");

    // The write: apply fails after exactly max_retries + 1 attempts, every one answered 500.
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}{ROLE}"));
    let apply = wd.apply().failure().flat();
    // The read: plan fails the same way.
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}{ROLE}{ORG}"));
    let plan = wd.plan().failure().flat();
    assert_eq!(
        statuses(&sim, "PUT", "/_security/role/retried-reader"),
        vec![500; want],
        "{apply}"
    );
    assert_eq!(
        statuses(&sim, "GET", "/api/v1/organizations"),
        vec![500; want],
        "{plan}"
    );
    // Each error names the operation, the server's error and the attempts.
    for (text, operation, server) in [
        (
            &apply,
            "Failed to write role \"retried-reader\"",
            "PUT /_security/role/retried-reader: HTTP 500: simulated_fault_exception: shard failure on the security index",
        ),
        (
            &plan,
            "Failed to list organizations",
            "GET /api/v1/organizations: HTTP 500: root.unexpected_error: organization service unavailable",
        ),
    ] {
        assert!(text.contains(operation), "{text}");
        let at = text
            .find(server)
            .unwrap_or_else(|| panic!("no error {server:?}: {text}"));
        let rest = &text[at + server.len()..];
        assert!(rest.starts_with(&note), "{server}: {rest}");
        assert!(
            rest.contains(&format!("(max_retries = {MAX_RETRIES})")),
            "{rest}"
        );
        // The provider's own measure of the attempts stays within the budget: 3 attempts of at
        // most request_timeout (2 s) each plus the backoff (at most 0.5 s + 1 s).
        let secs = reported_seconds(rest);
        assert!(secs <= 7.5, "{server}: {secs} s");
        println!("retries: {server}; {want} attempts over {secs} s");
    }
    // The failed create left nothing behind.
    assert!(wd.resource("crosscluster_role.r").is_none());

    // Lift the faults: the next apply converges, with one write.
    sim.control("DELETE", "/_sim/faults", None);
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}{ROLE}{ORG}"));
    wd.apply().success();
    wd.assert_no_changes();
    let puts = statuses(&sim, "PUT", "/_security/role/retried-reader");
    assert_eq!(puts.len(), want + 1);
    assert_eq!(puts.last(), Some(&200));
}
