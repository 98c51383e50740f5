//! `crosscluster_deployment_remote_cluster` against the simulator: lifecycle, import, drift and
//! preservation of remote clusters Terraform does not manage.

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const ADDR: &str = "crosscluster_deployment_remote_cluster.r";

/// The default fixture plus `local-b` (9.1.0, organization 1), a wire-compatible same-organization
/// peer of `local`.
fn sim(name: &str) -> Sim {
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
        name,
        f,
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
}

fn url(sim: &Sim) -> String {
    format!(
        "{}/api/v1/deployments/{}/elasticsearch/main-elasticsearch/remote-clusters",
        sim.ready.cloud_url,
        sim.id("local")
    )
}

fn auth(sim: &Sim) -> String {
    format!("ApiKey {}", sim.cloud_key_for("local"))
}

/// The remote-clusters list of `local` as the Cloud API returns it.
fn list(sim: &Sim) -> Vec<Value> {
    let (status, body) = sim.http("GET", &url(sim), Some(&auth(sim)), None);
    assert_eq!(status, 200, "{body}");
    body["resources"].as_array().cloned().unwrap_or_default()
}

fn put_list(sim: &Sim, resources: Value) {
    let (status, body) = sim.http(
        "PUT",
        &url(sim),
        Some(&auth(sim)),
        Some(json!({ "resources": resources })),
    );
    assert_eq!(status, 202, "{body}");
}

/// The entry with `alias`, without its read-only `info`.
fn entry(list: &[Value], alias: &str) -> Option<Value> {
    list.iter().find(|r| r["alias"] == alias).map(|r| {
        let mut r = r.clone();
        if let Some(o) = r.as_object_mut() {
            o.remove("info");
        }
        r
    })
}

/// The persistent cluster settings of `local` for alias `alias`.
fn alias_settings(sim: &Sim, alias: &str) -> Value {
    let state = sim.deployment_state("local");
    let persistent = &state["cluster_settings"]["persistent"];
    let prefix = format!("cluster.remote.{alias}.");
    // Rendered either flat or nested; look for both.
    let flat: serde_json::Map<String, Value> = persistent
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    if !flat.is_empty() {
        return Value::Object(flat);
    }
    persistent["cluster"]["remote"][alias].clone()
}

fn config(sim: &Sim, alias: &str, remote: &str, extra: &str) -> String {
    format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_deployment_remote_cluster\" \"r\" {{\n  deployment_id        = \"{}\"\n  alias                = \"{alias}\"\n  remote_deployment_id = \"{}\"\n{extra}\n}}\n",
        sim.provider_block(None, Some("local"), None),
        sim.id("local"),
        sim.id(remote),
    )
}

