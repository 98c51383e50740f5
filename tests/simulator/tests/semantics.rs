//! Connection semantics (both models, every negative case), faults, concurrency and the
//! control API.

mod common;
use common::T;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn connected(t: &T, local: &str, alias: &str) -> (bool, String) {
    // The simulator's explanation is in the state dump; `_resolve/cluster` (8.13+) carries
    // Elasticsearch's own text (tests/simulator/tests/causes.rs checks those).
    let info = t.remote_info(local, alias).await;
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    let c = st["deployments"][t.id(local)]["connections"][alias].clone();
    assert_eq!(info["connected"], c["connected"]);
    let r = t
        .es(local, "GET", &format!("/_resolve/cluster/{alias}:*"), None)
        .await;
    if r.status != 400 {
        let res = r.body[alias].clone();
        assert_eq!(info["connected"], res["connected"], "{info} vs {res}");
        if info["connected"] == json!(false) {
            assert_eq!(
                res.get("error"),
                c.get("resolve_error").filter(|e| !e.is_null())
            );
        }
    }
    (
        c["connected"].as_bool().unwrap(),
        c["reason"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn api_key_model() {
    let t = T::extended(0).await;
    let key = t.ccs_key("remote", "for-local").await;
    let enc = key["encoded"].as_str().unwrap();
    // No credentials on 9443.
    assert_eq!(
        t.proxy_alias("local", "r", "remote", 9443).await.status,
        200
    );
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c);
    assert!(
        why.contains("no credentials are configured for [r]"),
        "{why}"
    );
    assert!(
        t.remote_info("local", "r")
            .await
            .get("cluster_credentials")
            .is_none()
    );
    // Store the key (8.14+ reloads at once): connected, credentials shown.
    assert_eq!(t.store_key("local", "r", enc).await.status, 200);
    let (c, why) = connected(&t, "local", "r").await;
    assert!(c, "{why}");
    let info = t.remote_info("local", "r").await;
    assert_eq!(info["cluster_credentials"], "::es_redacted::");
    assert_eq!(info["num_proxy_sockets_connected"], 18);
    assert_eq!(info["mode"], "proxy");
    let res = t.resolve("local", "r").await;
    assert_eq!(res["version"]["number"], "9.1.0");
    // Wrong port for the model: credentials but port 9400.
    t.proxy_alias("local", "r", "remote", 9400).await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c);
    assert!(why.contains("use port 9443"), "{why}");
    // A port the proxy does not serve.
    t.proxy_alias("local", "r", "remote", 9300).await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c && why.contains("port 9300 is not served"), "{why}");
    t.proxy_alias("local", "r", "remote", 9443).await;
    assert!(connected(&t, "local", "r").await.0);
    // Key invalidated.
    t.es(
        "remote",
        "DELETE",
        "/_security/api_key",
        Some(json!({"ids": [key["id"]]})),
    )
    .await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c && why.contains("has been invalidated"), "{why}");
    // Key expired.
    let k2 = t.ccs_key("remote", "k2").await;
    t.store_key("local", "r", k2["encoded"].as_str().unwrap())
        .await;
    assert!(connected(&t, "local", "r").await.0);
    let id2 = k2["id"].as_str().unwrap();
    t.ctl(
        "POST",
        &format!("/_sim/deployments/remote/api_keys/{id2}/expire"),
        None,
    )
    .await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c && why.contains("has expired"), "{why}");
    // A key from another cluster.
    let other = t.ccs_key("local-b", "wrong-cluster").await;
    t.store_key("local", "r", other["encoded"].as_str().unwrap())
        .await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(
        !c && why.contains("does not exist on this cluster"),
        "{why}"
    );
    // Removing the keystore entry disconnects.
    let k3 = t.ccs_key("remote", "k3").await;
    t.store_key("local", "r", k3["encoded"].as_str().unwrap())
        .await;
    assert!(connected(&t, "local", "r").await.0);
    let (id, d) = t.dep("local");
    t.cloud(
        "PATCH",
        &format!("/deployments/{id}/elasticsearch/{}/keystore", d.ref_id),
        "local",
        Some(json!({"secrets": {"cluster.remote.r.credentials": null}})),
    )
    .await;
    assert!(!connected(&t, "local", "r").await.0);
    // Missing server_name and unknown host.
    t.es(
        "local",
        "PUT",
        "/_cluster/settings",
        Some(json!({"persistent": {"cluster.remote.r.server_name": null}})),
    )
    .await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c && why.contains("server_name is not set"), "{why}");
    t.es("local", "PUT", "/_cluster/settings", Some(json!({"persistent": {"cluster.remote.x.mode": "proxy", "cluster.remote.x.proxy_address": "nowhere.example.com:9443", "cluster.remote.x.server_name": "nowhere.example.com"}}))).await;
    let (c, why) = connected(&t, "local", "x").await;
    assert!(
        !c && why.contains("unknown host [nowhere.example.com]"),
        "{why}"
    );
}

