//! cty values and types: the data model Terraform exchanges with providers.
//!
//! This file holds the shared definitions; the codecs live in `msgpack.rs` and `json.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use bigdecimal::num_bigint::{BigInt, Sign};

pub use super::diag::{AttributePath, PathStep};

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `cty.Bool`.
    Bool,
    /// `cty.Number`: an arbitrary-precision decimal.
    Number,
    /// `cty.String`: a Unicode string.
    String,
    /// `cty.DynamicPseudoType`: the concrete type travels with the value.
    Dynamic,
    /// A list of elements of one type.
    List(Box<Type>),
    /// A set of elements of one type.
    Set(Box<Type>),
    /// A map from strings to elements of one type.
    Map(Box<Type>),
    /// Object with attribute types; `optional` names attributes marked optional
    /// (only meaningful in type constraints, e.g. function parameters).
    Object {
        /// Attribute name to attribute type.
        attrs: BTreeMap<String, Type>,
        /// Names of the attributes marked optional.
        optional: BTreeSet<String>,
    },
    /// A fixed-length sequence with one type per element.
    Tuple(Vec<Type>),
}

/// An arbitrary-precision decimal number, as cty's numbers are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(pub BigDecimal);

/// What Terraform knows about an unknown value (msgpack extension 12 payload).
///
/// Only the refinements that make sense for the position's type are sent on the wire: the
/// string prefix for strings, number bounds for numbers, length bounds for lists, sets and maps;
/// `not_null` for any type except `Dynamic` (which never carries refinements).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Refinements {
    /// Key 1: `Some(true)` when the value is known not to be null (the usual refinement),
    /// `Some(false)` when it is known to be null, `None` when nullness is not refined.
    /// (On the wire key 1 carries "is null", i.e. the negation.)
    pub not_null: Option<bool>,
    /// Key 2: a known prefix of an unknown string.
    pub string_prefix: Option<String>,
    /// Key 3: lower bound of an unknown number and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// Key 4: upper bound of an unknown number and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// Key 5: lower bound on the length of an unknown collection.
    pub length_lower: Option<u64>,
    /// Key 6: upper bound on the length of an unknown collection.
    pub length_upper: Option<u64>,
}

/// A cty value. Values are interpreted against a [`Type`] (the schema's), so
/// `Null` and `Unknown` carry no type of their own.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null value of the position's type.
    Null,
    /// An unknown value, with whatever Terraform knows about it.
    Unknown(Refinements),
    /// A known bool.
    Bool(bool),
    /// A known number.
    Number(Number),
    /// A known string.
    String(String),
    /// A known list.
    List(Vec<Value>),
    /// Set elements; order is not meaningful.
    Set(Vec<Value>),
    /// A known map.
    Map(BTreeMap<String, Value>),
    /// A known object (attribute name to value).
    Object(BTreeMap<String, Value>),
    /// A known tuple.
    Tuple(Vec<Value>),
    /// A value of a `Dynamic`-typed position, with its concrete type.
    Dynamic(Type, Box<Value>),
}

// ---------------------------------------------------------------------------------------------
// Paths and errors
// ---------------------------------------------------------------------------------------------

/// An error of the value layer: decoding, encoding or a conformance check, with the path inside
/// the value where it happened. Messages never contain string contents of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// An object lacks an attribute that its type requires.
    #[error("{path}: missing attribute \"{name}\"")]
    MissingAttribute {
        /// AttributePath of the object.
        path: AttributePath,
        /// The missing attribute.
        name: String,
    },
    /// An object has an attribute that its type does not declare.
    #[error("{path}: unsupported attribute \"{name}\"")]
    UnexpectedAttribute {
        /// AttributePath of the object.
        path: AttributePath,
        /// The unexpected attribute.
        name: String,
    },
    /// The encoding or value at `path` has the wrong kind for the type.
    #[error("{path}: {expected} is required, found {found}")]
    TypeMismatch {
        /// Where.
        path: AttributePath,
        /// What the type requires (a friendly type name).
        expected: String,
        /// What was found (a kind, never content).
        found: String,
    },
    /// Malformed input (truncated data, bad lengths, invalid UTF-8, bad numbers, ...).
    #[error("{path}: {message}")]
    Malformed {
        /// Where.
        path: AttributePath,
        /// What is wrong.
        message: String,
    },
    /// Nesting deeper than the decoder's or encoder's limit.
    #[error("{path}: nesting deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was hit.
        path: AttributePath,
        /// The limit.
        limit: usize,
    },
    /// An unknown value where the encoding cannot represent one (JSON).
    #[error("{path}: value is not known, and JSON cannot represent unknown values")]
    UnknownInJson {
        /// Where.
        path: AttributePath,
    },
    /// A type's JSON form is invalid.
    #[error("{path}: invalid type: {message}")]
    InvalidType {
        /// Where in the value the type appeared (root for a standalone type).
        path: AttributePath,
        /// What is wrong.
        message: String,
    },
}

