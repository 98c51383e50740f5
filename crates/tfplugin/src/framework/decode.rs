//! Typed decoding of object values (configuration, plan, state) into Rust data, with
//! errors that carry the attribute path so they become diagnostics on the right line.
//!
//! ```
//! use std::collections::BTreeMap;
//! use tfplugin::framework::decode::ObjectReader;
//! use tfplugin::framework::value::Value;
//!
//! let mut m = BTreeMap::new();
//! m.insert("name".to_string(), Value::String("eu".into()));
//! m.insert("port".to_string(), Value::Null);
//! let v = Value::Object(m);
//! let r = ObjectReader::root(&v).unwrap();
//! assert_eq!(r.string("name").unwrap(), "eu");
//! assert_eq!(r.opt_i64("port").unwrap(), None);
//! let err = r.string("port").unwrap_err();
//! assert_eq!(err.path().to_string(), "port");
//! ```

use std::collections::BTreeMap;

use bigdecimal::{BigDecimal, ToPrimitive};

use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::value::{Number, Value};

/// A value did not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not an object where one was expected.
    #[error("{}: expected an object", show(.path))]
    NotObject {
        /// Where.
        path: AttributePath,
    },
    /// The object has no such attribute (schema mismatch).
    #[error("{}: attribute is missing from the object", show(.path))]
    Missing {
        /// Where.
        path: AttributePath,
    },
    /// Null where a value is required.
    #[error("{}: a value is required", show(.path))]
    Null {
        /// Where.
        path: AttributePath,
    },
    /// Not yet known (depends on values known only after apply).
    #[error("{}: the value is not known yet", show(.path))]
    Unknown {
        /// Where.
        path: AttributePath,
    },
    /// Another type than expected.
    #[error("{}: expected {expected}", show(.path))]
    WrongType {
        /// Where.
        path: AttributePath,
        /// What was expected.
        expected: &'static str,
    },
    /// A value of the right type that is still unacceptable.
    #[error("{}: {message}", show(.path))]
    Invalid {
        /// Where.
        path: AttributePath,
        /// Why.
        message: String,
    },
}

fn show(path: &AttributePath) -> String {
    if path.is_root() {
        "value".to_string()
    } else {
        path.to_string()
    }
}

impl DecodeError {
    /// The path of the offending value.
    pub fn path(&self) -> &AttributePath {
        match self {
            Self::NotObject { path }
            | Self::Missing { path }
            | Self::Null { path }
            | Self::Unknown { path }
            | Self::WrongType { path, .. }
            | Self::Invalid { path, .. } => path,
        }
    }

    /// An [`DecodeError::Invalid`] at `path`.
    pub fn invalid(path: AttributePath, message: impl Into<String>) -> Self {
        Self::Invalid {
            path,
            message: message.into(),
        }
    }

    /// The error as a diagnostic pointing at the attribute.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let summary = match self {
            Self::Null { .. } => "Missing required argument",
            Self::Unknown { .. } => "Value not yet known",
            Self::Invalid { .. } => "Invalid attribute value",
            _ => "Unexpected value shape",
        };
        Diagnostic::attribute_error(self.path().clone(), summary, self.to_string())
    }
}

impl From<DecodeError> for Diagnostic {
    fn from(e: DecodeError) -> Self {
        e.to_diagnostic()
    }
}

impl From<DecodeError> for Diagnostics {
    fn from(e: DecodeError) -> Self {
        Diagnostics::from(e.to_diagnostic())
    }
}

static NULL: Value = Value::Null;

/// Reads attributes of one object value, tracking the object's path.
#[derive(Debug, Clone)]
pub struct ObjectReader<'a> {
    fields: &'a BTreeMap<String, Value>,
    path: AttributePath,
}

impl<'a> ObjectReader<'a> {
    /// Reads the top-level object.
    pub fn root(value: &'a Value) -> Result<Self, DecodeError> {
        Self::at(value, AttributePath::root())
    }

    /// Reads an object found at `path`.
    pub fn at(value: &'a Value, path: AttributePath) -> Result<Self, DecodeError> {
        match value {
            Value::Object(fields) => Ok(Self { fields, path }),
            Value::Null => Err(DecodeError::Null { path }),
            Value::Unknown(_) => Err(DecodeError::Unknown { path }),
            Value::Dynamic(_, inner) => Self::at(inner, path),
            _ => Err(DecodeError::NotObject { path }),
        }
    }

    /// This object's path.
    pub fn path(&self) -> &AttributePath {
        &self.path
    }

    /// The path of attribute `name` of this object.
    pub fn path_of(&self, name: &str) -> AttributePath {
        self.path.clone().attr(name)
    }

