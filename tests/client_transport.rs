//! Behaviour of the Cloud and Elasticsearch clients against a scripted local HTTP server:
//! auth and user agent, retries, `Retry-After`, endpoint fail-over, cancellation, the
//! read-modify-write update with 409 handling and per-deployment serialisation, plan waiting,
//! and logs that never carry secrets.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crosscluster::client::cloud::{Changed, GetDeploymentParams, ResourceKind};
use crosscluster::client::elasticsearch::{
    CreateCrossClusterApiKey, CrossClusterAccess, SearchAccess,
};
use crosscluster::client::{ClientError, EsAuth, Secret};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

mod client_common;
use client_common::*;

#[tokio::test]
async fn cloud_get_sends_auth_user_agent_and_flags() {
    let mock = Mock::start(|r, _| {
        if r.path().ends_with("/missing") {
            let mut rep = reply(404, json!({"errors": [{"code": "deployments.deployment_not_found", "message": "Deployment missing not found"}]}));
            rep.headers.push(("x-cloud-error-codes", "deployments.deployment_not_found".into()));
            return rep;
        }
        let mut rep = reply(200, deployment(json!({"accounts": []}), None));
        rep.headers.push(("x-cloud-resource-version", "7".into()));
        rep
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    let d = c
        .get_deployment("d1", &GetDeploymentParams::for_update(), &cancel)
        .await
        .unwrap();
    assert_eq!(d.version.as_deref(), Some("7"));
    assert_eq!(d.main_ref_id(), Some("main-elasticsearch"));
    let reqs = mock.requests();
    assert_eq!(reqs[0].path(), "/api/v1/deployments/d1");
    assert!(reqs[0].target.contains("show_settings=true"));
    assert!(reqs[0].target.contains("clear_transient=true"));
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("ApiKey {API_KEY}").as_str())
    );
    assert!(
        reqs[0]
            .header("user-agent")
            .unwrap()
            .starts_with("terraform-provider-crosscluster/")
    );

    let e = c
        .get_deployment("missing", &GetDeploymentParams::default(), &cancel)
        .await
        .unwrap_err();
    assert!(e.is_not_found());
    assert!(e.has_cloud_code("deployments.deployment_not_found"));
    assert!(e.to_string().contains("Deployment missing not found"));
    assert!(!e.to_string().contains(API_KEY));
}

