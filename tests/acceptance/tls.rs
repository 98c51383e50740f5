//! TLS settings through real Terraform: `insecure = true` works but warns, naming the attribute.

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

#[test]
fn insecure_connections_warn_with_the_attribute() {
    let sim = Sim::start("tls-insecure");
    let wd = Workdir::new();
    let provider = sim
        .provider_block(None, Some("local"), Some("local"))
        .replace("    api_key  =", "    insecure = true\n    api_key  =")
        .replace("    username  =", "    insecure  = true\n    username  =");
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{provider}\ndata \"crosscluster_organization\" \"me\" {{}}\ndata \"crosscluster_remote_info\" \"all\" {{}}\n"
    ));
    // The machine-readable plan lists every warning (the human one folds similar ones).
    wd.init().success();
    let run = wd.run(&["plan", "-json", "-input=false"]).success();
    let warnings: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
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

    // Without insecure, no warning.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\ndata \"crosscluster_organization\" \"me\" {{}}\n",
        sim.provider_block(None, Some("local"), None)
    ));
    let run = wd.plan().success();
    assert!(
        !run.flat().contains("verification is off"),
        "{}",
        run.flat()
    );
}
