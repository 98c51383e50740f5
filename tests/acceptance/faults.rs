//! Issue 11, must-show 1: 60 resources of every kind across the default fixture, applied by
//! real Terraform while the simulator faults 20% of all requests (429 with `Retry-After`, 503,
//! a connection dropped before the request is handled, and one dropped after it was handled),
//! over three seeds. The first apply succeeds, the end state equals a fault-free run's, every
//! `crosscluster_api_key` has exactly one active key, and the next plan is empty. Also the
//! api_key rows of must-show 2 (a lost answer to the create, in every delivery mode) and the
//! secret audit of those paths (must-show 7).

use std::collections::BTreeMap;

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// How many of each kind (60 in all).
const TRUST_LOCAL: usize = 8;
const TRUST_REMOTE: usize = 1;
const DEPLOYMENT_REMOTES: usize = 5;
const REMOTE_CLUSTERS: usize = 8;
const PLAIN_KEYS: usize = 6;
const WO_KEYS: usize = 6;
const SEALED_KEYS: usize = 6;
const ROLES: usize = 8;
const TOTAL: usize = TRUST_LOCAL
    + TRUST_REMOTE
    + DEPLOYMENT_REMOTES
    + REMOTE_CLUSTERS
    + 2 * PLAIN_KEYS
    + 2 * WO_KEYS
    + SEALED_KEYS
    + ROLES;

