//! `crosscluster_keystore_api_key` against the simulator: lifecycle, preservation of keystore
//! entries Terraform does not manage, drift, the write-only form and `reload = "auto"`.

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const ADDR: &str = "crosscluster_keystore_api_key.k";

/// The default fixture where `local` already holds two keystore entries set up elsewhere.
fn fixture_with_foreign_keys() -> Fixture {
    let mut f = Fixture::default_fixture();
    let local = f
        .deployments
        .iter_mut()
        .find(|d| d.name == "local")
        .expect("local");
    local.keystore.insert(
        "cluster.remote.foreign.credentials".into(),
        json!("Zm9yZWlnbjprZXk="),
    );
    local
        .keystore
        .insert("xpack.notification.slack.url".into(), json!({"k": "v"}));
    f
}

fn fast() -> Options {
    Options {
        plan_ms: 50,
        latency_ms: 0,
    }
}

fn keystore_url(sim: &Sim, name: &str) -> String {
    format!(
        "{}/api/v1/deployments/{}/elasticsearch/main-elasticsearch/keystore",
        sim.ready.cloud_url,
        sim.id(name)
    )
}

fn cloud_auth(sim: &Sim, name: &str) -> String {
    format!("ApiKey {}", sim.cloud_key_for(name))
}

/// `GET .../keystore` `secrets` of deployment `name`, through the Cloud API.
fn keystore(sim: &Sim, name: &str) -> Value {
    let (status, body) = sim.http(
        "GET",
        &keystore_url(sim, name),
        Some(&cloud_auth(sim, name)),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["secrets"].clone()
}

/// Keystore PATCH requests sent to deployment `name` so far.
fn keystore_patches(sim: &Sim, name: &str) -> Vec<Value> {
    let path = format!(
        "/api/v1/deployments/{}/elasticsearch/main-elasticsearch/keystore",
        sim.id(name)
    );
    sim.requests(Some("cloud"))
        .into_iter()
        .filter(|r| r["method"] == "PATCH" && r["path"] == path.as_str())
        .collect()
}

/// `_restart` requests sent to deployment `name` so far.
fn restarts(sim: &Sim, name: &str) -> usize {
    let path = format!(
        "/api/v1/deployments/{}/elasticsearch/main-elasticsearch/_restart",
        sim.id(name)
    );
    sim.requests(Some("cloud"))
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == path.as_str())
        .count()
}

fn key_config(sim: &Sim, dep: &str, alias: &str, key_attrs: &str) -> String {
    format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"crosscluster_keystore_api_key\" \"k\" {{\n  deployment_id = \"{}\"\n  alias         = \"{alias}\"\n{key_attrs}\n}}\n",
        sim.provider_block(None, Some(dep), None),
        sim.id(dep)
    )
}

/// The foreign entries are still listed with the same metadata, and no request the provider
/// sent named them.
fn assert_foreign_untouched(sim: &Sim, before: &Value) {
    let now = keystore(sim, "local");
    for k in [
        "cluster.remote.foreign.credentials",
        "xpack.notification.slack.url",
    ] {
        assert_eq!(now[k], before[k], "{k} changed: {now}");
        assert!(now[k].is_object(), "{k} missing: {now}");
        for p in keystore_patches(sim, "local") {
            let secrets = p["body"]["secrets"].as_object().expect("secrets");
            assert!(!secrets.contains_key(k), "a PATCH touched {k}: {p}");
            assert_eq!(secrets.len(), 1, "a PATCH named several keys: {p}");
        }
    }
}

