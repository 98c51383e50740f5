//! `crosscluster_trusted_environment` against the simulator: lifecycle of each kind
//! (organization, external, direct), preservation of entries not managed by Terraform, drift,
//! 30 resources on one deployment, and faults (409, failed plan, slow plan).

use std::time::Instant;

use serde_json::{Value as Json, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;
use crosscluster_sim::{Fixture, Options};

const ADDR: &str = "crosscluster_trusted_environment.t";

/// A working directory (the harness already makes the provider poll plans every 50 ms).
pub(crate) fn workdir() -> Workdir {
    Workdir::new()
}

/// The accepted trust of a deployment as the simulator stores it.
pub(crate) fn trust(sim: &Sim, name: &str) -> Json {
    sim.deployment_state(name)["trust"].clone()
}

/// The trust of a deployment as the Cloud API shows it (names, certificate metadata).
pub(crate) fn api_trust(sim: &Sim, name: &str) -> Json {
    let (id, _) = sim.dep(name);
    let (status, body) = sim.http(
        "GET",
        &format!(
            "{}/api/v1/deployments/{id}?show_settings=true",
            sim.ready.cloud_url
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for(name))),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["resources"]["elasticsearch"][0]["info"]["settings"]["trust"].clone()
}

/// Changes a deployment's trust outside Terraform, the way another tool would: read, edit the
/// whole trust object, update (and let the plan complete).
pub(crate) fn edit_trust_out_of_band(sim: &Sim, name: &str, edit: impl FnOnce(&mut Json)) {
    let (id, _) = sim.dep(name);
    let auth = format!("ApiKey {}", sim.cloud_key_for(name));
    let url = format!("{}/api/v1/deployments/{id}", sim.ready.cloud_url);
    let (status, get) = sim.http(
        "GET",
        &format!("{url}?show_settings=true&show_plans=true&clear_transient=true"),
        Some(&auth),
        None,
    );
    assert_eq!(status, 200, "{get}");
    let mut payload = crosscluster::client::cloud::build_update_payload(&get).expect("payload");
    edit(&mut payload["resources"]["elasticsearch"][0]["settings"]["trust"]);
    let (status, body) = sim.http("PUT", &url, Some(&auth), Some(payload));
    assert_eq!(status, 200, "{body}");
    sim.control(
        "POST",
        &format!("/_sim/deployments/{name}/complete_plan"),
        None,
    );
}

fn accounts(t: &Json) -> Vec<Json> {
    t["accounts"].as_array().cloned().unwrap_or_default()
}

fn account<'a>(t: &'a Json, org: &str) -> Option<&'a Json> {
    t["accounts"]
        .as_array()?
        .iter()
        .find(|a| a["account_id"] == org)
}

/// A self-signed CA certificate in PEM form.
pub(crate) fn ca_pem(name: &str) -> String {
    rcgen::generate_simple_self_signed(vec![name.to_string()])
        .expect("certificate")
        .cert
        .pem()
}

fn config(sim: &Sim, body: &str) -> String {
    format!(
        "{REQUIRED_PROVIDERS}{}\n{body}\n",
        sim.provider_block(None, Some("local"), None)
    )
}

fn org_resource(dep: &str, org: &str, extra: &str) -> String {
    format!(
        "resource \"crosscluster_trusted_environment\" \"t\" {{\n  deployment_id = \"{dep}\"\n  organization_id = \"{org}\"\n{extra}\n}}\n"
    )
}