fn sim(name: &str) -> Sim {
    Sim::with(
        name,
        Fixture::default_fixture(),
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
}

/// A provider block: `cloud` of the organization of `cloud_of`, `elasticsearch` of `es_of`,
/// with room for 10 retries.
fn provider(sim: &Sim, alias: Option<&str>, cloud_of: &str, es_of: Option<&str>) -> String {
    let mut s = String::from("provider \"crosscluster\" {\n");
    if let Some(a) = alias {
        s.push_str(&format!("  alias = \"{a}\"\n"));
    }
    s.push_str(&format!(
        "  cloud {{\n    endpoint = \"{}\"\n    api_key  = \"{}\"\n  }}\n",
        sim.ready.cloud_url,
        sim.cloud_key_for(cloud_of)
    ));
    if let Some(name) = es_of {
        let d = sim.dep(name).1;
        s.push_str(&format!(
            "  elasticsearch {{\n    endpoints = [\"{}\"]\n    username  = \"{}\"\n    password  = \"{}\"\n  }}\n",
            d.es_url, d.username, d.password
        ));
    }
    s.push_str("  request_timeout = \"10s\"\n  max_retries = 10\n}\n");
    s
}

/// The 60 resources. The ids of the default fixture are stable, so every simulator gets the
/// same text.
fn config(sim: &Sim) -> String {
    let local = sim.id("local");
    let remote = sim.id("remote");
    let local_org = sim.dep("local").1.organization_id;
    let (old, legacy_remote) = (sim.id("old-local"), sim.id("legacy-remote"));
    let providers = [
        provider(sim, None, "local", Some("local")),
        provider(sim, Some("remote"), "local", Some("remote")),
        provider(sim, Some("remote_org"), "remote", None),
    ]
    .join("\n");
    format!(
        r#"{REQUIRED_PROVIDERS}
{providers}
resource "crosscluster_trusted_environment" "orgs" {{
  count           = {TRUST_LOCAL}
  deployment_id   = "{local}"
  organization_id = format("3%09d", count.index)
  name            = "org ${{count.index}}"
}}

resource "crosscluster_trusted_environment" "back" {{
  count           = {TRUST_REMOTE}
  provider        = crosscluster.remote_org
  deployment_id   = "{remote}"
  organization_id = "{local_org}"
  name            = "Local Org"
}}

resource "crosscluster_deployment_remote_cluster" "drc" {{
  count                = {DEPLOYMENT_REMOTES}
  deployment_id        = "{local}"
  alias                = "drc-${{count.index}}"
  remote_deployment_id = count.index % 2 == 0 ? "{old}" : "{legacy_remote}"
  skip_unavailable     = count.index % 2 == 0
}}

resource "crosscluster_remote_cluster" "rc" {{
  count               = {REMOTE_CLUSTERS}
  alias               = "rc-${{count.index}}"
  proxy_address       = "remote-${{count.index}}.example.com:9400"
  server_name         = "remote-${{count.index}}.example.com"
  wait_for_connection = false
}}

resource "crosscluster_api_key" "plain" {{
  count    = {PLAIN_KEYS}
  provider = crosscluster.remote
  name     = "plain-${{count.index}}"
  metadata = jsonencode({{ n = count.index }})
  access {{
    search {{
      names = ["logs-${{count.index}}-*"]
    }}
  }}
}}

resource "crosscluster_keystore_api_key" "plain" {{
  count         = {PLAIN_KEYS}
  deployment_id = "{local}"
  alias         = "plain-${{count.index}}"
  api_key       = crosscluster_api_key.plain[count.index].encoded
}}

resource "crosscluster_api_key" "wo" {{
  count    = {WO_KEYS}
  provider = crosscluster.remote
  name     = "wo-${{count.index}}"
  access {{
    replication {{
      names = ["archive-${{count.index}}-*"]
    }}
  }}
}}

resource "crosscluster_keystore_api_key" "wo" {{
  count              = {WO_KEYS}
  deployment_id      = "{local}"
  alias              = "wo-${{count.index}}"
  api_key_wo         = crosscluster_api_key.wo[count.index].encoded
  api_key_wo_version = 1
}}

resource "crosscluster_api_key" "sealed" {{
  count    = {SEALED_KEYS}
  provider = crosscluster.remote
  name     = "sealed-${{count.index}}"
  access {{
    search {{
      names = ["metrics-${{count.index}}-*"]
    }}
  }}
  keystore {{
    deployment_id = "{local}"
    alias         = "sealed-${{count.index}}"
  }}
}}

resource "crosscluster_role" "roles" {{
  count = {ROLES}
  name  = "reader-${{count.index}}"
  indices {{
    names      = ["logs-${{count.index}}-*"]
    privileges = ["read"]
  }}
  remote_indices {{
    clusters   = ["rc-${{count.index}}"]
    names      = ["logs-*"]
    privileges = ["read", "read_cross_cluster"]
  }}
}}
"#
    )
}

/// A working directory for `sim` with fast retries (20 ms doubling to at most 100 ms, which also
/// caps the faults' `Retry-After: 1`).
fn workdir(sim: &Sim) -> Workdir {
    let mut wd = Workdir::new();
    wd.env("CROSSCLUSTER_RETRY_BASE_DELAY", "20ms");
    wd.env("CROSSCLUSTER_RETRY_MAX_DELAY", "100ms");
    wd.config(&config(sim));
    wd
}

/// Metadata without the provider's request marker.
fn user_metadata(m: &Value) -> Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut() {
        o.remove("crosscluster_request_marker");
    }
    m
}

/// What the applies made, without ids, versions and timestamps: per deployment the trust
/// lists, Cloud remote clusters, persistent settings, keystore entries, active keys (name,
/// access, metadata without the marker) and roles.
fn end_state(sim: &Sim) -> Value {
    let state = sim.state();
    let mut out = BTreeMap::new();
    for (_, d) in state["deployments"]
        .as_object()
        .cloned()
        .unwrap_or_default()
    {
        let mut keys: Vec<Value> = d["api_keys"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k["invalidated"] == false && k["expired"] == false)
            .map(|k| json!({"name": k["name"], "type": k["type"], "access": k["access"], "metadata": user_metadata(&k["metadata"])}))
            .collect();
        keys.sort_by_key(|k| k.to_string());
        // Entries land in the order the concurrent creates reached the API.
        let sorted = |v: &Value, key: &str| {
            let mut a = v.as_array().cloned().unwrap_or_default();
            a.sort_by_key(|e| e[key].to_string());
            Value::Array(a)
        };
        let mut trust = d["trust"].clone();
        for (list, key) in [
            ("accounts", "account_id"),
            ("external", "trust_relationship_id"),
            ("direct", "name"),
        ] {
            trust[list] = sorted(&trust[list], key);
        }
        let name = d["name"].as_str().unwrap_or_default().to_string();
        out.insert(
            name,
            json!({
                "trust": trust,
                "remote_clusters": sorted(&d["remote_clusters"], "alias"),
                "persistent": d["cluster_settings"]["persistent"],
                "keystore_keys": d["keystore_keys"],
                "active_keys": keys,
                "roles": d["roles"],
                "pending_plan": d["pending_plan"],
            }),
        );
    }
    json!(out)
}

