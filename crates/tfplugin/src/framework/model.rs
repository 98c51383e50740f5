//! Typed models: configuration, plan and state [`Value`]s read into plain Rust structs with
//! serde, and written back, each attribute name written once (a struct field).
//!
//! - [`from_value`] deserializes any `Deserialize` type from a value. Objects become structs
//!   (attributes the struct does not name are ignored), lists and sets become `Vec`s, maps
//!   become `BTreeMap<String, _>`, null becomes `None`. A value that is still unknown at plan
//!   time is an error unless the field is a [`Known`]. Every error carries the attribute path
//!   of the value that caused it, so it becomes a diagnostic on the right line.
//! - [`to_value`] serializes a model into a value of a given [`Type`] (the schema's): the type
//!   decides list or set, map or object; object attributes the model does not have are null.
//! - [`Model`] ties a struct to its schema's object type, so requests and responses can be
//!   read and written without naming the type: `let m: MyModel = req.plan()?;` and
//!   `StateResponse::from_model(&m)`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tfplugin::framework::model::{Known, from_value, to_value};
//! use tfplugin::framework::value::{Type, Value};
//!
//! #[derive(Debug, Deserialize, Serialize)]
//! struct Alias {
//!     name: String,
//!     port: Option<i64>,
//!     id: Known<String>,
//! }
//!
//! let ty = Type::object([("name", Type::String), ("port", Type::Number), ("id", Type::String)]);
//! let plan = Value::object([
//!     ("name", Value::string("eu")),
//!     ("port", Value::Null),
//!     ("id", Value::unknown()),
//! ]);
//! let m: Alias = from_value(&plan).unwrap();
//! assert_eq!(m.name, "eu");
//! assert!(m.port.is_none() && m.id.is_unknown());
//! assert_eq!(to_value(&m, &ty).unwrap(), plan);
//!
//! let bad = Value::object([("name", Value::Bool(true))]);
//! let err = from_value::<Alias>(&bad).unwrap_err();
//! assert_eq!(err.path().to_string(), "name");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer as _};
use serde::ser::{self, Serialize};
use serde::{Deserialize, Deserializer};

use super::decode::DecodeError;
use super::diag::{AttributePath, Diagnostics};
use super::value::{Number, Type, Value};

/// The newtype name [`Known`] asks the value deserializer and serializer for, so they can tell
/// unknown from null from known.
const KNOWN_TOKEN: &str = "$tfplugin::Known";

// ---------------------------------------------------------------------------------------------
// Known<T>
// ---------------------------------------------------------------------------------------------

/// A value that may be not yet known (plan time) or null, or known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Known<T> {
    /// Not known until apply.
    Unknown,
    /// Null (not set).
    #[default]
    Null,
    /// A known, non-null value.
    Value(T),
}

impl<T> Known<T> {
    /// Whether the value is not known yet.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown)
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The known value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The known value, if there is one, by value.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// A borrowed view.
    pub fn as_ref(&self) -> Known<&T> {
        match self {
            Self::Unknown => Known::Unknown,
            Self::Null => Known::Null,
            Self::Value(v) => Known::Value(v),
        }
    }

    /// Applies `f` to the known value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Known<U> {
        match self {
            Self::Unknown => Known::Unknown,
            Self::Null => Known::Null,
            Self::Value(v) => Known::Value(f(v)),
        }
    }
}

impl<T> From<Option<T>> for Known<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Self::Value)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Known<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for V<T> {
            type Value = Known<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value, null or unknown")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Known<T>, E> {
                Ok(Known::Unknown)
            }
            fn visit_none<E: de::Error>(self) -> Result<Known<T>, E> {
                Ok(Known::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Known<T>, D::Error> {
                T::deserialize(d).map(Known::Value)
            }
        }
        d.deserialize_newtype_struct(KNOWN_TOKEN, V(std::marker::PhantomData))
    }
}

impl<T: Serialize> Serialize for Known<T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only the value serializer knows unknown; it recognises the token.
            Self::Unknown => s.serialize_newtype_struct(KNOWN_TOKEN, &()),
            Self::Null => s.serialize_none(),
            Self::Value(v) => s.serialize_some(v),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/// A struct that is the typed form of a schema's object.
