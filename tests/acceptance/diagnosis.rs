//! Issue 10, must-show 4: one row per documented cause of a remote connection that does not
//! come up (api-facts-next section 6, reproduced by the simulator). Each row sets up its own
//! simulator, applies an alias with a 3 s create timeout, and asserts the failed apply names the
//! cause FIRST (the first paragraph of the diagnostic's detail). The version-incompatible rows
//! (and the other causes waiting cannot fix) must stop at once: asserted on the number of
//! `_remote/info` polls in the simulator's request log. The rows run in parallel threads.

use std::time::Instant;

use base64::Engine as _;
use crosscluster_sim::{Fixture, Options};
use serde_json::{Value, json};

use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::remote_cluster::{put_account_trust, trust_org};
use crate::sim::Sim;

/// The default fixture plus `local-b` (9.1, organization 1), `old-remote` (8.18, organization
/// 2) and `legacy-b` (7.6.2, organization 1).
fn fixture() -> Fixture {
    let mut f = Fixture::default_fixture();
    let org = |name: &str| {
        f.deployments
            .iter()
            .find(|d| d.name == name)
            .expect("fixture deployment")
            .organization_id
            .clone()
    };
    let (org1, org2) = (org("local"), org("remote"));
    for extra in [
        json!({"name": "local-b", "organization_id": org1, "version": "9.1.0"}),
        json!({"name": "old-remote", "organization_id": org2, "version": "8.18.0"}),
        json!({"name": "legacy-b", "organization_id": org1, "version": "7.6.2"}),
    ] {
        f.deployments
            .push(serde_json::from_value(extra).expect("fixture"));
    }
    // A REST key on `remote` (from the fixture: creating one is not in the contract).
    let remote = f
        .deployments
        .iter_mut()
        .find(|d| d.name == "remote")
        .expect("remote");
    remote.rest_api_keys.push(
        serde_json::from_value(json!({"id": REST_KEY_ID, "api_key": REST_KEY_SECRET}))
            .expect("rest key"),
    );
    f
}

const REST_KEY_ID: &str = "diagRestKey000000001";
const REST_KEY_SECRET: &str = "diag-rest-secret";

/// How the alias dials: proxy mode (`server_name` given or not) or sniff through a proxy.
enum Dial {
    Proxy {
        address: String,
        server_name: Option<String>,
    },
    LegacySniff {
        /// The host, as text inside an HCL string (may interpolate).
        endpoint: String,
        port: u16,
    },
}

/// What a row sets up before the apply: the local deployment (the provider's `elasticsearch`
/// connection), whether the provider also gets the Cloud connection of that organization,
/// extra configuration, and how the alias dials.
struct Setup {
    local: &'static str,
    cloud: bool,
    extra: String,
    dial: Dial,
}

struct Row {
    name: &'static str,
    setup: fn(&Sim) -> Setup,
    /// Text of the first paragraph of the detail.
    first: &'static str,
    /// The cause cannot be fixed by waiting: the wait stops after the first poll (or the plan
    /// fails before anything is written).
    fast: bool,
    /// The plan already fails (the remote's version is known from the Cloud API).
    at_plan: bool,
}

fn proxy(sim: &Sim, remote: &str, port: u16) -> Dial {
    let ep = sim.dep(remote).1.endpoint;
    Dial::Proxy {
        address: format!("{ep}:{port}"),
        server_name: Some(ep),
    }
}

fn simple(local: &'static str, dial: Dial) -> Setup {
    Setup {
        local,
        cloud: false,
        extra: String::new(),
        dial,
    }
}

/// Creates a cross-cluster API key on deployment `on`; returns (id, encoded).
fn ccs_key(sim: &Sim, on: &str) -> (String, String) {
    let d = sim.dep(on).1;
    let (status, key) = sim.http(
        "POST",
        &format!("{}/_security/cross_cluster/api_key", d.es_url),
        Some(&sim.es_auth(on)),
        Some(json!({"name": "diag", "access": {"search": [{"names": ["*"]}]}})),
    );
    assert_eq!(status, 200, "{key}");
    let s = |k: &str| key[k].as_str().expect("key field").to_string();
    (s("id"), s("encoded"))
}