impl CodecError {
    /// The path inside the value where the error happened.
    pub fn path(&self) -> &AttributePath {
        match self {
            CodecError::MissingAttribute { path, .. }
            | CodecError::UnexpectedAttribute { path, .. }
            | CodecError::TypeMismatch { path, .. }
            | CodecError::Malformed { path, .. }
            | CodecError::TooDeep { path, .. }
            | CodecError::UnknownInJson { path }
            | CodecError::InvalidType { path, .. } => path,
        }
    }

    /// Prepends `prefix` to this error's path (for errors produced by a nested decode).
    pub fn with_prefix(mut self, prefix: &[PathStep]) -> Self {
        let path = match &mut self {
            CodecError::MissingAttribute { path, .. }
            | CodecError::UnexpectedAttribute { path, .. }
            | CodecError::TypeMismatch { path, .. }
            | CodecError::Malformed { path, .. }
            | CodecError::TooDeep { path, .. }
            | CodecError::UnknownInJson { path }
            | CodecError::InvalidType { path, .. } => path,
        };
        let mut steps = prefix.to_vec();
        steps.extend_from_slice(path.steps());
        *path = AttributePath::from_steps(steps);
        self
    }
}

/// Maximum nesting depth of values the codecs accept or produce.
pub const MAX_DEPTH: usize = 256;

// ---------------------------------------------------------------------------------------------
// Type
// ---------------------------------------------------------------------------------------------

impl Type {
    /// `list(elem)`.
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// `set(elem)`.
    pub fn set(elem: Type) -> Type {
        Type::Set(Box::new(elem))
    }

    /// `map(elem)`.
    pub fn map(elem: Type) -> Type {
        Type::Map(Box::new(elem))
    }

    /// An object type with no optional attributes.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object {
            attrs: attrs.into_iter().map(|(k, t)| (k.into(), t)).collect(),
            optional: BTreeSet::new(),
        }
    }

    /// An object type with the given attributes, of which `optional` are optional.
    pub fn object_with_optional<K: Into<String>, O: Into<String>>(
        attrs: impl IntoIterator<Item = (K, Type)>,
        optional: impl IntoIterator<Item = O>,
    ) -> Type {
        Type::Object {
            attrs: attrs.into_iter().map(|(k, t)| (k.into(), t)).collect(),
            optional: optional.into_iter().map(Into::into).collect(),
        }
    }

    /// `tuple([..])`.
    pub fn tuple(elems: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elems.into_iter().collect())
    }

    /// Whether this is bool, number or string.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    /// Whether this is a list, set or map.
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// The attribute types of an object type.
    pub fn attribute_types(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object { attrs, .. } => Some(attrs),
            _ => None,
        }
    }

    /// Whether `Dynamic` appears anywhere in this type.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::Bool | Type::Number | Type::String => false,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object { attrs, .. } => attrs.values().any(Type::has_dynamic),
            Type::Tuple(ts) => ts.iter().any(Type::has_dynamic),
        }
    }

    /// This type without optional-attribute markers, recursively (the type of a value that
    /// conforms to this type constraint once defaults are filled with nulls).
    pub fn without_optional_attrs(&self) -> Type {
        match self {
            Type::Bool | Type::Number | Type::String | Type::Dynamic => self.clone(),
            Type::List(t) => Type::list(t.without_optional_attrs()),
            Type::Set(t) => Type::set(t.without_optional_attrs()),
            Type::Map(t) => Type::map(t.without_optional_attrs()),
            Type::Object { attrs, .. } => Type::Object {
                attrs: attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.without_optional_attrs()))
                    .collect(),
                optional: BTreeSet::new(),
            },
            Type::Tuple(ts) => Type::Tuple(ts.iter().map(Type::without_optional_attrs).collect()),
        }
    }
}

