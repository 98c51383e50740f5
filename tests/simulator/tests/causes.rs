//! One row per documented cause of a remote connection that does not come up
//! (api-facts-next section 6): what `_remote/info` and `_resolve/cluster` answer (Elasticsearch's
//! own texts, or no `error` where Elasticsearch gives none) and the cause the state dump names.

mod common;
use common::T;
use serde_json::{Value, json};

/// What the simulator answers about `alias` on `local`.
struct Seen {
    connected: bool,
    cause: Option<String>,
    /// The `error` of `_resolve/cluster` (None: absent); from the state dump before 8.13.
    error: Option<String>,
}

async fn seen(t: &T, local: &str, alias: &str) -> Seen {
    let info = t.remote_info(local, alias).await;
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    let c = &st["deployments"][t.id(local)]["connections"][alias];
    let mut error = c["resolve_error"].as_str().map(str::to_string);
    let r = t
        .es(local, "GET", &format!("/_resolve/cluster/{alias}:*"), None)
        .await;
    if r.status == 200 {
        let e = &r.body[alias];
        assert_eq!(e["connected"], info["connected"], "{e}");
        error = e.get("error").and_then(Value::as_str).map(str::to_string);
        assert_eq!(error.as_deref(), c["resolve_error"].as_str());
    }
    assert_eq!(info["connected"], c["connected"]);
    if info["connected"] == json!(false) {
        assert!(
            info.get("num_proxy_sockets_connected")
                .is_none_or(|n| n == &json!(0))
        );
    }
    Seen {
        connected: info["connected"].as_bool().unwrap(),
        cause: c["cause"].as_str().map(str::to_string),
        error,
    }
}

fn expect(s: &Seen, cause: &str, error: Option<&str>) {
    assert!(!s.connected);
    assert_eq!(s.cause.as_deref(), Some(cause));
    match error {
        None => assert_eq!(s.error, None, "expected no error for {cause}"),
        Some(e) => assert!(
            s.error.as_deref().is_some_and(|x| x.contains(e)),
            "{cause}: {:?} lacks {e}",
            s.error
        ),
    }
}

