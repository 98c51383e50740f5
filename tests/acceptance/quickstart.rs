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
fn tfvars(sim: &Sim) -> Value {
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

/// `terraform -chdir=quickstart <args>`.
fn tf(wd: &Workdir, args: &[&str]) -> Run {
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
