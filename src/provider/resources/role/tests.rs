//! Unit tests of the role's model conversions and validation.

use crate::client::elasticsearch::{ClusterInfo, Role, Version};
use crate::framework::decode::set_attr;
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::Model;
use crate::framework::value::Value;

use super::model::{RoleModel, from_api, to_api};
use super::schema::schema;
use super::validate::version_problems;

/// The role body for a planned state value.
fn role_from_value(v: &Value) -> Result<Role, Diagnostics> {
    Ok(to_api(&RoleModel::from_value(v)?))
}

/// The state value for role `name` as read, with `prior` the state value before (or null).
fn to_state(name: &str, role: &Role, prior: &Value) -> Value {
    let prior = match prior {
        Value::Null => None,
        v => Some(RoleModel::from_value(v).unwrap()),
    };
    from_api(name, role, prior.as_ref()).to_value().unwrap()
}

use serde_json::json;

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| s(i)).collect())
}

fn planned() -> Value {
    let mut v = schema().block.empty_value();
    v = set_attr(v, "name", s("ccs"));
    v = set_attr(v, "cluster", Value::Set(vec![s("monitor")]));
    v = set_attr(v, "metadata", s("{ \"team\": \"search\" }"));
    v = set_attr(
        v,
        "indices",
        Value::List(vec![Value::object([
            ("names", strs(&["logs-*"])),
            ("privileges", strs(&["read"])),
            ("query", s("{\"term\": {\"team\": \"a\"}}")),
            ("allow_restricted_indices", Value::Bool(false)),
            (
                "field_security",
                Value::object([("grant", strs(&["*"])), ("except", strs(&["secret"]))]),
            ),
        ])]),
    );
    v = set_attr(
        v,
        "remote_indices",
        Value::List(vec![Value::object([
            ("clusters", strs(&["remote"])),
            ("names", strs(&["logs-*"])),
            ("privileges", strs(&["read", "read_cross_cluster"])),
            ("query", Value::Null),
            ("allow_restricted_indices", Value::Bool(false)),
            ("field_security", Value::Null),
        ])]),
    );
    set_attr(
        v,
        "remote_cluster",
        Value::List(vec![Value::object([
            ("clusters", strs(&["remote"])),
            ("privileges", strs(&["monitor_enrich"])),
        ])]),
    )
}

#[test]
fn body_and_round_trip() {
    let p = planned();
    let role = role_from_value(&p).unwrap();
    let body = serde_json::to_value(&role).unwrap();
    assert_eq!(body["cluster"], json!(["monitor"]));
    assert_eq!(body["metadata"], json!({"team": "search"}));
    assert_eq!(
        body["indices"][0]["query"],
        json!("{\"term\": {\"team\": \"a\"}}")
    );
    assert_eq!(
        body["indices"][0]["field_security"],
        json!({"grant": ["*"], "except": ["secret"]})
    );
    assert_eq!(body["remote_indices"][0]["clusters"], json!(["remote"]));
    assert!(body["remote_indices"][0].get("query").is_none());
    assert_eq!(
        body["remote_cluster"][0]["privileges"],
        json!(["monitor_enrich"])
    );
    // What the server returns (object query, compact metadata, extras) reads back as planned.
    let mut back = body.clone();
    back["indices"][0]["query"] = json!({"term": {"team": "a"}});
    back["applications"] = json!([]);
    back["transient_metadata"] = json!({"enabled": true});
    let back: Role = serde_json::from_value(back).unwrap();
    let mut want = set_attr(p.clone(), "id", s("ccs"));
    want = set_attr(want, "description", Value::Null);
    assert_eq!(to_state("ccs", &back, &p), want);
}

#[test]
fn drift_shows() {
    let p = planned();
    let mut role = role_from_value(&p).unwrap();
    role.remote_indices[0]
        .privileges
        .push("view_index_metadata".into());
    role.metadata = Some(json!({"team": "other"}));
    let st = to_state("ccs", &role, &p);
    assert_eq!(st.get_attr("metadata"), Some(&s("{\"team\":\"other\"}")));
    let ri = &st.get_attr("remote_indices").unwrap().elements().unwrap()[0];
    assert_eq!(
        ri.get_attr("privileges"),
        Some(&strs(&[
            "read",
            "read_cross_cluster",
            "view_index_metadata"
        ]))
    );
}

