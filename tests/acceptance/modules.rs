//! The reusable modules of `examples/modules/` (issue 6, must-show 4), each through a small
//! wrapper configuration: applied against the simulator, connected, planned clean and destroyed,
//! with the simulator's state back where it was.
//!
//! - `api-key-remote-cluster`: `local` (organization 1) -> `remote` (organization 2), first
//!   without the optional role, then with it (an in-place addition), with three provider
//!   configurations as the module's README describes.
//! - `certificate-trust`: `local` <-> `remote` across the organizations (a trusted environment on
//!   each side, an alias on both sides); and within one organization (no trusted environment,
//!   one alias), on a fixture with a second 9.1 deployment in organization 1.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// `examples/` of the repository.
pub(crate) fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Copies every `.tf` file under `from` (recursively) into the working directory at `to`.
pub(crate) fn copy_tf_tree(wd: &Workdir, from: &Path, to: &str) {
    let mut stack = vec![(from.to_path_buf(), to.to_string())];
    let mut copied = 0;
    while let Some((dir, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read examples dir") {
            let entry = entry.expect("dir entry");
            let name = entry.file_name().to_string_lossy().to_string();
            let path = entry.path();
            if path.is_dir() {
                stack.push((path, format!("{rel}/{name}")));
            } else if name.ends_with(".tf") {
                wd.write(
                    &format!("{rel}/{name}"),
                    &std::fs::read_to_string(&path).expect("read .tf"),
                );
                copied += 1;
            }
        }
    }
    assert!(copied > 0, "no .tf files under {}", from.display());
}

/// What a configuration may change on deployment `name`, as `/_sim/state` shows it: without the
/// fields that move with every write, without the API keys (an invalidated key stays listed;
/// checked separately) and without the keystore entry `left` (a sealed delivery's entry stays on
/// destroy, as `crosscluster_api_key` documents).
pub(crate) fn footprint(sim: &Sim, name: &str, left: Option<&str>) -> Value {
    let mut d = sim.deployment_state(name);
    let map = d.as_object_mut().expect("deployment state");
    for volatile in [
        "resource_version",
        "plan_attempts",
        "pending_plan",
        "api_keys",
    ] {
        map.remove(volatile);
    }
    if let Some(left) = left {
        for k in ["keystore_keys", "loaded_keystore_keys"] {
            if let Some(list) = map.get_mut(k).and_then(Value::as_array_mut) {
                list.retain(|x| x != left);
            }
        }
    }
    d
}

/// Every API key of deployment `dep` that is not in `before` is invalidated; returns how many.
pub(crate) fn new_keys_invalidated(sim: &Sim, dep: &str, before: &Value) -> usize {
    let known: Vec<&Value> = before["api_keys"]
        .as_array()
        .map(|a| a.iter().map(|k| &k["id"]).collect())
        .unwrap_or_default();
    let after = sim.deployment_state(dep);
    let new: Vec<&Value> = after["api_keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| !known.contains(&&k["id"]))
        .collect();
    for k in &new {
        assert_eq!(k["invalidated"], true, "key left valid on {dep}: {k}");
    }
    new.len()
}

/// A working directory with `examples/modules/<module>` copied to `modules/<module>` and
/// `config` written, initialized (`terraform init` installs the local module; the provider
/// comes from dev_overrides).
fn module_workdir(module: &str, config: &str) -> Workdir {
    let wd = Workdir::new();
    let rel = format!("modules/{module}");
    copy_tf_tree(&wd, &examples_dir().join(&rel), &rel);
    wd.config(config);
    wd.init().success();
    wd
}

/// `output` blocks passing on each of `names` from module `module`.
fn module_outputs(module: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\noutput \"{n}\" {{\n  value = module.{module}.{n}\n}}\n"))
        .collect()
}

