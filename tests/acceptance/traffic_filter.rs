//! Issue 13, must-show 2: with network security on the remote deployment (an IP ruleset made
//! by hand is associated with it), the API-key alias does not connect and the diagnosis names
//! the missing remote cluster filter; after applying `crosscluster_remote_cluster_filter` on
//! the remote it connects; drift in the rules shows in the plan; destroy removes only the
//! filter's own ruleset and association.

use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// A Cloud API call as the organization owning deployment `as_dep`.
fn cloud(sim: &Sim, method: &str, path: &str, as_dep: &str, body: Option<Value>) -> (u16, Value) {
    let auth = format!("ApiKey {}", sim.cloud_key_for(as_dep));
    sim.http(
        method,
        &format!("{}/api/v1{path}", sim.ready.cloud_url),
        Some(&auth),
        body,
    )
}

/// The remote organization's rulesets with their associations, as the state dump shows them.
fn rulesets(sim: &Sim) -> Vec<Value> {
    sim.state()["traffic_filter"]["rulesets"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn config(sim: &Sim, with_filter: bool, org_rule: &str) -> String {
    let remote = sim.dep("remote").1;
    let (remote_id, _) = sim.dep("remote");
    let filter = if with_filter {
        format!(
            r#"
resource "crosscluster_remote_cluster_filter" "from_local" {{
  provider      = crosscluster.remote_org
  deployment_id = "{remote_id}"
  name          = "ccs-from-local"
  rule {{
    organization_id = "{org_rule}"
  }}
}}
"#
        )
    } else {
        String::new()
    };
    let depends = if with_filter {
        "depends_on = [crosscluster_remote_cluster_filter.from_local]"
    } else {
        ""
    };
    format!(
        r#"{REQUIRED_PROVIDERS}
{local}
{remote_org}
{filter}
resource "crosscluster_remote_cluster" "r" {{
  alias         = "r"
  proxy_address = "{ep}:9443"
  server_name   = "{ep}"
  timeouts {{
    create = "3s"
  }}
  {depends}
}}

output "connected" {{
  value = crosscluster_remote_cluster.r.connected
}}
"#,
        local = sim.provider_block(None, None, Some("local")),
        remote_org = sim.provider_block(Some("remote_org"), Some("remote"), None),
        ep = remote.endpoint,
    )
}

#[test]
fn network_security_blocks_until_the_remote_cluster_filter_admits_the_local_deployment() {
    let sim = Sim::start("traffic_filter");
    let local = sim.dep("local").1;
    let (remote_id, remote) = sim.dep("remote");

    // Brownfield on the remote organization: an IP ruleset associated with `remote` (which
    // turns network security on) and an unrelated remote_cluster ruleset.
    let (s, ip) = cloud(
        &sim,
        "POST",
        "/deployments/traffic-filter/rulesets",
        "remote",
        Some(
            json!({"name": "office", "type": "ip", "region": "eu-west-1",
            "include_by_default": false, "rules": [{"source": "192.0.2.0/24"}]}),
        ),
    );
    assert_eq!(s, 201, "{ip}");
    let ip_id = ip["id"].as_str().unwrap().to_string();
    let (s, _) = cloud(
        &sim,
        "POST",
        &format!("/deployments/traffic-filter/rulesets/{ip_id}/associations"),
        "remote",
        Some(json!({"entity_type": "deployment", "id": remote_id})),
    );
    assert_eq!(s, 201);
    let (s, _) = cloud(
        &sim,
        "POST",
        "/deployments/traffic-filter/rulesets",
        "remote",
        Some(
            json!({"name": "other-team", "type": "remote_cluster", "region": "eu-west-1",
            "include_by_default": false, "rules": [{"remote_cluster_org_id": "3000000003"}]}),
        ),
    );
    assert_eq!(s, 201);
    let brownfield = rulesets(&sim);
    assert_eq!(brownfield.len(), 2);

    // A cross-cluster key of `remote` in local's keystore (the API-key model).
    let (s, key) = sim.http(
        "POST",
        &format!("{}/_security/cross_cluster/api_key", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"name": "tf", "access": {"search": [{"names": ["*"]}]}})),
    );
    assert_eq!(s, 200, "{key}");
    let (local_id, _) = sim.dep("local");
    let (s, _) = cloud(
        &sim,
        "PATCH",
        &format!(
            "/deployments/{local_id}/elasticsearch/{}/keystore",
            local.ref_id
        ),
        "local",
        Some(json!({"secrets": {"cluster.remote.r.credentials": {"value": key["encoded"]}}})),
    );
    assert_eq!(s, 200);

    // 1. Blocked: the diagnosis names the missing filter and the local cluster id.
    let wd = Workdir::new();
    wd.config(&config(&sim, false, &local.organization_id));
    wd.apply()
        .failure()
        .contains("Missing remote cluster filter (most likely)")
        .contains("crosscluster_remote_cluster_filter")
        .contains(&format!("cluster_id = \"{}\"", local.cluster_id));
    let conn = &sim.deployment_state("local")["connections"];
    assert!(
        conn.get("r").is_none(),
        "the failed apply put the settings back: {conn}"
    );

    // 2. A filter for the wrong organization: still blocked; the filter itself applies.
    wd.config(&config(&sim, true, "9999999999"));
    wd.apply()
        .failure()
        .contains("Missing remote cluster filter");
    assert_eq!(rulesets(&sim).len(), 3);

    // 3. The right organization: connects, in place (the ruleset keeps its id).
    let before: Vec<Value> = rulesets(&sim);
    wd.config(&config(&sim, true, &local.organization_id));
    let run = wd.apply().success();
    assert!(run.stdout.contains("1 to change"), "{}", run.stdout);
    assert_eq!(wd.outputs()["connected"], true);
    wd.assert_no_changes();
    let ours = wd
        .resource("crosscluster_remote_cluster_filter.from_local")
        .expect("in state");
    let ours_id = ours["ruleset_id"].as_str().unwrap().to_string();
    assert_eq!(ours["region"], "eu-west-1");
    assert_eq!(rulesets(&sim).len(), before.len(), "updated in place");
    let creates = sim
        .requests(Some("cloud"))
        .iter()
        .filter(|r| {
            r["method"] == "POST" && r["path"] == "/api/v1/deployments/traffic-filter/rulesets"
        })
        .count();
    assert_eq!(
        creates, 3,
        "two brownfield rulesets and exactly one of ours"
    );

    // 4. Drift: someone replaces the rules by hand; the plan shows it, the apply restores them.
    let (s, _) = cloud(
        &sim,
        "PUT",
        &format!("/deployments/traffic-filter/rulesets/{ours_id}"),
        "remote",
        Some(
            json!({"name": "ccs-from-local", "type": "remote_cluster", "region": "eu-west-1",
            "include_by_default": false, "rules": [{"remote_cluster_org_id": "9999999999"}]}),
        ),
    );
    assert_eq!(s, 200);
    let plan = wd.plan();
    assert!(plan.stdout.contains("9999999999"), "{}", plan.stdout);
    wd.apply().success();
    // The alias's `connected` was refreshed while the filter was broken: a refresh records
    // that it is connected again, and then nothing is left to change.
    wd.run(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ])
    .success();
    assert_eq!(wd.outputs()["connected"], true);
    wd.assert_no_changes();

    // 5. Destroy: the brownfield rulesets and the IP association are exactly as they were.
    wd.destroy().success();
    assert_eq!(rulesets(&sim), brownfield);
    let st = sim.state();
    assert!(
        st["traffic_filter"]["network_security"]
            .as_array()
            .unwrap()
            .contains(&json!(remote_id)),
        "the IP ruleset still guards the remote"
    );
    let (s, _) = cloud(
        &sim,
        "GET",
        &format!("/deployments/traffic-filter/rulesets/{ours_id}"),
        "remote",
        None,
    );
    assert_eq!(s, 404);
}