pub trait Model: Serialize + DeserializeOwned {
    /// The object type of the schema the model belongs to (`schema.block.object_type()`).
    fn object_type() -> Type;

    /// Reads the model from a configuration, plan or state value.
    fn from_value(v: &Value) -> Result<Self, Diagnostics> {
        from_value(v).map_err(Diagnostics::from)
    }

    /// Writes the model as a value of its schema's type.
    fn to_value(&self) -> Result<Value, Diagnostics> {
        to_value(self, &Self::object_type()).map_err(Diagnostics::from)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A [`DecodeError`] on its way out of serde, with whether its path is final yet. Errors made
/// by serde's derived code (a missing field, a custom message) do not know where they are; the
/// first enclosing element that does gives them its path.
#[derive(Debug)]
struct PathError {
    error: DecodeError,
    placed: bool,
    /// A struct field that was not in the object (its path is the enclosing object's plus it).
    missing: Option<&'static str>,
}

impl PathError {
    fn at(error: DecodeError) -> Self {
        Self {
            error,
            placed: true,
            missing: None,
        }
    }

    fn place(mut self, path: &AttributePath) -> Self {
        if !self.placed {
            self.error = match (self.missing, self.error) {
                (Some(field), _) => DecodeError::Missing {
                    path: path.clone().attr(field),
                },
                (None, DecodeError::Invalid { message, .. }) => {
                    DecodeError::invalid(path.clone(), message)
                }
                (None, other) => other,
            };
            self.placed = true;
        }
        self
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for PathError {}

impl de::Error for PathError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Self {
            error: DecodeError::invalid(AttributePath::root(), msg.to_string()),
            placed: false,
            missing: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        Self {
            missing: Some(field),
            ..Self::custom("missing")
        }
    }
}

impl ser::Error for PathError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        <Self as de::Error>::custom(msg)
    }
}

// ---------------------------------------------------------------------------------------------
// Deserializer
// ---------------------------------------------------------------------------------------------

/// Reads `T` from a value (see the module docs). Errors carry the attribute path.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, DecodeError> {
    T::deserialize(ValueDe {
        value: v,
        path: AttributePath::root(),
    })
    .map(Ok)
    .unwrap_or_else(|e| Err(e.place(&AttributePath::root()).error))
}

struct ValueDe<'a> {
    value: &'a Value,
    path: AttributePath,
}

impl<'a> ValueDe<'a> {
    fn known(&self) -> Result<&'a Value, PathError> {
        match self.value.unwrap_dynamic() {
            Value::Unknown(_) => Err(PathError::at(DecodeError::Unknown {
                path: self.path.clone(),
            })),
            v => Ok(v),
        }
    }

    fn wrong(&self, expected: &'static str) -> PathError {
        PathError::at(DecodeError::WrongType {
            path: self.path.clone(),
            expected,
        })
    }

    fn null(&self) -> PathError {
        PathError::at(DecodeError::Null {
            path: self.path.clone(),
        })
    }

    fn number(&self) -> Result<&'a Number, PathError> {
        match self.known()? {
            Value::Number(n) => Ok(n),
            Value::Null => Err(self.null()),
            _ => Err(self.wrong("a number")),
        }
    }

    fn integer<T: TryFrom<i64>>(&self) -> Result<T, PathError> {
        let n = self.number()?;
        n.to_i64()
            .and_then(|i| T::try_from(i).ok())
            .ok_or_else(|| self.wrong("a whole number in range"))
    }
}

macro_rules! de_integer {
    ($($method:ident => $visit:ident: $t:ty),* $(,)?) => {$(
        fn $method<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
            visitor.$visit(self.integer::<$t>()?)
        }
    )*};
}

