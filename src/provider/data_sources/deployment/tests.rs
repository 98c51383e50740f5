//! Table tests of the `crosscluster_deployment` conversion: addresses, fields and the trust view.

use serde_json::{Value as Json, json};

use crate::client::cloud::Deployment;
use crate::framework::model::Model;
use crate::framework::value::Value;

use super::model::{DeploymentModel, DescribeError, from_api, trust_of};

/// The state value `from_api` gives.
fn to_state(dep: &Deployment, ref_id: Option<&str>) -> Result<Value, DescribeError> {
    from_api(dep, ref_id).map(|m| m.to_value().unwrap())
}

/// The `trust` value of a raw `settings.trust` object.
fn trust_value(trust: &Json) -> Value {
    let settings = serde_json::from_value(trust.clone()).unwrap();
    let m = DeploymentModel {
        trust: Some(trust_of(Some(&settings))),
        ..DeploymentModel::default()
    };
    m.to_value().unwrap().get_attr("trust").cloned().unwrap()
}

fn dep(ports: Json, service_url: Option<&str>) -> Deployment {
    let mut metadata = json!({"endpoint": "abc.eu-west-1.aws.found.io", "ports": ports});
    if let Some(u) = service_url {
        metadata["service_url"] = json!(u);
    }
    Deployment {
        raw: json!({
            "id": "0123456789abcdef0123456789abcdef",
            "name": "local",
            "resources": {"elasticsearch": [{
                "ref_id": "main-elasticsearch", "id": "c0ffee00c0ffee00c0ffee00c0ffee00", "region": "eu-west-1",
                "info": {
                    "cluster_id": "c0ffee00c0ffee00c0ffee00c0ffee00",
                    "metadata": metadata,
                    "plan_info": {"current": {"plan": {"elasticsearch": {"version": "9.1.0"}}}},
                    "settings": {
                        "metadata": {"organization_id": "1000000001"},
                        "trust": {
                            "accounts": [{"account_id": "1000000001", "trust_all": true, "name": "own"}],
                            "external": [{"trust_relationship_id": "r1", "trust_all": false, "trust_allowlist": ["a"]}],
                            "direct": [{"uid": "u1", "name": "sm", "trust_all": false, "additional_node_names": ["n1"],
                                        "certificates": [{"pem": "PEM", "metadata": {"fingerprint": "F"}}]}]
                        }
                    }
                }
            }]}
        }),
        version: Some("3".into()),
    }
}

fn get<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get_attr(k).and_then(Value::as_str)
}

#[test]
fn addresses_and_fields() {
    let cases = [
        (
            json!({"http": 9200, "https": 443, "transport_passthrough": 9400}),
            Some("https://x:443"),
            "abc.eu-west-1.aws.found.io:9400",
            "https://x:443",
        ),
        (
            json!({"https": 9243, "transport_passthrough": 9401}),
            None,
            "abc.eu-west-1.aws.found.io:9401",
            "https://abc.eu-west-1.aws.found.io:9243",
        ),
        (
            json!({}),
            None,
            "abc.eu-west-1.aws.found.io:9400",
            "https://abc.eu-west-1.aws.found.io",
        ),
    ];
    for (ports, url, cert, es_url) in cases {
        let st = to_state(&dep(ports, url), None).unwrap();
        assert_eq!(get(&st, "certificate_proxy_address"), Some(cert));
        assert_eq!(
            get(&st, "api_key_proxy_address"),
            Some("abc.eu-west-1.aws.found.io:9443")
        );
        assert_eq!(get(&st, "elasticsearch_url"), Some(es_url));
        assert_eq!(
            get(&st, "cluster_id"),
            Some("c0ffee00c0ffee00c0ffee00c0ffee00")
        );
        assert_eq!(get(&st, "ref_id"), Some("main-elasticsearch"));
        assert_eq!(get(&st, "organization_id"), Some("1000000001"));
        assert_eq!(get(&st, "version"), Some("9.1.0"));
        assert_eq!(get(&st, "region"), Some("eu-west-1"));
        assert_eq!(get(&st, "name"), Some("local"));
    }
    let d = dep(json!({}), None);
    assert!(matches!(
        to_state(&d, Some("nope")),
        Err(DescribeError::NoResource { .. })
    ));
    assert!(to_state(&d, Some("main-elasticsearch")).is_ok());
}

#[test]
fn trust_view() {
    let st = to_state(&dep(json!({}), None), None).unwrap();
    let t = st.get_attr("trust").unwrap();
    let accounts = t.get_attr("accounts").and_then(Value::elements).unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(get(&accounts[0], "name"), Some("own"));
    assert_eq!(accounts[0].get_attr("trust_all"), Some(&Value::Bool(true)));
    assert_eq!(accounts[0].get_attr("trust_allowlist"), Some(&Value::Null));
    let ext = t.get_attr("external").and_then(Value::elements).unwrap();
    assert_eq!(
        ext[0].get_attr("trust_allowlist"),
        Some(&Value::List(vec![Value::String("a".into())]))
    );
    assert_eq!(ext[0].get_attr("name"), Some(&Value::Null));
    let direct = t.get_attr("direct").and_then(Value::elements).unwrap();
    assert_eq!(get(&direct[0], "uid"), Some("u1"));
    assert_eq!(get(&direct[0], "type"), Some("generic"));
    assert_eq!(
        direct[0].get_attr("certificates"),
        Some(&Value::List(vec![Value::String("PEM".into())]))
    );
    // No trust at all: three empty lists.
    let empty = trust_value(&json!({}));
    assert_eq!(empty.get_attr("direct"), Some(&Value::List(vec![])));
}

#[test]
fn trust_entries_from_the_typed_settings() {
    let cases = [
        // (direct entry, name, type)
        (json!({"uid": "u"}), Value::Null, "generic"),
        (
            json!({"uid": "u", "name": "n", "type": "ECE"}),
            Value::String("n".into()),
            "ECE",
        ),
    ];
    for (entry, name, kind) in cases {
        let t = trust_value(&json!({"direct": [entry]}));
        let direct = t.get_attr("direct").and_then(Value::elements).unwrap();
        assert_eq!(direct[0].get_attr("name"), Some(&name));
        assert_eq!(
            direct[0].get_attr("type").and_then(Value::as_str),
            Some(kind)
        );
        assert_eq!(
            direct[0].get_attr("certificates"),
            Some(&Value::List(vec![]))
        );
        assert_eq!(t.get_attr("accounts"), Some(&Value::List(vec![])));
    }
    // The configuration reads into the same model: id and ref_id, the rest null.
    let config = DeploymentModel {
        id: "0123456789abcdef0123456789abcdef".into(),
        ..DeploymentModel::default()
    }
    .to_value()
    .unwrap();
    let back = DeploymentModel::from_value(&config).unwrap();
    assert_eq!(back.ref_id, None);
    assert_eq!(back.trust, None);
}