/// The active keys on `remote` per name.
fn active_keys_by_name(sim: &Sim) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for k in sim.deployment_state("remote")["api_keys"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        if k["invalidated"] == false && k["expired"] == false {
            *out.entry(k["name"].as_str().unwrap_or_default().to_string())
                .or_insert(0) += 1;
        }
    }
    out
}

fn key_names() -> Vec<String> {
    let mut names = Vec::new();
    for (prefix, n) in [
        ("plain", PLAIN_KEYS),
        ("wo", WO_KEYS),
        ("sealed", SEALED_KEYS),
    ] {
        names.extend((0..n).map(|i| format!("{prefix}-{i}")));
    }
    names
}

/// The states of the Terraform state's resource instances: (address, tainted).
fn instances(wd: &Workdir) -> Vec<(String, bool)> {
    let state: Value = serde_json::from_str(&wd.state_file()).unwrap();
    let mut out = Vec::new();
    for r in state["resources"].as_array().cloned().unwrap_or_default() {
        for inst in r["instances"].as_array().cloned().unwrap_or_default() {
            out.push((
                format!(
                    "{}.{}[{}]",
                    r["type"].as_str().unwrap_or(""),
                    r["name"].as_str().unwrap_or(""),
                    inst["index_key"]
                ),
                inst["status"] == "tainted",
            ));
        }
    }
    out
}