    /// Whether the object has attribute `name` at all.
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// The raw value of attribute `name` (error when absent from the object).
    pub fn value(&self, name: &str) -> Result<&'a Value, DecodeError> {
        self.fields.get(name).ok_or_else(|| DecodeError::Missing {
            path: self.path_of(name),
        })
    }

    /// The raw value of `name`, null when absent.
    pub fn value_or_null(&self, name: &str) -> &'a Value {
        self.fields.get(name).unwrap_or(&NULL)
    }

    /// Whether `name` is null or absent.
    pub fn is_null(&self, name: &str) -> bool {
        matches!(self.value_or_null(name), Value::Null)
    }

    /// Whether `name` is unknown.
    pub fn is_unknown(&self, name: &str) -> bool {
        matches!(self.value_or_null(name), Value::Unknown(_))
    }

    /// The known value of `name`, `None` when null; error when unknown.
    fn known(&self, name: &str) -> Result<Option<&'a Value>, DecodeError> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Unknown(_) => Err(DecodeError::Unknown {
                path: self.path_of(name),
            }),
            Value::Dynamic(_, inner) => match &**inner {
                Value::Null => Ok(None),
                Value::Unknown(_) => Err(DecodeError::Unknown {
                    path: self.path_of(name),
                }),
                v => Ok(Some(v)),
            },
            v => Ok(Some(v)),
        }
    }

    fn required<T>(
        &self,
        name: &str,
        f: impl FnOnce(&Self, &str) -> Result<Option<T>, DecodeError>,
    ) -> Result<T, DecodeError> {
        f(self, name)?.ok_or_else(|| DecodeError::Null {
            path: self.path_of(name),
        })
    }

    /// A string that must be set.
    pub fn string(&self, name: &str) -> Result<String, DecodeError> {
        self.required(name, Self::opt_string)
    }

    /// A string, `None` when null.
    pub fn opt_string(&self, name: &str) -> Result<Option<String>, DecodeError> {
        match self.known(name)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(name, "a string")),
        }
    }

    /// A bool that must be set.
    pub fn bool(&self, name: &str) -> Result<bool, DecodeError> {
        self.required(name, Self::opt_bool)
    }

    /// A bool, `None` when null.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, DecodeError> {
        match self.known(name)? {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong(name, "a bool")),
        }
    }

    /// A number that must be set.
    pub fn number(&self, name: &str) -> Result<Number, DecodeError> {
        self.required(name, Self::opt_number)
    }

    /// A number, `None` when null.
    pub fn opt_number(&self, name: &str) -> Result<Option<Number>, DecodeError> {
        match self.known(name)? {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.clone())),
            Some(_) => Err(self.wrong(name, "a number")),
        }
    }

    /// A whole number in the i64 range that must be set.
    pub fn i64(&self, name: &str) -> Result<i64, DecodeError> {
        self.required(name, Self::opt_i64)
    }

    /// A whole number in the i64 range, `None` when null.
    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>, DecodeError> {
        let Some(n) = self.opt_number(name)? else {
            return Ok(None);
        };
        if !n.0.is_integer() {
            return Err(DecodeError::invalid(
                self.path_of(name),
                "must be a whole number",
            ));
        }
        n.0.to_i64()
            .map(Some)
            .ok_or_else(|| DecodeError::invalid(self.path_of(name), "is out of range"))
    }

    /// A number as f64 (may lose precision), `None` when null.
    pub fn opt_f64(&self, name: &str) -> Result<Option<f64>, DecodeError> {
        Ok(self.opt_number(name)?.and_then(|n| n.0.to_f64()))
    }

    /// A list or set of strings; null counts as empty. Elements must be known and not null.
    pub fn string_list(&self, name: &str) -> Result<Vec<String>, DecodeError> {
        self.list_of(name, |v, path| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Err(DecodeError::Null { path }),
            Value::Unknown(_) => Err(DecodeError::Unknown { path }),
            _ => Err(DecodeError::WrongType {
                path,
                expected: "a string",
            }),
        })
    }

    /// A map of strings; null counts as empty.
    pub fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, DecodeError> {
        let Some(v) = self.known(name)? else {
            return Ok(BTreeMap::new());
        };
        let (Value::Map(m) | Value::Object(m)) = v else {
            return Err(self.wrong(name, "a map"));
        };
        let mut out = BTreeMap::new();
        for (k, v) in m {
            let path = self.path_of(name).key(k);
            match v {
                Value::String(s) => {
                    out.insert(k.clone(), s.clone());
                }
                Value::Null => return Err(DecodeError::Null { path }),
                Value::Unknown(_) => return Err(DecodeError::Unknown { path }),
                _ => {
                    return Err(DecodeError::WrongType {
                        path,
                        expected: "a string",
                    });
                }
            }
        }
        Ok(out)
    }

    /// Each element of a list, set or tuple through `f` (given the element and its
    /// path); null counts as empty.
    pub fn list_of<T>(
        &self,
        name: &str,
        mut f: impl FnMut(&'a Value, AttributePath) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let Some(v) = self.known(name)? else {
            return Ok(Vec::new());
        };
        let base = self.path_of(name);
        match v {
            Value::List(items) | Value::Tuple(items) => items
                .iter()
                .enumerate()
                .map(|(i, e)| f(e, base.clone().index(i as i64)))
                .collect(),
            Value::Set(items) => items.iter().map(|e| f(e, base.clone())).collect(),
            _ => Err(self.wrong(name, "a list")),
        }
    }

    /// A nested object (single block or object attribute) that must be present.
    pub fn block(&self, name: &str) -> Result<ObjectReader<'a>, DecodeError> {
        self.required(name, Self::opt_block)
    }

    /// A nested object, `None` when null/absent.
    pub fn opt_block(&self, name: &str) -> Result<Option<ObjectReader<'a>>, DecodeError> {
        if !self.has(name) {
            return Ok(None);
        }
        match self.known(name)? {
            None => Ok(None),
            Some(v) => Ok(Some(ObjectReader::at(v, self.path_of(name))?)),
        }
    }

    /// The objects of a list or set block (or nested attribute); null counts as empty.
    pub fn blocks(&self, name: &str) -> Result<Vec<ObjectReader<'a>>, DecodeError> {
        self.list_of(name, ObjectReader::at)
    }

    fn wrong(&self, name: &str, expected: &'static str) -> DecodeError {
        DecodeError::WrongType {
            path: self.path_of(name),
            expected,
        }
    }
}