impl<'de, 'a> Deserializer<'de> for ValueDe<'a> {
    type Error = PathError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::Null => visitor.visit_none(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match n.to_i64() {
                Some(i) => visitor.visit_i64(i),
                None => visitor.visit_f64(n.to_f64_lossy()),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                self.visit_seq(items, visitor)
            }
            Value::Map(m) | Value::Object(m) => self.visit_map(m, visitor),
            Value::Unknown(_) | Value::Dynamic(..) => Err(self.wrong("a known value")),
        }
    }

    fn deserialize_bool<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Null => Err(self.null()),
            _ => Err(self.wrong("a bool")),
        }
    }

    de_integer! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
    }

    fn deserialize_f32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        visitor.visit_f64(self.number()?.to_f64_lossy())
    }

    fn deserialize_char<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::String(s) => visitor.visit_str(s),
            Value::Null => Err(self.null()),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_string<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.wrong("null")),
        }
    }

    fn deserialize_unit_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        if name == KNOWN_TOKEN {
            return match self.value.unwrap_dynamic() {
                Value::Unknown(_) => visitor.visit_unit(),
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                self.visit_seq(items, visitor)
            }
            Value::Null => Err(self.null()),
            _ => Err(self.wrong("a list or set")),
        }
    }

    fn deserialize_tuple<V: de::Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::Map(m) | Value::Object(m) => self.visit_map(m, visitor),
            Value::Null => Err(self.null()),
            _ => Err(self.wrong("a map or object")),
        }
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.known()? {
            Value::Object(m) | Value::Map(m) => self.visit_map(m, visitor),
            Value::Null => Err(self.null()),
            _ => Err(PathError::at(DecodeError::NotObject {
                path: self.path.clone(),
            })),
        }
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        // Unit variants only: a string attribute with a fixed set of values.
        match self.known()? {
            Value::String(s) => {
                let path = self.path.clone();
                visitor
                    .visit_enum(s.as_str().into_deserializer())
                    .map_err(|e: PathError| e.place(&path))
            }
            Value::Null => Err(self.null()),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_identifier<V: de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        visitor.visit_unit()
    }
}

impl<'a> ValueDe<'a> {
    fn visit_seq<'de, V: de::Visitor<'de>>(
        &self,
        items: &'a [Value],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let mut seq = SeqDe {
            items: items.iter().enumerate(),
            path: &self.path,
        };
        visitor.visit_seq(&mut seq).map_err(|e| e.place(&self.path))
    }

    fn visit_map<'de, V: de::Visitor<'de>>(
        &self,
        entries: &'a BTreeMap<String, Value>,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let mut map = MapDe {
            entries: entries.iter(),
            current: None,
            path: &self.path,
            object: matches!(self.value.unwrap_dynamic(), Value::Object(_)),
        };
        visitor.visit_map(&mut map).map_err(|e| e.place(&self.path))
    }
}

struct SeqDe<'a, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: &'p AttributePath,
}

