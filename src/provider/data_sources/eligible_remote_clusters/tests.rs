//! Table tests of the `crosscluster_eligible_remote_clusters` conversion, including the untidy
//! shapes real search results have (no metadata, legacy ref_id, 9243, no passthrough port).

use serde_json::{Value as Json, json};

use crate::client::cloud::Deployment;
use crate::framework::model::Model;

use super::model::{Candidate, EligibleModel, candidates};

/// (id, certificate address, API-key address, version).
type Row = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

fn dep(id: &str, info: Json) -> Deployment {
    Deployment {
        raw: json!({"id": id, "name": format!("n-{id}"), "healthy": true,
                    "resources": {"elasticsearch": [{"ref_id": "main-elasticsearch", "region": "eu-west-1", "info": info}]}}),
        version: None,
    }
}

#[test]
fn conversion_table() {
    let full = json!({
        "cluster_id": "c1", "region": "eu-west-1",
        "metadata": {"endpoint": "c1.found.io", "ports": {"https": 443, "transport_passthrough": 9400}},
        "plan_info": {"current": {"plan": {"elasticsearch": {"version": "8.12.2"}}}}
    });
    let rows: Vec<(&str, Vec<Deployment>, Vec<Row>)> = vec![
        ("empty", vec![], vec![]),
        (
            "full, sorted by id, each id once",
            vec![
                dep("bb", full.clone()),
                dep("aa", full.clone()),
                dep("aa", full.clone()),
            ],
            vec![
                (
                    "aa",
                    Some("c1.found.io:9400"),
                    Some("c1.found.io:9443"),
                    Some("8.12.2"),
                ),
                (
                    "bb",
                    Some("c1.found.io:9400"),
                    Some("c1.found.io:9443"),
                    Some("8.12.2"),
                ),
            ],
        ),
        (
            "no metadata: null addresses",
            vec![dep("cc", json!({"cluster_id": "c3"}))],
            vec![("cc", None, None, None)],
        ),
        (
            "null passthrough port: 9400",
            vec![dep(
                "dd",
                json!({"metadata": {"endpoint": "d.found.io", "ports": {"https": 9243, "transport_passthrough": null}}}),
            )],
            vec![("dd", Some("d.found.io:9400"), Some("d.found.io:9443"), None)],
        ),
        (
            "no resources at all",
            vec![Deployment {
                raw: json!({"id": "ee", "name": "e", "resources": {"elasticsearch": null}}),
                version: None,
            }],
            vec![("ee", None, None, None)],
        ),
        (
            "no id: left out",
            vec![Deployment {
                raw: json!({"name": "x"}),
                version: None,
            }],
            vec![],
        ),
    ];
    for (what, input, want) in rows {
        let got: Vec<_> = candidates(&input)
            .into_iter()
            .map(|c: Candidate| {
                (
                    c.id,
                    c.certificate_proxy_address,
                    c.api_key_proxy_address,
                    c.version,
                )
            })
            .collect();
        let want: Vec<_> = want
            .into_iter()
            .map(|(i, a, b, v)| {
                (
                    i.to_string(),
                    a.map(String::from),
                    b.map(String::from),
                    v.map(String::from),
                )
            })
            .collect();
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn state_round_trip() {
    let m = EligibleModel {
        deployment_id: "0123456789abcdef0123456789abcdef".into(),
        ref_id: None,
        ids: Some(vec!["aa".into()]),
        deployments: Some(vec![Candidate {
            id: "aa".into(),
            healthy: Some(true),
            ..Candidate::default()
        }]),
    };
    assert_eq!(
        EligibleModel::from_value(&m.to_value().unwrap()).unwrap(),
        m
    );
}
