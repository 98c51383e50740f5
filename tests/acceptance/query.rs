//! `terraform query` (issue 13, must-show 4): the list resources find the unmanaged objects
//! of the default fixture (the local deployment's default trust of its own organization)
//! plus a brownfield set made through the simulator's APIs directly (two aliases, two
//! cross-cluster keys, a keystore entry, a role with remote privileges, a trust entry);
//! `terraform query -generate-config-out` writes configuration whose plan only imports
//! (once the keystore entry gets its key, as the docs say); after the apply the plan is empty.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::examples::{Example, harness_tf};
use crate::harness::Workdir;
use crate::remote_cluster::trust_org;
use crate::sim::Sim;

/// POST on `on`'s Elasticsearch as its admin; the JSON answer.
fn es(sim: &Sim, on: &str, method: &str, path: &str, body: Value) -> Value {
    let d = sim.dep(on).1;
    let (status, out) = sim.http(
        method,
        &format!("{}{path}", d.es_url),
        Some(&sim.es_auth(on)),
        Some(body),
    );
    assert_eq!(status, 200, "{method} {path}: {out}");
    out
}

/// The brownfield set, made by hand on `local` (aliases, keys, keystore, role) and in its
/// trust settings (the remote organization).
fn seed(sim: &Sim) -> String {
    let ep = sim.dep("remote").1.endpoint;
    // An API-key alias with its credentials in the keystore (a key issued by `remote`).
    let key = es(
        sim,
        "remote",
        "POST",
        "/_security/cross_cluster/api_key",
        json!({"name": "by-hand", "access": {"search": [{"names": ["logs-*"]}]}}),
    );
    let (id, l) = sim.dep("local");
    let (status, body) = sim.http(
        "PATCH",
        &format!(
            "{}/api/v1/deployments/{id}/elasticsearch/{}/keystore",
            sim.ready.cloud_url, l.ref_id
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for("local"))),
        Some(json!({"secrets": {"cluster.remote.brown_logs.credentials": {"value": key["encoded"]}}})),
    );
    assert!(status == 200 || status == 202, "{status} {body}");
    es(
        sim,
        "local",
        "PUT",
        "/_cluster/settings",
        json!({"persistent": {
            "cluster.remote.brown_logs.mode": "proxy",
            "cluster.remote.brown_logs.proxy_address": format!("{ep}:9443"),
            "cluster.remote.brown_logs.server_name": ep,
            "cluster.remote.brown_old.mode": "proxy",
            "cluster.remote.brown_old.proxy_address": format!("{ep}:9400"),
            "cluster.remote.brown_old.server_name": ep,
            "cluster.remote.brown_old.skip_unavailable": true
        }}),
    );
    // Two cross-cluster keys issued by `local` for others (and a REST key, not listed).
    for (name, index) in [("brown-a", "metrics-*"), ("brown-b", "traces-*")] {
        es(
            sim,
            "local",
            "POST",
            "/_security/cross_cluster/api_key",
            json!({"name": name, "access": {"search": [{"names": [index]}]}, "metadata": {"owner": "ops"}}),
        );
    }
    // A role with remote privileges and one without (not listed).
    es(
        sim,
        "local",
        "PUT",
        "/_security/role/brown_reader",
        json!({"remote_indices": [{"clusters": ["brown_logs"], "names": ["logs-*"], "privileges": ["read"]}]}),
    );
    es(
        sim,
        "local",
        "PUT",
        "/_security/role/brown_local",
        json!({"indices": [{"names": ["x"], "privileges": ["read"]}]}),
    );
    // The remote organization trusted by hand.
    let org = sim.dep("remote").1.organization_id.clone();
    trust_org(sim, "local", &org);
    key["encoded"].as_str().expect("encoded").to_string()
}

