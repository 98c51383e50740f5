//! Generic plan rules: defaults, unknown computed values, use-state-for-unknown,
//! requires-replace, write-only nulling, destroy.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::collections::BTreeMap;

use tfplugin::framework::plan::{null_write_only, plan_resource_change, values_equal};
use tfplugin::framework::schema::{Attribute, Block, NestedBlock, ObjectNesting, PlanModifier};
use tfplugin::framework::value::{Refinements, Type, Value};

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}
fn s(x: &str) -> Value {
    Value::String(x.into())
}
fn get<'a>(v: &'a Value, name: &str) -> &'a Value {
    match v {
        Value::Object(m) => &m[name],
        _ => panic!("not an object: {v:?}"),
    }
}
fn is_unknown(v: &Value) -> bool {
    matches!(v, Value::Unknown(_))
}

fn schema() -> Block {
    Block::new()
        .attribute(Attribute::string("id").computed().use_state_for_unknown())
        .attribute(Attribute::string("name").required().requires_replace())
        .attribute(Attribute::string("status").computed())
        .attribute(
            Attribute::string("mode")
                .optional()
                .computed()
                .default_value(s("api_key")),
        )
        .attribute(Attribute::string("note").optional())
        .attribute(
            Attribute::string("secret")
                .optional()
                .sensitive()
                .write_only(),
        )
        .attribute(
            Attribute::list("tags", Type::String)
                .optional()
                .plan_modifier(PlanModifier::RequiresReplaceIf(std::sync::Arc::new(
                    |prior, planned| {
                        // Only growing the list forces replacement.
                        let len = |v: &Value| match v {
                            Value::List(i) => i.len(),
                            _ => 0,
                        };
                        len(planned) > len(prior)
                    },
                ))),
        )
        .block(NestedBlock::single(
            "opts",
            Block::new()
                .attribute(Attribute::string("region").optional().requires_replace())
                .attribute(Attribute::string("etag").computed()),
        ))
}

/// The object Terraform would send as config: all attributes, computed ones null.
fn config(name: &str, mode: Value, secret: Value, opts_region: Option<&str>) -> Value {
    obj(vec![
        ("id", Value::Null),
        ("name", s(name)),
        ("status", Value::Null),
        ("mode", mode),
        ("note", Value::Null),
        ("secret", secret),
        ("tags", Value::Null),
        (
            "opts",
            opts_region.map_or(Value::Null, |r| {
                obj(vec![("region", s(r)), ("etag", Value::Null)])
            }),
        ),
    ])
}

#[test]
fn create_plans_computed_unknown_defaults_and_null_write_only() {
    let b = schema();
    let cfg = config("a", Value::Null, s("hunter2"), Some("eu"));
    // On create, Terraform proposes the config itself.
    let out = plan_resource_change(&b, &Value::Null, &cfg, &cfg);
    let p = &out.planned_state;
    assert!(is_unknown(get(p, "id")), "id: {:?}", get(p, "id"));
    assert!(is_unknown(get(p, "status")));
    assert_eq!(get(p, "mode"), &s("api_key"), "default applied");
    assert_eq!(get(p, "note"), &Value::Null, "optional-only stays null");
    assert_eq!(get(p, "secret"), &Value::Null, "write-only never planned");
    assert!(
        is_unknown(get(get(p, "opts"), "etag")),
        "computed inside a block"
    );
    assert_eq!(get(get(p, "opts"), "region"), &s("eu"));
    assert!(out.requires_replace.is_empty(), "no replacement on create");
}

#[test]
fn no_change_keeps_prior_computed_values() {
    let b = schema();
    let prior = obj(vec![
        ("id", s("x1")),
        ("name", s("a")),
        ("status", s("ready")),
        ("mode", s("api_key")),
        ("note", Value::Null),
        ("secret", Value::Null),
        ("tags", Value::Null),
        ("opts", obj(vec![("region", s("eu")), ("etag", s("e1"))])),
    ]);
    let cfg = config("a", Value::Null, Value::Null, Some("eu"));
    // Terraform's proposed state: config merged with prior computed values.
    let proposed = prior.clone();
    let out = plan_resource_change(&b, &prior, &proposed, &cfg);
    assert!(
        values_equal(&out.planned_state, &prior),
        "{:?}",
        out.planned_state
    );
    assert!(out.requires_replace.is_empty());
}