impl fmt::Display for Type {
    /// A friendly name, as in Terraform's messages: `string`, `list of string`, `object`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list of {t}"),
            Type::Set(t) => write!(f, "set of {t}"),
            Type::Map(t) => write!(f, "map of {t}"),
            Type::Object { .. } => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Number
// ---------------------------------------------------------------------------------------------

/// Largest decimal exponent magnitude (digits before or after the point) a [`Number`] parsed
/// from text may have. cty itself uses 512-bit binary floats; this bound keeps printing of a
/// hostile `1e999999999` from exhausting memory while allowing anything Terraform produces.
pub const MAX_NUMBER_SCALE: i64 = 100_000;

/// Largest count of significant digits a [`Number`] parsed from text may have (cty keeps
/// 512 bits, about 155 digits; this leaves ample room while bounding parse time).
pub const MAX_NUMBER_DIGITS: usize = 10_000;

/// Why a string is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberParseError {
    /// Not decimal number syntax (`-12.5e3` style; no infinities, NaN, hex or underscores).
    #[error("not a decimal number")]
    Syntax,
    /// The exponent or digit count is beyond [`MAX_NUMBER_SCALE`] / [`MAX_NUMBER_DIGITS`].
    #[error("number is out of the supported range")]
    OutOfRange,
}

impl Number {
    /// Wraps a decimal, normalized (trailing zeros stripped).
    pub fn new(d: BigDecimal) -> Number {
        Number(d.normalized())
    }

    /// Zero.
    pub fn zero() -> Number {
        Number(BigDecimal::from(0))
    }

    /// The exact value of a finite `f64` (its full binary value, as go-cty's
    /// `NumberFloatVal`), or `None` for NaN and infinities.
    pub fn from_f64(f: f64) -> Option<Number> {
        f64_to_decimal(f).map(Number)
    }

    /// The value as an `i64`, only when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        self.to_bigint().and_then(|i| i64::try_from(i).ok())
    }

    /// The value as a `u64`, only when it is a non-negative integer in range.
    pub fn to_u64(&self) -> Option<u64> {
        self.to_bigint().and_then(|i| u64::try_from(i).ok())
    }

    /// The value as an `f64`, only when the `f64` represents it exactly.
    pub fn to_f64_exact(&self) -> Option<f64> {
        let n = self.0.normalized();
        if n.digits() > 800 {
            return None; // no finite f64 has more significant decimal digits than ~767
        }
        let (_, scale) = n.as_bigint_and_exponent();
        if !(-400..=1200).contains(&scale) {
            return None;
        }
        let f: f64 = decimal_to_string(&n).parse().ok()?;
        if !f.is_finite() {
            return None;
        }
        let back = f64_to_decimal(f)?;
        (back == n).then_some(f)
    }

    /// The nearest `f64` (may round; huge values give infinity).
    pub fn to_f64_lossy(&self) -> f64 {
        let n = self.0.normalized();
        let (_, scale) = n.as_bigint_and_exponent();
        if scale < -400 {
            return if n.sign() == Sign::Minus {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        if scale > 1200 && n.digits() < 100 {
            return 0.0;
        }
        decimal_to_string(&n).parse().unwrap_or(0.0)
    }

    /// Whether the value is an integer.
    pub fn is_integer(&self) -> bool {
        self.0.is_integer()
    }

    /// The integer value, when it is an integer of at most ~20 digits (enough for i64/u64).
    fn to_bigint(&self) -> Option<BigInt> {
        let n = self.0.normalized();
        let (int, scale) = n.into_bigint_and_exponent();
        if !(-20..=0).contains(&scale) {
            return if int.sign() == Sign::NoSign {
                Some(BigInt::from(0))
            } else {
                None
            };
        }
        Some(int * BigInt::from(10u8).pow(scale.unsigned_abs() as u32))
    }
}

impl fmt::Display for Number {
    /// Plain decimal notation, never an exponent: `1e400` prints as `1` followed by 400 zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal_to_string(&self.0))
    }
}