/// The generated keystore resource completed as import.md says: its three `= null` lines
/// replaced by the page's lines.
fn complete_keystore(generated: &str) -> String {
    let md = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("examples/resources/crosscluster_keystore_api_key/import.md"),
    )
    .expect("import.md");
    let start = md.find("```terraform\n").expect("a terraform block") + 13;
    let add = &md[start..start + md[start..].find("```").expect("closed")];
    let mut out = String::new();
    let mut replaced = 0;
    for line in generated.lines() {
        let t: String = line
            .split('#')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        if ["api_key=null", "api_key_wo=null", "api_key_wo_version=null"].contains(&t.as_str()) {
            if replaced == 0 {
                out.push_str(add);
            }
            replaced += 1;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert_eq!(replaced, 3, "{generated}");
    out
}

/// The list resources' examples (`examples/list-resources/<type>/query.tfquery.hcl`, shown on
/// their pages), written into `wd` as they are.
fn write_query_examples(wd: &Workdir) -> usize {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/list-resources");
    let mut n = 0;
    for e in std::fs::read_dir(&root)
        .expect("examples/list-resources")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        let text =
            std::fs::read_to_string(e.path().join("query.tfquery.hcl")).expect("query.tfquery.hcl");
        wd.write(&format!("{name}.tfquery.hcl"), &text);
        n += 1;
    }
    n
}

/// `METHOD path` of every API request since the log was cleared (the simulator's own
/// control requests left out).
fn requests_made(sim: &Sim) -> Vec<String> {
    sim.requests(None)
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or_default(),
                r["path"].as_str().unwrap_or_default()
            )
        })
        .filter(|r| !r.contains(" /_sim"))
        .collect()
}