#[test]
fn keystore_key_lifecycle_import_drift_and_preservation() {
    let sim = Sim::with(
        "keystore_api_key_lifecycle",
        fixture_with_foreign_keys(),
        fast(),
    );
    let before = keystore(&sim, "local");
    let wd = Workdir::new();
    let dep = sim.id("local");

    // Create.
    wd.config(&key_config(
        &sim,
        "local",
        "r1",
        "  api_key = \"a2V5MTpzZWNyZXQx\"",
    ));
    wd.apply().success();
    wd.assert_no_changes();
    let state = wd.resource(ADDR).expect("in state");
    assert_eq!(state["id"], format!("{dep}/main-elasticsearch/r1"));
    assert_eq!(state["ref_id"], "main-elasticsearch");
    assert_eq!(state["setting_name"], "cluster.remote.r1.credentials");
    assert_eq!(state["reload"], "auto");
    assert!(keystore(&sim, "local")["cluster.remote.r1.credentials"].is_object());
    assert_eq!(keystore_patches(&sim, "local").len(), 1);
    assert_foreign_untouched(&sim, &before);

    // Update in place: a new key is written; a change of reload alone writes nothing.
    wd.config(&key_config(
        &sim,
        "local",
        "r1",
        "  api_key = \"a2V5MjpzZWNyZXQy\"",
    ));
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(keystore_patches(&sim, "local").len(), 2);
    wd.config(&key_config(
        &sim,
        "local",
        "r1",
        "  api_key = \"a2V5MjpzZWNyZXQy\"\n  reload = \"none\"",
    ));
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(keystore_patches(&sim, "local").len(), 2);
    assert_eq!(restarts(&sim, "local"), 0, "9.1 reloads by itself");

    // Replace: another alias removes r1 and writes r2.
    wd.config(&key_config(
        &sim,
        "local",
        "r2",
        "  api_key = \"a2V5MjpzZWNyZXQy\"",
    ));
    let run = wd.apply().success();
    assert!(
        run.flat().contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        run.text()
    );
    wd.assert_no_changes();
    let ks = keystore(&sim, "local");
    assert!(ks.get("cluster.remote.r1.credentials").is_none(), "{ks}");
    assert!(ks["cluster.remote.r2.credentials"].is_object(), "{ks}");
    assert_foreign_untouched(&sim, &before);

    // Import: the key's value is unknown to the provider, so the next apply writes it again.
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, &format!("{dep}/main-elasticsearch/r2"))
        .success();
    let imported = wd.resource(ADDR).expect("imported");
    assert_eq!(imported["alias"], "r2");
    assert_eq!(imported["reload"], "auto");
    assert!(imported["api_key"].is_null());
    assert_eq!(
        wd.plan_code().code,
        2,
        "api_key must be written after import"
    );
    let patches = keystore_patches(&sim, "local").len();
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(keystore_patches(&sim, "local").len(), patches + 1);
    // A malformed import id is a clear error.
    wd.run(&["state", "rm", ADDR]).success();
    wd.import(ADDR, "not-an-id")
        .failure()
        .contains("Invalid import id");
    wd.import(ADDR, &format!("{dep}/main-elasticsearch/r2"))
        .success();
    wd.apply().success();

    // Drift: removed outside Terraform, planned for creation and written again.
    let (status, body) = sim.http(
        "PATCH",
        &keystore_url(&sim, "local"),
        Some(&cloud_auth(&sim, "local")),
        Some(json!({"secrets": {"cluster.remote.r2.credentials": {"as_file": false}}})),
    );
    assert_eq!(status, 200, "{body}");
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    assert!(run.flat().contains("will be created"), "{}", run.text());
    wd.apply().success();
    wd.assert_no_changes();
    assert!(keystore(&sim, "local")["cluster.remote.r2.credentials"].is_object());

    // Destroy removes only the managed key.
    wd.destroy().success();
    let ks = keystore(&sim, "local");
    assert!(ks.get("cluster.remote.r2.credentials").is_none(), "{ks}");
    assert_foreign_untouched(&sim, &before);

    // A key that already exists is not taken over silently.
    wd.config(&key_config(
        &sim,
        "local",
        "foreign",
        "  api_key = \"eDp5\"",
    ));
    wd.apply()
        .failure()
        .contains("Keystore key already exists")
        .contains("terraform import");
    assert_foreign_untouched(&sim, &before);

    // A deleted deployment: the key is gone from state, and creating it is a clear error.
    wd.config(&key_config(&sim, "local", "r3", "  api_key = \"eDp5\""));
    wd.apply().success();
    sim.control("POST", "/_sim/deployments/local/delete", None);
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    wd.apply().failure().contains("Deployment not found");
}

#[test]
fn keystore_key_plan_time_validation() {
    let sim = Sim::start("keystore_api_key_validation");
    let wd = Workdir::new();
    let cases: [(&str, &str, &str); 4] = [
        ("r", "", "Invalid attribute combination"),
        (
            "r",
            "  api_key = \"a\"\n  api_key_wo = \"b\"\n  api_key_wo_version = 1",
            "Only one of these attributes",
        ),
        (
            "r",
            "  api_key_wo = \"secret-b\"",
            "Missing api_key_wo_version",
        ),
        ("Bad.Alias", "  api_key = \"a\"", "Invalid alias"),
    ];
    for (alias, attrs, needle) in cases {
        wd.config(&key_config(&sim, "local", alias, attrs));
        let run = wd.validate().failure().contains(needle);
        assert!(!run.text().contains("secret-b"), "{}", run.text());
    }
    // Nothing reached the Cloud API.
    assert!(sim.requests(Some("cloud")).is_empty());
}

