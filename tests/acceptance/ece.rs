//! Issue 13, must-show 3: `crosscluster_ece_trust_relationship` (create, update, drift,
//! import, destroy) on the simulator's ECE mode, and a certificate-model connection from an
//! ECE deployment to an Elastic Cloud deployment that connects only when both sides trust each
//! other as api-facts-next 3.2 describes (ECE: the trust relationship, trusted by default; ESS:
//! a `direct` entry of type `ECE`), and otherwise fails naming the missing side.

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;
use crate::trusted_environment::ca_pem;

const ECE_ORG: &str = "3000000003";
const ECE_ENV: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// The default fixture plus an ECE installation (`ECE_ENV`) with one account and one 9.1
/// deployment, `ece-local`.
fn sim(name: &str) -> Sim {
    let mut f = Fixture::default_fixture();
    f.organizations.push(
        serde_json::from_value(json!({"id": ECE_ORG, "name": "ECE account",
            "api_keys": ["ece-platform-admin-key"], "environment": ECE_ENV}))
        .expect("org"),
    );
    f.deployments.push(
        serde_json::from_value(json!({"name": "ece-local", "organization_id": ECE_ORG,
            "version": "9.1.0", "region": "ece-region"}))
        .expect("deployment"),
    );
    Sim::with(
        name,
        f,
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
}

fn relationships(sim: &Sim) -> Vec<Value> {
    let (s, v) = sim.http(
        "GET",
        &format!(
            "{}/api/v1/platform/configuration/trust-relationships?include_certificate=true",
            sim.ready.cloud_url
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for("ece-local"))),
        None,
    );
    assert_eq!(s, 200, "{v}");
    v["trust_relationships"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn relationship(name: &str, by_default: bool) -> String {
    format!(
        r#"
resource "crosscluster_ece_trust_relationship" "ess" {{
  provider         = crosscluster.ece
  name             = "{name}"
  public_ca_cert   = file("ess-ca.pem")
  account_ids      = ["2000000002"]
  trust_by_default = {by_default}
}}
"#
    )
}

fn ess_side(sim: &Sim) -> String {
    format!(
        r#"
resource "crosscluster_trusted_environment" "ece" {{
  provider      = crosscluster.remote_org
  deployment_id = "{}"
  trust_all     = true
  direct {{
    name         = "ECE installation"
    type         = "ECE"
    scope_id     = "{ECE_ENV}"
    certificates = [file("ece-ca.pem")]
  }}
}}
"#,
        sim.id("remote")
    )
}

fn alias(sim: &Sim, depends: &[&str]) -> String {
    let ep = sim.dep("remote").1.endpoint;
    format!(
        r#"
resource "crosscluster_remote_cluster" "ess" {{
  provider      = crosscluster.ece_es
  alias         = "ess"
  proxy_address = "{ep}:9400"
  server_name   = "{ep}"
  timeouts {{
    create = "3s"
  }}
  depends_on = [{}]
}}
"#,
        depends.join(", ")
    )
}

fn providers(sim: &Sim) -> String {
    format!(
        "{REQUIRED_PROVIDERS}{}{}{}",
        sim.provider_block(Some("ece"), Some("ece-local"), None),
        sim.provider_block(Some("ece_es"), None, Some("ece-local")),
        sim.provider_block(Some("remote_org"), Some("remote"), None),
    )
}

fn workdir() -> Workdir {
    let wd = Workdir::new();
    wd.write("ess-ca.pem", &ca_pem("ess-regional-ca.example.com"));
    wd.write("ece-ca.pem", &ca_pem("ece-proxy-ca.example.com"));
    wd
}

#[test]
fn ece_trust_relationship_lifecycle() {
    let sim = sim("ece_trust_relationship");
    let wd = workdir();
    let base = providers(&sim);

    // Create.
    wd.config(&format!("{base}{}", relationship("ESS Remote Org", false)));
    wd.apply().success();
    let list = relationships(&sim);
    assert_eq!(list.len(), 1, "{list:?}");
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["account_ids"], json!(["2000000002"]));
    assert!(
        list[0]["public_ca_cert"]
            .as_str()
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    let state = wd
        .resource("crosscluster_ece_trust_relationship.ess")
        .unwrap();
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["local"], false);
    wd.assert_no_changes();

    // Update in place (same id).
    wd.config(&format!(
        "{base}{}",
        relationship("Elastic Cloud eu-west-1", true)
    ));
    let run = wd.apply().success();
    assert!(
        run.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        run.stdout
    );
    let list = relationships(&sim);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["name"], "Elastic Cloud eu-west-1");
    assert_eq!(list[0]["trust_by_default"], true);
    wd.assert_no_changes();

    // Drift: changed in the ECE console; the plan shows it, the apply puts it back.
    let (s, _) = sim.http(
        "PUT",
        &format!(
            "{}/api/v1/platform/configuration/trust-relationships/{id}",
            sim.ready.cloud_url
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for("ece-local"))),
        Some(json!({"trust_by_default": false, "account_ids": ["9999999999"]})),
    );
    assert_eq!(s, 200);
    let plan = wd.plan();
    assert!(plan.stdout.contains("9999999999"), "{}", plan.stdout);
    wd.apply().success();
    assert_eq!(relationships(&sim)[0]["account_ids"], json!(["2000000002"]));
    wd.assert_no_changes();

    // Import into a fresh state: plans clean.
    let fresh = Workdir::new();
    for f in ["ess-ca.pem", "ece-ca.pem"] {
        fresh.write(f, &std::fs::read_to_string(wd.path().join(f)).unwrap());
    }
    fresh.config(&format!(
        "{base}{}",
        relationship("Elastic Cloud eu-west-1", true)
    ));
    fresh
        .import("crosscluster_ece_trust_relationship.ess", &id)
        .success();
    fresh.assert_no_changes();
    drop(fresh); // the same object as wd's: destroyed once, below

    // Destroy.
    wd.destroy().success();
    assert!(relationships(&sim).is_empty());
}

