//! Markdown for schemas and signatures, in the Terraform registry's layout (the one
//! `tfplugindocs` popularised): `Required` / `Optional` / `Read-Only` groups, then one
//! "Nested Schema" section per nested block or nested attribute, each with an anchor that the
//! parent's line links to.

use crosscluster::framework::schema::{
    Attribute, AttributeKind, Block, BlockNesting, Description, NestedBlock, ObjectNesting,
    PlanModifier,
};
use crosscluster::framework::traits::{Parameter, Signature};
use crosscluster::framework::value::{Type, Value};

/// What the schema belongs to; decides which plan rules are worth a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// The provider block.
    Provider,
    /// A managed resource (requires-replace matters).
    Resource,
    /// A data source.
    DataSource,
}

/// Link to Terraform's documentation of write-only arguments.
pub const WRITE_ONLY_LINK: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";

/// One member of a block: an attribute or a nested block type.
#[derive(Clone, Copy)]
enum Member<'a> {
    Attr(&'a Attribute),
    Block(&'a NestedBlock),
}

/// The group a member is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Required => "Required",
            Group::Optional => "Optional",
            Group::ReadOnly => "Read-Only",
        }
    }
}

/// A nested section still to be written: its anchor, its dotted title and its members.
struct Section<'a> {
    anchor: String,
    title: String,
    members: Vec<Member<'a>>,
    /// Inside a read-only (computed-only) nested attribute: everything is read-only.
    read_only: bool,
}

/// The `## Schema` section of a block: grouped members, then every nested section.
pub fn schema_markdown(block: &Block, kind: SchemaKind) -> String {
    let mut out = String::from("## Schema\n");
    let members = block_members(block);
    let mut sections = Vec::new();
    for group in [Group::Required, Group::Optional, Group::ReadOnly] {
        let lines: Vec<String> = members
            .iter()
            .filter(|m| group_of(**m, false) == group)
            .map(|m| member_line(*m, kind, "", false, &mut sections))
            .collect();
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}\n\n", group.title()));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    write_sections(&mut out, sections, kind);
    out
}

fn write_sections(out: &mut String, sections: Vec<Section<'_>>, kind: SchemaKind) {
    for s in sections {
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n### Nested Schema for `{}`\n",
            s.anchor, s.title
        ));
        let mut children = Vec::new();
        for group in [Group::Required, Group::Optional, Group::ReadOnly] {
            let lines: Vec<String> = s
                .members
                .iter()
                .filter(|m| group_of(**m, s.read_only) == group)
                .map(|m| member_line(*m, kind, &s.anchor, s.read_only, &mut children))
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{}:\n\n", group.title()));
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
        }
        // Depth first: a section's own nested sections follow it directly.
        let prefix = s.title.clone();
        let children = children
            .into_iter()
            .map(|mut c| {
                c.title = format!("{prefix}.{}", c.title);
                c
            })
            .collect();
        write_sections(out, children, kind);
    }
}

/// A block's attributes and nested blocks together, sorted by name: the registry lists every
/// group alphabetically (as `tfplugindocs` writes it), not in declaration order.
fn block_members(block: &Block) -> Vec<Member<'_>> {
    let mut members: Vec<Member<'_>> = block
        .attributes
        .iter()
        .map(Member::Attr)
        .chain(block.blocks.iter().map(Member::Block))
        .collect();
    sort_members(&mut members);
    members
}

fn sort_members(members: &mut [Member<'_>]) {
    members.sort_by(|a, b| member_name(*a).cmp(member_name(*b)));
}

fn member_name<'a>(m: Member<'a>) -> &'a str {
    match m {
        Member::Attr(a) => &a.name,
        Member::Block(b) => &b.name,
    }
}

