//! `examples/quickstart/` against the simulator's default fixture, as `make demo` runs it
//! (issue 6, must-shows 1 and 4): the files are copied unchanged (the quickstart and the modules
//! it uses, side by side as in the repository), `terraform.tfvars.json` is written from the
//! ready document, then init, apply, every alias connected, a clean plan, destroy, and the
//! fixture as it was (but for the sealed keystore entry, which destroy leaves by design).

use std::time::Instant;

use serde_json::{Value, json};

use crate::harness::{Run, Workdir};
use crate::modules::{copy_tf_tree, examples_dir, footprint, new_keys_invalidated};
use crate::sim::Sim;

/// The keystore entry that the API-key part's sealed delivery leaves on `local` after destroy.
const LEFT_IN_KEYSTORE: &str = "cluster.remote.remote_api_key.credentials";

/// The quickstart's variables from the ready document (what `tools/demo.sh` writes).
pub(crate) fn tfvars(sim: &Sim) -> Value {
    let d = |name: &str| sim.dep(name).1;
    json!({
        "cloud_url": sim.ready.cloud_url,
        "local_org_api_key": sim.cloud_key_for("local"),
        "remote_org_api_key": sim.cloud_key_for("remote"),
        "deployment_ids": {
            "local": sim.id("local"),
            "remote": sim.id("remote"),
            "legacy": sim.id("legacy"),
            "legacy_remote": sim.id("legacy-remote"),
        },
        "es_urls": {
            "local": d("local").es_url,
            "remote": d("remote").es_url,
            "legacy": d("legacy").es_url,
        },
        "es_username": d("local").username,
        "es_passwords": {
            "local": d("local").password,
            "remote": d("remote").password,
            "legacy": d("legacy").password,
        },
        "connection_timeout": "15s",
    })
}

/// The quickstart's variables without the optional legacy part, as its README tells a user
/// without 7.x deployments to write them.
fn tfvars_without_legacy(sim: &Sim) -> Value {
    let mut v = tfvars(sim);
    for key in ["deployment_ids", "es_urls", "es_passwords"] {
        if let Some(m) = v[key].as_object_mut() {
            m.remove("legacy");
            m.remove("legacy_remote");
        }
    }
    v
}

/// The keys (recursively) of a JSON object, as dotted paths.
fn key_paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Some(m) = v.as_object() {
        for (k, child) in m {
            let path = format!("{prefix}{k}");
            out.push(path.clone());
            key_paths(child, &format!("{path}."), out);
        }
    }
    out.sort();
}

/// The ```json blocks of the quickstart's README.
fn readme_json_blocks() -> Vec<Value> {
    let text = std::fs::read_to_string(examples_dir().join("quickstart/README.md"))
        .expect("quickstart README");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```json\n") {
        let after = &rest[start + 8..];
        let end = after.find("```").expect("closed json block");
        out.push(serde_json::from_str(&after[..end]).expect("README json block is JSON"));
        rest = &after[end + 3..];
    }
    out
}

/// `terraform -chdir=quickstart <args>`.
pub(crate) fn tf(wd: &Workdir, args: &[&str]) -> Run {
    let mut all = vec!["-chdir=quickstart"];
    all.extend_from_slice(args);
    wd.run(&all)
}