#[test]
fn organization_lifecycle() {
    let sim = Sim::start("trust-organization");
    let wd = workdir();
    let dep = sim.id("local");
    let remote = sim.dep("remote").1;
    let (rorg, rcluster) = (remote.organization_id.clone(), remote.cluster_id.clone());
    let other_cluster = "0123456789abcdef0123456789abcdef";
    let own_before = account(&trust(&sim, "local"), "1000000001").cloned();

    // Create.
    wd.config(&config(
        &sim,
        &org_resource(
            &dep,
            &rorg,
            &format!("  name = \"Remote org\"\n  trust_allowlist = [\"{rcluster}\"]"),
        ),
    ));
    wd.apply().success();
    let t = trust(&sim, "local");
    assert_eq!(
        account(&t, &rorg),
        Some(
            &json!({"account_id": rorg, "name": "Remote org", "trust_all": false, "trust_allowlist": [rcluster]})
        )
    );
    let st = wd.resource(ADDR).expect("in state");
    assert_eq!(
        st["id"],
        format!("{dep}/main-elasticsearch/organization/{rorg}")
    );
    assert_eq!(st["ref_id"], "main-elasticsearch");
    assert_eq!(st["trust_all"], false);
    wd.assert_no_changes();

    // Update in place: allowlist.
    wd.config(&config(
        &sim,
        &org_resource(
            &dep,
            &rorg,
            &format!(
                "  name = \"Remote org\"\n  trust_allowlist = [\"{rcluster}\", \"{other_cluster}\"]"
            ),
        ),
    ));
    wd.plan().success().contains("will be updated in-place");
    wd.apply()
        .success()
        .contains("0 added, 1 changed, 0 destroyed");
    let mut list: Vec<String> = serde_json::from_value(
        account(&trust(&sim, "local"), &rorg).unwrap()["trust_allowlist"].clone(),
    )
    .unwrap();
    list.sort();
    let mut want = vec![rcluster.clone(), other_cluster.to_string()];
    want.sort();
    assert_eq!(list, want);
    wd.assert_no_changes();

    // Update in place: trust_all (the allowlist goes).
    wd.config(&config(
        &sim,
        &org_resource(&dep, &rorg, "  name = \"Remote org\"\n  trust_all = true"),
    ));
    wd.apply()
        .success()
        .contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(
        account(&trust(&sim, "local"), &rorg),
        Some(&json!({"account_id": rorg, "name": "Remote org", "trust_all": true}))
    );
    wd.assert_no_changes();

    // Update in place: name.
    wd.config(&config(
        &sim,
        &org_resource(&dep, &rorg, "  name = \"Partner org\"\n  trust_all = true"),
    ));
    wd.apply()
        .success()
        .contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(
        account(&trust(&sim, "local"), &rorg).unwrap()["name"],
        "Partner org"
    );
    wd.assert_no_changes();

    // Import.
    let id = format!("{dep}/main-elasticsearch/organization/{rorg}");
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &id).success();
    wd.assert_no_changes();

    // A bad import id is a clear error.
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &format!("{dep}/main-elasticsearch/org/{rorg}"))
        .failure()
        .contains("unknown trust kind");
    wd.import(ADDR, &id).success();

    // Replace: another organization.
    wd.config(&config(
        &sim,
        &org_resource(
            &dep,
            "3000000003",
            "  name = \"Partner org\"\n  trust_all = true",
        ),
    ));
    wd.plan().success().contains("must be replaced");
    wd.apply()
        .success()
        .contains("1 added, 0 changed, 1 destroyed");
    let t = trust(&sim, "local");
    assert!(account(&t, &rorg).is_none(), "{t}");
    assert_eq!(account(&t, "3000000003").unwrap()["name"], "Partner org");
    wd.assert_no_changes();

    // Destroy: only the managed entry goes; the own-organization default stays.
    wd.destroy().success();
    let t = trust(&sim, "local");
    assert!(account(&t, "3000000003").is_none());
    assert_eq!(account(&t, "1000000001").cloned(), own_before);
    assert_eq!(accounts(&t).len(), 1);
}

fn fixture_with_relationships() -> Fixture {
    let mut f = Fixture::default_fixture();
    let rels: Json = json!([
        {"id": "ece-prod", "name": "ECE production", "account_ids": ["1000000001"]},
        {"id": "ece-dr", "name": "ECE disaster recovery"}
    ]);
    f.trust_relationships = serde_json::from_value(rels).expect("relationships");
    f
}

fn fast() -> Options {
    Options {
        plan_ms: 50,
        latency_ms: 0,
    }
}

fn external<'a>(t: &'a Json, rel: &str) -> Option<&'a Json> {
    t["external"]
        .as_array()?
        .iter()
        .find(|a| a["trust_relationship_id"] == rel)
}

