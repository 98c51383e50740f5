//! Table tests of the pure parts of `crosscluster_remote_cluster_filter`.

use serde_json::json;

use crate::client::cloud::TrafficFilterRuleset;
use crate::framework::model::Known;

use super::model::{RemoteClusterFilterModel, RuleModel, from_api, parse_import_id, to_request};
use super::validate::{ConfigModel, ConfigRule, validate};

fn rule(org: Option<&str>, cluster: Option<&str>) -> RuleModel {
    RuleModel {
        organization_id: org.map(str::to_string),
        cluster_id: cluster.map(str::to_string),
        description: None,
    }
}

#[test]
fn request_body_is_a_remote_cluster_ruleset_never_included_by_default() {
    let m = RemoteClusterFilterModel {
        deployment_id: Some("a".repeat(32)),
        name: Some("from-local".into()),
        description: Some(String::new()),
        rule: vec![
            rule(Some("1000000001"), None),
            rule(None, Some(&"b".repeat(32))),
        ],
        ..Default::default()
    };
    let body = serde_json::to_value(to_request(&m, "eu-west-1")).unwrap();
    assert_eq!(
        body,
        json!({"name": "from-local", "type": "remote_cluster", "region": "eu-west-1",
               "include_by_default": false,
               "rules": [{"remote_cluster_id": "b".repeat(32)}, {"remote_cluster_org_id": "1000000001"}]})
    );
}

#[test]
fn read_maps_empty_strings_to_null_and_drops_the_deployment_when_not_associated() {
    let r: TrafficFilterRuleset = serde_json::from_value(json!({
        "id": "rs1", "name": "n", "type": "remote_cluster", "region": "eu-west-1",
        "include_by_default": false, "description": "",
        "rules": [{"id": "r1", "remote_cluster_org_id": "1000000001", "remote_cluster_id": "", "description": ""}],
        "associations": [{"entity_type": "deployment", "id": "dep-a"}]
    }))
    .unwrap();
    let m = from_api(&r, "dep-a");
    assert_eq!(m.deployment_id.as_deref(), Some("dep-a"));
    assert_eq!(m.description, None);
    assert_eq!(m.rule, vec![rule(Some("1000000001"), None)]);
    assert_eq!(m.ruleset_id, Known::Value("rs1".into()));
    assert_eq!(m.id, Known::Value("dep-a/rs1".into()));
    let drifted = from_api(&r, "dep-b");
    assert_eq!(
        drifted.deployment_id, None,
        "no association: the next plan replaces"
    );
    // `rules: null` and no associations key read as empty.
    let bare: TrafficFilterRuleset = serde_json::from_value(json!({
        "id": "rs2", "name": "n", "type": "remote_cluster", "region": "r", "rules": null
    }))
    .unwrap();
    assert!(from_api(&bare, "x").rule.is_empty());
}

#[test]
fn import_ids() {
    let dep = "0123456789abcdef0123456789abcdef";
    for (id, ok) in [
        (format!("{dep}/rs1"), true),
        (format!("{dep}/"), false),
        ("rs1".to_string(), false),
        (format!("{}/rs1", dep.to_uppercase()), false),
        (format!("{dep}/a/b"), false),
    ] {
        assert_eq!(parse_import_id(&id).is_some(), ok, "{id}");
    }
}

#[test]
fn every_rule_needs_a_source() {
    let c = |o: Known<String>, k: Known<String>| ConfigModel {
        rule: Known::Value(vec![ConfigRule {
            organization_id: o,
            cluster_id: k,
        }]),
    };
    let v = |s: &str| Known::Value(s.to_string());
    assert!(!validate(&c(v("1"), Known::Null)).has_errors());
    assert!(!validate(&c(Known::Null, v("x"))).has_errors());
    assert!(
        !validate(&c(Known::Unknown, Known::Null)).has_errors(),
        "unknown: checked at apply"
    );
    let d = validate(&c(Known::Null, Known::Null));
    assert!(d.has_errors());
    assert!(format!("{d:?}").contains("rule.organization_id"));
}

#[test]
fn a_lost_create_is_told_by_what_appeared() {
    use super::model::landed;
    use crate::client::cloud::TrafficFilterRuleset;
    let rs = |id: &str, name: &str, kind: &str| -> TrafficFilterRuleset {
        serde_json::from_value(
            serde_json::json!({"id": id, "name": name, "type": kind, "region": "r"}),
        )
        .unwrap()
    };
    let before: std::collections::BTreeSet<String> = ["old".to_string()].into();
    let after = vec![
        rs("old", "mine", "remote_cluster"),
        rs("new", "mine", "remote_cluster"),
        rs("ip", "mine", "ip"),
        rs("other", "theirs", "remote_cluster"),
    ];
    // (name, ids found): only new rulesets of our name and type count.
    for (name, want) in [
        ("mine", vec!["new"]),
        ("theirs", vec!["other"]),
        ("none", vec![]),
    ] {
        let got: Vec<&str> = landed(&before, &after, name)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(got, want, "{name}");
    }
}
