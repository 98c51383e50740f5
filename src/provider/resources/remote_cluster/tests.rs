//! Table tests of the pure parts of `crosscluster_remote_cluster`: validators, plan-time
//! checks, settings written and state read back, and the not-connected diagnosis.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value as Json, json};

use crate::client::elasticsearch::{RemoteInfo, Version};
use crate::framework::decode::{number_value, set_attr};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, Model, from_value};
use crate::framework::value::{Refinements, Value};

use super::diagnose::{Observation, TrustGap, not_connected_diagnostic, trust_gap};
use super::model::{ConnectionPlan, Mode, RemoteCluster, RemoteClusterModel, from_api, write_body};
use super::schema::schema;
use super::validate::{config_problems, parse_host_port, server_name_problem, version_problems};

fn model_of(config: &Value) -> RemoteClusterModel {
    RemoteClusterModel::from_value(config).unwrap()
}

/// The state value `from_api` gives with no prior state.
fn to_state(alias: &str, settings: &BTreeMap<String, Json>, info: Option<&RemoteInfo>) -> Value {
    from_api(alias, settings, info, None).to_value().unwrap()
}

fn cfg(pairs: Vec<(&str, Value)>) -> Value {
    let mut base = schema().block.empty_value();
    for (k, v) in pairs {
        base = set_attr(base, k, v);
    }
    base
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn paths(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .filter_map(|d| d.path.as_ref().map(ToString::to_string))
        .collect()
}

#[test]
fn host_port_table() {
    let cases = [
        ("abc.found.io:9443", Some(("abc.found.io", 9443))),
        ("10.0.0.1:9300", Some(("10.0.0.1", 9300))),
        ("[::1]:9300", Some(("[::1]", 9300))),
        ("abc.found.io", None),
        (":9400", None),
        ("h:0", None),
        ("h:70000", None),
        ("h:x", None),
        ("https://h:9400", None),
        ("h/x:9400", None),
    ];
    for (input, want) in cases {
        let got = parse_host_port(input).ok();
        assert_eq!(got, want.map(|(h, p)| (h.to_string(), p)), "{input}");
    }
}

#[test]
fn server_name_table() {
    let cases = [
        ("abc123.eu-west-1.aws.found.io", None),
        ("localhost", None),
        ("", Some("is empty")),
        ("https://abc.found.io", Some("drop \"https://\"")),
        ("abc.found.io:9400", Some("without a port")),
        ("abc.found.io/x", Some("no path")),
        ("abc found.io", Some("no spaces")),
    ];
    for (input, want) in cases {
        let got = server_name_problem(input);
        match (&got, want) {
            (None, None) => {}
            (Some(g), Some(w)) => assert!(g.contains(w), "{input:?}: {g}"),
            _ => panic!("{input:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn config_problems_table() {
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "proxy ok",
            cfg(vec![("alias", s("r")), ("proxy_address", s("h:9400"))]),
            vec![],
        ),
        (
            "seeds with default mode",
            cfg(vec![
                ("alias", s("r")),
                ("proxy_address", s("h:9400")),
                ("seeds", Value::list([s("h:1")])),
            ]),
            vec!["seeds"],
        ),
        (
            "sniff with proxy keys and no seeds",
            cfg(vec![
                ("alias", s("r")),
                ("mode", s("sniff")),
                ("server_name", s("h")),
                ("proxy_socket_connections", number_value(3)),
            ]),
            vec!["server_name", "proxy_socket_connections", "seeds"],
        ),
        (
            "proxy without address",
            cfg(vec![("alias", s("r")), ("mode", s("proxy"))]),
            vec!["proxy_address"],
        ),
        (
            "unknown mode skips",
            cfg(vec![
                ("alias", s("r")),
                ("mode", Value::unknown()),
                ("seeds", Value::list([s("h:1")])),
            ]),
            vec![],
        ),
        (
            "legacy sniff ok",
            cfg(vec![
                ("alias", s("r")),
                ("mode", s("sniff")),
                ("seeds", Value::list([s("h:1")])),
                ("legacy_proxy", s("h:9400")),
            ]),
            vec![],
        ),
    ];
    for (name, config, want) in cases {
        let d = config_problems(&model_of(&config));
        let mut got = paths(&d);
        got.sort();
        let mut want: Vec<String> = want.into_iter().map(String::from).collect();
        want.sort();
        assert_eq!(got, want, "{name}: {d}");
    }
}

#[test]
fn host_port_validator_reports_element_paths() {
    let block = schema().block;
    let config = cfg(vec![
        ("alias", s("bad.alias")),
        ("mode", s("sniff")),
        ("seeds", Value::list([s("h:1"), s("nohost")])),
        ("legacy_proxy", s("h:99999")),
    ]);
    let mut d = Diagnostics::new();
    block.validate(&config, &AttributePath::root(), &mut d);
    let mut got = paths(&d);
    got.sort();
    assert_eq!(got, vec!["alias", "legacy_proxy", "seeds[1]"], "{d}");
}

#[test]
fn version_gates_name_the_version() {
    let v75 = Version::new(7, 5, 2);
    let d = version_problems(
        &model_of(&cfg(vec![
            ("alias", s("r")),
            ("proxy_address", s("h:9400")),
        ])),
        &v75,
    );
    assert_eq!(paths(&d), vec!["mode"]);
    let text = d.to_string();
    assert!(text.contains("7.7.0") && text.contains("7.5.2"), "{text}");
    let sniff = model_of(&cfg(vec![
        ("alias", s("r")),
        ("mode", s("sniff")),
        ("seeds", Value::list([s("h:1")])),
        ("legacy_proxy", s("h:9400")),
        ("node_connections", number_value(2)),
    ]));
    assert_eq!(
        paths(&version_problems(&sniff, &v75)),
        vec!["node_connections"]
    );
    assert!(version_problems(&sniff, &Version::new(7, 7, 0)).is_empty());
}

fn model(mode: Mode) -> RemoteCluster {
    RemoteCluster {
        alias: "r".into(),
        mode: Some(mode),
        proxy_address: Some("h:9400".into()),
        server_name: Some("h".into()),
        seeds: Some(vec!["h:1".into()]),
        legacy_proxy: Some("h:9400".into()),
        wait_for_connection: true,
        ..Default::default()
    }
}

fn settings_map(pairs: &[(&str, Json)]) -> BTreeMap<String, Json> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn desired_settings_and_mode_switch() {
    let v9 = Version::new(9, 1, 0);
    let proxy = model(Mode::Proxy).desired_settings(Some(&v9));
    assert_eq!(
        serde_json::to_value(&proxy).unwrap(),
        json!({"mode": "proxy", "proxy_address": "h:9400", "server_name": "h"})
    );
    let sniff = model(Mode::Sniff).desired_settings(Some(&v9));
    assert_eq!(
        serde_json::to_value(&sniff).unwrap(),
        json!({"mode": "sniff", "seeds": ["h:1"], "proxy": "h:9400"})
    );
    // Before 7.7 there is no mode setting.
    let legacy = model(Mode::Sniff).desired_settings(Some(&Version::new(7, 5, 2)));
    assert!(!legacy.contains_key("mode"));
    // Switching nulls the other mode's keys in the same body, keeps unmanaged keys.
    let current = settings_map(&[
        ("mode", json!("proxy")),
        ("proxy_address", json!("h:9400")),
        ("server_name", json!("h")),
        ("transport.compression_scheme", json!("lz4")),
    ]);
    let body = write_body(&model(Mode::Sniff), &current, &v9);
    assert_eq!(
        Json::Object(body),
        json!({"cluster.remote.r.mode": "sniff", "cluster.remote.r.seeds": ["h:1"],
               "cluster.remote.r.proxy": "h:9400", "cluster.remote.r.proxy_address": null,
               "cluster.remote.r.server_name": null})
    );
    // No change: empty body.
    assert!(write_body(&model(Mode::Proxy), &current, &v9).is_empty());
}

#[test]
fn state_from_settings() {
    let settings = settings_map(&[
        ("mode", json!("proxy")),
        ("proxy_address", json!("h:9443")),
        ("server_name", json!("h")),
        ("proxy_socket_connections", json!("6")),
    ]);
    let info = RemoteInfo {
        connected: true,
        skip_unavailable: true,
        cluster_credentials: Some("::es_redacted::".into()),
        ..Default::default()
    };
    let st = to_state("r", &settings, Some(&info));
    let get = |n: &str| st.get_attr(n).cloned().unwrap();
    assert_eq!(get("id"), s("r"));
    assert_eq!(get("mode"), s("proxy"));
    assert_eq!(get("proxy_socket_connections"), number_value(6));
    assert_eq!(get("skip_unavailable"), Value::Bool(true));
    assert_eq!(get("connected"), Value::Bool(true));
    assert_eq!(get("credentials_configured"), Value::Bool(true));
    assert_eq!(get("wait_for_connection"), Value::Bool(true));
    assert_eq!(get("seeds"), Value::Null);
    // Legacy: no mode key means sniff; proxy maps to legacy_proxy; explicit skip wins.
    let legacy = settings_map(&[
        ("seeds", json!(["h:1"])),
        ("proxy", json!("h:9400")),
        ("skip_unavailable", json!("false")),
    ]);
    let st = to_state("r", &legacy, Some(&info));
    assert_eq!(st.get_attr("mode"), Some(&s("sniff")));
    assert_eq!(st.get_attr("legacy_proxy"), Some(&s("h:9400")));
    assert_eq!(st.get_attr("skip_unavailable"), Some(&Value::Bool(false)));
}

#[test]
fn trust_gap_table() {
    let cases = [
        (
            "this deployment does not trust remote cluster [x]",
            Some(TrustGap::LocalDoesNotTrustRemote),
        ),
        (
            "remote cluster [x] does not trust this deployment (cluster id 1)",
            Some(TrustGap::RemoteDoesNotTrustLocal),
        ),
        (
            "PKIX path building failed: unable to find valid certification path",
            Some(TrustGap::LocalDoesNotTrustRemote),
        ),
        (
            "Received fatal alert: bad_certificate",
            Some(TrustGap::RemoteDoesNotTrustLocal),
        ),
        ("unknown host [x]", None),
    ];
    for (text, want) in cases {
        assert_eq!(trust_gap(text), want, "{text}");
    }
}

#[test]
fn diagnostics_name_the_right_port_and_side() {
    let mut m = model(Mode::Proxy);
    m.proxy_address = Some("abc.found.io:9400".into());
    m.server_name = Some("abc.found.io".into());
    let with_creds = Observation {
        info: Some(RemoteInfo {
            cluster_credentials: Some("::es_redacted::".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let d = not_connected_diagnostic(&m, &with_creds, Duration::from_secs(3));
    assert!(
        d.detail.contains("port 9443") || d.detail.contains(":9443"),
        "{}",
        d.detail
    );
    assert_eq!(
        d.path.map(|p| p.to_string()).as_deref(),
        Some("proxy_address")
    );

    m.proxy_address = Some("abc.found.io:9443".into());
    let no_creds = Observation {
        info: Some(RemoteInfo::default()),
        ..Default::default()
    };
    let d = not_connected_diagnostic(&m, &no_creds, Duration::from_secs(3));
    assert!(d.detail.contains("abc.found.io:9400"), "{}", d.detail);
    assert!(
        d.detail.contains("cluster.remote.r.credentials"),
        "{}",
        d.detail
    );

    m.proxy_address = Some("abc.found.io:9400".into());
    let one_side = Observation {
        info: Some(RemoteInfo::default()),
        resolve_error: Some("remote cluster [remote] does not trust this deployment".into()),
        ..Default::default()
    };
    let d = not_connected_diagnostic(&m, &one_side, Duration::from_secs(3));
    assert!(
        d.detail.contains("does not trust this (local) cluster"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("REMOTE deployment"), "{}", d.detail);
}

#[test]
fn model_decoding_table() {
    let unknown_seed = cfg(vec![
        ("alias", s("r")),
        ("mode", s("sniff")),
        ("seeds", Value::list([s("h:1"), Value::unknown()])),
        ("proxy_socket_connections", Value::unknown()),
    ]);
    let m = model_of(&unknown_seed);
    assert_eq!(m.mode, Known::Value(Mode::Sniff));
    assert!(matches!(&m.seeds, Known::Value(l) if l.len() == 2 && l[1].is_unknown()));
    assert!(m.proxy_socket_connections.is_unknown());
    // What was read is written back unchanged.
    assert_eq!(m.to_value().unwrap(), unknown_seed);
    // Elasticsearch reads the mode case-insensitively; the model does too.
    let upper = model_of(&cfg(vec![("alias", s("r")), ("mode", s("PROXY"))]));
    assert_eq!(upper.mode, Known::Value(Mode::Proxy));
    // A mode that is none: the error names the attribute.
    let err = RemoteClusterModel::from_value(&cfg(vec![("mode", s("bogus"))])).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("mode") && text.contains("is not a mode"),
        "{text}"
    );
}

#[test]
fn from_plan_takes_skip_unavailable_from_the_configuration() {
    let planned = |skip: Value| {
        model_of(&cfg(vec![
            ("alias", s("r")),
            ("proxy_address", s("h:9400")),
            ("skip_unavailable", skip),
        ]))
    };
    let cases = [
        // (configured, planned, written)
        (Value::Null, Value::Bool(true), None),
        (Value::Bool(false), Value::Bool(false), Some(false)),
        (Value::unknown(), Value::Bool(true), Some(true)),
        (Value::unknown(), Value::unknown(), None),
    ];
    for (configured, plan, want) in cases {
        let m =
            RemoteCluster::from_plan(&planned(plan.clone()), &planned(configured.clone())).unwrap();
        assert_eq!(m.skip_unavailable, want, "{configured:?} {plan:?}");
        assert_eq!(m.mode, Some(Mode::Proxy));
        assert!(m.wait_for_connection);
    }
    let no_alias = model_of(&cfg(vec![("alias", Value::unknown())]));
    assert!(RemoteCluster::from_plan(&no_alias, &no_alias).is_err());
}

#[test]
fn state_alias_table() {
    let cases = [
        (s("a"), s("a"), Some("a")),
        (Value::Null, s("b"), Some("b")),
        (Value::Null, Value::Null, None),
        (Value::unknown(), s("b"), None),
    ];
    for (alias, id, want) in cases {
        let m = model_of(&cfg(vec![("alias", alias.clone()), ("id", id.clone())]));
        assert_eq!(m.state_alias().ok().as_deref(), want, "{alias:?} {id:?}");
    }
    let imported = RemoteClusterModel::imported("r").to_value().unwrap();
    assert_eq!(imported, cfg(vec![("id", s("r")), ("alias", s("r"))]));
}

#[test]
fn connection_plan_settles_only_when_waiting() {
    let cases = [
        (Known::Value(true), Known::Unknown, true),
        (Known::Value(false), Known::Unknown, false),
        (Known::Unknown, Known::Unknown, false),
        (Known::Value(true), Known::Value(false), false),
    ];
    for (wait, connected, settles) in cases {
        let plan = ConnectionPlan {
            wait_for_connection: wait.clone(),
            connected: connected.clone(),
        };
        let got = plan.settled();
        assert_eq!(got.is_some(), settles, "{wait:?} {connected:?}");
        if let Some(p) = got {
            assert_eq!(p.connected, Known::Value(true));
        }
    }
}

#[test]
fn patch_planned_keeps_every_other_value() {
    let refined = Value::Unknown(Refinements {
        string_prefix: Some("abc.found.io:".into()),
        ..Refinements::default()
    });
    let mut planned = cfg(vec![
        ("alias", s("r")),
        ("proxy_address", refined.clone()),
        ("wait_for_connection", Value::Bool(true)),
        ("connected", Value::unknown()),
    ]);
    let plan: ConnectionPlan = from_value(&planned).unwrap();
    super::patch_planned(&mut planned, &plan.settled().unwrap()).unwrap();
    let want = cfg(vec![
        ("alias", s("r")),
        ("proxy_address", refined),
        ("wait_for_connection", Value::Bool(true)),
        ("connected", Value::Bool(true)),
    ]);
    assert_eq!(planned, want);
}

#[test]
fn port_advice_table() {
    let mut m = model(Mode::Proxy);
    let cases = [
        // (port, credentials, host, advice names)
        (9400, true, "abc.found.io", Some(":9443")),
        (
            9443,
            false,
            "abc.found.io",
            Some("cluster.remote.r.credentials"),
        ),
        (
            9300,
            false,
            "abc.found.io",
            Some("not served by the Elastic Cloud proxy"),
        ),
        (9300, false, "10.0.0.1", None),
        (9400, false, "abc.found.io", None),
        (9443, true, "abc.found.io", None),
    ];
    for (port, creds, host, want) in cases {
        m.proxy_address = Some(format!("{host}:{port}"));
        let got = super::diagnose::port_advice(&m, host, port, creds);
        match want {
            Some(text) => assert!(
                got.as_deref().is_some_and(|g| g.contains(text)),
                "{port} {creds} {host}: {got:?}"
            ),
            None => assert_eq!(got, None, "{port} {creds} {host}"),
        }
    }
    // Sniff mode dials legacy_proxy, and the advice names it.
    let sniff = model(Mode::Sniff);
    let got = super::diagnose::port_advice(&sniff, "h", 9400, true).unwrap_or_default();
    assert!(got.contains("legacy_proxy = \"h:9443\""), "{got}");
}

const NO_HEADER: &str = "java.lang.IllegalArgumentException: Cross cluster requests through the dedicated remote cluster server port require transport header [_cross_cluster_access_credentials] but none found. Please ensure you have configured remote cluster credentials on the cluster originating the request.";
const PKIX: &str = "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target";
const BAD_CERT: &str = "javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate";

#[test]
fn classify_error_table() {
    use super::diagnose::{Cause, classify_error};
    let cases: Vec<(&str, Option<&str>)> = vec![
        (
            "java.lang.IllegalStateException: handshake with [{instance-0000000000}{n}{h:9400}] failed: remote node version [8.18.0] is incompatible with local node version [9.1.0]",
            Some("remote_too_old"),
        ),
        (
            "java.lang.IllegalStateException: handshake with [{i}{n}{h:9443}] failed: remote node version [9.1.0] is incompatible with local node version [8.18.0]",
            Some("remote_too_new"),
        ),
        (
            "all nodes must have version [8.10.0] or higher to support cross cluster requests through the dedicated remote cluster port",
            Some("api_key_model_version"),
        ),
        (NO_HEADER, Some("credentials_missing")),
        (
            "unable to authenticate user [abc] for action [cluster:internal/remote_cluster/handshake]",
            Some("key_rejected"),
        ),
        (
            "authentication expected API key type of [cross_cluster], but API key [k1] has type [rest]",
            Some("rest_key"),
        ),
        (PKIX, Some("local_trust")),
        (BAD_CERT, Some("remote_trust")),
        (
            "ElasticsearchSecurityException: missing authentication credentials for action [cluster:internal/remote_cluster/handshake]",
            Some("port"),
        ),
        (
            "Request timed out before receiving a response from the remote cluster",
            None,
        ),
    ];
    for (text, want) in cases {
        assert_eq!(classify_error(text).map(|c| c.name()), want, "{text}");
    }
    assert_eq!(
        classify_error(
            "unable to authenticate user [abc] for action [cluster:internal/remote_cluster/handshake]"
        ),
        Some(Cause::KeyRejected {
            key_id: "abc".into()
        })
    );
    assert_eq!(
        classify_error(
            "authentication expected API key type of [cross_cluster], but API key [k1] has type [rest]"
        ),
        Some(Cause::RestKey {
            key_id: "k1".into()
        })
    );
}

#[test]
fn wire_compatibility_table() {
    use super::diagnose::wire_compatible;
    let v = |s: &str| Version::parse(s).unwrap();
    for (a, b, ok) in [
        ("9.1.0", "8.19.2", true),
        ("9.1.0", "8.18.0", false),
        ("9.0.1", "8.18.0", true),
        ("7.5.2", "9.1.0", false),
        ("7.5.2", "7.6.2", true),
        ("8.18.0", "9.1.0", false),
        ("8.12.2", "7.17.25", true),
        ("8.12.2", "7.16.0", false),
        ("9.1.0", "9.3.0", true),
    ] {
        assert_eq!(wire_compatible(&v(a), &v(b)), ok, "{a} {b}");
        assert_eq!(wire_compatible(&v(b), &v(a)), ok, "{b} {a}");
    }
}

/// One row per cause: the first line of the diagnostic names it, and only versions, the key
/// type and configuration no proxy routes end the wait at once.
#[test]
fn diagnosis_names_the_cause_first() {
    use super::diagnose::diagnose;
    const EP: &str = "c663660fa854584c16a4ead8359f8cfb.eu-west-1.aws.found.io";
    let creds = || {
        Some(RemoteInfo {
            cluster_credentials: Some("::es_redacted::".into()),
            ..Default::default()
        })
    };
    let plain = || Some(RemoteInfo::default());
    struct Row {
        addr: String,
        server_name: Option<&'static str>,
        info: Option<RemoteInfo>,
        error: Option<&'static str>,
        resolved: bool,
        local: &'static str,
        remote: Option<&'static str>,
        cause: &'static str,
        first: &'static str,
        permanent: bool,
    }
    let row = |port: u16, info, error, cause, first, permanent| Row {
        addr: format!("{EP}:{port}"),
        server_name: Some(EP),
        info,
        error,
        resolved: true,
        local: "9.1.0",
        remote: None,
        cause,
        first,
        permanent,
    };
    let too_old = "handshake with [{i}{n}{h}] failed: remote node version [8.18.0] is incompatible with local node version [9.1.0]";
    let mut rows = vec![
        Row {
            addr: "nowhere.example.com:9400".into(),
            server_name: Some("nowhere.example.com"),
            ..row(
                9400,
                plain(),
                None,
                "unreachable",
                "Remote cluster unreachable: nothing answered at nowhere.example.com:9400",
                false,
            )
        },
        Row {
            server_name: Some("0123456789abcdef0123456789abcdef.eu-west-1.aws.found.io"),
            ..row(
                9400,
                plain(),
                None,
                "server_name",
                "server_name \"0123456789abcdef0123456789abcdef.eu-west-1.aws.found.io\" does not match the proxy address host",
                true,
            )
        },
        Row {
            server_name: None,
            ..row(
                9400,
                plain(),
                None,
                "server_name",
                "server_name is not set",
                true,
            )
        },
        row(
            9300,
            plain(),
            None,
            "port",
            "Port 9300 is not served by the Elastic Cloud proxy",
            true,
        ),
        row(
            9400,
            creds(),
            Some(BAD_CERT),
            "port",
            "Wrong port for the security model: credentials are configured",
            false,
        ),
        row(
            9400,
            plain(),
            Some(too_old),
            "remote_too_old",
            "Incompatible versions: the remote cluster at",
            true,
        ),
        Row {
            local: "8.18.0",
            ..row(
                9443,
                plain(),
                Some(
                    "handshake with [x] failed: remote node version [9.1.0] is incompatible with local node version [8.18.0]",
                ),
                "remote_too_new",
                "which is too new for this cluster's 8.18.0",
                true,
            )
        },
        Row {
            local: "7.5.2",
            remote: Some("9.1.0"),
            resolved: false,
            ..row(
                9400,
                plain(),
                None,
                "remote_too_new",
                "Incompatible versions: the remote cluster at",
                true,
            )
        },
        Row {
            local: "8.12.2",
            ..row(
                9443,
                creds(),
                Some(
                    "all nodes must have version [8.10.0] or higher to support cross cluster requests through the dedicated remote cluster port",
                ),
                "api_key_model_version",
                "API-key model not supported by the remote",
                true,
            )
        },
        Row {
            local: "8.9.0",
            resolved: false,
            ..row(
                9443,
                plain(),
                None,
                "api_key_model_version",
                "API-key model not supported by this cluster: Elasticsearch 8.9.0",
                true,
            )
        },
        row(
            9443,
            plain(),
            Some(NO_HEADER),
            "credentials_missing",
            "No API-key credentials for \"r\"",
            false,
        ),
        Row {
            local: "8.12.2",
            resolved: false,
            ..row(
                9443,
                plain(),
                None,
                "credentials_not_loaded",
                "Credentials for \"r\" not loaded",
                false,
            )
        },
        row(
            9443,
            creds(),
            Some(
                "unable to authenticate user [k9] for action [cluster:internal/remote_cluster/handshake]",
            ),
            "key_rejected",
            "API key rejected: the remote cluster at",
            false,
        ),
        row(
            9443,
            creds(),
            Some(
                "authentication expected API key type of [cross_cluster], but API key [k9] has type [rest]",
            ),
            "rest_key",
            "Wrong kind of API key: cluster.remote.r.credentials holds the REST API key [k9]",
            true,
        ),
        row(
            9400,
            plain(),
            Some(PKIX),
            "local_trust",
            "Trust missing on this side: Certificate model: this (local) cluster does not trust",
            false,
        ),
        row(
            9400,
            plain(),
            Some(BAD_CERT),
            "remote_trust",
            "Trust missing on the remote side: Certificate model: the remote cluster at",
            false,
        ),
    ];
    for r in rows.drain(..) {
        let mut m = model(Mode::Proxy);
        m.proxy_address = Some(r.addr.clone());
        m.server_name = r.server_name.map(str::to_string);
        let obs = Observation {
            info: r.info,
            resolve_error: r.error.map(str::to_string),
            resolved: r.resolved,
            local_version: Version::parse(r.local),
            remote_version: r.remote.and_then(Version::parse),
            ..Default::default()
        };
        let (cause, line) = diagnose(&m, &obs).unwrap_or_else(|| panic!("{}: no cause", r.cause));
        assert_eq!(cause.name(), r.cause, "{line}");
        assert!(line.contains(r.first), "{}: {line}", r.cause);
        assert_eq!(cause.permanent(), r.permanent, "{}", r.cause);
        let d = not_connected_diagnostic(&m, &obs, Duration::from_secs(3));
        assert!(d.detail.starts_with(&line), "{}: {}", r.cause, d.detail);
        assert!(!d.detail.contains("::es_redacted::"));
    }
    // Before 8.13 with nothing to go on: no cause, and the general advice.
    let obs = Observation {
        info: Some(RemoteInfo::default()),
        local_version: Version::parse("8.12.2"),
        ..Default::default()
    };
    let mut m = model(Mode::Proxy);
    m.proxy_address = Some(format!("{EP}:9400"));
    m.server_name = Some(EP.into());
    assert!(diagnose(&m, &obs).is_none());
    // Sniff without a proxy towards Cloud.
    let mut s = model(Mode::Sniff);
    s.legacy_proxy = None;
    s.seeds = Some(vec![format!("{EP}:9300")]);
    let (c, line) = diagnose(&s, &obs).unwrap();
    assert_eq!(c.name(), "unreachable");
    assert!(line.contains("sniff mode dials the seed nodes"), "{line}");
}

#[test]
fn version_gate_only_for_incompatible_known_versions() {
    use super::diagnose::version_gate;
    let mut m = model(Mode::Sniff);
    m.legacy_proxy = Some("abc.found.io:9400".into());
    let v = |s: &str| Version::parse(s).unwrap();
    assert!(version_gate(&m, &v("7.5.2"), None).is_none());
    assert!(version_gate(&m, &v("7.5.2"), Some(&v("7.6.2"))).is_none());
    let d = version_gate(&m, &v("7.5.2"), Some(&v("9.1.0"))).unwrap();
    assert!(
        d.detail.starts_with("Incompatible versions:"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("too new"), "{}", d.detail);
    assert_eq!(
        d.path.map(|p| p.to_string()).as_deref(),
        Some("legacy_proxy")
    );
}

#[test]
fn strong_identity_texts_are_classified() {
    use super::diagnose::{Cause, classify_error};
    assert_eq!(
        classify_error(
            "API key (type:[cross_cluster], id:[k9]) requires certificate identity matching [CN=.*], but no certificate was provided"
        ),
        Some(Cause::SigningMissing {
            key_id: "k9".into(),
            pattern: "CN=.*".into()
        })
    );
    assert_eq!(
        classify_error(
            "DN from provided certificate [CN=n1.node.c1.cluster.o1] does not match API Key certificate identity pattern [CN=.*\\.node\\.c2\\..*]"
        ),
        Some(Cause::SigningIdentity {
            dn: "CN=n1.node.c1.cluster.o1".into(),
            pattern: "CN=.*\\.node\\.c2\\..*".into()
        })
    );
    for text in [
        "Failed to verify cross cluster api key signature certificate from [(CN=a;X.509;SHA1:00)]",
        "Invalid cross cluster api key signature from [(CN=a;X.509;SHA1:00)]",
    ] {
        assert_eq!(
            classify_error(text),
            Some(Cause::SigningUntrusted),
            "{text}"
        );
        assert!(!Cause::SigningUntrusted.permanent());
    }
}

#[test]
fn api_key_connection_closed_without_error_names_the_remote_cluster_filter() {
    use super::diagnose::diagnose;
    let mut m = model(Mode::Proxy);
    m.proxy_address = Some("abc.found.io:9443".into());
    m.server_name = Some("abc.found.io".into());
    let creds = Some(RemoteInfo {
        cluster_credentials: Some("::es_redacted::".into()),
        ..Default::default()
    });
    let local = "0123456789abcdef0123456789abcdef";
    let obs = Observation {
        info: creds.clone(),
        resolved: true,
        local_version: Version::parse("9.1.0"),
        local_cluster_name: Some(local.into()),
        ..Default::default()
    };
    let (cause, line) = diagnose(&m, &obs).unwrap();
    assert_eq!(cause.name(), "traffic_filter");
    assert!(!cause.permanent(), "a filter may be added while waiting");
    assert!(
        line.contains("crosscluster_remote_cluster_filter"),
        "{line}"
    );
    assert!(line.contains(local), "{line}");
    // Without credentials it stays the credentials cause; off Cloud it stays unreachable.
    let no_creds = Observation {
        info: Some(RemoteInfo::default()),
        ..obs.clone()
    };
    assert_eq!(
        diagnose(&m, &no_creds).unwrap().0.name(),
        "credentials_missing"
    );
    m.proxy_address = Some("es.example.com:9443".into());
    m.server_name = None;
    assert_eq!(diagnose(&m, &obs).unwrap().0.name(), "unreachable");
}