/// Must-show 1: the first apply under 20% faults succeeds for three seeds, and ends where the
/// fault-free apply ends.
#[test]
fn sixty_resources_under_random_faults() {
    assert_eq!(TOTAL, 60);
    // The fault-free run.
    let clean = sim("faults-clean");
    let wd = workdir(&clean);
    wd.apply().success().contains(&format!("{TOTAL} added"));
    let want = end_state(&clean);
    let requests = clean.requests(None).len();
    println!("fault-free apply: {requests} requests");
    drop(wd);
    let mut lost_answers = 0;
    for seed in [7u64, 11, 23] {
        let sim = sim(&format!("faults-seed-{seed}"));
        let wd = workdir(&sim);
        sim.faults(json!({
            "rate": 0.2, "seed": seed, "retry_after": 1,
            "kinds": ["429", "503", "drop_before", "drop_after"]
        }));
        let run = wd.apply();
        let faults = sim.control("GET", "/_sim/faults", None)["random"].clone();
        let run = run.success().contains(&format!("{TOTAL} added"));
        println!(
            "seed {seed}: first apply succeeded; {} requests matched, faults injected {}",
            faults["matched"], faults["injected"]
        );
        let injected: u64 = faults["injected"]
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0);
        let matched = faults["matched"].as_u64().unwrap_or(0);
        assert!(
            matched > 150 && (matched * 12 / 100..=matched * 30 / 100).contains(&injected),
            "seed {seed}: {injected} faults in {matched} requests: {faults}"
        );
        for kind in ["429", "503", "drop_before", "drop_after"] {
            assert!(
                faults["injected"][kind].as_u64().unwrap_or(0) > 0,
                "seed {seed}: no {kind} fault: {faults}"
            );
        }
        // How the key creates fared: faulted POSTs, and keys of lost answers (invalidated).
        let creates: Vec<Value> = sim
            .requests(Some("remote"))
            .into_iter()
            .filter(|e| e["method"] == "POST" && e["path"] == "/_security/cross_cluster/api_key")
            .collect();
        let faulted: BTreeMap<String, usize> = creates.iter().fold(BTreeMap::new(), |mut m, e| {
            if let Some(k) = e["fault_kind"].as_str() {
                *m.entry(k.to_string()).or_insert(0) += 1;
            }
            m
        });
        let invalidated = sim.deployment_state("remote")["api_keys"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|k| k["invalidated"] == true).count());
        println!(
            "seed {seed}: {} key creates sent for {} keys, faulted {faulted:?}, {invalidated} keys of lost answers invalidated",
            creates.len(),
            key_names().len()
        );
        lost_answers += faulted.get("drop_after").copied().unwrap_or(0);
        assert_eq!(
            invalidated,
            faulted.get("drop_after").copied().unwrap_or(0),
            "seed {seed}: a key per lost answer, invalidated"
        );
        // Terraform knows every resource, none tainted.
        let inst = instances(&wd);
        assert_eq!(inst.len(), TOTAL, "seed {seed}: {inst:?}");
        let tainted: Vec<&String> = inst.iter().filter(|(_, t)| *t).map(|(a, _)| a).collect();
        assert!(tainted.is_empty(), "seed {seed}: tainted {tainted:?}");
        // Exactly one active key per crosscluster_api_key, nothing else on the remote.
        let active = active_keys_by_name(&sim);
        let want_keys: BTreeMap<String, usize> = key_names().into_iter().map(|n| (n, 1)).collect();
        assert_eq!(active, want_keys, "seed {seed}: active keys per name");
        // The next plan is empty, still under faults.
        wd.assert_no_changes();
        sim.control("DELETE", "/_sim/faults", None);
        let got = end_state(&sim);
        for (name, part) in want.as_object().into_iter().flatten() {
            for (what, v) in part.as_object().into_iter().flatten() {
                assert_eq!(
                    &got[name][what], v,
                    "seed {seed}: {name} {what} differs from the fault-free run"
                );
            }
        }
        assert_eq!(got, want);
        // The secret audit of this run: no key secret in Terraform's output or the log.
        audit_no_key_secrets(&sim, &wd, &run.text());
    }
    assert!(
        lost_answers > 0,
        "no create lost its answer in three seeds: the exactly-once path went untested"
    );
}

/// Every live key's secret, read white-box from the simulator's keystore; none may be in the
/// output, in the state of sealed keys, or in the request log.
fn audit_no_key_secrets(sim: &Sim, wd: &Workdir, output: &str) {
    let state = wd.state_file();
    let log: String = sim.requests(None).iter().map(|e| e.to_string()).collect();
    for i in 0..SEALED_KEYS {
        let setting = format!("cluster.remote.sealed-{i}.credentials");
        let secret = sim
            .keystore_value("local", &setting)
            .unwrap_or_else(|| panic!("{setting} is in the keystore"));
        assert!(secret.len() > 20);
        assert!(
            !state.contains(&secret),
            "a sealed key's secret is in the state"
        );
        assert!(
            !output.contains(&secret),
            "a sealed key's secret is in the output"
        );
        assert!(
            !log.contains(&secret),
            "a sealed key's secret is in the request log"
        );
    }
    for i in 0..WO_KEYS {
        let setting = format!("cluster.remote.wo-{i}.credentials");
        let secret = sim.keystore_value("local", &setting).unwrap();
        assert!(!output.contains(&secret), "a key's secret is in the output");
        assert!(
            !log.contains(&secret),
            "a key's secret is in the request log"
        );
    }
}