async fn alias(t: &T, local: &str, name: &str, address: &str, server_name: &str) {
    let r = t
        .es(
            local,
            "PUT",
            "/_cluster/settings",
            Some(json!({"persistent": {"cluster": {"remote": {name: {
                "mode": "proxy", "proxy_address": address, "server_name": server_name
            }}}}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

const NO_HEADER: &str = "java.lang.IllegalArgumentException: Cross cluster requests through the dedicated remote cluster server port require transport header [_cross_cluster_access_credentials] but none found. Please ensure you have configured remote cluster credentials on the cluster originating the request.";
const PKIX: &str = "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target";
const BAD_CERT: &str = "javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate";

#[tokio::test]
async fn version_incompatibility_both_directions() {
    let t = T::extended(0).await;
    let old = t.dep("old-remote").1.endpoint;
    let new = t.dep("local").1.endpoint;
    alias(&t, "local", "o", &format!("{old}:9400"), &old).await;
    let s = seen(&t, "local", "o").await;
    expect(
        &s,
        "remote_too_old",
        Some(
            "failed: remote node version [8.18.0] is incompatible with local node version [9.1.0]",
        ),
    );
    assert!(
        s.error
            .unwrap()
            .starts_with("java.lang.IllegalStateException: handshake with [")
    );
    alias(&t, "old-remote", "n", &format!("{new}:9443"), &new).await;
    expect(
        &seen(&t, "old-remote", "n").await,
        "remote_too_new",
        Some("remote node version [9.1.0] is incompatible with local node version [8.18.0]"),
    );
}

#[tokio::test]
async fn unreachable_and_unroutable_addresses_have_no_error() {
    let t = T::extended(0).await;
    let b = t.dep("local-b").1.endpoint;
    let r = t.dep("remote").1.endpoint;
    alias(&t, "local", "sn", &format!("{b}:9400"), &r).await;
    expect(&seen(&t, "local", "sn").await, "server_name", None);
    alias(
        &t,
        "local",
        "gone",
        "nowhere.example.com:9400",
        "nowhere.example.com",
    )
    .await;
    expect(&seen(&t, "local", "gone").await, "unreachable", None);
    alias(&t, "local", "p", &format!("{b}:9300"), &b).await;
    expect(&seen(&t, "local", "p").await, "port", None);
}

#[tokio::test]
async fn port_9400_versus_9443_for_the_model() {
    let t = T::extended(0).await;
    let key = t.ccs_key("remote", "k").await;
    let ep = t.dep("remote").1.endpoint;
    // Credentials (API-key model) but the certificate port.
    t.store_key("local", "k1", key["encoded"].as_str().unwrap())
        .await;
    alias(&t, "local", "k1", &format!("{ep}:9400"), &ep).await;
    expect(&seen(&t, "local", "k1").await, "port", Some(BAD_CERT));
    // The API-key port without credentials.
    alias(&t, "local", "k2", &format!("{ep}:9443"), &ep).await;
    expect(
        &seen(&t, "local", "k2").await,
        "credentials_missing",
        Some(NO_HEADER),
    );
    // The same alias with credentials connects.
    t.store_key("local", "k2", key["encoded"].as_str().unwrap())
        .await;
    assert!(seen(&t, "local", "k2").await.connected);
}

#[tokio::test]
async fn credentials_not_yet_reloaded_and_api_key_model_versions() {
    let t = T::extended(0).await;
    // 8.12 does not reload its keystore on its own; 8.18 is wire-compatible with it.
    let key = t.ccs_key("old-remote", "k").await;
    let ep = t.dep("old-remote").1.endpoint;
    t.store_key("old-local", "r", key["encoded"].as_str().unwrap())
        .await;
    alias(&t, "old-local", "r", &format!("{ep}:9443"), &ep).await;
    expect(
        &seen(&t, "old-local", "r").await,
        "credentials_not_loaded",
        Some(NO_HEADER),
    );
    let r = t
        .es("old-local", "POST", "/_nodes/reload_secure_settings", None)
        .await;
    assert_eq!(r.status, 200);
    assert!(seen(&t, "old-local", "r").await.connected);
    // 7.17 has no remote cluster server.
    let ep = t.dep("legacy-remote").1.endpoint;
    alias(&t, "old-local", "l", &format!("{ep}:9443"), &ep).await;
    expect(
        &seen(&t, "old-local", "l").await,
        "api_key_model_version",
        Some(
            "all nodes must have version [8.10.0] or higher to support cross cluster requests through the dedicated remote cluster port",
        ),
    );
}

#[tokio::test]
async fn keys_invalidated_expired_of_another_cluster_or_rest() {
    let t = T::extended(0).await;
    let ep = t.dep("remote").1.endpoint;
    let handshake = |id: &str| {
        format!(
            "unable to authenticate user [{id}] for action [cluster:internal/remote_cluster/handshake]"
        )
    };
    // Invalidated.
    let k = t.ccs_key("remote", "inv").await;
    let id = k["id"].as_str().unwrap().to_string();
    t.store_key("local", "inv", k["encoded"].as_str().unwrap())
        .await;
    alias(&t, "local", "inv", &format!("{ep}:9443"), &ep).await;
    assert!(seen(&t, "local", "inv").await.connected);
    let r = t
        .es(
            "remote",
            "DELETE",
            "/_security/api_key",
            Some(json!({"ids": [id]})),
        )
        .await;
    assert_eq!(r.status, 200);
    expect(
        &seen(&t, "local", "inv").await,
        "key_invalidated",
        Some(&handshake(&id)),
    );
    // Expired.
    let k = t.ccs_key("remote", "exp").await;
    let id = k["id"].as_str().unwrap().to_string();
    t.store_key("local", "exp", k["encoded"].as_str().unwrap())
        .await;
    alias(&t, "local", "exp", &format!("{ep}:9443"), &ep).await;
    let r = t
        .ctl(
            "POST",
            &format!("/_sim/deployments/remote/api_keys/{id}/expire"),
            None,
        )
        .await;
    assert!(r.status < 300, "{}", r.body);
    expect(
        &seen(&t, "local", "exp").await,
        "key_expired",
        Some(&handshake(&id)),
    );
    // A key of another cluster (local-b's key used towards remote).
    let k = t.ccs_key("local-b", "other").await;
    let id = k["id"].as_str().unwrap().to_string();
    t.store_key("local", "oth", k["encoded"].as_str().unwrap())
        .await;
    alias(&t, "local", "oth", &format!("{ep}:9443"), &ep).await;
    expect(
        &seen(&t, "local", "oth").await,
        "key_of_another_cluster",
        Some(&handshake(&id)),
    );
    // A REST key where a cross-cluster key is needed.
    let r = t
        .es(
            "remote",
            "POST",
            "/_security/api_key",
            Some(json!({"name": "rest"})),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_string();
    t.store_key("local", "rest", r.body["encoded"].as_str().unwrap())
        .await;
    alias(&t, "local", "rest", &format!("{ep}:9443"), &ep).await;
    expect(
        &seen(&t, "local", "rest").await,
        "rest_key",
        Some(&format!(
            "authentication expected API key type of [cross_cluster], but API key [{id}] has type [rest]"
        )),
    );
}

#[tokio::test]
async fn trust_missing_on_either_side_and_allowlists() {
    let t = T::extended(0).await;
    let (_, r) = t.dep("remote");
    let (_, l) = t.dep("local");
    alias(
        &t,
        "local",
        "c",
        &format!("{}:9400", r.endpoint),
        &r.endpoint,
    )
    .await;
    // Local does not trust organization 2.
    expect(&seen(&t, "local", "c").await, "local_trust", Some(PKIX));
    // Local trusts it; remote does not trust organization 1.
    let own = json!({"account_id": l.organization_id, "trust_all": true});
    let r2 = t
        .put_trust(
            "local",
            json!({"accounts": [own, {"account_id": r.organization_id, "trust_all": true}]}),
        )
        .await;
    assert!(r2.status < 300);
    expect(
        &seen(&t, "local", "c").await,
        "remote_trust",
        Some(BAD_CERT),
    );
    // Both trust: connected.
    let back = t
        .put_trust(
            "remote",
            json!({"accounts": [{"account_id": r.organization_id, "trust_all": true},
                                {"account_id": l.organization_id, "trust_all": true}]}),
        )
        .await;
    assert!(back.status < 300);
    assert!(seen(&t, "local", "c").await.connected);
    // The local allowlist for organization 2 lacks the remote's cluster id.
    let r3 = t
        .put_trust(
            "local",
            json!({"accounts": [own, {"account_id": r.organization_id, "trust_all": false,
                   "trust_allowlist": ["0123456789abcdef0123456789abcdef"]}]}),
        )
        .await;
    assert!(r3.status < 300);
    expect(&seen(&t, "local", "c").await, "local_trust", Some(PKIX));
    // With the id in it: connected again.
    let r4 = t
        .put_trust(
            "local",
            json!({"accounts": [own, {"account_id": r.organization_id, "trust_all": false,
                   "trust_allowlist": [r.cluster_id]}]}),
        )
        .await;
    assert!(r4.status < 300);
    assert!(seen(&t, "local", "c").await.connected);
    // The remote's allowlist for organization 1 lacks local's id.
    let r5 = t
        .put_trust(
            "remote",
            json!({"accounts": [{"account_id": r.organization_id, "trust_all": true},
                                {"account_id": l.organization_id, "trust_all": false, "trust_allowlist": [t.dep("local-b").1.cluster_id]}]}),
        )
        .await;
    assert!(r5.status < 300);
    expect(
        &seen(&t, "local", "c").await,
        "remote_trust",
        Some(BAD_CERT),
    );
}
