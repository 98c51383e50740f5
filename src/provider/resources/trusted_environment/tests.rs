//! Unit tests of `crosscluster_trusted_environment`: ids, validation, the trust edits and the
//! model conversions.

use serde_json::{Value as Json, json};

use crate::client::cloud::{Changed, TrustSettings};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Value;

use super::super::deployment_edit::EditError;
use super::edit::{self, find_entry, parse_trust};
use super::id::{TrustId, TrustKey};
use super::model::{
    self, Desired, DirectModel, DirectSpec, Entry, Target, TrustedEnvironmentModel, import_state,
};
use super::schema::schema;
use super::validate::{self, ConfigModel, PemError, check_certificate_pem, planned_name};

// The functions the tests were written against, over the raw settings JSON and plan values.

fn add_entry(s: &mut Json, d: &Desired, dep: &str, r: &str) -> Result<Changed, EditError> {
    edit::edit_trust(s, |t| edit::add_entry(t, d, dep, r))
}

fn update_entry(s: &mut Json, k: &TrustKey, d: &Desired, dep: &str) -> Result<Changed, EditError> {
    edit::edit_trust(s, |t| edit::update_entry(t, k, d, dep))
}

fn remove_entry(s: &mut Json, k: &TrustKey) -> Result<Changed, EditError> {
    edit::edit_trust(s, |t| edit::remove_entry(t, k))
}

fn direct_uids(settings: &Json) -> Vec<String> {
    edit::direct_uids(&parse_trust(settings.get("trust")).unwrap())
}

fn new_direct_uid(trust: &Json, name: &str, before: &[String]) -> Option<String> {
    edit::new_direct_uid(&parse_trust(Some(trust)).unwrap(), name, before)
}

fn state_from_entry(id: &TrustId, e: Entry<'_>, prior: Option<&TrustedEnvironmentModel>) -> Value {
    model::state_from_entry(id, e, prior).to_value().unwrap()
}

fn desired_from(plan: &Value) -> Result<Desired, Diagnostics> {
    model::desired_from(&TrustedEnvironmentModel::from_value(plan)?)
}

fn validate(config: &Value) -> Diagnostics {
    validate::validate(&ConfigModel::from_value(config).unwrap())
}

const DEP: &str = "0123456789abcdef0123456789abcdef";
const CLUSTER: &str = "fedcba9876543210fedcba9876543210";

fn pem() -> String {
    rcgen::generate_simple_self_signed(vec!["ca.example.com".to_string()])
        .unwrap()
        .cert
        .pem()
}

fn org(id: &str, name: Option<&str>, trust_all: bool, allow: Option<Vec<&str>>) -> Desired {
    Desired {
        target: Target::Organization {
            id: id.into(),
            name: name.map(str::to_string),
        },
        trust_all,
        allowlist: allow.map(|v| v.into_iter().map(str::to_string).collect()),
    }
}

fn settings() -> Json {
    json!({
        "trust": {
            "accounts": [
                {"account_id": "1000000001", "trust_all": true, "name": "Default trust for own organization"},
                {"account_id": "3000000003", "trust_all": false, "trust_allowlist": [CLUSTER], "name": "Partner", "future_field": 1}
            ],
            "external": [{"trust_relationship_id": "rel1", "trust_all": true, "name": "ECE prod"}],
            "direct": [{"uid": "u-1", "name": "Self-managed", "type": "generic", "trust_all": false,
                        "additional_node_names": ["n1.example.com"],
                        "certificates": [{"pem": "PEM-A", "metadata": {"fingerprint": "AA"}}]}]
        },
        "snapshot": {"enabled": true},
        "curation": {"specs": []}
    })
}

#[test]
fn ids_round_trip_and_reject_garbage() {
    for (s, key) in [
        (
            format!("{DEP}/main-elasticsearch/organization/2000000002"),
            TrustKey::Organization("2000000002".into()),
        ),
        (
            format!("{DEP}/main-elasticsearch/external/abc"),
            TrustKey::External("abc".into()),
        ),
        (
            format!("{DEP}/main-elasticsearch/direct/9a2d84bb-1"),
            TrustKey::Direct("9a2d84bb-1".into()),
        ),
    ] {
        let id = TrustId::parse(&s).unwrap();
        assert_eq!(id.key, key);
        assert_eq!(id.to_string(), s);
    }
    for (bad, want) in [
        ("nope".to_string(), "not a trusted environment id"),
        (
            format!("{DEP}/main/organization/"),
            "not a trusted environment id",
        ),
        (format!("{DEP}/main/org/1"), "unknown trust kind"),
        ("XYZ/main/organization/1".to_string(), "not a deployment id"),
        (
            format!("{DEP}/main/direct/a/b"),
            "not a trusted environment id",
        ),
    ] {
        let e = TrustId::parse(&bad).unwrap_err().to_string();
        assert!(e.contains(want), "{bad}: {e}");
    }
}

