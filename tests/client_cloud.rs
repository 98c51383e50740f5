//! The Cloud client against the in-process simulator: reads, the trust read-modify-write with
//! plan waiting, preservation of unmanaged entries, 409 and 429 handling, 30 concurrent updates
//! on one deployment, keystore, remote clusters, organizations, and the contract check of every
//! request the client sent.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::time::{Duration, Instant};

use crosscluster::client::cloud::{Changed, GetDeploymentParams, RemoteResourceRef};
use crosscluster::client::{
    ClientError, CloudAuth, CloudClient, CloudConfig, HttpSettings, RetryPolicy, Secret,
};
use crosscluster_sim::{Fixture, Options, Running};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

mod client_common;
use client_common::{add_account, upsert_trust_entry};

async fn sim() -> Running {
    crosscluster_sim::start(
        Fixture::default_fixture(),
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
    .await
    .unwrap()
}

fn client(sim: &Running, org: &str) -> CloudClient {
    let key = sim.ready.organizations[org].api_key.clone();
    let mut cfg = CloudConfig::new(&sim.ready.cloud_url, CloudAuth::ApiKey(Secret::new(key)));
    cfg.http = HttpSettings {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_secs(2),
        },
        ..Default::default()
    };
    cfg.plan_poll_interval = Duration::from_millis(25);
    cfg.plan_settle_polls = 1;
    CloudClient::new(cfg).unwrap()
}

async fn control(sim: &Running, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::new();
    let mut rb = http.request(method, format!("{}{path}", sim.ready.cloud_url));
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let resp = rb.send().await.unwrap();
    let text = resp.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(20)
}

#[tokio::test]
async fn read_deployment_and_organization() {
    let sim = sim().await;
    let c = client(&sim, "1000000001");
    let cancel = CancellationToken::new();
    let (id, d) = sim.ready.deployment("local").unwrap();
    let dep = c
        .get_deployment(id, &GetDeploymentParams::for_read(), &cancel)
        .await
        .unwrap();
    assert!(dep.version.is_some(), "x-cloud-resource-version header");
    let v = dep.es_view(None).unwrap();
    assert_eq!(v.ref_id, d.ref_id);
    assert_eq!(v.cluster_id, d.cluster_id);
    assert_eq!(v.endpoint.as_deref(), Some(d.endpoint.as_str()));
    assert_eq!(v.version.as_deref(), Some(d.version.as_str()));
    assert_eq!(v.organization_id.as_deref(), Some("1000000001"));
    assert!(v.trust.is_some());

    let orgs = c.list_organizations(&cancel).await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].id, "1000000001");
    let acc = c.get_account(&cancel).await.unwrap();
    assert!(!acc.id.is_empty());
    c.get_trusted_environments(&cancel).await.unwrap();

    // Another organization's deployment is invisible.
    let (remote_id, _) = sim.ready.deployment("remote").unwrap();
    let e = c
        .get_deployment(remote_id, &GetDeploymentParams::default(), &cancel)
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(e.has_cloud_code("deployments.deployment_not_found"), "{e}");
}

