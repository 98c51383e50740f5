//! Strong identity verification (Elasticsearch 9.3+; issue 13, must-show 1), with real
//! Terraform against the simulator's 9.3 pair `local-93` (organization 1) and `remote-93`
//! (organization 2), added to the default fixture:
//!
//! 1. One configuration: a cross-cluster key on the remote with `certificate_identity` (sealed
//!    into the local keystore), the remote's `crosscluster_signing_trust`, the local's
//!    `crosscluster_remote_cluster_signing` and the alias. With a pattern for ANOTHER cluster the
//!    alias does not connect and the diagnostic names Elasticsearch's text; with the local
//!    cluster's pattern it connects. Drift of `certificate_identity` shows in the plan; both
//!    signing resources import; destroy removes exactly their settings.
//! 2. On 9.1, `certificate_identity` and the signing resource fail at plan, naming the version.

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const ALIAS: &str = "secure";

fn sim(name: &str) -> Sim {
    let mut f = Fixture::default_fixture();
    let org = |n: &str| {
        f.deployments
            .iter()
            .find(|d| d.name == n)
            .expect("fixture deployment")
            .organization_id
            .clone()
    };
    let (org1, org2) = (org("local"), org("remote"));
    // Settings of others that must survive: another alias with its own signing pair.
    let keep = json!({"persistent": {
        "cluster.remote.keep.mode": "proxy",
        "cluster.remote.keep.proxy_address": "keep.example.com:9443",
        "cluster.remote.keep.server_name": "keep.example.com",
        "cluster.remote.keep.signing.certificate": "node.crt",
        "cluster.remote.keep.signing.key": "node.key"
    }});
    for e in [
        json!({"name": "local-93", "organization_id": org1, "version": "9.3.0", "cluster_settings": keep}),
        json!({"name": "remote-93", "organization_id": org2, "version": "9.3.0",
               "cluster_settings": {"persistent": {"cluster.remote.signing.diagnose.trust": "false"}}}),
    ] {
        f.deployments
            .push(serde_json::from_value(e).expect("fixture entry"));
    }
    Sim::with(
        name,
        f,
        Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    )
}

