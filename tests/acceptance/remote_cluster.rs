//! `crosscluster_remote_cluster` against the simulator (issue 5, must-shows 2, 3 and 5): the
//! certificate model across two organizations (trust set up out-of-band through the Cloud API),
//! one-sided trust and wrong ports failing with the reason, proxy to sniff and back in place,
//! legacy sniff-through-proxy on 7.5, destroying one alias leaving the others alone, import.

use std::time::{Duration, Instant};

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// Adds an `accounts` trust entry for organization `org` (all clusters) to deployment `name`,
/// through the Cloud API as that deployment's organization, and completes the plan.
pub(crate) fn trust_org(sim: &Sim, name: &str, org: &str) {
    put_account_trust(
        sim,
        name,
        json!({"account_id": org, "trust_all": true, "name": format!("Trust {org}")}),
    );
}

/// Replaces the `accounts` entry of `entry["account_id"]` on deployment `name` with `entry`,
/// through the Cloud API as that deployment's organization, and completes the plan.
pub(crate) fn put_account_trust(sim: &Sim, name: &str, entry: Value) {
    let (id, d) = sim.dep(name);
    let auth = format!("ApiKey {}", sim.cloud_key_for(name));
    let url = format!(
        "{}/api/v1/deployments/{id}?show_settings=true&show_plans=true&clear_transient=true",
        sim.ready.cloud_url
    );
    let (status, get) = sim.http("GET", &url, Some(&auth), None);
    assert_eq!(status, 200, "{get}");
    let mut payload =
        crosscluster::client::cloud::build_update_payload(&get).expect("update payload");
    let es = &mut payload["resources"]["elasticsearch"][0];
    assert_eq!(es["ref_id"], d.ref_id.as_str());
    let trust = &mut es["settings"]["trust"];
    for list in ["accounts", "external", "direct"] {
        if !trust[list].is_array() {
            trust[list] = json!([]);
        }
    }
    let accounts = trust["accounts"].as_array_mut().expect("accounts");
    accounts.retain(|a| a["account_id"] != entry["account_id"]);
    accounts.push(entry);
    let put = format!("{}/api/v1/deployments/{id}", sim.ready.cloud_url);
    let (status, body) = sim.http("PUT", &put, Some(&auth), Some(payload));
    assert_eq!(status, 200, "{body}");
    sim.control(
        "POST",
        &format!("/_sim/deployments/{id}/complete_plan"),
        None,
    );
}

