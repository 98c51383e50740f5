//! Unit tests of the Elasticsearch payload functions and the client.

use super::*;

#[test]
fn version_parse_and_order() {
    let cases = [
        ("8.14.0", Some((8, 14, 0, None))),
        ("9.1", Some((9, 1, 0, None))),
        ("7", Some((7, 0, 0, None))),
        ("9.1.0-SNAPSHOT", Some((9, 1, 0, Some("SNAPSHOT")))),
        ("", None),
        ("x.1", None),
        ("1.2.3.4", None),
    ];
    for (s, want) in cases {
        let got = Version::parse(s).map(|v| (v.major, v.minor, v.patch, v.pre));
        let want = want.map(|(a, b, c, p)| (a, b, c, p.map(str::to_string)));
        assert_eq!(got, want, "{s}");
    }
    let v = |s| Version::parse(s).unwrap();
    assert!(v("8.9.0") < v("8.10.0"));
    assert!(v("8.14.0-SNAPSHOT") < v("8.14.0"));
    assert!(v("10.0.0") > v("9.99.99"));
    assert_eq!(v("8.14.0").to_string(), "8.14.0");
    assert_eq!(v("9.1.0-rc1").to_string(), "9.1.0-rc1");
    assert!(v("8.15.2").at_least(8, 15));
    assert!(!v("8.14.9").at_least(8, 15));
}

#[test]
fn version_gates_table() {
    let cases = [
        (Feature::ProxyMode, "7.6.2", false),
        (Feature::ProxyMode, "7.7.0", true),
        (Feature::CrossClusterApiKeys, "8.9.1", false),
        (Feature::CrossClusterApiKeys, "8.10.0", true),
        (Feature::RemoteIndices, "8.13.4", false),
        (Feature::RemoteIndices, "8.14.0", true),
        (Feature::KeystoreAutoReload, "8.12.2", false),
        (Feature::ResolveCluster, "8.13.0", true),
        (Feature::RemoteClusterPrivileges, "8.14.3", false),
        (Feature::RemoteClusterPrivileges, "8.15.0-SNAPSHOT", true),
        (Feature::MonitorStats, "8.16.1", false),
        (Feature::MonitorStats, "8.17.0", true),
        (Feature::CertificateIdentity, "9.2.9", false),
        (Feature::CertificateIdentity, "9.3.0", true),
    ];
    for (f, v, ok) in cases {
        let r = f.check(&Version::parse(v).unwrap());
        assert_eq!(r.is_ok(), ok, "{f:?} {v}");
        if let Err(e) = r {
            let msg = e.to_string();
            assert!(msg.contains(&f.min_version().to_string()), "{msg}");
            assert!(msg.contains(v), "{msg}");
        }
    }
    let e = Feature::RemoteClusterPrivileges
        .check(&Version::new(8, 12, 2))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "remote_cluster role privileges requires Elasticsearch 8.15.0 or later, but the cluster runs 8.12.2"
    );
}

#[test]
fn cluster_info_and_serverless() {
    let v = json!({"name":"instance-0","cluster_name":"c1","cluster_uuid":"u1",
        "version":{"number":"8.12.2","build_flavor":"default"},"tagline":"You Know, for Search"});
    let i = parse_cluster_info(&v).unwrap();
    assert_eq!(i.cluster_name, "c1");
    assert_eq!(i.cluster_uuid, "u1");
    assert_eq!(i.version, Version::new(8, 12, 2));
    assert!(i.require(Feature::RemoteIndices).is_err());
    let mut s = i.clone();
    s.build_flavor = "serverless".into();
    assert!(s.require(Feature::RemoteIndices).is_ok());
    assert!(parse_cluster_info(&json!({"version": {}})).is_err());
}

