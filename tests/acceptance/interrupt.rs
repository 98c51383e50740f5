//! Issue 11, must-show 3: Ctrl-C (SIGINT to Terraform) at 10 different moments of an apply with
//! slow plans, over a configuration with every kind of write: trust entries (one queued behind
//! another's pending plan), a role, a `_cluster/settings` alias with `wait_for_connection`, a
//! Cloud remote-clusters alias, a plain cross-cluster key and a sealed one delivered to a
//! pre-8.14 keystore (restart). Each time Terraform exits, no active key and no keystore entry
//! exists that the state does not know, and the next apply converges (an empty plan after it).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;
use crosscluster_sim::{Fixture, Options};

/// When to press Ctrl-C: a request seen in the log since the apply started (and how long after
/// it), with fault rules that slow the step down so the interrupt lands inside it.
struct Moment {
    name: &'static str,
    /// Whether this logged request is the one to wait for.
    seen: fn(&Value, &Ctx) -> bool,
    /// How many such requests to wait for.
    times: usize,
    /// Wait this long after it before the interrupt.
    after: Duration,
    /// Fault rules (delays) installed for the interrupted apply.
    slow: fn(&Ctx) -> Value,
}

/// What the predicates need: deployment ids and the run's names.
struct Ctx {
    n: usize,
    local: String,
    old: String,
}

fn path(r: &Value) -> &str {
    r["path"].as_str().unwrap_or_default()
}

fn no_faults(_: &Ctx) -> Value {
    json!([])
}

fn moments() -> Vec<Moment> {
    vec![
        Moment {
            name: "before the first write",
            seen: |_, _| true,
            times: 1,
            after: Duration::ZERO,
            slow: no_faults,
        },
        Moment {
            name: "during the Cloud plan wait of the trust batch",
            seen: |r, c| {
                r["method"] == "PUT" && path(r) == format!("/api/v1/deployments/{}", c.local)
            },
            times: 1,
            after: Duration::ZERO,
            slow: no_faults,
        },
        Moment {
            name: "with a trust entry queued behind a pending plan",
            seen: |r, c| {
                r["method"] == "PUT" && path(r) == format!("/_security/role/int{}-role", c.n)
            },
            times: 1,
            after: Duration::from_millis(400),
            slow: no_faults,
        },
        Moment {
            name: "during the keystore write",
            seen: |r, c| {
                r["method"] == "POST"
                    && path(r) == "/_security/cross_cluster/api_key"
                    && r["body"]["name"] == format!("int{}-sealed", c.n)
            },
            times: 1,
            after: Duration::from_millis(300),
            slow: |c| json!([{"method": "PATCH", "path": format!("^/api/v1/deployments/{}/.*/keystore$", c.old), "delay_ms": 2000}]),
        },
        Moment {
            name: "during the restart wait",
            seen: |r, c| {
                r["method"] == "POST"
                    && path(r).starts_with(&format!("/api/v1/deployments/{}/", c.old))
                    && path(r).ends_with("/_restart")
            },
            times: 1,
            after: Duration::ZERO,
            slow: no_faults,
        },
        Moment {
            name: "during the alias's wait_for_connection",
            seen: |r, _| r["method"] == "PUT" && path(r) == "/_cluster/settings",
            times: 1,
            after: Duration::from_millis(200),
            slow: |_| json!([{"method": "GET", "path": "^/_remote/info$", "target": "local", "delay_ms": 3000, "count": 3}]),
        },
        Moment {
            name: "during a cross-cluster key create",
            // The keys are created while the trust batch is written (Terraform runs them
            // side by side), and each create is held up for 2 s.
            seen: |r, c| {
                r["method"] == "PUT" && path(r) == format!("/api/v1/deployments/{}", c.local)
            },
            times: 1,
            after: Duration::from_millis(300),
            slow: |_| json!([{"method": "POST", "path": "^/_security/cross_cluster/api_key$", "delay_ms": 2000, "count": 2}]),
        },
        Moment {
            name: "during the remote-clusters write",
            seen: |r, _| r["method"] == "GET" && path(r).ends_with("/remote-clusters"),
            times: 1,
            after: Duration::from_millis(300),
            slow: |_| json!([{"method": "PUT", "path": "/remote-clusters$", "delay_ms": 2000}]),
        },
        Moment {
            name: "between resources (a role just written)",
            seen: |r, c| {
                r["method"] == "GET" && path(r) == format!("/_security/role/int{}-role", c.n)
            },
            times: 2,
            after: Duration::ZERO,
            slow: no_faults,
        },
        Moment {
            name: "during the plan wait of the second trust batch",
            seen: |r, c| {
                r["method"] == "PUT" && path(r) == format!("/api/v1/deployments/{}", c.local)
            },
            times: 2,
            after: Duration::from_millis(100),
            // The queued entry waits for the role; held up 1 s, the role makes sure that entry
            // arrives after the first batch went out (a batch waits briefly for stragglers).
            slow: |c| json!([{"method": "PUT", "path": format!("^/_security/role/int{}-role$", c.n), "delay_ms": 1000}]),
        },
    ]
}