/// The wrapper of `api-key-remote-cluster`: the three provider configurations of its README and
/// the module, with or without a role.
fn api_key_wrapper(sim: &Sim, with_role: bool) -> String {
    let providers = [
        // remote: remote's Elasticsearch + organization 1's Cloud key (sealed keystore write).
        sim.provider_block(Some("remote_issuer"), Some("local"), Some("remote")),
        sim.provider_block(Some("local"), None, Some("local")),
        sim.provider_block(Some("remote_org"), Some("remote"), None),
    ]
    .concat();
    let role = if with_role {
        r#"
  role = {
    name = "logs-via-module"
    remote_indices = [
      { names = ["logs-*"] },
      { names = ["metrics-*"], privileges = ["read", "read_cross_cluster"] },
    ]
  }"#
    } else {
        ""
    };
    format!(
        r#"{REQUIRED_PROVIDERS}{providers}
module "link" {{
  source = "./modules/api-key-remote-cluster"
  providers = {{
    crosscluster.remote       = crosscluster.remote_issuer
    crosscluster.local        = crosscluster.local
    crosscluster.remote_org = crosscluster.remote_org
  }}

  remote_deployment_id = "{remote}"
  local_deployment_id  = "{local}"
  alias                = "mod_logs"
  access = {{
    search      = ["logs-*", "metrics-*"]
  }}{role}
  connection_timeout = "15s"
}}
{outputs}"#,
        remote = sim.id("remote"),
        local = sim.id("local"),
        outputs = module_outputs(
            "link",
            &[
                "alias",
                "key_id",
                "connected",
                "credentials_configured",
                "proxy_address",
                "role_name",
            ]
        ),
    )
}

/// Must-show 4 (API-key module): applies, connects with the key sealed into local's keystore,
/// adds the optional role in place, plans clean, destroys back to the fixture.
#[test]
fn api_key_remote_cluster_module() {
    let started = Instant::now();
    let sim = Sim::start("modules_api_key");
    let setting = "cluster.remote.mod_logs.credentials";
    let before_local = footprint(&sim, "local", None);
    let before_remote = footprint(&sim, "remote", None);
    let remote_state = sim.deployment_state("remote");

    // Without a role.
    let wd = module_workdir("api-key-remote-cluster", &api_key_wrapper(&sim, false));
    wd.apply().success();
    let out = wd.outputs();
    let remote = sim.dep("remote").1;
    assert_eq!(out["alias"], "mod_logs", "{out}");
    assert_eq!(out["connected"], true, "{out}");
    assert_eq!(out["credentials_configured"], true, "{out}");
    assert_eq!(out["proxy_address"], format!("{}:9443", remote.endpoint));
    assert_eq!(out["role_name"], Value::Null, "{out}");
    // The key on remote is the one in the output, grants search only, and is what local's
    // keystore holds (sealed: not in the state).
    let key_id = out["key_id"].as_str().expect("key id").to_string();
    let keys: Vec<Value> = sim.deployment_state("remote")["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["id"] == key_id.as_str())
        .cloned()
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["type"], "cross_cluster");
    assert_eq!(keys[0]["name"], "cross-cluster-mod_logs");
    assert_eq!(
        keys[0]["access"]["search"][0]["names"],
        json!(["logs-*", "metrics-*"])
    );
    assert!(
        keys[0]["access"]["replication"].is_null() || keys[0]["access"]["replication"] == json!([])
    );
    let encoded = sim
        .keystore_value("local", setting)
        .expect("the key is in local's keystore");
    assert!(
        !wd.state_file().contains(&encoded),
        "sealed key in the state"
    );
    let conn = &sim.deployment_state("local")["connections"]["mod_logs"];
    assert_eq!(conn["connected"], true, "{conn}");
    assert_eq!(conn["remote_deployment_id"], sim.id("remote").as_str());
    wd.assert_no_changes();

    // The optional role, added in place: nothing else changes.
    wd.config(&api_key_wrapper(&sim, true));
    let plan = wd.plan().success();
    plan.contains("Plan: 1 to add, 0 to change, 0 to destroy");
    wd.apply().success();
    let out = wd.outputs();
    assert_eq!(out["role_name"], "logs-via-module", "{out}");
    assert_eq!(out["key_id"], key_id.as_str(), "the key was kept");
    let role = &sim.deployment_state("local")["roles"]["logs-via-module"];
    assert_eq!(
        role["remote_indices"][0]["clusters"],
        json!(["mod_logs"]),
        "{role}"
    );
    assert_eq!(
        role["remote_indices"][0]["names"],
        json!(["logs-*"]),
        "{role}"
    );
    assert_eq!(
        role["remote_indices"][0]["privileges"],
        json!(["read", "read_cross_cluster", "view_index_metadata"]),
        "{role}"
    );
    assert_eq!(
        role["remote_indices"][1]["names"],
        json!(["metrics-*"]),
        "{role}"
    );
    assert_eq!(
        role["remote_indices"][1]["privileges"],
        json!(["read", "read_cross_cluster"]),
        "{role}"
    );
    wd.assert_no_changes();

    // Destroy: the fixture as it was, the key invalidated, only the sealed keystore entry left.
    wd.destroy().success();
    assert_eq!(footprint(&sim, "local", Some(setting)), before_local);
    assert_eq!(footprint(&sim, "remote", None), before_remote);
    assert_eq!(new_keys_invalidated(&sim, "remote", &remote_state), 1);
    eprintln!("api_key_remote_cluster_module took {:?}", started.elapsed());
}

