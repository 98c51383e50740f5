//! Schema model: attributes, nested attributes, nested blocks, plan rules and validators.
//!
//! Schemas are built with small builder methods:
//!
//! ```
//! use tfplugin::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
//! use tfplugin::framework::value::{Type, Value};
//!
//! let schema = Schema::new(
//!     Block::new()
//!         .description("A trust relationship.")
//!         .attribute(Attribute::string("id").computed().use_state_for_unknown())
//!         .attribute(Attribute::string("name").required().requires_replace())
//!         .attribute(
//!             Attribute::string("mode")
//!                 .optional()
//!                 .computed()
//!                 .default_value(Value::String("api_key".into()))
//!                 .validator(Validator::one_of(["api_key", "certificate"])),
//!         )
//!         .attribute(Attribute::string("api_key").optional().sensitive().write_only())
//!         .block(NestedBlock::list("remote", Block::new().attribute(Attribute::string("alias").required())).max_items(5)),
//! )
//! .version(1);
//! assert!(matches!(schema.block.object_type(), Type::Object { .. }));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use regex::Regex;

use super::diag::{AttributePath, Diagnostic, Diagnostics, PathStep};
use super::value::{Type, Value};

/// How a description is formatted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StringKind {
    /// Plain text.
    #[default]
    Plain,
    /// Markdown.
    Markdown,
}

/// A description with its format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Description {
    /// The text (empty when undocumented).
    pub text: String,
    /// Plain or Markdown.
    pub kind: StringKind,
}

impl Description {
    /// A plain-text description.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: StringKind::Plain,
        }
    }

    /// A Markdown description.
    pub fn markdown(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: StringKind::Markdown,
        }
    }
}

/// A whole schema: the top block plus its version (for state upgrades).
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Schema version; bump when the stored state's shape changes.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Schema {
    /// A version-0 schema for `block`.
    pub fn new(block: Block) -> Self {
        Self { version: 0, block }
    }

    /// This schema with another version.
    #[must_use]
    pub fn version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }
}

/// A configuration block: attributes and nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Attributes in declaration order.
    pub attributes: Vec<Attribute>,
    /// Nested block types in declaration order.
    pub blocks: Vec<NestedBlock>,
    /// Description of the block.
    pub description: Description,
    /// Deprecation message; `Some` marks the block deprecated.
    pub deprecated: Option<String>,
    /// Validators over the whole block value (e.g. [`Validator::exactly_one_of`]).
    pub validators: Vec<Validator>,
}

impl Block {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, attr: Attribute) -> Self {
        self.attributes.push(attr);
        self
    }

    /// Adds a nested block type.
    #[must_use]
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.blocks.push(block);
        self
    }

    /// Sets a plain description.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::plain(text);
        self
    }

    /// Sets a Markdown description.
    #[must_use]
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::markdown(text);
        self
    }

    /// Marks the block deprecated with a message.
    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecated = Some(message.into());
        self
    }

    /// Adds a block-level validator.
    #[must_use]
    pub fn validator(mut self, v: Validator) -> Self {
        self.validators.push(v);
        self
    }

    /// The attribute called `name`.
    pub fn get_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The nested block type called `name`.
    pub fn get_block(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.name == name)
    }

    /// The cty object type of values of this block.
    pub fn object_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for a in &self.attributes {
            attrs.insert(a.name.clone(), a.value_type());
        }
        for b in &self.blocks {
            attrs.insert(b.name.clone(), b.value_type());
        }
        Type::Object {
            attrs,
            optional: BTreeSet::new(),
        }
    }

    /// An object value of this block with every attribute null and every nested
    /// block absent (null for single/group nesting, empty for list/set/map).
    pub fn empty_value(&self) -> Value {
        let mut m = BTreeMap::new();
        for a in &self.attributes {
            m.insert(a.name.clone(), Value::Null);
        }
        for b in &self.blocks {
            let v = match b.nesting {
                BlockNesting::Single | BlockNesting::Group => Value::Null,
                BlockNesting::List => Value::List(Vec::new()),
                BlockNesting::Set => Value::Set(Vec::new()),
                BlockNesting::Map => Value::Map(BTreeMap::new()),
            };
            m.insert(b.name.clone(), v);
        }
        Value::Object(m)
    }

    /// The attribute at `path` (attribute names through nested attributes and blocks;
    /// element keys and indices are skipped over).
    pub fn attribute_at(&self, path: &AttributePath) -> Option<&Attribute> {
        let mut block = self;
        let mut nested: Option<&[Attribute]> = None;
        let mut found: Option<&Attribute> = None;
        for step in path.steps() {
            let PathStep::Attr(name) = step else { continue };
            if let Some(attrs) = nested {
                let a = attrs.iter().find(|a| &a.name == name)?;
                found = Some(a);
                nested = match &a.kind {
                    AttributeKind::Nested(n) => Some(&n.attributes),
                    AttributeKind::Type(_) => None,
                };
                continue;
            }
            if found.is_some() {
                return None;
            }
            if let Some(a) = block.get_attribute(name) {
                found = Some(a);
                if let AttributeKind::Nested(n) = &a.kind {
                    nested = Some(&n.attributes);
                }
            } else {
                block = &block.get_block(name)?.block;
            }
        }
        found
    }

    /// Runs every validator of this block (and of nested attributes and blocks)
    /// against a configuration `value`, adding diagnostics with paths under `path`.
    /// Null and unknown values are skipped by value validators.
    pub fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Value::Object(fields) = value else { return };
        for v in &self.validators {
            v.check_object(fields, path, diags);
        }
        for a in &self.attributes {
            let p = path.clone().attr(&a.name);
            let av = fields.get(&a.name).unwrap_or(&Value::Null);
            a.validate(av, fields, &p, diags);
        }
        for b in &self.blocks {
            let p = path.clone().attr(&b.name);
            let bv = fields.get(&b.name).unwrap_or(&Value::Null);
            for (ep, ev) in elements(bv, &p) {
                b.block.validate(ev, &ep, diags);
            }
        }
    }
}

