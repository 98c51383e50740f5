//! The `real_shapes` preset and fixture options: the shapes real Elastic Cloud sends (recorded
//! bodies named in tests/simulator/README.md), deployments without a `trust` object, and the
//! trust semantics of ECE environments (api-facts-next sections 3 and 7).

mod common;
use common::T;
use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

fn opts() -> Options {
    Options {
        plan_ms: 0,
        latency_ms: 0,
    }
}

async fn preset() -> T {
    T::with(Fixture::real_shapes_preset(), opts()).await
}

async fn get_es(t: &T, name: &str, query: &str) -> Value {
    let id = t.id(name);
    let r = t
        .cloud("GET", &format!("/deployments/{id}?{query}"), name, None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["resources"]["elasticsearch"][0].clone()
}

#[tokio::test]
async fn real_shapes_send_null_lists_and_extra_metadata() {
    let t = preset().await;
    let es = get_es(&t, "local", "show_settings=true&show_plans=true").await;
    let trust = &es["info"]["settings"]["trust"];
    assert_eq!(trust["direct"], Value::Null, "{trust}");
    assert_eq!(trust["external"], Value::Null);
    assert_eq!(trust["accounts"][0]["trust_allowlist"], Value::Null);
    assert_eq!(trust["accounts"][0]["trust_all"], json!(true));
    let meta = &es["info"]["settings"]["metadata"];
    assert_eq!(
        (&meta["hidden"], &meta["system_owned"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(es["info"]["metadata"]["services_urls"], Value::Null);
    assert_eq!(es["info"]["metadata"]["ports"]["https"], json!(443));
    assert!(es["info"]["metadata"]["service_url"].is_string());
    let plan = &es["info"]["plan_info"]["current"]["plan"];
    assert!(
        plan["transient"]["plan_configuration"].is_object(),
        "{plan}"
    );
    // clear_transient takes it out, as on Cloud.
    let es = get_es(&t, "local", "show_plans=true&clear_transient=true").await;
    assert!(
        es["info"]["plan_info"]["current"]["plan"]
            .get("transient")
            .is_none()
    );
    // Empty keystore and remote-cluster lists.
    let (id, d) = t.dep("local");
    let base = format!("/deployments/{id}/elasticsearch/{}", d.ref_id);
    let r = t
        .cloud("GET", &format!("{base}/keystore"), "local", None)
        .await;
    assert_eq!(r.body, json!({"secrets": null}));
    let r = t
        .cloud("GET", &format!("{base}/remote-clusters"), "local", None)
        .await;
    assert_eq!(r.body, json!({"resources": null}));
}

#[tokio::test]
async fn older_and_legacy_deployments() {
    let t = preset().await;
    // 7.17: port 9243 and none of service_url / aliased_*.
    let es = get_es(&t, "legacy-remote", "show_settings=true").await;
    let m = es["info"]["metadata"].as_object().unwrap();
    assert_eq!(m["ports"]["https"], json!(9243));
    for k in [
        "service_url",
        "aliased_endpoint",
        "aliased_url",
        "services_urls",
    ] {
        assert!(!m.contains_key(k), "{k} in {m:?}");
    }
    assert_eq!(m["ports"]["transport_passthrough"], json!(9400));
    // 7.5 has the legacy ref_id with legacy plan fields and no transport passthrough port.
    let es = get_es(&t, "legacy", "show_settings=true&show_plans=true").await;
    assert_eq!(es["ref_id"], json!("elasticsearch"));
    assert_eq!(t.dep("legacy").1.ref_id, "elasticsearch");
    assert_eq!(
        es["info"]["metadata"]["ports"]["transport_passthrough"],
        Value::Null
    );
    let plan = &es["info"]["plan_info"]["current"]["plan"];
    assert_eq!(
        plan["tiebreaker_topology"],
        json!({"memory_per_node": 1024})
    );
    assert_eq!(
        plan["cluster_topology"][0]["node_type"]["master"],
        json!(true)
    );
    assert!(plan["cluster_topology"][0].get("node_roles").is_none());
    // `_main` resolves to it.
    let id = t.id("legacy");
    let r = t
        .cloud(
            "GET",
            &format!("/deployments/{id}/elasticsearch/_main?show_settings=true"),
            "legacy",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["ref_id"], json!("elasticsearch"));
}

#[tokio::test]
async fn a_put_that_sends_the_nulls_back_is_accepted() {
    let t = preset().await;
    let (id, _) = t.dep("local");
    let es = get_es(&t, "local", "show_settings=true&show_plans=true").await;
    let org = t.dep("local").1.organization_id;
    let body = json!({
        "prune_orphans": false,
        "resources": {"elasticsearch": [{
            "ref_id": es["ref_id"], "region": es["region"],
            "plan": es["info"]["plan_info"]["current"]["plan"],
            "settings": {"trust": {
                "accounts": [{"account_id": org, "name": "Default trust for own organization", "trust_all": true, "trust_allowlist": null}],
                "direct": null, "external": null
            }}
        }]}
    });
    let r = t
        .cloud("PUT", &format!("/deployments/{id}"), "local", Some(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = t.ctl("GET", "/_sim/state", None).await;
    assert_eq!(
        s.body["deployments"][&id]["trust"],
        json!({"accounts": [{"account_id": org, "name": "Default trust for own organization", "trust_all": true}], "external": [], "direct": []})
    );
}

#[tokio::test]
async fn a_deployment_without_trust_trusts_its_own_organization() {
    let t = preset().await;
    let (bare, _) = t.dep("bare");
    let es = get_es(&t, "bare", "show_settings=true").await;
    let settings = es["info"]["settings"].as_object().unwrap();
    assert!(!settings.contains_key("trust"), "{settings:?}");
    assert_eq!(settings["metadata"]["organization_id"], json!("1000000001"));
    let s = t.ctl("GET", "/_sim/state", None).await;
    let st = &s.body["deployments"][&bare];
    assert_eq!(st["trust"], Value::Null);
    assert_eq!(
        st["effective_trust"]["accounts"][0],
        json!({"account_id": "1000000001", "trust_all": true, "name": "Default trust for own organization"})
    );
    // Certificate model between two deployments of organization 1: connected both ways.
    t.proxy_alias("bare", "l", "local", 9400).await;
    assert_eq!(t.remote_info("bare", "l").await["connected"], json!(true));
    t.proxy_alias("local", "b", "bare", 9400).await;
    assert_eq!(t.remote_info("local", "b").await["connected"], json!(true));
    // A PUT with a trust object replaces the default: only organization 2 is trusted now.
    let es = get_es(&t, "bare", "show_settings=true&show_plans=true").await;
    let body = json!({
        "prune_orphans": false,
        "resources": {"elasticsearch": [{
            "ref_id": es["ref_id"], "region": es["region"],
            "plan": es["info"]["plan_info"]["current"]["plan"],
            "settings": {"trust": {"accounts": [{"account_id": "2000000002", "trust_all": true}]}}
        }]}
    });
    let r = t
        .cloud("PUT", &format!("/deployments/{bare}"), "bare", Some(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(t.remote_info("bare", "l").await["connected"], json!(false));
    let why = t.resolve("bare", "l").await;
    assert!(
        why["error"]
            .as_str()
            .unwrap()
            .contains("PKIX path building failed"),
        "{why}"
    );
}

fn ece_fixture() -> Fixture {
    Fixture::from_json(
        &json!({
            "organizations": [
                {"id": "1000000001", "name": "ESS org", "api_keys": ["k1"]},
                {"id": "ece-acct-a", "name": "ECE A account", "api_keys": ["k2"], "environment": "1ece0000000000000000000000000a0a"},
                {"id": "ece-acct-b", "name": "ECE B account", "api_keys": ["k3"], "environment": "1ece0000000000000000000000000b0b"}
            ],
            "deployments": [
                {"name": "ess", "organization_id": "1000000001", "version": "9.1.0"},
                {"name": "ece-a", "organization_id": "ece-acct-a", "version": "9.1.0"},
                {"name": "ece-b", "organization_id": "ece-acct-b", "version": "9.1.0"}
            ],
            "trust_relationships": [
                {"id": "rel-b", "name": "ECE B", "installation_id": "1ece0000000000000000000000000b0b"},
                {"id": "rel-a", "name": "ECE A", "installation_id": "1ece0000000000000000000000000a0a"}
            ]
        })
        .to_string(),
    )
    .unwrap()
}

const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

async fn set_trust(t: &T, name: &str, trust: Value) {
    let r = t.put_trust(name, trust).await;
    assert!(r.status < 300, "{}", r.body);
}

#[tokio::test]
async fn ess_trusts_ece_through_direct_of_type_ece_and_ece_trusts_ece_through_external() {
    let t = T::with(ece_fixture(), opts()).await;
    // ESS -> ECE A: direct[] of type ECE scoped to the environment; ECE A -> ESS: direct[] of
    // type ESS scoped to the organization (api-facts-next 3.2).
    set_trust(
        &t,
        "ess",
        json!({"accounts": [{"account_id": "1000000001", "trust_all": true}], "direct": [
            {"name": "ECE A", "type": "ECE", "scope_id": "1ece0000000000000000000000000a0a", "trust_all": true, "certificates": [{"pem": PEM}]}
        ]}),
    )
    .await;
    set_trust(
        &t,
        "ece-a",
        json!({"direct": [
            {"name": "ESS", "type": "ESS", "scope_id": "1000000001", "trust_all": true, "certificates": [{"pem": PEM}]}
        ], "external": [{"trust_relationship_id": "rel-b", "trust_all": true}]}),
    )
    .await;
    t.proxy_alias("ess", "a", "ece-a", 9400).await;
    assert_eq!(t.remote_info("ess", "a").await["connected"], json!(true));
    // An external[] entry on the ESS side does not make ECE A trusted: only ECE B is behind
    // rel-b, and an ECE environment id in a direct entry of type ESS matches nothing.
    set_trust(
        &t,
        "ess",
        json!({"external": [{"trust_relationship_id": "rel-b", "trust_all": true}], "direct": [
            {"name": "wrong", "type": "ESS", "scope_id": "1ece0000000000000000000000000a0a", "trust_all": true, "certificates": [{"pem": PEM}]}
        ]}),
    )
    .await;
    assert_eq!(t.remote_info("ess", "a").await["connected"], json!(false));
    // ECE A <-> ECE B through external[] trust relationships on both sides.
    set_trust(
        &t,
        "ece-b",
        json!({"external": [{"trust_relationship_id": "rel-a", "trust_all": true}]}),
    )
    .await;
    t.proxy_alias("ece-a", "b", "ece-b", 9400).await;
    assert_eq!(t.remote_info("ece-a", "b").await["connected"], json!(true));
    set_trust(&t, "ece-b", json!({"external": []})).await;
    let r = t.resolve("ece-a", "b").await;
    assert_eq!(r["connected"], json!(false));
    // ECE B no longer trusts ECE A: B refuses A's client certificate.
    assert!(
        r["error"].as_str().unwrap().contains("bad_certificate"),
        "{r}"
    );
}
