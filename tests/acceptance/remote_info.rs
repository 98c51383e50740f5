//! `crosscluster_remote_info` against the simulator: aliases configured out of band on
//! `local` are listed by alias with their real connection status.

use serde_json::json;

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

#[test]
fn remote_info_lists_out_of_band_aliases() {
    let sim = Sim::start("remote_info");
    let (_, local) = sim.dep("local");
    let (_, remote) = sim.dep("remote");
    let wd = Workdir::new();
    let config = format!(
        "{REQUIRED_PROVIDERS}{}\ndata \"crosscluster_remote_info\" \"x\" {{}}\noutput \"remotes\" {{\n  value = data.crosscluster_remote_info.x.remotes\n}}\n",
        sim.provider_block(None, None, Some("local"))
    );
    wd.config(&config);
    // No alias yet: an empty map.
    wd.apply().success();
    assert_eq!(wd.outputs()["remotes"], json!({}));

    // Certificate model on port 9400 towards another organization that local does not trust:
    // configured, but not connected.
    let (status, body) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", local.es_url),
        Some(&sim.es_auth("local")),
        Some(json!({"persistent": {
            "cluster.remote.other_org.mode": "proxy",
            "cluster.remote.other_org.proxy_address": format!("{}:9400", remote.endpoint),
            "cluster.remote.other_org.server_name": remote.endpoint,
            "cluster.remote.other_org.skip_unavailable": true,
        }})),
    );
    assert_eq!(status, 200, "{body}");
    wd.apply().success();
    let remotes = &wd.outputs()["remotes"];
    let r = &remotes["other_org"];
    assert_eq!(r["mode"], "proxy", "{remotes}");
    assert_eq!(r["connected"], false);
    assert_eq!(r["credentials_configured"], false);
    assert_eq!(r["skip_unavailable"], true);
    assert_eq!(r["proxy_address"], format!("{}:9400", remote.endpoint));
    assert_eq!(r["server_name"], remote.endpoint.as_str());
    assert_eq!(r["seeds"], json!([]));
    // What the data source says agrees with the simulator's own view.
    let conn = &sim.deployment_state("local")["connections"]["other_org"];
    assert_eq!(conn["connected"], false, "{conn}");

    // API-key model, all out of band: a cross-cluster key of `remote` in local's keystore
    // and an alias on port 9443: connected, with credentials.
    let (status, key) = sim.http(
        "POST",
        &format!("{}/_security/cross_cluster/api_key", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"name": "by-hand", "access": {"search": [{"names": ["*"]}]}})),
    );
    assert_eq!(status, 200, "{key}");
    let (local_id, _) = sim.dep("local");
    let (status, body) = sim.http(
        "PATCH",
        &format!(
            "{}/api/v1/deployments/{local_id}/elasticsearch/{}/keystore",
            sim.ready.cloud_url, local.ref_id
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for("local"))),
        Some(json!({"secrets": {"cluster.remote.by_key.credentials": {"value": key["encoded"]}}})),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", local.es_url),
        Some(&sim.es_auth("local")),
        Some(json!({"persistent": {
            "cluster.remote.by_key.mode": "proxy",
            "cluster.remote.by_key.proxy_address": format!("{}:9443", remote.endpoint),
            "cluster.remote.by_key.server_name": remote.endpoint,
        }})),
    );
    assert_eq!(status, 200, "{body}");
    wd.apply().success();
    let remotes = &wd.outputs()["remotes"];
    assert_eq!(remotes.as_object().map(|m| m.len()), Some(2), "{remotes}");
    assert_eq!(remotes["by_key"]["connected"], true, "{remotes}");
    assert_eq!(remotes["by_key"]["credentials_configured"], true);
    assert_eq!(remotes["other_org"]["connected"], false);
    wd.assert_no_changes();
}