/// The configuration; `identity_of` names the deployment whose cluster id the key's
/// `certificate_identity` pattern requires.
fn config(sim: &Sim, local: &str, remote: &str, identity_of: &str, imports: bool) -> String {
    let providers = [
        sim.provider_block(Some("remote_org"), Some(remote), None),
        sim.provider_block(Some("remote"), Some(local), Some(remote)),
        sim.provider_block(Some("local"), Some(local), Some(local)),
    ]
    .concat();
    let (local_id, remote_id) = (sim.id(local), sim.id(remote));
    let identity_cluster = sim.dep(identity_of).1.cluster_id;
    let import_blocks = if imports {
        format!(
            r#"
import {{
  to       = crosscluster_remote_cluster_signing.x
  provider = crosscluster.local
  id       = "{ALIAS}"
}}

import {{
  to       = crosscluster_signing_trust.x
  provider = crosscluster.remote
  id       = "cluster.remote.signing"
}}
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{REQUIRED_PROVIDERS}{providers}
data "crosscluster_deployment" "remote" {{
  provider = crosscluster.remote_org
  id       = "{remote_id}"
}}

data "crosscluster_deployment" "local" {{
  provider = crosscluster.local
  id       = "{local_id}"
}}

# The remote trusts signatures by its region's CA.
resource "crosscluster_signing_trust" "x" {{
  provider                = crosscluster.remote
  certificate_authorities = ["internal_tls_ca.crt"]
}}

# The key only accepts requests signed by the node certificates of one cluster.
resource "crosscluster_api_key" "x" {{
  provider             = crosscluster.remote
  name                 = "strong-identity"
  certificate_identity = "CN=.*\\.node\\.{identity_cluster}\\.cluster\\..*"
  access {{
    search {{
      names = ["logs-*"]
    }}
  }}
  keystore {{
    deployment_id = data.crosscluster_deployment.local.id
    alias         = "{ALIAS}"
  }}
}}

# The local cluster signs its requests to the alias with its own node certificate.
resource "crosscluster_remote_cluster_signing" "x" {{
  provider    = crosscluster.local
  alias       = "{ALIAS}"
  certificate = "node.crt"
  key         = "node.key"
}}

resource "crosscluster_remote_cluster" "x" {{
  provider      = crosscluster.local
  alias         = crosscluster_remote_cluster_signing.x.alias
  proxy_address = data.crosscluster_deployment.remote.api_key_proxy_address
  server_name   = data.crosscluster_deployment.remote.endpoint
  depends_on    = [crosscluster_api_key.x, crosscluster_signing_trust.x]
  timeouts {{
    create = "3s"
  }}
}}
{import_blocks}"#
    )
}

/// Persistent settings of a deployment as the simulator holds them.
fn persistent(sim: &Sim, name: &str) -> Value {
    sim.deployment_state(name)["cluster_settings"]["persistent"].clone()
}

/// The bodies of the `PUT /_cluster/settings` requests sent to deployment `name`.
fn settings_puts(sim: &Sim, name: &str) -> Vec<Value> {
    sim.requests(Some(&sim.id(name)))
        .into_iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
        .map(|r| r["body"]["persistent"].clone())
        .collect()
}

#[test]
fn strong_identity_mismatch_fails_then_matching_identity_connects() {
    let sim = sim("strong_identity");
    let before_local = persistent(&sim, "local-93");
    let before_remote = persistent(&sim, "remote-93");
    let wd = Workdir::new();
    wd.config(&config(&sim, "local-93", "remote-93", "remote-93", false));
    wd.init().success();

    // A pattern for another cluster's certificates: the remote refuses the signed requests.
    let run = wd.apply().failure();
    let out = run.flat();
    assert!(
        out.contains("Certificate identity mismatch (strong identity)"),
        "{out}"
    );
    let local_dn_start = "DN from provided certificate [CN=";
    assert!(
        out.contains(local_dn_start)
            && out.contains("does not match API Key certificate identity pattern ["),
        "the diagnostic names Elasticsearch's message: {out}"
    );
    // The alias was rolled back; the signing pair (its own resource, created) stays.
    let p = persistent(&sim, "local-93");
    assert!(
        p.get("cluster.remote.secure.proxy_address").is_none()
            && p["cluster.remote.secure.signing.key"] == "node.key",
        "{p}"
    );

    // The local cluster's own pattern: connected.
    wd.config(&config(&sim, "local-93", "remote-93", "local-93", false));
    wd.apply().success();
    let st = sim.deployment_state("local-93");
    assert_eq!(st["connections"][ALIAS]["connected"], true, "{st}");
    wd.assert_no_changes();
    let key = wd.resource("crosscluster_api_key.x").expect("key in state");
    let local_cluster = sim.dep("local-93").1.cluster_id;
    assert_eq!(
        key["certificate_identity"],
        format!("CN=.*\\.node\\.{local_cluster}\\.cluster\\..*")
    );

    // Each signing resource wrote only its own keys (on the local side also the alias's).
    for body in settings_puts(&sim, "remote-93") {
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["cluster.remote.signing.certificate_authorities"],
            "{body}"
        );
    }
    let signing_puts: Vec<Value> = settings_puts(&sim, "local-93")
        .into_iter()
        .filter(|b| {
            b.as_object()
                .unwrap()
                .keys()
                .any(|k| k.contains(".signing."))
        })
        .collect();
    assert!(!signing_puts.is_empty());
    for body in &signing_puts {
        assert!(
            body.as_object()
                .unwrap()
                .keys()
                .all(|k| k == "cluster.remote.secure.signing.certificate"
                    || k == "cluster.remote.secure.signing.key"),
            "{body}"
        );
    }

    // Drift: the identity changed outside Terraform shows as an in-place update.
    let key_id = key["id"].as_str().unwrap().to_string();
    let (_, remote) = sim.dep("remote-93");
    let r = sim.http(
        "PUT",
        &format!("{}/_security/cross_cluster/api_key/{key_id}", remote.es_url),
        Some(&sim.es_auth("remote-93")),
        Some(json!({
            "access": {"search": [{"names": ["logs-*"]}]},
            "certificate_identity": "CN=someone-else"
        })),
    );
    assert_eq!(r.0, 200, "{:?}", r.1);
    let plan = wd.plan_json();
    let change = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "crosscluster_api_key.x")
        .expect("key change")
        .clone();
    assert_eq!(change["change"]["actions"], json!(["update"]), "{change}");
    assert_eq!(
        change["change"]["before"]["certificate_identity"],
        "CN=someone-else"
    );
    wd.apply().success();
    wd.assert_no_changes();

    // Import: both signing resources adopt what is there, and plan clean.
    wd.run(&[
        "state",
        "rm",
        "crosscluster_remote_cluster_signing.x",
        "crosscluster_signing_trust.x",
    ])
    .success();
    wd.config(&config(&sim, "local-93", "remote-93", "local-93", true));
    wd.apply().success().contains("2 imported");
    wd.assert_no_changes();

    // Destroy: exactly what this configuration added goes (the key's sealed slot as well).
    wd.destroy().success();
    assert_eq!(persistent(&sim, "local-93"), before_local);
    assert_eq!(persistent(&sim, "remote-93"), before_remote);
}

#[test]
fn certificate_identity_before_9_3_fails_at_plan_with_the_version() {
    let sim = sim("strong_identity_old");
    let wd = Workdir::new();
    wd.config(&config(&sim, "local", "remote", "local", false));
    wd.init().success();
    let run = wd.plan().failure();
    let out = run.flat();
    assert!(
        out.contains("certificate_identity not supported by this cluster")
            && out.contains("9.3.0")
            && out.contains("9.1.0"),
        "{out}"
    );
    assert!(
        out.contains("Signing settings not supported by this cluster"),
        "{out}"
    );
    assert!(
        out.contains("with crosscluster_api_key.x") || out.contains("certificate_identity"),
        "{out}"
    );
    // Nothing was written.
    assert!(
        sim.requests(None).iter().all(|r| r["method"] == "GET"),
        "a failed plan writes nothing"
    );
}