/// Elements of a collection value with their paths; a single object is its own element.
pub(crate) fn elements<'a>(
    value: &'a Value,
    path: &AttributePath,
) -> Vec<(AttributePath, &'a Value)> {
    match value {
        Value::List(items) | Value::Tuple(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (path.clone().index(i as i64), v))
            .collect(),
        // Set elements have no stable address; point at the set itself.
        Value::Set(items) => items.iter().map(|v| (path.clone(), v)).collect(),
        Value::Map(m) => m.iter().map(|(k, v)| (path.clone().key(k), v)).collect(),
        Value::Object(_) => vec![(path.clone(), value)],
        _ => Vec::new(),
    }
}

/// How a nested block type repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockNesting {
    /// At most one block; value is an object or null.
    Single,
    /// Exactly one block, always present (value never null).
    Group,
    /// Ordered blocks; value is a list of objects.
    List,
    /// Unordered blocks; value is a set of objects.
    Set,
    /// Labelled blocks; value is a map of objects.
    Map,
}

/// A nested block type in a block.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    /// Block type name.
    pub name: String,
    /// Repetition mode.
    pub nesting: BlockNesting,
    /// The block's contents.
    pub block: Block,
    /// Minimum number of blocks (0 = no minimum).
    pub min_items: i64,
    /// Maximum number of blocks (0 = no maximum).
    pub max_items: i64,
}

impl NestedBlock {
    /// A nested block with the given nesting.
    pub fn new(name: impl Into<String>, nesting: BlockNesting, block: Block) -> Self {
        Self {
            name: name.into(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
        }
    }

    /// A block that may appear at most once.
    pub fn single(name: impl Into<String>, block: Block) -> Self {
        Self::new(name, BlockNesting::Single, block)
    }

    /// A repeatable, ordered block.
    pub fn list(name: impl Into<String>, block: Block) -> Self {
        Self::new(name, BlockNesting::List, block)
    }

    /// A repeatable, unordered block.
    pub fn set(name: impl Into<String>, block: Block) -> Self {
        Self::new(name, BlockNesting::Set, block)
    }

    /// Sets the minimum number of blocks.
    #[must_use]
    pub fn min_items(mut self, n: i64) -> Self {
        self.min_items = n;
        self
    }

    /// Sets the maximum number of blocks.
    #[must_use]
    pub fn max_items(mut self, n: i64) -> Self {
        self.max_items = n;
        self
    }

    /// The cty type of this block type's value in its parent object.
    pub fn value_type(&self) -> Type {
        let obj = self.block.object_type();
        match self.nesting {
            BlockNesting::Single | BlockNesting::Group => obj,
            BlockNesting::List => Type::List(Box::new(obj)),
            BlockNesting::Set => Type::Set(Box::new(obj)),
            BlockNesting::Map => Type::Map(Box::new(obj)),
        }
    }
}

/// How nested attributes repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectNesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// The nested attributes of an attribute whose value is object-shaped.
#[derive(Debug, Clone)]
pub struct NestedAttributes {
    /// Repetition mode.
    pub nesting: ObjectNesting,
    /// The attributes of each object.
    pub attributes: Vec<Attribute>,
}

impl NestedAttributes {
    /// The cty object type of one element.
    pub fn object_type(&self) -> Type {
        let attrs = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        Type::Object {
            attrs,
            optional: BTreeSet::new(),
        }
    }