/// The wrapper of `certificate-trust` between deployments `a` and `b`, whose providers use
/// their own organization's Cloud key and (for the sides with an alias) their Elasticsearch.
fn certificate_wrapper(
    sim: &Sim,
    a: &str,
    b: &str,
    a_alias: Option<&str>,
    b_alias: Option<&str>,
) -> String {
    let providers = [
        sim.provider_block(Some("a"), Some(a), a_alias.map(|_| a)),
        sim.provider_block(Some("b"), Some(b), b_alias.map(|_| b)),
    ]
    .concat();
    let alias_line = |name: &str, v: Option<&str>| match v {
        Some(v) => format!("  {name} = \"{v}\"\n"),
        None => String::new(),
    };
    format!(
        r#"{REQUIRED_PROVIDERS}{providers}
module "mutual" {{
  source = "./modules/certificate-trust"
  providers = {{
    crosscluster.a = crosscluster.a
    crosscluster.b = crosscluster.b
  }}

  a_deployment_id = "{a_id}"
  b_deployment_id = "{b_id}"
{a_line}{b_line}  connection_timeout = "15s"
  trust_timeout      = "30s"
}}
{outputs}"#,
        a_id = sim.id(a),
        b_id = sim.id(b),
        a_line = alias_line("a_alias", a_alias),
        b_line = alias_line("b_alias", b_alias),
        outputs = module_outputs(
            "mutual",
            &[
                "cross_organization",
                "a_alias",
                "b_alias",
                "a_connected",
                "b_connected",
                "trusted_environment_ids",
            ]
        ),
    )
}

