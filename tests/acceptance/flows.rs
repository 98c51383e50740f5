//! Elastic's documented end-to-end flows (api-facts.md C.2; issue 5, must-shows 1, 2 and 7),
//! each in ONE Terraform configuration with provider aliases, across the default fixture's two
//! organizations: `local` (organization 1) and `remote` (organization 2).
//!
//! 1. API-key model: a cross-cluster key on `remote`, stored in `local`'s keystore (once through
//!    `crosscluster_keystore_api_key` fed from `encoded`, once by sealed delivery), the alias on
//!    `local` at the remote's `api_key_proxy_address`, a role with `remote_indices` for that
//!    alias, and `crosscluster_remote_info` agreeing that the alias is connected.
//! 2. Certificate model: mutual `crosscluster_trusted_environment` across the organizations and
//!    the alias at the remote's `certificate_proxy_address`; then trust on one side only, which
//!    fails within `timeouts.create` naming the side that does not trust the other.
//! 3. Flow 1 with `TF_LOG=trace`: no password, Cloud API key or encoded key anywhere in the
//!    output of init, apply, plan and destroy.

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Run, Workdir};
use crate::sim::Sim;

/// The alias on `local` (and the keystore alias: they must be equal).
const ALIAS: &str = "remote_logs";
/// The keystore setting for [`ALIAS`].
const SETTING: &str = "cluster.remote.remote_logs.credentials";
/// The cross-cluster key's name.
const KEY_NAME: &str = "local-reads-remote";
/// The role on `local`.
const ROLE: &str = "remote-logs-reader";

/// How the flow-1 key reaches `local`'s keystore.
#[derive(Clone, Copy, PartialEq)]
enum Delivery {
    /// `crosscluster_keystore_api_key` with `api_key = crosscluster_api_key.x.encoded`.
    KeystoreResource,
    /// The `keystore` block of `crosscluster_api_key`: the secret never leaves the provider.
    Sealed,
}

/// What a flow may change on a deployment, as `/_sim/state` shows it, without the fields that
/// move with every write (`resource_version`, `plan_attempts`) and without `api_keys` (compared
/// separately: a destroyed key stays listed, invalidated).
fn footprint(sim: &Sim, name: &str) -> Value {
    let mut d = sim.deployment_state(name);
    let map = d.as_object_mut().expect("deployment state");
    for volatile in [
        "resource_version",
        "plan_attempts",
        "api_keys",
        "pending_plan",
    ] {
        map.remove(volatile);
    }
    d
}

