//! `crosscluster_api_key` against the simulator: in-place updates, drift, recreation of a key
//! invalidated outside Terraform, import, destroy, sealed delivery into another
//! organization's keystore (no secret in state, plan or trace log), rotation order with
//! `create_before_destroy`, and the refusals (API-key authentication, version gate, failed
//! keystore write).

use base64::Engine as _;
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const ADDR: &str = "crosscluster_api_key.k";

/// The API keys of deployment `name` as `/_sim/state` lists them.
fn keys(sim: &Sim, name: &str) -> Vec<Value> {
    sim.deployment_state(name)["api_keys"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn key(sim: &Sim, name: &str, id: &str) -> Value {
    keys(sim, name)
        .into_iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no key {id} on {name}"))
}

/// The actions planned for `address` in a `show -json` plan.
fn actions(plan: &Value, address: &str) -> Vec<String> {
    plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["address"] == address)
        .flat_map(|c| {
            c["change"]["actions"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

/// The part of `base64(id:secret)` that depends on the id only: enough to find an encoded
/// key in any text without knowing its secret.
fn encoded_prefix(id: &str) -> String {
    let head = format!("{id}:");
    let whole = head.len() / 3 * 3;
    base64::engine::general_purpose::STANDARD.encode(&head.as_bytes()[..whole])
}

fn key_config(sim: &Sim, body: &str) -> String {
    format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_api_key\" \"k\" {{\n{body}\n}}\n",
        sim.provider_block(None, None, Some("remote"))
    )
}

#[test]
fn api_key_update_drift_recreate() {
    let sim = Sim::start("api_key_lifecycle");
    let (_, remote) = sim.dep("remote");
    let wd = Workdir::new();
    // metadata deliberately spelled with spaces: the normalised read-back must not show drift.
    wd.config(&key_config(
        &sim,
        r#"  name       = "ccs-key"
  expiration = "30d"
  metadata   = "{ \"team\" : \"search\",  \"n\": 1 }"
  access {
    search {
      names = ["logs-*"]
      query = jsonencode({ term = { env = "prod" } })
    }
  }"#,
    ));
    wd.apply().success();
    wd.assert_no_changes();
    let state = wd.resource(ADDR).expect("resource in state");
    let id = state["id"].as_str().expect("id").to_string();
    // Without a keystore block the secret is output (sensitive): it is base64(id:api_key).
    let encoded = state["encoded"].as_str().expect("encoded");
    let api_key = state["api_key"].as_str().expect("api_key");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        format!("{id}:{api_key}")
    );
    assert!(state["expiration_timestamp"].as_str().is_some(), "{state}");
    let k = key(&sim, "remote", &id);
    assert_eq!(k["name"], "ccs-key");
    // The user's metadata, and the create's request marker (32 hex digits, hidden from the
    // `metadata` attribute).
    let marker = k["metadata"]["crosscluster_request_marker"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        marker.len() == 32 && marker.chars().all(|c| c.is_ascii_hexdigit()),
        "{k}"
    );
    assert_eq!(
        k["metadata"],
        json!({"team": "search", "n": 1, "crosscluster_request_marker": marker})
    );
    assert_eq!(k["access"]["search"][0]["names"], json!(["logs-*"]));

    // 1. access changed in the configuration: an in-place update, same key.
    wd.config(&key_config(
        &sim,
        r#"  name       = "ccs-key"
  expiration = "30d"
  metadata   = "{ \"team\" : \"search\",  \"n\": 1 }"
  access {
    search {
      names = ["logs-*", "metrics-*"]
    }
    replication {
      names = ["archive-*"]
    }
  }"#,
    ));
    let plan = wd.plan_json();
    assert_eq!(actions(&plan, ADDR), ["update"], "{plan}");
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(wd.resource(ADDR).unwrap()["id"], id.as_str());
    let k = key(&sim, "remote", &id);
    assert_eq!(
        k["access"]["search"][0]["names"],
        json!(["logs-*", "metrics-*"])
    );
    assert_eq!(k["access"]["replication"][0]["names"], json!(["archive-*"]));

    // 2. access changed outside Terraform: the plan shows an update that puts it back.
    let (status, body) = sim.http(
        "PUT",
        &format!("{}/_security/cross_cluster/api_key/{id}", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"access": {"search": [{"names": ["everything-*"]}]}})),
    );
    assert_eq!(status, 200, "{body}");
    let drift = wd.plan_code();
    assert_eq!(drift.code, 2, "{}", drift.text());
    assert!(drift.text().contains("everything-*"), "{}", drift.text());
    let plan = wd.plan_json();
    assert_eq!(actions(&plan, ADDR), ["update"], "{plan}");
    wd.apply().success();
    wd.assert_no_changes();
    let k = key(&sim, "remote", &id);
    assert_eq!(
        k["access"]["search"][0]["names"],
        json!(["logs-*", "metrics-*"])
    );

    // 3. metadata changed outside Terraform also shows.
    sim.http(
        "PUT",
        &format!("{}/_security/cross_cluster/api_key/{id}", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"access": k["access"], "metadata": {"team": "other"}})),
    );
    assert_eq!(wd.plan_code().code, 2);
    wd.apply().success();
    assert_eq!(
        key(&sim, "remote", &id)["metadata"],
        json!({"team": "search", "n": 1})
    );

    // 4. invalidated outside Terraform: the key reads as gone and is created again.
    let (status, body) = sim.http(
        "DELETE",
        &format!("{}/_security/api_key", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"ids": [id]})),
    );
    assert_eq!(status, 200, "{body}");
    let plan = wd.plan_json();
    assert_eq!(actions(&plan, ADDR), ["create"], "{plan}");
    wd.apply().success();
    wd.assert_no_changes();
    let id2 = wd.resource(ADDR).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(id2, id);
    assert_eq!(key(&sim, "remote", &id2)["invalidated"], false);

    // 5. expired: gone as well.
    sim.control(
        "POST",
        &format!("/_sim/deployments/remote/api_keys/{id2}/expire"),
        None,
    );
    let plan = wd.plan_json();
    assert_eq!(actions(&plan, ADDR), ["create"], "{plan}");

    // 6. a name change replaces the key; destroy invalidates the current one.
    wd.config(&key_config(
        &sim,
        r#"  name = "ccs-key-2"
  access {
    search {
      names = ["logs-*"]
    }
  }"#,
    ));
    wd.apply().success();
    wd.assert_no_changes();
    let id3 = wd.resource(ADDR).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(key(&sim, "remote", &id3)["name"], "ccs-key-2");
    wd.destroy().success();
    assert_eq!(key(&sim, "remote", &id3)["invalidated"], true);
}