#[test]
fn ece_to_ess_certificate_connection_needs_both_sides() {
    let sim = sim("ece_ess_connection");
    let wd = workdir();
    let base = providers(&sim);
    let before = sim.deployment_state("remote")["trust"].clone();

    // 1. Only the ESS side trusts the ECE installation: this (ECE) side is missing.
    wd.config(&format!(
        "{base}{}{}",
        ess_side(&sim),
        alias(&sim, &["crosscluster_trusted_environment.ece"])
    ));
    wd.apply().failure().contains("Trust missing on this side");

    // (The ESS side goes in an apply of its own: removed in the same apply, its pending plan
    // could still be in effect when the alias is checked.)
    wd.config(&base);
    wd.apply().success();

    // 2. Only the ECE side (the trust relationship, trusted by default): the remote is missing.
    wd.config(&format!(
        "{base}{}{}",
        relationship("ESS Remote Org", true),
        alias(&sim, &["crosscluster_ece_trust_relationship.ess"])
    ));
    wd.apply()
        .failure()
        .contains("Trust missing on the remote side");

    // 3. Both: connects.
    wd.config(&format!(
        "{base}{}{}{}\noutput \"connected\" {{\n  value = crosscluster_remote_cluster.ess.connected\n}}\n",
        relationship("ESS Remote Org", true),
        ess_side(&sim),
        alias(
            &sim,
            &[
                "crosscluster_ece_trust_relationship.ess",
                "crosscluster_trusted_environment.ece"
            ]
        )
    ));
    wd.apply().success();
    assert_eq!(wd.outputs()["connected"], true);
    assert_eq!(
        sim.deployment_state("ece-local")["connections"]["ess"]["connected"],
        true
    );
    wd.assert_no_changes();

    // Destroy: no relationship left, the ESS deployment's trust as it was.
    wd.destroy().success();
    assert!(relationships(&sim).is_empty());
    assert_eq!(sim.deployment_state("remote")["trust"], before);
}

#[test]
fn ece_trust_relationship_plan_time_checks() {
    let sim = sim("ece_trust_relationship_plan");
    let wd = workdir();
    wd.config(&format!(
        r#"{base}
resource "crosscluster_ece_trust_relationship" "bad" {{
  provider       = crosscluster.ece
  name           = "bad"
  public_ca_cert = "not a certificate"
  account_ids    = ["has space"]
}}
"#,
        base = providers(&sim)
    ));
    wd.validate()
        .failure()
        .contains("public_ca_cert")
        .contains("Invalid CA certificate")
        .contains("account_ids");
    assert!(
        sim.requests(Some("cloud")).is_empty(),
        "nothing is called at plan time"
    );
}
