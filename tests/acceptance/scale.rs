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

fn es_put(sim: &Sim, body: Value) {
    let d = sim.dep("local").1;
    let (status, resp) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", d.es_url),
        Some(&sim.es_auth("local")),
        Some(body),
    );
    assert_eq!(status, 200, "{resp}");
}

fn es_settings(sim: &Sim) -> Value {
    let d = sim.dep("local").1;
    let (status, body) = sim.http(
        "GET",
        &format!("{}/_cluster/settings?flat_settings=true", d.es_url),
        Some(&sim.es_auth("local")),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body
}

fn aliases_in(settings: &Value, scope: &str) -> std::collections::BTreeSet<String> {
    settings[scope]
        .as_object()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.strip_prefix("cluster.remote.")?.split_once('.'))
                .map(|(a, _)| a.to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn settings_puts(log: &[Value]) -> Vec<&Value> {
    log.iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
        .collect()
}

/// 200 aliases on one cluster (`wait_for_connection = false`): the apply writes them in at
/// most 25 `PUT _cluster/settings` (group commit), each carrying only aliases' own keys; an
/// alias and a setting made outside Terraform are kept; the refresh then reads
/// `_cluster/settings` and `_remote/info` at most twice each (shared reads) and finds nothing
/// to change; destroy removes the 200 in at most 25 PUTs and leaves the unmanaged ones.
#[test]
fn two_hundred_aliases_group_commit_and_shared_reads() {
    let sim = sim("scale-aliases-200", 50);
    es_put(
        &sim,
        serde_json::json!({"persistent": {
            "cluster.remote.outside.mode": "proxy",
            "cluster.remote.outside.proxy_address": "outside.example.com:9400",
            "indices.recovery.max_bytes_per_sec": "50mb"
        }}),
    );
    let wd = workdir(
        &sim,
        "resource \"crosscluster_remote_cluster\" \"many\" {\n  count = 200\n  alias = \"r${count.index}\"\n  proxy_address = \"remote.example.com:9400\"\n  server_name = \"remote.example.com\"\n  wait_for_connection = false\n}\n",
        true,
    );
    sim.control("DELETE", "/_sim/requests", None);
    wd.apply().success().contains("200 added");
    let log = sim.requests(Some("es"));
    let puts = settings_puts(&log);
    assert!(
        (1..=25).contains(&puts.len()),
        "{} PUT _cluster/settings for 200 aliases",
        puts.len()
    );
    for p in &puts {
        assert_eq!(p["status"], 200, "{p}");
        let body = p["body"]["persistent"].as_object().unwrap();
        assert!(
            body.keys()
                .all(|k| k.starts_with("cluster.remote.r")
                    && !k.starts_with("cluster.remote.outside.")),
            "a batch wrote more than its aliases' keys: {p}"
        );
    }
    eprintln!(
        "200 aliases: {} PUT, {} GET _cluster/settings",
        puts.len(),
        count(&log, "GET", "/_cluster/settings")
    );
    let now = es_settings(&sim);
    let aliases = aliases_in(&now, "persistent");
    assert_eq!(aliases.len(), 201, "{aliases:?}");
    assert!(aliases.contains("outside"));
    assert_eq!(
        now["persistent"]["indices.recovery.max_bytes_per_sec"], "50mb",
        "unmanaged setting kept"
    );
    let state: Value = serde_json::from_str(&wd.state_file()).unwrap();
    let instances = state["resources"][0]["instances"].as_array().unwrap().len();
    assert_eq!(instances, 200);

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

    sim.control("DELETE", "/_sim/requests", None);
    wd.destroy().success();
    let log = sim.requests(Some("es"));
    let puts = settings_puts(&log).len();
    assert!((1..=25).contains(&puts), "{puts} PUTs to destroy 200");
    let now = es_settings(&sim);
    assert_eq!(
        aliases_in(&now, "persistent"),
        ["outside".to_string()].into_iter().collect()
    );
    assert_eq!(
        now["persistent"]["indices.recovery.max_bytes_per_sec"],
        "50mb"
    );
}

/// Among six aliases created at once, one the cluster refuses (its transient settings, made
/// outside Terraform, keep it in sniff mode, so its proxy keys are invalid) fails alone with
/// the cluster's error naming it; the five others are written and in state, and a second
/// apply wants to create only the refused one.
#[test]
fn one_refused_alias_fails_alone() {
    let sim = sim("scale-aliases-refused", 50);
    es_put(
        &sim,
        serde_json::json!({"transient": {
            "cluster.remote.bad.mode": "sniff",
            "cluster.remote.bad.seeds": "seed.example.com:9300"
        }}),
    );
    let wd = workdir(
        &sim,
        "resource \"crosscluster_remote_cluster\" \"six\" {\n  for_each = toset([\"a1\", \"a2\", \"bad\", \"a3\", \"a4\", \"a5\"])\n  alias = each.key\n  proxy_address = \"remote.example.com:9400\"\n  server_name = \"remote.example.com\"\n  wait_for_connection = false\n}\n",
        true,
    );
    sim.control("DELETE", "/_sim/requests", None);
    let run = wd.apply().failure();
    let text = run.flat();
    assert!(text.contains("remote cluster \"bad\""), "{text}");
    assert!(text.contains("cluster.remote.bad.proxy_address"), "{text}");
    let log = sim.requests(Some("es"));
    let puts = settings_puts(&log);
    // The bad alias's own PUT was refused; every accepted PUT left it out.
    let alone: Vec<_> = puts
        .iter()
        .filter(|p| {
            let b = p["body"]["persistent"].as_object().unwrap();
            b.keys().all(|k| k.starts_with("cluster.remote.bad."))
        })
        .collect();
    assert_eq!(alone.len(), 1, "{puts:?}");
    assert_eq!(alone[0]["status"], 400);
    assert!(puts.len() <= 6, "{} PUTs", puts.len());
    let now = es_settings(&sim);
    let written = aliases_in(&now, "persistent");
    let want: std::collections::BTreeSet<String> = ["a1", "a2", "a3", "a4", "a5"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(written, want);
    let state: Value = serde_json::from_str(&wd.state_file()).unwrap();
    let in_state: std::collections::BTreeSet<String> = state["resources"][0]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["index_key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(in_state, want);
    let plan = wd.plan_code();
    assert_eq!(plan.code, 2, "{}", plan.text());
    assert!(
        plan.flat().contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.text()
    );
}

/// A refresh of 40 roles (one `GET _security/role/<name>` each) with the simulator answering
/// after 100 ms: Terraform reads 10 at a time and the provider sends them at once (the
/// simulator counts the requests it handles at the same time), none serialised behind another.
#[test]
fn refresh_reads_run_in_parallel() {
    let sim = sim("scale-refresh-parallel", 50);
    let wd = workdir(
        &sim,
        "resource \"crosscluster_role\" \"many\" {\n  count = 40\n  name = \"reader-${count.index}\"\n  cluster = [\"monitor\"]\n}\n",
        true,
    );
    wd.apply().success().contains("40 added");
    sim.config(None, Some(100));
    sim.control("DELETE", "/_sim/requests", None);
    let run = wd.plan_code();
    assert_eq!(run.code, 0, "{}", run.text());
    let c = sim.control("GET", "/_sim/concurrency", None);
    let log = sim.requests(Some("es"));
    let reads = log
        .iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/_security/role/"))
        })
        .count();
    eprintln!(
        "refresh of 40 roles: {reads} reads, at most {} at once",
        c["max_in_flight"]
    );
    assert_eq!(reads, 40);
    let max = c["max_in_flight"].as_u64().unwrap();
    assert!(max >= 5, "only {max} requests in flight at once");
}

/// Two Terraform processes (two provider processes, each batching its own writes) apply 30
/// aliases each on one cluster at the same time: every one of the 60 is there afterwards, as
/// is the alias made outside Terraform, and each configuration's plan is empty. A batch only
/// carries its own aliases' keys, so neither process undoes the other's writes.
#[test]
fn two_processes_batch_on_one_cluster() {
    let sim = sim("scale-aliases-two-processes", 50);
    es_put(
        &sim,
        serde_json::json!({"persistent": {
            "cluster.remote.outside.mode": "proxy",
            "cluster.remote.outside.proxy_address": "outside.example.com:9400"
        }}),
    );
    let config = |prefix: &str| {
        format!(
            "resource \"crosscluster_remote_cluster\" \"many\" {{\n  count = 30\n  alias = \"{prefix}${{count.index}}\"\n  proxy_address = \"remote.example.com:9400\"\n  server_name = \"remote.example.com\"\n  wait_for_connection = false\n}}\n"
        )
    };
    let a = workdir(&sim, &config("a"), true);
    let b = workdir(&sim, &config("b"), true);
    a.init();
    b.init();
    std::thread::scope(|s| {
        let ta = s.spawn(|| a.apply());
        let tb = s.spawn(|| b.apply());
        ta.join().unwrap().success().contains("30 added");
        tb.join().unwrap().success().contains("30 added");
    });
    let aliases = aliases_in(&es_settings(&sim), "persistent");
    assert_eq!(aliases.len(), 61, "{aliases:?}");
    assert!(aliases.contains("outside"));
    let puts = settings_puts(&sim.requests(Some("es"))).len();
    assert!(puts <= 12, "{puts} PUTs for 2 x 30 aliases");
    a.assert_no_changes();
    b.assert_no_changes();
}