#[test]
fn access_serde() {
    let a: CrossClusterAccess = serde_json::from_value(json!({
        "search": [{"names": "logs*", "query": {"term": {"a": 1}}, "field_security": {"grant": ["*"]}, "allow_restricted_indices": false}],
        "replication": [{"names": ["archive*"]}]
    }))
    .unwrap();
    assert_eq!(a.search[0].names, vec!["logs*".to_string()]);
    assert_eq!(a.replication[0].names, vec!["archive*".to_string()]);
    let out = serde_json::to_value(&a).unwrap();
    assert_eq!(out["search"][0]["names"], json!(["logs*"]));
    assert_eq!(out["search"][0]["field_security"], json!({"grant": ["*"]}));
    assert!(
        out["replication"][0]
            .get("allow_restricted_indices")
            .is_none()
    );
    let only_search = CrossClusterAccess {
        search: vec![SearchAccess {
            names: vec!["x".into()],
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&only_search).unwrap(),
        json!({"search": [{"names": ["x"]}]})
    );
    let created: CreatedApiKey = serde_json::from_value(json!({
        "id": "id1", "name": "k", "api_key": "sekret-part", "encoded": "ZW5jb2RlZC1zZWNyZXQ="
    }))
    .unwrap();
    let dbg = format!("{created:?}");
    assert!(!dbg.contains("sekret-part") && !dbg.contains("ZW5jb2RlZC1zZWNyZXQ="));
    assert_eq!(created.encoded.expose(), "ZW5jb2RlZC1zZWNyZXQ=");
    let upd = UpdateCrossClusterApiKey {
        access: only_search.clone(),
        metadata: Some(json!({"env": "prod"})),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&upd).unwrap(),
        json!({"access": {"search": [{"names": ["x"]}]}, "metadata": {"env": "prod"}})
    );
    // certificate_identity: omitted keeps it, an explicit null clears it.
    let clear = UpdateCrossClusterApiKey {
        access: only_search.clone(),
        certificate_identity: Some(None),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&clear).unwrap(),
        json!({"access": {"search": [{"names": ["x"]}]}, "certificate_identity": null})
    );
}

#[test]
fn api_key_gone() {
    let k = ApiKeyInfo {
        expiration: Some(1000),
        ..Default::default()
    };
    assert!(!k.is_gone(999));
    assert!(k.is_gone(1000));
    let k = ApiKeyInfo {
        invalidated: true,
        ..Default::default()
    };
    assert!(k.is_gone(0));
    assert!(!ApiKeyInfo::default().is_gone(i64::MAX));
}

#[test]
fn flatten_and_remote_settings() {
    let nested = json!({"cluster": {"remote": {
        "a": {"mode": "proxy", "proxy_address": "x:9443", "transport": {"compress": "true"}},
        "ab": {"seeds": ["h:9300"], "mode": "sniff"}
    }}, "indices.recovery.max_bytes_per_sec": "50mb"});
    let flat = flatten_settings(&nested);
    assert_eq!(flat["cluster.remote.a.transport.compress"], json!("true"));
    assert_eq!(flat["cluster.remote.ab.seeds"], json!(["h:9300"]));
    assert_eq!(flat["indices.recovery.max_bytes_per_sec"], json!("50mb"));
    let a = remote_settings_of(&flat, "a");
    assert_eq!(a.len(), 3, "{a:?}");
    assert_eq!(a["mode"], json!("proxy"));
    assert!(!a.contains_key("seeds"), "alias a must not see ab's keys");
    assert_eq!(
        remote_aliases(&flat),
        vec!["a".to_string(), "ab".to_string()]
    );
    let from_flat = flatten_settings(&json!({"cluster.remote.a.mode": "proxy"}));
    assert_eq!(remote_settings_of(&from_flat, "a")["mode"], json!("proxy"));
}