    /// Treats the attributes as a block (for plan walking and validation).
    pub(crate) fn as_block(&self) -> Block {
        Block {
            attributes: self.attributes.clone(),
            ..Block::default()
        }
    }
}

/// What an attribute holds: a plain cty type or nested attributes.
#[derive(Debug, Clone)]
pub enum AttributeKind {
    /// A value of this type.
    Type(Type),
    /// Object-shaped value described by nested attributes.
    Nested(NestedAttributes),
}

/// Decides `RequiresReplaceIf`: `(prior state value, planned value) -> replace?`.
pub type ReplaceIfFn = Arc<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

/// One attribute's plan, as an [`AttributePlanRule`] sees and changes it.
#[derive(Debug)]
pub struct AttributePlan<'a> {
    /// The attribute's configuration value.
    pub config: &'a Value,
    /// The attribute's prior state value (`None` while creating).
    pub prior: Option<&'a Value>,
    /// The planned value so far; the rule may replace it.
    pub planned: Value,
    /// Set to true when the change must replace the resource (ignored while creating).
    pub requires_replace: bool,
}

/// A plan rule of one attribute: a value with a description, so documentation can show it.
pub trait AttributePlanRule: Send + Sync {
    /// What the rule does, in one sentence (Markdown).
    fn description(&self) -> String;

    /// Shapes the attribute's plan.
    fn modify(&self, plan: &mut AttributePlan<'_>);
}

/// A configuration check of one known, non-null value: a value with a description.
pub trait ValueRule: Send + Sync {
    /// What the rule requires, in one sentence (Markdown).
    fn description(&self) -> String;

    /// Adds an error at `path` when `value` breaks the rule.
    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics);
}

/// A rule that shapes the planned value of an attribute.
#[derive(Clone)]
pub enum PlanModifier {
    /// Any change of the value (on an existing resource) replaces the resource.
    RequiresReplace,
    /// Like [`PlanModifier::RequiresReplace`], only when the function says so for
    /// `(prior state value, planned value)`.
    RequiresReplaceIf(ReplaceIfFn),
    /// A computed value planned unknown keeps the prior state's value instead.
    UseStateForUnknown,
    /// Any other rule.
    Rule(Arc<dyn AttributePlanRule>),
}

impl PlanModifier {
    /// A plan modifier from a rule value.
    pub fn rule(rule: impl AttributePlanRule + 'static) -> Self {
        Self::Rule(Arc::new(rule))
    }

    /// What the modifier does, in one sentence.
    pub fn description(&self) -> String {
        match self {
            Self::RequiresReplace => "Changing the value replaces the resource.".to_owned(),
            Self::RequiresReplaceIf(_) => {
                "Some changes of the value replace the resource.".to_owned()
            }
            Self::UseStateForUnknown => {
                "Once known, the value keeps its state value in later plans.".to_owned()
            }
            Self::Rule(r) => r.description(),
        }
    }
}

impl fmt::Debug for PlanModifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RequiresReplace => f.write_str("RequiresReplace"),
            Self::RequiresReplaceIf(_) => f.write_str("RequiresReplaceIf(..)"),
            Self::UseStateForUnknown => f.write_str("UseStateForUnknown"),
            Self::Rule(r) => write!(f, "Rule({:?})", r.description()),
        }
    }
}

/// Signature of a custom validator: value, its path, diagnostics to add to.
pub type CustomValidator = Arc<dyn Fn(&Value, &AttributePath, &mut Diagnostics) + Send + Sync>;

