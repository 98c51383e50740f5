//! Issue 11, must-show 2: for every resource kind whose write the API accepts before the
//! provider is done (trust entries of all three kinds, roles, `_cluster/settings` aliases,
//! Cloud remote-clusters aliases), an error injected at each point after the accepted write
//! (the plan wait, the read-back, both) fails the apply; once the fault is lifted the next
//! apply converges without `terraform import`, and the simulator holds no object that the
//! state does not know.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Run, Workdir};
use crate::sim::Sim;
use crate::trusted_environment::{ca_pem, trust};
use crosscluster_sim::{Fixture, Options};

/// Runs `apply` and, as soon as the request log shows a request `is_write` accepts, installs
/// `rules` (once): a fault that hits what follows the accepted write.
fn apply_faulting_after(
    sim: &Sim,
    wd: &Workdir,
    is_write: impl Fn(&Value) -> bool,
    rules: Value,
) -> Run {
    let seen = sim.requests(None).len();
    let mut installed = false;
    let run = wd.run_interrupting(
        &["apply", "-input=false", "-no-color", "-auto-approve"],
        || {
            if !installed && sim.requests(None).iter().skip(seen).any(&is_write) {
                sim.faults(rules.clone());
                installed = true;
            }
            false
        },
    );
    assert!(installed, "the write was never seen:\n{}", run.text());
    run
}

/// The resources in the state: address -> (tainted, values).
fn state_resources(wd: &Workdir) -> Vec<(String, bool, Value)> {
    let state = wd.state_json();
    state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap_or_default().to_string(),
                r["tainted"].as_bool().unwrap_or(false),
                r["values"].clone(),
            )
        })
        .collect()
}

fn addresses(wd: &Workdir) -> BTreeSet<String> {
    state_resources(wd).into_iter().map(|(a, _, _)| a).collect()
}

fn is_request(r: &Value, method: &str, path: &str) -> bool {
    r["method"] == method && r["path"] == path && r["fault"].is_null()
}

const TRUST_ADDRS: [&str; 3] = [
    "crosscluster_trusted_environment.org",
    "crosscluster_trusted_environment.ext",
    "crosscluster_trusted_environment.direct",
];

/// The default fixture plus a trust relationship for the external kind.
/// The provider block without retries: a 500 (which the client retries on idempotent requests)
/// injected N times fails exactly the N requests it hits.
fn no_retries(block: String) -> String {
    block.replace(
        "  request_timeout = \"10s\"\n",
        "  request_timeout = \"10s\"\n  max_retries     = 0\n",
    )
}