/// The API keys of deployment `name` called `name_` (all of them, invalidated or not).
fn keys_named(sim: &Sim, dep: &str, key_name: &str) -> Vec<Value> {
    sim.deployment_state(dep)["api_keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| k["name"] == key_name)
        .cloned()
        .collect()
}

/// The one configuration of flow 1.
///
/// Providers: `remote_org` (organization 2's Cloud key: reads the remote deployment),
/// `remote` (the remote's Elasticsearch; with sealed delivery also organization 1's Cloud key,
/// because the keystore it writes belongs to `local`), `local` (organization 1's Cloud key and
/// `local`'s Elasticsearch).
fn api_key_flow_config(sim: &Sim, delivery: Delivery) -> String {
    let local_id = sim.id("local");
    let remote_id = sim.id("remote");
    let sealed = delivery == Delivery::Sealed;
    let providers = [
        sim.provider_block(Some("remote_org"), Some("remote"), None),
        sim.provider_block(Some("remote"), sealed.then_some("local"), Some("remote")),
        sim.provider_block(Some("local"), Some("local"), Some("local")),
    ]
    .concat();
    let keystore_block = if sealed {
        format!(
            "  keystore {{\n    deployment_id = data.crosscluster_deployment.local.id\n    alias         = \"{ALIAS}\"\n  }}\n"
        )
    } else {
        String::new()
    };
    let (store, alias_expr, written_by) = if sealed {
        (
            String::new(),
            "crosscluster_api_key.x.keystore.alias",
            "crosscluster_api_key.x",
        )
    } else {
        (
            format!(
                r#"
# Step 2: the encoded key goes into local's keystore as cluster.remote.<alias>.credentials.
resource "crosscluster_keystore_api_key" "x" {{
  provider      = crosscluster.local
  deployment_id = data.crosscluster_deployment.local.id
  alias         = "{ALIAS}"
  api_key       = crosscluster_api_key.x.encoded
}}
"#
            ),
            "crosscluster_keystore_api_key.x.alias",
            "crosscluster_keystore_api_key.x",
        )
    };
    format!(
        r#"{REQUIRED_PROVIDERS}{providers}
data "crosscluster_deployment" "remote" {{
  provider = crosscluster.remote_org
  id       = "{remote_id}"
}}

data "crosscluster_deployment" "local" {{
  provider = crosscluster.local
  id       = "{local_id}"
}}

# Step 1: a cross-cluster key on the remote, for search and replication.
resource "crosscluster_api_key" "x" {{
  provider = crosscluster.remote
  name     = "{KEY_NAME}"
  metadata = jsonencode({{ purpose = "ccs+ccr from ${{data.crosscluster_deployment.local.name}}" }})
  access {{
    search {{
      names = ["logs-*"]
    }}
    replication {{
      names = ["archive-*"]
    }}
  }}
{keystore_block}}}
{store}
# Step 3: the alias on local, API-key model (port 9443), named like the keystore alias.
resource "crosscluster_remote_cluster" "x" {{
  provider      = crosscluster.local
  alias         = {alias_expr}
  proxy_address = data.crosscluster_deployment.remote.api_key_proxy_address
  server_name   = data.crosscluster_deployment.remote.endpoint
  depends_on    = [{written_by}]
  timeouts {{
    create = "15s"
    update = "15s"
  }}
}}

# Who may use it on local.
resource "crosscluster_role" "x" {{
  provider = crosscluster.local
  name     = "{ROLE}"
  remote_indices {{
    clusters   = [crosscluster_remote_cluster.x.alias]
    names      = ["logs-*"]
    privileges = ["read", "read_cross_cluster", "view_index_metadata"]
  }}
}}

# Step 4 (check): local's _remote/info, read after the alias exists.
data "crosscluster_remote_info" "local" {{
  provider   = crosscluster.local
  depends_on = [crosscluster_remote_cluster.x]
}}

output "connected" {{
  value = crosscluster_remote_cluster.x.connected
}}

output "credentials_configured" {{
  value = crosscluster_remote_cluster.x.credentials_configured
}}

output "remotes" {{
  value = data.crosscluster_remote_info.local.remotes
}}
"#
    )
}

/// The secrets of an encoded key `base64(id:secret)`: the encoded form, the secret, and the
/// base64 of the id part (which any text holding the encoded form contains).
fn key_secrets(encoded: &str) -> Vec<String> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("encoded key is base64");
    let decoded = String::from_utf8(decoded).expect("utf-8");
    let (id, secret) = decoded.split_once(':').expect("id:secret");
    let head = format!("{id}:");
    let whole = head.len() / 3 * 3;
    let prefix = base64::engine::general_purpose::STANDARD.encode(&head.as_bytes()[..whole]);
    vec![encoded.to_string(), secret.to_string(), prefix]
}

/// Every credential of the fixture: each deployment's password (plain and as the Basic
/// header's base64) and each organization's Cloud API key.
fn fixture_secrets(sim: &Sim) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for d in sim.ready.deployments.values() {
        out.push((format!("password of {}", d.name), d.password.clone()));
        out.push((
            format!("basic auth of {}", d.name),
            sim.es_auth(&d.name)
                .trim_start_matches("Basic ")
                .to_string(),
        ));
    }
    for (id, org) in &sim.ready.organizations {
        out.push((
            format!("Cloud API key of organization {id}"),
            org.api_key.clone(),
        ));
    }
    out
}

