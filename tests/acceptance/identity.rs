//! Import by resource identity (issue 13, must-show 5): for every resource, what the page's
//! `resource.tf` creates carries an identity in the state (the attributes naming the object,
//! the parts of its import id), and a fresh configuration with the same resources and only
//! `import { to = ..., identity = {...} }` blocks adopts all of them: the plan only imports,
//! the apply succeeds, the next plan is empty and the identities are the same.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;

use crate::examples::{Example, example_sim, harness_tf};
use crate::harness::Workdir;

fn resources_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/resources")
}

/// `(address, type, values, identity)` of every managed resource of a state.
fn managed(state: &Value) -> Vec<(String, String, Value, Value)> {
    state["values"]["root_module"]["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["mode"] == "managed")
                .map(|r| {
                    (
                        r["address"].as_str().unwrap_or_default().to_string(),
                        r["type"].as_str().unwrap_or_default().to_string(),
                        r["values"].clone(),
                        r["identity"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The identity a resource of type `ty` must have, from its state values (the parts of
/// its import id).
fn expected_identity(ty: &str, values: &Value) -> Value {
    let pick = |names: &[&str]| {
        Value::Object(
            names
                .iter()
                .map(|n| (n.to_string(), values[*n].clone()))
                .collect(),
        )
    };
    match ty {
        "crosscluster_role" => pick(&["name"]),
        "crosscluster_ece_trust_relationship" | "crosscluster_signing_trust" => pick(&["id"]),
        "crosscluster_remote_cluster_signing" => pick(&["alias"]),
        "crosscluster_remote_cluster_filter" => {
            let id = values["id"].as_str().unwrap_or_default();
            assert_eq!(
                id,
                format!(
                    "{}/{}",
                    values["deployment_id"].as_str().unwrap_or_default(),
                    values["ruleset_id"].as_str().unwrap_or_default()
                ),
                "filter id"
            );
            pick(&["deployment_id", "ruleset_id"])
        }
        "crosscluster_remote_cluster" => pick(&["alias"]),
        "crosscluster_api_key" => pick(&["id"]),
        "crosscluster_keystore_api_key" | "crosscluster_deployment_remote_cluster" => {
            pick(&["deployment_id", "ref_id", "alias"])
        }
        "crosscluster_trusted_environment" => {
            let id = values["id"].as_str().unwrap_or_default();
            let p: Vec<&str> = id.splitn(4, '/').collect();
            assert_eq!(p.len(), 4, "trust id {id:?}");
            serde_json::json!({"deployment_id": p[0], "ref_id": p[1], "kind": p[2], "value": p[3]})
        }
        other => panic!("no identity expectation for {other}: add one with its identity"),
    }
}

/// `text` without the block opening at the line `opening` (through its closing brace at the
/// same indentation).
fn without_block(text: &str, opening: &str) -> String {
    let indent = &opening[..opening.len() - opening.trim_start().len()];
    let close = format!("{indent}}}");
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line == opening {
            skipping = true;
            continue;
        }
        if skipping {
            if line == close {
                skipping = false;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert!(out.len() < text.len(), "no block {opening:?}");
    out
}

/// An `import` block by identity.
fn import_block(address: &str, identity: &Value) -> String {
    let mut s = format!("import {{\n  to = {address}\n  identity = {{\n");
    for (k, v) in identity.as_object().expect("identity object") {
        if !v.is_null() {
            s.push_str(&format!("    {k} = {v}\n"));
        }
    }
    s.push_str("  }\n}\n");
    s
}

fn identity_import_completes(ty: &str) -> String {
    let dir = resources_dir().join(ty);
    let resource_tf = std::fs::read_to_string(dir.join("resource.tf")).expect("resource.tf");
    // The simulator the examples test gives this page: a `# example-test: stack 9.3.0`
    // marker in its example-test.tf puts `local` and `remote` on that version (signing).
    let markers = std::fs::read_to_string(dir.join("example-test.tf")).unwrap_or_default();
    let sim = example_sim(&format!("identity-{ty}"), &markers);
    let example = Example {
        kind: "resources".into(),
        name: ty.into(),
        files: vec![("resource.tf".into(), resource_tf.clone())],
    };
    let created = Workdir::new();
    created.write("harness.tf", &harness_tf(&sim, &example));
    created.write("resource.tf", &resource_tf);
    created.apply().success();
    let before = managed(&created.state_json());
    assert!(
        before.iter().any(|(_, t, _, _)| t == ty),
        "{ty}: {before:?}"
    );
    for (address, t, values, identity) in &before {
        assert_eq!(
            identity,
            &expected_identity(t, values),
            "{address}: the state's identity"
        );
    }

    // A fresh configuration with the same resources and the state of the others (a
    // keystore entry fed by a key's `encoded` needs that key's secret, which no import can
    // read back); the objects of type `ty` are adopted by identity only. Optional identity
    // attributes (ref_id) are left out: the provider finds them.
    let wd = Workdir::new();
    wd.write("harness.tf", &harness_tf(&sim, &example));
    // The page says it: a key's secret and its `keystore` block cannot be imported (a
    // configuration with the block plans a new sealed key), so the adopting configuration
    // leaves the block out.
    let adopting = if ty == "crosscluster_api_key" {
        without_block(&resource_tf, "  keystore {")
    } else {
        resource_tf.clone()
    };
    wd.write("resource.tf", &adopting);
    wd.write("terraform.tfstate", &created.state_file());
    let mine: Vec<_> = before.iter().filter(|(_, t, _, _)| t == ty).collect();
    for (address, _, _, _) in &mine {
        wd.run(&["state", "rm", "-no-color", address]).success();
    }
    let imports: String = mine
        .iter()
        .map(|(address, t, _, identity)| {
            let mut id = identity.clone();
            if t != "crosscluster_trusted_environment" {
                if let Some(m) = id.as_object_mut() {
                    m.remove("ref_id");
                }
            }
            import_block(address, &id)
        })
        .collect();
    wd.write("imports.tf", &imports);
    let plan = wd.plan_json();
    let changes: Vec<Value> = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c["type"] == ty)
        .collect();
    assert_eq!(changes.len(), mine.len(), "{ty}: {plan}");
    for c in &changes {
        let address = c["address"].as_str().unwrap_or_default();
        assert!(
            !c["change"]["importing"].is_null(),
            "{address} is not imported: {plan}"
        );
        assert!(
            c["change"]["importing"]["identity"].is_object(),
            "{address}: imported by identity: {}",
            c["change"]["importing"]
        );
        // The keystore key is write-only: the import cannot read it, the apply writes it once.
        let allowed: &[&str] = if c["type"] == "crosscluster_keystore_api_key" {
            &["no-op", "update"]
        } else {
            &["no-op"]
        };
        let actions: Vec<&str> = c["change"]["actions"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            actions.iter().all(|a| allowed.contains(a)),
            "{address} plans {actions:?} besides the import"
        );
    }
    wd.apply().success();
    wd.assert_no_changes();
    let after = managed(&wd.state_json());
    let ids = |v: &[(String, String, Value, Value)]| -> Vec<(String, Value)> {
        let mut v: Vec<_> = v
            .iter()
            .map(|(a, _, _, i)| (a.clone(), i.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(
        ids(&after),
        ids(&before),
        "{ty}: identities after the import"
    );
    wd.destroy().success();
    format!(
        "{ty}: {} object(s) imported by identity, plan clean",
        mine.len()
    )
}

/// Every resource type can be imported with `import { identity = {...} }`.
#[test]
fn every_resource_imports_by_identity() {
    let mut types: Vec<String> = std::fs::read_dir(resources_dir())
        .expect("examples/resources")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    types.sort();
    assert!(types.len() >= 6, "{types:?}");
    let queue = Mutex::new(types.clone());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                loop {
                    let Some(ty) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        identity_import_completes(&ty)
                    }))
                    .map_err(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panicked".into())
                    });
                    results.lock().unwrap().push((ty, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort();
    let mut failures = Vec::new();
    for (ty, r) in &results {
        match r {
            Ok(line) => eprintln!("{line}"),
            Err(e) => failures.push(format!("{ty}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