impl FromStr for Number {
    type Err = NumberParseError;

    /// Parses decimal notation with optional sign, fraction and exponent (`-1.5e-3`, `1e400`,
    /// `.5`, `5.`); the value is kept exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_decimal(s).map(Number)
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Number {
                Number(BigDecimal::from(v))
            }
        }
    )*};
}
number_from_int!(i8, i16, i32, i64, u8, u16, u32, u64, i128, u128);

impl TryFrom<f64> for Number {
    type Error = NumberParseError;

    /// Exact conversion; NaN and infinities are rejected.
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        Number::from_f64(v).ok_or(NumberParseError::OutOfRange)
    }
}

impl From<BigDecimal> for Number {
    fn from(d: BigDecimal) -> Number {
        Number::new(d)
    }
}

/// Exact decimal expansion of a finite f64.
fn f64_to_decimal(f: f64) -> Option<BigDecimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(BigDecimal::from(0));
    }
    let bits = f.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut mant, mut exp) = if biased == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    // Remove factors of two to keep the expansion minimal.
    while mant & 1 == 0 && exp < 0 {
        mant >>= 1;
        exp += 1;
    }
    let mut int = BigInt::from(mant);
    let scale = if exp >= 0 {
        int <<= exp as usize;
        0
    } else {
        let k = exp.unsigned_abs();
        int *= BigInt::from(5u8).pow(k as u32);
        k as i64
    };
    if negative {
        int = -int;
    }
    Some(BigDecimal::new(int, scale).normalized())
}

/// Plain decimal text of any BigDecimal (no exponent, no trailing fractional zeros).
fn decimal_to_string(d: &BigDecimal) -> String {
    let (int, scale) = d.as_bigint_and_exponent();
    if int.sign() == Sign::NoSign {
        return "0".to_string();
    }
    let negative = int.sign() == Sign::Minus;
    let digits = int.magnitude().to_string();
    let mut out = String::with_capacity(digits.len() + 3);
    if negative {
        out.push('-');
    }
    if scale <= 0 {
        out.push_str(&digits);
        for _ in 0..scale.unsigned_abs() {
            out.push('0');
        }
        return out;
    }
    let scale = scale as u64;
    let (int_part, frac_part) = if (digits.len() as u64) > scale {
        let split = digits.len() - scale as usize;
        (digits[..split].to_string(), digits[split..].to_string())
    } else {
        let zeros = (scale - digits.len() as u64) as usize;
        ("0".to_string(), "0".repeat(zeros) + &digits)
    };
    out.push_str(&int_part);
    let frac = frac_part.trim_end_matches('0');
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Strict decimal parser with bounded exponent and digit count.
fn parse_decimal(s: &str) -> Result<BigDecimal, NumberParseError> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        negative = b[i] == b'-';
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = &s[int_start..i];
    let mut frac_digits = "";
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = &s[frac_start..i];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(NumberParseError::Syntax);
    }
    let mut exponent: i64 = 0;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let mut exp_negative = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            exp_negative = b[i] == b'-';
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            // Saturate: anything beyond the limit is rejected below anyway.
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i64::from(b[i] - b'0'))
                .min(i64::MAX / 4);
            i += 1;
        }
        if i == exp_start {
            return Err(NumberParseError::Syntax);
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if i != b.len() {
        return Err(NumberParseError::Syntax);
    }
    // Significant digits: strip leading zeros of the whole digit string and trailing zeros
    // (adjusting the scale), so "1000e-3" and "1" give the same representation.
    let mut all = String::with_capacity(int_digits.len() + frac_digits.len());
    all.push_str(int_digits);
    all.push_str(frac_digits);
    let mut scale = frac_digits.len() as i64 - exponent;
    let trimmed_lead = all.trim_start_matches('0');
    let trimmed = trimmed_lead.trim_end_matches('0');
    if trimmed.is_empty() {
        return Ok(BigDecimal::from(0));
    }
    scale -= (trimmed_lead.len() - trimmed.len()) as i64;
    if trimmed.len() > MAX_NUMBER_DIGITS {
        return Err(NumberParseError::OutOfRange);
    }
    // Bound both the position of the first and of the last significant digit.
    let leading_exp = trimmed.len() as i64 - scale; // digits before the point
    if scale.abs() > MAX_NUMBER_SCALE || leading_exp.abs() > MAX_NUMBER_SCALE {
        return Err(NumberParseError::OutOfRange);
    }
    let mut int = BigInt::parse_bytes(trimmed.as_bytes(), 10).ok_or(NumberParseError::Syntax)?;
    if negative {
        int = -int;
    }
    Ok(BigDecimal::new(int, scale))
}