#[test]
fn remote_diff_table() {
    let m = |v: Value| -> BTreeMap<String, Value> {
        v.as_object().unwrap().clone().into_iter().collect()
    };
    let cases = [
        (
            "create",
            json!({}),
            json!({"mode": "proxy", "proxy_address": "h:9443", "skip_unavailable": true}),
            json!({"cluster.remote.r.mode": "proxy", "cluster.remote.r.proxy_address": "h:9443", "cluster.remote.r.skip_unavailable": true}),
        ),
        (
            "no change with string-typed read back",
            json!({"mode": "proxy", "proxy_socket_connections": "18", "skip_unavailable": "true"}),
            json!({"mode": "proxy", "proxy_socket_connections": 18, "skip_unavailable": true}),
            json!({}),
        ),
        (
            "switch proxy to sniff nulls proxy keys",
            json!({"mode": "proxy", "proxy_address": "h:9400", "server_name": "h"}),
            json!({"mode": "sniff", "seeds": ["h:1"], "proxy": "h:9400"}),
            json!({"cluster.remote.r.mode": "sniff", "cluster.remote.r.seeds": ["h:1"], "cluster.remote.r.proxy": "h:9400",
                   "cluster.remote.r.proxy_address": null, "cluster.remote.r.server_name": null}),
        ),
        (
            "delete",
            json!({"mode": "proxy", "proxy_address": "h:9400"}),
            json!({}),
            json!({"cluster.remote.r.mode": null, "cluster.remote.r.proxy_address": null}),
        ),
        (
            "explicit null only for present keys",
            json!({"mode": "proxy"}),
            json!({"mode": "proxy", "server_name": null}),
            json!({}),
        ),
    ];
    for (name, cur, want, body) in cases {
        let got = remote_settings_diff("r", &m(cur), &m(want));
        assert_eq!(Value::Object(got), body, "{name}");
    }
}

#[test]
fn alias_validation() {
    for ok in ["a", "my-remote_1", "A9"] {
        assert!(validate_alias(ok).is_ok(), "{ok}");
    }
    for bad in ["", "a.b", "a*", "a b", "x/y"] {
        assert!(validate_alias(bad).is_err(), "{bad}");
    }
}

#[test]
fn role_serde_and_gates() {
    let role: Role = serde_json::from_value(json!({
        "cluster": ["monitor"],
        "indices": [{"names": ["logs"], "privileges": ["read"], "allow_restricted_indices": false}],
        "remote_indices": [{"clusters": ["r*"], "names": ["logs*"], "privileges": ["read"], "query": "{\"match_all\":{}}"}],
        "remote_cluster": [{"clusters": ["r1"], "privileges": ["monitor_enrich", "monitor_stats"]}],
        "applications": [], "run_as": [], "metadata": {"v": 1}, "transient_metadata": {"enabled": true}
    }))
    .unwrap();
    assert_eq!(role.extra["transient_metadata"], json!({"enabled": true}));
    assert_eq!(
        role_gates(&role),
        vec![
            Feature::RemoteIndices,
            Feature::RemoteClusterPrivileges,
            Feature::MonitorStats
        ]
    );
    let out = serde_json::to_value(&role).unwrap();
    assert_eq!(out["remote_indices"][0]["clusters"], json!(["r*"]));
    assert_eq!(out["metadata"], json!({"v": 1}));
    let plain = Role {
        cluster: vec!["all".into()],
        ..Default::default()
    };
    assert!(role_gates(&plain).is_empty());
    let v = serde_json::to_value(&plain).unwrap();
    assert!(v.get("remote_indices").is_none() && v.get("remote_cluster").is_none());
}

#[test]
fn remote_info_and_reload() {
    let v = json!({"r": {"connected": true, "mode": "proxy", "proxy_address": "h:9443", "server_name": "h",
        "num_proxy_sockets_connected": 18, "max_proxy_socket_connections": 18, "initial_connect_timeout": "30s",
        "skip_unavailable": true, "cluster_credentials": "::es_redacted::"},
        "s": {"connected": false, "mode": "sniff", "seeds": ["a:9300"], "num_nodes_connected": 0,
        "max_connections_per_cluster": 3, "initial_connect_timeout": "30s", "skip_unavailable": false}});
    let m: BTreeMap<String, RemoteInfo> = serde_json::from_value(v).unwrap();
    assert!(m["r"].credentials_configured() && m["r"].connected);
    assert!(!m["s"].credentials_configured());
    assert_eq!(m["s"].seeds, vec!["a:9300".to_string()]);
    let r = parse_reload(
        &json!({"_nodes": {"total": 2, "successful": 2, "failed": 0}, "cluster_name": "c",
        "nodes": {"n1": {"name": "node-1"}, "n2": {"name": "node-2", "reload_exception": {"type": "x", "reason": "bad keystore"}}}}),
    );
    assert_eq!((r.total, r.successful, r.failed), (2, 2, 0));
    assert_eq!(r.failures, vec!["node-2: bad keystore".to_string()]);
}
