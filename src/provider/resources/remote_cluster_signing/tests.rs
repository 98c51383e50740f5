//! Unit tests of `crosscluster_remote_cluster_signing`: the owned settings and the path rule.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use crate::framework::model::Known;

use super::model::{SigningModel, from_settings, owned_nulls, to_settings};
use super::validate::check_path;

fn plan(cert: &str, key: &str) -> SigningModel {
    SigningModel {
        id: Known::Unknown,
        alias: Known::Value("eu".into()),
        certificate: Known::Value(cert.into()),
        key: Known::Value(key.into()),
    }
}

#[test]
fn writes_and_removes_only_its_two_settings() {
    let body = to_settings(&plan("node.crt", "node.key")).unwrap();
    assert_eq!(
        Json::Object(body),
        json!({"cluster.remote.eu.signing.certificate": "node.crt", "cluster.remote.eu.signing.key": "node.key"})
    );
    assert_eq!(
        Json::Object(owned_nulls("eu")),
        json!({"cluster.remote.eu.signing.certificate": null, "cluster.remote.eu.signing.key": null})
    );
    let mut unknown = plan("a", "b");
    unknown.key = Known::Unknown;
    assert!(to_settings(&unknown).is_err());
}

#[test]
fn reads_its_settings_among_others() {
    let mut s: BTreeMap<String, Json> = BTreeMap::new();
    s.insert("cluster.remote.eu.proxy_address".into(), json!("h:9443"));
    assert_eq!(from_settings("eu", &s), None);
    s.insert(
        "cluster.remote.eu.signing.certificate".into(),
        json!("node.crt"),
    );
    s.insert("cluster.remote.other.signing.key".into(), json!("x.key"));
    let m = from_settings("eu", &s).unwrap();
    assert_eq!(m.certificate, Known::Value("node.crt".into()));
    assert_eq!(
        m.key,
        Known::Null,
        "a key removed outside Terraform reads as drift"
    );
    assert_eq!(m.id, Known::Value("eu".into()));
}

#[test]
fn path_rule() {
    for ok in ["node.crt", "/app/config/bundle/signing.key"] {
        assert!(check_path(ok).is_ok(), "{ok}");
    }
    for bad in ["", "  ", " node.crt", "a.crt,b.crt"] {
        assert!(check_path(bad).is_err(), "{bad:?}");
    }
}