fn group_of(m: Member<'_>, read_only_parent: bool) -> Group {
    if read_only_parent {
        return Group::ReadOnly;
    }
    match m {
        Member::Attr(a) if a.required => Group::Required,
        Member::Attr(a) if a.optional => Group::Optional,
        Member::Attr(_) => Group::ReadOnly,
        Member::Block(b) if b.min_items > 0 || b.nesting == BlockNesting::Group => Group::Required,
        Member::Block(_) => Group::Optional,
    }
}

/// `- \`name\` (Type, flags) Description. Extra sentences.` plus the nested-schema link, and
/// pushes the member's nested section (if any) onto `sections`.
fn member_line<'a>(
    m: Member<'a>,
    kind: SchemaKind,
    parent_anchor: &str,
    read_only_parent: bool,
    sections: &mut Vec<Section<'a>>,
) -> String {
    let anchor_base = if parent_anchor.is_empty() {
        String::new()
    } else {
        // `nestedblock--a` + `b` gives `nestedblock--a--b`; the prefix is the member's own.
        let rest = parent_anchor
            .split_once("--")
            .map(|(_, r)| r)
            .unwrap_or(parent_anchor);
        format!("{rest}--")
    };
    match m {
        Member::Attr(a) => {
            let mut flags = vec![attribute_type_label(a)];
            if a.sensitive {
                flags.push("Sensitive".into());
            }
            if a.write_only {
                flags.push(format!("[Write-only]({WRITE_ONLY_LINK})"));
            }
            if a.deprecated.is_some() {
                flags.push("Deprecated".into());
            }
            let mut text = sentence(&a.description);
            if let Some(d) = &a.default {
                push_sentence(&mut text, &format!("Defaults to `{}`.", hcl_literal(d)));
            }
            if kind == SchemaKind::Resource {
                for pm in &a.plan_modifiers {
                    match pm {
                        PlanModifier::RequiresReplace => {
                            push_sentence(&mut text, "Changing this forces a new resource.")
                        }
                        PlanModifier::RequiresReplaceIf(_) => push_sentence(
                            &mut text,
                            "Changing this may force a new resource (see the description).",
                        ),
                        PlanModifier::UseStateForUnknown => {}
                        PlanModifier::Rule(r) => push_sentence(&mut text, &r.description()),
                    }
                }
            }
            if a.write_only {
                push_sentence(
                    &mut text,
                    "Write-only (Terraform 1.11 and later): sent to the provider, never stored in the plan or state.",
                );
            }
            if let Some(msg) = &a.deprecated {
                push_sentence(&mut text, &format!("**Deprecated:** {}", msg.trim()));
            }
            if let AttributeKind::Nested(n) = &a.kind {
                let anchor = format!("nestedatt--{anchor_base}{}", a.name);
                push_sentence(
                    &mut text,
                    &format!("(see [below for nested schema](#{anchor}))"),
                );
                let mut members: Vec<Member<'a>> = n.attributes.iter().map(Member::Attr).collect();
                sort_members(&mut members);
                sections.push(Section {
                    anchor,
                    title: a.name.clone(),
                    members,
                    read_only: read_only_parent || (a.computed && !a.optional && !a.required),
                });
            }
            line(&a.name, &flags, &text)
        }
        Member::Block(b) => {
            let mut flags = vec![block_type_label(b)];
            if b.min_items > 0 {
                flags.push(format!("Min: {}", b.min_items));
            }
            if b.max_items > 0 {
                flags.push(format!("Max: {}", b.max_items));
            }
            if b.block.deprecated.is_some() {
                flags.push("Deprecated".into());
            }
            let mut text = sentence(&b.block.description);
            if let Some(msg) = &b.block.deprecated {
                push_sentence(&mut text, &format!("**Deprecated:** {}", msg.trim()));
            }
            let anchor = format!("nestedblock--{anchor_base}{}", b.name);
            push_sentence(
                &mut text,
                &format!("(see [below for nested schema](#{anchor}))"),
            );
            sections.push(Section {
                anchor,
                title: b.name.clone(),
                members: block_members(&b.block),
                read_only: read_only_parent,
            });
            line(&b.name, &flags, &text)
        }
    }
}