/// `obj` with attribute `name` set to `v` (non-objects are returned unchanged).
pub fn set_attr(obj: Value, name: &str, v: Value) -> Value {
    match obj {
        Value::Object(mut m) => {
            m.insert(name.to_string(), v);
            Value::Object(m)
        }
        other => other,
    }
}

/// A number value from an i64.
pub fn number_value(n: i64) -> Value {
    Value::Number(Number(BigDecimal::from(n)))
}

/// A string value, or null for `None`.
pub fn opt_string_value(s: Option<impl Into<String>>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.into()))
}

/// A list of strings.
pub fn string_list_value<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::List(items.into_iter().map(|s| Value::String(s.into())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn reads_scalars_with_paths() {
        let v = obj(vec![
            ("s", Value::String("x".into())),
            ("n", number_value(42)),
            ("f", Value::Number(Number("1.5".parse().unwrap()))),
            ("b", Value::Bool(true)),
            ("u", Value::Unknown(Default::default())),
            ("z", Value::Null),
        ]);
        let r = ObjectReader::root(&v).unwrap();
        assert_eq!(r.string("s").unwrap(), "x");
        assert_eq!(r.i64("n").unwrap(), 42);
        assert!(r.bool("b").unwrap());
        assert_eq!(r.opt_f64("f").unwrap(), Some(1.5));
        assert!(matches!(r.i64("f"), Err(DecodeError::Invalid { .. })));
        assert!(matches!(r.string("u"), Err(DecodeError::Unknown { .. })));
        assert!(matches!(r.string("z"), Err(DecodeError::Null { .. })));
        assert_eq!(r.opt_string("z").unwrap(), None);
        assert!(matches!(
            r.string("missing"),
            Err(DecodeError::Missing { .. })
        ));
        let e = r.bool("s").unwrap_err();
        assert_eq!(e.path().to_string(), "s");
        assert_eq!(e.to_string(), "s: expected a bool");
        assert!(r.is_unknown("u") && r.is_null("z") && r.is_null("missing"));
    }

    #[test]
    fn nested_blocks_and_lists_carry_paths() {
        let v = obj(vec![
            (
                "remote",
                Value::List(vec![
                    obj(vec![
                        ("alias", Value::String("a".into())),
                        ("tags", string_list_value(["x"])),
                    ]),
                    obj(vec![("alias", Value::Bool(false)), ("tags", Value::Null)]),
                ]),
            ),
            (
                "single",
                obj(vec![(
                    "m",
                    Value::Map([("k".to_string(), Value::Number(Number(1.into())))].into()),
                )]),
            ),
            ("absent", Value::Null),
        ]);
        let r = ObjectReader::root(&v).unwrap();
        let blocks = r.blocks("remote").unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].string("alias").unwrap(), "a");
        assert_eq!(
            blocks[0].string_list("tags").unwrap(),
            vec!["x".to_string()]
        );
        assert!(blocks[1].string_list("tags").unwrap().is_empty());
        let e = blocks[1].string("alias").unwrap_err();
        assert_eq!(e.path().to_string(), "remote[1].alias");
        let d = e.to_diagnostic();
        assert_eq!(
            d.path.map(|p| p.to_string()).as_deref(),
            Some("remote[1].alias")
        );

        let single = r.block("single").unwrap();
        let e = single.string_map("m").unwrap_err();
        assert_eq!(e.path().to_string(), "single.m[\"k\"]");
        assert!(r.opt_block("absent").unwrap().is_none());
        assert!(matches!(r.block("absent"), Err(DecodeError::Null { .. })));
    }
}
