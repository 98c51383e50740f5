//! Unit tests of `crosscluster_deployment_remote_cluster`: ids, the list edit, the state of
//! an entry, validation and the plan's derived values.

use crate::client::cloud::{Changed, RemoteResourceInfo, RemoteResourceRef, RemoteResources};
use crate::framework::decode::set_attr;
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::Model;
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{DeploymentAliasId, IdError, format_alias_id};

use super::model::{self, add_entry, import_state};
use super::schema::schema;
use super::validate::{self, ConfigModel, derive_plan};

// The functions the tests were written against, over plan and state values.

/// Parses `<deployment_id>/<ref_id>/<alias>` or `<deployment_id>/<alias>` with the
/// remote-clusters API's alias rule.
fn parse_id(id: &str) -> Result<DeploymentAliasId, IdError> {
    DeploymentAliasId::parse(id, AliasRule::CloudRemoteClusters)
}

fn state_of(_base: Value, deployment_id: &str, ref_id: &str, entry: &RemoteResourceRef) -> Value {
    model::from_entry(deployment_id, ref_id, entry)
        .to_value()
        .unwrap()
}

fn validate(config: &Value) -> Diagnostics {
    validate::validate(&ConfigModel::from_value(config).unwrap())
}

const DEP: &str = "0123456789abcdef0123456789abcdef";
const REM: &str = "fedcba9876543210fedcba9876543210";

fn entry(alias: &str, dep: &str) -> RemoteResourceRef {
    RemoteResourceRef {
        deployment_id: dep.into(),
        elasticsearch_ref_id: "main-elasticsearch".into(),
        alias: alias.into(),
        skip_unavailable: Some(true),
        ..Default::default()
    }
}

#[test]
fn ids_use_the_remote_clusters_alias_rule() {
    let id = format_alias_id(DEP, "main-elasticsearch", "Other_1");
    assert_eq!(parse_id(&id).unwrap().alias, "Other_1");
    assert!(matches!(
        parse_id(&format!("{DEP}/m/a.b")),
        Err(IdError::Alias(_))
    ));
}

#[test]
fn create_edit_keeps_others_and_refuses_existing_alias() {
    let mut list = RemoteResources {
        resources: vec![entry("keep", REM)],
        ..Default::default()
    };
    let before = serde_json::to_value(&list.resources[0]).unwrap();
    assert_eq!(
        add_entry(&mut list, entry("mine", REM), "x").unwrap(),
        Changed::Yes
    );
    assert_eq!(list.resources.len(), 2);
    assert_eq!(serde_json::to_value(&list.resources[0]).unwrap(), before);
    let err = add_entry(&mut list, entry("keep", DEP), "dep/main/keep").unwrap_err();
    assert!(err.to_string().contains("dep/main/keep"), "{err}");
    assert_eq!(list.resources.len(), 2);
    assert_eq!(list.remove("mine"), Changed::Yes);
    assert_eq!(list.resources.len(), 1);
    assert_eq!(serde_json::to_value(&list.resources[0]).unwrap(), before);
}

#[test]
fn state_maps_info() {
    let mut e = entry("r", REM);
    e.info = Some(RemoteResourceInfo {
        healthy: true,
        connected: false,
        compatible: true,
        trusted: true,
        trusted_back: false,
        ..Default::default()
    });
    let s = state_of(schema().block.empty_value(), DEP, "main-elasticsearch", &e);
    let get = |n: &str| s.get_attr(n).cloned().unwrap();
    assert_eq!(
        get("id"),
        Value::string(format!("{DEP}/main-elasticsearch/r"))
    );
    assert_eq!(get("remote_deployment_id"), Value::string(REM));
    assert_eq!(get("skip_unavailable"), Value::bool(true));
    assert_eq!(get("healthy"), Value::bool(true));
    assert_eq!(get("connected"), Value::bool(false));
    assert_eq!(get("trusted_back"), Value::bool(false));
    e.info = None;
    e.skip_unavailable = None;
    let s = state_of(schema().block.empty_value(), DEP, "m", &e);
    assert_eq!(s.get_attr("connected"), Some(&Value::Null));
    assert_eq!(s.get_attr("skip_unavailable"), Some(&Value::bool(false)));
}