#[test]
fn api_key_import_and_destroy() {
    let sim = Sim::start("api_key_import");
    let (_, remote) = sim.dep("remote");
    // A key made outside Terraform.
    let (status, created) = sim.http(
        "POST",
        &format!("{}/_security/cross_cluster/api_key", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({
            "name": "made-by-hand",
            "access": {
                "search": [{"names": ["logs-*"], "field_security": {"grant": ["a", "b"]}}],
            },
            "metadata": {"owner": "ops"}
        })),
    );
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let wd = Workdir::new();
    wd.config(&key_config(
        &sim,
        r#"  name     = "made-by-hand"
  metadata = jsonencode({ owner = "ops" })
  access {
    search {
      names = ["logs-*"]
      field_security {
        grant = ["a", "b"]
      }
    }
  }"#,
    ));
    wd.import(ADDR, &id).success();
    let state = wd.resource(ADDR).expect("imported");
    assert_eq!(state["name"], "made-by-hand");
    assert_eq!(state["encoded"], Value::Null);
    assert_eq!(
        state["access"]["search"][0]["field_security"]["grant"],
        json!(["a", "b"]),
        "{state}"
    );
    // The configuration matches what was imported: nothing to do.
    wd.assert_no_changes();
    // An id that is not a key: a clear error.
    let wd2 = Workdir::new();
    wd2.config(&key_config(
        &sim,
        "  name = \"x\"\n  access {\n    search {\n      names = [\"a\"]\n    }\n  }",
    ));
    wd2.import(ADDR, "no-such-key").failure();
    // Destroy invalidates the imported key.
    wd.destroy().success();
    assert_eq!(key(&sim, "remote", &id)["invalidated"], true);
}

/// Two provider instances: `remote` creates the key on the remote deployment (organization 2)
/// and writes it with organization 1's Cloud key into `local`'s keystore; the default
/// instance reads `local`'s `_remote/info`.
fn sealed_config(sim: &Sim, name: &str, cbd: bool, with_info: bool) -> String {
    let local_id = sim.id("local");
    let lifecycle = if cbd {
        "  lifecycle {\n    create_before_destroy = true\n  }\n"
    } else {
        ""
    };
    let info = if with_info {
        "data \"crosscluster_remote_info\" \"local\" {\n  depends_on = [crosscluster_api_key.k]\n}\noutput \"remotes\" {\n  value = data.crosscluster_remote_info.local.remotes\n}\n"
    } else {
        ""
    };
    format!(
        "{REQUIRED_PROVIDERS}{}\n{}\nresource \"crosscluster_api_key\" \"k\" {{\n  provider = crosscluster.remote\n  name = \"{name}\"\n  access {{\n    search {{\n      names = [\"logs-*\"]\n    }}\n  }}\n  keystore {{\n    deployment_id = \"{local_id}\"\n    alias = \"remote\"\n  }}\n{lifecycle}}}\n{info}",
        sim.provider_block(Some("remote"), Some("local"), Some("remote")),
        sim.provider_block(None, None, Some("local")),
    )
}