// ---------------------------------------------------------------------------------------------
// Refinements
// ---------------------------------------------------------------------------------------------

impl Refinements {
    /// No refinements (a wholly unknown value).
    pub fn none() -> Refinements {
        Refinements::default()
    }

    /// Only "definitely not null".
    pub fn not_null() -> Refinements {
        Refinements {
            not_null: Some(true),
            ..Refinements::default()
        }
    }

    /// Whether no refinement is set.
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }

    /// Whether the value is known not to be null.
    pub fn is_definitely_not_null(&self) -> bool {
        self.not_null == Some(true)
    }
}

// ---------------------------------------------------------------------------------------------
// Value
// ---------------------------------------------------------------------------------------------

impl Value {
    /// A null value.
    pub fn null() -> Value {
        Value::Null
    }

    /// A wholly unknown value.
    pub fn unknown() -> Value {
        Value::Unknown(Refinements::default())
    }

    /// An unknown value known not to be null.
    pub fn unknown_not_null() -> Value {
        Value::Unknown(Refinements::not_null())
    }

    /// A known string.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A known bool.
    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    /// A known number.
    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// A known object from `(name, value)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A known map from `(key, value)` pairs.
    pub fn map<K: Into<String>>(elems: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(elems.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A known list.
    pub fn list(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::List(elems.into_iter().collect())
    }

    /// A known set.
    pub fn set(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::Set(elems.into_iter().collect())
    }

    /// A known tuple.
    pub fn tuple(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::Tuple(elems.into_iter().collect())
    }

    /// A value of a `Dynamic` position with its concrete type.
    pub fn dynamic(ty: Type, value: Value) -> Value {
        Value::Dynamic(ty, Box::new(value))
    }

    /// The value inside any `Dynamic` wrappers.
    pub fn unwrap_dynamic(&self) -> &Value {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = inner;
        }
        v
    }

    /// Whether the value is null (looking through `Dynamic`).
    pub fn is_null(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Null)
    }

    /// Whether the value itself is known (its elements may still be unknown).
    pub fn is_known(&self) -> bool {
        !matches!(self.unwrap_dynamic(), Value::Unknown(_))
    }

    /// Whether the value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, inner) => inner.is_wholly_known(),
        }
    }

    /// The refinements of an unknown value.
    pub fn refinements(&self) -> Option<&Refinements> {
        match self.unwrap_dynamic() {
            Value::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_dynamic() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self.unwrap_dynamic() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self.unwrap_dynamic() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `i64`, if this is a known integer number in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::to_i64)
    }

    /// An attribute of a known object (`None` for other values or absent attributes).
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match self.unwrap_dynamic() {
            Value::Object(m) => m.get(name),
            _ => None,
        }
    }

    /// Mutable access to an attribute of a known object.
    pub fn get_attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = inner;
        }
        match v {
            Value::Object(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// The elements of a known list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// The entries of a known map or object.
    pub fn entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// A short name of the value's kind (for messages; never its content).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown(_) => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Tuple(_) => "tuple",
            Value::Dynamic(..) => "dynamic value",
        }
    }

    /// Checks that this value conforms to `ty`: null and unknown conform to every type; known
    /// values need the matching variant; objects need every non-optional attribute and no
    /// others; a `Dynamic` position accepts anything (a `Value::Dynamic` there must conform to
    /// its own type); a `Value::Dynamic(t, v)` at a concrete position needs `t == ty`.
    pub fn conforms(&self, ty: &Type) -> Result<(), CodecError> {
        let mut path = Vec::new();
        conforms_at(self, ty, &mut path, 0)
    }

    /// Infers a concrete type for this value, for encoding it at a `Dynamic` position when it
    /// is not a `Value::Dynamic`. Nulls and unknowns (no type information) infer `Dynamic`;
    /// collection elements must agree (ignoring elements that infer `Dynamic`).
    pub fn infer_type(&self) -> Result<Type, CodecError> {
        let mut path = Vec::new();
        infer_at(self, &mut path, 0)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::from(n))
    }
}

