//! Issue 12 at scale, by request counts (timings are `make bench`'s, never asserted here): group
//! commit of trust changes per deployment, no queued change timing out behind others' plans,
//! and shared reads in a refresh of many aliases.

use crosscluster_sim::{Fixture, Options};
use serde_json::Value;

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

fn sim(name: &str, plan_ms: u64) -> Sim {
    Sim::with(
        name,
        Fixture::default_fixture(),
        Options {
            plan_ms,
            latency_ms: 0,
        },
    )
}

fn workdir(sim: &Sim, body: &str, with_es: bool) -> Workdir {
    let wd = Workdir::new();
    let provider = sim.provider_block(None, Some("local"), with_es.then_some("local"));
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{body}\n"));
    wd
}

fn count(log: &[Value], method: &str, path: &str) -> usize {
    log.iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .count()
}

fn tainted(wd: &Workdir) -> Vec<String> {
    let state: Value = serde_json::from_str(&wd.state_file()).unwrap();
    let mut out = Vec::new();
    for r in state["resources"].as_array().cloned().unwrap_or_default() {
        for (i, inst) in r["instances"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if inst["status"] == "tainted" {
                out.push(format!("{}[{i}]", r["name"]));
            }
        }
    }
    out
}

fn trust_entries(dep: &str, n: usize, extra: &str) -> String {
    format!(
        "resource \"crosscluster_trusted_environment\" \"many\" {{\n  count = {n}\n  deployment_id = \"{dep}\"\n  organization_id = format(\"3%09d\", count.index)\n  name = \"org ${{count.index}}\"\n{extra}}}\n"
    )
}

fn accounts(sim: &Sim) -> Vec<String> {
    let d = sim.deployment_state("local");
    d["trust"]["accounts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a["account_id"].as_str().map(str::to_string))
        .collect()
}

/// 30 trust entries on one deployment in one apply: at most 3 deployment updates, every entry
/// in place and in state, the organization's own entry kept; destroy takes them all out in
/// at most 3 updates too.
#[test]
fn thirty_trust_entries_three_updates() {
    let sim = sim("scale-trust-30", 500);
    let dep = sim.id("local");
    let before = accounts(&sim);
    let wd = workdir(&sim, &trust_entries(&dep, 30, ""), false);
    sim.control("DELETE", "/_sim/requests", None);
    wd.apply().success().contains("30 added");
    let path = format!("/api/v1/deployments/{dep}");
    let puts = count(&sim.requests(Some("cloud")), "PUT", &path);
    assert!(
        (1..=3).contains(&puts),
        "{puts} deployment PUTs for 30 entries"
    );
    let now = accounts(&sim);
    assert_eq!(now.len(), before.len() + 30, "{now:?}");
    for b in &before {
        assert!(now.contains(b), "unmanaged entry {b} lost");
    }
    assert!(tainted(&wd).is_empty());
    wd.assert_no_changes();
    sim.control("DELETE", "/_sim/requests", None);
    wd.destroy().success();
    let puts = count(&sim.requests(Some("cloud")), "PUT", &path);
    assert!(
        (1..=3).contains(&puts),
        "{puts} deployment PUTs to destroy 30"
    );
    assert_eq!(accounts(&sim), before);
}

/// 10 entries whose create timeout is shorter than 10 plans in a row: none is tainted, since a
/// queued change waits for one plan (its batch's), not for the others' one by one.
#[test]
fn short_timeouts_and_slow_plans_taint_nothing() {
    let sim = sim("scale-trust-timeouts", 1500);
    let dep = sim.id("local");
    let wd = workdir(
        &sim,
        &trust_entries(&dep, 10, "  timeouts {\n    create = \"6s\"\n  }\n"),
        false,
    );
    wd.apply().success().contains("10 added");
    assert_eq!(tainted(&wd), Vec::<String>::new());
    assert_eq!(accounts(&sim).len(), 11);
    wd.assert_no_changes();
}

/// The refresh of 200 aliases on one cluster reads `_cluster/settings` and `_remote/info` at
/// most twice each (shared reads), and finds nothing to change.
#[test]
fn two_hundred_aliases_refresh_shares_reads() {
    let sim = sim("scale-aliases-200", 50);
    let wd = workdir(
        &sim,
        "resource \"crosscluster_remote_cluster\" \"many\" {\n  count = 200\n  alias = \"r${count.index}\"\n  proxy_address = \"remote.example.com:9400\"\n  server_name = \"remote.example.com\"\n  wait_for_connection = false\n}\n",
        true,
    );
    wd.apply().success().contains("200 added");
    sim.control("DELETE", "/_sim/requests", None);
    let run = wd.plan_code();
    assert_eq!(run.code, 0, "{}", run.text());
    let log = sim.requests(Some("es"));
    let settings = count(&log, "GET", "/_cluster/settings");
    let info = count(&log, "GET", "/_remote/info");
    assert!(
        (1..=2).contains(&settings),
        "{settings} GET _cluster/settings"
    );
    assert!((1..=2).contains(&info), "{info} GET _remote/info");
}