#[test]
fn api_key_sealed_delivery_and_rotation() {
    let sim = Sim::start("api_key_sealed");
    let (_, local) = sim.dep("local");
    let (_, remote) = sim.dep("remote");
    let setting = "cluster.remote.remote.credentials";

    // The remote alias on `local`, set up out of band (API-key model, port 9443).
    let (status, body) = sim.http(
        "PUT",
        &format!("{}/_cluster/settings", local.es_url),
        Some(&sim.es_auth("local")),
        Some(json!({"persistent": {
            "cluster.remote.remote.mode": "proxy",
            "cluster.remote.remote.proxy_address": format!("{}:9443", remote.endpoint),
            "cluster.remote.remote.server_name": remote.endpoint,
        }})),
    );
    assert_eq!(status, 200, "{body}");

    let mut wd = Workdir::new();
    wd.config(&sealed_config(&sim, "sealed-1", true, false));
    let plan = wd.plan_json();
    let plan_text = plan.to_string();
    wd.env("TF_LOG", "trace");
    let apply = wd.apply().success();
    wd.env("TF_LOG", "");
    let state = wd.resource(ADDR).expect("resource");
    let id1 = state["id"].as_str().unwrap().to_string();
    assert_eq!(state["encoded"], Value::Null);
    assert_eq!(state["api_key"], Value::Null);
    assert_eq!(state["keystore"]["ref_id"], local.ref_id.as_str());

    // The key landed in local's keystore (organization 1), and it is the real key.
    let ks = sim.deployment_state("local");
    assert!(
        ks["keystore_keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == setting),
        "{ks}"
    );
    let encoded = sim
        .keystore_value("local", setting)
        .expect("keystore value");
    let decoded = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap(),
    )
    .unwrap();
    let (kid, secret) = decoded.split_once(':').unwrap();
    assert_eq!(kid, id1);

    // The secret is nowhere: not in the state file, the plan JSON or the trace log.
    let prefix = encoded_prefix(&id1);
    let state_file = wd.state_file();
    let trace = apply.text();
    for (what, text) in [
        ("state file", state_file.as_str()),
        ("plan JSON", plan_text.as_str()),
        ("TF_LOG=trace output", trace.as_str()),
    ] {
        assert!(!text.contains(&encoded), "encoded key in the {what}");
        assert!(!text.contains(&prefix), "encoded key prefix in the {what}");
        assert!(!text.contains(secret), "key secret in the {what}");
    }
    assert!(
        trace.contains("TRACE") || trace.contains("[TRACE]"),
        "no trace log captured"
    );
    assert!(
        !trace.contains(&remote.password),
        "remote password in the trace log"
    );
    assert!(
        !trace.contains(&local.password),
        "local password in the trace log"
    );
    assert!(
        !trace.contains(&sim.cloud_key_for("local")),
        "Cloud API key in the trace log"
    );

    // The key works: local's _remote/info, through the data source, shows the alias connected.
    wd.config(&sealed_config(&sim, "sealed-1", true, true));
    wd.apply().success();
    let remotes = &wd.outputs()["remotes"];
    assert_eq!(remotes["remote"]["connected"], true, "{remotes}");
    assert_eq!(remotes["remote"]["credentials_configured"], true);
    assert_eq!(remotes["remote"]["mode"], "proxy");
    assert_eq!(
        remotes["remote"]["proxy_address"],
        format!("{}:9443", remote.endpoint)
    );
    wd.assert_no_changes();

    // Rotation with create_before_destroy: the new key is in the keystore before the old one
    // is invalidated.
    // (The log is kept whole for the contract check; only what follows this point counts.)
    let before = sim
        .requests(None)
        .iter()
        .filter_map(|r| r["seq"].as_i64())
        .max()
        .unwrap_or(0);
    wd.config(&sealed_config(&sim, "sealed-2", true, true));
    assert_eq!(actions(&wd.plan_json(), ADDR), ["create", "delete"]);
    wd.apply().success();
    let id2 = wd.resource(ADDR).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(id1, id2);
    let log = sim.requests(None);
    let seq = |pred: &dyn Fn(&Value) -> bool| -> Vec<i64> {
        log.iter()
            .filter(|r| r["seq"].as_i64().is_some_and(|s| s > before) && pred(r))
            .filter_map(|r| r["seq"].as_i64())
            .collect()
    };
    let created =
        seq(&|r| r["method"] == "POST" && r["path"] == "/_security/cross_cluster/api_key");
    let written = seq(&|r| {
        r["method"] == "PATCH" && r["path"].as_str().is_some_and(|p| p.ends_with("/keystore"))
    });
    let invalidated = seq(&|r| {
        r["method"] == "DELETE"
            && r["path"] == "/_security/api_key"
            && r["body"]["ids"] == json!([id1])
    });
    assert_eq!(
        (created.len(), written.len(), invalidated.len()),
        (1, 1, 1),
        "{log:#?}"
    );
    assert!(
        created[0] < written[0] && written[0] < invalidated[0],
        "{log:#?}"
    );
    assert_eq!(key(&sim, "remote", &id1)["invalidated"], true);
    assert_eq!(key(&sim, "remote", &id2)["invalidated"], false);
    let encoded2 = sim.keystore_value("local", setting).unwrap();
    assert_ne!(encoded2, encoded);
    assert!(!wd.state_file().contains(&encoded2));
    // Still connected, now with the new key.
    wd.apply().success();
    assert_eq!(wd.outputs()["remotes"]["remote"]["connected"], true);
    wd.assert_no_changes();

    wd.destroy().success();
    assert_eq!(key(&sim, "remote", &id2)["invalidated"], true);
}