#[test]
fn remote_cluster_filter_plan_time_checks() {
    let sim = Sim::start("traffic_filter_plan");
    let (remote_id, _) = sim.dep("remote");
    let wd = Workdir::new();
    wd.config(&format!(
        r#"{REQUIRED_PROVIDERS}
{p}
resource "crosscluster_remote_cluster_filter" "f" {{
  deployment_id = "{remote_id}"
  name          = "x"
  rule {{
    description = "neither organization nor cluster"
  }}
}}
resource "crosscluster_remote_cluster_filter" "g" {{
  deployment_id = "{remote_id}"
  name          = "y"
  rule {{
    cluster_id = "not-a-cluster-id"
  }}
}}
"#,
        p = sim.provider_block(None, Some("remote"), None)
    ));
    wd.validate()
        .failure()
        .contains("rule.organization_id")
        .contains("cluster_id");
    assert!(
        sim.requests(Some("cloud")).is_empty(),
        "nothing is called at plan time"
    );
}

/// The ruleset create's answer is lost after Cloud made it (the connection dropped): the
/// create finds the ruleset that appeared with its name and adopts it; exactly one exists, it
/// is in the state and associated, and the next plan is empty.
#[test]
fn a_lost_create_answer_adopts_the_ruleset_it_made() {
    let sim = Sim::start("traffic_filter_lost_answer");
    let remote = sim.id("remote");
    let org = sim.dep("local").1.organization_id;
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{p}\nresource \"crosscluster_remote_cluster_filter\" \"f\" {{\n  deployment_id = \"{remote}\"\n  name          = \"lost-answer\"\n  rule {{\n    organization_id = \"{org}\"\n  }}\n}}\n",
        p = sim.provider_block(None, Some("remote"), None)
    ));
    sim.faults(json!([{"method": "POST", "path": "^/api/v1/deployments/traffic-filter/rulesets$", "reset": true, "after": true}]));
    wd.apply().success();
    let ours: Vec<Value> = rulesets(&sim)
        .into_iter()
        .filter(|r| r["name"] == "lost-answer")
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    let posts = sim
        .requests(Some("cloud"))
        .iter()
        .filter(|r| {
            r["method"] == "POST" && r["path"] == "/api/v1/deployments/traffic-filter/rulesets"
        })
        .count();
    assert_eq!(posts, 1, "the create is never repeated");
    let id = wd
        .resource("crosscluster_remote_cluster_filter.f")
        .expect("in the state")["ruleset_id"]
        .clone();
    assert_eq!(id, ours[0]["id"]);
    wd.assert_no_changes();
}