#[tokio::test]
async fn trust_update_waits_for_plan_and_preserves_other_entries() {
    let sim = sim().await;
    let c = client(&sim, "1000000001");
    let cancel = CancellationToken::new();
    let (id, _) = sim.ready.deployment("local").unwrap();
    let (_, remote) = sim.ready.deployment("remote").unwrap();

    // An unmanaged direct entry, as another tool would have made it.
    let pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n";
    let out = c
        .update_elasticsearch_settings_and_wait(
            id,
            "_main",
            |s| {
                upsert_trust_entry(
                    s,
                    "direct",
                    "uid",
                    json!({
                        "name": "Unmanaged",
                        "type": "generic",
                        "trust_all": false,
                        "additional_node_names": ["node1.example.com"],
                        "certificates": [{"pem": pem}],
                    }),
                )
            },
            far(),
            &cancel,
        )
        .await
        .unwrap();
    assert!(out.changed);
    let before = c
        .get_deployment(id, &GetDeploymentParams::for_read(), &cancel)
        .await
        .unwrap()
        .es_view(None)
        .unwrap()
        .trust
        .unwrap();
    assert_eq!(before.direct.len(), 1);

    let remote_entry = json!({
        "account_id": "2000000002",
        "trust_all": false,
        "trust_allowlist": [remote.cluster_id],
    });
    let out = c
        .update_elasticsearch_settings_and_wait(
            id,
            "_main",
            |s| {
                let mut named = remote_entry.clone();
                named["name"] = json!("remote org");
                upsert_trust_entry(s, "accounts", "account_id", named)
            },
            far(),
            &cancel,
        )
        .await
        .unwrap();
    assert!(out.changed);
    // After the wait no plan is pending.
    let dep = c
        .get_deployment(id, &GetDeploymentParams::for_read(), &cancel)
        .await
        .unwrap();
    assert!(
        dep.raw
            .pointer("/resources/elasticsearch/0/info/plan_info/pending")
            .is_none_or(Value::is_null)
    );
    let after = dep.es_view(None).unwrap().trust.unwrap();
    assert_eq!(
        after.direct, before.direct,
        "direct entry kept byte-for-byte"
    );
    for a in &before.accounts {
        assert!(after.accounts.contains(a), "account {a:?} kept");
    }
    let added = after
        .accounts
        .iter()
        .find(|a| a.account_id == "2000000002")
        .unwrap();
    assert_eq!(
        added.trust_allowlist.as_ref().unwrap(),
        &vec![remote.cluster_id.clone()]
    );
    assert_eq!(added.name.as_deref(), Some("remote org"));

    // Same edit again (no name: the existing one stays): nothing sent.
    let out = c
        .update_elasticsearch_settings(
            id,
            "_main",
            |s| upsert_trust_entry(s, "accounts", "account_id", remote_entry.clone()),
            &cancel,
        )
        .await
        .unwrap();
    assert!(!out.changed);
}

#[tokio::test]
async fn injected_409_and_429_are_retried() {
    let sim = sim().await;
    let c = client(&sim, "1000000001");
    let cancel = CancellationToken::new();
    let (id, _) = sim.ready.deployment("local").unwrap();
    let ids = control(
        &sim,
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!([
            {"method": "PUT", "path": "^/api/v1/deployments/[0-9a-f]+$", "status": 409, "count": 1},
            {"method": "GET", "path": "^/api/v1/account$", "status": 429, "retry_after": 1, "count": 1}
        ])),
    )
    .await;
    assert!(ids.get("ids").is_some(), "{ids}");
    let out = c
        .update_elasticsearch_settings_and_wait(
            id,
            "_main",
            |s| add_account(s, "3000000003"),
            far(),
            &cancel,
        )
        .await
        .unwrap();
    assert!(out.changed);
    assert_eq!(out.attempts, 2, "409 re-read and re-applied");
    let t = Instant::now();
    c.get_account(&cancel).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "Retry-After honoured"
    );
}