#[test]
fn external_lifecycle() {
    let sim = Sim::with("trust-external", fixture_with_relationships(), fast());
    let wd = workdir();
    let dep = sim.id("local");
    let cluster = sim.dep("remote").1.cluster_id;
    let res = |rel: &str, extra: &str| {
        format!(
            "resource \"crosscluster_trusted_environment\" \"t\" {{\n  deployment_id = \"{dep}\"\n  trust_relationship_id = \"{rel}\"\n{extra}\n}}\n"
        )
    };
    wd.config(&config(&sim, &res("ece-prod", "  trust_all = true")));
    wd.apply().success();
    assert_eq!(
        external(&trust(&sim, "local"), "ece-prod"),
        Some(&json!({"trust_relationship_id": "ece-prod", "trust_all": true}))
    );
    // The name is read-only: the relationship's.
    let st = wd.resource(ADDR).unwrap();
    assert_eq!(st["name"], "ECE production");
    assert_eq!(
        st["id"],
        format!("{dep}/main-elasticsearch/external/ece-prod")
    );
    wd.assert_no_changes();

    // Update in place: trust_all off with an allowlist.
    wd.config(&config(
        &sim,
        &res("ece-prod", &format!("  trust_allowlist = [\"{cluster}\"]")),
    ));
    wd.apply()
        .success()
        .contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(
        external(&trust(&sim, "local"), "ece-prod"),
        Some(
            &json!({"trust_relationship_id": "ece-prod", "trust_all": false, "trust_allowlist": [cluster]})
        )
    );
    wd.assert_no_changes();

    // Setting a name on an external entry is refused at plan time, with the attribute path.
    wd.config(&config(
        &sim,
        &res("ece-prod", "  name = \"mine\"\n  trust_all = true"),
    ));
    wd.plan().failure().contains("Read-only for external trust");

    // Import.
    wd.config(&config(
        &sim,
        &res("ece-prod", &format!("  trust_allowlist = [\"{cluster}\"]")),
    ));
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &format!("{dep}/main-elasticsearch/external/ece-prod"))
        .success();
    wd.assert_no_changes();

    // Replace: another relationship.
    wd.config(&config(&sim, &res("ece-dr", "  trust_all = true")));
    wd.plan().success().contains("must be replaced");
    wd.apply()
        .success()
        .contains("1 added, 0 changed, 1 destroyed");
    let t = trust(&sim, "local");
    assert!(external(&t, "ece-prod").is_none());
    assert!(external(&t, "ece-dr").is_some());
    assert_eq!(wd.resource(ADDR).unwrap()["name"], "ECE disaster recovery");
    wd.assert_no_changes();

    wd.destroy().success();
    assert_eq!(trust(&sim, "local")["external"], json!([]));
}

fn direct_entries(t: &Json) -> Vec<Json> {
    t["direct"].as_array().cloned().unwrap_or_default()
}

#[test]
fn direct_lifecycle() {
    let sim = Sim::start("trust-direct");
    let wd = workdir();
    let (dep, dep2) = (sim.id("local"), sim.id("old-local"));
    let (ca1, ca2) = (ca_pem("ca-one.example.com"), ca_pem("ca-two.example.com"));
    wd.write("ca1.pem", &ca1).write("ca2.pem", &ca2);
    let res = |dep: &str, body: &str, extra: &str| {
        format!(
            "resource \"crosscluster_trusted_environment\" \"t\" {{\n  deployment_id = \"{dep}\"\n{extra}\n  direct {{\n{body}\n  }}\n}}\n"
        )
    };
    let v1 = "    name = \"self-managed\"\n    certificates = [file(\"ca1.pem\")]\n    additional_node_names = [\"node1.example.com\"]";
    wd.config(&config(&sim, &res(&dep, v1, "")));
    wd.apply().success();
    let d = direct_entries(&trust(&sim, "local"));
    assert_eq!(d.len(), 1, "{d:?}");
    let uid = d[0]["uid"].as_str().expect("uid").to_string();
    assert_eq!(d[0]["name"], "self-managed");
    assert_eq!(d[0]["type"], "generic");
    assert_eq!(d[0]["certificates"], json!([{"pem": ca1}]));
    assert_eq!(d[0]["additional_node_names"], json!(["node1.example.com"]));
    let st = wd.resource(ADDR).unwrap();
    assert_eq!(st["id"], format!("{dep}/main-elasticsearch/direct/{uid}"));
    assert_eq!(st["name"], "self-managed");
    assert_eq!(st["direct"]["type"], "generic");
    wd.assert_no_changes();

    // Update in place: certificate rotation, name, scope with an allowlist; the uid stays.
    let cluster = sim.dep("remote").1.cluster_id;
    let v2 = "    name = \"self-managed-2\"\n    type = \"ECE\"\n    scope_id = \"2000000002\"\n    certificates = [file(\"ca1.pem\"), file(\"ca2.pem\")]";
    wd.config(&config(
        &sim,
        &res(&dep, v2, &format!("  trust_allowlist = [\"{cluster}\"]")),
    ));
    wd.plan().success().contains("will be updated in-place");
    wd.apply()
        .success()
        .contains("0 added, 1 changed, 0 destroyed");
    let d = direct_entries(&trust(&sim, "local"));
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0],
        json!({"uid": uid, "name": "self-managed-2", "type": "ECE", "scope_id": "2000000002",
               "certificates": [{"pem": ca1}, {"pem": ca2}], "trust_all": false, "trust_allowlist": [cluster]})
    );
    assert_eq!(wd.resource(ADDR).unwrap()["name"], "self-managed-2");
    wd.assert_no_changes();

    // trust_all in place.
    wd.config(&config(&sim, &res(&dep, v2, "  trust_all = true")));
    wd.apply()
        .success()
        .contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(direct_entries(&trust(&sim, "local"))[0]["trust_all"], true);
    wd.assert_no_changes();

    // A certificate that is not PEM is refused at plan time, naming the element.
    wd.write(
        "bad.pem",
        "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
    );
    wd.config(&config(
        &sim,
        &res(
            &dep,
            "    name = \"x\"\n    scope_id = \"abc\"\n    certificates = [file(\"bad.pem\")]",
            "",
        ),
    ));
    wd.plan()
        .failure()
        .contains("Invalid certificate")
        .contains("direct.certificates[0]");

    // Import by uid.
    wd.config(&config(&sim, &res(&dep, v2, "  trust_all = true")));
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &format!("{dep}/main-elasticsearch/direct/{uid}"))
        .success();
    wd.assert_no_changes();

    // Replace: another deployment.
    wd.config(&config(&sim, &res(&dep2, v2, "  trust_all = true")));
    wd.plan().success().contains("must be replaced");
    wd.apply()
        .success()
        .contains("1 added, 0 changed, 1 destroyed");
    assert!(direct_entries(&trust(&sim, "local")).is_empty());
    let d2 = direct_entries(&trust(&sim, "old-local"));
    assert_eq!(d2.len(), 1);
    assert_eq!(d2[0]["name"], "self-managed-2");
    wd.assert_no_changes();

    wd.destroy().success();
    assert!(direct_entries(&trust(&sim, "old-local")).is_empty());
}