fn line(name: &str, flags: &[String], text: &str) -> String {
    let head = format!("- `{name}` ({})", flags.join(", "));
    if text.is_empty() {
        head
    } else {
        format!("{head} {text}")
    }
}

/// A description as one line of text ending in punctuation (empty stays empty).
pub fn sentence(d: &Description) -> String {
    let text = d.text.split_whitespace().collect::<Vec<_>>().join(" ");
    terminate(text)
}

fn terminate(mut text: String) -> String {
    if text
        .chars()
        .last()
        .is_some_and(|last| !matches!(last, '.' | '!' | '?' | ':'))
    {
        text.push('.');
    }
    text
}

fn push_sentence(text: &mut String, s: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(s);
}

fn attribute_type_label(a: &Attribute) -> String {
    match &a.kind {
        AttributeKind::Type(t) => type_label(t),
        AttributeKind::Nested(n) => match n.nesting {
            ObjectNesting::Single => "Attributes".into(),
            ObjectNesting::List => "Attributes List".into(),
            ObjectNesting::Set => "Attributes Set".into(),
            ObjectNesting::Map => "Attributes Map".into(),
        },
    }
}

fn block_type_label(b: &NestedBlock) -> String {
    match b.nesting {
        BlockNesting::Single | BlockNesting::Group => "Block".into(),
        BlockNesting::List => "Block List".into(),
        BlockNesting::Set => "Block Set".into(),
        BlockNesting::Map => "Block Map".into(),
    }
}