#[tokio::test]
async fn get_retried_on_503_post_is_not() {
    let mock = Mock::start(|r, i| {
        if r.method == "GET" && i < 2 {
            return reply(503, json!({}));
        }
        if r.method == "POST" {
            return reply(503, json!({}));
        }
        reply(
            200,
            json!({"secrets": {"cluster.remote.a.credentials": {"as_file": false}}}),
        )
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    let ks = c.get_keystore("d1", "main", &cancel).await.unwrap();
    assert!(ks.secrets.contains_key("cluster.remote.a.credentials"));
    assert_eq!(mock.requests().len(), 3, "two 503s then success");

    let e = c
        .restart_elasticsearch("d1", "main", &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a POST that reached the server is not retried");
}

#[tokio::test]
async fn retry_after_is_honoured_and_retries_are_bounded() {
    let mock = Mock::start(|r, i| {
        if r.path() == "/api/v1/account" && i == 0 {
            let mut rep = reply(
                429,
                json!({"errors": [{"code": "rate_limited", "message": "slow down"}]}),
            );
            rep.headers.push(("retry-after", "1".into()));
            return rep;
        }
        if r.path() == "/api/v1/account" {
            return reply(200, json!({"id": "acc", "trust": {"trust_all": true}}));
        }
        reply(502, json!({}))
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    let t = Instant::now();
    let acc = c.get_account(&cancel).await.unwrap();
    assert_eq!(acc.id, "acc");
    assert!(acc.trust.unwrap().trust_all);
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t.elapsed()
    );

    let before = mock.requests().len();
    let e = c.list_organizations(&cancel).await.unwrap_err();
    assert_eq!(e.status(), Some(502));
    assert_eq!(
        mock.requests().len() - before,
        4,
        "1 attempt + max_retries 3"
    );
}

#[tokio::test]
async fn cancellation_stops_a_slow_call() {
    let mock = Mock::start(|_, _| {
        let mut r = reply(200, json!({}));
        r.delay = Duration::from_secs(5);
        r
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        c2.cancel();
    });
    let t = Instant::now();
    let e = c.get_account(&cancel).await.unwrap_err();
    assert!(matches!(e, ClientError::Cancelled), "{e}");
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_put_that_landed_before_a_conflict_is_still_waited_for() {
    // The first PUT is applied by the server but answered 409 (as a retried PUT whose first
    // try succeeded would be): the re-read shows the edit done, and its plan is still pending.
    let state = Arc::new(Mutex::new(json!({"accounts": []})));
    let pending_polls = Arc::new(Mutex::new(0));
    let (st, polls) = (state.clone(), pending_polls.clone());
    let mock = Mock::start(move |r, _| {
        if r.method == "PUT" {
            *st.lock().unwrap() = json!({"accounts": [{"account_id": "222", "trust_all": true}]});
            return reply(409, json!({"errors": [{"code": "deployments.version_conflict", "message": "conflict"}]}));
        }
        let landed = st.lock().unwrap()["accounts"].as_array().is_some_and(|a| !a.is_empty());
        let mut n = polls.lock().unwrap();
        // After the PUT landed, the first two reads show a pending plan.
        let pending = if landed && *n < 2 {
            *n += 1;
            Some(json!({"plan": {}, "plan_attempt_log": [{"step_id": "waiting", "status": "pending", "info_log": []}]}))
        } else {
            None
        };
        let mut rep = reply(200, deployment(st.lock().unwrap().clone(), pending));
        rep.headers.push(("x-cloud-resource-version", "5".into()));
        rep
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    let out = c
        .update_elasticsearch_settings_and_wait(
            "d1",
            "_main",
            |s| add_account(s, "222"),
            Instant::now() + Duration::from_secs(10),
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(out.attempts, 2);
    // The wait polled until the pending plan was gone.
    assert_eq!(
        *pending_polls.lock().unwrap(),
        2,
        "the pending plan was not waited for"
    );
    let methods: Vec<String> = mock.requests().iter().map(|r| r.method.clone()).collect();
    assert!(
        methods.len() >= 4 && methods[..3] == ["GET", "PUT", "GET"],
        "{methods:?}"
    );
}

#[tokio::test]
async fn update_retries_on_409_and_only_touches_one_resource() {
    let state = Arc::new(Mutex::new(
        json!({"accounts": [{"account_id": "111", "trust_all": true, "name": "own"}],
        "direct": [{"uid": "u1", "name": "keep me", "trust_all": false, "certificates": [{"pem": "P"}], "x_future": 1}]}),
    ));
    let st = state.clone();
    let mock = Mock::start(move |r, _| {
        if r.method == "GET" {
            let mut rep = reply(200, deployment(st.lock().unwrap().clone(), None));
            rep.headers.push(("x-cloud-resource-version", "5".into()));
            return rep;
        }
        reply(200, json!({"id": "d1", "name": "prod", "resources": []}))
    })
    .await;
    // First PUT answers 409: wrap the handler by counting PUTs in the log instead.
    let mock409 = Mock::start({
        let count = Arc::new(Mutex::new(0));
        let state = state.clone();
        move |r, _| {
            if r.method == "GET" {
                let mut rep = reply(200, deployment(state.lock().unwrap().clone(), None));
                rep.headers.push(("x-cloud-resource-version", "5".into()));
                return rep;
            }
            let mut n = count.lock().unwrap();
            *n += 1;
            if *n == 1 {
                return reply(409, json!({"errors": [{"code": "deployments.version_conflict", "message": "conflict"}]}));
            }
            reply(200, json!({"id": "d1", "name": "prod", "resources": []}))
        }
    })
    .await;
    let c = cloud(&mock409.url);
    let cancel = CancellationToken::new();
    let out = c
        .update_elasticsearch_settings("d1", "_main", |s| add_account(s, "222"), &cancel)
        .await
        .unwrap();
    assert!(out.changed);
    assert_eq!(out.attempts, 2);
    assert_eq!(out.ref_id, "main-elasticsearch");
    let reqs = mock409.requests();
    let methods: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "PUT", "GET", "PUT"]);
    let put = &reqs[3];
    assert!(put.target.contains("version=5"), "{}", put.target);
    let body = put.json();
    assert_eq!(body["prune_orphans"], json!(false));
    let es = body["resources"]["elasticsearch"].as_array().unwrap();
    assert_eq!(es.len(), 2);
    let trust = &es[0]["settings"]["trust"];
    assert_eq!(trust["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(trust["accounts"][0]["name"], json!("own"));
    assert_eq!(trust["direct"][0]["x_future"], json!(1));
    assert!(trust.get("external").is_none(), "no list invented: {trust}");
    assert!(es[0]["settings"].get("metadata").is_none());
    assert_eq!(
        es[1]["settings"]["trust"]["accounts"][0]["account_id"],
        json!("zzz")
    );

    // An edit that changes nothing sends no PUT.
    let c2 = cloud(&mock.url);
    let out = c2
        .update_elasticsearch_settings(
            "d1",
            "main-elasticsearch",
            |s| add_account(s, "111"),
            &cancel,
        )
        .await
        .unwrap();
    assert!(!out.changed);
    assert!(mock.requests().iter().all(|r| r.method == "GET"));
    // Edit errors come back as ClientError::Edit.
    let e = c2
        .update_elasticsearch_settings(
            "d1",
            "main-elasticsearch",
            |_| Err::<Changed, _>("entry exists"),
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Edit(_)));
    assert_eq!(e.to_string(), "entry exists");
    // Unknown ref_id is a 404-like error.
    let e = c2
        .update_elasticsearch_settings("d1", "nope", |s| add_account(s, "1"), &cancel)
        .await
        .unwrap_err();
    assert!(e.is_not_found());
}

#[tokio::test]
async fn persistent_conflicts_give_up() {
    let mock = Mock::start(|r, _| {
        if r.method == "GET" {
            return reply(200, deployment(json!({}), None));
        }
        reply(
            409,
            json!({"errors": [{"code": "deployments.version_conflict", "message": "conflict"}]}),
        )
    })
    .await;
    let c = cloud(&mock.url);
    let e = c
        .update_elasticsearch_settings(
            "d1",
            "_main",
            |s| add_account(s, "9"),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, ClientError::VersionConflict { attempts: 5, .. }),
        "{e}"
    );
}

#[tokio::test]
async fn concurrent_updates_on_one_deployment_do_not_lose_entries() {
    // A server that applies PUTs to its state, with latency so unserialised updates would race.
    let state = Arc::new(Mutex::new(json!({"accounts": []})));
    let version = Arc::new(Mutex::new(1u32));
    let (st, ver) = (state.clone(), version.clone());
    let mock = Mock::start(move |r, _| {
        if r.method == "GET" {
            let mut rep = reply(200, deployment(st.lock().unwrap().clone(), None));
            rep.headers
                .push(("x-cloud-resource-version", ver.lock().unwrap().to_string()));
            rep.delay = Duration::from_millis(20);
            return rep;
        }
        // No version check here: only the client's lock prevents lost updates.
        let body = r.json();
        *st.lock().unwrap() = body["resources"]["elasticsearch"][0]["settings"]["trust"].clone();
        *ver.lock().unwrap() += 1;
        reply(200, json!({"id": "d1"}))
    })
    .await;
    let c = Arc::new(cloud(&mock.url));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.update_elasticsearch_settings(
                "d1",
                "_main",
                |s| add_account(s, &format!("org{i}")),
                &CancellationToken::new(),
            )
            .await
            .unwrap()
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap().changed);
    }
    let accounts = state.lock().unwrap()["accounts"].as_array().unwrap().len();
    assert_eq!(accounts, 8);
}

#[tokio::test]
async fn wait_for_plan_pending_done_failed_timeout() {
    let pending = json!({"plan_attempt_log": [{"step_id": "apply-settings", "status": "pending"}]});
    let failed_dep = {
        let mut d = deployment(json!({}), None);
        d["resources"]["elasticsearch"][0]["info"]["plan_info"]["current"]["plan_attempt_log"] = json!([
            {"step_id": "apply-settings", "status": "error", "info_log": [{"message": "Trust certificate is invalid"}]},
            {"step_id": "plan-completed", "status": "error", "info_log": [{"message": "failed"}]}]);
        d
    };
    let p2 = pending.clone();
    let mock = Mock::start(move |r, i| match r.path() {
        "/api/v1/deployments/ok" => {
            if i < 2 {
                reply(200, deployment(json!({}), Some(p2.clone())))
            } else {
                reply(200, deployment(json!({}), None))
            }
        }
        "/api/v1/deployments/bad" => reply(200, failed_dep.clone()),
        _ => reply(200, deployment(json!({}), Some(p2.clone()))),
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    let far = Instant::now() + Duration::from_secs(10);
    c.wait_for_plan("ok", "main-elasticsearch", far, &cancel)
        .await
        .unwrap();
    assert_eq!(mock.requests().len(), 3);
    assert!(mock.requests()[0].target.contains("show_plan_logs=true"));
    let e = c
        .wait_for_plan("bad", "main-elasticsearch", far, &cancel)
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::PlanFailed { .. }));
    assert!(
        e.to_string().contains("Trust certificate is invalid"),
        "{e}"
    );
    let t = Instant::now();
    let e = c
        .wait_for_plan(
            "slow",
            "main-elasticsearch",
            Instant::now() + Duration::from_millis(150),
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::PlanTimeout { .. }), "{e}");
    assert!(e.to_string().contains("apply-settings"));
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn keystore_remote_clusters_and_cancel_plan_paths() {
    let mock = Mock::start(|r, _| match (r.method.as_str(), r.path()) {
        ("PATCH", _) => reply(200, json!({"secrets": {"cluster.remote.a.credentials": {"as_file": false}}})),
        ("GET", p) if p.ends_with("/remote-clusters") => reply(200, json!({"resources": [
            {"deployment_id": "r1", "elasticsearch_ref_id": "main", "alias": "keep", "skip_unavailable": true,
             "info": {"healthy": true, "connected": true, "compatible": true, "trusted": true, "trusted_back": true}}]})),
        ("PUT", _) => reply(202, json!({})),
        ("DELETE", _) => reply(200, json!({"id": "d1", "kind": "elasticsearch", "ref_id": "main"})),
        _ => reply(404, json!({"errors": [{"code": "x", "message": "y"}]})),
    })
    .await;
    let c = cloud(&mock.url);
    let cancel = CancellationToken::new();
    c.set_keystore_secret(
        "d1",
        "main",
        "cluster.remote.a.credentials",
        Secret::new("ENCODED_KEY_VALUE"),
        &cancel,
    )
    .await
    .unwrap();
    c.remove_keystore_secret("d1", "main", "cluster.remote.b.credentials", &cancel)
        .await
        .unwrap();
    let changed = c
        .update_remote_clusters(
            "d1",
            "main",
            |rr| {
                Ok::<_, ClientError>(rr.upsert(crosscluster::client::cloud::RemoteResourceRef {
                    deployment_id: "r2".into(),
                    elasticsearch_ref_id: "main".into(),
                    alias: "new".into(),
                    ..Default::default()
                }))
            },
            &cancel,
        )
        .await
        .unwrap();
    assert!(changed);
    c.cancel_pending_plan("d1", ResourceKind::Elasticsearch, "main", true, &cancel)
        .await
        .unwrap();
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].path(),
        "/api/v1/deployments/d1/elasticsearch/main/keystore"
    );
    assert_eq!(
        reqs[0].json(),
        json!({"secrets": {"cluster.remote.a.credentials": {"value": "ENCODED_KEY_VALUE", "as_file": false}}})
    );
    assert_eq!(
        reqs[1].json(),
        json!({"secrets": {"cluster.remote.b.credentials": {"as_file": false}}})
    );
    let put = reqs.iter().find(|r| r.method == "PUT").unwrap();
    let body = put.json();
    assert_eq!(body["resources"].as_array().unwrap().len(), 2);
    assert!(body["resources"][0].get("info").is_none());
    assert_eq!(body["resources"][0]["alias"], json!("keep"));
    let del = reqs.iter().find(|r| r.method == "DELETE").unwrap();
    assert_eq!(
        del.path(),
        "/api/v1/deployments/d1/elasticsearch/main/plan/pending"
    );
}

#[tokio::test]
async fn es_failover_info_cache_and_gates() {
    let mock = Mock::start(|r, _| match (r.method.as_str(), r.path()) {
        ("GET", "/") => reply(200, root("8.12.2")),
        ("GET", "/_security/api_key") => reply(404, json!({"api_keys": []})),
        ("GET", "/_security/role/missing") => reply(404, json!({})),
        ("POST", "/_security/cross_cluster/api_key") => reply(503, json!({"error": {"type": "x", "reason": "busy"}, "status": 503})),
        _ => reply(400, json!({"error": {"type": "illegal_argument_exception", "reason": "bad", "root_cause": [{"type": "illegal_argument_exception", "reason": "bad"}]}, "status": 400})),
    })
    .await;
    // A closed port first: connection refused, the client moves to the second endpoint.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        format!("http://{a}")
    };
    let c = es(
        vec![dead, mock.url.clone()],
        EsAuth::Basic {
            username: "elastic".into(),
            password: Secret::new("PASSWORD_123"),
        },
    );
    let cancel = CancellationToken::new();
    assert_eq!(c.version(&cancel).await.unwrap().to_string(), "8.12.2");
    assert_eq!(c.info(&cancel).await.unwrap().cluster_name, "c");
    assert_eq!(
        mock.requests().iter().filter(|r| r.path() == "/").count(),
        1,
        "GET / is cached"
    );
    assert_eq!(
        mock.requests()[0].header("authorization"),
        Some("Basic ZWxhc3RpYzpQQVNTV09SRF8xMjM=")
    );

    assert!(
        c.get_api_key("nope", true, &cancel)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        mock.requests()
            .last()
            .unwrap()
            .target
            .contains("with_limited_by=true")
    );
    assert!(c.get_role("missing", &cancel).await.unwrap().is_none());

    let body = CreateCrossClusterApiKey {
        name: "k".into(),
        access: CrossClusterAccess {
            search: vec![SearchAccess {
                names: vec!["logs*".into()],
                ..Default::default()
            }],
            ..Default::default()
        },
        ..Default::default()
    };
    let e = c
        .create_cross_cluster_api_key(&body, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        mock.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1,
        "create is not retried"
    );
    let role = crosscluster::client::elasticsearch::Role {
        remote_cluster: vec![
            crosscluster::client::elasticsearch::RemoteClusterPrivileges {
                clusters: vec!["r".into()],
                privileges: vec!["monitor_enrich".into()],
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let e = c.put_role("r", &role, &cancel).await.unwrap_err();
    assert!(matches!(e, ClientError::VersionGate { .. }));
    assert!(e.to_string().contains("8.15.0"), "{e}");
    assert!(
        mock.requests().iter().all(|r| r.method != "PUT"),
        "gated before sending"
    );

    let mut settings = serde_json::Map::new();
    settings.insert("mode".into(), json!("proxy"));
    let e = c
        .put_remote_cluster("a", &settings, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.es_type(), Some("illegal_argument_exception"));
    let e = c
        .put_remote_cluster("a.b", &settings, &cancel)
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::InvalidArgument(_)));
}

#[tokio::test]
async fn es_remote_cluster_settings_touch_only_the_alias() {
    let mock = Mock::start(|r, _| match (r.method.as_str(), r.path()) {
        ("GET", "/") => reply(200, root("9.1.0")),
        ("GET", "/_cluster/settings") => reply(
            200,
            json!({"persistent": {
            "cluster.remote.a.mode": "proxy", "cluster.remote.a.proxy_address": "h:9443",
            "cluster.remote.ab.mode": "proxy", "cluster.remote.ab.proxy_address": "h2:9443",
            "cluster.routing.allocation.enable": "all"}, "transient": {}}),
        ),
        ("PUT", "/_cluster/settings") => reply(
            200,
            json!({"acknowledged": true, "persistent": {}, "transient": {}}),
        ),
        _ => reply(404, json!({})),
    })
    .await;
    let c = es(
        vec![mock.url.clone()],
        EsAuth::ApiKey(Secret::new("ES_API_KEY_SECRET")),
    );
    let cancel = CancellationToken::new();
    let cur = c.get_remote_cluster_settings("a", &cancel).await.unwrap();
    assert_eq!(cur.len(), 2);
    assert!(c.remove_remote_cluster("a", &cancel).await.unwrap());
    let reqs = mock.requests();
    let put = reqs.iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(
        put.json(),
        json!({"persistent": {"cluster.remote.a.mode": null, "cluster.remote.a.proxy_address": null}})
    );
    assert_eq!(
        put.header("authorization"),
        Some("ApiKey ES_API_KEY_SECRET")
    );
    let mut desired = BTreeMap::new();
    desired.insert("mode".to_string(), json!("proxy"));
    desired.insert("proxy_address".to_string(), json!("new:9443"));
    desired.insert("server_name".to_string(), json!("new"));
    let body = crosscluster::client::elasticsearch::remote_settings_diff("a", &cur, &desired);
    assert_eq!(
        Value::Object(body),
        json!({"cluster.remote.a.proxy_address": "new:9443", "cluster.remote.a.server_name": "new"})
    );
}
