//! `crosscluster_deployment` against the simulator: every attribute compared with the
//! simulator's ready document and state.

use serde_json::json;

use crate::harness::REQUIRED_PROVIDERS;
use crate::sim::Sim;
use crate::trusted_environment::{api_trust, ca_pem, edit_trust_out_of_band, workdir};

#[test]
fn deployment_data_source() {
    let sim = Sim::start("deployment-data-source");
    let pem = ca_pem("lab.example.com");
    edit_trust_out_of_band(&sim, "local", |t| {
        t["accounts"].as_array_mut().unwrap().push(json!({
            "account_id": "2000000002", "trust_all": false, "name": "Remote",
            "trust_allowlist": ["0123456789abcdef0123456789abcdef"]
        }));
        t["external"] = json!([{"trust_relationship_id": "rel-1", "trust_all": true}]);
        t["direct"] = json!([{"name": "Lab", "type": "generic", "trust_all": false,
                              "additional_node_names": ["lab-1.example.com"], "certificates": [{"pem": pem}]}]);
    });
    let wd = workdir();
    let (id, local) = sim.dep("local");
    let remote_id = sim.id("remote");
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n{}\n\
         data \"crosscluster_deployment\" \"local\" {{\n  id = \"{id}\"\n}}\n\
         data \"crosscluster_deployment\" \"remote\" {{\n  provider = crosscluster.remote\n  id = \"{remote_id}\"\n  ref_id = \"main-elasticsearch\"\n}}\n\
         output \"local\" {{\n  value = data.crosscluster_deployment.local\n}}\n\
         output \"remote\" {{\n  value = data.crosscluster_deployment.remote\n}}\n",
        sim.provider_block(None, Some("local"), None),
        sim.provider_block(Some("remote"), Some("remote"), None),
    ));
    wd.apply().success();
    let out = wd.outputs();
    for (name, dep_id) in [("local", id.as_str()), ("remote", remote_id.as_str())] {
        let d = sim.dep(name).1;
        let o = &out[name];
        let state = sim.deployment_state(name);
        assert_eq!(o["id"], dep_id);
        assert_eq!(o["name"], d.name);
        assert_eq!(o["ref_id"], d.ref_id);
        assert_eq!(o["cluster_id"], d.cluster_id);
        assert_eq!(o["cluster_id"], state["cluster_id"]);
        assert_eq!(o["region"], "eu-west-1");
        assert_eq!(o["version"], d.version);
        assert_eq!(o["organization_id"], d.organization_id);
        assert_eq!(o["endpoint"], d.endpoint);
        assert_eq!(o["endpoint"], state["endpoint"]);
        assert_eq!(o["elasticsearch_url"], d.es_url);
        assert_eq!(
            o["certificate_proxy_address"],
            format!("{}:9400", d.endpoint)
        );
        assert_eq!(o["api_key_proxy_address"], format!("{}:9443", d.endpoint));
    }
    // The trust view is the deployment's trust as the API shows it.
    let t = &out["local"]["trust"];
    let api = api_trust(&sim, "local");
    assert_eq!(t["accounts"].as_array().unwrap().len(), 2);
    for (i, a) in api["accounts"].as_array().unwrap().iter().enumerate() {
        assert_eq!(t["accounts"][i]["account_id"], a["account_id"]);
        assert_eq!(t["accounts"][i]["name"], a["name"]);
        assert_eq!(t["accounts"][i]["trust_all"], a["trust_all"]);
    }
    assert_eq!(
        t["accounts"][1]["trust_allowlist"],
        json!(["0123456789abcdef0123456789abcdef"])
    );
    assert_eq!(t["external"][0]["trust_relationship_id"], "rel-1");
    assert_eq!(t["external"][0]["trust_all"], true);
    let direct = &t["direct"][0];
    assert_eq!(direct["uid"], api["direct"][0]["uid"]);
    assert!(direct["uid"].as_str().is_some_and(|u| !u.is_empty()));
    assert_eq!(direct["name"], "Lab");
    assert_eq!(direct["type"], "generic");
    assert_eq!(direct["certificates"], json!([pem]));
    assert_eq!(
        direct["additional_node_names"],
        json!(["lab-1.example.com"])
    );
    assert_eq!(out["local"]["version"], local.version);
    wd.assert_no_changes();

    // An unknown deployment is a clear error on `id`.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\ndata \"crosscluster_deployment\" \"x\" {{\n  id = \"{}\"\n}}\n",
        sim.provider_block(None, Some("local"), None),
        "f".repeat(32)
    ));
    wd.plan().failure().contains("Deployment not found");
    // A malformed id is refused before any request.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\ndata \"crosscluster_deployment\" \"x\" {{\n  id = \"local\"\n}}\n",
        sim.provider_block(None, Some("local"), None),
    ));
    wd.plan().failure().contains("Invalid deployment id");
}

