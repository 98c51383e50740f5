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

/// `examples/permissions.json`, the table the docs render.
fn table() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/permissions.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn list(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// A request template with its placeholders filled in.
fn fill(template: &str, dep_id: &str) -> (String, String) {
    let (m, p) = template.split_once(' ').unwrap();
    let p = p
        .replace("{deployment_id}", dep_id)
        .replace("{ref_id}", "main-elasticsearch")
        .replace("{alias}", "r1")
        .replace("{name}", "some-role")
        .replace("{id}", "no-such-key");
    (m.to_string(), p)
}

/// Every row of the table against the simulator's enforcement: the documented privileges (or
/// Cloud role) let every listed request through, and each one of them is needed (without it,
/// or with the next lower Cloud role, at least one listed request is refused with a 403).
#[tokio::test]
async fn every_row_of_permissions_json_is_exactly_what_enforcement_needs() {
    let t = T::new().await;
    let table = table();
    let dep = t.id("local");
    let org = t.dep("local").1.organization_id;
    let (mut checked, mut organization_wide, mut total) = (0, 0, 0);
    let mut n = 0;
    for kind in ["resources", "data_sources"] {
        for (ty, rows) in table[kind].as_object().unwrap() {
            for row in rows.as_array().unwrap() {
                total += 1;
                let what = format!("{ty} {}", row["operations"]);
                let requests: Vec<(String, String)> = list(&row["requests"])
                    .iter()
                    .map(|r| fill(r, &dep))
                    .collect();
                if row["connection"] == "elasticsearch" {
                    let cluster = list(&row["cluster_privileges"]);
                    let indices: Vec<Value> = row["index_privileges"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|mut ip| {
                            let names: Vec<String> = list(&ip["names"])
                                .iter()
                                .map(|s| s.replace("<alias>", "r1"))
                                .collect();
                            ip["names"] = json!(names);
                            ip
                        })
                        .collect();
                    // The full set, then each privilege left out in turn.
                    let mut variants = vec![(None, cluster.clone(), indices.clone())];
                    for p in &cluster {
                        let less: Vec<String> =
                            cluster.iter().filter(|c| *c != p).cloned().collect();
                        variants.push((Some(p.clone()), less, indices.clone()));
                    }
                    for (i, ip) in indices.iter().enumerate() {
                        let mut less = indices.clone();
                        less.remove(i);
                        variants.push((
                            Some(format!("{} on {}", ip["privileges"], ip["names"])),
                            cluster.clone(),
                            less,
                        ));
                    }
                    for (left_out, cluster, indices) in variants {
                        n += 1;
                        let name = format!("u{n}");
                        let r = t
                            .es(
                                "local",
                                "PUT",
                                &format!("/_security/role/{name}"),
                                Some(json!({"cluster": cluster, "indices": indices})),
                            )
                            .await;
                        assert_eq!(r.status, 200, "{}", r.body);
                        t.ctl(
                            "POST",
                            &format!("/_sim/deployments/local/users/{name}"),
                            Some(json!({"password": "pw-123456", "roles": [name]})),
                        )
                        .await;
                        let auth = format!("Basic {}", b64(&format!("{name}:pw-123456")));
                        let mut denied = Vec::new();
                        for (m, p) in &requests {
                            let r = t.es_as("local", m, p, Some(auth.clone()), None).await;
                            if r.status == 403 {
                                denied.push(format!("{m} {p}: {}", reason(&r.body)));
                            }
                        }
                        match left_out {
                            None => assert!(
                                denied.is_empty(),
                                "{what}: the documented privileges are refused: {denied:?}"
                            ),
                            Some(p) => assert!(
                                !denied.is_empty(),
                                "{what}: {p} is documented but no listed request needs it"
                            ),
                        }
                    }
                } else {
                    let role = row["cloud_role"]["role"].as_str().unwrap();
                    let scope = row["cloud_role"]["scope"].as_str().unwrap();
                    let lower = match role {
                        "Editor" => Some("deployment-viewer"),
                        "Viewer" if scope == "deployment" => None,
                        // Any role in the organization lists it (the row's note), or an
                        // organization-wide role the simulator does not grade.
                        _ => {
                            organization_wide += 1;
                            continue;
                        }
                    };
                    let id = format!("deployment-{}", role.to_lowercase());
                    let other = t.id("old-local");
                    let mut variants = vec![(
                        false,
                        json!([{"role_id": id, "organization_id": org, "deployment_ids": [dep]}]),
                    )];
                    variants.push((true, match lower {
                        Some(l) => json!([{"role_id": l, "organization_id": org, "deployment_ids": [dep]}]),
                        // No role on this deployment (one on another, so the key has a role).
                        None => json!([{"role_id": id, "organization_id": org, "deployment_ids": [other]}]),
                    }));
                    for (less, assignments) in variants {
                        let k = t.ctl("POST", "/_sim/cloud_api_keys", Some(json!({"organization_id": org, "role_assignments": {"deployment": assignments}}))).await;
                        let auth = format!("ApiKey {}", k.body["key"].as_str().unwrap());
                        let mut denied = Vec::new();
                        for (m, p) in &requests {
                            let url = format!("{}{p}", t.sim.ready.cloud_url);
                            let r = t.send(m, url, Some(auth.clone()), None).await;
                            if r.status == 403 {
                                denied.push(format!("{m} {p}"));
                            }
                        }
                        if less {
                            assert!(!denied.is_empty(), "{what}: a role below {role} is enough");
                        } else {
                            assert!(denied.is_empty(), "{what}: {role} is refused: {denied:?}");
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    // Every row is checked but those that name an organization-wide role.
    assert_eq!(checked + organization_wide, total, "rows checked");
    assert!(checked >= 15, "only {checked} rows checked");
}

/// Users and role-scoped Cloud keys can also come from the fixture.
#[tokio::test]
async fn the_fixture_defines_users_and_role_scoped_cloud_keys() {
    let mut f: Value = serde_json::from_str(crosscluster_sim::fixture::DEFAULT_FIXTURE).unwrap();
    f["organizations"][0]["role_api_keys"] = json!([{"key": "viewer-key", "role_assignments":
        {"deployment": [{"role_id": "deployment-viewer", "deployment_ids": ["local"]}]}}]);
    let local = f["deployments"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|d| d["name"] == "local")
        .unwrap();
    local["roles"] = json!({"watcher": {"cluster": ["monitor"]}});
    local["users"] = json!({"watch": {"password": "pw-watch", "roles": ["watcher"]}});
    let fixture = crosscluster_sim::Fixture::from_json(&f.to_string()).unwrap();
    let t = T::with(fixture, Default::default()).await;
    let auth = Some(format!("Basic {}", b64("watch:pw-watch")));
    let r = t
        .es_as("local", "GET", "/_remote/info", auth.clone(), None)
        .await;
    assert_eq!(r.status, 200);
    let r = t
        .es_as(
            "local",
            "PUT",
            "/_cluster/settings",
            auth,
            Some(json!({"persistent": {}})),
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(reason(&r.body).contains("for user [watch] with effective roles [watcher]"));
    let url = format!(
        "{}/api/v1/deployments/{}",
        t.sim.ready.cloud_url,
        t.id("local")
    );
    let key = Some("ApiKey viewer-key".to_string());
    assert_eq!(
        t.send("GET", url.clone(), key.clone(), None).await.status,
        200
    );
    assert_eq!(t.send("PUT", url, key, Some(json!({}))).await.status, 403);
}
