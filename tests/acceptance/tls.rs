//! TLS end to end through real Terraform against `crosscluster-sim --tls` (issue 11, must-show
//! 6): both APIs over HTTPS with a CA generated at start. An untrusted certificate is refused
//! with the `ca_file`/`ca_pem` hint and no request reaches the simulator; `ca_file` (cloud and
//! elasticsearch blocks) and `ca_pem` (elasticsearch block) work, for reads and for a write;
//! `insecure = true` connects and warns, naming the attribute.

use serde_json::Value;

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// Data sources reading through both connections: the organization (Cloud API) and the remote
/// clusters of the Elasticsearch connection.
const READS: &str = r#"
data "crosscluster_organization" "me" {}
data "crosscluster_remote_info" "all" {}
output "org" { value = data.crosscluster_organization.me.id }
"#;

/// The provider block of `sim` for deployment `local` with `extra` lines added to the cloud
/// block and `es_extra` to the elasticsearch block.
fn provider(sim: &Sim, cloud_extra: &str, es_extra: &str) -> String {
    sim.provider_block(None, Some("local"), Some("local"))
        .replace("    api_key  =", &format!("{cloud_extra}    api_key  ="))
        .replace("    username  =", &format!("{es_extra}    username  ="))
}

/// Requests the simulator logged (only requests that got past the TLS handshake are logged).
fn logged(sim: &Sim) -> usize {
    sim.requests(None).len()
}

#[test]
fn untrusted_certificates_are_refused_with_the_ca_hint() {
    let sim = Sim::start_tls("tls-untrusted");
    assert!(sim.ready.cloud_url.starts_with("https://127.0.0.1:"));
    assert!(sim.dep("local").1.es_url.starts_with("https://127.0.0.1:"));
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}{READS}",
        provider(&sim, "", "")
    ));
    let run = wd.plan().failure();
    let text = run.flat();
    // One refusal per connection, each with what to do about it.
    for path in ["GET /api/v1/", "GET /_remote/info"] {
        assert!(text.contains(path), "no error for {path}: {text}");
    }
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(
        text.matches("give that CA's certificate (ca_file or ca_pem)")
            .count()
            >= 2,
        "{text}"
    );
    // A refused certificate is not retried, and nothing got past the handshake.
    assert!(text.contains("not retried"), "{text}");
    assert_eq!(logged(&sim), 0, "requests reached the simulator: {text}");
    if let Some(line) = text.lines().find(|l| l.contains("UnknownIssuer")) {
        println!("tls: untrusted: {}", line.trim());
    }
}

#[test]
fn ca_file_and_ca_pem_trust_the_simulator() {
    let sim = Sim::start_tls("tls-ca");
    let ca = sim.ready.ca_pem.clone().expect("a TLS simulator has a CA");
    let wd = Workdir::new();
    wd.write("ca.pem", &ca);
    let ca_file = wd.path().join("ca.pem").display().to_string();

    // ca_file on both connections: both data sources read over HTTPS.
    let line = format!("    ca_file = \"{ca_file}\"\n");
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}{READS}",
        provider(&sim, &line, &line)
    ));
    wd.apply().success();
    let org = &wd.outputs()["org"];
    assert_eq!(org, &Value::from(sim.dep("local").1.organization_id));
    let reads = logged(&sim);
    assert!(reads >= 2, "{reads} requests logged");

    // ca_pem on the elasticsearch connection (the cloud block has ca_file only): a role is
    // written and read back over HTTPS, and the next plan is empty.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}{READS}{}",
        provider(
            &sim,
            &line,
            "    ca_pem    = file(\"${path.module}/ca.pem\")\n"
        ),
        r#"
resource "crosscluster_role" "r" {
  name    = "tls-reader"
  cluster = ["monitor"]
}
"#
    ));
    wd.apply().success();
    wd.assert_no_changes();
    let d = sim.dep("local").1;
    let (status, body) = sim.http(
        "GET",
        &format!("{}/_security/role/tls-reader", d.es_url),
        Some(&sim.es_auth("local")),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["tls-reader"]["cluster"],
        serde_json::json!(["monitor"])
    );
    let puts = sim
        .requests(Some("es"))
        .iter()
        .filter(|r| r["method"] == "PUT" && r["path"] == "/_security/role/tls-reader")
        .count();
    assert_eq!(puts, 1);
    println!(
        "tls: ca_file and ca_pem: {} requests over HTTPS, 1 role PUT",
        logged(&sim)
    );
}

#[test]
fn insecure_connections_work_and_warn_with_the_attribute() {
    let sim = Sim::start_tls("tls-insecure");
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}{READS}",
        provider(&sim, "    insecure = true\n", "    insecure  = true\n")
    ));
    // The machine-readable plan lists every warning (the human one folds similar ones).
    let run = wd.run(&["plan", "-json", "-input=false"]).success();
    let warnings: Vec<Value> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["type"] == "diagnostic" && m["diagnostic"]["severity"] == "warning")
        .map(|m| m["diagnostic"].clone())
        .filter(|d| d["summary"] == "TLS certificate verification is off")
        .collect();
    assert_eq!(warnings.len(), 2, "{}", run.stdout);
    for (attr, ca) in [
        ("cloud.insecure = true", "cloud.ca_file"),
        (
            "elasticsearch.insecure = true",
            "elasticsearch.ca_file or elasticsearch.ca_pem",
        ),
    ] {
        assert!(
            warnings.iter().any(|d| {
                let detail = d["detail"].as_str().unwrap_or_default();
                detail.starts_with(attr) && detail.contains(ca)
            }),
            "no warning for {attr}: {warnings:?}"
        );
    }
    // Both data sources were read over HTTPS despite the untrusted certificate.
    let paths: Vec<String> = sim
        .requests(None)
        .iter()
        .filter_map(|r| r["path"].as_str().map(str::to_string))
        .collect();
    assert!(paths.iter().any(|p| p == "/_remote/info"), "{paths:?}");
    assert!(paths.iter().any(|p| p.starts_with("/api/v1/")), "{paths:?}");

    // Trusting the CA instead: no warning.
    let ca = sim.ready.ca_pem.clone().expect("a TLS simulator has a CA");
    wd.write("ca.pem", &ca);
    let line = format!("    ca_file = \"{}\"\n", wd.path().join("ca.pem").display());
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}{READS}",
        provider(&sim, &line, &line)
    ));
    let run = wd.plan().success();
    assert!(
        !run.flat().contains("verification is off"),
        "{}",
        run.flat()
    );
}