#[test]
fn pem_check() {
    assert_eq!(check_certificate_pem(&pem()), Ok(()));
    let two = format!("{}{}", pem(), pem());
    assert_eq!(check_certificate_pem(&two), Err(PemError::Several(2)));
    assert_eq!(check_certificate_pem("hello"), Err(PemError::NoCertificate));
    assert!(matches!(
        check_certificate_pem(
            "-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n"
        ),
        Err(PemError::Decode(_))
    ));
    // Valid base64 that is not DER.
    assert_eq!(
        check_certificate_pem(
            "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n"
        ),
        Err(PemError::NotDer)
    );
    let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_eq!(
        check_certificate_pem(&format!("{}{key}", pem())),
        Err(PemError::PrivateKey)
    );
}

fn cfg(pairs: Vec<(&str, Value)>) -> Value {
    let mut base = schema().block.empty_value();
    if let Value::Object(m) = &mut base {
        m.insert("deployment_id".into(), Value::String(DEP.into()));
        for (k, v) in pairs {
            m.insert(k.into(), v);
        }
    }
    base
}

fn paths(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .map(|x| x.path.clone().map(|p| p.to_string()).unwrap_or_default())
        .collect()
}

fn direct_block(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = std::collections::BTreeMap::new();
    for k in [
        "name",
        "type",
        "scope_id",
        "certificates",
        "additional_node_names",
    ] {
        m.insert(k.to_string(), Value::Null);
    }
    m.insert("name".into(), Value::String("sm".into()));
    for (k, v) in pairs {
        m.insert(k.into(), v);
    }
    Value::Object(m)
}

#[test]
fn validation_paths() {
    let s = |x: &str| Value::String(x.into());
    let set = |v: Vec<&str>| Value::Set(v.into_iter().map(|x| Value::String(x.into())).collect());
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            cfg(vec![
                ("organization_id", s("1")),
                ("trust_all", Value::Bool(false)),
                ("trust_allowlist", set(vec![CLUSTER])),
            ]),
            vec![],
        ),
        (
            cfg(vec![
                ("organization_id", s("1")),
                ("trust_all", Value::Bool(true)),
                ("trust_allowlist", set(vec![CLUSTER])),
            ]),
            vec!["trust_allowlist"],
        ),
        (
            cfg(vec![("organization_id", s("a/b"))]),
            vec!["organization_id"],
        ),
        (
            cfg(vec![("organization_id", s("1")), ("ref_id", s("_main"))]),
            vec!["ref_id"],
        ),
        (
            cfg(vec![("trust_relationship_id", s("r")), ("name", s("x"))]),
            vec!["name"],
        ),
        (
            cfg(vec![(
                "direct",
                direct_block(vec![
                    ("certificates", Value::List(vec![s("junk")])),
                    ("additional_node_names", set(vec!["n1"])),
                ]),
            )]),
            vec!["direct.certificates[0]"],
        ),
        (
            cfg(vec![(
                "direct",
                direct_block(vec![
                    ("certificates", Value::List(vec![s(&pem())])),
                    ("additional_node_names", set(vec!["n1"])),
                ]),
            )]),
            vec![],
        ),
        (
            cfg(vec![(
                "direct",
                direct_block(vec![
                    ("certificates", Value::List(vec![])),
                    ("additional_node_names", set(vec!["n1"])),
                ]),
            )]),
            vec!["direct.certificates"],
        ),
        (
            cfg(vec![(
                "direct",
                direct_block(vec![("certificates", Value::List(vec![s(&pem())]))]),
            )]),
            vec!["direct.additional_node_names"],
        ),
        (
            cfg(vec![
                ("trust_all", Value::Bool(true)),
                (
                    "direct",
                    direct_block(vec![("certificates", Value::List(vec![s(&pem())]))]),
                ),
            ]),
            vec!["direct.scope_id"],
        ),
        (
            cfg(vec![(
                "direct",
                direct_block(vec![
                    ("scope_id", s("Bad-Scope")),
                    ("certificates", Value::List(vec![s(&pem())])),
                ]),
            )]),
            vec!["direct.scope_id"],
        ),
        (
            cfg(vec![(
                "direct",
                direct_block(vec![
                    ("type", s("proxy")),
                    ("scope_id", s("abc")),
                    ("certificates", Value::List(vec![s(&pem())])),
                ]),
            )]),
            vec!["direct.scope_id"],
        ),
        (
            cfg(vec![
                ("name", s("n")),
                (
                    "direct",
                    direct_block(vec![
                        ("scope_id", s("abc")),
                        ("certificates", Value::List(vec![s(&pem())])),
                        ("additional_node_names", set(vec!["n*"])),
                    ]),
                ),
            ]),
            vec!["name", "direct.additional_node_names"],
        ),
        // Unknown values skip the checks that need them.
        (
            cfg(vec![
                ("organization_id", s("1")),
                ("trust_all", Value::Unknown(Default::default())),
                ("trust_allowlist", set(vec![CLUSTER])),
            ]),
            vec![],
        ),
    ];
    for (i, (c, want)) in cases.into_iter().enumerate() {
        let d = validate(&c);
        assert_eq!(paths(&d), want, "case {i}: {d:?}");
    }
    // The schema's own validators: exactly one kind, 32-hex ids in the allowlist.
    let block = schema().block;
    let mut d = Diagnostics::new();
    block.validate(&cfg(vec![]), &AttributePath::root(), &mut d);
    assert_eq!(d.len(), 1, "{d:?}");
    let mut d = Diagnostics::new();
    block.validate(
        &cfg(vec![
            ("organization_id", s("1")),
            ("trust_relationship_id", s("2")),
            ("trust_allowlist", set(vec!["my-deployment"])),
        ]),
        &AttributePath::root(),
        &mut d,
    );
    let mut p = paths(&d);
    p.sort();
    assert_eq!(
        p,
        vec![
            "organization_id",
            "trust_allowlist",
            "trust_relationship_id"
        ],
        "{d:?}"
    );
}