/// The flat persistent cluster settings of deployment `name`.
pub(crate) fn persistent_settings(sim: &Sim, name: &str) -> serde_json::Map<String, Value> {
    let d = sim.dep(name).1;
    let (status, body) = sim.http(
        "GET",
        &format!("{}/_cluster/settings?flat_settings=true", d.es_url),
        Some(&sim.es_auth(name)),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["persistent"].as_object().cloned().unwrap_or_default()
}

fn org_of(sim: &Sim, name: &str) -> String {
    sim.dep(name).1.organization_id
}

fn alias_block(name: &str, body: &str) -> String {
    format!(
        "resource \"crosscluster_remote_cluster\" \"{name}\" {{\n  alias = \"{name}\"\n{body}}}\n"
    )
}

fn proxy_body(endpoint: &str, port: u16, extra: &str) -> String {
    format!(
        "  proxy_address = \"{endpoint}:{port}\"\n  server_name = \"{endpoint}\"\n{extra}  timeouts {{\n    create = \"3s\"\n    update = \"3s\"\n  }}\n"
    )
}

/// Must-shows 2 and 3: mutual trust connects on port 9400; trust on one side only fails within
/// the timeout naming the side; the wrong port for the model names the right one.
#[test]
fn certificate_model_across_organizations() {
    let sim = Sim::start("remote_cluster_certificate");
    let remote_ep = sim.dep("remote").1.endpoint;
    let wd = Workdir::new();
    let config = |port: u16| {
        format!(
            "{REQUIRED_PROVIDERS}{}\n{}",
            sim.provider_block(None, None, Some("local")),
            alias_block("cert", &proxy_body(&remote_ep, port, ""))
        )
    };
    // Without waiting, an unconnected alias is kept, and `connected` plans no diff either way.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n{}",
        sim.provider_block(None, None, Some("local")),
        alias_block(
            "cert",
            &proxy_body(&remote_ep, 9400, "  wait_for_connection = false\n")
        )
    ));
    wd.apply().success();
    let st = wd.resource("crosscluster_remote_cluster.cert").unwrap();
    assert_eq!(st["connected"], false, "{st}");
    wd.assert_no_changes();
    wd.destroy().success();

    wd.config(&config(9400));

    // No trust across the organizations: this (local) side does not trust the remote.
    let started = Instant::now();
    let run = wd.apply().failure();
    let took = started.elapsed();
    let run = run
        .contains("Remote cluster \"cert\" did not connect")
        .contains("this (local) cluster does not trust the remote cluster");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        !persistent_settings(&sim, "local")
            .keys()
            .any(|k| k.starts_with("cluster.remote.cert.")),
        "the failed create must leave no settings behind"
    );
    drop(run);

    // local trusts organization 2, but remote does not trust organization 1.
    trust_org(&sim, "local", &org_of(&sim, "remote"));
    let started = Instant::now();
    wd.apply()
        .failure()
        .contains("the remote cluster at")
        .contains("does not trust this (local) cluster")
        .contains("REMOTE deployment");
    assert!(started.elapsed() < Duration::from_secs(30));

    // Mutual trust: connects.
    trust_org(&sim, "remote", &org_of(&sim, "local"));
    wd.apply().success();
    let st = wd
        .resource("crosscluster_remote_cluster.cert")
        .expect("in state");
    assert_eq!(st["connected"], true, "{st}");
    assert_eq!(st["credentials_configured"], false);
    assert_eq!(st["id"], "cert");
    assert_eq!(st["mode"], "proxy");
    wd.assert_no_changes();

    // Wrong port for the certificate model: 9443 without credentials names port 9400.
    wd.config(&config(9443));
    wd.apply()
        .failure()
        .contains(&format!("{remote_ep}:9400"))
        .contains("cluster.remote.cert.credentials");
    // Rolled back: the cluster still has the 9400 address.
    assert_eq!(
        persistent_settings(&sim, "local")["cluster.remote.cert.proxy_address"],
        format!("{remote_ep}:9400")
    );
    wd.config(&config(9400));
    wd.assert_no_changes();

    // API-key credentials in the keystore with port 9400 names port 9443.
    let remote = sim.dep("remote").1;
    let (status, key) = sim.http(
        "POST",
        &format!("{}/_security/cross_cluster/api_key", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"name": "cert-test", "access": {"search": [{"names": ["*"]}]}})),
    );
    assert_eq!(status, 200, "{key}");
    let local = sim.dep("local");
    let (status, body) = sim.http(
        "PATCH",
        &format!(
            "{}/api/v1/deployments/{}/elasticsearch/{}/keystore",
            sim.ready.cloud_url, local.0, local.1.ref_id
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for("local"))),
        Some(json!({"secrets": {"cluster.remote.cert.credentials": {"value": key["encoded"]}}})),
    );
    assert!(status == 200 || status == 202, "{status} {body}");
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n{}",
        sim.provider_block(None, None, Some("local")),
        alias_block(
            "cert",
            &proxy_body(&remote_ep, 9400, "  skip_unavailable = false\n")
        )
    ));
    wd.apply()
        .failure()
        .contains("The API-key model uses port 9443")
        .contains(&format!("{remote_ep}:9443"));
    // With 9443 the API-key model connects, and the state says so.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n{}",
        sim.provider_block(None, None, Some("local")),
        alias_block(
            "cert",
            &proxy_body(&remote_ep, 9443, "  skip_unavailable = false\n")
        )
    ));
    wd.apply().success();
    let st = wd.resource("crosscluster_remote_cluster.cert").unwrap();
    assert_eq!(st["connected"], true);
    assert_eq!(st["credentials_configured"], true);
    wd.assert_no_changes();
    wd.destroy().success();
    assert!(
        !persistent_settings(&sim, "local")
            .keys()
            .any(|k| k.starts_with("cluster.remote.cert."))
    );
}