/// Must-show 4 (certificate module), across organizations: a trusted environment on each side
/// limited to the other cluster, an alias on both sides at port 9400, both connected.
#[test]
fn certificate_trust_module_across_organizations() {
    let started = Instant::now();
    let sim = Sim::start("modules_certificate");
    let before_local = footprint(&sim, "local", None);
    let before_remote = footprint(&sim, "remote", None);
    let (local_id, local) = sim.dep("local");
    let (remote_id, remote) = sim.dep("remote");
    let wd = module_workdir(
        "certificate-trust",
        &certificate_wrapper(&sim, "local", "remote", Some("to_remote"), Some("to_local")),
    );
    wd.apply().success();
    let out = wd.outputs();
    assert_eq!(out["cross_organization"], true, "{out}");
    assert_eq!(out["a_alias"], "to_remote", "{out}");
    assert_eq!(out["b_alias"], "to_local", "{out}");
    assert_eq!(out["a_connected"], true, "{out}");
    assert_eq!(out["b_connected"], true, "{out}");
    assert_eq!(
        out["trusted_environment_ids"],
        json!([
            format!(
                "{local_id}/main-elasticsearch/organization/{}",
                remote.organization_id
            ),
            format!(
                "{remote_id}/main-elasticsearch/organization/{}",
                local.organization_id
            ),
        ]),
        "{out}"
    );

    // Each side's applied trust holds the other organization, limited to the other cluster.
    let trusts = |name: &str, org: &str, cluster: &str| {
        let accounts = &sim.deployment_state(name)["applied_trust"]["accounts"];
        assert!(
            accounts
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["account_id"] == org
                    && a["trust_allowlist"] == json!([cluster])
                    && a["trust_all"] != true),
            "{name}: {accounts}"
        );
    };
    trusts("local", &remote.organization_id, &remote.cluster_id);
    trusts("remote", &local.organization_id, &local.cluster_id);
    // Both aliases use the certificate port, and the simulator sees both links up.
    let a = wd
        .resource("module.mutual.crosscluster_remote_cluster.a_to_b[0]")
        .unwrap();
    assert_eq!(a["proxy_address"], format!("{}:9400", remote.endpoint));
    assert_eq!(a["server_name"], remote.endpoint.as_str());
    assert_eq!(a["credentials_configured"], false);
    let b = wd
        .resource("module.mutual.crosscluster_remote_cluster.b_to_a[0]")
        .unwrap();
    assert_eq!(b["proxy_address"], format!("{}:9400", local.endpoint));
    assert_eq!(
        sim.deployment_state("local")["connections"]["to_remote"]["connected"],
        true
    );
    assert_eq!(
        sim.deployment_state("remote")["connections"]["to_local"]["connected"],
        true
    );
    wd.assert_no_changes();

    wd.destroy().success();
    assert_eq!(footprint(&sim, "local", None), before_local);
    assert_eq!(footprint(&sim, "remote", None), before_remote);
    eprintln!(
        "certificate_trust_module_across_organizations took {:?}",
        started.elapsed()
    );
}

/// The certificate module within one organization: no trusted environment (an organization
/// trusts its own deployments), one alias only, connected; destroy leaves trust untouched.
#[test]
fn certificate_trust_module_within_one_organization() {
    let started = Instant::now();
    let mut fixture = Fixture::default_fixture();
    let org1 = fixture
        .deployments
        .iter()
        .find(|d| d.name == "local")
        .expect("local")
        .organization_id
        .clone();
    fixture.deployments.push(
        serde_json::from_value(
            json!({"name": "local-b", "organization_id": org1, "version": "9.1.0"}),
        )
        .expect("fixture"),
    );
    let sim = Sim::with(
        "modules_certificate_same_org",
        fixture,
        Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    );
    let before_local = footprint(&sim, "local", None);
    let before_b = footprint(&sim, "local-b", None);
    let wd = module_workdir(
        "certificate-trust",
        &certificate_wrapper(&sim, "local", "local-b", Some("sibling"), None),
    );
    wd.apply().success();
    let out = wd.outputs();
    assert_eq!(out["cross_organization"], false, "{out}");
    assert_eq!(out["trusted_environment_ids"], json!([]), "{out}");
    assert_eq!(out["a_connected"], true, "{out}");
    assert_eq!(out["b_alias"], Value::Null, "{out}");
    assert_eq!(out["b_connected"], Value::Null, "{out}");
    // Trust was not touched: the deployments' trust is still the fixture's.
    assert_eq!(
        sim.deployment_state("local")["trust"],
        before_local["trust"]
    );
    assert_eq!(sim.deployment_state("local-b")["trust"], before_b["trust"]);
    wd.assert_no_changes();
    wd.destroy().success();
    assert_eq!(footprint(&sim, "local", None), before_local);
    assert_eq!(footprint(&sim, "local-b", None), before_b);
    eprintln!(
        "certificate_trust_module_within_one_organization took {:?}",
        started.elapsed()
    );
}