#[test]
fn add_keeps_every_other_entry_and_refuses_duplicates() {
    let mut s = settings();
    let before = s.clone();
    let d = org("2000000002", Some("Remote"), false, Some(vec![CLUSTER]));
    assert_eq!(add_entry(&mut s, &d, DEP, "main").unwrap(), Changed::Yes);
    let accounts = s["trust"]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(
        accounts[..2],
        before["trust"]["accounts"].as_array().unwrap()[..]
    );
    assert_eq!(
        accounts[2],
        json!({"account_id": "2000000002", "name": "Remote", "trust_all": false, "trust_allowlist": [CLUSTER]})
    );
    assert_eq!(s["trust"]["external"], before["trust"]["external"]);
    assert_eq!(s["trust"]["direct"], before["trust"]["direct"]);
    assert_eq!(s["snapshot"], before["snapshot"]);

    let e = add_entry(&mut s, &org("1000000001", None, false, None), DEP, "main").unwrap_err();
    assert!(
        e.to_string()
            .contains(&format!("{DEP}/main/organization/1000000001")),
        "{e}"
    );
    let direct = Desired {
        target: Target::Direct(DirectSpec {
            name: "Self-managed".into(),
            kind: "generic".into(),
            scope_id: None,
            certificates: vec!["PEM-B".into()],
            additional_node_names: Some(vec!["x".into()]),
        }),
        trust_all: false,
        allowlist: None,
    };
    let e = add_entry(&mut s, &direct, DEP, "main").unwrap_err();
    assert!(e.to_string().contains("direct/u-1"), "{e}");
}

#[test]
fn add_creates_missing_lists() {
    for mut s in [
        json!({}),
        json!({"trust": null}),
        json!({"trust": {"accounts": []}}),
    ] {
        add_entry(
            &mut s,
            &Desired {
                target: Target::External { id: "r9".into() },
                trust_all: true,
                allowlist: None,
            },
            DEP,
            "m",
        )
        .unwrap();
        assert_eq!(s["trust"]["accounts"], json!([]));
        assert_eq!(s["trust"]["direct"], json!([]));
        assert_eq!(
            s["trust"]["external"],
            json!([{"trust_relationship_id": "r9", "trust_all": true}])
        );
    }
    assert!(
        add_entry(
            &mut json!({"trust": {"accounts": 3}}),
            &org("1", None, true, None),
            DEP,
            "m"
        )
        .is_err()
    );
}