/// Asserts that none of `secrets` occurs in `text`.
#[track_caller]
fn assert_absent(what: &str, text: &str, secrets: &[(String, String)]) {
    for (name, secret) in secrets {
        assert!(!secret.is_empty(), "empty secret {name}");
        if let Some(at) = text.find(secret.as_str()) {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(600)
                .map_or(0, |(i, _)| i);
            let to = text[at..]
                .char_indices()
                .nth(300)
                .map_or(text.len(), |(i, _)| at + i);
            panic!("{name} found in the {what}:\n...{}...", &text[from..to]);
        }
    }
}

/// Applies flow 1 and checks everything it promises; returns the encoded key that ended up in
/// `local`'s keystore and the whole output of the Terraform commands run.
fn run_api_key_flow(sim: &Sim, wd: &Workdir, delivery: Delivery) -> (String, Vec<Run>) {
    let mut runs = Vec::new();
    wd.config(&api_key_flow_config(sim, delivery));

    // Plan once, save it, and apply exactly that plan (the sealed run greps its JSON).
    runs.push(
        wd.run(&["plan", "-input=false", "-no-color", "-out=tfplan"])
            .success(),
    );
    // (`show -json` is not part of the run's output: it echoes the configuration's literal
    // provider arguments, which is Terraform's rendering of what the user wrote.)
    let plan_json = wd
        .run(&["show", "-json", "-no-color", "tfplan"])
        .success()
        .stdout;
    runs.push(
        wd.run(&[
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "tfplan",
        ])
        .success(),
    );

    // The alias connects with the API-key model, and _remote/info agrees.
    let out = wd.outputs();
    assert_eq!(out["connected"], true, "{out}");
    assert_eq!(out["credentials_configured"], true, "{out}");
    let info = &out["remotes"][ALIAS];
    let remote = sim.dep("remote").1;
    assert_eq!(info["connected"], true, "{out}");
    assert_eq!(info["credentials_configured"], true, "{out}");
    assert_eq!(info["mode"], "proxy");
    assert_eq!(info["proxy_address"], format!("{}:9443", remote.endpoint));
    assert_eq!(info["server_name"], remote.endpoint.as_str());
    // The simulator's own view of the link.
    let conn = &sim.deployment_state("local")["connections"][ALIAS];
    assert_eq!(conn["connected"], true, "{conn}");
    assert_eq!(conn["remote_deployment_id"], sim.id("remote").as_str());

    // The key on the remote: search + replication, valid.
    let key = wd.resource("crosscluster_api_key.x").expect("key in state");
    let key_id = key["id"].as_str().expect("key id").to_string();
    let on_remote = keys_named(sim, "remote", KEY_NAME);
    assert_eq!(on_remote.len(), 1, "{on_remote:?}");
    assert_eq!(on_remote[0]["id"], key_id.as_str());
    assert_eq!(on_remote[0]["invalidated"], false);
    assert_eq!(on_remote[0]["type"], "cross_cluster");
    assert_eq!(
        on_remote[0]["access"]["search"][0]["names"],
        json!(["logs-*"])
    );
    assert_eq!(
        on_remote[0]["access"]["replication"][0]["names"],
        json!(["archive-*"])
    );

    // The keystore of local holds that very key, loaded (9.1 reloads by itself).
    let encoded = sim
        .keystore_value("local", SETTING)
        .expect("the key is in local's keystore");
    let decoded = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap(),
    )
    .unwrap();
    assert!(decoded.starts_with(&format!("{key_id}:")), "{decoded}");
    let local_state = sim.deployment_state("local");
    assert!(
        local_state["loaded_keystore_keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == SETTING),
        "{local_state}"
    );
    match delivery {
        Delivery::KeystoreResource => assert_eq!(key["encoded"], encoded.as_str()),
        Delivery::Sealed => {
            assert_eq!(key["encoded"], Value::Null);
            assert_eq!(key["api_key"], Value::Null);
        }
    }

    // The role on local grants the remote indices through that alias.
    let local = sim.dep("local").1;
    let (status, role) = sim.http(
        "GET",
        &format!("{}/_security/role/{ROLE}", local.es_url),
        Some(&sim.es_auth("local")),
        None,
    );
    assert_eq!(status, 200, "{role}");
    assert_eq!(role[ROLE]["remote_indices"][0]["clusters"], json!([ALIAS]));
    assert_eq!(role[ROLE]["remote_indices"][0]["names"], json!(["logs-*"]));

    // The alias settings on local are exactly what the documented flow sets.
    let persistent = &local_state["cluster_settings"]["persistent"];
    let flat = flatten(persistent);
    assert_eq!(
        flat.get(&format!("cluster.remote.{ALIAS}.proxy_address")),
        Some(&json!(format!("{}:9443", remote.endpoint))),
        "{persistent}"
    );
    assert_eq!(
        flat.get(&format!("cluster.remote.{ALIAS}.server_name")),
        Some(&json!(remote.endpoint)),
        "{persistent}"
    );

    if delivery == Delivery::Sealed {
        // Neither the plan that was applied, nor the state file, nor a fresh plan holds the key.
        let secrets: Vec<(String, String)> = key_secrets(&encoded)
            .into_iter()
            .map(|s| ("the cross-cluster key".to_string(), s))
            .collect();
        assert_absent("plan JSON of the apply", &plan_json, &secrets);
        assert_absent("state file", &wd.state_file(), &secrets);
        assert_absent(
            "plan JSON after apply",
            &wd.plan_json().to_string(),
            &secrets,
        );
    }

    // Nothing left to do.
    let again = wd.plan_code();
    assert_eq!(again.code, 0, "expected an empty plan:\n{}", again.text());
    runs.push(again);
    (encoded, runs)
}