fn mismatch(path: &[PathStep], ty: &Type, v: &Value) -> CodecError {
    CodecError::TypeMismatch {
        path: AttributePath::from_steps(path.to_vec()),
        expected: ty.to_string(),
        found: v.kind().to_string(),
    }
}

fn conforms_at(
    v: &Value,
    ty: &Type,
    path: &mut Vec<PathStep>,
    depth: usize,
) -> Result<(), CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep {
            path: AttributePath::from_steps(path.clone()),
            limit: MAX_DEPTH,
        });
    }
    match (ty, v) {
        (_, Value::Null) | (_, Value::Unknown(_)) => Ok(()),
        (Type::Dynamic, Value::Dynamic(t, inner)) => conforms_at(inner, t, path, depth + 1),
        (Type::Dynamic, _) => Ok(()),
        (_, Value::Dynamic(t, inner)) if t == ty => conforms_at(inner, ty, path, depth + 1),
        (Type::Bool, Value::Bool(_))
        | (Type::Number, Value::Number(_))
        | (Type::String, Value::String(_)) => Ok(()),
        (Type::List(et), Value::List(elems)) | (Type::Set(et), Value::Set(elems)) => {
            for (i, e) in elems.iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                conforms_at(e, et, path, depth + 1)?;
                path.pop();
            }
            Ok(())
        }
        (Type::Map(et), Value::Map(m)) => {
            for (k, e) in m {
                path.push(PathStep::Key(k.clone()));
                conforms_at(e, et, path, depth + 1)?;
                path.pop();
            }
            Ok(())
        }
        (Type::Tuple(ets), Value::Tuple(elems)) => {
            if ets.len() != elems.len() {
                return Err(CodecError::Malformed {
                    path: AttributePath::from_steps(path.clone()),
                    message: format!(
                        "a tuple of {} elements is required, found {}",
                        ets.len(),
                        elems.len()
                    ),
                });
            }
            for (i, (e, et)) in elems.iter().zip(ets).enumerate() {
                path.push(PathStep::Index(i as i64));
                conforms_at(e, et, path, depth + 1)?;
                path.pop();
            }
            Ok(())
        }
        (Type::Object { attrs, optional }, Value::Object(m)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::UnexpectedAttribute {
                    path: AttributePath::from_steps(path.clone()),
                    name: extra.clone(),
                });
            }
            for (name, at) in attrs {
                match m.get(name) {
                    Some(av) => {
                        path.push(PathStep::Attr(name.clone()));
                        conforms_at(av, at, path, depth + 1)?;
                        path.pop();
                    }
                    None if optional.contains(name) => {}
                    None => {
                        return Err(CodecError::MissingAttribute {
                            path: AttributePath::from_steps(path.clone()),
                            name: name.clone(),
                        });
                    }
                }
            }
            Ok(())
        }
        _ => Err(mismatch(path, ty, v)),
    }
}

