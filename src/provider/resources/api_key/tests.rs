//! Unit tests of `crosscluster_api_key`: validation, the conversions between the model and the
//! API bodies, and the error explanations.

use serde_json::{Value as Json, json};

use crate::client::ClientError;
use crate::client::elasticsearch::{
    ApiKeyInfo, CrossClusterAccess, FieldSecurity, ReplicationAccess, SearchAccess,
};
use crate::framework::decode::{opt_string_value, set_attr, string_list_value};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, from_value, to_value};
use crate::framework::value::Value;

use super::model::{self, AccessModel, KeySpec, access_equal, rfc3339_ms};
use super::schema::schema;
use super::validate::{check_expiration, create_error};

fn needs_restart(version: Option<&str>) -> bool {
    model::restart_after_delivery(version)
}

/// [`model::json_attr`] on plain values.
fn json_attr(api: Option<&Json>, prior: &Value) -> Value {
    let prior: Known<String> = from_value(prior).unwrap();
    to_value(
        &model::json_attr(api, &prior),
        &crate::framework::value::Type::String,
    )
    .unwrap()
}

fn access_type() -> crate::framework::value::Type {
    schema()
        .block
        .get_block("access")
        .unwrap()
        .block
        .object_type()
}

/// [`model::access_from_api`] on plain values.
fn access_to_value(api: &CrossClusterAccess, prior: &Value) -> Value {
    let prior: Known<AccessModel> = from_value(prior).unwrap();
    to_value(&model::access_from_api(api, &prior), &access_type()).unwrap()
}

/// [`model::access_to_api`] on a plain value.
fn access_from_value(v: &Value) -> CrossClusterAccess {
    model::access_to_api(&from_value(v).unwrap()).unwrap()
}

fn block_value(search: Vec<Value>, replication: Vec<Value>) -> Value {
    Value::object([
        ("search", Value::List(search)),
        ("replication", Value::List(replication)),
    ])
}

fn search_value(names: &[&str], query: Option<&str>) -> Value {
    Value::object([
        ("names", string_list_value(names.iter().copied())),
        ("query", opt_string_value(query)),
        ("allow_restricted_indices", Value::Bool(false)),
        ("field_security", Value::Null),
    ])
}

#[test]
fn expiration_values() {
    for (s, ok) in [
        ("30d", true),
        ("12h", true),
        ("90m", true),
        ("1ms", true),
        ("0d", false),
        ("d", false),
        ("30", false),
        ("30days", false),
        ("1.5h", false),
        ("-1d", false),
    ] {
        assert_eq!(check_expiration(s).is_ok(), ok, "{s}");
    }
}

#[test]
fn json_attr_keeps_prior_spelling_and_maps_empty() {
    let cases: Vec<(Option<Json>, Value, Value)> = vec![
        // same JSON, other spelling: keep the prior text
        (
            Some(json!({"b": 1, "a": [1, 2]})),
            Value::String("{ \"a\": [1,2], \"b\": 1 }".into()),
            Value::String("{ \"a\": [1,2], \"b\": 1 }".into()),
        ),
        // changed: canonical text (sorted keys)
        (
            Some(json!({"b": 2, "a": 1})),
            Value::String("{\"a\":1}".into()),
            Value::String("{\"a\":1,\"b\":2}".into()),
        ),
        // empty object and no prior: null
        (Some(json!({})), Value::Null, Value::Null),
        (None, Value::Null, Value::Null),
        // prior "{}" and nothing from the API: keep
        (None, Value::String("{}".into()), Value::String("{}".into())),
        // query given as a JSON string by the API
        (
            Some(json!("{\"match_all\":{}}")),
            Value::String("{\"match_all\": {}}".into()),
            Value::String("{\"match_all\": {}}".into()),
        ),
        // appeared outside Terraform
        (
            Some(json!({"team": "x"})),
            Value::Null,
            Value::String("{\"team\":\"x\"}".into()),
        ),
    ];
    for (api, prior, want) in cases {
        assert_eq!(json_attr(api.as_ref(), &prior), want, "{api:?} {prior:?}");
    }
}