#[test]
fn quickstart_connects_every_alias_and_destroys_cleanly() {
    let started = Instant::now();
    let sim = Sim::start("quickstart");
    let names = ["local", "remote", "legacy", "legacy-remote", "old-local"];
    let before: Vec<Value> = names
        .iter()
        .map(|n| {
            let left = (*n == "local").then_some(LEFT_IN_KEYSTORE);
            footprint(&sim, n, left)
        })
        .collect();
    let remote_before = sim.deployment_state("remote");

    let wd = Workdir::new();
    copy_tf_tree(&wd, &examples_dir().join("quickstart"), "quickstart");
    copy_tf_tree(&wd, &examples_dir().join("modules"), "modules");
    let vars = tfvars(&sim);
    wd.write(
        "quickstart/terraform.tfvars.json",
        &serde_json::to_string_pretty(&vars).unwrap(),
    );

    let mut runs = vec![tf(&wd, &["init", "-input=false", "-no-color"]).success()];
    runs.push(
        tf(
            &wd,
            &["apply", "-input=false", "-no-color", "-auto-approve"],
        )
        .success(),
    );

    // Every alias is connected, in the map and in the table.
    let out = tf(&wd, &["output", "-json", "-no-color"]).success();
    let out: Value = serde_json::from_str(&out.stdout).expect("output -json");
    let connected = &out["connected"]["value"];
    assert_eq!(
        connected,
        &json!({
            "remote_api_key": true,
            "remote_cert": true,
            "local_cert": true,
            "legacy_remote": true,
        }),
        "{out}"
    );
    let table = out["alias_table"]["value"].as_str().expect("alias_table");
    assert_eq!(table.lines().count(), 5, "{table}");
    for alias in [
        "remote_api_key",
        "remote_cert",
        "local_cert",
        "legacy_remote",
    ] {
        let line = table
            .lines()
            .find(|l| l.contains(alias))
            .unwrap_or_else(|| panic!("{alias} missing from\n{table}"));
        assert!(line.trim_end().ends_with("yes"), "{line}");
    }

    // The simulator agrees, link by link, with the right model.
    let local = sim.deployment_state("local");
    let remote_ep = sim.dep("remote").1.endpoint;
    assert_eq!(
        local["connections"]["remote_api_key"]["connected"], true,
        "{local}"
    );
    assert_eq!(
        local["connections"]["remote_cert"]["connected"], true,
        "{local}"
    );
    assert_eq!(
        sim.deployment_state("remote")["connections"]["local_cert"]["connected"],
        true
    );
    let legacy = sim.deployment_state("legacy");
    assert_eq!(
        legacy["connections"]["legacy_remote"]["connected"], true,
        "{legacy}"
    );
    let (status, info) = sim.http(
        "GET",
        &format!("{}/_remote/info", sim.dep("local").1.es_url),
        Some(&sim.es_auth("local")),
        None,
    );
    assert_eq!(status, 200, "{info}");
    assert_eq!(
        info["remote_api_key"]["proxy_address"],
        format!("{remote_ep}:9443")
    );
    assert_eq!(
        info["remote_cert"]["proxy_address"],
        format!("{remote_ep}:9400")
    );
    assert!(sim.keystore_value("local", LEFT_IN_KEYSTORE).is_some());

    // A second plan has nothing to do.
    let plan = tf(
        &wd,
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "expected an empty plan:\n{}", plan.text());
    runs.push(plan);

    runs.push(
        tf(
            &wd,
            &["destroy", "-input=false", "-no-color", "-auto-approve"],
        )
        .success(),
    );
    for (n, b) in names.iter().zip(&before) {
        let left = (*n == "local").then_some(LEFT_IN_KEYSTORE);
        assert_eq!(&footprint(&sim, n, left), b, "{n} is not as it was");
    }
    assert_eq!(new_keys_invalidated(&sim, "remote", &remote_before), 1);

    // The sensitive variables stay out of everything Terraform printed.
    let whole: String = runs.iter().map(Run::text).collect();
    for secret in [
        sim.cloud_key_for("local"),
        sim.cloud_key_for("remote"),
        sim.dep("local").1.password,
        sim.dep("remote").1.password,
        sim.dep("legacy").1.password,
    ] {
        assert!(!whole.contains(&secret), "a secret in Terraform's output");
    }
    eprintln!(
        "quickstart_connects_every_alias_and_destroys_cleanly took {:?}",
        started.elapsed()
    );
}

/// Issue 14: the quickstart without the legacy part, written as its README says (the README's
/// first JSON block has exactly these keys), plans, applies with the three other aliases
/// connected, plans clean and destroys.
#[test]
fn quickstart_without_the_legacy_part_applies_as_its_readme_says() {
    let sim = Sim::start("quickstart-no-legacy");
    let vars = tfvars_without_legacy(&sim);

    // The README's variable files: without and with the legacy part.
    let blocks = readme_json_blocks();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let (mut readme_keys, mut ours) = (Vec::new(), Vec::new());
    key_paths(&blocks[0], "", &mut readme_keys);
    key_paths(&vars, "", &mut ours);
    ours.retain(|k| k != "es_username" && k != "connection_timeout"); // defaults
    assert_eq!(readme_keys, ours, "the README's variables without legacy");
    let (mut with_legacy, mut full) = (Vec::new(), Vec::new());
    key_paths(&blocks[1], "", &mut with_legacy);
    key_paths(&tfvars(&sim), "", &mut full);
    full.retain(|k| k != "es_username" && k != "connection_timeout");
    assert_eq!(with_legacy, full, "the README's variables with legacy");

    let wd = Workdir::new();
    copy_tf_tree(&wd, &examples_dir().join("quickstart"), "quickstart");
    copy_tf_tree(&wd, &examples_dir().join("modules"), "modules");
    wd.write(
        "quickstart/terraform.tfvars.json",
        &serde_json::to_string_pretty(&vars).unwrap(),
    );
    tf(&wd, &["init", "-input=false", "-no-color"]).success();
    tf(
        &wd,
        &["apply", "-input=false", "-no-color", "-auto-approve"],
    )
    .success();
    let out = tf(&wd, &["output", "-json", "-no-color"]).success();
    let out: Value = serde_json::from_str(&out.stdout).expect("output -json");
    assert_eq!(
        out["connected"]["value"],
        json!({"remote_api_key": true, "remote_cert": true, "local_cert": true}),
        "{out}"
    );
    let table = out["alias_table"]["value"].as_str().expect("alias_table");
    assert_eq!(table.lines().count(), 4, "{table}");
    // Nothing on the legacy cluster.
    let legacy = sim.deployment_state("legacy");
    assert!(
        legacy["connections"].get("legacy_remote").is_none(),
        "{legacy}"
    );
    let plan = tf(
        &wd,
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "expected an empty plan:\n{}", plan.text());
    tf(
        &wd,
        &["destroy", "-input=false", "-no-color", "-auto-approve"],
    )
    .success();
}