/// A `/_sim/state` settings object flattened to dotted keys.
fn flatten(v: &Value) -> serde_json::Map<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut serde_json::Map<String, Value>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, x, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
    let mut out = serde_json::Map::new();
    walk("", v, &mut out);
    out
}

/// Destroys flow 1 and checks that the fixture is as it was: no alias settings, no role, the
/// key invalidated, and no keystore entry (whichever delivery wrote it).
fn destroy_api_key_flow(sim: &Sim, wd: &Workdir, before: &(Value, Value)) -> Run {
    let run = wd.destroy().success();
    let keys = keys_named(sim, "remote", KEY_NAME);
    assert!(!keys.is_empty());
    assert!(
        keys.iter().all(|k| k["invalidated"] == true),
        "every key of the flow is invalidated: {keys:?}"
    );
    // Both deliveries leave no keystore entry: sealed delivery removes the one it filled.
    let local_after = footprint(sim, "local");
    assert_eq!(local_after, before.0, "local is as it was before the flow");
    assert_eq!(footprint(sim, "remote"), before.1, "remote is as it was");
    run
}

/// Must-show 1, first half: the key reaches the keystore through
/// `crosscluster_keystore_api_key` fed from `crosscluster_api_key.x.encoded`.
#[test]
fn api_key_flow_with_keystore_resource() {
    let started = Instant::now();
    let sim = Sim::start("flows_api_key_keystore_resource");
    let before = (footprint(&sim, "local"), footprint(&sim, "remote"));
    let wd = Workdir::new();
    let (encoded, _) = run_api_key_flow(&sim, &wd, Delivery::KeystoreResource);
    // Here the state holds the key (sensitive), as the user chose.
    assert!(wd.state_file().contains(&encoded));
    destroy_api_key_flow(&sim, &wd, &before);
    assert_eq!(sim.keystore_value("local", SETTING), None);
    eprintln!(
        "api_key_flow_with_keystore_resource took {:?}",
        started.elapsed()
    );
}

/// Must-show 1, second half: sealed delivery; the state file and the plan JSON never hold the
/// key, its secret or its encoded form.
#[test]
fn api_key_flow_sealed_delivery() {
    let started = Instant::now();
    let sim = Sim::start("flows_api_key_sealed");
    let before = (footprint(&sim, "local"), footprint(&sim, "remote"));
    let wd = Workdir::new();
    let (encoded, _) = run_api_key_flow(&sim, &wd, Delivery::Sealed);
    let secrets = key_secrets(&encoded);
    destroy_api_key_flow(&sim, &wd, &before);
    // Not even the state left by destroy knows it.
    for s in &secrets {
        assert!(!wd.state_file().contains(s.as_str()));
    }
    eprintln!("api_key_flow_sealed_delivery took {:?}", started.elapsed());
}