/// A configuration check that yields diagnostics with attribute paths.
///
/// Value validators ([`Validator::regex`], [`Validator::one_of`], [`Validator::custom`],
/// [`Validator::length_between`]) run on known, non-null values only. Sibling
/// validators ([`Validator::conflicts_with`], [`Validator::exactly_one_of`],
/// [`Validator::at_least_one_of`]) look at attributes of the same object and are skipped
/// while any involved value is unknown.
#[derive(Clone)]
pub enum Validator {
    /// A string must match the pattern.
    Regex {
        /// The compiled pattern.
        pattern: Regex,
        /// Message shown when it does not match.
        message: String,
    },
    /// A string must be one of these.
    OneOf(Vec<String>),
    /// A string's length (in characters) must be within the bounds.
    LengthBetween(usize, usize),
    /// When this attribute is set, none of these sibling attributes may be.
    ConflictsWith(Vec<String>),
    /// Exactly one of these attributes (of the object) must be set.
    ExactlyOneOf(Vec<String>),
    /// At least one of these attributes (of the object) must be set.
    AtLeastOneOf(Vec<String>),
    /// A list or set must have at least this many elements.
    MinItems(usize),
    /// A number must be at least this.
    AtLeast(i64),
    /// Any check.
    Custom(CustomValidator),
    /// A check with a description.
    Rule(Arc<dyn ValueRule>),
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Regex { pattern, .. } => write!(f, "Regex({})", pattern.as_str()),
            Self::OneOf(v) => write!(f, "OneOf({v:?})"),
            Self::LengthBetween(a, b) => write!(f, "LengthBetween({a}, {b})"),
            Self::ConflictsWith(v) => write!(f, "ConflictsWith({v:?})"),
            Self::ExactlyOneOf(v) => write!(f, "ExactlyOneOf({v:?})"),
            Self::AtLeastOneOf(v) => write!(f, "AtLeastOneOf({v:?})"),
            Self::MinItems(n) => write!(f, "MinItems({n})"),
            Self::AtLeast(n) => write!(f, "AtLeast({n})"),
            Self::Custom(_) => f.write_str("Custom(..)"),
            Self::Rule(r) => write!(f, "Rule({:?})", r.description()),
        }
    }
}

impl Validator {
    /// A regex validator; `message` says what the value must look like.
    pub fn regex(pattern: &str, message: impl Into<String>) -> Result<Self, regex::Error> {
        Ok(Self::Regex {
            pattern: Regex::new(pattern)?,
            message: message.into(),
        })
    }

    /// The value must be one of `allowed`.
    pub fn one_of<I, S>(allowed: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::OneOf(allowed.into_iter().map(Into::into).collect())
    }

    /// The string length must be within `min..=max`.
    pub fn length_between(min: usize, max: usize) -> Self {
        Self::LengthBetween(min, max)
    }

    /// When set, none of `others` (sibling attribute names) may be set.
    pub fn conflicts_with<I, S>(others: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::ConflictsWith(others.into_iter().map(Into::into).collect())
    }