/// The default fixture plus `local-b` (9.1.0, organization 1): the alias's peer, which
/// `local` connects to on 9400 through its own organization's default trust.
fn fixture() -> Fixture {
    let mut f = Fixture::default_fixture();
    let org1 = f
        .deployments
        .iter()
        .find(|d| d.name == "local")
        .expect("local")
        .organization_id
        .clone();
    f.deployments.push(
        serde_json::from_value(
            json!({"name": "local-b", "organization_id": org1, "version": "9.1.0"}),
        )
        .expect("fixture entry"),
    );
    f
}

fn config(sim: &Sim, c: &Ctx) -> String {
    let n = c.n;
    let peer = sim.dep("local-b").1.endpoint;
    format!(
        "{REQUIRED_PROVIDERS}{default}{remote}
resource \"crosscluster_role\" \"r\" {{
  name    = \"int{n}-role\"
  cluster = [\"monitor\"]
}}
resource \"crosscluster_trusted_environment\" \"first\" {{
  deployment_id   = \"{local}\"
  organization_id = \"41000000{n:02}\"
}}
resource \"crosscluster_trusted_environment\" \"queued\" {{
  deployment_id   = \"{local}\"
  organization_id = \"42000000{n:02}\"
  depends_on      = [crosscluster_role.r]
}}
resource \"crosscluster_remote_cluster\" \"a\" {{
  alias               = \"int{n}\"
  proxy_address       = \"{peer}:9400\"
  server_name         = \"{peer}\"
  wait_for_connection = true
  timeouts {{
    create = \"20s\"
  }}
}}
resource \"crosscluster_deployment_remote_cluster\" \"c\" {{
  deployment_id        = \"{local}\"
  alias                = \"int{n}-cloud\"
  remote_deployment_id = \"{old}\"
}}
resource \"crosscluster_api_key\" \"plain\" {{
  provider = crosscluster.remote
  name     = \"int{n}-plain\"
  access {{
    search {{
      names = [\"logs-*\"]
    }}
  }}
}}
resource \"crosscluster_api_key\" \"sealed\" {{
  provider = crosscluster.remote
  name     = \"int{n}-sealed\"
  access {{
    replication {{
      names = [\"a-*\"]
    }}
  }}
  keystore {{
    deployment_id = \"{old}\"
    alias         = \"int{n}\"
  }}
}}
",
        default = sim.provider_block(None, Some("local"), Some("local")),
        remote = sim.provider_block(Some("remote"), Some("old-local"), Some("remote")),
        local = c.local,
        old = c.old,
    )
}

/// The key id inside a keystore credential (`base64(id:secret)`), if it decodes.
fn key_id_of(encoded: &str) -> Option<String> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.split_once(':').map(|(id, _)| id.to_string())
}

