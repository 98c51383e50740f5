//! Schema → tfplugin6 protocol conversion.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use tfplugin::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use tfplugin::framework::schema::{Attribute, Block, NestedBlock, ObjectNesting, Schema};
use tfplugin::framework::traits::{Parameter, Signature};
use tfplugin::framework::value::Type;
use tfplugin::plugin::provider_service::{
    diagnostics_to_proto, function_to_proto, schema_to_proto,
};
use tfplugin::plugin::tfplugin6 as pb;

fn type_json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn schema_converts_with_types_flags_blocks_and_nested_attributes() {
    let schema = Schema::new(
        Block::new()
            .markdown_description("The **trust**.")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::string("name").required().description("Name."))
            .attribute(Attribute::map("labels", Type::String).optional())
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .sensitive()
                    .write_only(),
            )
            .attribute(Attribute::string("old").optional().deprecated("use name"))
            .attribute(Attribute::nested(
                "rules",
                ObjectNesting::Set,
                vec![Attribute::number("port").required()],
            ))
            .block(
                NestedBlock::list(
                    "remote",
                    Block::new().attribute(Attribute::string("alias").required()),
                )
                .min_items(1)
                .max_items(3),
            )
            .block(NestedBlock::single(
                "cloud",
                Block::new().deprecated("gone soon"),
            )),
    )
    .version(2);
    let p = schema_to_proto(&schema);
    assert_eq!(p.version, 2);
    let block = p.block.unwrap();
    assert_eq!(block.version, 2);
    assert_eq!(block.description, "The **trust**.");
    assert_eq!(block.description_kind, pb::StringKind::Markdown as i32);

    let attr = |n: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == n)
            .unwrap()
            .clone()
    };
    let id = attr("id");
    assert!(id.computed && !id.optional && !id.required);
    assert_eq!(type_json(&id.r#type), serde_json::json!("string"));
    let name = attr("name");
    assert!(name.required);
    assert_eq!(name.description, "Name.");
    assert_eq!(name.description_kind, pb::StringKind::Plain as i32);
    assert_eq!(
        type_json(&attr("labels").r#type),
        serde_json::json!(["map", "string"])
    );
    let key = attr("api_key");
    assert!(key.sensitive && key.write_only && key.optional);
    let old = attr("old");
    assert!(old.deprecated);
    assert_eq!(old.deprecation_message, "use name");

    let rules = attr("rules");
    assert!(
        rules.r#type.is_empty(),
        "nested attributes carry no type bytes"
    );
    let nested = rules.nested_type.unwrap();
    assert_eq!(nested.nesting, pb::schema::object::NestingMode::Set as i32);
    assert_eq!(nested.attributes[0].name, "port");
    assert_eq!(
        type_json(&nested.attributes[0].r#type),
        serde_json::json!("number")
    );

    let remote = block
        .block_types
        .iter()
        .find(|b| b.type_name == "remote")
        .unwrap();
    assert_eq!(
        remote.nesting,
        pb::schema::nested_block::NestingMode::List as i32
    );
    assert_eq!((remote.min_items, remote.max_items), (1, 3));
    assert_eq!(remote.block.as_ref().unwrap().attributes[0].name, "alias");
    let cloud = block
        .block_types
        .iter()
        .find(|b| b.type_name == "cloud")
        .unwrap();
    assert_eq!(
        cloud.nesting,
        pb::schema::nested_block::NestingMode::Single as i32
    );
    assert!(cloud.block.as_ref().unwrap().deprecated);
}

#[test]
fn object_type_json_matches_cty_form() {
    let b = Block::new()
        .attribute(Attribute::list("l", Type::Number).optional())
        .block(NestedBlock::set(
            "s",
            Block::new().attribute(Attribute::bool("f").optional()),
        ));
    let attr = Attribute::new("o", b.object_type()).optional();
    let p = schema_to_proto(&Schema::new(Block::new().attribute(attr)));
    let bytes = &p.block.unwrap().attributes[0].r#type;
    assert_eq!(
        type_json(bytes),
        serde_json::json!(["object", {"l": ["list", "number"], "s": ["set", ["object", {"f": "bool"}]]}])
    );
}

#[test]
fn function_signature_converts() {
    let sig = Signature::new(Type::String)
        .summary("Builds a setting name")
        .markdown_description("Returns `cluster.remote.<alias>.credentials`.")
        .parameter(Parameter::new("alias", Type::String).description("Remote cluster alias"))
        .parameter(Parameter::new("opt", Type::Number).allow_null());
    let f = function_to_proto(&sig);
    assert_eq!(f.summary, "Builds a setting name");
    assert_eq!(f.description_kind, pb::StringKind::Markdown as i32);
    assert_eq!(f.parameters.len(), 2);
    assert_eq!(f.parameters[0].name, "alias");
    assert_eq!(f.parameters[0].description, "Remote cluster alias");
    assert!(!f.parameters[0].allow_null_value && f.parameters[1].allow_null_value);
    assert_eq!(
        type_json(&f.r#return.unwrap().r#type),
        serde_json::json!("string")
    );
    assert!(f.variadic_parameter.is_none());
}

#[test]
fn diagnostics_convert_with_attribute_paths() {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::attribute_error(
        AttributePath::root()
            .attr("remote")
            .index(1)
            .attr("labels")
            .key("env"),
        "Bad label",
        "detail",
    ));
    d.warning("Heads up", "");
    let p = diagnostics_to_proto(&d);
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].severity, pb::diagnostic::Severity::Error as i32);
    assert_eq!(p[1].severity, pb::diagnostic::Severity::Warning as i32);
    assert!(p[1].attribute.is_none());
    use pb::attribute_path::step::Selector;
    let steps: Vec<Selector> = p[0]
        .attribute
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .map(|s| s.selector.clone().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            Selector::AttributeName("remote".into()),
            Selector::ElementKeyInt(1),
            Selector::AttributeName("labels".into()),
            Selector::ElementKeyString("env".into()),
        ]
    );
}
