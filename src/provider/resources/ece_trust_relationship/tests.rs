//! Table tests of the pure parts of `crosscluster_ece_trust_relationship`.

use serde_json::json;

use crate::client::cloud::TrustRelationship;
use crate::framework::model::Known;

use super::model::{EceTrustRelationshipModel, from_api, to_request};
use super::validate::pem_problem;

#[test]
fn request_and_read_back() {
    let m = EceTrustRelationshipModel {
        name: Some("ESS".into()),
        public_ca_cert: Some("PEM\n".into()),
        account_ids: Some(vec!["2".into(), "1".into()]),
        trust_by_default: Known::Value(true),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(to_request(&m)).unwrap(),
        json!({"name": "ESS", "trust_by_default": true, "account_ids": ["1", "2"], "public_ca_cert": "PEM\n"})
    );
    let t: TrustRelationship = serde_json::from_value(json!({
        "id": "t1", "name": "ESS", "trust_by_default": true, "local": false,
        "account_ids": ["2", "1"], "public_ca_cert": "PEM\r\n", "last_modified": "2022-01-9T14:33:20.465Z"
    }))
    .unwrap();
    let s = from_api(&t, Some(&m));
    assert_eq!(
        s.public_ca_cert.as_deref(),
        Some("PEM\n"),
        "same PEM, configured spelling"
    );
    assert_eq!(s.account_ids, Some(vec!["1".into(), "2".into()]));
    assert_eq!(s.local, Known::Value(false));
    // Import (no prior): an empty account list reads as unset; a missing certificate stays null.
    let bare: TrustRelationship =
        serde_json::from_value(json!({"id": "t2", "name": "x", "account_ids": null})).unwrap();
    let s = from_api(&bare, None);
    assert_eq!(s.account_ids, None);
    assert_eq!(s.public_ca_cert, None);
}

#[test]
fn pem_checks() {
    assert!(pem_problem("hello").is_some());
    assert!(
        pem_problem("-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n").is_some()
    );
    assert!(
        pem_problem("-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n").is_some()
    );
}
