//! cty values and types: the data model Terraform exchanges with providers.
//!
//! This file holds the shared definitions; the codecs live in `msgpack.rs` and `json.rs`.

use std::collections::{BTreeMap, BTreeSet};

use bigdecimal::BigDecimal;

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    Bool,
    Number,
    String,
    /// `cty.DynamicPseudoType`: the concrete type travels with the value.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// Object with attribute types; `optional` names attributes marked optional
    /// (only meaningful in type constraints, e.g. function parameters).
    Object {
        attrs: BTreeMap<String, Type>,
        optional: BTreeSet<String>,
    },
    Tuple(Vec<Type>),
}

/// An arbitrary-precision decimal number, as cty's numbers are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(pub BigDecimal);

/// What Terraform knows about an unknown value (msgpack extension 12 payload).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refinements {
    /// Key 1: the value is known not to be null.
    pub not_null: Option<bool>,
    /// Key 2: a known prefix of an unknown string.
    pub string_prefix: Option<String>,
    /// Keys 3/4: lower and upper bound of an unknown number, each with inclusiveness.
    pub number_lower: Option<(Number, bool)>,
    pub number_upper: Option<(Number, bool)>,
    /// Keys 5/6: bounds on the length of an unknown collection.
    pub length_lower: Option<u64>,
    pub length_upper: Option<u64>,
}

/// A cty value. Values are interpreted against a [`Type`] (the schema's), so
/// `Null` and `Unknown` carry no type of their own.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Unknown(Refinements),
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    /// Set elements; order is not meaningful.
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value of a `Dynamic`-typed position, with its concrete type.
    Dynamic(Type, Box<Value>),
}
