//! ECE mode (api-facts-next 3): trust relationships keep their CA (returned only with
//! `include_certificate=true`), and one with `trust_by_default` is trusted by every deployment
//! of the installation, which with the Elastic Cloud side's `direct` entry of type `ECE` lets a
//! certificate-model connection from an ECE deployment to an Elastic Cloud one connect.

mod common;

use common::T;
use crosscluster_sim::{Fixture, Options};
use serde_json::json;

const ENV: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

async fn world() -> T {
    let mut f = Fixture::default_fixture();
    f.organizations.push(
        serde_json::from_value(json!({"id": "3000000003", "name": "ECE account",
            "api_keys": ["ece-key"], "environment": ENV}))
        .unwrap(),
    );
    f.deployments.push(
        serde_json::from_value(
            json!({"name": "ece-local", "organization_id": "3000000003", "version": "9.1.0"}),
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

#[tokio::test]
async fn trust_relationship_certificate_and_trust_by_default() {
    let t = world().await;
    let base = "/platform/configuration/trust-relationships";
    let r = t
        .cloud(
            "POST",
            base,
            "ece-local",
            Some(
                json!({"name": "ESS", "public_ca_cert": "PEM", "account_ids": ["2000000002"],
                "trust_by_default": false}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(r.body.get("public_ca_cert").is_none());
    let one = format!("{base}/{id}");
    let plain = t.cloud("GET", &one, "ece-local", None).await;
    assert!(plain.body.get("public_ca_cert").is_none(), "{}", plain.body);
    let full = t
        .cloud(
            "GET",
            &format!("{one}?include_certificate=true"),
            "ece-local",
            None,
        )
        .await;
    assert_eq!(full.body["public_ca_cert"], "PEM");
    let local = t
        .cloud("GET", &format!("{base}?filter=local"), "ece-local", None)
        .await;
    assert_eq!(local.body["trust_relationships"], json!([]));

    // ECE deployment -> Elastic Cloud deployment on 9400. The ESS side trusts the ECE
    // environment with a direct entry of type ECE.
    let (trust, _) = t.trust("remote").await;
    let mut trust = trust;
    trust["direct"] = json!([{"name": "ece", "type": "ECE", "scope_id": ENV, "trust_all": true,
        "certificates": [{"pem": "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n"}]}]);
    assert_eq!(t.put_trust("remote", trust).await.status, 200);
    assert_eq!(
        t.proxy_alias("ece-local", "ess", "remote", 9400)
            .await
            .status,
        200
    );
    let st = t.ctl("GET", "/_sim/state", None).await.body;
    let c = &st["deployments"][t.id("ece-local")]["connections"]["ess"];
    assert_eq!(c["cause"], "local_trust", "not trusted by default yet: {c}");
    // trust_by_default: every deployment of the installation trusts it.
    let r = t
        .cloud(
            "PUT",
            &one,
            "ece-local",
            Some(json!({"trust_by_default": true})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(t.remote_info("ece-local", "ess").await["connected"], true);
    // An Elastic Cloud deployment is not "in" the installation: the relationship does not
    // make `remote` trust anything.
    assert_eq!(t.cloud("DELETE", &one, "ece-local", None).await.status, 200);
    assert_eq!(t.remote_info("ece-local", "ess").await["connected"], false);
}