#[test]
fn deployment_remote_cluster_lifecycle_import_drift_and_preservation() {
    let sim = sim("deployment_remote_cluster_lifecycle");
    let (local, local_b, old) = (sim.id("local"), sim.id("local-b"), sim.id("old-local"));
    // Remote clusters set up elsewhere.
    put_list(
        &sim,
        json!([
            {"deployment_id": local_b, "elasticsearch_ref_id": "main-elasticsearch", "alias": "foreign-b", "skip_unavailable": true},
            {"deployment_id": old, "elasticsearch_ref_id": "main-elasticsearch", "alias": "Foreign_Old", "skip_unavailable": false}
        ]),
    );
    let before = list(&sim);
    let foreign = |l: &[Value]| {
        (
            entry(l, "foreign-b"),
            entry(l, "Foreign_Old"),
            alias_settings(&sim, "foreign-b"),
            alias_settings(&sim, "Foreign_Old"),
        )
    };
    let foreign_before = foreign(&before);
    assert!(foreign_before.0.is_some() && foreign_before.1.is_some());
    assert!(foreign_before.2.is_object(), "{:?}", foreign_before.2);
    let check_foreign = || assert_eq!(foreign(&list(&sim)), foreign_before);

    // Create.
    let wd = Workdir::new();
    wd.config(&config(&sim, "mine", "local-b", ""));
    wd.apply().success();
    wd.assert_no_changes();
    let s = wd.resource(ADDR).expect("in state");
    assert_eq!(s["id"], format!("{local}/main-elasticsearch/mine"));
    assert_eq!(s["ref_id"], "main-elasticsearch");
    assert_eq!(s["remote_ref_id"], "main-elasticsearch");
    assert_eq!(s["skip_unavailable"], false);
    for flag in [
        "healthy",
        "compatible",
        "trusted",
        "trusted_back",
        "connected",
    ] {
        assert_eq!(s[flag], true, "{flag}: {s}");
    }
    assert_eq!(
        entry(&list(&sim), "mine"),
        Some(
            json!({"deployment_id": local_b, "elasticsearch_ref_id": "main-elasticsearch", "alias": "mine", "skip_unavailable": false})
        )
    );
    check_foreign();

    // Update in place: skip_unavailable, then another remote deployment (8.12 cannot connect
    // to 9.1, so the computed status changes with the update and is planned unknown).
    wd.config(&config(
        &sim,
        "mine",
        "local-b",
        "  skip_unavailable = true",
    ));
    let run = wd.apply().success();
    assert!(
        run.flat().contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        run.text()
    );
    wd.assert_no_changes();
    assert_eq!(
        entry(&list(&sim), "mine").unwrap()["skip_unavailable"],
        true
    );
    wd.config(&config(
        &sim,
        "mine",
        "old-local",
        "  skip_unavailable = true",
    ));
    let run = wd.apply().success();
    assert!(
        run.flat().contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        run.text()
    );
    wd.assert_no_changes();
    let s = wd.resource(ADDR).expect("in state");
    assert_eq!(s["remote_deployment_id"], old.as_str());
    assert_eq!(s["compatible"], false);
    assert_eq!(s["connected"], false);
    check_foreign();

    // Replace: another alias.
    wd.config(&config(&sim, "mine2", "local-b", ""));
    let run = wd.apply().success();
    assert!(
        run.flat().contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        run.text()
    );
    wd.assert_no_changes();
    let l = list(&sim);
    assert!(entry(&l, "mine").is_none());
    assert!(entry(&l, "mine2").is_some());
    assert_eq!(alias_settings(&sim, "mine"), Value::Null);
    check_foreign();

    // Import.
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &format!("{local}/main-elasticsearch/mine2"))
        .success();
    wd.assert_no_changes();
    assert_eq!(
        wd.resource(ADDR).expect("imported")["remote_deployment_id"],
        local_b.as_str()
    );
    // An alias that is not there cannot be imported.
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &format!("{local}/main-elasticsearch/nothere"))
        .failure();
    wd.import(ADDR, &format!("{local}/mine2")).success();
    wd.assert_no_changes();

    // Creating an alias that exists already is refused, not taken over.
    let wd2 = Workdir::new();
    wd2.config(&config(&sim, "foreign-b", "local-b", ""));
    wd2.apply()
        .failure()
        .contains("Remote cluster alias already exists")
        .contains("terraform import");
    check_foreign();

    // Drift: removed outside Terraform (foreign entries kept), planned for creation.
    let kept: Vec<Value> = list(&sim)
        .iter()
        .filter(|r| r["alias"] != "mine2")
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().map(|o| o.remove("info"));
            r
        })
        .collect();
    put_list(&sim, Value::Array(kept));
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    assert!(run.flat().contains("will be created"), "{}", run.text());
    wd.apply().success();
    wd.assert_no_changes();
    assert!(entry(&list(&sim), "mine2").is_some());
    check_foreign();

    // Destroy removes only the managed alias.
    wd.destroy().success();
    let l = list(&sim);
    assert_eq!(l.len(), 2, "{l:?}");
    check_foreign();

    // A deleted deployment: gone from state on refresh, creating it is a clear error.
    wd.config(&config(&sim, "mine3", "local-b", ""));
    wd.apply().success();
    sim.control("POST", "/_sim/deployments/local/delete", None);
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    wd.apply().failure().contains("Deployment not found");
}

#[test]
fn deployment_remote_cluster_plan_time_validation() {
    let sim = sim("deployment_remote_cluster_validation");
    let wd = Workdir::new();
    wd.config(&config(&sim, "x", "local", ""));
    wd.validate()
        .failure()
        .contains("Deployment is its own remote");
    wd.config(&config(&sim, "a.b", "local-b", ""));
    wd.validate().failure().contains("Invalid alias");
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}\nresource \"crosscluster_deployment_remote_cluster\" \"r\" {{\n  deployment_id = \"my-deployment\"\n  alias = \"x\"\n  remote_deployment_id = \"{}\"\n}}\n",
        sim.id("local-b")
    ));
    wd.validate().failure().contains("Invalid deployment id");
    assert!(sim.requests(Some("cloud")).is_empty());
}