/// The `list.<type>.<name>` lines of `terraform query` output: (list address, display name).
fn listed(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter(|l| l.starts_with("list."))
        .map(|l| {
            let parts: Vec<&str> = l
                .split("   ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            (
                parts.first().copied().unwrap_or_default().to_string(),
                parts.last().copied().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn query_lists_brownfield_objects_and_generated_configuration_adopts_them() {
    let sim = Sim::start("query");
    let encoded = seed(&sim);
    let wd = Workdir::new();
    // The examples' layout: provider blocks and the locals the examples use.
    let layout = Example {
        kind: "list-resources".into(),
        name: String::new(),
        files: Vec::new(),
    };
    wd.write("main.tf", &harness_tf(&sim, &layout));
    assert_eq!(
        write_query_examples(&wd),
        5,
        "one example per list resource"
    );

    // 1. What the query finds: the fixture's default trust plus the brownfield set (the
    //    REST-free, reserved-free, remote-privileged subset of each kind).
    sim.control("DELETE", "/_sim/requests", None);
    let run = wd.run(&["query", "-no-color"]).success();
    // Without resource objects nothing is read per object: one request per kind of list.
    let listing = requests_made(&sim);
    assert!(
        !listing
            .iter()
            .any(|r| r.starts_with("GET /_security/role/")),
        "{listing:?}"
    );
    assert_eq!(
        listing
            .iter()
            .filter(|r| r.starts_with("GET /_security/api_key"))
            .count(),
        1,
        "{listing:?}"
    );
    eprintln!("terraform query: {} requests", listing.len());
    let mut found = listed(&run.stdout);
    found.sort();
    let org_local = sim.dep("local").1.organization_id.clone();
    let org_remote = sim.dep("remote").1.organization_id.clone();
    let names: Vec<(&str, String)> = found
        .iter()
        .map(|(a, d)| {
            (
                a.as_str(),
                d.split(" (").next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want = vec![
        ("list.crosscluster_api_key.all", "brown-a".to_string()),
        ("list.crosscluster_api_key.all", "brown-b".to_string()),
        (
            "list.crosscluster_keystore_api_key.local",
            "cluster.remote.brown_logs.credentials".to_string(),
        ),
        (
            "list.crosscluster_remote_cluster.all",
            "brown_logs".to_string(),
        ),
        (
            "list.crosscluster_remote_cluster.all",
            "brown_old".to_string(),
        ),
        ("list.crosscluster_role.all", "brown_reader".to_string()),
        (
            "list.crosscluster_trusted_environment.local",
            format!("organization {org_local}"),
        ),
        (
            "list.crosscluster_trusted_environment.local",
            format!("organization {org_remote}"),
        ),
    ];
    assert_eq!(names, want, "{}", run.text());

    // 2. Generated configuration: one import (by identity) and one resource per object.
    sim.control("DELETE", "/_sim/requests", None);
    wd.run(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .success();
    // With resource objects each one is read as a refresh would (the role by name).
    let generating = requests_made(&sim);
    assert_eq!(
        generating
            .iter()
            .filter(|r| r.as_str() == "GET /_security/role/brown_reader")
            .count(),
        1,
        "{generating:?}"
    );
    eprintln!(
        "terraform query -generate-config-out: {} requests",
        generating.len()
    );
    let generated = std::fs::read_to_string(wd.path().join("generated.tf")).expect("generated.tf");
    assert_eq!(
        generated.matches("import {").count(),
        want.len(),
        "{generated}"
    );
    assert_eq!(
        generated.matches("identity = {").count(),
        want.len(),
        "{generated}"
    );
    // The keystore secret cannot be generated: completed as the docs say.
    wd.write("generated.tf", &complete_keystore(&generated));
    wd.write(
        "variables.tf",
        "variable \"logs_api_key\" {\n  type      = string\n  ephemeral = true\n  sensitive = true\n}\n",
    );
    wd.write(
        "terraform.tfvars.json",
        &json!({"logs_api_key": encoded}).to_string(),
    );

    // 3. The plan only imports (the keystore entry's key is written once).
    sim.control("DELETE", "/_sim/requests", None);
    let plan = wd.plan_json();
    let changes = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(changes.len(), want.len(), "{plan}");
    for c in &changes {
        let address = c["address"].as_str().unwrap_or_default();
        assert!(
            !c["change"]["importing"].is_null(),
            "{address} not imported"
        );
        let actions: Vec<&str> = c["change"]["actions"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let allowed: &[&str] = if c["type"] == "crosscluster_keystore_api_key" {
            &["no-op", "update"]
        } else {
            &["no-op"]
        };
        assert!(
            actions.iter().all(|a| allowed.contains(a)),
            "{address} plans {actions:?} besides the import"
        );
    }
    // The plan wrote nothing.
    let writes = sim
        .requests(None)
        .iter()
        .filter(|r| {
            r["method"] != "GET" && !r["path"].as_str().unwrap_or_default().starts_with("/_sim")
        })
        .count();
    assert_eq!(writes, 0, "the plan wrote: {:?}", sim.requests(None));

    // 4. Apply, then nothing left to change; the keystore holds the completed key.
    wd.apply().success();
    wd.assert_no_changes();
    assert_eq!(
        sim.keystore_value("local", "cluster.remote.brown_logs.credentials")
            .as_deref(),
        Some(encoded.as_str())
    );
    assert_eq!(
        wd.state_json()["values"]["root_module"]["resources"]
            .as_array()
            .map(Vec::len),
        Some(want.len())
    );
}

/// A key that this provider delivered into a keystore is marked in the listing; a key made
/// by hand is not.
#[test]
fn query_marks_keys_this_provider_delivered() {
    let sim = Sim::start("query-marks");
    es(
        &sim,
        "remote",
        "POST",
        "/_security/cross_cluster/api_key",
        json!({"name": "by-hand", "access": {"search": [{"names": ["x-*"]}]}}),
    );
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/resources/crosscluster_api_key");
    let resource_tf = std::fs::read_to_string(dir.join("resource.tf")).expect("resource.tf");
    let example = Example {
        kind: "resources".into(),
        name: "crosscluster_api_key".into(),
        files: vec![("resource.tf".into(), resource_tf.clone())],
    };
    let wd = Workdir::new();
    wd.write("harness.tf", &harness_tf(&sim, &example));
    wd.write("resource.tf", &resource_tf);
    wd.apply().success();
    wd.write(
        "keys.tfquery.hcl",
        "list \"crosscluster_api_key\" \"remote\" {\n  provider = crosscluster.remote\n}\n",
    );
    let run = wd.run(&["query", "-no-color"]).success();
    let found = listed(&run.stdout);
    let dep = sim.id("local");
    let marked: Vec<&str> = found
        .iter()
        .map(|(_, d)| d.as_str())
        .filter(|d| d.contains("[crosscluster:"))
        .collect();
    assert_eq!(marked.len(), 1, "{}", run.text());
    assert!(
        marked[0].starts_with("search-reads-logs ("),
        "{}",
        marked[0]
    );
    assert!(
        marked[0].ends_with(&format!("[crosscluster: keystore {dep}/logs]")),
        "{}",
        marked[0]
    );
    assert!(
        found
            .iter()
            .any(|(_, d)| d.starts_with("by-hand (") && !d.contains('[')),
        "{}",
        run.text()
    );
    wd.destroy().success();
}