/// Stores `encoded` as `cluster.remote.x.credentials` in deployment `on`'s keystore.
fn store_key(sim: &Sim, on: &str, encoded: &str) {
    let (id, d) = sim.dep(on);
    let (status, body) = sim.http(
        "PATCH",
        &format!(
            "{}/api/v1/deployments/{id}/elasticsearch/{}/keystore",
            sim.ready.cloud_url, d.ref_id
        ),
        Some(&format!("ApiKey {}", sim.cloud_key_for(on))),
        Some(json!({"secrets": {"cluster.remote.x.credentials": {"value": encoded}}})),
    );
    assert!(status == 200 || status == 202, "{status} {body}");
}

/// A key of `remote` stored on `local`, with the alias dialling `remote`:9443.
fn api_key_row(sim: &Sim, local: &'static str, remote: &str, encoded: &str) -> Setup {
    store_key(sim, local, encoded);
    simple(local, proxy(sim, remote, 9443))
}

/// Deployment `name` trusts organization `org` only for the clusters in `allowlist`.
fn trust_org_allowlist(sim: &Sim, name: &str, org: &str, allowlist: &[&str]) {
    put_account_trust(
        sim,
        name,
        json!({"account_id": org, "trust_all": false, "trust_allowlist": allowlist}),
    );
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "unreachable",
            setup: |_| {
                simple(
                    "local",
                    Dial::Proxy {
                        address: "nowhere.example.com:9400".into(),
                        server_name: Some("nowhere.example.com".into()),
                    },
                )
            },
            first: "Remote cluster unreachable: nothing answered at nowhere.example.com:9400",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "server_name",
            setup: |sim| {
                let ep = sim.dep("remote").1.endpoint;
                simple(
                    "local",
                    Dial::Proxy {
                        address: format!("{ep}:9400"),
                        server_name: Some(sim.dep("local-b").1.endpoint),
                    },
                )
            },
            first: "does not match the proxy address host",
            fast: true,
            at_plan: false,
        },
        Row {
            name: "port_not_served",
            setup: |sim| simple("local", proxy(sim, "remote", 9300)),
            first: "Port 9300 is not served by the Elastic Cloud proxy",
            fast: true,
            at_plan: false,
        },
        Row {
            name: "port_credentials_on_9400",
            setup: |sim| {
                let (_, encoded) = ccs_key(sim, "remote");
                store_key(sim, "local", &encoded);
                simple("local", proxy(sim, "remote", 9400))
            },
            first: "Wrong port for the security model: credentials are configured for \"x\"",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "remote_too_old",
            setup: |sim| simple("local", proxy(sim, "old-remote", 9400)),
            first: "Incompatible versions: the remote cluster at",
            fast: true,
            at_plan: false,
        },
        Row {
            name: "remote_too_new",
            setup: |sim| simple("old-remote", proxy(sim, "local", 9443)),
            first: "which is too new for this cluster's 8.18.0",
            fast: true,
            at_plan: false,
        },
        Row {
            // 7.5 has no _resolve/cluster: the remote's version comes from the Cloud API
            // (the deployment data source of the same provider), and the plan fails.
            name: "remote_too_new_7x",
            setup: |sim| Setup {
                local: "legacy",
                cloud: true,
                extra: format!(
                    "data \"crosscluster_deployment\" \"r\" {{\n  id = \"{}\"\n}}\n",
                    sim.id("local-b")
                ),
                dial: Dial::LegacySniff {
                    endpoint: "${data.crosscluster_deployment.r.endpoint}".into(),
                    port: 9400,
                },
            },
            first: "Incompatible versions: the remote cluster at",
            fast: true,
            at_plan: true,
        },
        Row {
            name: "api_key_model_version_remote",
            setup: |sim| simple("old-remote", proxy(sim, "legacy-remote", 9443)),
            first: "API-key model not supported by the remote",
            fast: true,
            at_plan: false,
        },
        Row {
            name: "api_key_model_version_local",
            setup: |sim| {
                let ep = sim.dep("legacy-b").1.endpoint;
                simple(
                    "legacy",
                    Dial::LegacySniff {
                        endpoint: ep,
                        port: 9443,
                    },
                )
            },
            first: "API-key model not supported by this cluster: Elasticsearch 7.5.2",
            fast: true,
            at_plan: false,
        },
        Row {
            name: "credentials_missing",
            setup: |sim| simple("local", proxy(sim, "remote", 9443)),
            first: "No API-key credentials for \"x\"",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "credentials_not_loaded",
            setup: |sim| {
                let (_, encoded) = ccs_key(sim, "old-remote");
                api_key_row(sim, "old-local", "old-remote", &encoded)
            },
            first: "Credentials for \"x\" not loaded",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "key_invalid",
            setup: |sim| {
                let (id, _) = ccs_key(sim, "remote");
                let wrong = base64::engine::general_purpose::STANDARD
                    .encode(format!("{id}:not-the-secret"));
                api_key_row(sim, "local", "remote", &wrong)
            },
            first: "API key rejected: the remote cluster at",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "key_of_another_cluster",
            setup: |sim| {
                let (_, encoded) = ccs_key(sim, "local-b");
                api_key_row(sim, "local", "remote", &encoded)
            },
            first: "API key rejected: the remote cluster at",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "key_invalidated",
            setup: |sim| {
                let (id, encoded) = ccs_key(sim, "remote");
                let d = sim.dep("remote").1;
                let (status, body) = sim.http(
                    "DELETE",
                    &format!("{}/_security/api_key", d.es_url),
                    Some(&sim.es_auth("remote")),
                    Some(json!({"ids": [id]})),
                );
                assert_eq!(status, 200, "{body}");
                api_key_row(sim, "local", "remote", &encoded)
            },
            first: "API key rejected: the remote cluster at",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "key_expired",
            setup: |sim| {
                let (id, encoded) = ccs_key(sim, "remote");
                sim.control(
                    "POST",
                    &format!("/_sim/deployments/remote/api_keys/{id}/expire"),
                    None,
                );
                api_key_row(sim, "local", "remote", &encoded)
            },
            first: "API key rejected: the remote cluster at",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "rest_key",
            setup: |sim| {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{REST_KEY_ID}:{REST_KEY_SECRET}"));
                api_key_row(sim, "local", "remote", &encoded)
            },
            first: "Wrong kind of API key: cluster.remote.x.credentials holds the REST API key",
            fast: true,
            at_plan: false,
        },
        Row {
            name: "local_trust",
            setup: |sim| simple("local", proxy(sim, "remote", 9400)),
            first: "Trust missing on this side: Certificate model: this (local) cluster does not trust the remote cluster",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "local_trust_allowlist",
            setup: |sim| {
                let org2 = sim.dep("remote").1.organization_id;
                trust_org_allowlist(sim, "local", &org2, &["0123456789abcdef0123456789abcdef"]);
                trust_org(sim, "remote", &sim.dep("local").1.organization_id);
                simple("local", proxy(sim, "remote", 9400))
            },
            first: "Trust missing on this side: Certificate model: this (local) cluster does not trust the remote cluster",
            fast: false,
            at_plan: false,
        },
        Row {
            name: "remote_trust",
            setup: |sim| {
                trust_org(sim, "local", &sim.dep("remote").1.organization_id);
                simple("local", proxy(sim, "remote", 9400))
            },
            first: "Trust missing on the remote side: Certificate model: the remote cluster at",
            fast: false,
            at_plan: false,
        },
    ]
}