#[tokio::test]
async fn thirty_concurrent_trust_updates_on_one_deployment() {
    let sim = sim().await;
    let c = std::sync::Arc::new(client(&sim, "1000000001"));
    let (id, _) = sim.ready.deployment("local").unwrap();
    control(
        &sim,
        reqwest::Method::POST,
        "/_sim/config",
        Some(json!({"plan_ms": 5})),
    )
    .await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..30 {
        let c = c.clone();
        let id = id.to_string();
        tasks.push(tokio::spawn(async move {
            c.update_elasticsearch_settings_and_wait(
                &id,
                "_main",
                |s| add_account(s, &format!("9{i:09}")),
                Instant::now() + Duration::from_secs(60),
                &CancellationToken::new(),
            )
            .await
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap().unwrap().changed);
    }
    let dep = c
        .get_deployment(
            id,
            &GetDeploymentParams::for_read(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let trust = dep.es_view(None).unwrap().trust.unwrap();
    let ours = trust
        .accounts
        .iter()
        .filter(|a| a.account_id.starts_with('9'))
        .count();
    assert_eq!(ours, 30);
    eprintln!(
        "30 serialised updates with plan waits: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn keystore_and_remote_clusters() {
    let sim = sim().await;
    let c = client(&sim, "1000000001");
    let cancel = CancellationToken::new();
    let (id, d) = sim.ready.deployment("local").unwrap();
    let (old_id, _) = sim.ready.deployment("old-local").unwrap();
    let name = "cluster.remote.r1.credentials";
    let ks = c
        .set_keystore_secret(id, &d.ref_id, name, Secret::new("ZW5jb2RlZA=="), &cancel)
        .await
        .unwrap();
    assert!(ks.secrets.contains_key(name));
    let raw = control(&sim, reqwest::Method::GET, "/_sim/requests", None).await;
    let get = c.get_keystore(id, &d.ref_id, &cancel).await.unwrap();
    assert!(get.secrets.contains_key(name));
    assert!(
        !raw.to_string().contains("ZW5jb2RlZA=="),
        "sim log masks secrets"
    );
    let ks = c
        .remove_keystore_secret(id, &d.ref_id, name, &cancel)
        .await
        .unwrap();
    assert!(!ks.secrets.contains_key(name));
    assert!(
        !c.get_keystore(id, &d.ref_id, &cancel)
            .await
            .unwrap()
            .secrets
            .contains_key(name)
    );

    let changed = c
        .update_remote_clusters(
            id,
            &d.ref_id,
            |rr| {
                Ok::<_, ClientError>(rr.upsert(RemoteResourceRef {
                    deployment_id: old_id.to_string(),
                    elasticsearch_ref_id: "main-elasticsearch".into(),
                    alias: "old".into(),
                    skip_unavailable: Some(true),
                    ..Default::default()
                }))
            },
            &cancel,
        )
        .await
        .unwrap();
    assert!(changed);
    let rr = c.get_remote_clusters(id, &d.ref_id, &cancel).await.unwrap();
    let old = rr.resources.iter().find(|r| r.alias == "old").unwrap();
    assert_eq!(old.deployment_id, old_id);
    assert_eq!(old.skip_unavailable, Some(true));
    let changed = c
        .update_remote_clusters(
            id,
            &d.ref_id,
            |rr| Ok::<_, ClientError>(rr.remove("old")),
            &cancel,
        )
        .await
        .unwrap();
    assert!(changed);
    let rr = c.get_remote_clusters(id, &d.ref_id, &cancel).await.unwrap();
    assert!(rr.resources.iter().all(|r| r.alias != "old"));

    // Restart and plan cancel exist and answer.
    c.restart_elasticsearch(old_id, "main-elasticsearch", &cancel)
        .await
        .unwrap();
    c.wait_for_plan(old_id, "main-elasticsearch", far(), &cancel)
        .await
        .unwrap();
    let e = c
        .cancel_pending_plan(
            old_id,
            crosscluster::client::cloud::ResourceKind::Elasticsearch,
            "main-elasticsearch",
            false,
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(
        e.has_cloud_code("deployments.resource_does_not_have_a_pending_plan"),
        "{e}"
    );
}

/// Every Cloud request of a representative session passes `check-contract --spec cloud`.
#[tokio::test]
async fn cloud_requests_pass_the_contract() {
    let Some(tool) = client_common::contract_tool() else {
        return;
    };
    let sim = sim().await;
    let c = client(&sim, "1000000001");
    let cancel = CancellationToken::new();
    let (id, d) = sim.ready.deployment("local").unwrap();
    c.update_elasticsearch_settings_and_wait(
        id,
        "_main",
        |s| add_account(s, "2000000002"),
        far(),
        &cancel,
    )
    .await
    .unwrap();
    c.set_keystore_secret(
        id,
        &d.ref_id,
        "cluster.remote.x.credentials",
        Secret::new("a2V5"),
        &cancel,
    )
    .await
    .unwrap();
    c.remove_keystore_secret(id, &d.ref_id, "cluster.remote.x.credentials", &cancel)
        .await
        .unwrap();
    c.update_remote_clusters(
        id,
        &d.ref_id,
        |_| Ok::<_, ClientError>(Changed::Yes),
        &cancel,
    )
    .await
    .unwrap();
    c.list_organizations(&cancel).await.unwrap();
    c.get_account(&cancel).await.unwrap();
    c.get_trusted_environments(&cancel).await.unwrap();
    client_common::assert_contract(&tool, &sim.ready.cloud_url, "cloud").await;
}