#[test]
fn api_key_refusals() {
    let sim = Sim::start("api_key_refusals");
    let (local_id, _) = sim.dep("local");
    let (_, remote) = sim.dep("remote");

    // 1. A connection that authenticates with an API key: Elasticsearch's reason + the hint.
    let (status, rest_key) = sim.http(
        "POST",
        &format!("{}/_security/api_key", remote.es_url),
        Some(&sim.es_auth("remote")),
        Some(json!({"name": "terraform", "role_descriptors": {}})),
    );
    assert_eq!(status, 200, "{rest_key}");
    let encoded = rest_key["encoded"].as_str().unwrap().to_string();
    // That REST-key call is test set-up outside the contract: drop it from the log.
    sim.control("DELETE", "/_sim/requests", None);
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}provider \"crosscluster\" {{\n  elasticsearch {{\n    endpoints = [\"{}\"]\n    api_key = \"{encoded}\"\n  }}\n}}\nresource \"crosscluster_api_key\" \"k\" {{\n  name = \"x\"\n  access {{\n    search {{\n      names = [\"a\"]\n    }}\n  }}\n}}\n",
        remote.es_url
    ));
    let run = wd
        .apply()
        .failure()
        .contains("authentication via API key not supported")
        .contains("bearer_token");
    assert!(!run.text().contains(&encoded));

    // 2. Empty access: a plan-time error with the block's path.
    let wd = Workdir::new();
    wd.config(&key_config(&sim, "  name = \"x\"\n  access {}"));
    wd.plan()
        .failure()
        .contains("Empty access")
        .contains("access needs at least one search or replication block");

    // 3. The version gate names the version (legacy runs 7.5.2).
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_api_key\" \"k\" {{\n  name = \"x\"\n  access {{\n    search {{\n      names = [\"a\"]\n    }}\n  }}\n}}\n",
        sim.provider_block(None, None, Some("legacy"))
    ));
    wd.plan()
        .failure()
        .contains("requires Elasticsearch 8.10.0 or later, but the cluster runs 7.5.2");

    // 4. The keystore write fails after the key was created: the new key is invalidated.
    sim.faults(json!({"method": "PATCH", "path": "/keystore$", "target": "cloud", "status": 404, "count": 5}));
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_api_key\" \"k\" {{\n  name = \"doomed\"\n  access {{\n    search {{\n      names = [\"a\"]\n    }}\n  }}\n  keystore {{\n    deployment_id = \"{local_id}\"\n    alias = \"remote\"\n  }}\n}}\n",
        sim.provider_block(None, Some("local"), Some("remote"))
    ));
    wd.apply()
        .failure()
        .contains("Failed to write cluster.remote.remote.credentials to the keystore")
        .contains("was invalidated again");
    let doomed: Vec<Value> = keys(&sim, "remote")
        .into_iter()
        .filter(|k| k["name"] == "doomed")
        .collect();
    assert_eq!(doomed.len(), 1, "{doomed:?}");
    assert_eq!(doomed[0]["invalidated"], true);
    assert!(wd.resource(ADDR).is_none());
    sim.control("DELETE", "/_sim/faults", None);

    // 5. The keystore block without a cloud connection: refused at plan time, before any key.
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_api_key\" \"k\" {{\n  name = \"nocloud\"\n  access {{\n    search {{\n      names = [\"a\"]\n    }}\n  }}\n  keystore {{\n    deployment_id = \"{local_id}\"\n    alias = \"remote\"\n  }}\n}}\n",
        sim.provider_block(None, None, Some("remote"))
    ));
    wd.plan()
        .failure()
        .contains("Sealed delivery needs the cloud connection");
    assert!(!keys(&sim, "remote").iter().any(|k| k["name"] == "nocloud"));
}