/// Must-show 7: flow 1 (keystore resource) with `TF_LOG=trace`; the whole output of init,
/// plan, apply, plan and destroy holds no deployment password, no Cloud API key of either
/// organization and no encoded key (nor its secret part).
#[test]
fn api_key_flow_trace_log_has_no_secrets() {
    let started = Instant::now();
    let sim = Sim::start("flows_api_key_trace");
    let before = (footprint(&sim, "local"), footprint(&sim, "remote"));
    let mut wd = Workdir::new();
    wd.env("TF_LOG", "trace");
    wd.config(&api_key_flow_config(&sim, Delivery::KeystoreResource));
    let mut runs = vec![wd.init().success()];
    let (encoded, flow_runs) = run_api_key_flow(&sim, &wd, Delivery::KeystoreResource);
    runs.extend(flow_runs);
    runs.push(destroy_api_key_flow(&sim, &wd, &before));
    let whole: String = runs.iter().map(Run::text).collect::<Vec<_>>().join("\n");
    // The log really is a trace log, and it covers the provider's requests.
    assert!(whole.contains("[TRACE]"), "no trace log captured");
    assert!(
        whole.contains("provider.terraform-provider-crosscluster")
            && whole.contains("_security/cross_cluster/api_key")
            && whole.contains("/keystore"),
        "the provider's request log lines are missing"
    );
    let mut secrets = fixture_secrets(&sim);
    secrets.extend(
        key_secrets(&encoded)
            .into_iter()
            .map(|s| ("the cross-cluster key".to_string(), s)),
    );
    assert_absent("TF_LOG=trace output", &whole, &secrets);
    eprintln!(
        "api_key_flow_trace_log_has_no_secrets took {:?} ({} bytes of output)",
        started.elapsed(),
        whole.len()
    );
}

/// The one configuration of flow 2. `local_trusts` / `remote_trusts` choose which
/// `crosscluster_trusted_environment` exist; the alias depends on those that do.
fn certificate_flow_config(sim: &Sim, local_trusts: bool, remote_trusts: bool) -> String {
    let local_id = sim.id("local");
    let remote_id = sim.id("remote");
    let providers = [
        sim.provider_block(Some("remote"), Some("remote"), None),
        sim.provider_block(Some("local"), Some("local"), Some("local")),
    ]
    .concat();
    let mut trusts = Vec::new();
    let mut body = String::new();
    if local_trusts {
        trusts.push("crosscluster_trusted_environment.local_trusts_remote");
        body.push_str(
            r#"
# local (organization 1) trusts the remote deployment of organization 2.
resource "crosscluster_trusted_environment" "local_trusts_remote" {
  provider        = crosscluster.local
  deployment_id   = data.crosscluster_deployment.local.id
  organization_id = data.crosscluster_organization.remote.id
  trust_allowlist = [data.crosscluster_deployment.remote.cluster_id]
  name            = "Remote organization"
}
"#,
        );
    }
    if remote_trusts {
        trusts.push("crosscluster_trusted_environment.remote_trusts_local");
        body.push_str(
            r#"
# remote (organization 2) trusts every deployment of organization 1.
resource "crosscluster_trusted_environment" "remote_trusts_local" {
  provider        = crosscluster.remote
  deployment_id   = data.crosscluster_deployment.remote.id
  organization_id = data.crosscluster_organization.local.id
  trust_all       = true
  name            = "Local organization"
}
"#,
        );
    }
    let depends_on = trusts.join(", ");
    format!(
        r#"{REQUIRED_PROVIDERS}{providers}
data "crosscluster_organization" "local" {{
  provider = crosscluster.local
}}

data "crosscluster_organization" "remote" {{
  provider = crosscluster.remote
}}

data "crosscluster_deployment" "local" {{
  provider = crosscluster.local
  id       = "{local_id}"
}}

data "crosscluster_deployment" "remote" {{
  provider = crosscluster.remote
  id       = "{remote_id}"
}}
{body}
# The alias on local, certificate model (port 9400), once both sides trust each other.
resource "crosscluster_remote_cluster" "x" {{
  provider      = crosscluster.local
  alias         = "remote_cert"
  proxy_address = data.crosscluster_deployment.remote.certificate_proxy_address
  server_name   = data.crosscluster_deployment.remote.endpoint
  depends_on    = [{depends_on}]
  timeouts {{
    create = "3s"
    update = "3s"
  }}
}}

output "connected" {{
  value = crosscluster_remote_cluster.x.connected
}}
"#
    )
}