/// Must-show 5: proxy to sniff and back in place, destroying one alias leaves the settings of
/// the others untouched, import; plus plan-time checks with attribute paths.
#[test]
fn mode_switch_destroy_one_and_import() {
    let sim = Sim::start("remote_cluster_modes");
    trust_org(&sim, "local", &org_of(&sim, "remote"));
    trust_org(&sim, "remote", &org_of(&sim, "local"));
    let ep = sim.dep("remote").1.endpoint;
    let local = sim.dep("local").1;
    // An alias and a setting made outside Terraform.
    let (status, body) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", local.es_url),
        Some(&sim.es_auth("local")),
        Some(json!({"persistent": {
            "cluster.remote.other.mode": "proxy",
            "cluster.remote.other.proxy_address": format!("{ep}:9400"),
            "cluster.remote.other.server_name": ep,
            "cluster.remote.other.skip_unavailable": "false",
            "indices.recovery.max_bytes_per_sec": "50mb"
        }})),
    );
    assert_eq!(status, 200, "{body}");

    let provider = sim.provider_block(None, None, Some("local"));
    let b = alias_block(
        "b",
        &proxy_body(
            &ep,
            9400,
            "  skip_unavailable = false\n  proxy_socket_connections = 4\n  transport_compress = \"true\"\n  transport_ping_schedule = \"30s\"\n",
        ),
    );
    // No timeouts block on the aliases that get imported: an imported state has no timeouts, so
    // a configured timeouts block would plan a (no-op) update.
    let a_proxy = alias_block(
        "a",
        &format!("  proxy_address = \"{ep}:9400\"\n  server_name = \"{ep}\"\n"),
    );
    let a_sniff = alias_block(
        "a",
        &format!(
            "  mode = \"sniff\"\n  seeds = [\"{ep}:1\"]\n  legacy_proxy = \"{ep}:9400\"\n  node_connections = 2\n"
        ),
    );
    let wd = Workdir::new();

    // Plan-time checks point at the attribute.
    let bad = |body: String| {
        wd.config(&format!(
            "{REQUIRED_PROVIDERS}{provider}\n{}",
            alias_block("bad", &body)
        ));
        wd.plan().failure()
    };
    bad(format!("  proxy_address = \"{ep}\"\n"))
        .contains("must be written as host:port")
        .contains("on main.tf line");
    bad(format!(
        "  proxy_address = \"{ep}:9400\"\n  seeds = [\"{ep}:1\"]\n"
    ))
    .contains("seeds is a sniff-mode setting, but mode is \"proxy\" (the default)");
    bad(format!("  mode = \"sniff\"\n  server_name = \"{ep}\"\n"))
        .contains("server_name is a proxy-mode setting")
        .contains("Sniff mode needs at least one seed");

    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{a_proxy}\n{b}"));
    wd.apply().success();
    for r in ["a", "b"] {
        let st = wd
            .resource(&format!("crosscluster_remote_cluster.{r}"))
            .unwrap();
        assert_eq!(st["connected"], true, "{r}: {st}");
    }
    let st_a = wd.resource("crosscluster_remote_cluster.a").unwrap();
    // Not configured: the 9.1 default (true) is read back.
    assert_eq!(st_a["skip_unavailable"], true);
    wd.assert_no_changes();

    // Proxy to sniff in place, in one request that nulls the proxy keys.
    // (The log is kept whole for the contract check: skip what came before.)
    let seen = sim.requests(Some("local")).len();
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{a_sniff}\n{b}"));
    wd.plan()
        .success()
        .contains("Plan: 0 to add, 1 to change, 0 to destroy");
    wd.apply().success();
    let puts: Vec<Value> = sim
        .requests(Some("local"))
        .into_iter()
        .skip(seen)
        .filter(|r| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
        .collect();
    assert_eq!(puts.len(), 1, "{puts:?}");
    let p = &puts[0]["body"]["persistent"];
    assert_eq!(p["cluster.remote.a.mode"], "sniff");
    assert_eq!(p["cluster.remote.a.proxy"], format!("{ep}:9400"));
    assert!(
        p["cluster.remote.a.proxy_address"].is_null()
            && p.get("cluster.remote.a.proxy_address").is_some()
    );
    assert!(p.get("cluster.remote.a.server_name").is_some());
    assert!(
        p.as_object()
            .unwrap()
            .keys()
            .all(|k| k.starts_with("cluster.remote.a.")),
        "{p}"
    );
    let st_a = wd.resource("crosscluster_remote_cluster.a").unwrap();
    assert_eq!(st_a["mode"], "sniff");
    assert_eq!(st_a["connected"], true);
    assert!(st_a["proxy_address"].is_null());
    wd.assert_no_changes();

    // And back to proxy, in place.
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{a_proxy}\n{b}"));
    wd.plan()
        .success()
        .contains("Plan: 0 to add, 1 to change, 0 to destroy");
    wd.apply().success();
    assert_eq!(
        wd.resource("crosscluster_remote_cluster.a").unwrap()["mode"],
        "proxy"
    );
    wd.assert_no_changes();

    // Import `a` back after forgetting it.
    wd.run(&["state", "rm", "crosscluster_remote_cluster.a"])
        .success();
    wd.import("crosscluster_remote_cluster.a", "a").success();
    wd.assert_no_changes();

    // Destroying b leaves every other setting exactly as it was.
    let before = persistent_settings(&sim, "local");
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{a_proxy}"));
    wd.apply().success();
    let after = persistent_settings(&sim, "local");
    let mut expected = before.clone();
    expected.retain(|k, _| !k.starts_with("cluster.remote.b."));
    assert!(before.len() > expected.len());
    assert_eq!(Value::Object(after), Value::Object(expected));

    // The alias made outside Terraform imports and plans clean.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\n{a_proxy}\n{}",
        alias_block(
            "other",
            &format!(
                "  proxy_address = \"{ep}:9400\"\n  server_name = \"{ep}\"\n  skip_unavailable = false\n"
            )
        )
    ));
    wd.import("crosscluster_remote_cluster.other", "other")
        .success();
    wd.assert_no_changes();
    wd.run(&["state", "rm", "crosscluster_remote_cluster.other"])
        .success();
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{a_proxy}"));

    // Removed outside Terraform: the plan recreates it.
    let (status, _) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", local.es_url),
        Some(&sim.es_auth("local")),
        Some(json!({"persistent": {"cluster.remote.a.*": null}})),
    );
    assert_eq!(status, 200);
    wd.plan()
        .success()
        .contains("Plan: 1 to add, 0 to change, 0 to destroy");
    wd.destroy().success();
    let left = persistent_settings(&sim, "local");
    assert!(left.contains_key("cluster.remote.other.proxy_address"));
    assert_eq!(left["indices.recovery.max_bytes_per_sec"], "50mb");
}