#[test]
fn access_round_trip_through_values() {
    let prior = block_value(
        vec![search_value(&["logs-*"], Some("{\"term\": {\"a\": 1}}"))],
        vec![],
    );
    let api = CrossClusterAccess {
        search: vec![SearchAccess {
            names: vec!["logs-*".into()],
            query: Some(json!({"term": {"a": 1}})),
            field_security: None,
            allow_restricted_indices: Some(false),
        }],
        replication: vec![ReplicationAccess {
            names: vec!["archive-*".into()],
            allow_restricted_indices: Some(false),
        }],
    };
    let v = access_to_value(&api, &prior);
    let search = v.get_attr("search").and_then(Value::elements).unwrap();
    assert_eq!(search.len(), 1);
    assert_eq!(
        search[0].get_attr("query").and_then(Value::as_str),
        Some("{\"term\": {\"a\": 1}}")
    );
    let rep = v.get_attr("replication").and_then(Value::elements).unwrap();
    assert_eq!(rep.len(), 1);
    // and back to the API body
    let back = access_from_value(&v);
    assert!(access_equal(&back, &api));
    assert_eq!(back.search[0].query, Some(json!({"term": {"a": 1}})));
}

#[test]
fn field_security_nulls_survive() {
    let mut prior_s = search_value(&["a"], None);
    prior_s = set_attr(
        prior_s,
        "field_security",
        Value::object([
            ("grant", string_list_value(["f1"])),
            ("except", Value::Null),
        ]),
    );
    let prior = block_value(vec![prior_s], vec![]);
    let api = CrossClusterAccess {
        search: vec![SearchAccess {
            names: vec!["a".into()],
            query: None,
            field_security: Some(FieldSecurity {
                grant: Some(vec!["f1".into()]),
                except: Some(vec![]),
            }),
            allow_restricted_indices: None,
        }],
        replication: vec![],
    };
    let v = access_to_value(&api, &prior);
    let fs = v.get_attr("search").and_then(Value::elements).unwrap()[0]
        .get_attr("field_security")
        .cloned()
        .unwrap();
    assert_eq!(fs.get_attr("except"), Some(&Value::Null));
    assert_eq!(fs.get_attr("grant"), Some(&string_list_value(["f1"])));
}

fn model(access: CrossClusterAccess, exp: Option<&str>, meta: Option<Json>) -> KeySpec {
    KeySpec {
        name: "k".into(),
        access,
        expiration: exp.map(str::to_string),
        metadata: meta,
        keystore: None,
        certificate_identity: None,
    }
}

#[test]
fn update_body_sends_only_what_changed() {
    let a = CrossClusterAccess {
        search: vec![SearchAccess {
            names: vec!["a".into()],
            ..Default::default()
        }],
        replication: vec![],
    };
    let mut b = a.clone();
    b.search[0].names.push("b".into());
    let base = model(a.clone(), Some("30d"), Some(json!({"x": 1})));
    // nothing changed
    assert!(base.update_body(&base).is_none());
    // access changed: expiration not resent, metadata always sent
    let body = model(b.clone(), Some("30d"), Some(json!({"x": 1})))
        .update_body(&base)
        .unwrap();
    assert_eq!(body.access, b);
    assert_eq!(body.expiration, None);
    assert_eq!(body.metadata, Some(json!({"x": 1})));
    // expiration changed
    let body = model(a.clone(), Some("60d"), Some(json!({"x": 1})))
        .update_body(&base)
        .unwrap();
    assert_eq!(body.expiration.as_deref(), Some("60d"));
    // metadata removed: sent as {}
    let body = model(a.clone(), Some("30d"), None)
        .update_body(&base)
        .unwrap();
    assert_eq!(body.metadata, Some(json!({})));
    // allow_restricted_indices false vs unset is no change
    let mut c = a.clone();
    c.search[0].allow_restricted_indices = Some(false);
    assert!(
        model(c, Some("30d"), Some(json!({"x": 1})))
            .update_body(&base)
            .is_none()
    );
}

#[test]
fn restart_only_before_8_14() {
    for (v, want) in [
        (Some("8.13.4"), true),
        (Some("8.12.2"), true),
        (Some("8.14.0"), false),
        (Some("9.1.0"), false),
        (None, false),
    ] {
        assert_eq!(needs_restart(v), want, "{v:?}");
    }
}

#[test]
fn create_errors_explain() {
    let gate = ClientError::VersionGate {
        feature: "cross-cluster API keys".into(),
        required: "8.10.0".into(),
        actual: "7.5.2".into(),
    };
    let d = create_error(&gate, false);
    assert!(
        d.detail.contains("8.10.0") && d.detail.contains("7.5.2"),
        "{d}"
    );
    let refused = ClientError::Elasticsearch {
        method: "POST".into(),
        path: "/_security/cross_cluster/api_key".into(),
        status: 400,
        cause: Some(Box::new(crate::client::error::EsErrorCause {
            error_type: "illegal_argument_exception".into(),
            reason: "authentication via API key not supported: An API key cannot be used to create a cross-cluster API key".into(),
            ..Default::default()
        })),
        attempts: None,
    };
    for auth in [true, false] {
        let d = create_error(&refused, auth);
        assert!(
            d.detail
                .contains("authentication via API key not supported")
        );
        assert!(d.detail.contains("bearer_token"), "{d}");
    }
}

