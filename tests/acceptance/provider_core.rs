//! Issue 2: the provider core through real Terraform: schema, functions, provider
//! configuration diagnostics, logging and debug (reattach) mode.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::harness::{Workdir, provider_binary};

const REQUIRED: &str = crate::harness::REQUIRED_PROVIDERS;

fn functions_config() -> String {
    format!(
        r#"{REQUIRED}
provider "crosscluster" {{}}

output "setting" {{
  value = provider::crosscluster::credentials_setting("my-remote")
}}
output "api_key_address" {{
  value = provider::crosscluster::proxy_address("abc123.eu-west-1.aws.found.io", "api_key")
}}
output "certificate_address" {{
  value = provider::crosscluster::proxy_address("abc123.eu-west-1.aws.found.io", "certificate")
}}
"#
    )
}

#[test]
fn schema_lists_provider_and_functions() {
    let wd = Workdir::new();
    wd.config(&format!("{REQUIRED}\nprovider \"crosscluster\" {{}}\n"));
    let run = wd.run(&["providers", "schema", "-json"]).success();
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema JSON");
    let p = &schema["provider_schemas"][crate::harness::PROVIDER_SOURCE];
    assert!(
        p.is_object(),
        "provider missing from schema:\n{}",
        run.stdout
    );
    let provider_block = &p["provider"]["block"];
    for attr in ["request_timeout", "max_retries"] {
        assert!(
            provider_block["attributes"][attr].is_object(),
            "provider attribute {attr} missing"
        );
    }
    for block in ["cloud", "elasticsearch"] {
        assert!(
            provider_block["block_types"][block].is_object(),
            "provider block {block} missing"
        );
    }
    assert_eq!(
        provider_block["block_types"]["cloud"]["block"]["attributes"]["api_key"]["sensitive"],
        true
    );
    let functions = &p["functions"];
    assert_eq!(functions["credentials_setting"]["return_type"], "string");
    assert_eq!(
        functions["credentials_setting"]["parameters"][0]["name"],
        "alias"
    );
    assert_eq!(
        functions["proxy_address"]["parameters"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn functions_apply_and_reject_bad_arguments() {
    let wd = Workdir::new();
    wd.config(&functions_config());
    wd.apply().success();
    let out = wd.outputs();
    assert_eq!(out["setting"], "cluster.remote.my-remote.credentials");
    assert_eq!(out["api_key_address"], "abc123.eu-west-1.aws.found.io:9443");
    assert_eq!(
        out["certificate_address"],
        "abc123.eu-west-1.aws.found.io:9400"
    );

    wd.config(&format!(
        "{REQUIRED}\noutput \"x\" {{\n  value = provider::crosscluster::credentials_setting(\"Bad.Alias\")\n}}\n"
    ));
    wd.plan().failure().contains("contains 'B'");
    wd.config(&format!(
        "{REQUIRED}\noutput \"x\" {{\n  value = provider::crosscluster::proxy_address(\"abc.found.io\", \"tls\")\n}}\n"
    ));
    wd.plan()
        .failure()
        .contains("unknown security model \"tls\"");
}

/// `terraform validate` checks a provider block only when something uses the provider.
const USES_PROVIDER: &str = "data \"crosscluster_organization\" \"me\" {}\n";

#[test]
fn validate_names_attribute_and_environment_variable() {
    let mut wd = Workdir::new();
    wd.config(&format!(
        "{REQUIRED}{USES_PROVIDER}\nprovider \"crosscluster\" {{\n  cloud {{\n    endpoint = \"not a url\"\n    api_key = \"k\"\n  }}\n}}\n"
    ));
    wd.validate().failure().contains("cloud.endpoint");

    // The variable is used when the attribute is absent...
    wd.env("EC_ENDPOINT", "ftp://nowhere");
    wd.config(&format!("{REQUIRED}{USES_PROVIDER}\nprovider \"crosscluster\" {{\n  cloud {{\n    api_key = \"k\"\n  }}\n}}\n"));
    wd.validate().failure().contains("EC_ENDPOINT");

    // ...and ignored when the attribute is present.
    wd.config(&format!(
        "{REQUIRED}{USES_PROVIDER}\nprovider \"crosscluster\" {{\n  cloud {{\n    endpoint = \"https://cloud.example.com\"\n    api_key = \"k\"\n  }}\n}}\n"
    ));
    wd.validate().success();

    wd.config(&format!("{REQUIRED}{USES_PROVIDER}\nprovider \"crosscluster\" {{\n  request_timeout = \"soon\"\n}}\n"));
    wd.validate().failure().contains("request_timeout");
}

#[test]
fn provider_logs_reach_terraform_log() {
    let mut wd = Workdir::new();
    wd.config(&functions_config());
    wd.env("TF_LOG_PROVIDER", "debug");
    let run = wd.apply().success();
    let log = run.stderr;
    assert!(
        log.lines()
            .any(|l| l.contains("provider.terraform-provider-crosscluster")
                && l.contains("@module=provider.crosscluster")),
        "no provider log line with the provider's module in:\n{log}"
    );
}

#[test]
fn debug_mode_reattach_works_with_terraform() {
    let mut child = Command::new(provider_binary())
        .arg("--debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start provider in debug mode");
    let stdout = child.stdout.take().expect("stdout");
    let mut reattach = None;
    for line in BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .take(20)
    {
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS=") {
            reattach = Some(rest.trim_matches('\'').to_string());
            break;
        }
    }
    let reattach = reattach.expect("debug mode printed TF_REATTACH_PROVIDERS");
    let parsed: serde_json::Value = serde_json::from_str(&reattach).expect("reattach JSON");
    assert_eq!(
        parsed[crate::harness::PROVIDER_SOURCE]["ProtocolVersion"],
        6
    );

    let mut wd = Workdir::new();
    wd.config(&functions_config());
    wd.env("TF_REATTACH_PROVIDERS", &reattach);
    let run = wd.apply();
    let _ = child.kill();
    let _ = child.wait();
    run.success();
    assert_eq!(
        wd.outputs()["api_key_address"],
        "abc123.eu-west-1.aws.found.io:9443"
    );
}
