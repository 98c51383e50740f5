//! The `crosscluster_verify_connection` action (issue 13, must-show 6): run by an
//! `action_trigger` after the alias is created it passes on a good alias; invoked with
//! `terraform apply -invoke=...` on a broken alias it fails with the diagnosis the wait of
//! `crosscluster_remote_cluster` gives (cause first), after one `_remote/info` poll when
//! waiting cannot fix the cause; nothing is written by the action.

use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// Creates a cross-cluster API key on `on` and stores it in `local`'s keystore as the
/// credentials of `alias` (through the simulator's Elasticsearch and Cloud APIs).
fn key_for_alias(sim: &Sim, on: &str, local: &str, alias: &str) {
    let d = sim.dep(on).1;
    let (status, key) = sim.http(
        "POST",
        &format!("{}/_security/cross_cluster/api_key", d.es_url),
        Some(&sim.es_auth(on)),
        Some(json!({"name": "verify", "access": {"search": [{"names": ["*"]}]}})),
    );
    assert_eq!(status, 200, "{key}");
    let (id, l) = sim.dep(local);
    let (status, body) = sim.http(
        "PATCH",
        &format!(
            "{}/api/v1/deployments/{id}/elasticsearch/{}/keystore",
            sim.ready.cloud_url, l.ref_id
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for(local))),
        Some(json!({"secrets": {
            format!("cluster.remote.{alias}.credentials"): {"value": key["encoded"]}
        }})),
    );
    assert!(status == 200 || status == 202, "{status} {body}");
}

fn requests(sim: &Sim, method: &str, path: &str) -> usize {
    sim.requests(Some("local"))
        .iter()
        .filter(|r: &&Value| r["method"] == method && r["path"] == path)
        .count()
}

fn invoke(wd: &Workdir, action: &str) -> crate::harness::Run {
    wd.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-invoke=action.crosscluster_verify_connection.{action}"),
    ])
}

#[test]
fn verify_action_passes_on_a_good_alias_and_fails_with_the_diagnosis() {
    let sim = Sim::start("action-verify");
    key_for_alias(&sim, "remote", "local", "good");
    let ep = sim.dep("remote").1.endpoint;
    let provider = sim.provider_block(None, None, Some("local"));
    let wd = Workdir::new();
    wd.config(&format!(
        r#"{REQUIRED_PROVIDERS}{provider}
resource "crosscluster_remote_cluster" "good" {{
  alias         = "good"
  proxy_address = "{ep}:9443"
  server_name   = "{ep}"

  lifecycle {{
    action_trigger {{
      events  = [after_create, after_update]
      actions = [action.crosscluster_verify_connection.good]
    }}
  }}
}}

action "crosscluster_verify_connection" "good" {{
  config {{
    alias = "good"
  }}
}}

resource "crosscluster_remote_cluster" "broken" {{
  alias               = "broken"
  proxy_address       = "{ep}:9300"
  server_name         = "{ep}"
  wait_for_connection = false
}}

action "crosscluster_verify_connection" "broken" {{
  config {{
    alias   = "broken"
    timeout = "20s"
  }}
}}
"#
    ));
    // The trigger runs the check after the create; it passes.
    let run = wd.apply().success();
    let out = run.flat();
    assert!(
        out.contains("Checking remote cluster \"good\""),
        "the action ran after the create:\n{}",
        run.text()
    );
    assert!(
        out.contains("Remote cluster \"good\" is connected (proxy mode"),
        "{}",
        run.text()
    );
    wd.assert_no_changes();

    // Invoked on the broken alias: the diagnosis of the wait, cause first; the cause
    // cannot be fixed by waiting, so one poll, well before the 20 s timeout.
    let polls = requests(&sim, "GET", "/_remote/info");
    let puts = requests(&sim, "PUT", "/_cluster/settings");
    let run = invoke(&wd, "broken").failure();
    let out = run.flat();
    let summary = out.find("Remote cluster \"broken\" did not connect");
    let cause = out.find("Port 9300 is not served by the Elastic Cloud proxy");
    assert!(
        summary.is_some() && cause.is_some() && summary < cause,
        "the diagnosis, cause first:\n{}",
        run.text()
    );
    assert_eq!(
        requests(&sim, "GET", "/_remote/info") - polls,
        1,
        "a cause waiting cannot fix ends the check after one poll"
    );
    assert_eq!(
        requests(&sim, "PUT", "/_cluster/settings"),
        puts,
        "the action writes nothing"
    );

    // Invoked on the good alias: passes, and the state is untouched.
    let run = invoke(&wd, "good").success();
    assert!(
        run.flat().contains("Remote cluster \"good\" is connected"),
        "{}",
        run.text()
    );
    wd.assert_no_changes();

    // An alias that does not exist: Elasticsearch's wording.
    wd.write(
        "missing.tf",
        "action \"crosscluster_verify_connection\" \"missing\" {\n  config {\n    alias = \"nope\"\n  }\n}\n",
    );
    invoke(&wd, "missing")
        .failure()
        .contains("no such remote cluster: [nope]");
    wd.destroy().success();
}

/// A bad timeout is a plan-time error naming the attribute.
#[test]
fn verify_action_rejects_a_bad_timeout_at_plan() {
    let sim = Sim::start("action-verify-validate");
    let provider = sim.provider_block(None, None, Some("local"));
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\naction \"crosscluster_verify_connection\" \"x\" {{\n  config {{\n    alias   = \"x\"\n    timeout = \"soon\"\n  }}\n}}\n"
    ));
    invoke(&wd, "x")
        .failure()
        .contains("Invalid timeout")
        .contains("timeout: invalid duration");
}
