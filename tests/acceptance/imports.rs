//! Import that completes (issue 14, must-show 3): for every resource, the `import` block of
//! `examples/resources/<type>/import.tf` (shown on its page) adopts what `resource.tf` created,
//! `terraform plan -generate-config-out` writes configuration that plans clean (imports only),
//! and the apply leaves a clean plan. Where the generated configuration cannot hold the secret
//! (`crosscluster_keystore_api_key`), the test completes it exactly as the page's `import.md`
//! says, then applies. Every request of the import, read, update and destroy must be one that
//! `examples/permissions.json` lists for the resource (the table the Permissions sections show).

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;

use crate::examples::{Example, example_sim, harness_tf};
use crate::harness::Workdir;

fn resources_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/resources")
}

/// The quoted `id = "..."` of an import block.
fn import_id(text: &str) -> String {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("id"))
        .filter_map(|r| r.trim().strip_prefix('='))
        .map(|r| r.trim().trim_matches('"').to_string())
        .next()
        .expect("import.tf has an id")
}

/// Ids of every resource of type `ty` in the state.
fn state_ids(wd: &Workdir, ty: &str) -> Vec<String> {
    let state = wd.state_json();
    state["values"]["root_module"]["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["type"] == ty && r["mode"] == "managed")
                .filter_map(|r| r["values"]["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The lines `import.md` tells the reader to put into the generated resource: its fenced block.
fn lines_to_add(import_md: &str) -> String {
    let start = import_md
        .find("```terraform\n")
        .expect("import.md has a terraform block")
        + 13;
    let end = start + import_md[start..].find("```").expect("closed block");
    import_md[start..end].to_string()
}

/// Replaces `api_key`, `api_key_wo` and `api_key_wo_version` `= null` of the generated
/// resource by `add`.
fn complete_keystore(generated: &str, add: &str) -> String {
    let mut out = String::new();
    let mut replaced = 0;
    for line in generated.lines() {
        let code = line.split('#').next().unwrap_or_default();
        let t: String = code.split_whitespace().collect();
        if t == "api_key=null" || t == "api_key_wo=null" || t == "api_key_wo_version=null" {
            if replaced == 0 {
                out.push_str(add);
            }
            replaced += 1;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert_eq!(
        replaced, 3,
        "the generated configuration should hold `api_key`, `api_key_wo` and `api_key_wo_version` = null, as import.md says:\n{generated}"
    );
    out
}

/// `(resource_change address, actions, importing)` of a saved plan.
fn plan_changes(plan: &Value) -> Vec<(String, Vec<String>, bool)> {
    plan["resource_changes"]
        .as_array()
        .map(|rc| {
            rc.iter()
                .map(|c| {
                    let actions = c["change"]["actions"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (
                        c["address"].as_str().unwrap_or_default().to_string(),
                        actions,
                        !c["change"]["importing"].is_null(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every `METHOD /path` template examples/permissions.json lists for resource `ty`.
fn documented_requests(ty: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/permissions.json");
    let table: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("permissions.json"))
            .expect("permissions.json is JSON");
    table["resources"][ty]
        .as_array()
        .unwrap_or_else(|| panic!("permissions.json has no resources.{ty}"))
        .iter()
        .flat_map(|g| g["requests"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect()
}

/// Whether `METHOD /a/{x}/b` matches a request: `{...}` stands for any text within one path
/// segment (so `{alias}:*` matches `logs:*`); the query string is not part of the template.
fn request_matches(template: &str, method: &str, path: &str) -> bool {
    let Some((m, t)) = template.split_once(' ') else {
        return false;
    };
    if m != method {
        return false;
    }
    let path = path.split('?').next().unwrap_or_default();
    let (ts, ps): (Vec<&str>, Vec<&str>) = (t.split('/').collect(), path.split('/').collect());
    ts.len() == ps.len() && ts.iter().zip(&ps).all(|(t, p)| segment_matches(t, p))
}

/// One path segment against a template segment: the literal pieces between `{...}`
/// placeholders appear in order, the first at the start and the last at the end.
fn segment_matches(template: &str, seg: &str) -> bool {
    let pieces: Vec<&str> = template
        .split(['{', '}'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p)
        .collect();
    if pieces.len() == 1 {
        return template == seg;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    let Some(mut rest) = seg.strip_prefix(first) else {
        return false;
    };
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(pos) => rest = &rest[pos + piece.len()..],
            None => return false,
        }
    }
    // The placeholder before `last` stands for at least one character.
    rest.len() > last.len() && rest.ends_with(last)
}

#[test]
fn request_templates_match_paths() {
    assert!(request_matches(
        "GET /api/v1/deployments/{id}",
        "GET",
        "/api/v1/deployments/abc"
    ));
    assert!(!request_matches(
        "GET /api/v1/deployments/{id}",
        "PUT",
        "/api/v1/deployments/abc"
    ));
    assert!(!request_matches(
        "GET /api/v1/deployments/{id}",
        "GET",
        "/api/v1/deployments/abc/x"
    ));
    assert!(request_matches(
        "GET /_resolve/cluster/{alias}:*",
        "GET",
        "/_resolve/cluster/logs:*"
    ));
    assert!(!request_matches(
        "GET /_resolve/cluster/{alias}:*",
        "GET",
        "/_resolve/cluster/logs"
    ));
    assert!(request_matches("GET /", "GET", "/"));
    assert!(request_matches(
        "GET /_security/api_key",
        "GET",
        "/_security/api_key?id=x"
    ));
    assert!(!request_matches(
        "GET /_security/api_key",
        "GET",
        "/_security/api_keys"
    ));
}

/// One resource type: create with resource.tf, import into a fresh configuration, generate its
/// configuration, plan, apply, plan clean, destroy. Returns a line for the summary.
fn import_completes(ty: &str) -> String {
    let dir = resources_dir().join(ty);
    let import_tf = std::fs::read_to_string(dir.join("import.tf")).expect("import.tf");
    let marker = std::fs::read_to_string(dir.join("example-test.tf")).unwrap_or_default();
    let sim = example_sim(&format!("import-{ty}"), &marker);

    // 1. What the page's example creates.
    let example = Example {
        kind: "resources".into(),
        name: ty.into(),
        files: vec![(
            "resource.tf".into(),
            std::fs::read_to_string(dir.join("resource.tf")).expect("resource.tf"),
        )],
    };
    let created = Workdir::new();
    created.write("harness.tf", &harness_tf(&sim, &example));
    created.write("resource.tf", &example.files[0].1);
    created.apply().success();
    let ids = state_ids(&created, ty);
    let documented = import_id(&import_tf);
    // The key id of a cross-cluster API key is chosen by Elasticsearch: the only one that
    // cannot be written down beforehand.
    let id = if ids.contains(&documented) {
        documented.clone()
    } else if ty == "crosscluster_api_key" && ids.len() == 1 {
        ids[0].clone()
    } else {
        panic!("{ty}: import.tf imports {documented:?}, but resource.tf creates {ids:?}")
    };
    let import_tf = import_tf.replace(&documented, &id);

    // 2. A fresh configuration with only the import block (and the provider layout). From
    //    here on every request is this resource's: each must be one that
    //    examples/permissions.json lists for it.
    sim.control("DELETE", "/_sim/requests", None);
    let wd = Workdir::new();
    let imported = Example {
        kind: "resources".into(),
        name: ty.into(),
        files: vec![("import.tf".into(), import_tf.clone())],
    };
    wd.write("harness.tf", &harness_tf(&sim, &imported));
    wd.write("import.tf", &import_tf);
    let generation = wd.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-generate-config-out=generated.tf",
    ]);
    let generated = std::fs::read_to_string(wd.path().join("generated.tf")).unwrap_or_else(|_| {
        panic!("{ty}: no generated.tf:\n{}", generation.text());
    });
    let mut note = "generated configuration plans clean";
    if ty == "crosscluster_keystore_api_key" {
        // What the page warns about, then what it says to add.
        generation
            .failure()
            .contains("Exactly one of these attributes must be configured");
        let md = std::fs::read_to_string(dir.join("import.md")).expect("import.md");
        let completed = complete_keystore(&generated, &lines_to_add(&md));
        wd.write("generated.tf", &completed);
        wd.write(
            "variables.tf",
            "variable \"logs_api_key\" {\n  type      = string\n  ephemeral = true\n  sensitive = true\n}\n",
        );
        wd.write(
            "terraform.tfvars.json",
            r#"{"logs_api_key": "imported-then-rewritten-key"}"#,
        );
        note = "generated configuration completed as import.md says";
    } else {
        generation.success();
    }

    // 3. The plan imports and changes nothing else (the keystore key is written once).
    let plan = wd.plan_json();
    let changes = plan_changes(&plan);
    assert!(!changes.is_empty(), "{ty}: empty plan");
    for (address, actions, importing) in &changes {
        assert!(importing, "{ty}: {address} is not imported: {plan}");
        let allowed: &[&str] = if ty == "crosscluster_keystore_api_key" {
            &["no-op", "update"]
        } else {
            &["no-op"]
        };
        assert!(
            actions.iter().all(|a| allowed.contains(&a.as_str())),
            "{ty}: {address} plans {actions:?} besides the import:\n{}",
            std::fs::read_to_string(wd.path().join("generated.tf")).unwrap_or_default()
        );
    }
    wd.apply().success();
    let setting = "cluster.remote.logs.credentials";
    if ty == "crosscluster_keystore_api_key" {
        // The apply wrote the key the completed configuration gives.
        assert_eq!(
            sim.keystore_value("local", setting).as_deref(),
            Some("imported-then-rewritten-key")
        );
    }
    wd.assert_no_changes();
    wd.destroy().success();
    if ty == "crosscluster_keystore_api_key" {
        assert_eq!(
            sim.keystore_value("local", setting),
            None,
            "destroy removes the entry"
        );
    }
    let listed = documented_requests(ty);
    let mut unlisted = std::collections::BTreeSet::new();
    for r in sim.requests(None) {
        let method = r["method"].as_str().unwrap_or_default();
        let path = r["path"].as_str().unwrap_or_default();
        if path.starts_with("/_sim") {
            continue;
        }
        if !listed.iter().any(|t| request_matches(t, method, path)) {
            unlisted.insert(format!("{method} {path}"));
        }
    }
    assert!(
        unlisted.is_empty(),
        "{ty} made requests that examples/permissions.json does not list for it: {unlisted:?}"
    );
    format!("{ty}: imported {id:?}; {note}; applied, plan clean, destroyed")
}

/// Every resource ships `import.tf`, and each imports, generates, plans clean and applies.
#[test]
fn every_import_block_completes_with_generated_configuration() {
    let mut types: Vec<String> = std::fs::read_dir(resources_dir())
        .expect("examples/resources")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    types.sort();
    assert!(types.len() >= 6, "{types:?}");
    for ty in &types {
        assert!(
            resources_dir().join(ty).join("import.tf").is_file(),
            "{ty} has no import.tf"
        );
    }
    let queue = Mutex::new(types.clone());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                loop {
                    let Some(ty) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let r = std::panic::catch_unwind(AssertUnwindSafe(|| import_completes(&ty)))
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
    eprintln!(
        "imports: {} of {} resources import and plan clean",
        results.len() - failures.len(),
        results.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
