//! Strong identity verification (api-facts-next §1): `certificate_identity` on cross-cluster
//! keys, the signing settings, and the remote's checks with Elasticsearch's texts.

mod common;
use common::T;
use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

/// The default fixture plus a 9.3 pair: `local-93` (organization 1) and `remote-93`
/// (organization 2), both in the default region; and `remote-93-us` in another region.
async fn pair() -> T {
    let mut f = Fixture::default_fixture();
    let org1 = f.deployments[0].organization_id.clone();
    let org2 = f
        .deployments
        .iter()
        .find(|d| d.name == "remote")
        .unwrap()
        .organization_id
        .clone();
    for e in [
        json!({"name": "local-93", "organization_id": org1, "version": "9.3.0"}),
        json!({"name": "remote-93", "organization_id": org2, "version": "9.3.0"}),
        json!({"name": "remote-93-us", "organization_id": org2, "version": "9.3.0", "region": "us-east-1"}),
    ] {
        f.deployments.push(serde_json::from_value(e).unwrap());
    }
    T::with(
        f,
        Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    )
    .await
}

async fn key(t: &T, on: &str, identity: Option<&str>) -> Value {
    let mut body = json!({"name": "k", "access": {"search": [{"names": ["logs-*"]}]}});
    if let Some(i) = identity {
        body["certificate_identity"] = json!(i);
    }
    let r = t
        .es(on, "POST", "/_security/cross_cluster/api_key", Some(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

async fn settings(t: &T, on: &str, persistent: Value) -> common::Resp {
    t.es(
        on,
        "PUT",
        "/_cluster/settings",
        Some(json!({ "persistent": persistent })),
    )
    .await
}

async fn sign(t: &T, alias: &str) {
    let r = settings(
        t,
        "local-93",
        json!({
            format!("cluster.remote.{alias}.signing.certificate"): "node.crt",
            format!("cluster.remote.{alias}.signing.key"): "node.key",
        }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn trust_ca(t: &T, on: &str, value: Value) {
    let r = settings(
        t,
        on,
        json!({"cluster.remote.signing.certificate_authorities": value}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// The connection of `alias` on `local-93`: (connected, cause, `_resolve/cluster` error).
async fn seen(t: &T, alias: &str) -> (bool, Option<String>, Option<String>) {
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    let c = &st["deployments"][t.id("local-93")]["connections"][alias];
    let r = t.resolve("local-93", alias).await;
    assert_eq!(r["connected"], c["connected"]);
    (
        c["connected"].as_bool().unwrap(),
        c["cause"].as_str().map(str::to_string),
        r["error"].as_str().map(str::to_string),
    )
}

async fn connect(t: &T, alias: &str, remote: &str, identity: Option<&str>) -> Value {
    let k = key(t, remote, identity).await;
    let r = t
        .store_key("local-93", alias, k["encoded"].as_str().unwrap())
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t.proxy_alias("local-93", alias, remote, 9443).await;
    assert_eq!(r.status, 200, "{}", r.body);
    k
}

#[tokio::test]
async fn identity_is_stored_validated_and_version_gated() {
    let t = pair().await;
    let k = key(&t, "remote-93", Some("CN=.*.node.*")).await;
    let id = k["id"].as_str().unwrap();
    let got = t
        .es(
            "remote-93",
            "GET",
            &format!("/_security/api_key?id={id}"),
            None,
        )
        .await;
    assert_eq!(
        got.body["api_keys"][0]["certificate_identity"],
        "CN=.*.node.*"
    );
    // Given replaces, omitted keeps, null clears.
    let path = format!("/_security/cross_cluster/api_key/{id}");
    let put = |b: Value| t.es("remote-93", "PUT", &path, Some(b));
    let r = put(json!({"certificate_identity": "^CN=x$"})).await;
    assert_eq!(
        (r.status, &r.body["updated"]),
        (200, &json!(true)),
        "{}",
        r.body
    );
    let r = put(json!({"metadata": {"a": 1}})).await;
    assert_eq!(r.status, 200);
    let got = t
        .es(
            "remote-93",
            "GET",
            &format!("/_security/api_key?id={id}"),
            None,
        )
        .await;
    assert_eq!(got.body["api_keys"][0]["certificate_identity"], "^CN=x$");
    let r = put(json!({"certificate_identity": null})).await;
    assert_eq!(r.body["updated"], true);
    let got = t
        .es(
            "remote-93",
            "GET",
            &format!("/_security/api_key?id={id}"),
            None,
        )
        .await;
    assert!(
        got.body["api_keys"][0]
            .get("certificate_identity")
            .is_none()
    );
    // An invalid pattern: Elasticsearch's text.
    let r = t
        .es(
            "remote-93",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(json!({"name": "bad", "access": {"search": [{"names": ["a"]}]}, "certificate_identity": "CN=(x"})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["error"]["reason"],
        "Invalid certificate_identity format: [CN=(x]. Must be a valid regex."
    );
    // Before 9.3 the field is unknown.
    let r = t
        .es(
            "remote",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(json!({"name": "old", "access": {"search": [{"names": ["a"]}]}, "certificate_identity": "CN=x"})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown field [certificate_identity]")
    );
}

#[tokio::test]
async fn signing_settings_need_9_3_and_existing_files() {
    let t = pair().await;
    let r = settings(
        &t,
        "local",
        json!({"cluster.remote.r.signing.certificate": "node.crt"}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("not recognized")
    );
    let r = settings(
        &t,
        "local-93",
        json!({"cluster.remote.r.signing.key": "/app/config/missing.key"}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["error"]["reason"],
        "Configured file [/app/config/missing.key] not found"
    );
    trust_ca(&t, "remote-93", json!("internal_tls_ca.crt")).await;
    // The global signing settings are no alias named "signing".
    let info = t.es("remote-93", "GET", "/_remote/info", None).await;
    assert_eq!(info.body, json!({}));
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    assert_eq!(
        st["deployments"][t.id("remote-93")]["connections"],
        json!({})
    );
}

#[tokio::test]
async fn remote_checks_identity_then_trust_in_order() {
    let t = pair().await;
    let remote_cluster_id = t.dep("remote-93").1.cluster_id;
    let local_cluster_id = t.dep("local-93").1.cluster_id;
    let pattern = format!("CN=.*\\.node\\.{local_cluster_id}\\.cluster\\..*");
    let k = connect(&t, "r", "remote-93", Some(&pattern)).await;
    let id = k["id"].as_str().unwrap();
    // 1. The key requires an identity, nothing is signed.
    let (up, cause, error) = seen(&t, "r").await;
    assert!(!up);
    assert_eq!(cause.as_deref(), Some("signing_missing"));
    assert_eq!(
        error.unwrap(),
        format!(
            "API key (type:[cross_cluster], id:[{id}]) requires certificate identity matching [{pattern}], but no certificate was provided"
        )
    );
    // 2. Signed, but the remote trusts no signing CA (JDK default trust).
    sign(&t, "r").await;
    let (up, cause, error) = seen(&t, "r").await;
    assert!(!up);
    assert_eq!(cause.as_deref(), Some("signing_untrusted"));
    let error = error.unwrap();
    assert!(
        error
            .starts_with("Failed to verify cross cluster api key signature certificate from [(CN=")
            && error.contains(&format!(".node.{local_cluster_id}.cluster."))
            && error.contains(";X.509;SHA1:"),
        "{error}"
    );
    // 3. The regional CA: connected.
    trust_ca(&t, "remote-93", json!(["internal_tls_ca.crt"])).await;
    assert_eq!(seen(&t, "r").await, (true, None, None));
    // 4. A pattern for another cluster: the DN does not match.
    let other = format!("CN=.*\\.node\\.{remote_cluster_id}\\.cluster\\..*");
    let r = t
        .es(
            "remote-93",
            "PUT",
            &format!("/_security/cross_cluster/api_key/{id}"),
            Some(json!({"certificate_identity": other})),
        )
        .await;
    assert_eq!(r.status, 200);
    let (up, cause, error) = seen(&t, "r").await;
    assert!(!up);
    assert_eq!(cause.as_deref(), Some("signing_identity"));
    let error = error.unwrap();
    assert!(
        error.starts_with("DN from provided certificate [CN=")
            && error.ends_with(&format!(
                "] does not match API Key certificate identity pattern [{other}]"
            )),
        "{error}"
    );
    // Case-sensitive whole-DN match: a lowercase `cn=` does not match.
    let r = t
        .es(
            "remote-93",
            "PUT",
            &format!("/_security/cross_cluster/api_key/{id}"),
            Some(json!({"certificate_identity": pattern.to_lowercase()})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(seen(&t, "r").await.1.as_deref(), Some("signing_identity"));
    // 5. Stop signing: the identity is required again.
    let r = settings(
        &t,
        "local-93",
        json!({"cluster.remote.r.signing.certificate": null, "cluster.remote.r.signing.key": null}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(seen(&t, "r").await.1.as_deref(), Some("signing_missing"));
}

#[tokio::test]
async fn a_signature_is_verified_even_without_identity() {
    let t = pair().await;
    connect(&t, "r", "remote-93", None).await;
    assert_eq!(seen(&t, "r").await, (true, None, None));
    sign(&t, "r").await;
    // The remote trusts no signing CA: the signature fails although the key asks for none.
    assert_eq!(seen(&t, "r").await.1.as_deref(), Some("signing_untrusted"));
    // The CA of another region does not issue this region's certificates.
    trust_ca(&t, "remote-93-us", json!("internal_tls_ca.crt")).await;
    connect(&t, "us", "remote-93-us", None).await;
    sign(&t, "us").await;
    assert_eq!(seen(&t, "us").await.1.as_deref(), Some("signing_untrusted"));
    // Towards a 9.1 remote nothing is verified.
    connect(&t, "old", "remote", None).await;
    sign(&t, "old").await;
    assert_eq!(seen(&t, "old").await, (true, None, None));
}