/// Must-show 5: sniff through a Cloud proxy (`legacy_proxy`) on 7.5 connects under certificate
/// trust to a wire-compatible 7.6 peer; proxy mode there fails at plan naming 7.7.
#[test]
fn legacy_proxy_on_7_5() {
    let mut f = Fixture::default_fixture();
    let org1 = f
        .deployments
        .iter()
        .find(|d| d.name == "legacy")
        .expect("legacy")
        .organization_id
        .clone();
    f.deployments.push(
        serde_json::from_value(
            json!({"name": "legacy-b", "organization_id": org1, "version": "7.6.2"}),
        )
        .expect("fixture"),
    );
    let sim = Sim::with(
        "remote_cluster_legacy",
        f,
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    );
    let ep = sim.dep("legacy-b").1.endpoint;
    let provider = sim.provider_block(None, None, Some("legacy"));
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\n{}",
        alias_block("old", &proxy_body(&ep, 9400, ""))
    ));
    wd.plan()
        .failure()
        .contains("Proxy mode remote clusters require Elasticsearch 7.7.0 or later, but this cluster runs 7.5.2");

    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\n{}",
        alias_block(
            "old",
            &format!(
                "  mode = \"sniff\"\n  seeds = [\"{ep}:1\"]\n  legacy_proxy = \"{ep}:9400\"\n  timeouts {{\n    create = \"5s\"\n  }}\n"
            )
        )
    ));
    wd.apply().success();
    let st = wd.resource("crosscluster_remote_cluster.old").unwrap();
    assert_eq!(st["connected"], true, "{st}");
    assert_eq!(st["mode"], "sniff");
    assert_eq!(st["legacy_proxy"], format!("{ep}:9400"));
    // 7.5 has no mode setting: none was written.
    let settings = persistent_settings(&sim, "legacy");
    assert_eq!(settings["cluster.remote.old.proxy"], format!("{ep}:9400"));
    assert!(
        !settings.contains_key("cluster.remote.old.mode"),
        "{settings:?}"
    );
    wd.assert_no_changes();
    wd.destroy().success();
    assert!(
        !persistent_settings(&sim, "legacy")
            .keys()
            .any(|k| k.starts_with("cluster.remote.old."))
    );
}

