//! `crosscluster_role` against the simulator (issue 5, must-show 6): remote privileges round
//! trip on `local` (9.1) with drift, import and out-of-band deletion; `remote_cluster` on the
//! 8.12 deployment fails with the version message before any write.

use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

const ROLE: &str = r#"
resource "crosscluster_role" "ccs" {
  name        = "ccs-reader"
  cluster     = ["monitor"]
  description = "Reads logs locally and on the remote"
  metadata    = jsonencode({ team = "search", level = 2 })

  indices {
    names      = ["logs-*"]
    privileges = ["read", "view_index_metadata"]
    query      = jsonencode({ term = { team = "search" } })
    field_security {
      grant  = ["*"]
      except = ["secret"]
    }
  }

  remote_indices {
    clusters   = ["remote"]
    names      = ["logs-*", "metrics-*"]
    privileges = ["read", "read_cross_cluster"]
  }

  remote_cluster {
    clusters   = ["remote"]
    privileges = ["monitor_enrich", "monitor_stats"]
  }
}
"#;

fn get_role(sim: &Sim, dep: &str, name: &str) -> (u16, Value) {
    let d = sim.dep(dep).1;
    sim.http(
        "GET",
        &format!("{}/_security/role/{name}", d.es_url),
        Some(&sim.es_auth(dep)),
        None,
    )
}

#[test]
fn role_remote_privileges_round_trip() {
    let sim = Sim::start("role_round_trip");
    let wd = Workdir::new();
    let provider = sim.provider_block(None, None, Some("local"));
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}{ROLE}"));
    wd.apply().success();
    wd.assert_no_changes();

    let (status, body) = get_role(&sim, "local", "ccs-reader");
    assert_eq!(status, 200);
    let role = &body["ccs-reader"];
    assert_eq!(
        role["remote_indices"][0]["names"],
        json!(["logs-*", "metrics-*"])
    );
    assert_eq!(role["remote_indices"][0]["clusters"], json!(["remote"]));
    assert_eq!(
        role["remote_cluster"][0]["privileges"],
        json!(["monitor_enrich", "monitor_stats"])
    );
    assert_eq!(role["metadata"], json!({"team": "search", "level": 2}));
    assert_eq!(
        role["indices"][0]["field_security"],
        json!({"grant": ["*"], "except": ["secret"]})
    );
    let st = wd.resource("crosscluster_role.ccs").unwrap();
    assert_eq!(st["id"], "ccs-reader");
    assert_eq!(
        st["remote_indices"][0]["privileges"],
        json!(["read", "read_cross_cluster"])
    );
    assert_eq!(st["remote_indices"][0]["allow_restricted_indices"], false);

    // Drift: remote privileges changed outside Terraform show in the plan, and apply fixes them.
    let mut changed = role.clone();
    changed["remote_indices"][0]["privileges"] = json!(["read"]);
    changed["remote_cluster"] = json!([]);
    if let Some(o) = changed.as_object_mut() {
        o.remove("transient_metadata");
    }
    let d = sim.dep("local").1;
    let (status, _) = sim.http(
        "PUT",
        &format!("{}/_security/role/ccs-reader", d.es_url),
        Some(&sim.es_auth("local")),
        Some(changed),
    );
    assert_eq!(status, 200);
    let run = wd.plan_code();
    assert_eq!(run.code, 2, "{}", run.text());
    let text = run.flat();
    assert!(
        text.contains("remote_indices") && text.contains("remote_cluster"),
        "{text}"
    );
    assert!(text.contains("1 to change"), "{text}");
    wd.apply().success();
    assert_eq!(
        get_role(&sim, "local", "ccs-reader").1["ccs-reader"]["remote_cluster"][0]["privileges"],
        json!(["monitor_enrich", "monitor_stats"])
    );
    wd.assert_no_changes();

    // Import by name.
    wd.run(&["state", "rm", "crosscluster_role.ccs"]).success();
    wd.import("crosscluster_role.ccs", "ccs-reader").success();
    wd.assert_no_changes();

    // Deleted outside Terraform: read as gone, planned for creation.
    let (status, _) = sim.http(
        "DELETE",
        &format!("{}/_security/role/ccs-reader", d.es_url),
        Some(&sim.es_auth("local")),
        None,
    );
    assert_eq!(status, 200);
    wd.plan()
        .success()
        .contains("Plan: 1 to add, 0 to change, 0 to destroy");
    wd.apply().success();
    wd.destroy().success();
    assert_eq!(get_role(&sim, "local", "ccs-reader").0, 404);
}

#[test]
fn role_remote_cluster_on_8_12_names_the_version() {
    let sim = Sim::start("role_old_version");
    let wd = Workdir::new();
    let provider = sim.provider_block(None, None, Some("old-local"));
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\nresource \"crosscluster_role\" \"r\" {{\n  name = \"old\"\n  cluster = [\"monitor\"]\n  remote_cluster {{\n    clusters   = [\"remote\"]\n    privileges = [\"monitor_enrich\"]\n  }}\n}}\n"
    ));
    wd.apply()
        .failure()
        .contains("remote_cluster needs Elasticsearch 8.15.0")
        .contains("remote_cluster role privileges requires Elasticsearch 8.15.0 or later, but the cluster runs 8.12.2");
    // Refused before any write.
    assert!(
        !sim.requests(Some("old-local"))
            .iter()
            .any(|r| r["method"] == "PUT" || r["method"] == "POST"),
    );
    assert_eq!(get_role(&sim, "old-local", "old").0, 404);

    // The same role without remote privileges works on 8.12.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\nresource \"crosscluster_role\" \"r\" {{\n  name = \"old\"\n  cluster = [\"monitor\"]\n}}\n"
    ));
    wd.apply().success();
    wd.assert_no_changes();
    wd.destroy().success();
}
