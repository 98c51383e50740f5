//! `crosscluster_organization` against the simulator.

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

#[test]
fn organization_of_each_key() {
    let sim = Sim::start("organization");
    let wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}{}\n{}\ndata \"crosscluster_organization\" \"one\" {{}}\ndata \"crosscluster_organization\" \"two\" {{\n  provider = crosscluster.two\n}}\noutput \"one\" {{\n  value = data.crosscluster_organization.one\n}}\noutput \"two\" {{\n  value = data.crosscluster_organization.two\n}}\n",
        sim.provider_block(None, Some("local"), None),
        sim.provider_block(Some("two"), Some("remote"), None),
    ));
    wd.apply().success();
    let out = wd.outputs();
    let (org1, org2) = (
        sim.dep("local").1.organization_id,
        sim.dep("remote").1.organization_id,
    );
    assert_ne!(org1, org2);
    assert_eq!(out["one"]["id"], org1.as_str());
    assert_eq!(out["two"]["id"], org2.as_str());
    assert_eq!(
        out["one"]["name"],
        sim.ready.organizations[&org1].name.as_str()
    );
    // The call went to the Cloud API with each organization's key.
    let calls = sim.requests(Some("cloud"));
    assert!(
        calls
            .iter()
            .filter(|r| r["path"] == "/api/v1/organizations" && r["status"] == 200)
            .count()
            >= 2,
        "{calls:?}"
    );

    // A wrong key is a clear error, not a crash, and the key is not in the message.
    wd.config(&format!(
        "{REQUIRED_PROVIDERS}provider \"crosscluster\" {{\n  cloud {{\n    endpoint = \"{}\"\n    api_key = \"wrong-key-123\"\n  }}\n}}\ndata \"crosscluster_organization\" \"x\" {{}}\n",
        sim.ready.cloud_url
    ));
    let run = wd.plan().failure().contains("Failed to list organizations");
    assert!(!run.text().contains("wrong-key-123"));
}