    /// Exactly one of `names` must be set (use on a [`Block`]).
    pub fn exactly_one_of<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::ExactlyOneOf(names.into_iter().map(Into::into).collect())
    }

    /// At least one of `names` must be set (use on a [`Block`]).
    pub fn at_least_one_of<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::AtLeastOneOf(names.into_iter().map(Into::into).collect())
    }

    /// A list or set must have at least `n` elements (null is left to `required`).
    pub fn min_items(n: usize) -> Self {
        Self::MinItems(n)
    }

    /// A number must be at least `n`.
    pub fn at_least(n: i64) -> Self {
        Self::AtLeast(n)
    }

    /// A validator from a rule value (runs on known, non-null values).
    pub fn rule(rule: impl ValueRule + 'static) -> Self {
        Self::Rule(Arc::new(rule))
    }

    /// What the validator requires, in one sentence; `None` for an undescribed custom check.
    pub fn description(&self) -> Option<String> {
        let list = |v: &[String]| {
            v.iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Some(match self {
            Self::Regex { message, .. } => format!("The value {message}."),
            Self::OneOf(v) => format!("One of {}.", list(v)),
            Self::LengthBetween(a, b) => format!("Between {a} and {b} characters."),
            Self::ConflictsWith(v) => format!("Conflicts with {}.", list(v)),
            Self::ExactlyOneOf(v) => format!("Exactly one of {} must be set.", list(v)),
            Self::AtLeastOneOf(v) => format!("At least one of {} must be set.", list(v)),
            Self::MinItems(n) => format!("At least {n} element(s)."),
            Self::AtLeast(n) => format!("At least {n}."),
            Self::Rule(r) => r.description(),
            Self::Custom(_) => return None,
        })
    }

    /// A custom check.
    pub fn custom(
        f: impl Fn(&Value, &AttributePath, &mut Diagnostics) + Send + Sync + 'static,
    ) -> Self {
        Self::Custom(Arc::new(f))
    }

    /// Checks one attribute value (with its siblings for sibling rules).
    fn check_attribute(
        &self,
        value: &Value,
        siblings: &BTreeMap<String, Value>,
        path: &AttributePath,
        diags: &mut Diagnostics,
    ) {
        match self {
            Self::ConflictsWith(others) => {
                if !is_set(value) {
                    return;
                }
                for o in others {
                    if siblings.get(o).is_some_and(is_set) {
                        let name = attr_name(path);
                        diags.push(Diagnostic::attribute_error(
                            path.clone(),
                            "Conflicting configuration arguments",
                            format!("\"{name}\": conflicts with {o}"),
                        ));
                    }
                }
            }
            Self::ExactlyOneOf(_) | Self::AtLeastOneOf(_) => {
                self.check_object(siblings, &path.parent(), diags);
            }
            _ => {
                if matches!(value, Value::Null | Value::Unknown(_)) {
                    return;
                }
                self.check_value(value, path, diags);
            }
        }
    }

    /// Checks a known, non-null value.
    fn check_value(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        match self {
            Self::Regex { pattern, message } => {
                if let Value::String(s) = value {
                    if !pattern.is_match(s) {
                        diags.push(Diagnostic::attribute_error(
                            path.clone(),
                            "Invalid attribute value",
                            format!("Attribute {path} {message}, got: {s:?}"),
                        ));
                    }
                }
            }
            Self::OneOf(allowed) => {
                if let Value::String(s) = value {
                    if !allowed.iter().any(|a| a == s) {
                        let list = allowed
                            .iter()
                            .map(|a| format!("{a:?}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        diags.push(Diagnostic::attribute_error(
                            path.clone(),
                            "Invalid attribute value",
                            format!("Attribute {path} value must be one of: [{list}], got: {s:?}"),
                        ));
                    }
                }
            }
            Self::LengthBetween(min, max) => {
                if let Value::String(s) = value {
                    let n = s.chars().count();
                    if n < *min || n > *max {
                        diags.push(Diagnostic::attribute_error(
                            path.clone(),
                            "Invalid attribute value length",
                            format!(
                                "Attribute {path} string length must be between {min} and {max}, got: {n}"
                            ),
                        ));
                    }
                }
            }
            Self::MinItems(min) => {
                if let Value::List(items) | Value::Set(items) = value
                    && items.len() < *min
                {
                    diags.push(Diagnostic::attribute_error(
                        path.clone(),
                        "Invalid attribute value",
                        format!(
                            "Attribute {path} must have at least {min} element(s), got: {}",
                            items.len()
                        ),
                    ));
                }
            }
            Self::AtLeast(min) => {
                if let Value::Number(n) = value
                    && n.0 < *min
                {
                    diags.push(Diagnostic::attribute_error(
                        path.clone(),
                        "Invalid attribute value",
                        format!("Attribute {path} must be at least {min}, got: {n}"),
                    ));
                }
            }
            Self::Custom(f) => f(value, path, diags),
            Self::Rule(r) => r.check(value, path, diags),
            Self::ConflictsWith(_) | Self::ExactlyOneOf(_) | Self::AtLeastOneOf(_) => {}
        }
    }

    /// Checks rules over the attributes of one object at `path`.
    fn check_object(
        &self,
        fields: &BTreeMap<String, Value>,
        path: &AttributePath,
        diags: &mut Diagnostics,
    ) {
        let (names, exactly) = match self {
            Self::ExactlyOneOf(n) => (n, true),
            Self::AtLeastOneOf(n) => (n, false),
            Self::Custom(f) => {
                f(&Value::Object(fields.clone()), path, diags);
                return;
            }
            _ => return,
        };
        if names
            .iter()
            .any(|n| matches!(fields.get(n), Some(Value::Unknown(_))))
        {
            return;
        }
        let set: Vec<&String> = names
            .iter()
            .filter(|n| fields.get(*n).is_some_and(is_set))
            .collect();
        let list = names
            .iter()
            .map(|n| path.clone().attr(n).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if set.is_empty() {
            let what = if exactly {
                "Exactly one"
            } else {
                "At least one"
            };
            diags.push(Diagnostic::attribute_error(
                path.clone(),
                "Invalid attribute combination",
                format!("{what} of these attributes must be configured: [{list}]"),
            ));
        } else if exactly && set.len() > 1 {
            for n in set {
                diags.push(Diagnostic::attribute_error(
                    path.clone().attr(n),
                    "Invalid attribute combination",
                    format!("Only one of these attributes may be configured: [{list}]"),
                ));
            }
        }
    }
}

fn attr_name(path: &AttributePath) -> String {
    match path.steps().last() {
        Some(PathStep::Attr(n)) => n.clone(),
        _ => path.to_string(),
    }
}

/// Whether a configuration value counts as "set": not null (unknown counts as set).
fn is_set(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::List(items) | Value::Set(items) => !items.is_empty(),
        _ => true,
    }
}