/// The pre-existing trust of the preservation test: all three kinds, with names, an allowlist,
/// a direct certificate and an unmanaged direct entry of the same organization.
fn preexisting_trust(pem: &str) -> Json {
    json!({
        "accounts": [
            {"account_id": "1000000001", "trust_all": true, "name": "Default trust for own organization"},
            {"account_id": "5000000005", "trust_all": false, "name": "Audit org", "trust_allowlist": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}
        ],
        "external": [{"trust_relationship_id": "ece-dr", "trust_all": true}],
        "direct": [{"uid": "11111111-2222-3333-4444-555555555555", "name": "Lab cluster", "type": "generic", "trust_all": false,
                    "additional_node_names": ["lab-1.example.com"], "certificates": [{"pem": pem}]}]
    })
}

/// The entries of `t` not in the managed set, per list.
fn unmanaged(t: &Json, managed_org: &str, managed_rel: &str, managed_direct: &str) -> Json {
    let keep = |list: &str, f: &dyn Fn(&Json) -> bool| -> Json {
        Json::Array(
            t[list]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| f(e))
                .cloned()
                .collect(),
        )
    };
    json!({
        "accounts": keep("accounts", &|e| e["account_id"] != managed_org),
        "external": keep("external", &|e| e["trust_relationship_id"] != managed_rel),
        "direct": keep("direct", &|e| e["name"] != managed_direct),
    })
}

