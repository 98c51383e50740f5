//! The provider against the simulator's `real_shapes` preset (the shapes real Elastic Cloud
//! sends: `null` trust lists, no `service_url` on older deployments, the legacy `ref_id`,
//! a deployment whose settings hold no `trust` object). The whole Cloud-side suite also runs
//! against the preset in `make test` (CROSSCLUSTER_SIM_PRESET=real_shapes); these tests check
//! what only the preset has.

use serde_json::{Value as Json, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;
use crosscluster_sim::{Fixture, Options};

fn preset(name: &str) -> Sim {
    Sim::with(
        name,
        Fixture::real_shapes_preset(),
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
}

fn own_org_default() -> Json {
    json!({"account_id": "1000000001", "trust_all": true, "name": "Default trust for own organization"})
}

fn accounts(sim: &Sim, name: &str, which: &str) -> Vec<Json> {
    sim.deployment_state(name)[which]["accounts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A deployment without a `trust` object: creating and destroying a trusted environment keeps
/// the trust that was in effect (its own organization) in place all along.
#[test]
fn no_trust_object_create_and_destroy_keep_the_own_organization() {
    let sim = preset("real-shapes-no-trust");
    let dep = sim.id("bare");
    assert_eq!(sim.deployment_state("bare")["trust"], Json::Null);
    assert_eq!(
        accounts(&sim, "bare", "effective_trust"),
        vec![own_org_default()]
    );
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_trusted_environment\" \"t\" {{\n  deployment_id = \"{dep}\"\n  organization_id = \"2000000002\"\n  trust_all = true\n}}\n",
        sim.provider_block(None, Some("bare"), None)
    ));
    wd.apply().success();
    let after = accounts(&sim, "bare", "effective_trust");
    assert!(after.contains(&own_org_default()), "{after:?}");
    assert!(
        after
            .iter()
            .any(|a| a["account_id"] == "2000000002" && a["trust_all"] == true),
        "{after:?}"
    );
    wd.assert_no_changes();
    wd.destroy().success();
    assert_eq!(
        accounts(&sim, "bare", "effective_trust"),
        vec![own_org_default()]
    );
    // No update ever sent `null` where the contract wants a list.
    for r in sim.requests(Some("cloud")) {
        if r["method"] == "PUT" {
            let trust = &r["body"]["resources"]["elasticsearch"][0]["settings"]["trust"];
            for list in ["accounts", "direct", "external"] {
                assert!(!trust[list].is_null(), "{list} null in {trust}");
            }
        }
    }
}

/// The data source reads `null` trust lists, a missing trust object and a legacy deployment
/// without `service_url` (port 9243, `ref_id` `elasticsearch`).
#[test]
fn data_source_on_real_shapes() {
    let sim = preset("real-shapes-data-source");
    let wd = Workdir::new();
    let mut cfg = format!(
        "{REQUIRED_PROVIDERS}{}\n",
        sim.provider_block(None, Some("local"), None)
    );
    for name in ["local", "bare", "legacy"] {
        cfg.push_str(&format!(
            "data \"crosscluster_deployment\" \"{name}\" {{\n  id = \"{}\"\n}}\noutput \"{name}\" {{\n  value = data.crosscluster_deployment.{name}\n}}\n",
            sim.id(name)
        ));
    }
    wd.config(&cfg);
    wd.apply().success();
    let out = wd.outputs();
    let local = &out["local"];
    assert_eq!(local["trust"]["direct"], json!([]), "{local}");
    assert_eq!(local["trust"]["external"], json!([]));
    assert_eq!(local["trust"]["accounts"][0]["account_id"], "1000000001");
    let legacy = &out["legacy"];
    let endpoint = sim.dep("legacy").1.endpoint;
    assert_eq!(legacy["ref_id"], "elasticsearch");
    assert_eq!(
        legacy["elasticsearch_url"],
        format!("https://{endpoint}:9243")
    );
    assert_eq!(
        legacy["certificate_proxy_address"],
        format!("{endpoint}:9400")
    );
    assert_eq!(out["bare"]["organization_id"], "1000000001");
}