/// One key of each delivery mode, for the rows below: plain (`encoded` in state), write-only
/// (`encoded` into a keystore resource's `api_key_wo`), sealed (into the keystore directly).
fn one_of_each(sim: &Sim, metadata: &str, max_retries: u32) -> String {
    let local = sim.id("local");
    let providers = [
        provider(sim, None, "local", Some("local")),
        provider(sim, Some("remote"), "local", Some("remote")),
    ]
    .join("\n")
    .replace("max_retries = 10", &format!("max_retries = {max_retries}"));
    format!(
        r#"{REQUIRED_PROVIDERS}
{providers}
resource "crosscluster_api_key" "plain" {{
  provider = crosscluster.remote
  name     = "row-plain"
  metadata = jsonencode({metadata})
  access {{
    search {{
      names = ["logs-*"]
    }}
  }}
}}

resource "crosscluster_api_key" "wo" {{
  provider = crosscluster.remote
  name     = "row-wo"
  access {{
    search {{
      names = ["logs-*"]
    }}
  }}
}}

resource "crosscluster_keystore_api_key" "wo" {{
  deployment_id      = "{local}"
  alias              = "row-wo"
  api_key_wo         = crosscluster_api_key.wo.encoded
  api_key_wo_version = 1
}}

resource "crosscluster_api_key" "sealed" {{
  provider = crosscluster.remote
  name     = "row-sealed"
  access {{
    search {{
      names = ["logs-*"]
    }}
  }}
  keystore {{
    deployment_id = "{local}"
    alias         = "row-sealed"
  }}
}}
"#
    )
}

const CREATE: &str = "^/_security/cross_cluster/api_key$";

/// The key id in state of `address`, if any.
fn state_key_id(wd: &Workdir, address: &str) -> Option<String> {
    wd.resource(address)
        .and_then(|r| r["id"].as_str().map(str::to_string))
}