impl<'de, 'a> de::SeqAccess<'de> for SeqDe<'a, '_> {
    type Error = PathError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, PathError> {
        let Some((i, value)) = self.items.next() else {
            return Ok(None);
        };
        let path = self
            .path
            .clone()
            .index(i64::try_from(i).unwrap_or(i64::MAX));
        seed.deserialize(ValueDe {
            value,
            path: path.clone(),
        })
        .map(Some)
        .map_err(|e| e.place(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a, 'p> {
    entries: std::collections::btree_map::Iter<'a, String, Value>,
    current: Option<(&'a String, &'a Value)>,
    path: &'p AttributePath,
    object: bool,
}

impl<'de, 'a> de::MapAccess<'de> for MapDe<'a, '_> {
    type Error = PathError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, PathError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some((k, v));
        seed.deserialize(k.as_str().into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, PathError> {
        let Some((k, value)) = self.current.take() else {
            return Err(<PathError as de::Error>::custom("value without a key"));
        };
        let path = if self.object {
            self.path.clone().attr(k.clone())
        } else {
            self.path.clone().key(k.clone())
        };
        seed.deserialize(ValueDe {
            value,
            path: path.clone(),
        })
        .map_err(|e| e.place(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Serializer
// ---------------------------------------------------------------------------------------------

/// Writes `m` as a value of type `ty` (see the module docs). Errors carry the attribute path.
pub fn to_value<T: Serialize + ?Sized>(m: &T, ty: &Type) -> Result<Value, DecodeError> {
    m.serialize(ValueSer {
        ty,
        path: AttributePath::root(),
    })
    .map_err(|e| e.place(&AttributePath::root()).error)
}

struct ValueSer<'t> {
    ty: &'t Type,
    path: AttributePath,
}

impl ValueSer<'_> {
    fn wrong(&self, what: &'static str) -> PathError {
        PathError::at(DecodeError::invalid(
            self.path.clone(),
            format!(
                "the model gives {what} where the schema wants {}",
                type_name(self.ty)
            ),
        ))
    }

    fn number(self, n: Option<Number>) -> Result<Value, PathError> {
        match (self.ty, n) {
            (Type::Number | Type::Dynamic, Some(n)) => Ok(Value::Number(n)),
            (Type::String, Some(n)) => Ok(Value::String(n.to_string())),
            (_, None) => Err(self.wrong("a number that is not finite")),
            _ => Err(self.wrong("a number")),
        }
    }

    fn element(&self, index: usize) -> Result<ValueSer<'_>, PathError> {
        let path = self
            .path
            .clone()
            .index(i64::try_from(index).unwrap_or(i64::MAX));
        match self.ty {
            Type::List(et) | Type::Set(et) => Ok(ValueSer { ty: et, path }),
            Type::Tuple(ts) => ts
                .get(index)
                .map(|ty| ValueSer { ty, path })
                .ok_or_else(|| self.wrong("more tuple elements than the type has")),
            Type::Dynamic => Ok(ValueSer {
                ty: &Type::Dynamic,
                path,
            }),
            _ => Err(self.wrong("a sequence")),
        }
    }
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "a bool",
        Type::Number => "a number",
        Type::String => "a string",
        Type::List(_) => "a list",
        Type::Set(_) => "a set",
        Type::Map(_) => "a map",
        Type::Object { .. } => "an object",
        Type::Tuple(_) => "a tuple",
        Type::Dynamic => "any value",
    }
}

macro_rules! ser_integer {
    ($($method:ident: $t:ty),* $(,)?) => {$(
        fn $method(self, v: $t) -> Result<Value, PathError> {
            self.number(Some(Number::from(i64::from(v))))
        }
    )*};
}

impl<'t> ser::Serializer for ValueSer<'t> {
    type Ok = Value;
    type Error = PathError;
    type SerializeSeq = SeqSer<'t>;
    type SerializeTuple = SeqSer<'t>;
    type SerializeTupleStruct = SeqSer<'t>;
    type SerializeTupleVariant = ser::Impossible<Value, PathError>;
    type SerializeMap = MapSer<'t>;
    type SerializeStruct = MapSer<'t>;
    type SerializeStructVariant = ser::Impossible<Value, PathError>;

    fn serialize_bool(self, v: bool) -> Result<Value, PathError> {
        match self.ty {
            Type::Bool | Type::Dynamic => Ok(Value::Bool(v)),
            Type::String => Ok(Value::String(v.to_string())),
            _ => Err(self.wrong("a bool")),
        }
    }

    ser_integer!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32);

    fn serialize_u64(self, v: u64) -> Result<Value, PathError> {
        self.number(Some(Number::from(v)))
    }

    fn serialize_f32(self, v: f32) -> Result<Value, PathError> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Value, PathError> {
        let n = Number::from_f64(v);
        self.number(n)
    }

    fn serialize_char(self, v: char) -> Result<Value, PathError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Value, PathError> {
        match self.ty {
            Type::String | Type::Dynamic => Ok(Value::String(v.to_owned())),
            _ => Err(self.wrong("a string")),
        }
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, PathError> {
        Err(self.wrong("bytes"))
    }

    fn serialize_none(self) -> Result<Value, PathError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, PathError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, PathError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, PathError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, PathError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, PathError> {
        if name == KNOWN_TOKEN {
            return Ok(Value::unknown());
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Value, PathError> {
        Err(self.wrong("an enum with data"))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'t>, PathError> {
        match self.ty {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Dynamic => Ok(SeqSer {
                ser: self,
                items: Vec::with_capacity(len.unwrap_or(0)),
            }),
            _ => Err(self.wrong("a sequence")),
        }
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'t>, PathError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqSer<'t>, PathError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, PathError> {
        Err(self.wrong("an enum with data"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapSer<'t>, PathError> {
        match self.ty {
            Type::Map(_) | Type::Object { .. } | Type::Dynamic => Ok(MapSer {
                ser: self,
                entries: BTreeMap::new(),
                key: None,
            }),
            _ => Err(self.wrong("a map")),
        }
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSer<'t>, PathError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, PathError> {
        Err(self.wrong("an enum with data"))
    }
}

struct SeqSer<'t> {
    ser: ValueSer<'t>,
    items: Vec<Value>,
}

impl SeqSer<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PathError> {
        let child = self.ser.element(self.items.len())?;
        let path = child.path.clone();
        let v = value.serialize(child).map_err(|e| e.place(&path))?;
        self.items.push(v);
        Ok(())
    }

    fn finish(self) -> Result<Value, PathError> {
        Ok(match self.ser.ty {
            Type::Set(_) => Value::Set(self.items),
            Type::Tuple(_) => Value::Tuple(self.items),
            _ => Value::List(self.items),
        })
    }
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = Value;
    type Error = PathError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PathError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, PathError> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = Value;
    type Error = PathError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PathError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, PathError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = Value;
    type Error = PathError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PathError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, PathError> {
        self.finish()
    }
}

struct MapSer<'t> {
    ser: ValueSer<'t>,
    entries: BTreeMap<String, Value>,
    key: Option<String>,
}

impl MapSer<'_> {
    fn put<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), PathError> {
        let (ty, path) = match self.ser.ty {
            Type::Object { attrs, .. } => match attrs.get(&key) {
                Some(ty) => (ty, self.ser.path.clone().attr(key.clone())),
                None => {
                    return Err(PathError::at(DecodeError::invalid(
                        self.ser.path.clone(),
                        format!("the model has an attribute {key:?} the schema does not"),
                    )));
                }
            },
            Type::Map(et) => (et.as_ref(), self.ser.path.clone().key(key.clone())),
            _ => (&Type::Dynamic, self.ser.path.clone().key(key.clone())),
        };
        let v = value
            .serialize(ValueSer {
                ty,
                path: path.clone(),
            })
            .map_err(|e| e.place(&path))?;
        self.entries.insert(key, v);
        Ok(())
    }

    fn finish(mut self) -> Result<Value, PathError> {
        match self.ser.ty {
            Type::Object { attrs, .. } => {
                for name in attrs.keys() {
                    self.entries.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(self.entries))
            }
            Type::Map(_) => Ok(Value::Map(self.entries)),
            _ => Ok(Value::Object(self.entries)),
        }
    }
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Value;
    type Error = PathError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), PathError> {
        let k = key.serialize(ValueSer {
            ty: &Type::String,
            path: self.ser.path.clone(),
        })?;
        match k {
            Value::String(s) => {
                self.key = Some(s);
                Ok(())
            }
            _ => Err(self.ser.wrong("a map key that is not a string")),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PathError> {
        let Some(key) = self.key.take() else {
            return Err(<PathError as ser::Error>::custom("map value without a key"));
        };
        self.put(key, value)
    }

    fn end(self) -> Result<Value, PathError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer<'_> {
    type Ok = Value;
    type Error = PathError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), PathError> {
        self.put(key.to_owned(), value)
    }

    fn end(self) -> Result<Value, PathError> {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Inner {
        names: Vec<String>,
        query: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        Proxy,
        Sniff,
    }

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Outer {
        id: Known<String>,
        count: Option<i64>,
        enabled: bool,
        mode: Mode,
        tags: BTreeMap<String, String>,
        search: Vec<Inner>,
        single: Option<Inner>,
    }

    fn outer_type() -> Type {
        let inner = Type::object([("names", Type::set(Type::String)), ("query", Type::String)]);
        Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("enabled", Type::Bool),
            ("mode", Type::String),
            ("tags", Type::map(Type::String)),
            ("search", Type::list(inner.clone())),
            ("single", inner),
            ("extra", Type::String),
        ])
    }

    fn outer_value() -> Value {
        Value::object([
            ("id", Value::unknown()),
            ("count", Value::number(3)),
            ("enabled", Value::Bool(true)),
            ("mode", Value::string("sniff")),
            ("tags", Value::map([("a", Value::string("b"))])),
            (
                "search",
                Value::list([Value::object([
                    ("names", Value::set([Value::string("logs-*")])),
                    ("query", Value::Null),
                ])]),
            ),
            ("single", Value::Null),
            ("extra", Value::Null),
        ])
    }

    #[test]
    fn round_trip_keeps_kinds_and_fills_missing_attributes() {
        let m: Outer = from_value(&outer_value()).unwrap();
        assert!(m.id.is_unknown());
        assert_eq!(m.count, Some(3));
        assert_eq!(m.mode, Mode::Sniff);
        assert_eq!(m.search[0].names, vec!["logs-*".to_owned()]);
        assert_eq!(to_value(&m, &outer_type()).unwrap(), outer_value());
    }

    #[test]
    fn known_states() {
        let v = |x: Value| Value::object([("k", x)]);
        #[derive(Deserialize)]
        struct K {
            k: Known<i64>,
        }
        assert!(
            from_value::<K>(&v(Value::unknown()))
                .unwrap()
                .k
                .is_unknown()
        );
        assert!(from_value::<K>(&v(Value::Null)).unwrap().k.is_null());
        assert_eq!(
            from_value::<K>(&v(Value::number(7))).unwrap().k,
            Known::Value(7)
        );
    }

    /// One row per way a value can be wrong: the path and the kind of error.
    #[test]
    fn errors_carry_paths() {
        let set = |path: &str, v: Value| {
            let mut o = outer_value();
            let mut cur = &mut o;
            let steps: Vec<&str> = path.split('.').collect();
            for (i, s) in steps.iter().enumerate() {
                let next = if let Ok(n) = s.parse::<usize>() {
                    match cur {
                        Value::List(items) | Value::Set(items) => &mut items[n],
                        _ => unreachable!(),
                    }
                } else {
                    cur.get_attr_mut(s).unwrap()
                };
                if i == steps.len() - 1 {
                    *next = v.clone();
                    break;
                }
                cur = next;
            }
            o
        };
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                set("count", Value::string("x")),
                "count",
                "expected a number",
            ),
            (set("count", Value::unknown()), "count", "not known yet"),
            (
                set("enabled", Value::Null),
                "enabled",
                "a value is required",
            ),
            (
                set("mode", Value::string("bogus")),
                "mode",
                "unknown variant",
            ),
            (
                set("search.0.names", Value::Null),
                "search[0].names",
                "a value is required",
            ),
            (
                set("search.0.names", Value::set([Value::Bool(true)])),
                "search[0].names[0]",
                "expected a string",
            ),
            (
                set("search.0", Value::string("x")),
                "search[0]",
                "expected an object",
            ),
            (
                Value::object([("id", Value::Null)]),
                "enabled",
                "attribute is missing from the object",
            ),
        ];
        for (value, path, message) in cases {
            let err = from_value::<Outer>(&value).unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("{path}:")) && text.contains(message),
                "{path}: got {text:?}"
            );
        }
    }

    #[test]
    fn serializer_refuses_shapes_the_schema_does_not_have() {
        #[derive(Serialize)]
        struct Stray {
            nope: bool,
        }
        let err =
            to_value(&Stray { nope: true }, &Type::object([("id", Type::String)])).unwrap_err();
        assert!(err.to_string().contains("\"nope\""));
        let err = to_value(&Known::Value(true), &Type::Number).unwrap_err();
        assert!(err.to_string().contains("a bool"), "{err}");
    }
}