#[test]
fn update_marks_computed_unknown_except_use_state_and_flags_replacement() {
    let b = schema();
    let prior = obj(vec![
        ("id", s("x1")),
        ("name", s("a")),
        ("status", s("ready")),
        ("mode", s("api_key")),
        ("note", Value::Null),
        ("secret", Value::Null),
        ("tags", Value::List(vec![s("t1")])),
        ("opts", obj(vec![("region", s("eu")), ("etag", s("e1"))])),
    ]);
    let mut cfg = config("b", s("certificate"), Value::Null, Some("us"));
    if let Value::Object(m) = &mut cfg {
        m.insert("tags".into(), Value::List(vec![s("t1"), s("t2")]));
    }
    let proposed = obj(vec![
        ("id", s("x1")),
        ("name", s("b")),
        ("status", s("ready")),
        ("mode", s("certificate")),
        ("note", Value::Null),
        ("secret", Value::Null),
        ("tags", Value::List(vec![s("t1"), s("t2")])),
        ("opts", obj(vec![("region", s("us")), ("etag", s("e1"))])),
    ]);
    let out = plan_resource_change(&b, &prior, &proposed, &cfg);
    let p = &out.planned_state;
    assert_eq!(get(p, "id"), &s("x1"), "use state for unknown");
    assert!(
        is_unknown(get(p, "status")),
        "plain computed goes unknown on update"
    );
    assert!(is_unknown(get(get(p, "opts"), "etag")));
    assert_eq!(
        get(p, "mode"),
        &s("certificate"),
        "configured value wins over default"
    );
    let paths: Vec<String> = out
        .requires_replace
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        paths,
        vec!["name", "opts.region", "tags"],
        "sorted, conditional included"
    );

    // Shrinking tags does not trigger the conditional rule.
    let mut cfg2 = cfg.clone();
    let mut proposed2 = proposed.clone();
    for v in [&mut cfg2, &mut proposed2] {
        if let Value::Object(m) = v {
            m.insert("tags".into(), Value::List(vec![]));
            m.insert("name".into(), s("a"));
        }
    }
    let out = plan_resource_change(&b, &prior, &proposed2, &cfg2);
    let paths: Vec<String> = out
        .requires_replace
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(paths, vec!["opts.region"]);
}

#[test]
fn removing_a_default_attribute_from_config_plans_the_default() {
    let b = schema();
    let prior = obj(vec![
        ("id", s("x1")),
        ("name", s("a")),
        ("status", s("ready")),
        ("mode", s("certificate")),
        ("note", Value::Null),
        ("secret", Value::Null),
        ("tags", Value::Null),
        ("opts", Value::Null),
    ]);
    let cfg = config("a", Value::Null, Value::Null, None);
    // Optional+computed with null config: Terraform proposes the prior value.
    let proposed = prior.clone();
    let out = plan_resource_change(&b, &prior, &proposed, &cfg);
    assert_eq!(get(&out.planned_state, "mode"), &s("api_key"));
    assert_eq!(get(&out.planned_state, "id"), &s("x1"));
    assert!(is_unknown(get(&out.planned_state, "status")));
}

#[test]
fn unknown_config_value_is_not_replaced_by_state() {
    let b = Block::new().attribute(
        Attribute::string("v")
            .optional()
            .computed()
            .use_state_for_unknown(),
    );
    let prior = obj(vec![("v", s("old"))]);
    let unknown = Value::Unknown(Refinements::default());
    let cfg = obj(vec![("v", unknown.clone())]);
    let out = plan_resource_change(&b, &prior, &cfg, &cfg);
    assert!(is_unknown(get(&out.planned_state, "v")));
}

#[test]
fn destroy_plans_null() {
    let b = schema();
    let prior = config("a", Value::Null, Value::Null, None);
    let out = plan_resource_change(&b, &prior, &Value::Null, &Value::Null);
    assert_eq!(out.planned_state, Value::Null);
    assert!(out.requires_replace.is_empty());
}

#[test]
fn write_only_nulled_in_nested_attributes_and_blocks() {
    let b = Block::new()
        .attribute(Attribute::nested(
            "creds",
            ObjectNesting::Map,
            vec![
                Attribute::string("key").optional().write_only(),
                Attribute::string("user").optional(),
            ],
        ))
        .block(NestedBlock::list(
            "l",
            Block::new().attribute(Attribute::string("pw").optional().write_only()),
        ));
    let v = obj(vec![
        (
            "creds",
            Value::Map(BTreeMap::from([(
                "a".to_string(),
                obj(vec![("key", s("k")), ("user", s("u"))]),
            )])),
        ),
        ("l", Value::List(vec![obj(vec![("pw", s("p"))])])),
    ]);
    let n = null_write_only(&b, &v);
    let Value::Map(m) = get(&n, "creds") else {
        panic!()
    };
    assert_eq!(get(&m["a"], "key"), &Value::Null);
    assert_eq!(get(&m["a"], "user"), &s("u"));
    let Value::List(l) = get(&n, "l") else {
        panic!()
    };
    assert_eq!(get(&l[0], "pw"), &Value::Null);
}