/// Create never overwrites an alias it does not manage: one made outside Terraform with other
/// settings fails at `alias` naming the import; one with exactly the configured settings is
/// adopted without a write.
#[test]
fn create_refuses_a_different_existing_alias_and_adopts_an_identical_one() {
    let sim = Sim::start("remote_cluster_existing");
    let local = sim.dep("local").1;
    let ep = sim.dep("remote").1.endpoint;
    let (status, body) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", local.es_url),
        Some(&sim.es_auth("local")),
        Some(json!({"persistent": {
            "cluster.remote.handmade.mode": "proxy",
            "cluster.remote.handmade.proxy_address": format!("{ep}:9400"),
            "cluster.remote.handmade.server_name": ep,
        }})),
    );
    assert_eq!(status, 200, "{body}");
    let provider = sim.provider_block(None, None, Some("local"));
    let alias = |port: u16| {
        format!(
            "{REQUIRED_PROVIDERS}{provider}\nresource \"crosscluster_remote_cluster\" \"h\" {{\n  alias = \"handmade\"\n  proxy_address = \"{ep}:{port}\"\n  server_name = \"{ep}\"\n  wait_for_connection = false\n}}\n"
        )
    };
    let wd = Workdir::new();
    wd.config(&alias(9443));
    let puts = |sim: &Sim| {
        sim.requests(None)
            .iter()
            .filter(|r| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
            .count()
    };
    let before = puts(&sim);
    wd.apply()
        .failure()
        .contains("Remote cluster alias already exists")
        .contains("import <address> handmade");
    assert_eq!(puts(&sim), before, "nothing written");
    let left = persistent_settings(&sim, "local");
    assert_eq!(
        left["cluster.remote.handmade.proxy_address"],
        format!("{ep}:9400")
    );
    // Exactly what exists: adopted, nothing written, and the plan after it is empty.
    wd.config(&alias(9400));
    wd.apply().success();
    assert_eq!(puts(&sim), before, "adopted without a write");
    wd.assert_no_changes();
}