fn unify(
    types: impl Iterator<Item = Type>,
    path: &[PathStep],
    what: &str,
) -> Result<Type, CodecError> {
    let mut found: Option<Type> = None;
    for t in types {
        if t == Type::Dynamic {
            continue;
        }
        match &found {
            None => found = Some(t),
            Some(f) if *f == t => {}
            Some(_) => {
                return Err(CodecError::Malformed {
                    path: AttributePath::from_steps(path.to_vec()),
                    message: format!("cannot infer a {what} type: elements have different types"),
                });
            }
        }
    }
    Ok(found.unwrap_or(Type::Dynamic))
}

fn infer_at(v: &Value, path: &mut Vec<PathStep>, depth: usize) -> Result<Type, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep {
            path: AttributePath::from_steps(path.clone()),
            limit: MAX_DEPTH,
        });
    }
    Ok(match v {
        Value::Null | Value::Unknown(_) => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::Dynamic(t, _) => t.clone(),
        Value::List(elems) | Value::Set(elems) | Value::Tuple(elems) => {
            let mut types = Vec::with_capacity(elems.len());
            for (i, e) in elems.iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                types.push(infer_at(e, path, depth + 1)?);
                path.pop();
            }
            match v {
                Value::List(_) => Type::list(unify(types.into_iter(), path, "list element")?),
                Value::Set(_) => Type::set(unify(types.into_iter(), path, "set element")?),
                _ => Type::Tuple(types),
            }
        }
        Value::Map(m) | Value::Object(m) => {
            let mut types = BTreeMap::new();
            for (k, e) in m {
                path.push(if matches!(v, Value::Map(_)) {
                    PathStep::Key(k.clone())
                } else {
                    PathStep::Attr(k.clone())
                });
                types.insert(k.clone(), infer_at(e, path, depth + 1)?);
                path.pop();
            }
            if matches!(v, Value::Map(_)) {
                Type::map(unify(types.into_values(), path, "map element")?)
            } else {
                Type::Object {
                    attrs: types,
                    optional: BTreeSet::new(),
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        s.parse().unwrap()
    }

    #[test]
    fn display_is_plain_decimal() {
        assert_eq!(n("1e400").to_string(), format!("1{}", "0".repeat(400)));
        assert_eq!(n("-1e-400").to_string(), format!("-0.{}1", "0".repeat(399)));
        assert_eq!(n("1.500").to_string(), "1.5");
        assert_eq!(n("-0.0").to_string(), "0");
        assert_eq!(n("0100").to_string(), "100");
        assert_eq!(n(".5").to_string(), "0.5");
        assert_eq!(n("5.").to_string(), "5");
        assert_eq!(n("+12.34E+2").to_string(), "1234");
        assert_eq!(
            n("123456789012345678901234567890.123456789").to_string(),
            "123456789012345678901234567890.123456789"
        );
    }

    #[test]
    fn parse_rejects_non_numbers() {
        for bad in [
            "", "-", ".", "e5", "1e", "1e+", "NaN", "inf", "Infinity", "0x10", "1_000", " 1", "1 ",
            "--1", "1.2.3",
        ] {
            assert!(bad.parse::<Number>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "1e999999999".parse::<Number>(),
            Err(NumberParseError::OutOfRange)
        );
        assert_eq!(
            "1e-99999999999999999999999".parse::<Number>(),
            Err(NumberParseError::OutOfRange)
        );
    }

    #[test]
    fn integer_conversions_are_exact() {
        assert_eq!(Number::from(i64::MAX).to_i64(), Some(i64::MAX));
        assert_eq!(Number::from(i64::MIN).to_i64(), Some(i64::MIN));
        assert_eq!(Number::from(u64::MAX).to_i64(), None);
        assert_eq!(Number::from(u64::MAX).to_u64(), Some(u64::MAX));
        assert_eq!(Number::from(-1i64).to_u64(), None);
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("1e3").to_i64(), Some(1000));
        assert_eq!(n("1e400").to_i64(), None);
        assert_eq!(Number::zero().to_i64(), Some(0));
    }

    #[test]
    fn float_conversions_are_exact() {
        assert_eq!(n("1.5").to_f64_exact(), Some(1.5));
        assert_eq!(n("0.1").to_f64_exact(), None); // 0.1 is not a binary fraction
        assert_eq!(n("0.8").to_f64_exact(), None);
        let tenth = Number::from_f64(0.1).unwrap();
        assert_eq!(
            tenth.to_string(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(tenth.to_f64_exact(), Some(0.1));
        assert_eq!(
            Number::from_f64(f64::MAX).unwrap().to_f64_exact(),
            Some(f64::MAX)
        );
        let tiny = Number::from_f64(f64::from_bits(1)).unwrap();
        assert_eq!(tiny.to_f64_exact(), Some(f64::from_bits(1)));
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(Number::from_f64(f64::INFINITY), None);
        assert_eq!(n("1e400").to_f64_exact(), None);
        assert_eq!(n("-1e-400").to_f64_exact(), None);
        assert_eq!(n("2.5").to_f64_lossy(), 2.5);
        assert_eq!(n("1e400").to_f64_lossy(), f64::INFINITY);
    }

    #[test]
    fn equality_ignores_representation() {
        assert_eq!(n("1.0"), n("1"));
        assert_eq!(
            Number(BigDecimal::new(BigInt::from(100), 2)),
            Number::from(1)
        );
    }

    #[test]
    fn conformance_reports_paths() {
        let ty = Type::object_with_optional(
            [
                ("name", Type::String),
                ("tags", Type::map(Type::list(Type::Number))),
                ("opt", Type::Bool),
            ],
            ["opt"],
        );
        let good = Value::object([
            ("name", Value::string("x")),
            (
                "tags",
                Value::map([("a", Value::list([Value::number(1), Value::unknown()]))]),
            ),
        ]);
        assert!(good.conforms(&ty).is_ok());

        let bad = Value::object([
            ("name", Value::string("x")),
            (
                "tags",
                Value::map([("a", Value::list([Value::number(1), Value::string("no")]))]),
            ),
        ]);
        let err = bad.conforms(&ty).unwrap_err();
        assert_eq!(
            err.path(),
            &AttributePath::root().attr("tags").key("a").index(1)
        );
        assert_eq!(
            err.to_string(),
            "tags[\"a\"][1]: number is required, found string"
        );

        let missing = Value::object([("tags", Value::Null)]);
        assert!(
            matches!(missing.conforms(&ty), Err(CodecError::MissingAttribute { ref name, .. }) if name == "name")
        );
        let extra = Value::object([
            ("name", Value::Null),
            ("tags", Value::Null),
            ("zzz", Value::Null),
        ]);
        assert!(
            matches!(extra.conforms(&ty), Err(CodecError::UnexpectedAttribute { ref name, .. }) if name == "zzz")
        );
        assert!(Value::Null.conforms(&ty).is_ok());
        assert!(Value::string("x").conforms(&Type::Dynamic).is_ok());
        assert!(
            Value::dynamic(Type::Number, Value::string("x"))
                .conforms(&Type::Dynamic)
                .is_err()
        );
    }

    #[test]
    fn accessors_and_knownness() {
        let v = Value::object([
            ("a", Value::string("s")),
            ("b", Value::list([Value::unknown()])),
            ("c", Value::dynamic(Type::Bool, Value::bool(true))),
        ]);
        assert_eq!(v.get_attr("a").and_then(Value::as_str), Some("s"));
        assert_eq!(v.get_attr("c").and_then(Value::as_bool), Some(true));
        assert!(v.is_known());
        assert!(!v.is_wholly_known());
        assert!(!v.get_attr("b").unwrap().elements().unwrap()[0].is_known());
        assert!(Value::dynamic(Type::String, Value::Null).is_null());
        assert_eq!(Value::number(7).as_i64(), Some(7));
    }

    #[test]
    fn type_inference() {
        let v = Value::object([
            ("l", Value::list([Value::Null, Value::string("a")])),
            ("t", Value::tuple([Value::bool(true), Value::number(1)])),
        ]);
        assert_eq!(
            v.infer_type().unwrap(),
            Type::object([
                ("l", Type::list(Type::String)),
                ("t", Type::tuple([Type::Bool, Type::Number])),
            ])
        );
        assert!(
            Value::list([Value::number(1), Value::string("a")])
                .infer_type()
                .is_err()
        );
    }
}