#[tokio::test]
async fn api_key_model_before_8_14_needs_restart() {
    // Plans stay pending for a minute: the test completes the restart plan itself, so the
    // "not yet loaded" check cannot race the plan on a loaded machine.
    let t = T::extended(60_000).await;
    let key = t.ccs_key("old-remote", "for-old").await;
    t.proxy_alias("old-local", "r", "old-remote", 9443).await;
    t.store_key("old-local", "r", key["encoded"].as_str().unwrap())
        .await;
    // Stored but not loaded: not connected, the reason says to restart.
    let (c, why) = connected(&t, "old-local", "r").await;
    assert!(!c);
    assert!(why.contains("restart the Elasticsearch resource"), "{why}");
    assert!(
        t.remote_info("old-local", "r")
            .await
            .get("cluster_credentials")
            .is_none()
    );
    let (id, d) = t.dep("old-local");
    let r = t
        .cloud(
            "POST",
            &format!("/deployments/{id}/elasticsearch/{}/_restart", d.ref_id),
            "old-local",
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    // The restart is a plan: loaded when it completes.
    assert!(!connected(&t, "old-local", "r").await.0);
    t.ctl("POST", "/_sim/deployments/old-local/complete_plan", None)
        .await;
    let (c, why) = connected(&t, "old-local", "r").await;
    assert!(c, "{why}");
    // A keystore change after the restart is again not picked up until the next restart.
    let k2 = t.ccs_key("old-remote", "k2").await;
    t.es(
        "old-remote",
        "DELETE",
        "/_security/api_key",
        Some(json!({"ids": [key["id"]]})),
    )
    .await;
    t.store_key("old-local", "r", k2["encoded"].as_str().unwrap())
        .await;
    let (c, why) = connected(&t, "old-local", "r").await;
    assert!(
        !c && why.contains("has been invalidated"),
        "old key still loaded: {why}"
    );
    t.es("old-local", "POST", "/_nodes/reload_secure_settings", None)
        .await;
    assert!(
        connected(&t, "old-local", "r").await.0,
        "reload_secure_settings loads it"
    );
    // Cross-version: a 9.1 cluster cannot talk to 8.12.
    t.proxy_alias("old-local", "new", "remote", 9443).await;
    let (c, why) = connected(&t, "old-local", "new").await;
    assert!(!c && why.contains("not wire-compatible"), "{why}");
    t.ctl("POST", "/_sim/config", Some(json!({"wire_compat": false})))
        .await;
    let (_, why) = connected(&t, "old-local", "new").await;
    assert!(!why.contains("wire-compatible"), "{why}");
}

#[tokio::test]
async fn certificate_model() {
    let t = T::extended(0).await;
    // Same organization: trusted both ways by default.
    t.proxy_alias("local", "b", "local-b", 9400).await;
    let (c, why) = connected(&t, "local", "b").await;
    assert!(c, "{why}");
    assert!(
        t.remote_info("local", "b")
            .await
            .get("cluster_credentials")
            .is_none()
    );
    // Other organization: nobody trusts anybody yet.
    t.proxy_alias("local", "r", "remote", 9400).await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(
        !c && why.contains("this deployment does not trust remote cluster [remote]"),
        "{why}"
    );
    // One-sided: local trusts the remote organization, the remote does not trust back.
    let org1 = t.dep("local").1.organization_id;
    let org2 = t.dep("remote").1.organization_id;
    let (mut trust, _) = t.trust("local").await;
    trust["accounts"].as_array_mut().unwrap().push(json!({"account_id": org2, "trust_all": false, "trust_allowlist": ["0000000000000000000000000000000f"]}));
    assert_eq!(t.put_trust("local", trust.clone()).await.status, 200);
    // Allowlist without the peer's cluster id.
    let (c, why) = connected(&t, "local", "r").await;
    assert!(
        !c && why.contains("this deployment does not trust"),
        "{why}"
    );
    trust["accounts"][1]["trust_allowlist"] = json!([t.dep("remote").1.cluster_id]);
    t.put_trust("local", trust.clone()).await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(
        !c && why.contains("does not trust this deployment"),
        "{why}"
    );
    // The remote trusts back: connected.
    let (mut rtrust, _) = t.trust("remote").await;
    rtrust["accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({"account_id": org1, "trust_all": true}));
    t.put_trust("remote", rtrust).await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(c, "{why}");
    // Wrong port for the model: no credentials, port 9443.
    t.proxy_alias("local", "r", "remote", 9443).await;
    let (c, why) = connected(&t, "local", "r").await;
    assert!(!c && why.contains("no credentials are configured"), "{why}");
    t.proxy_alias("local", "r", "remote", 9400).await;
    // Replacing local's trust without the remote's organization disconnects.
    t.put_trust(
        "local",
        json!({"accounts": [{"account_id": org1, "trust_all": true}]}),
    )
    .await;
    assert!(!connected(&t, "local", "r").await.0);
    // Direct trust by scope works as well.
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    t.put_trust("local", json!({"accounts": [{"account_id": org1, "trust_all": true}], "direct": [{"name": "org2", "type": "ESS", "scope_id": org2, "trust_all": true, "certificates": [{"pem": pem}]}]})).await;
    assert!(connected(&t, "local", "r").await.0);
    // A pending plan does not apply trust until it completes.
    t.ctl("POST", "/_sim/config", Some(json!({"plan_ms": 60000})))
        .await;
    t.put_trust(
        "local",
        json!({"accounts": [{"account_id": org1, "trust_all": true}]}),
    )
    .await;
    assert!(
        connected(&t, "local", "r").await.0,
        "old trust still applied while pending"
    );
    t.ctl("POST", "/_sim/deployments/local/complete_plan", None)
        .await;
    assert!(!connected(&t, "local", "r").await.0);
    // Wire compatibility: 9.1 cannot reach 7.5.
    t.proxy_alias("local", "leg", "legacy", 9400).await;
    let (c, why) = connected(&t, "local", "leg").await;
    assert!(!c && why.contains("not wire-compatible"), "{why}");
}

#[tokio::test]
async fn legacy_sniff_through_proxy() {
    let t = T::extended(0).await;
    let ep = t.dep("legacy-b").1.endpoint;
    let r = t.es("legacy", "PUT", "/_cluster/settings", Some(json!({"persistent": {"cluster": {"remote": {"lb": {"seeds": [format!("{ep}:1")], "proxy": format!("{ep}:9400"), "skip_unavailable": true}}}}}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let info = t.remote_info("legacy", "lb").await;
    assert_eq!(info["mode"], "sniff");
    assert_eq!(info["connected"], true, "{info}");
    assert_eq!(info["seeds"], json!([format!("{ep}:1")]));
    // Certificate rules apply: once legacy-b stops trusting its own organization, not connected.
    t.put_trust("legacy-b", json!({"accounts": []})).await;
    assert_eq!(t.remote_info("legacy", "lb").await["connected"], false);
    // Sniff without proxy cannot reach a Cloud deployment.
    t.es(
        "legacy",
        "PUT",
        "/_cluster/settings",
        Some(json!({"persistent": {"cluster.remote.lb.proxy": null}})),
    )
    .await;
    let info = t.remote_info("legacy", "lb").await;
    assert_eq!(info["connected"], false);
    // 7.5 has no _resolve/cluster (8.13+); the reason is in the state dump instead.
    let r = t.es("legacy", "GET", "/_resolve/cluster/lb:*", None).await;
    assert_eq!(r.status, 400);
    let st = t.ctl("GET", "/_sim/state", None).await;
    let why = st.body["deployments"][t.id("legacy")]["connections"]["lb"]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        why.contains("sniff mode dials the seed nodes directly"),
        "{why}"
    );
}

#[tokio::test]
async fn resolve_cluster_shapes() {
    let t = T::extended(0).await;
    t.proxy_alias("local", "b", "local-b", 9400).await;
    let r = t
        .es("local", "GET", "/_resolve/cluster/b:logs,b:*,idx", None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["b"]["connected"], true);
    assert_eq!(r.body["(local)"]["connected"], true);
    assert!(
        r.body["(local)"]["error"]
            .as_str()
            .unwrap()
            .contains("no such index [idx]")
    );
    let r = t.es("local", "GET", "/_resolve/cluster/nope:*", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error"]["type"], "no_such_remote_cluster_exception");
    let r = t.es("local", "GET", "/_resolve/cluster", None).await;
    assert_eq!(r.body["b"]["connected"], true);
    let r = t.es("old-local", "GET", "/_resolve/cluster", None).await;
    assert_eq!(r.status, 400, "no name only from 8.18");
}

#[tokio::test]
async fn faults_then_normal_service() {
    let t = T::new().await;
    let id = t.id("local");
    // 429 with Retry-After, twice, on the Cloud deployment GET.
    let r = t.ctl("POST", "/_sim/faults", Some(json!({"method": "GET", "path": "^/api/v1/deployments/", "status": 429, "retry_after": 3, "count": 2}))).await;
    assert_eq!(r.status, 200);
    for _ in 0..2 {
        let r = t
            .cloud("GET", &format!("/deployments/{id}"), "local", None)
            .await;
        assert_eq!(r.status, 429);
        assert_eq!(r.headers["retry-after"], "3");
        assert!(r.body["errors"][0]["code"].is_string());
    }
    assert_eq!(
        t.cloud("GET", &format!("/deployments/{id}"), "local", None)
            .await
            .status,
        200
    );
    // 503 on one deployment's Elasticsearch.
    t.ctl(
        "POST",
        "/_sim/faults",
        Some(json!({"target": "local", "path": "^/_remote/info$", "status": 503, "count": 1})),
    )
    .await;
    assert_eq!(
        t.es("remote", "GET", "/_remote/info", None).await.status,
        200,
        "other deployment unaffected"
    );
    let r = t.es("local", "GET", "/_remote/info", None).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.body["status"], 503);
    assert_eq!(
        t.es("local", "GET", "/_remote/info", None).await.status,
        200
    );
    // A delay.
    t.ctl(
        "POST",
        "/_sim/faults",
        Some(json!({"target": "es", "delay_ms": 300, "count": 1})),
    )
    .await;
    let start = Instant::now();
    assert_eq!(t.es("local", "GET", "/", None).await.status, 200);
    assert!(start.elapsed() >= Duration::from_millis(300));
    let start = Instant::now();
    t.es("local", "GET", "/", None).await;
    assert!(start.elapsed() < Duration::from_millis(300));
    // A dropped connection.
    t.ctl(
        "POST",
        "/_sim/faults",
        Some(json!({"target": "cloud", "reset": true, "count": 1})),
    )
    .await;
    let url = format!("{}/api/v1/account", t.sim.ready.cloud_url);
    let err = t
        .http
        .get(&url)
        .header("authorization", format!("ApiKey {}", t.key_for("local")))
        .send()
        .await;
    assert!(err.is_err(), "connection must be dropped");
    assert_eq!(t.cloud("GET", "/account", "local", None).await.status, 200);
    // Faults are listed and can be cleared.
    t.ctl(
        "POST",
        "/_sim/faults",
        Some(json!([{"status": 500, "count": 5}])),
    )
    .await;
    assert_eq!(
        t.ctl("GET", "/_sim/faults", None).await.body["faults"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    t.ctl("DELETE", "/_sim/faults", None).await;
    assert_eq!(t.cloud("GET", "/account", "local", None).await.status, 200);
    assert_eq!(
        t.ctl("POST", "/_sim/faults", Some(json!({"count": 1})))
            .await
            .status,
        400
    );
    // The log records the faulted requests.
    let log = t.ctl("GET", "/_sim/requests?target=cloud", None).await.body;
    let statuses: Vec<Value> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].clone())
        .collect();
    assert_eq!(&statuses[..3], &[json!(429), json!(429), json!(200)]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["status"].is_null() && e["fault"].is_u64())
    );
}

#[tokio::test]
async fn fifty_concurrent_versioned_puts() {
    let t = std::sync::Arc::new(T::new().await);
    let id = t.id("local");
    let (_, version) = t.trust("local").await;
    let base = t.update_body("local", None).await;
    // Round 1: all 50 with the same version: exactly one wins.
    let mut handles = Vec::new();
    for i in 0..50 {
        let t = t.clone();
        let mut body = base.clone();
        let path = format!("/deployments/{id}?version={version}");
        handles.push(tokio::spawn(async move {
            body["resources"]["elasticsearch"][0]["settings"]["trust"] =
                json!({"accounts": [{"account_id": format!("{:010}", i), "trust_all": true}]});
            t.cloud("PUT", &path, "local", Some(body)).await.status
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 49);
    // Round 2: 50 read-modify-write loops adding one entry each; none may be lost.
    let mut handles = Vec::new();
    for i in 0..50 {
        let t = t.clone();
        let id = id.clone();
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0;
            loop {
                let (mut trust, v) = t.trust("local").await;
                trust["accounts"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"account_id": format!("9{:09}", i), "trust_all": true}));
                let body = t.update_body("local", Some(trust)).await;
                let r = t
                    .cloud(
                        "PUT",
                        &format!("/deployments/{id}?version={v}"),
                        "local",
                        Some(body),
                    )
                    .await;
                match r.status {
                    200 => return conflicts,
                    409 => conflicts += 1,
                    s => panic!("unexpected {s}"),
                }
            }
        }));
    }
    let mut total_conflicts = 0;
    for h in handles {
        total_conflicts += h.await.unwrap();
    }
    let (trust, v) = t.trust("local").await;
    let ids: Vec<&str> = trust["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    for i in 0..50 {
        assert!(
            ids.contains(&format!("9{:09}", i).as_str()),
            "entry {i} lost"
        );
    }
    assert_eq!(ids.len(), 51);
    // Versions: 1 initial, 1 winner of round 1, 50 round-2 writes.
    assert_eq!(v, "52");
    assert!(total_conflicts > 0, "the loops really raced");
}

#[tokio::test]
async fn control_api_log_state_and_masking() {
    let t = T::new().await;
    let key = t.ccs_key("remote", "masked").await;
    let secret = key["api_key"].as_str().unwrap().to_string();
    let enc = key["encoded"].as_str().unwrap().to_string();
    t.store_key("local", "r", &enc).await;
    t.es(
        "local",
        "POST",
        "/_nodes/reload_secure_settings",
        Some(json!({"secure_settings_password": "pw-secret"})),
    )
    .await;
    let all = t.ctl("GET", "/_sim/requests", None).await.body;
    let text = all.to_string();
    let secrets = [
        secret.clone(),
        enc.clone(),
        "pw-secret".to_string(),
        t.key_for("local"),
        t.dep("local").1.password,
    ];
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "secret leaked into the log");
    }
    let create = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "/_security/cross_cluster/api_key")
        .unwrap();
    assert_eq!(create["target"], json!(t.id("remote")));
    assert_eq!(create["response"]["api_key"], "::sim-masked::");
    assert_eq!(create["response"]["encoded"], "::sim-masked::");
    assert_eq!(create["status"], 200);
    let patch = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["method"] == "PATCH")
        .unwrap();
    assert_eq!(patch["target"], "cloud");
    assert!(
        patch["path"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/deployments/")
    );
    assert_eq!(
        patch["body"]["secrets"]["cluster.remote.r.credentials"]["value"],
        "::sim-masked::"
    );
    assert!(patch["query"].is_object());
    // Filters and jsonl.
    let cloud = t.ctl("GET", "/_sim/requests?target=cloud", None).await.body;
    assert!(
        cloud
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["target"] == "cloud")
    );
    let es = t.ctl("GET", "/_sim/requests?target=es", None).await.body;
    assert_eq!(
        es.as_array().unwrap().len() + cloud.as_array().unwrap().len(),
        all.as_array().unwrap().len()
    );
    let by_name = t
        .ctl("GET", "/_sim/requests?target=remote", None)
        .await
        .body;
    assert_eq!(by_name.as_array().unwrap().len(), 1);
    let r = t
        .http
        .get(format!(
            "{}/_sim/requests?format=jsonl",
            t.sim.ready.cloud_url
        ))
        .send()
        .await
        .unwrap();
    let lines = r.text().await.unwrap();
    assert_eq!(lines.lines().count(), all.as_array().unwrap().len());
    for l in lines.lines() {
        let _: Value = serde_json::from_str(l).unwrap();
    }
    // Control requests are not logged; DELETE clears.
    assert_eq!(t.ctl("DELETE", "/_sim/requests", None).await.status, 200);
    assert_eq!(t.ctl("GET", "/_sim/requests", None).await.body, json!([]));
    // State dump: keystore key names, API keys without secrets.
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    let local = &st["deployments"][t.id("local")];
    assert_eq!(
        local["keystore_keys"],
        json!(["cluster.remote.r.credentials"])
    );
    assert_eq!(
        st["deployments"][t.id("remote")]["api_keys"][0]["name"],
        "masked"
    );
    assert!(!st.to_string().contains(&secret));
    // Config.
    let r = t
        .ctl(
            "POST",
            "/_sim/config",
            Some(json!({"plan_ms": 5, "latency_ms": 1})),
        )
        .await;
    assert_eq!(r.body["plan_ms"], 5);
    assert_eq!(r.body["latency_ms"], 1);
    // Out-of-band deletion: 404 on the Cloud API, "Unknown resource" on its Elasticsearch.
    let id = t.id("local");
    assert_eq!(
        t.ctl("POST", &format!("/_sim/deployments/{id}/delete"), None)
            .await
            .status,
        200
    );
    let r = t
        .cloud("GET", &format!("/deployments/{id}"), "local", None)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(t.es("local", "GET", "/", None).await.status, 404);
    assert_eq!(
        t.ctl("GET", "/_sim/ready", None).await.body["cloud_url"],
        json!(t.sim.ready.cloud_url)
    );
}