/// One attribute of a block or of a nested attribute object.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Its type or nested attributes.
    pub kind: AttributeKind,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// Set by the provider (alone: read-only; with optional: provider fills when absent).
    pub computed: bool,
    /// Hidden in Terraform's output.
    pub sensitive: bool,
    /// Taken from configuration, never stored in plan or state.
    pub write_only: bool,
    /// Deprecation message; `Some` marks the attribute deprecated.
    pub deprecated: Option<String>,
    /// Description.
    pub description: Description,
    /// Plan rules, applied in order.
    pub plan_modifiers: Vec<PlanModifier>,
    /// Value used in the plan when configuration leaves the attribute null.
    pub default: Option<Value>,
    /// Configuration checks.
    pub validators: Vec<Validator>,
}

impl Attribute {
    /// An attribute of type `ty` (neither required, optional nor computed yet).
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self::with_kind(name, AttributeKind::Type(ty))
    }

    fn with_kind(name: impl Into<String>, kind: AttributeKind) -> Self {
        Self {
            name: name.into(),
            kind,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: None,
            description: Description::default(),
            plan_modifiers: Vec::new(),
            default: None,
            validators: Vec::new(),
        }
    }

    /// A string attribute.
    pub fn string(name: impl Into<String>) -> Self {
        Self::new(name, Type::String)
    }

    /// A number attribute.
    pub fn number(name: impl Into<String>) -> Self {
        Self::new(name, Type::Number)
    }

    /// A bool attribute.
    pub fn bool(name: impl Into<String>) -> Self {
        Self::new(name, Type::Bool)
    }

    /// A list attribute with element type `elem`.
    pub fn list(name: impl Into<String>, elem: Type) -> Self {
        Self::new(name, Type::List(Box::new(elem)))
    }

    /// A set attribute with element type `elem`.
    pub fn set(name: impl Into<String>, elem: Type) -> Self {
        Self::new(name, Type::Set(Box::new(elem)))
    }

    /// A map attribute with element type `elem`.
    pub fn map(name: impl Into<String>, elem: Type) -> Self {
        Self::new(name, Type::Map(Box::new(elem)))
    }

    /// An attribute made of nested attributes.
    pub fn nested(
        name: impl Into<String>,
        nesting: ObjectNesting,
        attributes: Vec<Attribute>,
    ) -> Self {
        Self::with_kind(
            name,
            AttributeKind::Nested(NestedAttributes {
                nesting,
                attributes,
            }),
        )
    }

    /// Must be configured.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self.optional = false;
        self
    }

    /// May be configured.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self.required = false;
        self
    }

    /// Set by the provider.
    #[must_use]
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    /// Sensitive: Terraform hides the value in its output.
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Write-only: never in plan or state.
    #[must_use]
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    /// Marks deprecated with a message.
    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecated = Some(message.into());
        self
    }

    /// Plain description.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::plain(text);
        self
    }

    /// Markdown description.
    #[must_use]
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::markdown(text);
        self
    }

    /// Adds [`PlanModifier::RequiresReplace`].
    #[must_use]
    pub fn requires_replace(self) -> Self {
        self.plan_modifier(PlanModifier::RequiresReplace)
    }

    /// Adds [`PlanModifier::UseStateForUnknown`].
    #[must_use]
    pub fn use_state_for_unknown(self) -> Self {
        self.plan_modifier(PlanModifier::UseStateForUnknown)
    }

    /// Adds a plan modifier.
    #[must_use]
    pub fn plan_modifier(mut self, m: PlanModifier) -> Self {
        self.plan_modifiers.push(m);
        self
    }

    /// Value planned when configuration leaves the attribute null (the attribute
    /// should be optional + computed).
    #[must_use]
    pub fn default_value(mut self, v: Value) -> Self {
        self.default = Some(v);
        self
    }

    /// Adds a validator.
    #[must_use]
    pub fn validator(mut self, v: Validator) -> Self {
        self.validators.push(v);
        self
    }

    /// The cty type of this attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Type(t) => t.clone(),
            AttributeKind::Nested(n) => {
                let obj = n.object_type();
                match n.nesting {
                    ObjectNesting::Single => obj,
                    ObjectNesting::List => Type::List(Box::new(obj)),
                    ObjectNesting::Set => Type::Set(Box::new(obj)),
                    ObjectNesting::Map => Type::Map(Box::new(obj)),
                }
            }
        }
    }

    /// Whether the attribute has the given plan modifier kind.
    pub fn has_requires_replace(&self) -> bool {
        self.plan_modifiers
            .iter()
            .any(|m| matches!(m, PlanModifier::RequiresReplace))
    }

    fn validate(
        &self,
        value: &Value,
        siblings: &BTreeMap<String, Value>,
        path: &AttributePath,
        diags: &mut Diagnostics,
    ) {
        for v in &self.validators {
            v.check_attribute(value, siblings, path, diags);
        }
        if let AttributeKind::Nested(n) = &self.kind {
            let block = n.as_block();
            for (ep, ev) in elements(value, path) {
                block.validate(ev, &ep, diags);
            }
        }
    }
}