#[test]
fn keystore_key_write_only_never_stored() {
    let sim = Sim::start("keystore_api_key_write_only");
    let mut wd = Workdir::new();
    let secret1 = "d286c2VjcmV0LW9uZQ-WO1";
    let secret2 = "d286c2VjcmV0LXR3bw-WO2";
    // As in real use, the key reaches the write-only attribute through an ephemeral value
    // (a literal would show up in the plan's own `configuration` section, which Terraform writes
    // from the configuration text, not from the provider).
    let cfg = |version: u32| {
        format!(
            "{}variable \"key\" {{\n  type      = string\n  ephemeral = true\n  sensitive = true\n}}\n",
            key_config(
                &sim,
                "local",
                "wo",
                &format!("  api_key_wo = var.key\n  api_key_wo_version = {version}"),
            )
        )
    };
    let set_key = |wd: &mut Workdir, secret: &str| {
        wd.env("TF_VAR_key", secret);
    };
    set_key(&mut wd, secret1);
    wd.config(&cfg(1));
    let plan = wd.plan_json().to_string();
    assert!(
        !plan.contains(secret1),
        "the plan JSON holds the key: {plan}"
    );
    wd.apply().success();
    wd.assert_no_changes();
    let state = wd.state_file();
    assert!(state.contains("cluster.remote.wo.credentials"), "{state}");
    assert!(!state.contains(secret1), "the state holds the key");
    let res = wd.resource(ADDR).expect("in state");
    assert!(res["api_key_wo"].is_null());
    assert_eq!(res["api_key_wo_version"], 1);
    assert_eq!(keystore_patches(&sim, "local").len(), 1);

    // Another value with the same version: Terraform cannot see it, nothing is written.
    set_key(&mut wd, secret2);
    wd.assert_no_changes();
    // A new version rewrites the key.
    wd.config(&cfg(2));
    let plan = wd.plan_json().to_string();
    assert!(!plan.contains(secret2) && !plan.contains(secret1));
    // With the provider's most verbose logging, the key still appears nowhere.
    wd.env("TF_LOG_PROVIDER", "TRACE");
    let run = wd.apply().success();
    assert!(
        run.flat().contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        run.text()
    );
    assert!(
        run.stderr.contains("/keystore"),
        "no provider request log captured"
    );
    assert!(
        !run.text().contains(secret2),
        "the provider log holds the key"
    );
    wd.env("TF_LOG_PROVIDER", "");
    wd.assert_no_changes();
    assert_eq!(keystore_patches(&sim, "local").len(), 2);
    let state = wd.state_file();
    assert!(!state.contains(secret1) && !state.contains(secret2));

    // Switching to the sensitive form writes again; back to write-only as well.
    wd.config(&key_config(
        &sim,
        "local",
        "wo",
        "  api_key = \"eDpzd2l0Y2g\"",
    ));
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(keystore_patches(&sim, "local").len(), 3);
    wd.destroy().success();
    assert!(
        keystore(&sim, "local")
            .get("cluster.remote.wo.credentials")
            .is_none()
    );
    assert!(!wd.state_file().contains(secret2));
}

#[test]
fn keystore_key_reload_auto_restarts_only_below_8_14() {
    let sim = Sim::start("keystore_api_key_reload");
    let wd = Workdir::new();
    let res = |name: &str, dep: &str, alias: &str, reload: &str| {
        format!(
            "resource \"crosscluster_keystore_api_key\" \"{name}\" {{\n  deployment_id = \"{}\"\n  alias = \"{alias}\"\n  api_key = \"eDp5\"\n  {reload}\n  timeouts {{\n    create = \"2m\"\n  }}\n}}\n",
            sim.id(dep)
        )
    };
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n{}{}{}",
        sim.provider_block(None, Some("local"), None),
        res("old_auto", "old-local", "a", ""),
        res("old_none", "old-local", "b", "reload = \"none\""),
        res("new_auto", "local", "c", "reload = \"auto\""),
    ));
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(
        restarts(&sim, "old-local"),
        1,
        "8.12 with auto restarts once"
    );
    assert_eq!(restarts(&sim, "local"), 0, "9.1 reloads by itself");
    // After the restart plan the 8.12 node has loaded the key the resource wrote.
    let old = sim.deployment_state("old-local");
    assert!(
        old["loaded_keystore_keys"]
            .as_array()
            .is_some_and(|k| k.iter().any(|x| x == "cluster.remote.a.credentials")),
        "{old}"
    );
    assert_eq!(old["pending_plan"], false, "{old}");
    let new = sim.deployment_state("local");
    assert!(
        new["loaded_keystore_keys"]
            .as_array()
            .is_some_and(|k| k.iter().any(|x| x == "cluster.remote.c.credentials")),
        "{new}"
    );

    // Removing the key with auto restarts again so the node drops it; none does not.
    wd.destroy().success();
    assert_eq!(restarts(&sim, "old-local"), 2);
    assert_eq!(restarts(&sim, "local"), 0);
    let old = sim.deployment_state("old-local");
    assert_eq!(old["keystore_keys"], json!([]), "{old}");
}