#[test]
fn validation() {
    let s = Value::string;
    let check = |pairs: &[(&str, Value)]| {
        let mut v = schema().block.empty_value();
        for (k, x) in pairs {
            v = set_attr(v, k, x.clone());
        }
        let mut d = Diagnostics::new();
        schema().block.validate(&v, &AttributePath::root(), &mut d);
        d.extend(validate(&v));
        d.iter()
            .map(|x| x.path.clone().map(|p| p.to_string()).unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert!(
        check(&[
            ("deployment_id", s(DEP)),
            ("alias", s("Ok-1")),
            ("remote_deployment_id", s(REM))
        ])
        .is_empty()
    );
    assert_eq!(
        check(&[
            ("deployment_id", s(DEP)),
            ("alias", s("a")),
            ("remote_deployment_id", s(DEP))
        ]),
        vec!["remote_deployment_id"]
    );
    assert_eq!(
        check(&[
            ("deployment_id", s("x")),
            ("alias", s("a:b")),
            ("remote_deployment_id", s("y"))
        ]),
        vec!["deployment_id", "alias", "remote_deployment_id"]
    );
}

#[test]
fn plan_derivation() {
    let s = Value::string;
    let base = schema().block.empty_value();
    let prior = state_of(base.clone(), DEP, "main-elasticsearch", &entry("r", REM));
    let config = set_attr(
        set_attr(set_attr(base, "deployment_id", s(DEP)), "alias", s("r")),
        "remote_deployment_id",
        s(REM),
    );
    // Unchanged: id stays known.
    let mut planned = prior.clone();
    derive_plan(&prior, &config, &mut planned);
    assert_eq!(planned.get_attr("id"), prior.get_attr("id"));
    // Another remote deployment: its default ref_id is resolved again.
    let other = "00000000000000000000000000000001";
    let mut planned = set_attr(prior.clone(), "remote_deployment_id", s(other));
    derive_plan(&prior, &config, &mut planned);
    assert!(!planned.get_attr("remote_ref_id").unwrap().is_known());
    assert!(planned.get_attr("id").unwrap().is_known());
    // Create without ref_id: id unknown.
    let mut planned = set_attr(config.clone(), "ref_id", Value::unknown());
    derive_plan(&Value::Null, &config, &mut planned);
    assert!(!planned.get_attr("id").unwrap().is_known());
}

#[test]
fn import_state_is_the_id_parts() {
    let id = parse_id(&format!("{DEP}/Other_1")).unwrap();
    let want = id.clone().import_state(schema().block.empty_value());
    assert_eq!(import_state(id).to_value().unwrap(), want);
    let id = parse_id(&format!("{DEP}/main/r")).unwrap();
    let want = id.clone().import_state(schema().block.empty_value());
    assert_eq!(import_state(id).to_value().unwrap(), want);
}

#[test]
fn entry_of_the_plan() {
    let plan = model::DeploymentRemoteClusterModel {
        alias: "r".into(),
        remote_deployment_id: Some(REM.into()),
        ..Default::default()
    };
    // Unknown or unset skip_unavailable is written as false.
    let e = plan.to_entry("main-elasticsearch".into());
    assert_eq!(e.skip_unavailable, Some(false));
    assert_eq!((e.deployment_id.as_str(), e.alias.as_str()), (REM, "r"));
    assert_eq!(e.elasticsearch_ref_id, "main-elasticsearch");
}

/// "Is the existing alias exactly what the plan asks for?", and the create edit that adopts it.
#[test]
fn identical_alias_is_adopted_and_a_different_one_refused() {
    let with = |f: fn(&mut RemoteResourceRef)| {
        let mut e = entry("keep", REM);
        f(&mut e);
        e
    };
    let cases: Vec<(&str, RemoteResourceRef, bool)> = vec![
        ("same", entry("keep", REM), true),
        ("other remote deployment", entry("keep", DEP), false),
        (
            "other remote ref_id",
            with(|e| e.elasticsearch_ref_id = "other".into()),
            false,
        ),
        (
            "skip_unavailable differs",
            with(|e| e.skip_unavailable = Some(false)),
            false,
        ),
        (
            "skip_unavailable unset is false",
            with(|e| e.skip_unavailable = None),
            false,
        ),
        ("other alias", entry("other", REM), false),
        (
            "read-only info does not count",
            with(|e| e.info = Some(RemoteResourceInfo::default())),
            true,
        ),
    ];
    let existing = entry("keep", REM);
    for (name, wanted, want) in cases {
        assert_eq!(model::is_identical(&existing, &wanted), want, "{name}");
    }
    let mut unset = entry("keep", REM);
    unset.skip_unavailable = None;
    let mut off = entry("keep", REM);
    off.skip_unavailable = Some(false);
    assert!(model::is_identical(&unset, &off), "unset reads as false");

    let mut list = RemoteResources {
        resources: vec![entry("keep", REM)],
        ..Default::default()
    };
    let before = serde_json::to_value(&list).unwrap();
    assert_eq!(
        add_entry(&mut list, entry("keep", REM), "dep/main/keep").unwrap(),
        Changed::No
    );
    assert_eq!(serde_json::to_value(&list).unwrap(), before);
    let err = add_entry(
        &mut list,
        with(|e| e.skip_unavailable = Some(false)),
        "dep/main/keep",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("terraform import <address> dep/main/keep"),
        "{err}"
    );
}