#[test]
fn timestamps_are_rfc3339() {
    assert_eq!(
        rfc3339_ms(1_548_551_550_158).as_deref(),
        Some("2019-01-27T01:12:30.158Z")
    );
}

fn first_path(diags: &Diagnostics) -> Option<String> {
    diags.iter().next()?.path.as_ref().map(|p| p.to_string())
}

#[test]
fn access_validator_reports_path() {
    let block = schema().block;
    let nb = block.get_block("access").unwrap();
    let mut diags = Diagnostics::new();
    nb.block.validate(
        &block_value(vec![], vec![]),
        &AttributePath::root().attr("access"),
        &mut diags,
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(first_path(&diags).as_deref(), Some("access"));
    let mut diags = Diagnostics::new();
    nb.block.validate(
        &block_value(
            vec![],
            vec![Value::object([("names", string_list_value(["a"]))])],
        ),
        &AttributePath::root().attr("access"),
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags}");
    let mut diags = Diagnostics::new();
    nb.block.validate(
        &block_value(
            vec![search_value(&["a"], Some("{}"))],
            vec![Value::object([("names", string_list_value(["b"]))])],
        ),
        &AttributePath::root().attr("access"),
        &mut diags,
    );
    assert_eq!(diags.len(), 1, "{diags}");
    assert_eq!(
        first_path(&diags).as_deref(),
        Some("access.search[0].query")
    );
}

#[test]
fn model_round_trips_a_state_and_hides_the_secrets() {
    use super::model::ApiKeyModel;
    use crate::framework::model::Model;
    let mut state = schema().block.empty_value();
    for (k, v) in [
        ("id", Value::string("key-1")),
        ("name", Value::string("k")),
        ("expiration", Value::string("30d")),
        ("encoded", Value::string("encoded-secret")),
        ("api_key", Value::string("api-key-secret")),
        (
            "access",
            block_value(
                vec![search_value(&["logs-*"], Some("{\"match_all\":{}}"))],
                vec![Value::object([("names", string_list_value(["a"]))])],
            ),
        ),
        (
            "keystore",
            Value::object([
                (
                    "deployment_id",
                    Value::string("0123456789abcdef0123456789abcdef"),
                ),
                ("ref_id", Value::unknown()),
                ("alias", Value::string("r")),
            ]),
        ),
    ] {
        state = set_attr(state, k, v);
    }
    let m = ApiKeyModel::from_value(&state).unwrap();
    assert!(m.keystore.value().is_some_and(|k| k.ref_id.is_unknown()));
    assert_eq!(m.to_value().unwrap(), state);
    let debug = format!("{m:?}");
    assert!(!debug.contains("encoded-secret") && !debug.contains("api-key-secret"));
    let spec = KeySpec::from_model(&m).unwrap();
    assert_eq!(spec.access.search[0].query, Some(json!({"match_all": {}})));
    assert_eq!(spec.keystore.map(|k| k.ref_id), Some(None));
}

#[test]
fn sealed_delivery_records_its_slot_out_of_sight() {
    let spec = |metadata: Option<Json>, sealed: bool| KeySpec {
        name: "k".into(),
        access: Default::default(),
        expiration: None,
        metadata,
        keystore: sealed.then(|| model::KeystoreTarget {
            deployment_id: "d".into(),
            ref_id: None,
            alias: "eu".into(),
        }),
        certificate_identity: None,
    };
    // The create and update bodies carry the slot next to the user's metadata...
    let body = spec(Some(json!({"team": "a"})), true).create_body();
    assert_eq!(
        body.metadata,
        Some(json!({"team": "a", model::SLOT_KEY: "d/eu"}))
    );
    assert_eq!(model::recorded_slot(body.metadata.as_ref()), Some("d/eu"));
    let update = spec(None, true)
        .update_body(&spec(Some(json!({"team": "a"})), true))
        .unwrap();
    assert_eq!(update.metadata, Some(json!({model::SLOT_KEY: "d/eu"})));
    // ...a plain key's do not...
    assert_eq!(spec(None, false).create_body().metadata, None);
    // ...and the state shows the user's metadata only.
    let key: ApiKeyInfo = serde_json::from_value(json!({
        "id": "i", "name": "k", "invalidated": false,
        "metadata": {"team": "a", model::SLOT_KEY: "d/eu", model::MARKER_KEY: "0123abcd"}
    }))
    .unwrap();
    let prior = model::ApiKeyModel {
        metadata: Known::Value("{\"team\":\"a\"}".into()),
        ..Default::default()
    };
    let state = model::state_from_api(&key, &prior);
    assert_eq!(state.metadata, Known::Value("{\"team\":\"a\"}".into()));
    let bare = model::ApiKeyModel::default();
    let key_only_slot: ApiKeyInfo = serde_json::from_value(json!({
        "id": "i", "name": "k", "invalidated": false,
        "metadata": {model::SLOT_KEY: "d/eu", model::MARKER_KEY: "0123abcd"}
    }))
    .unwrap();
    assert_eq!(
        model::state_from_api(&key_only_slot, &bare).metadata,
        Known::Null
    );
}

#[test]
fn certificate_identity_patterns() {
    use super::validate::check_identity;
    for ok in [
        "CN=instance",
        "^CN=instance$",
        "(?i)^CN=instance$",
        "^CN=[A-Za-z0-9_]+$",
        "CN=.*\\.node\\.abc\\.cluster\\..*",
        "CN=[(]x",
    ] {
        assert!(check_identity(ok).is_ok(), "{ok}");
    }
    for bad in ["", "CN=(x", "CN=x)", "CN=[x", "CN=x\\"] {
        let e = check_identity(bad).unwrap_err();
        assert!(e.contains("certificate_identity"), "{bad}: {e}");
    }
}

#[test]
fn certificate_identity_in_bodies_and_state() {
    let access = CrossClusterAccess {
        search: vec![SearchAccess {
            names: vec!["logs-*".into()],
            ..Default::default()
        }],
        ..Default::default()
    };
    let with = |i: Option<&str>| KeySpec {
        certificate_identity: i.map(str::to_string),
        ..model(access.clone(), None, None)
    };
    assert_eq!(
        with(Some("CN=a"))
            .create_body()
            .certificate_identity
            .as_deref(),
        Some("CN=a")
    );
    // Unchanged: no update at all; changed: replaced; removed: an explicit null.
    assert!(
        with(Some("CN=a"))
            .update_body(&with(Some("CN=a")))
            .is_none()
    );
    let body = with(Some("CN=b")).update_body(&with(Some("CN=a"))).unwrap();
    assert_eq!(body.certificate_identity, Some(Some("CN=b".into())));
    let body = with(None).update_body(&with(Some("CN=a"))).unwrap();
    assert_eq!(body.certificate_identity, Some(None));
    assert_eq!(
        serde_json::to_value(&body).unwrap()["certificate_identity"],
        Json::Null
    );
    let body = with(Some("CN=a"))
        .update_body(&model(access.clone(), None, Some(json!({"x": 1}))))
        .unwrap();
    assert_eq!(body.certificate_identity, Some(Some("CN=a".into())));
    // Read back: the API's value over the prior one (drift shows).
    let key = ApiKeyInfo {
        id: "k1".into(),
        name: "k".into(),
        certificate_identity: Some("CN=outside".into()),
        ..Default::default()
    };
    let prior = model::ApiKeyModel {
        certificate_identity: Known::Value("CN=a".into()),
        ..Default::default()
    };
    let state = model::state_from_api(&key, &prior);
    assert_eq!(
        state.certificate_identity,
        Known::Value("CN=outside".into())
    );
    let cleared = model::state_from_api(
        &ApiKeyInfo {
            certificate_identity: None,
            ..key
        },
        &prior,
    );
    assert_eq!(cleared.certificate_identity, Known::Null);
}

#[test]
fn identity_gate_points_at_certificate_identity() {
    let err = crate::client::elasticsearch::Feature::CertificateIdentity
        .check(&crate::client::elasticsearch::Version::new(9, 1, 0))
        .unwrap_err();
    let d = create_error(&err, false);
    assert_eq!(
        d.path.as_ref().map(ToString::to_string).as_deref(),
        Some("certificate_identity")
    );
    assert!(
        d.detail.contains("9.1.0") && d.detail.contains("9.3.0"),
        "{}",
        d.detail
    );
}
