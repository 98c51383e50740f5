//! Network security and remote-cluster traffic filters (api-facts-next 2): the ruleset API,
//! associations, and API-key traffic refused until a filter admits the caller.

mod common;

use common::T;
use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

/// Default fixture plus `remote-b` (9.1.0, organization 2, same region as `remote`).
async fn world() -> T {
    let mut f = Fixture::default_fixture();
    let org2 = f
        .deployments
        .iter()
        .find(|d| d.name == "remote")
        .unwrap()
        .organization_id
        .clone();
    f.deployments.push(
        serde_json::from_value(
            json!({"name": "remote-b", "organization_id": org2, "version": "9.1.0"}),
        )
        .unwrap(),
    );
    T::with(
        f,
        Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    )
    .await
}

/// `local` connected to `remote` with an API key on 9443.
async fn api_key_alias(t: &T) {
    let key = t.ccs_key("remote", "k").await;
    let encoded = key["encoded"].as_str().unwrap();
    assert_eq!(t.store_key("local", "r", encoded).await.status, 200);
    assert_eq!(
        t.proxy_alias("local", "r", "remote", 9443).await.status,
        200
    );
}

async fn cause(t: &T) -> Value {
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    st["deployments"][t.id("local")]["connections"]["r"].clone()
}

#[tokio::test]
async fn ruleset_crud_and_associations() {
    let t = world().await;
    let (local_id, local) = t.dep("local");
    let remote_id = t.id("remote");
    let body = json!({"name": "from-local", "type": "remote_cluster", "region": "eu-west-1",
        "include_by_default": false,
        "rules": [{"remote_cluster_org_id": local.organization_id, "remote_cluster_id": local.cluster_id}]});
    let r = t
        .cloud(
            "POST",
            "/deployments/traffic-filter/rulesets",
            "remote",
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let got = t
        .cloud(
            "GET",
            &format!("/deployments/traffic-filter/rulesets/{id}"),
            "remote",
            None,
        )
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["type"], "remote_cluster");
    assert!(got.body["rules"][0]["id"].is_string(), "rules get ids");
    assert!(
        got.body.get("associations").is_none(),
        "only with include_associations"
    );
    // Another organization cannot see it.
    let other = t
        .cloud(
            "GET",
            &format!("/deployments/traffic-filter/rulesets/{id}"),
            "local",
            None,
        )
        .await;
    assert_eq!(other.status, 404);
    assert_eq!(other.body["errors"][0]["code"], "traffic_filter.not_found");
    // Associations: 201 new, 200 again; another organization's deployment is 404.
    let assoc = format!("/deployments/traffic-filter/rulesets/{id}/associations");
    let a = json!({"entity_type": "deployment", "id": remote_id});
    assert_eq!(
        t.cloud("POST", &assoc, "remote", Some(a.clone()))
            .await
            .status,
        201
    );
    assert_eq!(t.cloud("POST", &assoc, "remote", Some(a)).await.status, 200);
    let foreign = json!({"entity_type": "deployment", "id": local_id});
    assert_eq!(
        t.cloud("POST", &assoc, "remote", Some(foreign))
            .await
            .status,
        404
    );
    let by_dep = t
        .cloud(
            "GET",
            &format!("/deployments/traffic-filter/associations/deployment/{remote_id}/rulesets"),
            "remote",
            None,
        )
        .await;
    assert_eq!(by_dep.body["rulesets"], json!([id]));
    // Deleting with associations is refused; after removing the association it works.
    let del = format!("/deployments/traffic-filter/rulesets/{id}");
    assert_eq!(t.cloud("DELETE", &del, "remote", None).await.status, 400);
    let rm = format!("{assoc}/deployment/{remote_id}");
    assert_eq!(t.cloud("DELETE", &rm, "remote", None).await.status, 200);
    assert_eq!(t.cloud("DELETE", &rm, "remote", None).await.status, 404);
    assert_eq!(t.cloud("DELETE", &del, "remote", None).await.status, 200);
    assert_eq!(t.cloud("GET", &del, "remote", None).await.status, 404);
    // Bad bodies.
    let mut bad = body.clone();
    bad["type"] = json!("ip");
    let r = t
        .cloud(
            "POST",
            "/deployments/traffic-filter/rulesets",
            "remote",
            Some(bad),
        )
        .await;
    assert_eq!(r.status, 400, "remote_cluster fields on an ip ruleset");
    let mut missing = body;
    missing.as_object_mut().unwrap().remove("region");
    let r = t
        .cloud(
            "POST",
            "/deployments/traffic-filter/rulesets",
            "remote",
            Some(missing),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn network_security_blocks_api_key_traffic_until_a_filter_admits_it() {
    let t = world().await;
    api_key_alias(&t).await;
    assert_eq!(t.remote_info("local", "r").await["connected"], true);
    let remote_id = t.id("remote");
    let local = t.dep("local").1;

    // Network security on (an unrelated ip ruleset associated): blocked, no `error`.
    let ip = json!({"name": "office", "type": "ip", "region": "eu-west-1", "include_by_default": false,
        "rules": [{"source": "192.0.2.0/24"}]});
    let ip_id = t
        .cloud(
            "POST",
            "/deployments/traffic-filter/rulesets",
            "remote",
            Some(ip),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.cloud(
        "POST",
        &format!("/deployments/traffic-filter/rulesets/{ip_id}/associations"),
        "remote",
        Some(json!({"entity_type": "deployment", "id": remote_id})),
    )
    .await;
    assert_eq!(t.remote_info("local", "r").await["connected"], false);
    let res = t.resolve("local", "r").await;
    assert_eq!(res["connected"], false);
    assert!(res.get("error").is_none(), "{res}");
    let c = cause(&t).await;
    assert_eq!(c["cause"], "traffic_filter");
    assert!(c["reason"].as_str().unwrap().contains(&local.cluster_id));

    // A remote_cluster filter for another organization does not admit it.
    let rc = |org: &str| {
        json!({"name": "rc", "type": "remote_cluster", "region": "eu-west-1",
        "include_by_default": false, "rules": [{"remote_cluster_org_id": org}]})
    };
    let wrong = t
        .cloud(
            "POST",
            "/deployments/traffic-filter/rulesets",
            "remote",
            Some(rc("9999999999")),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let assoc = |id: &str| format!("/deployments/traffic-filter/rulesets/{id}/associations");
    let a = json!({"entity_type": "deployment", "id": remote_id});
    t.cloud("POST", &assoc(&wrong), "remote", Some(a.clone()))
        .await;
    assert_eq!(t.remote_info("local", "r").await["connected"], false);

    // One for the local organization does.
    let right = t
        .cloud(
            "POST",
            "/deployments/traffic-filter/rulesets",
            "remote",
            Some(rc(&local.organization_id)),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.cloud("POST", &assoc(&right), "remote", Some(a)).await;
    assert_eq!(t.remote_info("local", "r").await["connected"], true);

    // The certificate model is never filtered: with trust both ways, 9400 connects although
    // network security is on.
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    assert!(
        st["traffic_filter"]["network_security"]
            .as_array()
            .unwrap()
            .contains(&json!(remote_id))
    );
}

#[tokio::test]
async fn control_knob_and_certificate_model() {
    let t = world().await;
    // remote-b and remote are in the same organization: own organization trusted by default.
    assert_eq!(
        t.proxy_alias("remote", "c", "remote-b", 9400).await.status,
        200
    );
    let r = t
        .ctl(
            "POST",
            "/_sim/deployments/remote-b/network_security",
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(r.body["network_security"], true);
    assert_eq!(
        t.remote_info("remote", "c").await["connected"],
        true,
        "9400 is never filtered"
    );
    api_key_alias(&t).await;
    t.ctl(
        "POST",
        "/_sim/deployments/remote/network_security",
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(t.remote_info("local", "r").await["connected"], false);
    assert_eq!(cause(&t).await["cause"], "traffic_filter");
    t.ctl(
        "POST",
        "/_sim/deployments/remote/network_security",
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(t.remote_info("local", "r").await["connected"], true);
}