/// A type as the registry docs name it: `String`, `List of String`, `Map of Number`, ...
pub fn type_label(t: &Type) -> String {
    match t {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_label(e)),
        Type::Set(e) => format!("Set of {}", type_label(e)),
        Type::Map(e) => format!("Map of {}", type_label(e)),
        Type::Object { .. } => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

/// A type in HCL type-constraint syntax: `string`, `list(string)`, `object({a = number})`.
pub fn hcl_type(t: &Type) -> String {
    match t {
        Type::Bool => "bool".into(),
        Type::Number => "number".into(),
        Type::String => "string".into(),
        Type::Dynamic => "any".into(),
        Type::List(e) => format!("list({})", hcl_type(e)),
        Type::Set(e) => format!("set({})", hcl_type(e)),
        Type::Map(e) => format!("map({})", hcl_type(e)),
        Type::Object { attrs, optional } => {
            let fields: Vec<String> = attrs
                .iter()
                .map(|(k, v)| {
                    if optional.contains(k) {
                        format!("{k} = optional({})", hcl_type(v))
                    } else {
                        format!("{k} = {}", hcl_type(v))
                    }
                })
                .collect();
            format!("object({{{}}})", fields.join(", "))
        }
        Type::Tuple(ts) => format!(
            "tuple([{}])",
            ts.iter().map(hcl_type).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A known value as an HCL literal (for defaults).
pub fn hcl_literal(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\"")),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => format!(
            "[{}]",
            items.iter().map(hcl_literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) | Value::Object(m) => {
            if m.is_empty() {
                return "{}".into();
            }
            let fields: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k} = {}", hcl_literal(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Value::Dynamic(_, inner) => hcl_literal(inner),
    }
}

/// The `## Signature` and `## Arguments` sections of a function.
pub fn signature_markdown(provider: &str, name: &str, sig: &Signature) -> String {
    let mut params: Vec<String> = sig
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, hcl_type(&p.ty)))
        .collect();
    if let Some(v) = &sig.variadic {
        params.push(format!("{}... {}", v.name, hcl_type(&v.ty)));
    }
    let mut out = format!(
        "## Signature\n\n```text\nprovider::{provider}::{name}({}) {}\n```\n",
        params.join(", "),
        hcl_type(&sig.return_type)
    );
    let all: Vec<(&Parameter, bool)> = sig
        .parameters
        .iter()
        .map(|p| (p, false))
        .chain(sig.variadic.iter().map(|p| (p, true)))
        .collect();
    if !all.is_empty() {
        out.push_str("\n## Arguments\n\n");
        for (i, (p, variadic)) in all.iter().enumerate() {
            let mut flags = vec![type_label(&p.ty)];
            if *variadic {
                flags.push("Variadic".into());
            }
            if p.allow_null {
                flags.push("Nullable".into());
            }
            let text = sentence(&p.description);
            let head = format!("{}. `{}` ({})", i + 1, p.name, flags.join(", "));
            if text.is_empty() {
                out.push_str(&format!("{head}\n"));
            } else {
                out.push_str(&format!("{head} {text}\n"));
            }
        }
    }
    out.push_str(&format!(
        "\n## Return Type\n\nThe function returns a value of type `{}`.\n",
        hcl_type(&sig.return_type)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosscluster::framework::schema::Attribute;

    #[test]
    fn type_names() {
        let cases = [
            (Type::String, "String", "string"),
            (Type::Bool, "Boolean", "bool"),
            (
                Type::List(Box::new(Type::String)),
                "List of String",
                "list(string)",
            ),
            (
                Type::Map(Box::new(Type::Set(Box::new(Type::Number)))),
                "Map of Set of Number",
                "map(set(number))",
            ),
            (Type::Dynamic, "Dynamic", "any"),
        ];
        for (t, label, hcl) in cases {
            assert_eq!(type_label(&t), label);
            assert_eq!(hcl_type(&t), hcl);
        }
    }

    #[test]
    fn literals() {
        assert_eq!(hcl_literal(&Value::String("a\"b".into())), "\"a\\\"b\"");
        assert_eq!(hcl_literal(&Value::Bool(false)), "false");
        assert_eq!(
            hcl_literal(&Value::List(vec![
                Value::String("x".into()),
                Value::String("y".into())
            ])),
            "[\"x\", \"y\"]"
        );
    }

    #[test]
    fn sentences_end_in_punctuation_and_join() {
        assert_eq!(sentence(&Description::plain("The id")), "The id.");
        assert_eq!(sentence(&Description::plain("Ends.")), "Ends.");
        assert_eq!(sentence(&Description::plain("two\n  lines")), "two lines.");
        assert_eq!(sentence(&Description::plain("")), "");
    }

    #[test]
    fn nested_anchors_are_paths() {
        let b = Block::new().block(NestedBlock::single(
            "access",
            Block::new().block(NestedBlock::list(
                "search",
                Block::new().attribute(Attribute::list("names", Type::String).required()),
            )),
        ));
        let md = schema_markdown(&b, SchemaKind::Resource);
        assert!(md.contains("(#nestedblock--access)"), "{md}");
        assert!(
            md.contains("<a id=\"nestedblock--access--search\"></a>"),
            "{md}"
        );
        assert!(md.contains("### Nested Schema for `access.search`"), "{md}");
        assert!(md.contains("- `names` (List of String)"), "{md}");
    }

    #[test]
    fn members_are_listed_alphabetically_within_each_group() {
        let b = Block::new()
            .attribute(Attribute::string("zeta").optional())
            .block(NestedBlock::single(
                "middle",
                Block::new()
                    .attribute(Attribute::string("y").optional())
                    .attribute(Attribute::string("b").optional()),
            ))
            .attribute(Attribute::string("alpha").optional())
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string("id").computed());
        let md = schema_markdown(&b, SchemaKind::Resource);
        let pos = |needle: &str| {
            md.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {md}"))
        };
        assert!(pos("- `alpha`") < pos("- `middle`"), "{md}");
        assert!(pos("- `middle`") < pos("- `zeta`"), "{md}");
        let nested = &md[pos("### Nested Schema for `middle`")..];
        assert!(nested.find("- `b`") < nested.find("- `y`"), "{md}");
        assert!(
            pos("### Required") < pos("### Optional") && pos("### Optional") < pos("### Read-Only")
        );
    }
}