/// What of this run exists that the state does not know: active keys, and keystore entries
/// holding a live key (`.0`, must be empty); keystore entries the state does not know whose
/// key is invalidated (`.1`: a dead credential left behind, reported).
fn untracked(sim: &Sim, wd: &Workdir, c: &Ctx) -> (Vec<String>, Vec<String>) {
    let state = wd.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let known_keys: BTreeSet<String> = resources
        .iter()
        .filter(|r| r["type"] == "crosscluster_api_key")
        .filter_map(|r| r["values"]["id"].as_str().map(str::to_string))
        .collect();
    let sealed_known = resources
        .iter()
        .any(|r| r["address"] == "crosscluster_api_key.sealed");
    let mut out = Vec::new();
    let mut stale = Vec::new();
    let prefix = format!("int{}-", c.n);
    let keys = sim.deployment_state("remote")["api_keys"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let live = |k: &Value| k["invalidated"] != true && k["expired"] != true;
    for k in &keys {
        let ours = k["name"].as_str().is_some_and(|n| n.starts_with(&prefix));
        let id = k["id"].as_str().unwrap_or_default();
        if live(k) && ours && !known_keys.contains(id) {
            out.push(format!("active key {} ({id})", k["name"]));
        }
    }
    let setting = format!("cluster.remote.int{}.credentials", c.n);
    let in_keystore = sim.deployment_state("old-local")["keystore_keys"]
        .as_array()
        .is_some_and(|ks| ks.iter().any(|k| k == setting.as_str()));
    if in_keystore && !sealed_known {
        let id = sim
            .keystore_value("old-local", &setting)
            .and_then(|v| key_id_of(&v));
        let holds_live = keys
            .iter()
            .any(|k| k["id"].as_str() == id.as_deref() && live(k));
        if holds_live || id.is_none() {
            out.push(format!("keystore entry {setting} holding key {id:?}"));
        } else {
            stale.push(format!("keystore entry {setting} (its key is invalidated)"));
        }
    }
    (out, stale)
}

/// Runs the moments `ms` (numbered from `first`) one after the other on a simulator of their own.
fn run_moments(first: usize, ms: Vec<Moment>) -> Vec<String> {
    let sim = Sim::with(
        &format!("interrupt_{first}"),
        fixture(),
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    );
    let mut report = Vec::new();
    for (i, m) in ms.into_iter().enumerate() {
        let c = Ctx {
            n: first + i,
            local: sim.id("local"),
            old: sim.id("old-local"),
        };
        let wd = Workdir::new();
        wd.config(&config(&sim, &c));
        sim.config(Some(3000), None);
        let rules = (m.slow)(&c);
        if rules.as_array().is_some_and(|a| !a.is_empty()) {
            sim.faults(rules);
        }
        let seen_before = sim.requests(None).len();
        let mut hit: Option<Instant> = None;
        let mut sent: Option<Instant> = None;
        let run = wd.run_interrupting(
            &["apply", "-input=false", "-no-color", "-auto-approve"],
            || {
                if hit.is_none() {
                    let log = sim.requests(None);
                    let n = log
                        .iter()
                        .skip(seen_before)
                        .filter(|r| (m.seen)(r, &c))
                        .count();
                    if n >= m.times {
                        hit = Some(Instant::now());
                    }
                }
                let fire = hit.is_some_and(|h| h.elapsed() >= m.after);
                if fire && sent.is_none() {
                    sent = Some(Instant::now());
                }
                fire
            },
        );
        let Some(sent) = sent else {
            panic!("moment {:?} never came:\n{}", m.name, run.text());
        };
        let exit = sent.elapsed();
        assert!(
            exit < Duration::from_secs(20),
            "moment {:?}: Terraform took {exit:?} to exit after SIGINT",
            m.name
        );
        assert_ne!(
            run.code,
            0,
            "moment {:?}: the interrupted apply succeeded:\n{}",
            m.name,
            run.text()
        );
        let after_stop = untracked(&sim, &wd, &c);
        sim.control("DELETE", "/_sim/faults", None);
        sim.config(Some(50), None);
        let run = wd.apply();
        assert_eq!(
            run.code,
            0,
            "moment {:?}: the next apply did not converge:\n{}",
            m.name,
            run.text()
        );
        wd.assert_no_changes();
        let after_apply = untracked(&sim, &wd, &c);
        // One trust entry per resource, none twice (a create after the stop adopts).
        let accounts = sim.deployment_state("local")["trust"]["accounts"].clone();
        for org in [format!("41000000{:02}", c.n), format!("42000000{:02}", c.n)] {
            let n = accounts.as_array().map_or(0, |a| {
                a.iter().filter(|e| e["account_id"] == org.as_str()).count()
            });
            assert_eq!(n, 1, "moment {:?}: trust of {org}: {accounts}", m.name);
        }
        assert!(
            after_stop.0.is_empty()
                && after_stop.1.is_empty()
                && after_apply.0.is_empty()
                && after_apply.1.is_empty(),
            "moment {:?}: not in the state after the stop: {after_stop:?}; after the next apply: {after_apply:?}",
            m.name
        );
        report.push(format!(
            "{}: Terraform exited {exit:?} after SIGINT; nothing left that the state does not know",
            m.name
        ));
    }
    report
}

#[test]
fn ctrl_c_at_ten_moments_leaves_nothing_untracked() {
    let mut all = moments();
    assert_eq!(all.len(), 10);
    let second = all.split_off(5);
    let other = std::thread::spawn(move || run_moments(6, second));
    let mut report = run_moments(1, all);
    report.extend(other.join().expect("second half"));
    for line in report {
        println!("{line}");
    }
}