#[test]
fn import_reads_with_null_prior() {
    let role: Role = serde_json::from_value(json!({
        "cluster": [], "indices": [], "metadata": {}, "run_as": [],
        "remote_cluster": [{"clusters": ["r"], "privileges": ["monitor_enrich"]}]
    }))
    .unwrap();
    let st = to_state("x", &role, &Value::Null);
    assert_eq!(st.get_attr("cluster"), Some(&Value::Null));
    assert_eq!(st.get_attr("metadata"), Some(&Value::Null));
    assert_eq!(st.get_attr("indices"), Some(&Value::List(vec![])));
    assert_eq!(
        st.get_attr("remote_cluster")
            .and_then(Value::elements)
            .map(<[Value]>::len),
        Some(1)
    );
}

fn info(v: &str) -> ClusterInfo {
    ClusterInfo {
        name: "n".into(),
        cluster_name: "c".into(),
        cluster_uuid: "u".into(),
        version: Version::parse(v).unwrap(),
        build_flavor: "default".into(),
    }
}

#[test]
fn version_gates_table() {
    let p = set_attr(planned(), "description", s("d"));
    let cases = [
        (
            "8.12.2",
            vec!["description", "remote_cluster", "remote_indices"],
            "8.15.0",
        ),
        ("8.14.3", vec!["description", "remote_cluster"], "8.15.0"),
        ("8.15.0", vec![], ""),
    ];
    for (v, want, version_text) in cases {
        let d = version_problems(&p, &info(v));
        let mut got: Vec<String> = d
            .iter()
            .filter_map(|d| d.path.as_ref().map(ToString::to_string))
            .collect();
        got.sort();
        assert_eq!(got, want, "{v}: {d}");
        assert!(d.to_string().contains(version_text), "{d}");
    }
    let stats = set_attr(
        planned(),
        "remote_cluster",
        Value::List(vec![Value::object([
            ("clusters", strs(&["r"])),
            ("privileges", strs(&["monitor_stats"])),
        ])]),
    );
    let d = version_problems(&stats, &info("8.16.0"));
    assert_eq!(d.len(), 1);
    assert!(d.to_string().contains("8.17.0"), "{d}");
}

#[test]
fn validators() {
    let block = schema().block;
    let mut v = planned();
    v = set_attr(v, "metadata", s("{\"_reserved\": 1}"));
    v = set_attr(
        v,
        "remote_cluster",
        Value::List(vec![Value::object([
            ("clusters", strs(&["r"])),
            ("privileges", strs(&["monitor_enrich", "all"])),
        ])]),
    );
    let mut d = Diagnostics::new();
    block.validate(&v, &AttributePath::root(), &mut d);
    let mut got: Vec<String> = d
        .iter()
        .filter_map(|d| d.path.as_ref().map(ToString::to_string))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec!["metadata", "remote_cluster[0].privileges[1]"],
        "{d}"
    );
}

/// "Is the existing role exactly what the plan asks for?": the role as Elasticsearch returns
/// it (DLS query as an object, read-only extras) is identical to the plan it was written from;
/// any change of privileges, names, clusters or extra grants is not.
#[test]
fn identical_roles_table() {
    let plan = RoleModel::from_value(&planned()).unwrap();
    let mut written = serde_json::to_value(to_api(&plan)).unwrap();
    // What a GET adds or spells differently.
    written["indices"][0]["query"] = json!({"term": {"team": "a"}});
    written["transient_metadata"] = json!({"enabled": true});
    written["applications"] = json!([]);
    written["run_as"] = json!([]);
    let as_read: Role = serde_json::from_value(written.clone()).unwrap();
    assert!(super::model::is_identical(&as_read, &plan));
    type Edit = fn(&mut serde_json::Value);
    let changes: Vec<(&str, Edit)> = vec![
        ("other cluster privilege", |r| r["cluster"] = json!(["all"])),
        ("other index names", |r| {
            r["indices"][0]["names"] = json!(["other-*"])
        }),
        ("other query", |r| {
            r["indices"][0]["query"] = json!({"match_all": {}})
        }),
        ("restricted indices allowed", |r| {
            r["indices"][0]["allow_restricted_indices"] = json!(true)
        }),
        ("other remote cluster", |r| {
            r["remote_indices"][0]["clusters"] = json!(["other"])
        }),
        ("no remote indices", |r| r["remote_indices"] = json!([])),
        ("run_as granted", |r| r["run_as"] = json!(["admin"])),
        ("other metadata", |r| {
            r["metadata"] = json!({"team": "other"})
        }),
    ];
    for (name, change) in changes {
        let mut v = written.clone();
        change(&mut v);
        let role: Role = serde_json::from_value(v).unwrap();
        assert!(!super::model::is_identical(&role, &plan), "{name}");
    }
}