#[test]
fn update_edits_only_its_entry() {
    let mut s = settings();
    let before = s.clone();
    let key = TrustKey::Organization("3000000003".into());
    // Same values: nothing to send.
    let same = org("3000000003", None, false, Some(vec![CLUSTER]));
    assert_eq!(update_entry(&mut s, &key, &same, DEP).unwrap(), Changed::No);
    assert_eq!(s, before);
    let d = org("3000000003", Some("Renamed"), true, None);
    assert_eq!(update_entry(&mut s, &key, &d, DEP).unwrap(), Changed::Yes);
    let e = &s["trust"]["accounts"][1];
    assert_eq!(
        e,
        &json!({"account_id": "3000000003", "trust_all": true, "name": "Renamed", "future_field": 1})
    );
    assert_eq!(s["trust"]["accounts"][0], before["trust"]["accounts"][0]);
    assert_eq!(s["trust"]["direct"], before["trust"]["direct"]);

    // Direct: in place by uid; an unchanged certificate keeps its object (metadata).
    let key = TrustKey::Direct("u-1".into());
    let d = Desired {
        target: Target::Direct(DirectSpec {
            name: "Renamed SM".into(),
            kind: "generic".into(),
            scope_id: Some("abc".into()),
            certificates: vec!["PEM-A\n".into(), "PEM-B".into()],
            additional_node_names: None,
        }),
        trust_all: true,
        allowlist: None,
    };
    assert_eq!(update_entry(&mut s, &key, &d, DEP).unwrap(), Changed::Yes);
    assert_eq!(
        s["trust"]["direct"][0],
        json!({"uid": "u-1", "name": "Renamed SM", "type": "generic", "trust_all": true, "scope_id": "abc",
               "certificates": [{"pem": "PEM-A", "metadata": {"fingerprint": "AA"}}, {"pem": "PEM-B"}]})
    );
    let e = update_entry(&mut s, &TrustKey::Direct("gone".into()), &d, DEP).unwrap_err();
    assert!(matches!(e, EditError::DirectGone { .. }));
    // A vanished organization entry is added again.
    let mut s2 = settings();
    let key = TrustKey::Organization("4".into());
    assert_eq!(
        update_entry(&mut s2, &key, &org("4", None, true, None), DEP).unwrap(),
        Changed::Yes
    );
    assert_eq!(s2["trust"]["accounts"].as_array().unwrap().len(), 3);
}

#[test]
fn remove_only_its_entry() {
    let mut s = settings();
    let before = s.clone();
    assert_eq!(
        remove_entry(&mut s, &TrustKey::External("nope".into())).unwrap(),
        Changed::No
    );
    assert_eq!(s, before);
    assert_eq!(
        remove_entry(&mut s, &TrustKey::Direct("u-1".into())).unwrap(),
        Changed::Yes
    );
    assert_eq!(s["trust"]["direct"], json!([]));
    assert_eq!(s["trust"]["accounts"], before["trust"]["accounts"]);
    assert_eq!(s["trust"]["external"], before["trust"]["external"]);
}

#[test]
fn new_uid_is_found() {
    let trust = json!({"direct": [{"uid": "a", "name": "x"}, {"uid": "b", "name": "y"}, {"uid": "c", "name": "y"}]});
    assert_eq!(
        new_direct_uid(&trust, "y", &["a".into(), "b".into()]).as_deref(),
        Some("c")
    );
    assert_eq!(new_direct_uid(&trust, "x", &["a".into()]), None);
    assert_eq!(direct_uids(&json!({"trust": trust})), vec!["a", "b", "c"]);
}