#[test]
fn preservation_of_unmanaged_entries() {
    let lab_pem = ca_pem("lab.example.com");
    let mut f = fixture_with_relationships();
    let local = f
        .deployments
        .iter_mut()
        .find(|d| d.name == "local")
        .unwrap();
    local.trust = Some(preexisting_trust(&lab_pem));
    local
        .keystore
        .insert("cluster.remote.other.credentials".into(), json!("c2VjcmV0"));
    let sim = Sim::with("trust-preservation", f, fast());
    let wd = workdir();
    let dep = sim.id("local");
    let original = trust(&sim, "local");
    let original_api = api_trust(&sim, "local");
    let keystore_before = sim.deployment_state("local")["keystore_keys"].clone();
    assert_eq!(original["direct"][0]["certificates"][0]["pem"], lab_pem);

    let ca = ca_pem("managed.example.com");
    wd.write("ca.pem", &ca);
    let cfg = |allow: &str, name: &str| {
        config(
            &sim,
            &format!(
                "resource \"crosscluster_trusted_environment\" \"org\" {{\n  deployment_id = \"{dep}\"\n  organization_id = \"2000000002\"\n  name = \"{name}\"\n  trust_allowlist = [\"{allow}\"]\n}}\n\
                 resource \"crosscluster_trusted_environment\" \"ext\" {{\n  deployment_id = \"{dep}\"\n  trust_relationship_id = \"ece-prod\"\n  trust_allowlist = [\"{allow}\"]\n}}\n\
                 resource \"crosscluster_trusted_environment\" \"direct\" {{\n  deployment_id = \"{dep}\"\n  trust_allowlist = [\"{allow}\"]\n  direct {{\n    name = \"managed\"\n    scope_id = \"{name}\"\n    certificates = [file(\"ca.pem\")]\n  }}\n}}\n"
            ),
        )
    };
    let unmanaged_now =
        |sim: &Sim| unmanaged(&trust(sim, "local"), "2000000002", "ece-prod", "managed");
    let unmanaged_api = |sim: &Sim| {
        unmanaged(
            &api_trust(sim, "local"),
            "2000000002",
            "ece-prod",
            "managed",
        )
    };

    // Create.
    wd.config(&cfg("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "one"));
    wd.apply().success().contains("3 added");
    let t = trust(&sim, "local");
    assert_eq!(accounts(&t).len(), 3);
    assert_eq!(
        unmanaged_now(&sim),
        original,
        "create changed unmanaged entries"
    );
    assert_eq!(unmanaged_api(&sim), original_api);
    wd.assert_no_changes();

    // Update all three.
    wd.config(&cfg("cccccccccccccccccccccccccccccccc", "two"));
    wd.apply()
        .success()
        .contains("0 added, 3 changed, 0 destroyed");
    let t = trust(&sim, "local");
    assert_eq!(account(&t, "2000000002").unwrap()["name"], "two");
    assert_eq!(
        unmanaged_now(&sim),
        original,
        "update changed unmanaged entries"
    );
    assert_eq!(unmanaged_api(&sim), original_api);
    wd.assert_no_changes();

    // Destroy: the trust is exactly what it was, byte for byte.
    wd.destroy().success();
    let after = trust(&sim, "local");
    assert_eq!(
        serde_json::to_string(&after).unwrap(),
        serde_json::to_string(&original).unwrap()
    );
    assert_eq!(api_trust(&sim, "local"), original_api);
    assert_eq!(
        sim.deployment_state("local")["keystore_keys"],
        keystore_before
    );
    // Every update sent all three lists (group commit may merge the three entries of one
    // apply into one update: at least one per apply).
    let puts: Vec<Json> = sim
        .requests(Some("cloud"))
        .into_iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == format!("/api/v1/deployments/{dep}"))
        .collect();
    assert!((3..=9).contains(&puts.len()), "{}", puts.len());
    for p in &puts {
        let t = &p["body"]["resources"]["elasticsearch"][0]["settings"]["trust"];
        for l in ["accounts", "external", "direct"] {
            assert!(t[l].is_array(), "{l} missing in {t}");
        }
        assert_eq!(p["body"]["prune_orphans"], false);
    }
}

#[test]
fn drift_and_deleted_deployment() {
    let sim = Sim::start("trust-drift");
    let wd = workdir();
    let dep = sim.id("local");
    let cluster = sim.dep("remote").1.cluster_id;
    wd.config(&config(
        &sim,
        &org_resource(
            &dep,
            "2000000002",
            &format!("  trust_allowlist = [\"{cluster}\"]"),
        ),
    ));
    wd.apply().success();
    wd.assert_no_changes();

    // Removed outside Terraform: the plan creates it again.
    edit_trust_out_of_band(&sim, "local", |t| {
        t["accounts"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a["account_id"] != "2000000002");
    });
    assert!(account(&trust(&sim, "local"), "2000000002").is_none());
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    run.contains("will be created");
    wd.apply().success().contains("1 added");
    assert!(account(&trust(&sim, "local"), "2000000002").is_some());
    wd.assert_no_changes();

    // Allowlist changed outside Terraform: the plan updates it back in place.
    edit_trust_out_of_band(&sim, "local", |t| {
        for a in t["accounts"].as_array_mut().unwrap() {
            if a["account_id"] == "2000000002" {
                a["trust_allowlist"] = json!(["dddddddddddddddddddddddddddddddd"]);
            }
        }
    });
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    run.contains("will be updated in-place");
    wd.apply().success().contains("1 changed");
    assert_eq!(
        account(&trust(&sim, "local"), "2000000002").unwrap()["trust_allowlist"],
        json!([cluster])
    );
    wd.assert_no_changes();

    // The deployment is deleted: refresh drops the entry (plan: create), apply fails clearly.
    sim.control("POST", "/_sim/deployments/local/delete", None);
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    run.contains("will be created");
    wd.apply()
        .failure()
        .contains("Deployment not found")
        .contains(&format!("Deployment {dep} does not exist"));
    // Destroying what is left works.
    wd.destroy().success();
}

#[test]
fn thirty_on_one_deployment() {
    let sim = Sim::start("trust-thirty");
    let wd = workdir();
    let dep = sim.id("local");
    let original = trust(&sim, "local");
    wd.config(&config(
        &sim,
        &format!(
            "resource \"crosscluster_trusted_environment\" \"many\" {{\n  count = 30\n  deployment_id = \"{dep}\"\n  organization_id = format(\"3%09d\", count.index)\n  name = \"org ${{count.index}}\"\n}}\n"
        ),
    ));
    let started = Instant::now();
    wd.apply().success().contains("30 added");
    let apply_time = started.elapsed();
    let t = trust(&sim, "local");
    let ids: Vec<String> = accounts(&t)
        .iter()
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 31, "{ids:?}");
    for i in 0..30 {
        let want = format!("3{i:09}");
        let a = account(&t, &want).unwrap_or_else(|| panic!("{want} missing"));
        assert_eq!(a["name"], format!("org {i}"));
    }
    wd.assert_no_changes();
    let started = Instant::now();
    wd.destroy().success().contains("30 destroyed");
    let destroy_time = started.elapsed();
    assert_eq!(trust(&sim, "local"), original);
    eprintln!("30 trusted environments: apply {apply_time:?}, destroy {destroy_time:?}");
}