#[test]
fn eligible_remote_clusters_data_source() {
    let sim = Sim::start("eligible-remote-clusters");
    let wd = workdir();
    let (legacy_remote, _) = sim.dep("legacy-remote");
    let (old_local, old) = sim.dep("old-local");
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n\
         data \"crosscluster_eligible_remote_clusters\" \"r\" {{\n  deployment_id = \"{legacy_remote}\"\n}}\n\
         data \"crosscluster_eligible_remote_clusters\" \"none\" {{\n  deployment_id = \"{}\"\n}}\n\
         output \"r\" {{\n  value = data.crosscluster_eligible_remote_clusters.r\n}}\n\
         output \"none\" {{\n  value = data.crosscluster_eligible_remote_clusters.none.ids\n}}\n",
        sim.provider_block(None, Some("local"), None),
        sim.id("local"),
    ));
    wd.apply().success();
    let out = wd.outputs();
    // 7.17 searches 7.17 to 8.19: of the local organization's deployments only old-local (8.12.2).
    assert_eq!(out["r"]["ids"], json!([old_local]));
    let e = &out["r"]["deployments"][0];
    assert_eq!(e["id"], json!(old_local));
    assert_eq!(e["name"], json!(old.name));
    assert_eq!(e["version"], json!(old.version));
    assert_eq!(e["cluster_id"], json!(old.cluster_id));
    assert_eq!(e["endpoint"], json!(old.endpoint));
    assert_eq!(
        e["api_key_proxy_address"],
        json!(format!("{}:9443", old.endpoint))
    );
    assert_eq!(
        e["certificate_proxy_address"],
        json!(format!("{}:9400", old.endpoint))
    );
    // 9.1 searches 9.0 and later: the organization's other 9.x deployments (none in the
    // default fixture; the real_shapes preset adds `bare`, a copy of `local`).
    let (local_id, local) = sim.dep("local");
    let mut nines: Vec<&String> = sim
        .ready
        .deployments
        .iter()
        .filter(|(id, d)| {
            **id != local_id
                && d.organization_id == local.organization_id
                && d.version.starts_with("9.")
        })
        .map(|(id, _)| id)
        .collect();
    nines.sort();
    assert_eq!(out["none"], json!(nines));
    // One search per data source per read (a page of 100 is enough here), always the documented POST.
    let posts: Vec<_> = sim
        .requests(Some("cloud"))
        .into_iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("/eligible-remote-clusters"))
        })
        .collect();
    assert!(
        !posts.is_empty() && posts.iter().all(|r| r["method"] == "POST"),
        "{posts:?}"
    );
    wd.assert_no_changes();
    // A ref_id the deployment does not have: the diagnostic points at ref_id.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n\
         data \"crosscluster_eligible_remote_clusters\" \"r\" {{\n  deployment_id = \"{legacy_remote}\"\n  ref_id = \"nope\"\n}}\n",
        sim.provider_block(None, Some("local"), None),
    ));
    wd.plan()
        .failure()
        .contains("Attribute ref_id: deployment")
        .contains("has no Elasticsearch resource nope");
}
