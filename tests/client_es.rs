//! The Elasticsearch client against the in-process simulator: Elastic's API-key flow end to end
//! (key on the remote, keystore on the local through the Cloud client, alias, connected),
//! key update/get/invalidate, remote-cluster settings that touch only their alias, roles with
//! remote privileges and their version gates, ApiKey-auth refusal, and the contract check.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crosscluster::client::elasticsearch::{
    CreateCrossClusterApiKey, CrossClusterAccess, Feature, RemoteClusterPrivileges,
    RemoteIndicesPrivileges, ReplicationAccess, Role, SearchAccess, UpdateCrossClusterApiKey,
    remote_settings_diff,
};
use crosscluster::client::{
    ClientError, CloudAuth, CloudClient, CloudConfig, EsAuth, EsClient, EsConfig, Secret,
};
use crosscluster_sim::{Fixture, Options, Running};
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

mod client_common;

async fn sim() -> Running {
    crosscluster_sim::start(
        Fixture::default_fixture(),
        Options {
            plan_ms: 20,
            latency_ms: 0,
        },
    )
    .await
    .unwrap()
}

fn es(sim: &Running, name: &str) -> EsClient {
    let (_, d) = sim.ready.deployment(name).unwrap();
    EsClient::new(EsConfig::new(
        vec![d.es_url.clone()],
        EsAuth::Basic {
            username: d.username.clone(),
            password: Secret::new(d.password.clone()),
        },
    ))
    .unwrap()
}

