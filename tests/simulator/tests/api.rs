//! HTTP-level tests of every Cloud and Elasticsearch endpoint: success paths and documented errors.

mod common;
use common::{T, b64};
use serde_json::{Value, json};

fn code(r: &common::Resp) -> &str {
    r.body["errors"][0]["code"].as_str().unwrap_or("")
}

fn reason(r: &common::Resp) -> String {
    r.body["error"]["reason"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn cloud_auth_and_org_scoping() {
    let t = T::new().await;
    let id = t.id("local");
    let url = format!("{}/api/v1/deployments/{id}", t.sim.ready.cloud_url);
    let r = t.send("GET", url.clone(), None, None).await;
    assert_eq!(r.status, 401);
    assert_eq!(code(&r), "root.unauthorized");
    assert_eq!(r.headers["x-cloud-error-codes"], "root.unauthorized");
    let r = t.send("GET", url, Some("ApiKey nope".into()), None).await;
    assert_eq!(r.status, 401);
    // Organization 2's key cannot see organization 1's deployment.
    let r = t
        .cloud("GET", &format!("/deployments/{id}"), "remote", None)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(code(&r), "deployments.deployment_not_found");
    assert_eq!(
        r.headers["x-cloud-error-codes"],
        "deployments.deployment_not_found"
    );
    let r = t
        .cloud(
            "GET",
            "/deployments/0123456789abcdef0123456789abcdef",
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    // Organizations, account, trusted environments.
    let org1 = t.dep("local").1.organization_id;
    let r = t.cloud("GET", "/organizations", "local", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["organizations"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["organizations"][0]["id"], json!(org1));
    let r = t.cloud("GET", "/account", "local", None).await;
    assert_eq!(r.body["id"], json!(org1));
    assert_eq!(r.body["trust"]["trust_all"], json!(true));
    let r = t.cloud("GET", "/trusted-environments", "local", None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body["accounts"].is_array()
            && r.body["direct"].is_array()
            && r.body["external"].is_array()
    );
    let org2 = t.dep("remote").1.organization_id;
    let r = t
        .cloud("GET", &format!("/organizations/{org2}"), "local", None)
        .await;
    assert_eq!((r.status, code(&r)), (403, "organization.invalid_access"));
    let r = t
        .cloud("GET", "/organizations/9999999999", "local", None)
        .await;
    assert_eq!((r.status, code(&r)), (404, "organization.not_found"));
}

#[tokio::test]
async fn cloud_get_deployment_flags() {
    let t = T::new().await;
    let (id, d) = t.dep("local");
    let r = t
        .cloud("GET", &format!("/deployments/{id}"), "local", None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["x-cloud-resource-version"], "1");
    assert!(r.headers.contains_key("x-cloud-resource-created"));
    assert!(r.headers.contains_key("x-cloud-resource-last-modified"));
    let es = &r.body["resources"]["elasticsearch"][0];
    assert_eq!(es["ref_id"], "main-elasticsearch");
    assert_eq!(es["id"], json!(d.cluster_id));
    assert_eq!(es["info"]["cluster_id"], json!(d.cluster_id));
    assert_eq!(es["info"]["metadata"]["endpoint"], json!(d.endpoint));
    assert_eq!(
        es["info"]["metadata"]["ports"]["transport_passthrough"],
        9400
    );
    assert_eq!(es["info"]["metadata"]["service_url"], json!(d.es_url));
    assert!(
        es["info"].get("settings").is_none(),
        "trust only with show_settings"
    );
    assert!(es["info"]["plan_info"]["current"]["plan"]["elasticsearch"]["version"] == "9.1.0");
    for kind in [
        "kibana",
        "apm",
        "appsearch",
        "enterprise_search",
        "integrations_server",
    ] {
        assert!(r.body["resources"][kind].is_array());
    }
    let r = t
        .cloud(
            "GET",
            &format!("/deployments/{id}?show_settings=true&show_plans=false&show_metadata=true"),
            "local",
            None,
        )
        .await;
    let info = &r.body["resources"]["elasticsearch"][0]["info"];
    assert_eq!(
        info["settings"]["metadata"]["organization_id"],
        json!(d.organization_id)
    );
    assert_eq!(
        info["settings"]["trust"]["accounts"][0]["account_id"],
        json!(d.organization_id)
    );
    assert_eq!(
        info["settings"]["trust"]["accounts"][0]["trust_all"],
        json!(true)
    );
    assert!(info["plan_info"].get("current").is_none());
    assert!(info["metadata"]["raw"].is_object());
    // ES resource endpoint, `_main` alias, bad ref_id.
    let r = t
        .cloud(
            "GET",
            &format!("/deployments/{id}/elasticsearch/_main?show_settings=true"),
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["info"]["settings"]["trust"]["accounts"][0]["trust_all"],
        true
    );
    let r = t
        .cloud(
            "GET",
            &format!("/deployments/{id}/elasticsearch/nope"),
            "local",
            None,
        )
        .await;
    assert_eq!(
        (r.status, code(&r)),
        (404, "deployments.deployment_resource_not_found")
    );
}

#[tokio::test]
async fn cloud_put_deployment_rules_and_plans() {
    let t = T::with(
        crosscluster_sim::Fixture::default_fixture(),
        crosscluster_sim::Options {
            // Long enough that the "pending" check cannot race the plan; the test completes
            // the plan itself.
            plan_ms: 60_000,
            latency_ms: 0,
        },
    )
    .await;
    let id = t.id("local");
    let path = format!("/deployments/{id}");
    // prune_orphans is required.
    let r = t
        .cloud("PUT", &path, "local", Some(json!({"resources": {}})))
        .await;
    assert_eq!((r.status, code(&r)), (400, "root.invalid_json_request"));
    assert_eq!(r.body["errors"][0]["fields"][0], "prune_orphans");
    // Each ES entry needs ref_id, region and plan.
    for missing in ["ref_id", "region", "plan"] {
        let mut body = t.update_body("local", None).await;
        body["resources"]["elasticsearch"][0]
            .as_object_mut()
            .unwrap()
            .remove(missing);
        let r = t.cloud("PUT", &path, "local", Some(body)).await;
        assert_eq!(r.status, 400, "{missing}");
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(missing)
        );
    }
    let r = t.cloud("PUT", &path, "local", Some(json!(null))).await;
    assert_eq!(r.status, 400);
    // Unknown deployment.
    let r = t
        .cloud(
            "PUT",
            "/deployments/0123456789abcdef0123456789abcdef",
            "local",
            Some(json!({"prune_orphans": false})),
        )
        .await;
    assert_eq!(r.status, 404);
    // Replace trust: the whole object is replaced; omitted lists are cleared.
    let org2 = t.dep("remote").1.organization_id;
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    let r = t
        .put_trust("local", json!({
            "accounts": [{"account_id": org2, "trust_all": false, "trust_allowlist": [t.dep("remote").1.cluster_id], "name": "remote org"}],
            "direct": [{"name": "self-managed", "type": "generic", "trust_all": false, "additional_node_names": ["node1.example.com"], "certificates": [{"pem": pem}]}]
        }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.headers["x-cloud-resource-version"], "2");
    assert_eq!(r.body["resources"][0]["kind"], "elasticsearch");
    let (trust, v) = t.trust("local").await;
    assert_eq!(v, "2");
    assert_eq!(trust["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(trust["accounts"][0]["account_id"], json!(org2));
    assert_eq!(trust["external"], json!([]));
    let uid = trust["direct"][0]["uid"].as_str().unwrap().to_string();
    assert!(!uid.is_empty());
    assert!(trust["direct"][0]["certificates"][0]["metadata"]["fingerprint"].is_string());
    // A pending plan exists until plan_ms passes.
    let r = t
        .cloud("GET", &format!("{path}?show_plan_logs=true"), "local", None)
        .await;
    let pi = &r.body["resources"]["elasticsearch"][0]["info"]["plan_info"];
    assert!(pi["pending"].is_object(), "{pi}");
    t.ctl("POST", "/_sim/deployments/local/complete_plan", None)
        .await;
    let r = t
        .cloud(
            "GET",
            &format!("{path}?show_plan_logs=true&show_plan_history=true"),
            "local",
            None,
        )
        .await;
    let pi = &r.body["resources"]["elasticsearch"][0]["info"]["plan_info"];
    assert!(pi.get("pending").is_none());
    let log = pi["current"]["plan_attempt_log"].as_array().unwrap();
    assert_eq!(log.last().unwrap()["step_id"], "plan-completed");
    assert_eq!(log.last().unwrap()["status"], "success");
    assert_eq!(pi["history"].as_array().unwrap().len(), 2);
    // Omitted settings keep the trust; the uid sent back is kept.
    let r = t
        .cloud(
            "PUT",
            &path,
            "local",
            Some(t.update_body("local", None).await),
        )
        .await;
    assert_eq!(r.status, 200);
    let (trust2, _) = t.trust("local").await;
    assert_eq!(trust2["direct"][0]["uid"], json!(uid));
    assert_eq!(trust2["accounts"], trust["accounts"]);
    // null reverts to the default.
    let mut body = t.update_body("local", None).await;
    body["resources"]["elasticsearch"][0]["settings"]["trust"] = Value::Null;
    let r = t.cloud("PUT", &path, "local", Some(body)).await;
    assert_eq!(r.status, 200);
    let (trust3, v3) = t.trust("local").await;
    assert_eq!(v3, "4");
    assert_eq!(
        trust3["accounts"][0]["account_id"],
        json!(t.dep("local").1.organization_id)
    );
    // Version conflict.
    let body = t.update_body("local", None).await;
    let r = t
        .cloud(
            "PUT",
            &format!("{path}?version=2"),
            "local",
            Some(body.clone()),
        )
        .await;
    assert_eq!((r.status, code(&r)), (409, "deployments.version_conflict"));
    let r = t
        .cloud("PUT", &format!("{path}?version=4"), "local", Some(body))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["x-cloud-resource-version"], "5");
    // Trust validation: direct without certificates, accounts without trust_all.
    let r = t
        .put_trust("local", json!({"accounts": [{"account_id": "1"}]}))
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("trust_all")
    );
    let r = t
        .put_trust(
            "local",
            json!({"direct": [{"name": "x", "trust_all": false, "certificates": []}]}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = t
        .put_trust(
            "local",
            json!({"direct": [{"name": "x", "trust_all": true, "certificates": [{"pem": pem}]}]}),
        )
        .await;
    assert_eq!(r.status, 400, "trust_all needs scope_id");
    // validate_only changes nothing.
    let body = t.update_body("local", Some(json!({"accounts": []}))).await;
    let r = t
        .cloud(
            "PUT",
            &format!("{path}?validate_only=true"),
            "local",
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(t.trust("local").await.0, trust3);
}

#[tokio::test]
async fn cloud_cancel_pending_and_restart() {
    let t = T::with(
        crosscluster_sim::Fixture::default_fixture(),
        crosscluster_sim::Options {
            plan_ms: 60_000,
            latency_ms: 0,
        },
    )
    .await;
    let (id, d) = t.dep("local");
    let cancel = format!("/deployments/{id}/elasticsearch/{}/plan/pending", d.ref_id);
    let r = t.cloud("DELETE", &cancel, "local", None).await;
    assert_eq!(
        (r.status, code(&r)),
        (400, "deployments.resource_does_not_have_a_pending_plan")
    );
    let r = t
        .cloud(
            "DELETE",
            &format!("{cancel}?ignore_missing=true"),
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    let before = t.trust("local").await.0;
    let r = t.put_trust("local", json!({"accounts": []})).await;
    assert_eq!(r.status, 200);
    assert_eq!(t.trust("local").await.0["accounts"], json!([]));
    let r = t.cloud("DELETE", &cancel, "local", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"id": id, "kind": "elasticsearch", "ref_id": d.ref_id})
    );
    assert_eq!(
        t.trust("local").await.0,
        before,
        "cancel reverts to the applied trust"
    );
    let r = t
        .cloud(
            "DELETE",
            &format!("/deployments/{id}/kibana/main-kibana/plan/pending"),
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    // Restart: 202 and a pending plan.
    let r = t
        .cloud(
            "POST",
            &format!("/deployments/{id}/elasticsearch/{}/_restart", d.ref_id),
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(r.body, json!({}));
    let g = t
        .cloud("GET", &format!("/deployments/{id}"), "local", None)
        .await;
    assert!(g.body["resources"]["elasticsearch"][0]["info"]["plan_info"]["pending"].is_object());
    let r = t
        .cloud(
            "POST",
            &format!("/deployments/{id}/elasticsearch/nope/_restart"),
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn cloud_keystore() {
    let t = T::new().await;
    let (id, d) = t.dep("local");
    let path = format!("/deployments/{id}/elasticsearch/{}/keystore", d.ref_id);
    let r = t.cloud("GET", &path, "local", None).await;
    assert_eq!((r.status, r.body.clone()), (200, json!({"secrets": {}})));
    let r = t
        .cloud(
            "PATCH",
            &path,
            "local",
            Some(
                json!({"secrets": {"a.secret": {"value": "s1"}, "b.secret": {"value": {"x": 1}}}}),
            ),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"secrets": {"a.secret": {"as_file": false}, "b.secret": {"as_file": true}}})
    );
    assert!(
        !r.body.to_string().contains("s1"),
        "values are never returned"
    );
    // Partial: keys left out are kept; null and a value-less entry remove.
    let r = t
        .cloud(
            "PATCH",
            &path,
            "local",
            Some(json!({"secrets": {"c.secret": {"value": "s3"}, "a.secret": null}})),
        )
        .await;
    assert_eq!(
        r.body,
        json!({"secrets": {"b.secret": {"as_file": true}, "c.secret": {"as_file": false}}})
    );
    let r = t
        .cloud(
            "PATCH",
            &path,
            "local",
            Some(json!({"secrets": {"b.secret": {"as_file": false}}})),
        )
        .await;
    assert_eq!(r.body, json!({"secrets": {"c.secret": {"as_file": false}}}));
    let r = t.cloud("GET", &path, "local", None).await;
    assert_eq!(r.body, json!({"secrets": {"c.secret": {"as_file": false}}}));
    let r = t.cloud("PATCH", &path, "local", Some(json!({}))).await;
    assert_eq!((r.status, code(&r)), (400, "root.invalid_json_request"));
    let r = t
        .cloud(
            "GET",
            &format!("/deployments/{id}/elasticsearch/nope/keystore"),
            "local",
            None,
        )
        .await;
    assert_eq!(
        (r.status, code(&r)),
        (404, "deployments.deployment_resource_not_found")
    );
    let r = t.cloud("GET", &path, "remote", None).await;
    assert_eq!(
        (r.status, code(&r)),
        (404, "deployments.deployment_not_found")
    );
}

#[tokio::test]
async fn cloud_remote_clusters() {
    let t = T::extended(0).await;
    let (id, d) = t.dep("local");
    let (lb_id, lb) = t.dep("local-b");
    let path = format!(
        "/deployments/{id}/elasticsearch/{}/remote-clusters",
        d.ref_id
    );
    let r = t.cloud("GET", &path, "local", None).await;
    assert_eq!(r.body, json!({"resources": []}));
    let r = t
        .cloud("PUT", &path, "local", Some(json!({"resources": [{"deployment_id": lb_id, "elasticsearch_ref_id": lb.ref_id, "alias": "lb", "skip_unavailable": true}]})))
        .await;
    assert_eq!((r.status, r.body.clone()), (202, json!({})));
    let r = t.cloud("GET", &path, "local", None).await;
    let e = &r.body["resources"][0];
    assert_eq!(e["alias"], "lb");
    assert_eq!(e["skip_unavailable"], true);
    // Same organization: trusted both ways by default, connected over 9400.
    assert_eq!(
        e["info"],
        json!({"healthy": true, "connected": true, "compatible": true, "trusted": true, "trusted_back": true})
    );
    let info = t.remote_info("local", "lb").await;
    assert_eq!(info["connected"], true);
    assert_eq!(
        info["proxy_address"],
        json!(format!("{}:9400", lb.endpoint))
    );
    // PUT replaces the list: an empty list removes the alias and its settings.
    let r = t
        .cloud("PUT", &path, "local", Some(json!({"resources": []})))
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(
        t.cloud("GET", &path, "local", None).await.body,
        json!({"resources": []})
    );
    assert_eq!(
        t.es("local", "GET", "/_remote/info", None).await.body,
        json!({})
    );
    // Errors: bad alias, missing field, another organization's deployment.
    let r = t.cloud("PUT", &path, "local", Some(json!({"resources": [{"deployment_id": lb_id, "elasticsearch_ref_id": "main-elasticsearch", "alias": "bad alias"}]}))).await;
    assert_eq!(r.status, 400);
    let r = t
        .cloud(
            "PUT",
            &path,
            "local",
            Some(json!({"resources": [{"deployment_id": lb_id, "alias": "x"}]})),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = t.cloud("PUT", &path, "local", Some(json!({"resources": [{"deployment_id": t.id("remote"), "elasticsearch_ref_id": "main-elasticsearch", "alias": "x"}]}))).await;
    assert_eq!(
        (r.status, code(&r)),
        (404, "deployments.deployment_not_found")
    );
    // The remote trusting nobody shows trusted_back false.
    t.put_trust("local-b", json!({"accounts": []})).await;
    t.cloud("PUT", &path, "local", Some(json!({"resources": [{"deployment_id": lb_id, "elasticsearch_ref_id": "main-elasticsearch", "alias": "lb"}]}))).await;
    let r = t.cloud("GET", &path, "local", None).await;
    assert_eq!(r.body["resources"][0]["info"]["trusted"], true);
    assert_eq!(r.body["resources"][0]["info"]["trusted_back"], false);
    assert_eq!(r.body["resources"][0]["info"]["connected"], false);
}

#[tokio::test]
async fn cloud_trust_relationships() {
    let t = T::new().await;
    let r = t
        .cloud(
            "GET",
            "/platform/configuration/trust-relationships",
            "local",
            None,
        )
        .await;
    assert_eq!(r.body, json!({"trust_relationships": []}));
    let r = t
        .cloud(
            "POST",
            "/platform/configuration/trust-relationships",
            "local",
            Some(json!({"name": "ece", "public_ca_cert": "pem"})),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .cloud(
            "PUT",
            &format!("/platform/configuration/trust-relationships/{id}"),
            "local",
            Some(json!({"name": "ece2"})),
        )
        .await;
    assert_eq!(r.body["name"], "ece2");
    let r = t
        .cloud(
            "GET",
            &format!("/platform/configuration/trust-relationships/{id}"),
            "local",
            None,
        )
        .await;
    assert_eq!(r.body["name"], "ece2");
    assert!(r.body["last_modified"].is_string());
    let r = t
        .cloud(
            "DELETE",
            &format!("/platform/configuration/trust-relationships/{id}"),
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    let r = t
        .cloud(
            "GET",
            &format!("/platform/configuration/trust-relationships/{id}"),
            "local",
            None,
        )
        .await;
    assert_eq!((r.status, code(&r)), (404, "trust_relationships.not_found"));
    let r = t
        .cloud(
            "POST",
            "/platform/configuration/trust-relationships",
            "local",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn es_root_and_auth() {
    let t = T::new().await;
    for (name, ver, wire) in [
        ("local", "9.1.0", "8.19.0"),
        ("old-local", "8.12.2", "7.17.0"),
        ("legacy", "7.5.2", "6.8.0"),
    ] {
        let r = t.es(name, "GET", "/", None).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["version"]["number"], ver);
        assert_eq!(
            r.body["version"]["minimum_wire_compatibility_version"],
            wire
        );
        assert_eq!(r.headers["x-elastic-product"], "Elasticsearch");
    }
    let r = t.es_as("local", "GET", "/", None, None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["type"], "security_exception");
    assert!(reason(&r).starts_with("missing authentication credentials for REST request [/]"));
    assert!(r.headers.contains_key("www-authenticate"));
    let r = t
        .es_as(
            "local",
            "GET",
            "/",
            Some(format!("Basic {}", b64("elastic:wrong"))),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        reason(&r),
        "unable to authenticate user [elastic] for REST request [/]"
    );
    // Another deployment's password does not work here.
    let other = t.dep("remote").1.password;
    let r = t
        .es_as(
            "local",
            "GET",
            "/",
            Some(format!("Basic {}", b64(&format!("elastic:{other}")))),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    let r = t
        .es_as(
            "local",
            "GET",
            "/",
            Some(format!("ApiKey {}", b64("a:b"))),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    // A REST API key authenticates; a cross-cluster key does not.
    let k = t
        .es(
            "local",
            "POST",
            "/_security/api_key",
            Some(json!({"name": "rest"})),
        )
        .await;
    let enc = k.body["encoded"].as_str().unwrap().to_string();
    let r = t
        .es_as(
            "local",
            "GET",
            "/_remote/info",
            Some(format!("ApiKey {enc}")),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    let c = t.ccs_key("local", "ccs").await;
    let r = t
        .es_as(
            "local",
            "GET",
            "/",
            Some(format!("ApiKey {}", c["encoded"].as_str().unwrap())),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    // Unknown endpoint.
    let r = t.es("local", "GET", "/_nope", None).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("no handler found for uri [/_nope]")
    );
}

#[tokio::test]
async fn es_cross_cluster_keys() {
    let t = T::new().await;
    let body = json!({"name": "k1", "access": {"search": [{"names": ["logs-*"]}], "replication": [{"names": ["archive-*"]}]}, "expiration": "30d", "metadata": {"env": "prod"}});
    let r = t
        .es(
            "local",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let secret = r.body["api_key"].as_str().unwrap();
    assert_eq!(r.body["encoded"], json!(b64(&format!("{id}:{secret}"))));
    assert!(r.body["expiration"].as_i64().unwrap() > 0);
    // GET by id.
    let g = t
        .es("local", "GET", &format!("/_security/api_key?id={id}"), None)
        .await;
    let k = &g.body["api_keys"][0];
    assert_eq!(k["type"], "cross_cluster");
    assert_eq!(k["invalidated"], false);
    assert_eq!(
        k["access"]["search"][0],
        json!({"names": ["logs-*"], "allow_restricted_indices": false})
    );
    assert_eq!(
        k["role_descriptors"]["cross_cluster"]["cluster"],
        json!([
            "cross_cluster_search",
            "monitor_enrich",
            "cross_cluster_replication"
        ])
    );
    assert_eq!(k["metadata"], json!({"env": "prod"}));
    let g = t
        .es("local", "GET", "/_security/api_key?id=missing", None)
        .await;
    assert_eq!((g.status, g.body.clone()), (404, json!({"api_keys": []})));
    let g = t
        .es("local", "GET", "/_security/api_key?name=k*", None)
        .await;
    assert_eq!(g.body["api_keys"].as_array().unwrap().len(), 1);
    // Older versions derive fewer cluster privileges.
    let r = t
        .es(
            "old-local",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(json!({"name": "o", "access": {"search": [{"names": ["a"]}]}})),
        )
        .await;
    let oid = r.body["id"].as_str().unwrap().to_string();
    let g = t
        .es(
            "old-local",
            "GET",
            &format!("/_security/api_key?id={oid}"),
            None,
        )
        .await;
    assert_eq!(
        g.body["api_keys"][0]["role_descriptors"]["cross_cluster"]["cluster"],
        json!(["cross_cluster_search"])
    );
    // Version gate: 7.5.2 has no such API.
    let r = t
        .es(
            "legacy",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(json!({"name": "x", "access": {"search": [{"names": ["a"]}]}})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .starts_with("no handler found")
    );
    // Create errors.
    for (b, want) in [
        (
            json!({"name": "x", "access": {}}),
            "must specify non-empty access for either [search] or [replication]",
        ),
        (
            json!({"name": "x", "access": {"search": [], "replication": []}}),
            "must specify non-empty access for either [search] or [replication]",
        ),
        (
            json!({"access": {"search": [{"names": ["a"]}]}}),
            "Required [name]",
        ),
        (json!({"name": "x"}), "Required [access]"),
        (
            json!({"name": "x", "access": {"search": [{"names": ["a"], "query": {"match_all": {}}}], "replication": [{"names": ["b"]}]}}),
            "search does not support document or field level security if replication is assigned",
        ),
        (
            json!({"name": "x", "access": {"replication": [{"names": ["b"], "query": {"match_all": {}}}]}}),
            "replication does not support document or field level security",
        ),
        (
            json!({"name": "x", "access": {"search": [{"names": ["a"]}]}, "expiration": "soon"}),
            "failed to parse setting [expiration]",
        ),
    ] {
        let r = t
            .es("local", "POST", "/_security/cross_cluster/api_key", Some(b))
            .await;
        assert_eq!(r.status, 400);
        assert!(reason(&r).contains(want), "{} vs {want}", reason(&r));
    }
    let r = t
        .es("local", "POST", "/_security/cross_cluster/api_key", None)
        .await;
    assert_eq!(
        (r.status, reason(&r).as_str()),
        (400, "request body is required")
    );
    // Creation with ApiKey authentication is refused.
    let rest = t
        .es(
            "local",
            "POST",
            "/_security/api_key",
            Some(json!({"name": "rest"})),
        )
        .await;
    let auth = format!("ApiKey {}", rest.body["encoded"].as_str().unwrap());
    let r = t
        .es_as(
            "local",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(auth),
            Some(json!({"name": "x", "access": {"search": [{"names": ["a"]}]}})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        reason(&r),
        "authentication via API key not supported: An API key cannot be used to create a cross-cluster API key"
    );
    // Missing privilege: 403.
    let limited = t
        .es(
            "local",
            "POST",
            "/_security/api_key",
            Some(json!({"name": "mon", "role_descriptors": {"r": {"cluster": ["monitor"]}}})),
        )
        .await;
    let auth = format!("ApiKey {}", limited.body["encoded"].as_str().unwrap());
    let r = t
        .es_as(
            "local",
            "POST",
            "/_security/cross_cluster/api_key",
            Some(auth),
            Some(json!({"name": "x", "access": {"search": [{"names": ["a"]}]}})),
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(reason(&r).starts_with(
        "action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized"
    ));
    // Update.
    let up_path = format!("/_security/cross_cluster/api_key/{id}");
    let up = |b: Value| t.es("local", "PUT", &up_path, Some(b));
    let r = up(json!({"metadata": {"env": "prod"}})).await;
    assert_eq!(r.body, json!({"updated": false}));
    let r = up(json!({"metadata": {"env": "dev"}})).await;
    assert_eq!(r.body, json!({"updated": true}));
    let r = up(json!({"access": {"search": [{"names": ["other-*"]}]}})).await;
    assert_eq!(r.body, json!({"updated": true}));
    let g = t
        .es("local", "GET", &format!("/_security/api_key?id={id}"), None)
        .await;
    assert_eq!(
        g.body["api_keys"][0]["access"],
        json!({"search": [{"names": ["other-*"], "allow_restricted_indices": false}]})
    );
    let r = up(json!({})).await;
    assert_eq!(
        r.body["error"]["type"],
        "action_request_validation_exception"
    );
    assert_eq!(
        reason(&r),
        "Validation Failed: 1: must update either [access] or [metadata] for cross-cluster API keys;"
    );
    let r = up(json!({"access": {}})).await;
    assert_eq!(
        r.body["error"]["type"],
        "action_request_validation_exception"
    );
    let r = up(json!({"name": "renamed", "metadata": {}})).await;
    assert_eq!(r.status, 400);
    let r = t
        .es(
            "local",
            "PUT",
            "/_security/cross_cluster/api_key/nope",
            Some(json!({"metadata": {}})),
        )
        .await;
    assert_eq!(
        (r.status, reason(&r)),
        (
            404,
            "no API key owned by requesting user found for ID [nope]".to_string()
        )
    );
    assert_eq!(r.body["error"]["type"], "resource_not_found_exception");
    let rest_id = rest.body["id"].as_str().unwrap();
    let r = t
        .es(
            "local",
            "PUT",
            &format!("/_security/cross_cluster/api_key/{rest_id}"),
            Some(json!({"metadata": {}})),
        )
        .await;
    assert_eq!(
        reason(&r),
        "cannot update API key of type [rest] while expected type is [cross_cluster]"
    );
    // Invalidate.
    let r = t
        .es(
            "local",
            "DELETE",
            "/_security/api_key",
            Some(json!({"ids": [id.clone()]})),
        )
        .await;
    assert_eq!(
        r.body,
        json!({"invalidated_api_keys": [id.clone()], "previously_invalidated_api_keys": [], "error_count": 0})
    );
    let r = t
        .es(
            "local",
            "DELETE",
            "/_security/api_key",
            Some(json!({"ids": [id.clone()]})),
        )
        .await;
    assert_eq!(
        r.body,
        json!({"invalidated_api_keys": [], "previously_invalidated_api_keys": [], "error_count": 0})
    );
    let r = t
        .es(
            "local",
            "DELETE",
            "/_security/api_key",
            Some(json!({"ids": ["unknown"]})),
        )
        .await;
    assert_eq!((r.status, r.body["error_count"].clone()), (200, json!(0)));
    let r = t
        .es("local", "DELETE", "/_security/api_key", Some(json!({})))
        .await;
    assert_eq!(
        (r.status, reason(&r).as_str()),
        (
            400,
            "One of [api key id, api key name, username, realm name] must be specified"
        )
    );
    let r = up(json!({"metadata": {"a": 1}})).await;
    assert_eq!(
        reason(&r),
        format!("cannot update invalidated API key [{id}]")
    );
    let g = t
        .es("local", "GET", &format!("/_security/api_key?id={id}"), None)
        .await;
    assert_eq!(g.body["api_keys"][0]["invalidated"], true);
    assert!(g.body["api_keys"][0]["invalidation"].is_i64());
    let g = t
        .es(
            "local",
            "GET",
            "/_security/api_key?active_only=true&name=k1",
            None,
        )
        .await;
    assert_eq!(g.status, 404);
    // Expired keys cannot be updated.
    let k2 = t.ccs_key("local", "k2").await;
    let k2id = k2["id"].as_str().unwrap();
    t.ctl(
        "POST",
        &format!("/_sim/deployments/local/api_keys/{k2id}/expire"),
        None,
    )
    .await;
    let r = t
        .es(
            "local",
            "PUT",
            &format!("/_security/cross_cluster/api_key/{k2id}"),
            Some(json!({"metadata": {}})),
        )
        .await;
    assert_eq!(
        reason(&r),
        format!("cannot update expired API key [{k2id}]")
    );
    // manage_api_key cannot invalidate cross-cluster keys.
    let k3 = t.ccs_key("local", "k3").await;
    let mgr = t
        .es(
            "local",
            "POST",
            "/_security/api_key",
            Some(
                json!({"name": "mgr", "role_descriptors": {"r": {"cluster": ["manage_api_key"]}}}),
            ),
        )
        .await;
    let auth = format!("ApiKey {}", mgr.body["encoded"].as_str().unwrap());
    let r = t
        .es_as(
            "local",
            "DELETE",
            "/_security/api_key",
            Some(auth),
            Some(json!({"ids": [k3["id"]]})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["error_count"], 1);
    assert!(
        r.body["error_details"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Cannot invalidate cross-cluster API key")
    );
}

#[tokio::test]
async fn es_cluster_settings() {
    let t = T::new().await;
    let ep = t.dep("remote").1.endpoint;
    // Nested write, string echo.
    let r = t
        .es("local", "PUT", "/_cluster/settings", Some(json!({"persistent": {"cluster": {"remote": {"a": {"mode": "proxy", "proxy_address": format!("{ep}:9443"), "server_name": ep, "skip_unavailable": true, "proxy_socket_connections": 18}}}}})))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["acknowledged"], true);
    assert_eq!(
        r.body["persistent"]["cluster"]["remote"]["a"]["skip_unavailable"],
        "true"
    );
    assert_eq!(
        r.body["persistent"]["cluster"]["remote"]["a"]["proxy_socket_connections"],
        "18"
    );
    assert_eq!(r.body["transient"], json!({}));
    // Flat read.
    let r = t
        .es(
            "local",
            "GET",
            "/_cluster/settings?flat_settings=true",
            None,
        )
        .await;
    assert_eq!(r.body["persistent"]["cluster.remote.a.mode"], "proxy");
    assert!(r.body.get("defaults").is_none());
    let r = t
        .es(
            "local",
            "GET",
            "/_cluster/settings?include_defaults=true",
            None,
        )
        .await;
    assert_eq!(
        r.body["defaults"]["cluster"]["remote"]["initial_connect_timeout"],
        "30s"
    );
    // Flat write + transient + flat echo.
    let r = t
        .es(
            "local",
            "PUT",
            "/_cluster/settings?flat_settings=true",
            Some(json!({"transient": {"cluster.remote.b.seeds": ["h:1"]}})),
        )
        .await;
    assert_eq!(
        r.body["transient"],
        json!({"cluster.remote.b.seeds": ["h:1"]})
    );
    // Validation errors.
    let cases = [
        (
            json!({"persistent": {"cluster.remote.a.seeds": ["x:1"]}}),
            "Setting \"cluster.remote.a.seeds\" cannot be used with the configured \"cluster.remote.a.mode\" [required=SNIFF, configured=PROXY]",
        ),
        (
            json!({"persistent": {"cluster.remote.c.proxy_address": "x:9400"}}),
            "Setting \"cluster.remote.c.proxy_address\" cannot be used with the configured \"cluster.remote.c.mode\" [required=PROXY, configured=SNIFF]",
        ),
        (
            json!({"persistent": {"cluster.remote.c.skip_unavailable": true}}),
            "Cannot configure setting [cluster.remote.c.skip_unavailable] if remote cluster is not enabled.",
        ),
        (
            json!({"persistent": {"cluster.remote.a.proxy_address": null}}),
            "Cannot configure setting [cluster.remote.a.skip_unavailable] if remote cluster is not enabled.",
        ),
        (
            json!({"persistent": {"cluster.remote.c.mode": "proxy", "cluster.remote.c.proxy_address": "nohost"}}),
            "remote hosts need to be configured as [host:port], found [nohost] instead",
        ),
        (
            json!({"persistent": {"cluster.remote.c.mode": "proxy", "cluster.remote.c.proxy_address": "h:abc"}}),
            "failed to parse port",
        ),
        (
            json!({"persistent": {"cluster.remote.c.seeds": ["h:0"]}}),
            "port number must be > 0 but was: [0]",
        ),
        (
            json!({"persistent": {"cluster.remote.a.bogus": "1"}}),
            "persistent setting [cluster.remote.a.bogus], not recognized",
        ),
        (
            json!({"persistent": {"cluster.remote.a.credentials": "x"}}),
            "persistent setting [cluster.remote.a.credentials], not dynamically updateable",
        ),
    ];
    for (body, want) in cases {
        let r = t.es("local", "PUT", "/_cluster/settings", Some(body)).await;
        assert_eq!(r.status, 400, "{want}");
        assert_eq!(r.body["error"]["type"], "illegal_argument_exception");
        assert_eq!(reason(&r), want);
    }
    // Switching mode with the other mode's keys nulled in the same request works.
    let r = t
        .es("local", "PUT", "/_cluster/settings", Some(json!({"persistent": {"cluster.remote.a.mode": "sniff", "cluster.remote.a.proxy_address": null, "cluster.remote.a.server_name": null, "cluster.remote.a.proxy_socket_connections": null, "cluster.remote.a.seeds": [format!("{ep}:9300")]}})))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Deletion by wildcard.
    let r = t.es("local", "PUT", "/_cluster/settings", Some(json!({"persistent": {"cluster.remote.a.*": null}, "transient": {"cluster": {"remote": {"b": {"seeds": null}}}}}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["persistent"], json!({}));
    let r = t.es("local", "GET", "/_cluster/settings", None).await;
    assert_eq!(r.body, json!({"persistent": {}, "transient": {}}));
    // 7.5.2 has no proxy mode.
    let r = t
        .es(
            "legacy",
            "PUT",
            "/_cluster/settings",
            Some(json!({"persistent": {"cluster.remote.a.mode": "proxy"}})),
        )
        .await;
    assert_eq!(
        reason(&r),
        "persistent setting [cluster.remote.a.mode], not recognized"
    );
    let r = t.es("legacy", "PUT", "/_cluster/settings", Some(json!({"persistent": {"cluster.remote.a.seeds": [format!("{ep}:1")], "cluster.remote.a.proxy": format!("{ep}:9400")}}))).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn es_roles_and_reload() {
    let t = T::new().await;
    let role = json!({
        "cluster": ["monitor"],
        "indices": [{"names": ["logs-*"], "privileges": ["read"]}],
        "remote_indices": [{"clusters": ["remote"], "names": ["logs-*"], "privileges": ["read"]}],
        "remote_cluster": [{"clusters": ["remote"], "privileges": ["monitor_enrich", "monitor_stats"]}],
        "description": "d"
    });
    let r = t
        .es("local", "PUT", "/_security/role/r1", Some(role.clone()))
        .await;
    assert_eq!(r.body, json!({"role": {"created": true}}));
    let r = t
        .es("local", "POST", "/_security/role/r1", Some(role.clone()))
        .await;
    assert_eq!(r.body, json!({"role": {"created": false}}));
    let r = t.es("local", "GET", "/_security/role/r1", None).await;
    assert_eq!(
        r.body["r1"]["remote_indices"][0]["clusters"],
        json!(["remote"])
    );
    assert_eq!(
        r.body["r1"]["remote_cluster"][0]["privileges"],
        json!(["monitor_enrich", "monitor_stats"])
    );
    assert_eq!(
        r.body["r1"]["indices"][0]["allow_restricted_indices"],
        false
    );
    // remote_* appear only when non-empty.
    t.es(
        "local",
        "PUT",
        "/_security/role/r2",
        Some(json!({"cluster": [], "remote_indices": []})),
    )
    .await;
    let r = t.es("local", "GET", "/_security/role/r2", None).await;
    assert!(
        r.body["r2"].get("remote_indices").is_none()
            && r.body["r2"].get("remote_cluster").is_none()
    );
    let r = t.es("local", "GET", "/_security/role/missing", None).await;
    assert_eq!((r.status, r.body.clone()), (404, json!({})));
    // Errors.
    let r = t
        .es(
            "local",
            "PUT",
            "/_security/role/r3",
            Some(json!({"remote_indices": [{"names": ["a"], "privileges": ["read"]}]})),
        )
        .await;
    assert_eq!(r.body["error"]["type"], "parse_exception");
    assert_eq!(
        reason(&r),
        "failed to parse remote indices privileges for role [r3]. missing required [clusters] field"
    );
    let r = t
        .es(
            "local",
            "PUT",
            "/_security/role/r3",
            Some(json!({"remote_cluster": [{"clusters": ["a"], "privileges": ["manage"]}]})),
        )
        .await;
    assert_eq!(
        reason(&r),
        "Invalid remote_cluster permissions found. Please remove the following: [manage] Only [monitor_enrich, monitor_stats] are allowed"
    );
    // Version gates: 8.12 has no remote_cluster; 7.5 has no remote_indices.
    let r = t
        .es(
            "old-local",
            "PUT",
            "/_security/role/r",
            Some(
                json!({"remote_cluster": [{"clusters": ["a"], "privileges": ["monitor_enrich"]}]}),
            ),
        )
        .await;
    assert_eq!(
        reason(&r),
        "failed to parse role [r]. unexpected field [remote_cluster]"
    );
    let r = t.es("legacy", "PUT", "/_security/role/r", Some(json!({"remote_indices": [{"clusters": ["a"], "names": ["a"], "privileges": ["read"]}]}))).await;
    assert_eq!(
        reason(&r),
        "failed to parse role [r]. unexpected field [remote_indices]"
    );
    let r = t
        .es("local", "PUT", "/_security/role/superuser", Some(json!({})))
        .await;
    assert_eq!(r.status, 400);
    // Delete.
    let r = t.es("local", "DELETE", "/_security/role/r1", None).await;
    assert_eq!((r.status, r.body.clone()), (200, json!({"found": true})));
    let r = t.es("local", "DELETE", "/_security/role/r1", None).await;
    assert_eq!((r.status, r.body.clone()), (404, json!({"found": false})));
    // reload_secure_settings.
    let r = t
        .es(
            "local",
            "POST",
            "/_nodes/reload_secure_settings",
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["_nodes"],
        json!({"total": 1, "successful": 1, "failed": 0})
    );
    assert!(r.body["nodes"].as_object().unwrap().len() == 1);
}

#[tokio::test]
async fn cloud_eligible_remote_clusters() {
    let t = T::new().await;
    let (legacy_remote, _) = t.dep("legacy-remote");
    let (old_local, _) = t.dep("old-local");
    let path = format!("/deployments/{legacy_remote}/elasticsearch/_main/eligible-remote-clusters");
    // 7.17 can search 7.17 to 8.19: of organization 1's deployments only old-local (8.12.2).
    let r = t.cloud("POST", &path, "local", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ids: Vec<&str> = r.body["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![old_local.as_str()]);
    assert_eq!(r.body["return_count"], json!(1));
    assert!(
        r.body["deployments"][0]["resources"]["elasticsearch"][0]["info"]["metadata"]["endpoint"]
            .is_string()
    );
    // Paging: a page of one carries a cursor; the page after it is empty and has none.
    let cursor = r.body["cursor"].as_str().unwrap().to_string();
    let r = t
        .cloud("POST", &path, "local", Some(json!({"cursor": cursor})))
        .await;
    assert_eq!((r.status, r.body["return_count"].clone()), (200, json!(0)));
    assert!(r.body.get("cursor").is_none());
    // The other organization's key sees neither deployment.
    let r = t.cloud("POST", &path, "remote", None).await;
    assert_eq!(
        (r.status, code(&r)),
        (404, "deployments.deployment_not_found")
    );
    let r = t
        .cloud(
            "POST",
            &format!("/deployments/{legacy_remote}/elasticsearch/nope/eligible-remote-clusters"),
            "local",
            None,
        )
        .await;
    assert_eq!(
        (r.status, code(&r)),
        (404, "deployments.deployment_resource_not_found")
    );
    // The version-based search: 9.1 can search 9.0 and later; the version is required.
    let r = t
        .cloud(
            "POST",
            "/deployments/eligible-remote-clusters?version=9.2.0",
            "local",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["return_count"], json!(1), "{}", r.body);
    let r = t
        .cloud(
            "POST",
            "/deployments/eligible-remote-clusters",
            "local",
            None,
        )
        .await;
    assert_eq!((r.status, code(&r)), (400, "stackpack.invalid_version"));
}