/// After convergence: exactly the keys of the state are live (one per name), and each keystore
/// entry holds the live key of its resource.
#[track_caller]
fn assert_truthful(sim: &Sim, wd: &Workdir, row: &str) {
    use base64::Engine as _;
    let active = active_keys_by_name(sim);
    let want: BTreeMap<String, usize> = ["row-plain", "row-wo", "row-sealed"]
        .iter()
        .map(|n| (n.to_string(), 1))
        .collect();
    assert_eq!(active, want, "{row}: live keys");
    let live: Vec<String> = sim.deployment_state("remote")["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["invalidated"] == false)
        .map(|k| k["id"].as_str().unwrap().to_string())
        .collect();
    for addr in [
        "crosscluster_api_key.plain",
        "crosscluster_api_key.wo",
        "crosscluster_api_key.sealed",
    ] {
        let id = state_key_id(wd, addr).unwrap_or_else(|| panic!("{row}: {addr} not in state"));
        assert!(live.contains(&id), "{row}: {addr} {id} is not live");
    }
    for (alias, addr) in [
        ("row-wo", "crosscluster_api_key.wo"),
        ("row-sealed", "crosscluster_api_key.sealed"),
    ] {
        let v = sim
            .keystore_value("local", &format!("cluster.remote.{alias}.credentials"))
            .unwrap_or_else(|| panic!("{row}: no keystore entry for {alias}"));
        let decoded = base64::engine::general_purpose::STANDARD.decode(v).unwrap();
        let id = String::from_utf8(decoded).unwrap();
        let id = id.split(':').next().unwrap().to_string();
        assert_eq!(
            Some(id),
            state_key_id(wd, addr),
            "{row}: {alias} holds the key of {addr}"
        );
    }
    let keystore = sim.deployment_state("local")["keystore_keys"].clone();
    assert_eq!(
        keystore,
        json!([
            "cluster.remote.row-sealed.credentials",
            "cluster.remote.row-wo.credentials"
        ]),
        "{row}: keystore entries"
    );
}

/// Must-show 2, the `crosscluster_api_key` rows: an error at each point after an accepted
/// write, with no retries left (max_retries = 0), in every delivery mode. Each failed apply
/// leaves no live key that state does not know; the next apply converges without import.
#[test]
fn api_key_errors_after_accepted_writes() {
    let sim = sim("faults-api-key-rows");
    let wd = workdir(&sim);
    let remote = sim.id("remote");
    let rows: [(&str, Value, &str); 3] = [
        // The creates were handled, their answers lost: two dropped, one cut short.
        (
            "create answers dropped or truncated",
            json!({"rules": [
                {"target": remote, "method": "POST", "path": CREATE, "reset": true, "after": true, "count": 2},
                {"target": remote, "method": "POST", "path": CREATE, "truncate": true}
            ]}),
            "invalidated again",
        ),
        // The keystore writes (sealed delivery and the keystore resource): one refused with a
        // 500, one made with its answer lost.
        (
            "keystore writes refused or unanswered",
            json!({"rules": [
                {"target": "cloud", "method": "PATCH", "path": "/keystore$", "status": 500},
                {"target": "cloud", "method": "PATCH", "path": "/keystore$", "reset": true, "after": true}
            ]}),
            "was invalidated again",
        ),
        // The read-back after the create fails: the key is kept in state, with a warning.
        (
            "read-back after create answered 500",
            json!({"target": remote, "method": "GET", "path": "^/_security/api_key$", "status": 500, "count": 3}),
            "",
        ),
    ];
    for (row, rule, says) in rows {
        wd.config(&one_of_each(&sim, "{ n = 1 }", 0));
        sim.faults(rule);
        let run = wd.apply();
        if says.is_empty() {
            run.success().contains("API key written but not read back");
        } else {
            run.failure().contains(says);
        }
        // Whatever failed: no live key outside the state.
        let live = sim.deployment_state("remote")["api_keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["invalidated"] == false)
            .map(|k| k["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>();
        let known: Vec<String> = ["plain", "wo", "sealed"]
            .iter()
            .filter_map(|n| state_key_id(&wd, &format!("crosscluster_api_key.{n}")))
            .collect();
        for id in &live {
            assert!(
                known.contains(id),
                "{row}: live key {id} is not in state ({known:?})"
            );
        }
        // ...and no keystore entry whose resource state does not know.
        for entry in sim.deployment_state("local")["keystore_keys"]
            .as_array()
            .unwrap()
        {
            let owner = match entry.as_str().unwrap() {
                "cluster.remote.row-wo.credentials" => "crosscluster_keystore_api_key.wo",
                "cluster.remote.row-sealed.credentials" => "crosscluster_api_key.sealed",
                other => panic!("{row}: unexpected keystore entry {other}"),
            };
            assert!(
                wd.resource(owner).is_some(),
                "{row}: keystore entry {entry} outside the state"
            );
        }
        sim.control("DELETE", "/_sim/faults", None);
        wd.apply().success();
        assert_truthful(&sim, &wd, row);
        wd.assert_no_changes();
        println!("{row}: {} live keys, all in state; converged", live.len());
        wd.destroy().success();
        assert!(
            active_keys_by_name(&sim).is_empty(),
            "{row}: destroy left keys"
        );
    }
    // Update: the metadata change was written, its read-back fails; state keeps the planned
    // value (a warning), the next plan is empty.
    wd.config(&one_of_each(&sim, "{ n = 1 }", 0));
    wd.apply().success();
    wd.config(&one_of_each(&sim, "{ n = 2 }", 0));
    sim.faults(json!({"target": remote, "method": "GET", "path": "^/_security/api_key$", "status": 500, "count": 1}));
    // No refresh, so the one faulted GET is the read-back after the update.
    wd.run(&[
        "apply",
        "-input=false",
        "-no-color",
        "-auto-approve",
        "-refresh=false",
    ])
    .success()
    .contains("API key written but not read back");
    sim.control("DELETE", "/_sim/faults", None);
    wd.assert_no_changes();
    let md = wd.resource("crosscluster_api_key.plain").unwrap()["metadata"].clone();
    assert_eq!(md, "{\"n\":2}");
    assert_truthful(&sim, &wd, "update read-back");
    // Update: the change was made, its answer lost (no retries left): the apply fails, the
    // state holds the key as it now is, so the next plan is empty.
    wd.config(&one_of_each(&sim, "{ n = 3 }", 0));
    sim.faults(json!({"target": remote, "method": "PUT", "path": "^/_security/cross_cluster/api_key/", "reset": true, "after": true}));
    wd.apply()
        .failure()
        .contains("to update cross-cluster API key");
    sim.control("DELETE", "/_sim/faults", None);
    let md = wd.resource("crosscluster_api_key.plain").unwrap()["metadata"].clone();
    assert_eq!(md, "{\"n\":3}", "the state shows the applied update");
    wd.assert_no_changes();
    assert_truthful(&sim, &wd, "update answer dropped");
}

/// Must-show 7 on the look-up and retry paths: with `TF_LOG=trace`, creates whose answers are
/// dropped or cut short (so keys are made and invalidated again) and a keystore write whose
/// answer is dropped. No credential of the fixture and no secret of any key (live, invalidated,
/// or of a lost answer) is in Terraform's output; the secret of the sealed key and of the keys
/// of lost answers is in neither the state nor the plan JSON.
#[test]
fn lost_answers_leak_no_secrets() {
    let sim = sim("faults-secret-audit");
    let mut wd = workdir(&sim);
    wd.env("TF_LOG", "trace");
    wd.config(&one_of_each(&sim, "{ n = 1 }", 3));
    let remote = sim.id("remote");
    sim.faults(json!({"rules": [
        {"target": remote, "method": "POST", "path": CREATE, "reset": true, "after": true, "count": 2},
        {"target": remote, "method": "POST", "path": CREATE, "truncate": true, "count": 2},
        {"target": "cloud", "method": "PATCH", "path": "/keystore$", "reset": true, "after": true, "count": 1}
    ]}));
    let mut runs = vec![wd.apply().success()];
    sim.control("DELETE", "/_sim/faults", None);
    let lost: Vec<String> = sim.deployment_state("remote")["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["invalidated"] == true)
        .map(|k| k["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(lost.len(), 4, "four creates lost their answers");
    assert_truthful(&sim, &wd, "secret audit");
    let state = wd.state_file();
    let plan = wd.plan_json().to_string();
    runs.push(wd.plan_code());
    let sealed_id = state_key_id(&wd, "crosscluster_api_key.sealed").unwrap();
    let all = sim.api_key_secrets("remote");
    let never_stored: Vec<(String, String)> = all
        .iter()
        .filter(|(what, _)| what.ends_with(&sealed_id) || lost.iter().any(|id| what.ends_with(id)))
        .cloned()
        .collect();
    assert_eq!(never_stored.len(), 2 * (1 + lost.len()));
    runs.push(wd.destroy().success());
    let whole: String = runs.iter().map(|r| r.text()).collect::<Vec<_>>().join("\n");
    assert!(whole.contains("[TRACE]"), "no trace log captured");
    assert!(
        whole.contains("looking the key up by its request marker"),
        "the look-up is logged"
    );
    let mut secrets = all.clone();
    for d in sim.ready.deployments.values() {
        secrets.push((format!("password of {}", d.name), d.password.clone()));
    }
    for (id, org) in &sim.ready.organizations {
        secrets.push((format!("Cloud API key of {id}"), org.api_key.clone()));
    }
    for (name, secret) in &secrets {
        assert!(
            !whole.contains(secret.as_str()),
            "{name} is in the TF_LOG=trace output"
        );
    }
    for (name, secret) in &never_stored {
        assert!(!state.contains(secret.as_str()), "{name} is in the state");
        assert!(
            !plan.contains(secret.as_str()),
            "{name} is in the plan JSON"
        );
    }
    println!(
        "secret audit: {} bytes of trace output, {} secrets absent, {} keys of lost answers",
        whole.len(),
        secrets.len(),
        lost.len()
    );
}