#[test]
fn state_from_entries() {
    let s = settings();
    let trust = &parse_trust(Some(&s["trust"])).unwrap();
    let id = TrustId::parse(&format!("{DEP}/main-elasticsearch/organization/3000000003")).unwrap();
    let st = state_from_entry(&id, find_entry(trust, &id.key).unwrap(), None);
    assert_eq!(
        st.get_attr("id").and_then(Value::as_str),
        Some(id.to_string().as_str())
    );
    assert_eq!(
        st.get_attr("organization_id").and_then(Value::as_str),
        Some("3000000003")
    );
    assert_eq!(st.get_attr("name").and_then(Value::as_str), Some("Partner"));
    assert_eq!(st.get_attr("trust_all"), Some(&Value::Bool(false)));
    assert_eq!(
        st.get_attr("trust_allowlist"),
        Some(&Value::Set(vec![Value::String(CLUSTER.into())]))
    );
    assert_eq!(st.get_attr("direct"), Some(&Value::Null));

    // An empty allowlist is null, unless the prior state said [].
    let id = TrustId::parse(&format!("{DEP}/main-elasticsearch/organization/1000000001")).unwrap();
    let e = find_entry(trust, &id.key).unwrap();
    assert_eq!(
        state_from_entry(&id, e, None).get_attr("trust_allowlist"),
        Some(&Value::Null)
    );
    let prior = TrustedEnvironmentModel {
        trust_allowlist: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(
        state_from_entry(&id, e, Some(&prior)).get_attr("trust_allowlist"),
        Some(&Value::Set(vec![]))
    );

    let id = TrustId::parse(&format!("{DEP}/main-elasticsearch/external/rel1")).unwrap();
    let st = state_from_entry(&id, find_entry(trust, &id.key).unwrap(), None);
    assert_eq!(
        st.get_attr("name").and_then(Value::as_str),
        Some("ECE prod")
    );
    assert_eq!(
        st.get_attr("trust_relationship_id").and_then(Value::as_str),
        Some("rel1")
    );

    let id = TrustId::parse(&format!("{DEP}/main-elasticsearch/direct/u-1")).unwrap();
    let prior = TrustedEnvironmentModel {
        direct: Some(DirectModel {
            certificates: vec!["PEM-A\r\n".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let st = state_from_entry(&id, find_entry(trust, &id.key).unwrap(), Some(&prior));
    let d = st.get_attr("direct").unwrap();
    assert_eq!(
        d.get_attr("name").and_then(Value::as_str),
        Some("Self-managed")
    );
    assert_eq!(
        st.get_attr("name").and_then(Value::as_str),
        Some("Self-managed")
    );
    assert_eq!(d.get_attr("type").and_then(Value::as_str), Some("generic"));
    assert_eq!(d.get_attr("scope_id"), Some(&Value::Null));
    // The prior spelling of an equal certificate is kept.
    assert_eq!(
        d.get_attr("certificates"),
        Some(&Value::List(vec![Value::String("PEM-A\r\n".into())]))
    );
    assert_eq!(
        d.get_attr("additional_node_names"),
        Some(&Value::Set(vec![Value::String("n1.example.com".into())]))
    );
}

#[test]
fn desired_reads_the_plan() {
    let s = |x: &str| Value::String(x.into());
    let plan = cfg(vec![
        ("organization_id", s("2")),
        ("name", s("n")),
        ("trust_all", Value::Bool(false)),
        ("trust_allowlist", Value::Set(vec![s("b"), s("a")])),
    ]);
    assert_eq!(
        desired_from(&plan).unwrap(),
        org("2", Some("n"), false, Some(vec!["a", "b"]))
    );
    let plan = cfg(vec![(
        "direct",
        direct_block(vec![
            ("type", s("ECE")),
            ("certificates", Value::List(vec![s("P")])),
        ]),
    )]);
    let d = desired_from(&plan).unwrap();
    assert_eq!(
        d.target,
        Target::Direct(DirectSpec {
            name: "sm".into(),
            kind: "ECE".into(),
            scope_id: None,
            certificates: vec!["P".into()],
            additional_node_names: None
        })
    );
    assert!(desired_from(&cfg(vec![])).is_err());
    // An unset (unknown) name leaves the entry's name alone.
    let plan = cfg(vec![
        ("organization_id", s("2")),
        ("name", Value::Unknown(Default::default())),
    ]);
    assert_eq!(desired_from(&plan).unwrap(), org("2", None, false, None));
}

#[test]
fn untouched_entries_go_back_as_read() {
    // Entries whose typed round trip would differ (no trust_all, a null name, a direct entry
    // without certificates, a null list) and a trust object with its own field order.
    let mut s = json!({"trust": {
        "direct": null,
        "future": {"x": 1},
        "accounts": [{"account_id": "7", "name": null}, {"account_id": "8", "trust_all": true}],
        "external": [{"trust_relationship_id": "r", "trust_all": false, "name": "R"}]
    }});
    let d = org("9", None, true, None);
    assert_eq!(add_entry(&mut s, &d, DEP, "main").unwrap(), Changed::Yes);
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        serde_json::to_string(&json!({"trust": {
            "direct": [],
            "future": {"x": 1},
            "accounts": [{"account_id": "7", "name": null}, {"account_id": "8", "trust_all": true},
                         {"account_id": "9", "trust_all": true}],
            "external": [{"trust_relationship_id": "r", "trust_all": false, "name": "R"}]
        }}))
        .unwrap()
    );
    // Removing it again leaves the other entries as they were.
    let key = TrustKey::Organization("9".into());
    assert_eq!(remove_entry(&mut s, &key).unwrap(), Changed::Yes);
    assert_eq!(
        s["trust"]["accounts"],
        json!([{"account_id": "7", "name": null}, {"account_id": "8", "trust_all": true}])
    );
    // Shapes the typed lists cannot read are refused.
    for bad in [
        json!([]),
        json!({"trust": []}),
        json!({"trust": {"direct": [1]}}),
    ] {
        let mut bad = bad;
        assert!(matches!(
            add_entry(&mut bad, &d, DEP, "main"),
            Err(EditError::Shape(_))
        ));
    }
}

#[test]
fn null_lists_read_as_empty() {
    let t = parse_trust(Some(&json!({"accounts": null, "direct": null}))).unwrap();
    assert_eq!(t, TrustSettings::default());
    assert_eq!(parse_trust(None).unwrap(), TrustSettings::default());
    assert_eq!(
        parse_trust(Some(&Json::Null)).unwrap(),
        TrustSettings::default()
    );
}

#[test]
fn import_state_sets_the_id_parts() {
    let id = TrustId::parse(&format!("{DEP}/main/external/r1")).unwrap();
    let st = import_state(&id).to_value().unwrap();
    let mut want = schema().block.empty_value();
    for (k, v) in [
        ("id", id.to_string()),
        ("deployment_id", DEP.to_string()),
        ("ref_id", "main".to_string()),
    ] {
        crate::provider::common::set_in_place(&mut want, k, Value::String(v));
    }
    assert_eq!(st, want);
    assert_eq!(import_state(&id).trust_id().unwrap(), id);
    let bad = TrustedEnvironmentModel::default().trust_id().unwrap_err();
    assert!(bad.to_string().contains("id"), "{bad}");
}

#[test]
fn planned_name_follows_direct_or_prior() {
    let named = |name: Known<String>, direct: Option<Known<String>>| ConfigModel {
        name,
        direct: direct.map_or(Known::Null, |n| {
            Known::Value(validate::DirectConfig {
                name: n,
                ..Default::default()
            })
        }),
        ..Default::default()
    };
    let v = |s: &str| Known::Value(s.to_string());
    let unset = named(Known::Null, None);
    let cases = [
        // Configured name: the plan stays.
        (Some(named(v("n"), None)), named(v("n"), None), None, None),
        // Direct entry: direct.name, even when unknown.
        (
            Some(unset.clone()),
            named(Known::Unknown, Some(v("sm"))),
            None,
            Some(v("sm")),
        ),
        (
            Some(unset.clone()),
            named(Known::Unknown, Some(Known::Unknown)),
            None,
            Some(Known::Unknown),
        ),
        // Other entries keep the prior name; a create leaves the plan (unknown).
        (
            Some(unset.clone()),
            named(Known::Unknown, None),
            Some(named(v("old"), None)),
            Some(v("old")),
        ),
        (Some(unset.clone()), named(Known::Unknown, None), None, None),
    ];
    for (i, (config, planned, prior, want)) in cases.into_iter().enumerate() {
        assert_eq!(
            planned_name(config.as_ref(), &planned, prior.as_ref()),
            want,
            "case {i}"
        );
    }
}

fn direct_desired(pems: &[&str], nodes: Option<Vec<&str>>, kind: &str) -> Desired {
    Desired {
        target: Target::Direct(DirectSpec {
            name: "Self-managed".into(),
            kind: kind.into(),
            scope_id: None,
            certificates: pems.iter().map(|p| p.to_string()).collect(),
            additional_node_names: nodes.map(|v| v.into_iter().map(str::to_string).collect()),
        }),
        trust_all: false,
        allowlist: None,
    }
}

/// "Is the existing entry exactly what the plan asks for?": same kind, same identity, same
/// fields; lists as sets; an organization's name only when configured.
#[test]
fn identical_entries_table() {
    let trust = parse_trust(settings().get("trust")).unwrap();
    let partner = TrustKey::Organization("3000000003".into());
    let own = TrustKey::Organization("1000000001".into());
    let ext = TrustKey::External("rel1".into());
    let direct = TrustKey::Direct("u-1".into());
    let external = |trust_all: bool, allow: Option<Vec<&str>>| Desired {
        target: Target::External { id: "rel1".into() },
        trust_all,
        allowlist: allow.map(|v| v.into_iter().map(str::to_string).collect()),
    };
    let cases: Vec<(&str, &TrustKey, Desired, bool)> = vec![
        (
            "own org, same",
            &own,
            org("1000000001", None, true, None),
            true,
        ),
        (
            "own org, empty allowlist is none",
            &own,
            org("1000000001", None, true, Some(vec![])),
            true,
        ),
        (
            "own org, trust_all differs",
            &own,
            org("1000000001", None, false, None),
            false,
        ),
        (
            "own org, name differs",
            &own,
            org("1000000001", Some("Other"), true, None),
            false,
        ),
        (
            "own org, same name",
            &own,
            org(
                "1000000001",
                Some("Default trust for own organization"),
                true,
                None,
            ),
            true,
        ),
        (
            "partner, same allowlist",
            &partner,
            org("3000000003", None, false, Some(vec![CLUSTER])),
            true,
        ),
        (
            "partner, other allowlist",
            &partner,
            org("3000000003", None, false, Some(vec!["abc"])),
            false,
        ),
        (
            "partner, allowlist missing",
            &partner,
            org("3000000003", None, false, None),
            false,
        ),
        (
            "other org id",
            &partner,
            org("2000000002", None, false, Some(vec![CLUSTER])),
            false,
        ),
        ("external, same", &ext, external(true, None), true),
        (
            "external, trust_all differs",
            &ext,
            external(false, None),
            false,
        ),
        (
            "external entry, organization plan",
            &ext,
            org("rel1", None, true, None),
            false,
        ),
        (
            "direct, same",
            &direct,
            direct_desired(&["PEM-A"], Some(vec!["n1.example.com"]), "generic"),
            true,
        ),
        (
            "direct, PEM with whitespace",
            &direct,
            direct_desired(&["PEM-A\n"], Some(vec!["n1.example.com"]), "generic"),
            true,
        ),
        (
            "direct, other PEM",
            &direct,
            direct_desired(&["PEM-B"], Some(vec!["n1.example.com"]), "generic"),
            false,
        ),
        (
            "direct, extra PEM",
            &direct,
            direct_desired(&["PEM-A", "PEM-B"], Some(vec!["n1.example.com"]), "generic"),
            false,
        ),
        (
            "direct, node names differ",
            &direct,
            direct_desired(&["PEM-A"], None, "generic"),
            false,
        ),
        (
            "direct, type differs",
            &direct,
            direct_desired(&["PEM-A"], Some(vec!["n1.example.com"]), "ECE"),
            false,
        ),
        (
            "direct entry, external plan",
            &direct,
            external(false, None),
            false,
        ),
    ];
    for (name, key, desired, want) in cases {
        let entry = find_entry(&trust, key).unwrap();
        assert_eq!(edit::is_identical(entry, &desired), want, "{name}");
    }
}

/// A create that meets an identical entry adopts it (nothing written); a different one still
/// fails with the import id.
#[test]
fn add_adopts_identical_and_refuses_different() {
    let mut s = settings();
    let before = s.clone();
    let same = org("3000000003", None, false, Some(vec![CLUSTER]));
    assert_eq!(add_entry(&mut s, &same, DEP, "main").unwrap(), Changed::No);
    let same_direct = direct_desired(&["PEM-A"], Some(vec!["n1.example.com"]), "generic");
    assert_eq!(
        add_entry(&mut s, &same_direct, DEP, "main").unwrap(),
        Changed::No
    );
    assert_eq!(s, before, "adopting writes nothing");
    let other = org("3000000003", None, true, None);
    let e = add_entry(&mut s, &other, DEP, "main").unwrap_err();
    assert!(
        e.to_string().contains(&format!(
            "import it (terraform import <address> {DEP}/main/organization/3000000003)"
        )),
        "{e}"
    );
    let other_direct = direct_desired(&["PEM-B"], None, "generic");
    let e = add_entry(&mut s, &other_direct, DEP, "main").unwrap_err();
    assert!(
        e.to_string().contains(&format!("{DEP}/main/direct/u-1")),
        "{e}"
    );
}