/// A raw Elasticsearch request on `name` as `elastic` that may fail on the wire: the status, or
/// `Err` with the stage that failed (`send` or `body`).
async fn raw_es(
    t: &T,
    name: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<u16, &'static str> {
    let d = t.dep(name).1;
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut rb = t.http.request(m, format!("{}{}", d.es_url, path)).header(
        "authorization",
        format!("Basic {}", common::b64(&format!("elastic:{}", d.password))),
    );
    if let Some(b) = body {
        rb = rb
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let r = rb.send().await.map_err(|_| "send")?;
    let status = r.status().as_u16();
    r.bytes().await.map_err(|_| "body")?;
    Ok(status)
}

/// `reset` + `after` makes the change and loses the answer; `truncate` sends half the body and
/// drops the connection; both are logged with their kind.
#[tokio::test]
async fn faults_after_the_change() {
    let t = T::new().await;
    let create = json!({"name": "after-drop", "access": {"search": [{"names": ["logs-*"]}]}});
    t.ctl(
        "POST",
        "/_sim/faults",
        Some(json!({"target": "local", "method": "POST", "path": "^/_security/cross_cluster/api_key$", "reset": true, "after": true})),
    )
    .await;
    let r = raw_es(
        &t,
        "local",
        "POST",
        "/_security/cross_cluster/api_key",
        Some(create.clone()),
    )
    .await;
    assert_eq!(r, Err("send"), "the answer must be lost");
    let keys = t
        .es("local", "GET", "/_security/api_key?name=after-drop", None)
        .await;
    assert_eq!(keys.status, 200);
    assert_eq!(
        keys.body["api_keys"].as_array().unwrap().len(),
        1,
        "the key was created: {}",
        keys.body
    );
    t.ctl(
        "POST",
        "/_sim/faults",
        Some(json!({"target": "local", "method": "POST", "path": "^/_security/cross_cluster/api_key$", "truncate": true})),
    )
    .await;
    let r = raw_es(
        &t,
        "local",
        "POST",
        "/_security/cross_cluster/api_key",
        Some(json!({"name": "truncated", "access": {"search": [{"names": ["logs-*"]}]}})),
    )
    .await;
    assert_eq!(r, Err("body"), "status and headers arrive, the body is cut");
    let keys = t
        .es("local", "GET", "/_security/api_key?name=truncated", None)
        .await;
    assert_eq!(keys.body["api_keys"].as_array().unwrap().len(), 1);
    let log = t.ctl("GET", "/_sim/requests?target=local", None).await.body;
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["fault_kind"].as_str())
        .collect();
    assert_eq!(kinds, ["drop_after", "truncate"]);
    // Bad combinations are refused.
    for bad in [
        json!({"after": true, "status": 503}),
        json!({"truncate": true, "reset": true}),
    ] {
        assert_eq!(t.ctl("POST", "/_sim/faults", Some(bad)).await.status, 400);
    }
}

