//! The answers where the simulator once differed from Elasticsearch (found by running Elastic's
//! YAML REST tests, `tests/rest_conformance.rs`): one test per defect.

mod common;
use common::{T, b64};
use serde_json::{Value, json};

#[tokio::test]
async fn get_api_key_returns_the_dls_query_as_json_text() {
    let t = T::new().await;
    let r = t
        .es(
            "local",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(json!({"name": "k", "access": {"search": [
                {"names": ["logs*"], "query": {"term": {"category": "shared"}}}
            ]}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .es("local", "GET", &format!("/_security/api_key?id={id}"), None)
        .await;
    let k = &r.body["api_keys"][0];
    let text = json!("{\"term\":{\"category\":\"shared\"}}");
    assert_eq!(k["access"]["search"][0]["query"], text);
    assert_eq!(
        k["role_descriptors"]["cross_cluster"]["indices"][0]["query"],
        text
    );
    // An update with the same query given as an object is a no-op.
    let r = t
        .es(
            "local",
            "PUT",
            &format!("/_security/cross_cluster/api_key/{id}"),
            Some(json!({"access": {"search": [
                {"names": ["logs*"], "query": {"term": {"category": "shared"}}}
            ]}})),
        )
        .await;
    assert_eq!(r.body, json!({"updated": false}));
}

#[tokio::test]
async fn path_segments_are_percent_decoded() {
    let t = T::new().await;
    let r = t
        .es(
            "local",
            "PUT",
            "/_security/role/a%20b",
            Some(json!({"cluster": ["monitor"]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t.es("local", "GET", "/_security/role/a%20b", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body.get("a b").is_some(), "{}", r.body);
    assert!(r.body.get("a%20b").is_none());
    // `r%3A*` is the remote expression `r:*`, not a local index pattern.
    t.proxy_alias("local", "r", "remote", 9443).await;
    let r = t.es("local", "GET", "/_resolve/cluster/r%3A*", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("r").is_some(), "{}", r.body);
    assert!(r.body.get("(local)").is_none(), "{}", r.body);
}

#[tokio::test]
async fn reload_with_a_wrong_keystore_password_fails_per_node_and_loads_nothing() {
    let t = T::new().await;
    let (id, d) = t.dep("old-local");
    // 8.12 does not reload on its own: the stored key stays unloaded until a reload.
    let r = t.store_key("old-local", "r", &b64("a:b")).await;
    assert!(r.status < 300, "{}", r.body);
    let r = t
        .es(
            "old-local",
            "POST",
            "/_nodes/_local/reload_secure_settings",
            Some(json!({"secure_settings_password": "awrongpasswordhere"})),
        )
        .await;
    assert_eq!(r.status, 200);
    let nodes = r.body["nodes"].as_object().unwrap();
    let node = nodes.values().next().unwrap();
    assert_eq!(
        node["reload_exception"],
        json!({"type": "security_exception", "reason": "Provided keystore password was incorrect"})
    );
    let state = t.ctl("GET", "/_sim/state", None).await;
    let dep = &state.body["deployments"][&id];
    assert_eq!(
        dep["keystore_keys"],
        json!(["cluster.remote.r.credentials"]),
        "{dep}"
    );
    assert_eq!(dep["loaded_keystore_keys"], json!([]), "{dep}");
    // Without a password (Cloud keystores have none) the reload works.
    let r = t
        .es("old-local", "POST", "/_nodes/reload_secure_settings", None)
        .await;
    let node = r.body["nodes"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert!(node.get("reload_exception").is_none(), "{node}");
    assert_eq!(
        node["secure_setting_names"],
        json!(["cluster.remote.r.credentials"])
    );
    let _ = d;
}

#[tokio::test]
async fn a_cross_cluster_key_on_rest_gets_elasticsearchs_type_error() {
    let t = T::new().await;
    let k = t.ccs_key("local", "k").await;
    let id = k["id"].as_str().unwrap();
    let r = t
        .es_as(
            "local",
            "GET",
            "/_security/_authenticate",
            Some(format!("ApiKey {}", k["encoded"].as_str().unwrap())),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["type"], json!("security_exception"));
    assert_eq!(
        r.body["error"]["reason"],
        json!(format!(
            "authentication expected API key type of [rest], but API key [{id}] has type [cross_cluster]"
        ))
    );
    // The superuser authenticates.
    let r = t.es("local", "GET", "/_security/_authenticate", None).await;
    assert_eq!((r.status, &r.body["username"]), (200, &json!("elastic")));
}

#[tokio::test]
async fn role_names_given_as_a_string_read_back_as_a_list() {
    let t = T::new().await;
    let r = t
        .es(
            "local",
            "PUT",
            "/_security/role/r1",
            Some(json!({
                "indices": [{"names": "*", "privileges": "read"}],
                "remote_indices": [{"names": "logs*", "privileges": ["read"], "clusters": "*"}]
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t.es("local", "GET", "/_security/role/r1", None).await;
    assert_eq!(r.body["r1"]["indices"][0]["names"], json!(["*"]));
    assert_eq!(r.body["r1"]["indices"][0]["privileges"], json!(["read"]));
    assert_eq!(r.body["r1"]["remote_indices"][0]["names"], json!(["logs*"]));
    assert_eq!(r.body["r1"]["remote_indices"][0]["clusters"], json!(["*"]));
}

fn warnings(r: &common::Resp) -> Vec<String> {
    r.headers
        .get_all("warning")
        .iter()
        .map(|h| h.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn transient_settings_carry_the_deprecation_warning() {
    let t = T::new().await;
    let text = "[transient settings removal] Updating cluster settings through transient settings is deprecated. Some Elastic products may make use of transient settings and those should not be changed. Any custom use of transient settings should be replaced by persistent settings.";
    let body = json!({"transient": {"cluster.routing.allocation.enable": "none"}});
    let r = t
        .es("local", "PUT", "/_cluster/settings", Some(body.clone()))
        .await;
    assert_eq!(r.status, 200);
    let w = warnings(&r);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("299 Elasticsearch-9.1.0-"), "{}", w[0]);
    assert!(w[0].ends_with(&format!("\"{text}\"")), "{}", w[0]);
    // Persistent only: no warning. 7.5 predates the deprecation.
    let r = t
        .es(
            "local",
            "PUT",
            "/_cluster/settings",
            Some(json!({"persistent": {"cluster.routing.allocation.enable": "all"}, "transient": {}})),
        )
        .await;
    assert!(warnings(&r).is_empty());
    let r = t
        .es("legacy", "PUT", "/_cluster/settings", Some(body))
        .await;
    assert_eq!(r.status, 200);
    assert!(warnings(&r).is_empty());
}

async fn with_media_type(t: &T, name: &str, accept: &str, body: Option<Value>) -> common::Resp {
    let d = t.dep(name).1;
    let mut rb = t
        .http
        .request(
            if body.is_some() {
                reqwest::Method::PUT
            } else {
                reqwest::Method::GET
            },
            format!(
                "{}/{}",
                d.es_url,
                if body.is_some() {
                    "_cluster/settings"
                } else {
                    ""
                }
            ),
        )
        .header(
            "authorization",
            format!("Basic {}", b64(&format!("elastic:{}", d.password))),
        )
        .header("accept", accept);
    if let Some(b) = body {
        rb = rb.header("content-type", accept).body(b.to_string());
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.json().await.unwrap_or(Value::Null);
    common::Resp {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn compatible_with_media_types_follow_the_major_version() {
    let t = T::new().await;
    let v9 = "application/vnd.elasticsearch+json; compatible-with=9";
    let v8 = "application/vnd.elasticsearch+json; compatible-with=8";
    // 9.x takes 9 and 8.
    assert_eq!(with_media_type(&t, "local", v9, None).await.status, 200);
    assert_eq!(with_media_type(&t, "local", v8, None).await.status, 200);
    // 8.x refuses 9, as a real one does.
    let r = with_media_type(&t, "old-local", v9, None).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["error"]["type"],
        json!("media_type_header_exception")
    );
    assert_eq!(
        r.body["error"]["reason"],
        json!("Invalid media-type value on headers [Accept, Content-Type]")
    );
    assert_eq!(
        r.body["error"]["caused_by"]["reason"],
        json!(format!(
            "Accept version must be either version 8 or 7, but found 9. Accept={v9}"
        ))
    );
    assert_eq!(with_media_type(&t, "old-local", v8, None).await.status, 200);
    // 7.17 refuses 9 (and 8 is the next major, also refused).
    let r = with_media_type(&t, "legacy-remote", v9, None).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["error"]["caused_by"]["reason"],
        json!(format!(
            "Accept version must be either version 7 or 6, but found 9. Accept={v9}"
        ))
    );
    // A body with a compatible-with=9 Content-Type on 8.x.
    let r = with_media_type(
        &t,
        "old-local",
        v9,
        Some(json!({"persistent": {"cluster.routing.allocation.enable": "all"}})),
    )
    .await;
    assert_eq!(r.status, 400);
    // 7.5 predates REST compatibility: the vendor Content-Type is not supported.
    let r = with_media_type(
        &t,
        "legacy",
        v9,
        Some(json!({"persistent": {"cluster.routing.allocation.enable": "all"}})),
    )
    .await;
    assert_eq!(r.status, 406);
}

#[tokio::test]
async fn node_settings_are_defaults_and_configure_remotes() {
    let mut f = crosscluster_sim::Fixture::default_fixture();
    let remote_ep = f
        .deployments
        .iter()
        .find(|d| d.name == "remote")
        .unwrap()
        .endpoint
        .clone()
        .unwrap();
    f.deployments[0].node_settings = Some(json!({
        "node.attr.testattr": "test",
        "cluster.remote.my_remote_cluster.seeds": [format!("{remote_ep}:9400")]
    }));
    let t = T::with(
        f,
        crosscluster_sim::Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    )
    .await;
    let r = t
        .es(
            "local",
            "GET",
            "/_cluster/settings?include_defaults=true",
            None,
        )
        .await;
    assert_eq!(
        r.body["defaults"]["node"]["attr"]["testattr"],
        json!("test")
    );
    assert_eq!(
        r.body["defaults"]["cluster"]["remote"]["my_remote_cluster"]["seeds"],
        json!([format!("{remote_ep}:9400")])
    );
    assert_eq!(r.body["persistent"], json!({}));
    let r = t.es("local", "GET", "/_remote/info", None).await;
    assert_eq!(r.body["my_remote_cluster"]["mode"], json!("sniff"));
}
