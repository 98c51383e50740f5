//! Runs a scenario over every operation of the vendor contracts, dumps the simulator's request
//! log as JSONL and (where `../shared` and a Python with `jsonschema` exist) checks it with
//! `../shared/tools/check-contract --spec cloud` and `--spec es`.

mod common;
use common::T;
use serde_json::json;
use std::path::PathBuf;

async fn scenario(t: &T) {
    let (id, d) = t.dep("local");
    let rid = t.id("remote");
    let es_path = format!("/deployments/{id}/elasticsearch/{}", d.ref_id);
    // Cloud: reads.
    t.cloud("GET", &format!("/deployments/{id}?show_settings=true&show_plans=true&show_plan_logs=true&show_plan_history=true&show_metadata=true&clear_transient=true"), "local", None).await;
    t.cloud("GET", &format!("/deployments/{id}"), "local", None)
        .await;
    t.cloud(
        "GET",
        &format!("{es_path}?show_settings=true"),
        "local",
        None,
    )
    .await;
    t.cloud("GET", "/organizations", "local", None).await;
    t.cloud("GET", "/account", "local", None).await;
    t.cloud("GET", "/trusted-environments", "local", None).await;
    // Cloud: trust update with all three lists, a pending plan, cancel, errors.
    let org2 = t.dep("remote").1.organization_id;
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    let (mut trust, v) = t.trust("local").await;
    trust["accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({"account_id": org2, "trust_all": true, "name": "remote"}));
    trust["direct"] = json!([{"name": "sm", "type": "generic", "trust_all": false, "additional_node_names": ["n1.example.com"], "certificates": [{"pem": pem}]}]);
    let body = t.update_body("local", Some(trust)).await;
    t.cloud(
        "PUT",
        &format!("/deployments/{id}?version={v}"),
        "local",
        Some(body.clone()),
    )
    .await;
    t.cloud(
        "PUT",
        &format!("/deployments/{id}?version=1"),
        "local",
        Some(body),
    )
    .await;
    t.cloud(
        "GET",
        &format!("/deployments/{id}?show_plans=true&show_plan_logs=true&show_settings=true"),
        "local",
        None,
    )
    .await;
    t.cloud("DELETE", &format!("{es_path}/plan/pending"), "local", None)
        .await;
    t.cloud("DELETE", &format!("{es_path}/plan/pending"), "local", None)
        .await;
    // (Requests that break the request schema, e.g. without prune_orphans, are tested in api.rs:
    // check-contract would rightly flag the request itself.)
    t.cloud("GET", &format!("/deployments/{rid}"), "local", None)
        .await;
    // Keystore and remote clusters.
    t.cloud("GET", &format!("{es_path}/keystore"), "local", None)
        .await;
    t.cloud("PATCH", &format!("{es_path}/keystore"), "local", Some(json!({"secrets": {"cluster.remote.r.credentials": {"value": "c2VjcmV0OnZhbHVl", "as_file": false}}}))).await;
    t.cloud(
        "PATCH",
        &format!("{es_path}/keystore"),
        "local",
        Some(json!({"secrets": {"cluster.remote.r.credentials": {"as_file": false}}})),
    )
    .await;
    let (bid, b) = t.dep("local-b");
    t.cloud("PUT", &format!("{es_path}/remote-clusters"), "local", Some(json!({"resources": [{"deployment_id": bid, "elasticsearch_ref_id": b.ref_id, "alias": "b", "skip_unavailable": false}]}))).await;
    t.cloud("GET", &format!("{es_path}/remote-clusters"), "local", None)
        .await;
    t.cloud("POST", &format!("{es_path}/_restart"), "local", None)
        .await;
    t.cloud(
        "GET",
        &format!("{es_path}/nope/keystore").replace(&format!("/{}/nope", d.ref_id), "/nope"),
        "local",
        None,
    )
    .await;
    // ECE trust relationships.
    let r = t
        .cloud(
            "POST",
            "/platform/configuration/trust-relationships",
            "local",
            Some(json!({"name": "ece", "public_ca_cert": pem, "trust_by_default": false})),
        )
        .await;
    let tr = r.body["id"].as_str().unwrap().to_string();
    t.cloud(
        "GET",
        "/platform/configuration/trust-relationships",
        "local",
        None,
    )
    .await;
    t.cloud(
        "GET",
        &format!("/platform/configuration/trust-relationships/{tr}"),
        "local",
        None,
    )
    .await;
    t.cloud(
        "PUT",
        &format!("/platform/configuration/trust-relationships/{tr}"),
        "local",
        Some(json!({"name": "ece2"})),
    )
    .await;
    t.cloud(
        "DELETE",
        &format!("/platform/configuration/trust-relationships/{tr}"),
        "local",
        None,
    )
    .await;

    // Elasticsearch.
    t.es("local", "GET", "/", None).await;
    t.es("legacy", "GET", "/", None).await;
    let key = t.ccs_key("remote", "contract").await;
    t.es("remote", "POST", "/_security/cross_cluster/api_key", Some(json!({"name": "full", "access": {"search": [{"names": ["a*"], "query": {"term": {"x": "y"}}, "field_security": {"grant": ["*"]}}]}, "expiration": "30d", "metadata": {"env": "prod"}}))).await;
    t.es(
        "remote",
        "PUT",
        &format!(
            "/_security/cross_cluster/api_key/{}",
            key["id"].as_str().unwrap()
        ),
        Some(json!({"access": {"replication": [{"names": ["r*"]}]}, "metadata": {"v": 2}})),
    )
    .await;
    t.es(
        "remote",
        "GET",
        &format!("/_security/api_key?id={}", key["id"].as_str().unwrap()),
        None,
    )
    .await;
    t.es(
        "remote",
        "GET",
        "/_security/api_key?name=contract&active_only=true",
        None,
    )
    .await;
    t.es("remote", "GET", "/_security/api_key?id=missing", None)
        .await;
    t.es(
        "remote",
        "POST",
        "/_security/cross_cluster/api_key",
        Some(json!({"name": "bad", "access": {}})),
    )
    .await;
    t.store_key("local", "r", key["encoded"].as_str().unwrap())
        .await;
    t.proxy_alias("local", "r", "remote", 9443).await;
    t.es("local", "PUT", "/_cluster/settings?flat_settings=true", Some(json!({"persistent": {"cluster.remote.s.seeds": ["h.example.com:9300"], "cluster.remote.s.skip_unavailable": true}}))).await;
    t.es("local", "GET", "/_resolve/cluster/r:*,s:logs,idx", None)
        .await;
    t.es(
        "local",
        "PUT",
        "/_cluster/settings",
        Some(json!({"persistent": {"cluster.remote.r.proxy_address": null}})),
    )
    .await;
    t.es("local", "GET", "/_cluster/settings", None).await;
    t.es(
        "local",
        "GET",
        "/_cluster/settings?flat_settings=true&include_defaults=true",
        None,
    )
    .await;
    t.es("local", "GET", "/_remote/info", None).await;
    t.es("local", "POST", "/_nodes/reload_secure_settings", None)
        .await;
    t.es(
        "local",
        "POST",
        "/_nodes/reload_secure_settings",
        Some(json!({})),
    )
    .await;
    t.es(
        "remote",
        "DELETE",
        "/_security/api_key",
        Some(json!({"ids": [key["id"]]})),
    )
    .await;
    t.es(
        "remote",
        "DELETE",
        "/_security/api_key",
        Some(json!({"name": "full", "owner": true})),
    )
    .await;
    let role = json!({"cluster": ["monitor"], "indices": [{"names": ["l*"], "privileges": ["read"]}],
        "remote_indices": [{"clusters": ["r"], "names": ["l*"], "privileges": ["read"]}],
        "remote_cluster": [{"clusters": ["r"], "privileges": ["monitor_enrich"]}], "description": "d", "metadata": {"k": "v"}});
    t.es(
        "local",
        "PUT",
        "/_security/role/contract?refresh=wait_for",
        Some(role.clone()),
    )
    .await;
    t.es("local", "POST", "/_security/role/contract", Some(role))
        .await;
    t.es("local", "GET", "/_security/role/contract", None).await;
    t.es("local", "GET", "/_security/role/missing", None).await;
    t.es("local", "DELETE", "/_security/role/contract", None)
        .await;
    t.es("local", "DELETE", "/_security/role/contract", None)
        .await;
}

fn python(repo: &std::path::Path) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = std::env::var_os("CHECK_CONTRACT_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo.join(".venv/bin/python")])
        .collect();
    candidates.into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import jsonschema"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[tokio::test]
async fn request_log_matches_the_vendor_contracts() {
    let t = T::extended(0).await;
    scenario(&t).await;
    let url = format!("{}/_sim/requests?format=jsonl", t.sim.ready.cloud_url);
    let cloud = t
        .http
        .get(format!("{url}&target=cloud"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let es = t
        .http
        .get(format!("{url}&target=es"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(cloud.lines().count() >= 25 && es.lines().count() >= 25);
    let out_dir = std::env::var_os("SIM_CONTRACT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&out_dir).unwrap();
    let cloud_file = out_dir.join("sim-requests-cloud.jsonl");
    let es_file = out_dir.join("sim-requests-es.jsonl");
    std::fs::write(&cloud_file, &cloud).unwrap();
    std::fs::write(&es_file, &es).unwrap();

    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tool = repo.join("../shared/tools/check-contract");
    if !tool.exists() {
        println!("check-contract: ../shared not found, skipping the contract check");
        return;
    }
    let Some(py) = python(&repo) else {
        println!("check-contract: no python with jsonschema (set CHECK_CONTRACT_PYTHON), skipping");
        return;
    };
    for (spec, file) in [("cloud", &cloud_file), ("es", &es_file)] {
        let out = std::process::Command::new(&py)
            .arg(&tool)
            .args(["--spec", spec, "-q", "--requests"])
            .arg(file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "check-contract --spec {spec} found problems:\n{stdout}"
        );
        assert!(stdout.contains(" 0 problems"), "{stdout}");
    }
}
