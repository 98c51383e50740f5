//! In-place migration of an alias from the certificate model (port 9400) to the API-key model
//! (port 9443) under the same alias (issue 13, must-show 8; Elastic's "Migrate from certificate
//! to API key authentication", without its step that removes the alias): one apply creates the
//! cross-cluster key, seals it into the local keystore, and then changes
//! `crosscluster_remote_cluster.proxy_address` in place. While that apply runs, the test polls
//! the local cluster's `_remote/info` and checks the request log: the alias is never missing.

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const ALIAS: &str = "peer";
const ADDR: &str = "crosscluster_remote_cluster.x";

/// The default fixture plus `local-b` (9.1.0, organization 1): a same-organization peer of
/// `local`, so the certificate model connects with the default trust of the own organization.
fn sim() -> Sim {
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
    Sim::with(
        "migration_certificate_to_api_key",
        f,
        Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    )
}

fn config(sim: &Sim, api_key: bool) -> String {
    let providers = [
        sim.provider_block(Some("local"), Some("local"), Some("local")),
        sim.provider_block(Some("remote"), Some("local"), Some("local-b")),
    ]
    .concat();
    let remote_id = sim.id("local-b");
    let local_id = sim.id("local");
    let (key, address, depends) = if api_key {
        (
            format!(
                r#"
resource "crosscluster_api_key" "x" {{
  provider = crosscluster.remote
  name     = "migrated-{ALIAS}"
  access {{
    search {{
      names = ["logs-*"]
    }}
  }}
  keystore {{
    deployment_id = "{local_id}"
    alias         = "{ALIAS}"
  }}
}}
"#
            ),
            "api_key_proxy_address",
            "  depends_on    = [crosscluster_api_key.x]\n",
        )
    } else {
        (String::new(), "certificate_proxy_address", "")
    };
    format!(
        r#"{REQUIRED_PROVIDERS}{providers}
data "crosscluster_deployment" "remote" {{
  provider = crosscluster.local
  id       = "{remote_id}"
}}
{key}
resource "crosscluster_remote_cluster" "x" {{
  provider      = crosscluster.local
  alias         = "{ALIAS}"
  proxy_address = data.crosscluster_deployment.remote.{address}
  server_name   = data.crosscluster_deployment.remote.endpoint
{depends}  timeouts {{
    create = "15s"
    update = "15s"
  }}
}}
"#
    )
}

/// Whether `_remote/info` of `local` lists the alias now.
fn listed(sim: &Sim) -> bool {
    let (_, local) = sim.dep("local");
    let (status, body) = sim.http(
        "GET",
        &format!("{}/_remote/info", local.es_url),
        Some(&sim.es_auth("local")),
        None,
    );
    status == 200 && body.get(ALIAS).is_some()
}

#[test]
fn certificate_to_api_key_in_place_never_drops_the_alias() {
    let sim = sim();
    let wd = Workdir::new();

    // Certificate model first: connected on 9400.
    wd.config(&config(&sim, false));
    wd.init().success();
    wd.apply().success();
    let state = wd.resource(ADDR).expect("alias in state");
    assert_eq!(state["connected"], true);
    assert_eq!(state["credentials_configured"], false);
    assert!(state["proxy_address"].as_str().unwrap().ends_with(":9400"));

    // The migration plans as an update in place, not a replacement.
    wd.config(&config(&sim, true));
    let plan = wd.plan_json();
    let change = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == ADDR)
        .expect("alias change")
        .clone();
    assert_eq!(change["change"]["actions"], json!(["update"]), "{change}");

    // Apply it while polling _remote/info.
    sim.control("DELETE", "/_sim/requests", None);
    let (mut polls, mut missing) = (0u32, 0u32);
    let run = wd.run_interrupting(
        &["apply", "-input=false", "-no-color", "-auto-approve"],
        || {
            polls += 1;
            if !listed(&sim) {
                missing += 1;
            }
            false
        },
    );
    assert_eq!(run.code, 0, "{}", run.text());
    assert!(polls >= 3, "only {polls} polls during the apply");
    assert_eq!(
        missing, 0,
        "_remote/info lacked \"{ALIAS}\" in {missing} of {polls} polls"
    );

    // The request log: no settings write during the apply removed the alias's address or mode,
    // and the alias changed with one write of the new address.
    let local_id = sim.id("local");
    let writes: Vec<Value> = sim
        .requests(Some(&local_id))
        .into_iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
        .map(|r| r["body"]["persistent"].clone())
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    for body in &writes {
        for k in ["mode", "proxy_address", "server_name"] {
            let key = format!("cluster.remote.{ALIAS}.{k}");
            assert!(
                body.get(&key).is_none_or(|v| !v.is_null()),
                "{key} removed: {body}"
            );
        }
    }
    assert!(
        writes[0][format!("cluster.remote.{ALIAS}.proxy_address")]
            .as_str()
            .unwrap()
            .ends_with(":9443"),
        "{writes:?}"
    );

    // Now the API-key model, connected, and nothing more to do.
    let state = wd.resource(ADDR).expect("alias in state");
    assert_eq!(state["connected"], true);
    assert_eq!(state["credentials_configured"], true);
    assert!(listed(&sim));
    wd.assert_no_changes();
}