#[test]
fn conflict_failed_plan_and_timeout() {
    let sim = Sim::start("trust-faults");
    let wd = workdir();
    let dep = sim.id("local");
    let put_path = format!("/api/v1/deployments/{dep}");

    // A 409 on the PUT: read again, redo the edit, succeed.
    sim.faults(
        json!({"method": "PUT", "path": format!("^{put_path}$"), "status": 409,
                      "code": "deployments.version_conflict", "count": 1}),
    );
    wd.config(&config(
        &sim,
        &org_resource(&dep, "2000000002", "  trust_all = true"),
    ));
    wd.apply().success();
    let puts: Vec<Json> = sim
        .requests(Some("cloud"))
        .into_iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == put_path)
        .collect();
    assert_eq!(
        puts.iter()
            .map(|p| p["status"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![409, 200]
    );
    assert!(account(&trust(&sim, "local"), "2000000002").is_some());
    wd.assert_no_changes();

    // A plan that fails: the apply fails with the plan's message.
    sim.control(
        "POST",
        "/_sim/deployments/local/fail_next_plan",
        Some(json!({"message": "Simulated failure: no capacity in eu-west-1a"})),
    );
    wd.config(&config(
        &sim,
        &org_resource(&dep, "3000000003", "  trust_all = true"),
    ));
    wd.apply()
        .failure()
        .contains("plan failed")
        .contains("Simulated failure: no capacity in eu-west-1a");
    // The next apply goes through.
    wd.apply().success();
    assert!(account(&trust(&sim, "local"), "3000000003").is_some());
    wd.assert_no_changes();

    // A plan slower than timeouts.create: a timeout error; the next apply picks up.
    sim.config(Some(3000), None);
    wd.config(&config(
        &sim,
        &format!(
            "{}{}",
            org_resource(&dep, "3000000003", "  trust_all = true"),
            "resource \"crosscluster_trusted_environment\" \"slow\" {\n  deployment_id = \"DEP\"\n  organization_id = \"4000000004\"\n  timeouts {\n    create = \"1s\"\n  }\n}\n"
                .replace("DEP", &dep)
        ),
    ));
    let started = Instant::now();
    wd.apply()
        .failure()
        .contains("timed out waiting for the pending plan to finish");
    assert!(started.elapsed().as_secs() < 30);
    sim.config(Some(50), None);
    wd.apply().success();
    let t = trust(&sim, "local");
    assert_eq!(
        accounts(&t)
            .iter()
            .filter(|a| a["account_id"] == "4000000004")
            .count(),
        1
    );
    wd.assert_no_changes();
    wd.destroy().success();
    assert_eq!(accounts(&trust(&sim, "local")).len(), 1);
}
