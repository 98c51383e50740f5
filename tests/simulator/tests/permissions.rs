//! Least privilege: Cloud API keys with roles, Elasticsearch users with roles and API keys
//! limited by their owner, each request checked against what grants it (`src/auth.rs`).

mod common;
use common::{T, b64};
use serde_json::{Value, json};

fn reason(body: &Value) -> &str {
    body["error"]["reason"].as_str().unwrap_or("")
}

/// A role and a user with it on `dep`, through the real role API and the control API.
async fn user(t: &T, dep: &str, name: &str, cluster: &[&str]) -> String {
    let r = t
        .es(
            dep,
            "PUT",
            &format!("/_security/role/{name}-role"),
            Some(json!({"cluster": cluster})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t
        .ctl(
            "POST",
            &format!("/_sim/deployments/{dep}/users/{name}"),
            Some(json!({"password": "pw-123456", "roles": [format!("{name}-role"), "missing"]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    format!("Basic {}", b64(&format!("{name}:pw-123456")))
}

#[tokio::test]
async fn users_get_elasticsearchs_403_naming_the_granting_privileges() {
    let t = T::new().await;
    let ops = user(&t, "local", "ops", &["monitor", "manage"]).await;
    let r = t.es_as("local", "GET", "/", Some(ops.clone()), None).await;
    assert_eq!(r.status, 200);
    let body = json!({"persistent": {"cluster.remote.x.mode": "proxy", "cluster.remote.x.proxy_address": "a.b:9400"}});
    let r = t
        .es_as(
            "local",
            "PUT",
            "/_cluster/settings",
            Some(ops.clone()),
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t
        .es_as(
            "local",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(ops.clone()),
            Some(json!({"name": "k", "access": {"search": [{"names": ["*"]}]}})),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["type"], "security_exception");
    assert_eq!(
        reason(&r.body),
        "action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [ops] with effective roles [ops-role] (assigned roles [missing] were not found), this action is granted by the cluster privileges [manage_security,all]"
    );
    // Without monitor even GET / is refused.
    let sec = user(&t, "local", "sec", &["manage_security"]).await;
    let r = t.es_as("local", "GET", "/", Some(sec.clone()), None).await;
    assert_eq!(r.status, 403);
    assert!(
        reason(&r.body).starts_with("action [cluster:monitor/main] is unauthorized for user [sec]")
    );
    assert!(reason(&r.body).ends_with("granted by the cluster privileges [monitor,manage,all]"));
    // A wrong password is a 401, as before.
    let bad = format!("Basic {}", b64("sec:nope"));
    let r = t.es_as("local", "GET", "/", Some(bad), None).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn cross_cluster_keys_belong_to_their_creator() {
    let t = T::new().await;
    let a = user(&t, "remote", "alice", &["manage_security", "monitor"]).await;
    let b = user(&t, "remote", "bob", &["manage_security", "monitor"]).await;
    let r = t
        .es_as(
            "remote",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(a.clone()),
            Some(json!({"name": "k", "access": {"search": [{"names": ["*"]}]}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .es(
            "remote",
            "GET",
            &format!("/_security/api_key?id={id}"),
            None,
        )
        .await;
    assert_eq!(r.body["api_keys"][0]["username"], "alice");
    assert_eq!(r.body["api_keys"][0]["realm"], "default_native");
    let update = json!({"metadata": {"x": 1}});
    let path = format!("/_security/cross_cluster/api_key/{id}");
    let r = t
        .es_as(
            "remote",
            "PUT",
            &path,
            Some(b.clone()),
            Some(update.clone()),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        reason(&r.body),
        format!("no API key owned by requesting user found for ID [{id}]")
    );
    let r = t.es_as("remote", "PUT", &path, Some(a), Some(update)).await;
    assert_eq!(r.body, json!({"updated": true}));
    // Invalidating it needs manage_security, which bob has: any key, by id.
    let r = t
        .es_as(
            "remote",
            "DELETE",
            "/_security/api_key",
            Some(b),
            Some(json!({"ids": [id]})),
        )
        .await;
    assert_eq!(r.body["invalidated_api_keys"], json!([id]));
}

#[tokio::test]
async fn api_keys_are_limited_by_their_owner() {
    let t = T::new().await;
    let ops = user(&t, "local", "ops", &["monitor", "manage_own_api_key"]).await;
    // The key asks for `all`; its owner has monitor and manage_own_api_key only.
    let r = t
        .es_as(
            "local",
            "POST",
            "/_security/api_key",
            Some(ops),
            Some(json!({"name": "k", "role_descriptors": {"r": {"cluster": ["all"]}}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (id, encoded) = (
        r.body["id"].as_str().unwrap().to_string(),
        r.body["encoded"].as_str().unwrap().to_string(),
    );
    let key = Some(format!("ApiKey {encoded}"));
    let r = t
        .es_as("local", "GET", "/_remote/info", key.clone(), None)
        .await;
    assert_eq!(r.status, 200);
    let r = t
        .es_as(
            "local",
            "PUT",
            "/_security/role/x",
            key.clone(),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        reason(&r.body),
        format!(
            "action [cluster:admin/xpack/security/role/put] is unauthorized for API key id [{id}] of user [ops], this action is granted by the cluster privileges [manage_security,all]"
        )
    );
    let r = t
        .es(
            "local",
            "GET",
            &format!("/_security/api_key?id={id}&with_limited_by=true"),
            None,
        )
        .await;
    assert_eq!(
        r.body["api_keys"][0]["limited_by"][0]["ops-role"]["cluster"],
        json!(["monitor", "manage_own_api_key"])
    );
}

#[tokio::test]
async fn cloud_keys_with_roles_are_held_to_them() {
    let t = T::new().await;
    let (local, remote) = (t.id("local"), t.id("old-local"));
    let org = t.dep("local").1.organization_id;
    let r = t
        .ctl(
            "POST",
            "/_sim/cloud_api_keys",
            Some(json!({"organization_id": org, "role_assignments": {"deployment": [
                {"role_id": "deployment-editor", "organization_id": org, "deployment_ids": [local]},
                {"role_id": "deployment-viewer", "organization_id": org, "deployment_ids": [remote]}
            ]}})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let auth = Some(format!("ApiKey {}", r.body["key"].as_str().unwrap()));
    let url = |p: &str| format!("{}/api/v1{p}", t.sim.ready.cloud_url);
    let ks = |id: &str| {
        url(&format!(
            "/deployments/{id}/elasticsearch/main-elasticsearch/keystore"
        ))
    };
    let patch = json!({"secrets": {"cluster.remote.a.credentials": {"value": "x"}}});
    let r = t
        .send("PATCH", ks(&local), auth.clone(), Some(patch.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t.send("GET", ks(&remote), auth.clone(), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t
        .send("PATCH", ks(&remote), auth.clone(), Some(patch))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body,
        json!({"errors": [{"code": "root.permission_denied", "message": format!("To access the resource [r:/deployments/{remote}], the user must have the required authorization.")}]})
    );
    assert_eq!(r.headers["x-cloud-error-codes"], "root.permission_denied");
    // A deployment the key has no role for; the organization is still listed.
    let legacy = t.id("legacy");
    let r = t
        .send(
            "GET",
            url(&format!("/deployments/{legacy}")),
            auth.clone(),
            None,
        )
        .await;
    assert_eq!(r.status, 403);
    let r = t
        .send("GET", url("/organizations"), auth.clone(), None)
        .await;
    assert_eq!(r.body["organizations"][0]["id"], json!(org));
    // Another organization's deployment stays invisible (404).
    let other = t.id("remote");
    let r = t
        .send("GET", url(&format!("/deployments/{other}")), auth, None)
        .await;
    assert_eq!(r.status, 404);
    // Role assignments must name the key's organization and a known role.
    let r = t
        .ctl(
            "POST",
            "/_sim/cloud_api_keys",
            Some(
                json!({"organization_id": org, "role_assignments": {"deployment": [
                {"role_id": "deployment-owner", "organization_id": org, "all": true}]}}),
            ),
        )
        .await;
    assert_eq!(r.status, 400);
}
