//! Unit tests of `crosscluster_signing_trust`: the owned setting.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::Known;
use crate::framework::value::Value;

use super::model::{ID, TrustModel, from_settings, to_settings};

#[test]
fn writes_and_reads_only_its_setting() {
    let m = TrustModel {
        id: Known::Unknown,
        certificate_authorities: Known::Value(vec![Known::Value("internal_tls_ca.crt".into())]),
    };
    assert_eq!(
        Json::Object(to_settings(&m).unwrap()),
        json!({"cluster.remote.signing.certificate_authorities": ["internal_tls_ca.crt"]})
    );
    let mut s: BTreeMap<String, Json> = BTreeMap::new();
    s.insert(
        "cluster.remote.eu.signing.certificate".into(),
        json!("node.crt"),
    );
    assert_eq!(from_settings(&s), None);
    s.insert(
        "cluster.remote.signing.certificate_authorities".into(),
        json!("a.crt, b.crt"),
    );
    let back = from_settings(&s).unwrap();
    assert_eq!(back.id, Known::Value(ID.into()));
    assert_eq!(
        back.certificate_authorities,
        Known::Value(vec![
            Known::Value("a.crt".into()),
            Known::Value("b.crt".into())
        ])
    );
}

#[test]
fn each_path_is_checked_with_its_index() {
    let block = super::schema::schema().block;
    let mut diags = Diagnostics::new();
    let v = Value::object([
        ("id", Value::Null),
        (
            "certificate_authorities",
            Value::List(vec![
                Value::String("ok.crt".into()),
                Value::String(String::new()),
            ]),
        ),
    ]);
    block.validate(&v, &AttributePath::root(), &mut diags);
    assert_eq!(diags.len(), 1, "{diags}");
    let path = diags
        .iter()
        .next()
        .and_then(|d| d.path.as_ref())
        .map(|p| p.to_string());
    assert_eq!(path.as_deref(), Some("certificate_authorities[1]"));
}