fn alias_config(sim: &Sim, s: &Setup) -> String {
    let cloud = s.cloud.then_some(s.local);
    let provider = sim.provider_block(None, cloud, Some(s.local));
    let dial = match &s.dial {
        Dial::Proxy {
            address,
            server_name,
        } => {
            let sn = server_name
                .as_ref()
                .map(|n| format!("  server_name = \"{n}\"\n"))
                .unwrap_or_default();
            format!("  proxy_address = \"{address}\"\n{sn}")
        }
        Dial::LegacySniff { endpoint, port } => format!(
            "  mode = \"sniff\"\n  seeds = [\"{endpoint}:1\"]\n  legacy_proxy = \"{endpoint}:{port}\"\n"
        ),
    };
    format!(
        "{REQUIRED_PROVIDERS}{provider}\n{}\nresource \"crosscluster_remote_cluster\" \"x\" {{\n  alias = \"x\"\n{dial}  timeouts {{\n    create = \"3s\"\n  }}\n}}\n",
        s.extra
    )
}

/// Runs one row; returns a failure message instead of panicking so every row reports.
fn run_row(row: &Row) -> Result<(), String> {
    let sim = Sim::with(
        &format!("diagnosis_{}", row.name),
        fixture(),
        Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    );
    let setup = (row.setup)(&sim);
    let wd = Workdir::new();
    wd.config(&alias_config(&sim, &setup));
    let polls_before = remote_info_polls(&sim, setup.local);
    let run = wd.apply();
    let out = run.flat();
    if run.code == 0 {
        return Err(format!(
            "{}: the apply succeeded:\n{}",
            row.name,
            run.text()
        ));
    }
    let summary = if row.at_plan {
        "Remote cluster \"x\" cannot connect"
    } else {
        "Remote cluster \"x\" did not connect"
    };
    let (Some(s), Some(f)) = (out.find(summary), out.find(row.first)) else {
        return Err(format!(
            "{}: expected {summary:?} and then {:?}:\n{}",
            row.name,
            row.first,
            run.text()
        ));
    };
    // The cause is the first paragraph: after the summary and the source snippet, before
    // the "not connected" paragraph that follows it.
    let second = if row.at_plan {
        out.find("The remote's version comes from its deployment")
    } else {
        out.find("The remote cluster alias \"x\"")
    };
    if !(s < f && second.is_some_and(|n| f < n)) {
        return Err(format!(
            "{}: {:?} is not the first paragraph:\n{}",
            row.name,
            row.first,
            run.text()
        ));
    }
    let polls = remote_info_polls(&sim, setup.local) - polls_before;
    let persistent = crate::remote_cluster::persistent_settings(&sim, setup.local);
    if persistent
        .keys()
        .any(|k| k.starts_with("cluster.remote.x."))
    {
        return Err(format!(
            "{}: settings left behind: {persistent:?}",
            row.name
        ));
    }
    match (row.fast, row.at_plan) {
        (true, true) if polls != 0 || settings_puts(&sim, setup.local) != 0 => Err(format!(
            "{}: the plan must fail before anything is written or polled ({polls} polls)",
            row.name
        )),
        (true, false) if polls != 1 => Err(format!(
            "{}: the wait must stop after the first poll, but _remote/info was polled {polls} times",
            row.name
        )),
        (false, _) if polls < 3 => Err(format!(
            "{}: a cause waiting may fix must be waited for, but _remote/info was polled {polls} times",
            row.name
        )),
        _ => Ok(()),
    }
}

fn remote_info_polls(sim: &Sim, local: &str) -> usize {
    sim.requests(Some(local))
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/_remote/info")
        .count()
}

fn settings_puts(sim: &Sim, local: &str) -> usize {
    sim.requests(Some(local))
        .iter()
        .filter(|r: &&Value| r["method"] == "PUT" && r["path"] == "/_cluster/settings")
        .count()
}

/// Must-show 4: every documented cause is named first; the permanent ones fail at once.
#[test]
fn every_cause_is_named_first() {
    let started = Instant::now();
    let rows = rows();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .iter()
            .map(|row| {
                s.spawn(move || {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_row(row)))
                        .unwrap_or_else(|_| Err(format!("{}: panicked", row.name)))
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().and_then(Result::err))
            .collect()
    });
    println!(
        "diagnosis: {} rows, {} failed, {:.1}s",
        rows.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