/// Must-show 2: mutual trust across the organizations with resources only connects on 9400;
/// trust on one side only fails within `timeouts.create`, naming the side that does not trust.
#[test]
fn certificate_flow_across_organizations() {
    let started = Instant::now();
    let sim = Sim::start("flows_certificate");
    let before = (footprint(&sim, "local"), footprint(&sim, "remote"));
    let remote = sim.dep("remote").1;
    let local = sim.dep("local").1;
    let wd = Workdir::new();

    // Both sides trust each other: the alias connects.
    wd.config(&certificate_flow_config(&sim, true, true));
    wd.apply().success();
    assert_eq!(wd.outputs()["connected"], true);
    let alias = wd.resource("crosscluster_remote_cluster.x").unwrap();
    assert_eq!(alias["credentials_configured"], false, "{alias}");
    assert_eq!(alias["proxy_address"], format!("{}:9400", remote.endpoint));
    let local_trust = &sim.deployment_state("local")["applied_trust"]["accounts"];
    assert!(
        local_trust.as_array().unwrap().iter().any(|a| {
            a["account_id"] == remote.organization_id.as_str()
                && a["trust_allowlist"] == json!([remote.cluster_id])
        }),
        "{local_trust}"
    );
    let remote_trust = &sim.deployment_state("remote")["applied_trust"]["accounts"];
    assert!(
        remote_trust.as_array().unwrap().iter().any(|a| {
            a["account_id"] == local.organization_id.as_str() && a["trust_all"] == true
        }),
        "{remote_trust}"
    );
    assert_eq!(
        sim.deployment_state("local")["connections"]["remote_cert"]["connected"],
        true
    );
    wd.assert_no_changes();
    wd.destroy().success();
    assert_eq!(footprint(&sim, "local"), before.0, "local as before");
    assert_eq!(footprint(&sim, "remote"), before.1, "remote as before");
    let mutual = started.elapsed();

    // Only local trusts: the remote side refuses local's certificate.
    wd.config(&certificate_flow_config(&sim, true, false));
    let t = Instant::now();
    let run = wd.apply().failure();
    let took = t.elapsed();
    run.contains("Remote cluster \"remote_cert\" did not connect")
        .contains("does not trust this (local) cluster")
        .contains("on the REMOTE deployment");
    assert!(took < Duration::from_secs(10), "failed after {took:?}");
    assert!(wd.resource("crosscluster_remote_cluster.x").is_none());

    // Only remote trusts: local does not trust the remote's certificate.
    wd.config(&certificate_flow_config(&sim, false, true));
    let t = Instant::now();
    let run = wd.apply().failure();
    let took2 = t.elapsed();
    run.contains("Remote cluster \"remote_cert\" did not connect")
        .contains("this (local) cluster does not trust the remote cluster")
        .contains("on THIS deployment");
    assert!(took2 < Duration::from_secs(10), "failed after {took2:?}");

    wd.destroy().success();
    assert_eq!(footprint(&sim, "local"), before.0, "local as before");
    assert_eq!(footprint(&sim, "remote"), before.1, "remote as before");
    eprintln!(
        "certificate_flow_across_organizations took {:?} (mutual {mutual:?}, one-sided failures {took:?} and {took2:?})",
        started.elapsed()
    );
}