/// The random mode faults about `rate` of the matching requests, the same ones for the same
/// seed, never the control API; its counters add up.
#[tokio::test]
async fn random_faults_follow_the_seed() {
    let t = T::new().await;
    async fn run(t: &T, seed: u64) -> (Vec<u16>, Value) {
        t.ctl("DELETE", "/_sim/faults", None).await;
        let r = t
            .ctl(
                "POST",
                "/_sim/faults",
                Some(json!({"rate": 0.3, "seed": seed, "kinds": ["429", "503"], "retry_after": 1, "target": "local"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let mut statuses = Vec::new();
        for i in 0..60 {
            // Half the requests on a path seen once, half on one path seen 30 times.
            let path = if i % 2 == 0 {
                format!("/_security/role/r{i}")
            } else {
                "/".to_string()
            };
            let r = t.es("local", "GET", &path, None).await;
            if r.status == 429 {
                assert_eq!(r.headers["retry-after"], "1");
            }
            statuses.push(r.status);
            // Never faulted: the control API, other deployments.
            assert_eq!(t.ctl("GET", "/_sim/ready", None).await.status, 200);
            assert_eq!(t.es("remote", "GET", "/", None).await.status, 200);
        }
        let info = t.ctl("GET", "/_sim/faults", None).await.body["random"].clone();
        (statuses, info)
    }
    let (a, info) = run(&t, 7).await;
    let (b, _) = run(&t, 7).await;
    let (c, _) = run(&t, 8).await;
    assert_eq!(a, b, "same seed, same faults");
    assert_ne!(a, c, "another seed, other faults");
    let faulted = a.iter().filter(|s| **s == 429 || **s == 503).count() as u64;
    assert!(
        (8..=30).contains(&faulted),
        "{faulted} of 60 faulted at rate 0.3"
    );
    assert_eq!(info["matched"], 60);
    let injected: u64 = info["injected"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(injected, faulted, "{info}");
    t.ctl("DELETE", "/_sim/faults", None).await;
    assert!(t.ctl("GET", "/_sim/faults", None).await.body["random"].is_null());
    for bad in [
        json!({"rate": 2}),
        json!({"rate": 0.1, "kinds": ["418"]}),
        json!({"rate": 0.1, "kinds": []}),
        json!({"rate": 0.1, "colour": 1}),
    ] {
        assert_eq!(t.ctl("POST", "/_sim/faults", Some(bad)).await.status, 400);
    }
}