fn search_access(names: &[&str]) -> CrossClusterAccess {
    CrossClusterAccess {
        search: vec![SearchAccess {
            names: names.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn map(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[tokio::test]
async fn api_key_flow_connects_and_keys_round_trip() {
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let remote = es(&sim, "remote");
    let local = es(&sim, "local");
    let (local_id, local_d) = sim.ready.deployment("local").unwrap();
    let (_, remote_d) = sim.ready.deployment("remote").unwrap();

    assert_eq!(local.version(&cancel).await.unwrap().to_string(), "9.1.0");
    let info = remote.info(&cancel).await.unwrap();
    assert!(!info.cluster_uuid.is_empty());

    // 1. Key on the remote.
    let created = remote
        .create_cross_cluster_api_key(
            &CreateCrossClusterApiKey {
                name: "ccs-local".into(),
                access: search_access(&["logs*"]),
                metadata: Some(json!({"team": "search"})),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    let key = remote
        .get_api_key(&created.id, false, &cancel)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(key.name, "ccs-local");
    assert_eq!(key.key_type.as_deref(), Some("cross_cluster"));
    assert_eq!(
        key.access.as_ref().unwrap().search[0].names,
        vec!["logs*".to_string()]
    );
    assert_eq!(key.metadata, Some(json!({"team": "search"})));

    // 2. Into the local keystore through the Cloud API (sealed delivery path).
    let org = &sim.ready.organizations[&local_d.organization_id];
    let cloud = CloudClient::new(CloudConfig::new(
        &sim.ready.cloud_url,
        CloudAuth::ApiKey(Secret::new(org.api_key.clone())),
    ))
    .unwrap();
    cloud
        .set_keystore_secret(
            local_id,
            &local_d.ref_id,
            "cluster.remote.rem.credentials",
            created.encoded.clone(),
            &cancel,
        )
        .await
        .unwrap();

    // 3. Alias on the local, proxy mode on 9443.
    let desired: BTreeMap<String, Value> = [
        ("mode", json!("proxy")),
        (
            "proxy_address",
            json!(format!("{}:9443", remote_d.endpoint)),
        ),
        ("server_name", json!(remote_d.endpoint)),
        ("skip_unavailable", json!(true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let current = local
        .get_remote_cluster_settings("rem", &cancel)
        .await
        .unwrap();
    assert!(current.is_empty());
    let body = remote_settings_diff("rem", &current, &desired);
    local
        .put_remote_cluster("rem", &body, &cancel)
        .await
        .unwrap();
    let current = local
        .get_remote_cluster_settings("rem", &cancel)
        .await
        .unwrap();
    assert!(
        remote_settings_diff("rem", &current, &desired).is_empty(),
        "{current:?}"
    );

    // 4. Connected, with credentials.
    let deadline = Instant::now() + Duration::from_secs(5);
    let info = loop {
        let all = local.remote_info(&cancel).await.unwrap();
        let i = all.get("rem").cloned().unwrap();
        if i.connected || Instant::now() > deadline {
            break i;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(info.connected, "{info:?}");
    assert!(info.credentials_configured());
    assert_eq!(info.mode, "proxy");
    let resolved = local.resolve_cluster("rem:*", &cancel).await.unwrap();
    assert!(resolved["rem"].connected, "{resolved:?}");

    // Update access in place, then invalidate: the key reads as gone.
    let updated = remote
        .update_cross_cluster_api_key(
            &created.id,
            &UpdateCrossClusterApiKey {
                access: CrossClusterAccess {
                    replication: vec![ReplicationAccess {
                        names: vec!["archive*".into()],
                        ..Default::default()
                    }],
                    ..search_access(&["logs*", "metrics*"])
                },
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    assert!(updated);
    let key = remote
        .get_api_key(&created.id, true, &cancel)
        .await
        .unwrap()
        .unwrap();
    let access = key.access.unwrap();
    assert_eq!(
        access.search[0].names,
        vec!["logs*".to_string(), "metrics*".to_string()]
    );
    assert_eq!(access.replication[0].names, vec!["archive*".to_string()]);
    let inv = remote
        .invalidate_api_keys(std::slice::from_ref(&created.id), &cancel)
        .await
        .unwrap();
    assert_eq!(inv.invalidated_api_keys, vec![created.id.clone()]);
    let key = remote
        .get_api_key(&created.id, false, &cancel)
        .await
        .unwrap();
    assert!(key.is_none_or(|k| k.is_gone(i64::MAX)));
    assert!(
        remote
            .get_api_key("no-such-id", false, &cancel)
            .await
            .unwrap()
            .is_none()
    );
    let again = remote
        .invalidate_api_keys(&["no-such-id".to_string()], &cancel)
        .await
        .unwrap();
    assert_eq!(again.error_count, 0);
}

#[tokio::test]
async fn remote_settings_only_touch_their_alias_and_mode_switch() {
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let local = es(&sim, "local");
    local
        .put_remote_cluster(
            "a",
            &map(json!({"mode": "proxy", "proxy_address": "h1:9400", "server_name": "h1"})),
            &cancel,
        )
        .await
        .unwrap();
    local
        .put_remote_cluster(
            "ab",
            &map(json!({"mode": "proxy", "proxy_address": "h2:9400"})),
            &cancel,
        )
        .await
        .unwrap();
    // Switch a to sniff: the diff nulls the proxy keys in the same request.
    let cur = local
        .get_remote_cluster_settings("a", &cancel)
        .await
        .unwrap();
    let want: BTreeMap<String, Value> = [("mode", json!("sniff")), ("seeds", json!(["h1:9300"]))]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    local
        .put_remote_cluster("a", &remote_settings_diff("a", &cur, &want), &cancel)
        .await
        .unwrap();
    let cur = local
        .get_remote_cluster_settings("a", &cancel)
        .await
        .unwrap();
    assert_eq!(cur.get("mode"), Some(&json!("sniff")));
    assert!(!cur.contains_key("proxy_address"));
    // A mode mismatch is an ES error with type and reason.
    let e = local
        .put_remote_cluster("a", &map(json!({"proxy_address": "h1:9400"})), &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.es_type(), Some("illegal_argument_exception"), "{e}");
    assert!(
        e.to_string().contains("cannot be used with the configured"),
        "{e}"
    );

    assert!(local.remove_remote_cluster("a", &cancel).await.unwrap());
    assert!(!local.remove_remote_cluster("a", &cancel).await.unwrap());
    assert!(
        local
            .get_remote_cluster_settings("a", &cancel)
            .await
            .unwrap()
            .is_empty()
    );
    let ab = local
        .get_remote_cluster_settings("ab", &cancel)
        .await
        .unwrap();
    assert_eq!(
        ab.get("proxy_address"),
        Some(&json!("h2:9400")),
        "other alias untouched"
    );
    let all = local.get_cluster_settings(false, &cancel).await.unwrap();
    assert!(
        all.persistent
            .keys()
            .all(|k| !k.starts_with("cluster.remote.a."))
    );
}

#[tokio::test]
async fn roles_and_version_gates() {
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let local = es(&sim, "local");
    let old = es(&sim, "old-local");
    let legacy = es(&sim, "legacy");
    let role = Role {
        cluster: vec!["monitor".into()],
        remote_indices: vec![RemoteIndicesPrivileges {
            clusters: vec!["rem".into()],
            names: vec!["logs*".into()],
            privileges: vec!["read".into(), "read_cross_cluster".into()],
            ..Default::default()
        }],
        remote_cluster: vec![RemoteClusterPrivileges {
            clusters: vec!["rem".into()],
            privileges: vec!["monitor_enrich".into()],
            ..Default::default()
        }],
        description: Some("reads remote logs".into()),
        ..Default::default()
    };
    assert!(
        local
            .put_role("remote-reader", &role, &cancel)
            .await
            .unwrap()
    );
    assert!(
        !local
            .put_role("remote-reader", &role, &cancel)
            .await
            .unwrap(),
        "update: created=false"
    );
    let back = local
        .get_role("remote-reader", &cancel)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.remote_indices[0].names, role.remote_indices[0].names);
    assert_eq!(
        back.remote_indices[0].clusters,
        role.remote_indices[0].clusters
    );
    assert_eq!(
        back.remote_cluster[0].privileges,
        role.remote_cluster[0].privileges
    );
    assert_eq!(back.description, role.description);
    assert!(local.delete_role("remote-reader", &cancel).await.unwrap());
    assert!(!local.delete_role("remote-reader", &cancel).await.unwrap());
    assert!(
        local
            .get_role("remote-reader", &cancel)
            .await
            .unwrap()
            .is_none()
    );

    let e = old.put_role("r", &role, &cancel).await.unwrap_err();
    assert!(matches!(e, ClientError::VersionGate { .. }));
    assert!(
        e.to_string().contains("8.14.0") && e.to_string().contains("8.12.2"),
        "{e}"
    );
    assert!(
        old.require(Feature::CrossClusterApiKeys, &cancel)
            .await
            .is_ok()
    );
    assert!(
        old.require(Feature::KeystoreAutoReload, &cancel)
            .await
            .is_err()
    );
    let e = legacy
        .require(Feature::ProxyMode, &cancel)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("7.7.0"), "{e}");
    let e = legacy
        .create_cross_cluster_api_key(
            &CreateCrossClusterApiKey {
                name: "x".into(),
                access: search_access(&["*"]),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::VersionGate { .. }), "{e}");
    // 7.5 has no `mode` setting: gated before sending. The legacy sniff-through-proxy setup works.
    let e = legacy
        .put_remote_cluster(
            "old",
            &map(json!({"mode": "sniff", "seeds": ["x.found.io:1"]})),
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::VersionGate { .. }), "{e}");
    legacy
        .put_remote_cluster(
            "old",
            &map(json!({"seeds": ["x.found.io:1"], "proxy": "x.found.io:9400"})),
            &cancel,
        )
        .await
        .unwrap();
    let s = legacy
        .get_remote_cluster_settings("old", &cancel)
        .await
        .unwrap();
    assert_eq!(s.get("proxy"), Some(&json!("x.found.io:9400")));
    let r = old.reload_secure_settings(None, &cancel).await.unwrap();
    assert!(r.total >= 1 && r.failed == 0, "{r:?}");
}

#[tokio::test]
async fn api_key_authentication_cannot_create_cross_cluster_keys() {
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let (_, d) = sim.ready.deployment("remote").unwrap();
    // A REST API key made with basic auth (not something the client offers).
    let http = reqwest::Client::new();
    let v: Value = http
        .post(format!("{}/_security/api_key", d.es_url))
        .basic_auth(&d.username, Some(&d.password))
        .json(&json!({"name": "rest"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let encoded = v["encoded"].as_str().unwrap().to_string();
    let with_key = EsClient::new(EsConfig::new(
        vec![d.es_url.clone()],
        EsAuth::ApiKey(Secret::new(encoded.clone())),
    ))
    .unwrap();
    let e = with_key
        .create_cross_cluster_api_key(
            &CreateCrossClusterApiKey {
                name: "x".into(),
                access: search_access(&["*"]),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(
        e.es_reason().unwrap().contains("An API key cannot be used"),
        "{e}"
    );
    assert!(!e.to_string().contains(&encoded));
    // Wrong password: 401 security_exception, without the password in the message.
    let bad = EsClient::new(EsConfig::new(
        vec![d.es_url.clone()],
        EsAuth::Basic {
            username: "elastic".into(),
            password: Secret::new("WRONG_PASSWORD_9"),
        },
    ))
    .unwrap();
    let e = bad.remote_info(&cancel).await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.es_type(), Some("security_exception"));
    assert!(!e.to_string().contains("WRONG_PASSWORD_9"));
}

/// Every Elasticsearch request of a representative session passes `check-contract --spec es`.
#[tokio::test]
async fn es_requests_pass_the_contract() {
    let Some(tool) = client_common::contract_tool() else {
        return;
    };
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let remote = es(&sim, "remote");
    let local = es(&sim, "local");
    remote.info(&cancel).await.unwrap();
    let k = remote
        .create_cross_cluster_api_key(
            &CreateCrossClusterApiKey {
                name: "k".into(),
                access: search_access(&["logs*"]),
                expiration: Some("30d".into()),
                metadata: Some(json!({"a": "b"})),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    remote
        .update_cross_cluster_api_key(
            &k.id,
            &UpdateCrossClusterApiKey {
                access: search_access(&["logs*"]),
                metadata: Some(json!({"a": "c"})),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    remote.get_api_key(&k.id, true, &cancel).await.unwrap();
    remote
        .invalidate_api_keys(std::slice::from_ref(&k.id), &cancel)
        .await
        .unwrap();
    local
        .put_remote_cluster("r", &map(json!({"mode": "proxy", "proxy_address": "h:9443", "server_name": "h", "proxy_socket_connections": 18})), &cancel)
        .await
        .unwrap();
    local.remove_remote_cluster("r", &cancel).await.unwrap();
    local.remote_info(&cancel).await.unwrap();
    local.resolve_cluster("r*:*", &cancel).await.ok();
    local.reload_secure_settings(None, &cancel).await.unwrap();
    let role = Role {
        cluster: vec!["monitor".into()],
        remote_indices: vec![RemoteIndicesPrivileges {
            clusters: vec!["r".into()],
            names: vec!["x".into()],
            privileges: vec!["read".into()],
            query: Some(json!({"match_all": {}})),
            ..Default::default()
        }],
        ..Default::default()
    };
    local.put_role("rr", &role, &cancel).await.unwrap();
    local.get_role("rr", &cancel).await.unwrap();
    local.delete_role("rr", &cancel).await.unwrap();
    client_common::assert_contract(&tool, &sim.ready.cloud_url, "es").await;
}

/// A client with fast retries (10 ms backoff).
fn es_fast(sim: &Running, name: &str, max_retries: u32) -> EsClient {
    let (_, d) = sim.ready.deployment(name).unwrap();
    let mut cfg = EsConfig::new(
        vec![d.es_url.clone()],
        EsAuth::Basic {
            username: d.username.clone(),
            password: Secret::new(d.password.clone()),
        },
    );
    cfg.http.retry = crosscluster::client::RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    };
    EsClient::new(cfg).unwrap()
}

async fn fault(sim: &Running, rule: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_sim/faults", sim.ready.cloud_url))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

/// The active keys named `name` on `es`, by id.
async fn active_named(es: &EsClient, name: &str) -> Vec<String> {
    let cancel = CancellationToken::new();
    es.find_keys_by_name(name, &cancel)
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.name == name)
        .map(|k| k.id)
        .collect()
}

/// Exactly-once create: whatever answer of the create is lost (dropped after the key was made,
/// truncated, a 503 before it, a 500), exactly one key of the request is live afterwards, and
/// it is the one returned; keys of lost answers are invalidated again.
#[tokio::test]
async fn create_once_leaves_exactly_one_key() {
    use crosscluster::client::elasticsearch::RequestMarker;
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let remote = es_fast(&sim, "remote", 4);
    let post = "^/_security/cross_cluster/api_key$";
    let cases = [
        // (name, faults on the create, attempts, invalidated)
        (
            "drop-after",
            json!([{"path": post, "reset": true, "after": true}]),
            2,
            1,
        ),
        ("truncated", json!([{"path": post, "truncate": true}]), 2, 1),
        ("drop-before", json!([{"path": post, "reset": true}]), 2, 0),
        (
            "busy",
            json!([{"path": post, "status": 503, "count": 2}]),
            3,
            0,
        ),
        (
            "mixed",
            json!([{"path": post, "reset": true, "after": true}, {"path": post, "status": 502}, {"path": post, "truncate": true}]),
            4,
            2,
        ),
    ];
    for (name, rules, attempts, invalidated) in cases {
        fault(&sim, json!({"rules": rules})).await;
        let marker = RequestMarker::fresh("crosscluster_request_marker");
        let body = CreateCrossClusterApiKey {
            name: name.into(),
            access: search_access(&["logs*"]),
            metadata: Some(json!({"team": "a"})),
            ..Default::default()
        };
        let once = remote
            .create_cross_cluster_api_key_once(&body, &marker, &cancel)
            .await
            .unwrap_or_else(|f| panic!("{name}: {f:?}"));
        assert_eq!(once.attempts, attempts, "{name}");
        assert_eq!(once.invalidated.len(), invalidated, "{name}");
        assert_eq!(
            active_named(&remote, name).await,
            vec![once.key.id.clone()],
            "{name}"
        );
        let key = remote
            .get_api_key(&once.key.id, false, &cancel)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(key.metadata.as_ref().unwrap()["team"], "a");
        assert!(marker.is_on(&key), "{name}: the marker is on the key");
    }
    // A 500 is retried like the other 5xx (after the look-up); a 500 after the key was made
    // (here: the answer dropped, then the retry refused) still ends with exactly one live key.
    fault(
        &sim,
        json!({"rules": [{"path": post, "reset": true, "after": true}, {"path": post, "status": 500}]}),
    )
    .await;
    let marker = RequestMarker::fresh("crosscluster_request_marker");
    let body500 = CreateCrossClusterApiKey {
        name: "failing-500".into(),
        access: search_access(&["logs*"]),
        ..Default::default()
    };
    let done = remote
        .create_cross_cluster_api_key_once(&body500, &marker, &cancel)
        .await
        .unwrap();
    assert_eq!((done.attempts, done.invalidated.len()), (3, 1), "{done:?}");
    let live = active_named(&remote, "failing-500").await;
    assert_eq!(live, vec![done.key.id.clone()]);
    let body = CreateCrossClusterApiKey {
        name: "failing".into(),
        access: search_access(&["logs*"]),
        ..Default::default()
    };
    // Out of retries on 503s: the error, no key.
    fault(&sim, json!({"path": post, "status": 503, "count": 5})).await;
    let f = remote
        .create_cross_cluster_api_key_once(&body, &marker, &cancel)
        .await
        .unwrap_err();
    assert_eq!(f.attempts, 5, "{f:?}");
    assert!(active_named(&remote, "failing").await.is_empty());
    // A 400 is final at once.
    let bad = CreateCrossClusterApiKey {
        name: "_reserved".into(),
        access: search_access(&["logs*"]),
        ..Default::default()
    };
    let f = remote
        .create_cross_cluster_api_key_once(&bad, &marker, &cancel)
        .await
        .unwrap_err();
    assert_eq!(f.attempts, 1);
}

/// The persistent-settings PUTs in the simulator's log since `from` (their bodies).
fn settings_puts(sim: &Running, from: usize) -> Vec<(u16, Map<String, Value>)> {
    let log = sim.sim().log.lock().unwrap();
    log[from..]
        .iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
        .map(|r| {
            (
                r["status"].as_u64().unwrap_or(0) as u16,
                r["body"]["persistent"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn log_len(sim: &Running) -> usize {
    sim.sim().log.lock().unwrap().len()
}

fn proxy(host: &str) -> Map<String, Value> {
    map(json!({"mode": "proxy", "proxy_address": format!("{host}:9400"), "server_name": host}))
}

/// Group commit of alias writes: concurrent writes of 10 aliases go out as one PUT that
/// carries only their keys; one alias the cluster refuses fails alone (the batch is split by
/// the key the error names: the refused PUT, one PUT for the other nine, one for the bad one
/// alone); a caller cancelled before the PUT leaves the batch and writes nothing; a caller
/// cancelled while the PUT is in flight does not stop the others' write.
#[tokio::test]
async fn concurrent_alias_writes_share_one_put_and_a_bad_one_fails_alone() {
    let sim = sim().await;
    let cancel = CancellationToken::new();
    let local = std::sync::Arc::new(es(&sim, "local"));
    local.info(&cancel).await.unwrap();
    let put_many = |names: Vec<String>, bad: Option<&'static str>| {
        let mut tasks = Vec::new();
        for n in names {
            let c = local.clone();
            tasks.push(tokio::spawn(async move {
                let r = c
                    .put_remote_cluster(
                        &n,
                        &proxy(&format!("{n}.example.com")),
                        &CancellationToken::new(),
                    )
                    .await;
                (n, r)
            }));
        }
        if let Some(b) = bad {
            let c = local.clone();
            tasks.push(tokio::spawn(async move {
                // proxy_address without mode = proxy: Elasticsearch refuses it (sniff mode).
                let r = c
                    .put_remote_cluster(
                        b,
                        &map(json!({"proxy_address": "bad.example.com:9400"})),
                        &CancellationToken::new(),
                    )
                    .await;
                (b.to_string(), r)
            }));
        }
        tasks
    };

    // 10 at once: one PUT, each caller with the echo of its own keys.
    let from = log_len(&sim);
    let names: Vec<String> = (0..10).map(|i| format!("g{i}")).collect();
    for t in put_many(names.clone(), None) {
        let (n, r) = t.await.unwrap();
        let echo = r.unwrap();
        let mine = echo["persistent"].as_object().unwrap();
        assert_eq!(mine.len(), 3, "{n}: {echo}");
        assert!(
            mine.keys()
                .all(|k| k.starts_with(&format!("cluster.remote.{n}."))),
            "{echo}"
        );
    }
    let puts = settings_puts(&sim, from);
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert_eq!(
        puts[0].1.len(),
        30,
        "only the 10 aliases' keys: {:?}",
        puts[0].1
    );
    let all = local.get_cluster_settings(false, &cancel).await.unwrap();
    for n in &names {
        assert_eq!(
            all.persistent.get(&format!("cluster.remote.{n}.mode")),
            Some(&json!("proxy"))
        );
    }

    // 9 good and 1 bad: the bad one fails alone with its own error; the others are written.
    let from = log_len(&sim);
    let names: Vec<String> = (0..9).map(|i| format!("h{i}")).collect();
    for t in put_many(names.clone(), Some("bad")) {
        let (n, r) = t.await.unwrap();
        if n == "bad" {
            let e = r.unwrap_err();
            assert_eq!(e.status(), Some(400), "{e}");
            assert!(
                e.to_string().contains("cluster.remote.bad.proxy_address"),
                "{e}"
            );
        } else {
            r.unwrap();
        }
    }
    let puts = settings_puts(&sim, from);
    let statuses: Vec<u16> = puts.iter().map(|p| p.0).collect();
    assert_eq!(statuses, vec![400, 200, 400], "{puts:?}");
    assert_eq!(puts[1].1.len(), 27, "the nine together");
    assert!(
        puts[2]
            .1
            .keys()
            .all(|k| k.starts_with("cluster.remote.bad."))
    );
    let all = local.get_cluster_settings(false, &cancel).await.unwrap();
    assert!(
        all.persistent
            .keys()
            .all(|k| !k.starts_with("cluster.remote.bad."))
    );
    for n in &names {
        assert!(
            all.persistent
                .contains_key(&format!("cluster.remote.{n}.proxy_address"))
        );
    }

    // A caller cancelled while the batch gathers leaves it: its keys are never sent.
    let from = log_len(&sim);
    let gone = CancellationToken::new();
    let mut tasks = put_many(vec!["k0".into(), "k1".into()], None);
    let c = local.clone();
    let g = gone.clone();
    let quitter = tokio::spawn(async move {
        c.put_remote_cluster("quitter", &proxy("q.example.com"), &g)
            .await
    });
    tokio::task::yield_now().await;
    gone.cancel();
    assert!(matches!(
        quitter.await.unwrap(),
        Err(ClientError::Cancelled)
    ));
    for t in tasks.drain(..) {
        t.await.unwrap().1.unwrap();
    }
    let puts = settings_puts(&sim, from);
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert!(
        puts[0].1.keys().all(|k| !k.contains(".quitter.")),
        "{:?}",
        puts[0].1
    );

    // A caller cancelled while the PUT is in flight (the simulator holds it 300 ms): the
    // others' write completes and they get their results.
    let http = reqwest::Client::new();
    http.post(format!("{}/_sim/faults", sim.ready.cloud_url))
        .json(&json!([{"method": "PUT", "path": "^/_cluster/settings$", "target": "es", "delay_ms": 300, "count": 1}]))
        .send()
        .await
        .unwrap();
    let from = log_len(&sim);
    let late = CancellationToken::new();
    let tasks = put_many(vec!["m0".into(), "m1".into()], None);
    let c = local.clone();
    let l = late.clone();
    let canceller = tokio::spawn(async move {
        c.put_remote_cluster("m2", &proxy("m2.example.com"), &l)
            .await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    late.cancel();
    assert!(matches!(
        canceller.await.unwrap(),
        Err(ClientError::Cancelled)
    ));
    for t in tasks {
        t.await.unwrap().1.unwrap();
    }
    let puts = settings_puts(&sim, from);
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert_eq!(puts[0].0, 200);
    let all = local.get_cluster_settings(false, &cancel).await.unwrap();
    for n in ["m0", "m1", "m2"] {
        assert!(
            all.persistent
                .contains_key(&format!("cluster.remote.{n}.proxy_address")),
            "{n}"
        );
    }
}