/// Placeholder that replaces sensitive values in [`redact`]ed output.
pub const REDACTED: &str = "(sensitive value)";

/// A copy of `value` (an object of `block`) where every sensitive or write-only
/// attribute that is set is replaced by the string [`REDACTED`]: safe to log.
pub fn redact(block: &Block, value: &Value) -> Value {
    let Value::Object(fields) = value else {
        return value.clone();
    };
    let mut out = fields.clone();
    for a in &block.attributes {
        let Some(v) = out.get_mut(&a.name) else {
            continue;
        };
        if a.sensitive || a.write_only {
            if !matches!(v, Value::Null) {
                *v = Value::String(REDACTED.to_string());
            }
        } else if let AttributeKind::Nested(n) = &a.kind {
            *v = map_elements(v, &|e| redact(&n.as_block(), e));
        }
    }
    for b in &block.blocks {
        if let Some(v) = out.get_mut(&b.name) {
            *v = map_elements(v, &|e| redact(&b.block, e));
        }
    }
    Value::Object(out)
}

/// Applies `f` to each object element of a (possibly collection) value.
pub(crate) fn map_elements(value: &Value, f: &dyn Fn(&Value) -> Value) -> Value {
    match value {
        Value::Object(_) => f(value),
        Value::List(items) => Value::List(items.iter().map(f).collect()),
        Value::Set(items) => Value::Set(items.iter().map(f).collect()),
        Value::Map(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), f(v))).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    #[test]
    fn object_type_covers_attributes_nested_attributes_and_blocks() {
        let b = Block::new()
            .attribute(Attribute::string("a").required())
            .attribute(Attribute::nested(
                "n",
                ObjectNesting::List,
                vec![Attribute::number("x").optional()],
            ))
            .block(NestedBlock::set(
                "s",
                Block::new().attribute(Attribute::bool("f").optional()),
            ))
            .block(NestedBlock::single("one", Block::new()));
        let Type::Object { attrs, .. } = b.object_type() else {
            panic!("not an object")
        };
        assert_eq!(attrs["a"], Type::String);
        let Type::List(inner) = &attrs["n"] else {
            panic!("n")
        };
        assert!(matches!(&**inner, Type::Object { attrs, .. } if attrs["x"] == Type::Number));
        assert!(matches!(&attrs["s"], Type::Set(_)));
        assert!(matches!(&attrs["one"], Type::Object { attrs, .. } if attrs.is_empty()));

        let Value::Object(empty) = b.empty_value() else {
            panic!()
        };
        assert_eq!(empty["a"], Value::Null);
        assert_eq!(empty["s"], Value::Set(vec![]));
        assert_eq!(empty["one"], Value::Null);
    }

    #[test]
    fn attribute_lookup_follows_blocks_and_nested_attributes() {
        let b = Block::new()
            .attribute(Attribute::nested(
                "n",
                ObjectNesting::Map,
                vec![Attribute::string("secret").optional().sensitive()],
            ))
            .block(NestedBlock::list(
                "l",
                Block::new().attribute(Attribute::string("x").optional()),
            ));
        let p = AttributePath::root().attr("n").key("k").attr("secret");
        assert!(b.attribute_at(&p).is_some_and(|a| a.sensitive));
        let p = AttributePath::root().attr("l").index(0).attr("x");
        assert_eq!(b.attribute_at(&p).map(|a| a.name.as_str()), Some("x"));
        assert!(b.attribute_at(&AttributePath::attr_path("nope")).is_none());
    }

    #[test]
    fn validators_report_paths() {
        let b = Block::new()
            .validator(Validator::exactly_one_of(["a", "b"]))
            .attribute(Attribute::string("a").optional().validator(
                Validator::regex("^https?://", "must start with http:// or https://").unwrap(),
            ))
            .attribute(
                Attribute::string("b")
                    .optional()
                    .validator(Validator::conflicts_with(["a"])),
            )
            .block(NestedBlock::list(
                "items",
                Block::new().attribute(
                    Attribute::string("mode")
                        .optional()
                        .validator(Validator::one_of(["x", "y"])),
                ),
            ));
        let mut d = Diagnostics::new();
        let v = Value::Object(obj(&[
            ("a", s("ftp://x")),
            ("b", s("1")),
            (
                "items",
                Value::List(vec![
                    Value::Object(obj(&[("mode", s("x"))])),
                    Value::Object(obj(&[("mode", s("z"))])),
                ]),
            ),
        ]));
        b.validate(&v, &AttributePath::root(), &mut d);
        let paths: Vec<String> = d
            .iter()
            .map(|x| x.path.clone().unwrap_or_default().to_string())
            .collect();
        assert!(paths.contains(&"a".to_string()), "{paths:?}");
        assert!(paths.contains(&"b".to_string()), "{paths:?}");
        assert!(paths.contains(&"items[1].mode".to_string()), "{paths:?}");
        assert!(!paths.contains(&"items[0].mode".to_string()), "{paths:?}");
        assert!(d.iter().any(|x| x.detail.contains("conflicts with a")));

        // Neither set: exactly-one-of fails at the block; unknown values are skipped.
        let mut d = Diagnostics::new();
        b.validate(
            &Value::Object(obj(&[("a", Value::Null), ("b", Value::Null)])),
            &AttributePath::root(),
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert!(d.iter().all(|x| x.detail.contains("Exactly one")));
        let mut d = Diagnostics::new();
        b.validate(
            &Value::Object(obj(&[
                ("a", Value::Unknown(Default::default())),
                ("b", Value::Null),
            ])),
            &AttributePath::root(),
            &mut d,
        );
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn redact_hides_sensitive_and_write_only_values() {
        let b = Block::new()
            .attribute(Attribute::string("name").optional())
            .attribute(Attribute::string("key").optional().sensitive())
            .attribute(Attribute::string("wo").optional().write_only())
            .block(NestedBlock::list(
                "l",
                Block::new().attribute(Attribute::string("p").optional().sensitive()),
            ));
        let v = Value::Object(obj(&[
            ("name", s("n")),
            ("key", s("hunter2")),
            ("wo", Value::Null),
            (
                "l",
                Value::List(vec![Value::Object(obj(&[("p", s("pw"))]))]),
            ),
        ]));
        let r = redact(&b, &v);
        let text = format!("{r:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("\"pw\""),
            "{text}"
        );
        let Value::Object(m) = r else { panic!() };
        assert_eq!(m["name"], s("n"));
        assert_eq!(m["key"], s(REDACTED));
        assert_eq!(m["wo"], Value::Null);
    }
}