/// Sealed delivery into a deployment older than 8.14 (`old-local`, 8.12): the keystore does
/// not reload by itself, so the provider restarts the deployment and waits for the plan.
#[test]
fn api_key_sealed_delivery_restarts_before_8_14() {
    let sim = Sim::start("api_key_sealed_restart");
    let old_id = sim.id("old-local");
    let setting = "cluster.remote.remote.credentials";
    let restarts_before = sim.deployment_state("old-local")["restarts"]
        .as_i64()
        .unwrap_or(0);
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_api_key\" \"k\" {{\n  name = \"for-old\"\n  access {{\n    replication {{\n      names = [\"a-*\"]\n    }}\n  }}\n  keystore {{\n    deployment_id = \"{old_id}\"\n    alias = \"remote\"\n  }}\n}}\n",
        sim.provider_block(None, Some("old-local"), Some("remote"))
    ));
    wd.apply().success();
    wd.assert_no_changes();
    let st = sim.deployment_state("old-local");
    assert_eq!(
        st["restarts"].as_i64().unwrap_or(0),
        restarts_before + 1,
        "{st}"
    );
    assert_eq!(st["pending_plan"], false, "{st}");
    for list in ["keystore_keys", "loaded_keystore_keys"] {
        assert!(
            st[list].as_array().unwrap().iter().any(|k| k == setting),
            "{list}: {st}"
        );
    }
    let restart_calls = sim
        .requests(Some("cloud"))
        .into_iter()
        .filter(|r| {
            r["method"] == "POST" && r["path"].as_str().is_some_and(|p| p.ends_with("/_restart"))
        })
        .count();
    assert_eq!(restart_calls, 1);
}

/// Ctrl-C while a sealed key waits for the restart of a pre-8.14 deployment: Terraform stops,
/// and the clean-up still invalidates the new key (it runs on a token of its own), so no
/// active key exists that the state does not know.
#[test]
fn api_key_interrupted_sealed_delivery_leaves_no_live_key() {
    let sim = Sim::start("api_key_sealed_interrupt");
    let old_id = sim.id("old-local");
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_api_key\" \"k\" {{\n  name = \"interrupted\"\n  access {{\n    replication {{\n      names = [\"a-*\"]\n    }}\n  }}\n  keystore {{\n    deployment_id = \"{old_id}\"\n    alias = \"remote\"\n  }}\n}}\n",
        sim.provider_block(None, Some("old-local"), Some("remote"))
    ));
    wd.init().success();
    // The restart plan stays pending long enough to be interrupted.
    sim.config(Some(60_000), None);
    let restart_seen = || {
        sim.requests(Some("cloud")).iter().any(|r| {
            r["method"] == "POST" && r["path"].as_str().is_some_and(|p| p.ends_with("/_restart"))
        })
    };
    let run = wd.run_interrupting(&["apply", "-auto-approve", "-input=false"], restart_seen);
    assert_ne!(
        run.code,
        0,
        "the interrupted apply must not succeed: {}",
        run.flat()
    );
    let created: Vec<Value> = keys(&sim, "remote")
        .into_iter()
        .filter(|k| k["name"] == "interrupted")
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");
    assert!(
        created.iter().all(|k| k["invalidated"] == true),
        "a live key state does not know: {created:?}\n{}",
        run.flat()
    );
    assert!(wd.resource("crosscluster_api_key.k").is_none());
    assert!(
        run.flat().contains("was invalidated again"),
        "{}",
        run.flat()
    );
    // The keystore entry the interrupted delivery wrote is taken out again.
    assert!(run.flat().contains("was removed again"), "{}", run.flat());
    assert_eq!(
        sim.deployment_state("old-local")["keystore_keys"],
        json!([])
    );
}