fn trust_sim(name: &str) -> Sim {
    let mut f = Fixture::default_fixture();
    f.trust_relationships =
        serde_json::from_value(json!([{"id": "ece-prod", "name": "ECE production"}]))
            .expect("relationships");
    Sim::with(
        name,
        f,
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
}

/// Every trust entry of `local` that the fixture did not have is one the state knows, with the
/// same id, and there is exactly one of each.
fn assert_trust_matches_state(sim: &Sim, wd: &Workdir, rorg: &str) {
    let t = trust(sim, "local");
    let dep = sim.id("local");
    let accounts: Vec<&Value> = t["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| a["account_id"] != "1000000001")
        .collect();
    let external = t["external"].as_array().cloned().unwrap_or_default();
    let direct = t["direct"].as_array().cloned().unwrap_or_default();
    assert_eq!(accounts.len(), 1, "{t}");
    assert_eq!(accounts[0]["account_id"], rorg, "{t}");
    assert_eq!(external.len(), 1, "{t}");
    assert_eq!(direct.len(), 1, "one direct entry, not a second one: {t}");
    let ids: BTreeSet<String> = state_resources(wd)
        .into_iter()
        .filter(|(a, _, _)| a.starts_with("crosscluster_trusted_environment."))
        .map(|(_, tainted, v)| {
            assert!(!tainted, "still tainted after convergence: {v}");
            v["id"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let want: BTreeSet<String> = [
        format!("{dep}/main-elasticsearch/organization/{rorg}"),
        format!("{dep}/main-elasticsearch/external/ece-prod"),
        format!(
            "{dep}/main-elasticsearch/direct/{}",
            direct[0]["uid"].as_str().expect("uid")
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(ids, want);
}

/// Trust entries of all three kinds, group-committed into one write: a 500 on the plan wait
/// (read-back fine), then on the plan wait and the read-back, then the same on an update
/// (`trust_all` of the organization and external entries, the node names of the direct one).
#[test]
fn trust_recovers_after_faults_at_every_point() {
    let sim = trust_sim("recovery_trust");
    let dep = sim.id("local");
    let remote = sim.dep("remote").1;
    let (rorg, rcluster) = (remote.organization_id.clone(), remote.cluster_id.clone());
    let pem = ca_pem("recovery.example.com");
    let config = |trust_all: bool| {
        format!(
            "{REQUIRED_PROVIDERS}{}
resource \"crosscluster_trusted_environment\" \"org\" {{
  deployment_id   = \"{dep}\"
  organization_id = \"{rorg}\"
  name            = \"Remote org\"
  trust_allowlist = {allow}
  trust_all       = {trust_all}
}}
resource \"crosscluster_trusted_environment\" \"ext\" {{
  deployment_id         = \"{dep}\"
  trust_relationship_id = \"ece-prod\"
  trust_all             = {trust_all}
}}
resource \"crosscluster_trusted_environment\" \"direct\" {{
  deployment_id = \"{dep}\"
  direct {{
    name                  = \"lab\"
    certificates          = [{pem:?}]
    additional_node_names = [\"node-1.lab.example.com\"{more}]
  }}
}}
",
            no_retries(sim.provider_block(None, Some("local"), None)),
            more = if trust_all {
                ", \"node-2.lab.example.com\""
            } else {
                ""
            },
            allow = if trust_all {
                "null".to_string()
            } else {
                format!("[\"{rcluster}\"]")
            },
        )
    };
    let wd = Workdir::new();
    wd.config(&config(false));
    let put = format!("/api/v1/deployments/{dep}");
    let is_put = |r: &Value| is_request(r, "PUT", &put);
    let get_fault = |count: u64| json!({"method": "GET", "path": format!("^/api/v1/deployments/{dep}$"), "status": 500, "count": count});
    let lift = || {
        sim.control("DELETE", "/_sim/faults", None);
        sim.config(Some(50), None);
    };

    // 1. The plan wait fails once; the read-back on a fresh token works: every entry is in
    //    the state, tainted, and the next apply replaces them.
    sim.config(Some(1500), None);
    let run = apply_faulting_after(&sim, &wd, is_put, get_fault(1)).failure();
    let flat = run.flat();
    assert!(flat.contains("HTTP 500"), "{flat}");
    assert!(flat.contains("The change was accepted"), "{flat}");
    let st = state_resources(&wd);
    assert_eq!(st.len(), 3, "{st:?}");
    assert!(st.iter().all(|(_, tainted, _)| *tainted), "{st:?}");
    lift();
    wd.apply().success();
    wd.assert_no_changes();
    assert_trust_matches_state(&sim, &wd, &rorg);
    wd.destroy().success();

    // 2. The plan wait and the read-back fail: the organization and external entries are in
    //    the state as written; the direct entry's uid is not known, so the next apply adopts
    //    the identical entry instead of adding a second one or failing with "import it".
    sim.config(Some(1500), None);
    let run = apply_faulting_after(&sim, &wd, is_put, get_fault(100)).failure();
    let flat = run.flat();
    assert!(flat.contains("reading it back failed too"), "{flat}");
    assert!(flat.contains("adopts the object"), "{flat}");
    let known = addresses(&wd);
    assert_eq!(
        known,
        TRUST_ADDRS[..2].iter().map(|s| s.to_string()).collect(),
        "{known:?}"
    );
    lift();
    wd.apply().success();
    wd.assert_no_changes();
    assert_trust_matches_state(&sim, &wd, &rorg);

    // 3. An update whose plan wait and read-back fail: the state holds what was written, and
    //    the next apply converges.
    wd.config(&config(true));
    sim.config(Some(1500), None);
    apply_faulting_after(&sim, &wd, is_put, get_fault(100)).failure();
    let st = state_resources(&wd);
    assert_eq!(st.len(), 3);
    assert!(
        st.iter()
            .all(|(a, _, v)| a.ends_with(".direct") || v["trust_all"] == true),
        "{st:?}"
    );
    lift();
    wd.apply().success();
    wd.assert_no_changes();
    assert_trust_matches_state(&sim, &wd, &rorg);
    let t = trust(&sim, "local");
    assert_eq!(t["external"][0]["trust_all"], true, "{t}");
    assert_eq!(
        t["direct"][0]["additional_node_names"],
        json!(["node-1.lab.example.com", "node-2.lab.example.com"]),
        "{t}"
    );
    wd.destroy().success();
}

/// A role, a `_cluster/settings` alias and a Cloud remote-clusters alias: the read-back right
/// after each accepted write fails once (the fresh read works), then persistently (the
/// state holds what was written); each time the next apply converges, and nothing exists
/// that the state does not know.
#[test]
fn role_and_aliases_recover_after_faults_at_every_point() {
    let sim = Sim::start("recovery_es");
    let dep = sim.id("local");
    let old = sim.id("old-local");
    let remote_ep = sim.dep("remote").1.endpoint;
    let provider = no_retries(sim.provider_block(None, Some("local"), Some("local")));
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}
resource \"crosscluster_role\" \"r\" {{
  name    = \"recovery-role\"
  cluster = [\"monitor\"]
  indices {{
    names      = [\"logs-*\"]
    privileges = [\"read\"]
  }}
}}
resource \"crosscluster_remote_cluster\" \"a\" {{
  alias               = \"rec\"
  proxy_address       = \"{remote_ep}:9400\"
  server_name         = \"{remote_ep}\"
  wait_for_connection = false
}}
resource \"crosscluster_deployment_remote_cluster\" \"c\" {{
  deployment_id        = \"{dep}\"
  alias                = \"rec-cloud\"
  remote_deployment_id = \"{old}\"
}}
"
    ));
    let es = sim.dep("local").1;
    let remotes_path =
        format!("/api/v1/deployments/{dep}/elasticsearch/main-elasticsearch/remote-clusters");
    // The GET after each write; `skip` lets the read before the write through.
    let faults = |count: u64| {
        json!([
            {"method": "GET", "path": "^/_security/role/recovery-role$", "target": "local", "skip": 1, "status": 500, "count": count},
            {"method": "GET", "path": "^/_cluster/settings$", "target": "local", "skip": 1, "status": 500, "count": count},
            {"method": "GET", "path": format!("^{remotes_path}$"), "skip": 1, "status": 500, "count": count}
        ])
    };
    let check = |wd: &Workdir| {
        let st = state_resources(wd);
        assert_eq!(st.len(), 3, "{st:?}");
        assert!(st.iter().all(|(_, tainted, _)| !tainted), "{st:?}");
        // The role is there, once (roles are keyed by name).
        let (status, roles) = sim.http(
            "GET",
            &format!("{}/_security/role/recovery-role", es.es_url),
            Some(&sim.es_auth("local")),
            None,
        );
        assert_eq!(status, 200, "{roles}");
        assert_eq!(
            roles["recovery-role"]["cluster"],
            json!(["monitor"]),
            "{roles}"
        );
        let settings = crate::remote_cluster::persistent_settings(&sim, "local");
        let aliases: BTreeSet<&str> = settings
            .keys()
            .filter_map(|k| k.strip_prefix("cluster.remote."))
            .filter_map(|k| k.split('.').next())
            .collect();
        assert!(aliases.contains("rec"), "{settings:?}");
        let (status, list) = sim.http(
            "GET",
            &format!("{}{remotes_path}", sim.ready.cloud_url),
            Some(&format!("ApiKey {}", sim.cloud_key_for("local"))),
            None,
        );
        assert_eq!(status, 200);
        let cloud_aliases: Vec<&Value> = list["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .map(|r| &r["alias"])
            .collect();
        assert_eq!(cloud_aliases, vec!["rec-cloud"], "{list}");
    };

    for (count, note) in [
        (1, "The change was accepted"),
        (100, "reading it back failed too"),
    ] {
        sim.faults(faults(count));
        let run = wd.apply().failure();
        let flat = run.flat();
        assert!(flat.contains(note), "{flat}");
        let st = state_resources(&wd);
        assert_eq!(st.len(), 3, "every written object is in the state: {st:?}");
        assert!(st.iter().all(|(_, tainted, _)| *tainted), "{st:?}");
        sim.control("DELETE", "/_sim/faults", None);
        wd.apply().success();
        wd.assert_no_changes();
        check(&wd);
        wd.destroy().success();
    }
}
