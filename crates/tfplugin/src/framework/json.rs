//! cty values in JSON, as `DynamicValue.json` and `RawState.json` carry them (go-cty `cty/json`
//! semantics).
//!
//! - null is `null`; unknown values cannot be represented (encoding one is an error).
//! - numbers are JSON numbers written exactly (no exponent); decoding also accepts a string
//!   holding a number, as cty's conversion does.
//! - strings accept JSON numbers and bools (their text); bools accept `"true"`/`"false"` and
//!   `"1"`/`"0"` (cty's string-to-bool conversion).
//! - list/set/tuple are arrays; map and object are JSON objects. Object attributes missing from
//!   the JSON decode as null (state written by older schema versions); attributes the type does
//!   not declare are an error unless [`JsonOptions::ignore_undefined_attributes`] is set.
//! - a `Dynamic` position holds `{"value": ..., "type": ...}` (or plain `null`).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::type_json::{json_error_name, type_from_json, type_to_json};
use super::value::{AttributePath, CodecError, MAX_DEPTH, Number, PathStep, Type, Value};

/// Options for [`decode_json_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonOptions {
    /// Drop object attributes the type does not declare instead of failing (what state
    /// upgrade needs when an attribute was removed from the schema).
    pub ignore_undefined_attributes: bool,
}

/// Decodes JSON bytes as a value of type `ty` (go-cty semantics, strict attributes).
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    decode_json_with(bytes, ty, JsonOptions::default())
}

/// Decodes JSON bytes as a value of type `ty` with options.
pub fn decode_json_with(bytes: &[u8], ty: &Type, opts: JsonOptions) -> Result<Value, CodecError> {
    let json: Json = serde_json::from_slice(bytes).map_err(|e| CodecError::Malformed {
        path: AttributePath::root(),
        message: format!(
            "invalid JSON ({}) at line {} column {}",
            json_error_name(&e),
            e.line(),
            e.column()
        ),
    })?;
    value_from_json_with(&json, ty, opts)
}

/// Converts an already parsed JSON document to a value of type `ty`.
pub fn value_from_json(json: &Json, ty: &Type) -> Result<Value, CodecError> {
    value_from_json_with(json, ty, JsonOptions::default())
}

/// Converts an already parsed JSON document to a value of type `ty`, with options.
pub fn value_from_json_with(
    json: &Json,
    ty: &Type,
    opts: JsonOptions,
) -> Result<Value, CodecError> {
    let mut d = JsonDecoder {
        path: Vec::new(),
        opts,
    };
    d.value(json, ty, 0)
}

/// Encodes `value` of type `ty` as compact JSON bytes.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let json = value_to_json(value, ty)?;
    serde_json::to_vec(&json).map_err(|e| CodecError::Malformed {
        path: AttributePath::root(),
        message: format!("cannot serialize JSON ({})", json_error_name(&e)),
    })
}

/// Converts `value` of type `ty` to a JSON document.
pub fn value_to_json(value: &Value, ty: &Type) -> Result<Json, CodecError> {
    let mut path = Vec::new();
    to_json(value, ty, &mut path, 0)
}

fn number_json(n: &Number, path: &[PathStep]) -> Result<Json, CodecError> {
    n.to_string()
        .parse::<serde_json::Number>()
        .map(Json::Number)
        .map_err(|_| CodecError::Malformed {
            path: AttributePath::from_steps(path.to_vec()),
            message: "number cannot be written as JSON".into(),
        })
}

fn to_json(
    v: &Value,
    ty: &Type,
    path: &mut Vec<PathStep>,
    depth: usize,
) -> Result<Json, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep {
            path: AttributePath::from_steps(path.clone()),
            limit: MAX_DEPTH,
        });
    }
    if *ty == Type::Dynamic {
        return dynamic_to_json(v, path, depth);
    }
    match (ty, v) {
        (_, Value::Dynamic(t, inner)) if t == ty => to_json(inner, ty, path, depth + 1),
        (_, Value::Null) => Ok(Json::Null),
        (_, Value::Unknown(_)) => Err(CodecError::UnknownInJson {
            path: AttributePath::from_steps(path.clone()),
        }),
        (Type::Bool, Value::Bool(b)) => Ok(Json::Bool(*b)),
        (Type::Number, Value::Number(n)) => number_json(n, path),
        (Type::String, Value::String(s)) => Ok(Json::String(s.clone())),
        (Type::List(et), Value::List(elems)) | (Type::Set(et), Value::Set(elems)) => {
            let mut out = Vec::with_capacity(elems.len());
            for (i, e) in elems.iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(to_json(e, et, path, depth + 1)?);
                path.pop();
            }
            Ok(Json::Array(out))
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
            let mut out = Vec::with_capacity(elems.len());
            for (i, (e, et)) in elems.iter().zip(ets).enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(to_json(e, et, path, depth + 1)?);
                path.pop();
            }
            Ok(Json::Array(out))
        }
        (Type::Map(et), Value::Map(m)) => {
            let mut out = serde_json::Map::new();
            for (k, e) in m {
                path.push(PathStep::Key(k.clone()));
                out.insert(k.clone(), to_json(e, et, path, depth + 1)?);
                path.pop();
            }
            Ok(Json::Object(out))
        }
        (Type::Object { attrs, optional }, Value::Object(m)) => {
            object_to_json(m, attrs, optional, path, depth)
        }
        _ => Err(CodecError::TypeMismatch {
            path: AttributePath::from_steps(path.clone()),
            expected: ty.to_string(),
            found: v.kind().to_string(),
        }),
    }
}

/// A value of a `Dynamic` position: `{"value": ..., "type": ...}` (null stays null).
fn dynamic_to_json(v: &Value, path: &mut Vec<PathStep>, depth: usize) -> Result<Json, CodecError> {
    let (t, inner) = match v {
        Value::Null => return Ok(Json::Null),
        Value::Unknown(_) => {
            return Err(CodecError::UnknownInJson {
                path: AttributePath::from_steps(path.clone()),
            });
        }
        Value::Dynamic(Type::Dynamic, inner) => {
            return to_json(inner, &Type::Dynamic, path, depth + 1);
        }
        Value::Dynamic(t, inner) => (t.clone(), inner.as_ref()),
        other => (other.infer_type().map_err(|e| e.with_prefix(path))?, other),
    };
    let mut obj = serde_json::Map::new();
    obj.insert("value".into(), to_json(inner, &t, path, depth + 1)?);
    obj.insert("type".into(), type_to_json(&t));
    Ok(Json::Object(obj))
}

/// An object value of the attribute types `attrs`.
fn object_to_json(
    m: &BTreeMap<String, Value>,
    attrs: &BTreeMap<String, Type>,
    optional: &std::collections::BTreeSet<String>,
    path: &mut Vec<PathStep>,
    depth: usize,
) -> Result<Json, CodecError> {
    if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
        return Err(CodecError::UnexpectedAttribute {
            path: AttributePath::from_steps(path.clone()),
            name: extra.clone(),
        });
    }
    let mut out = serde_json::Map::new();
    for (name, at) in attrs {
        match m.get(name) {
            Some(av) => {
                path.push(PathStep::Attr(name.clone()));
                out.insert(name.clone(), to_json(av, at, path, depth + 1)?);
                path.pop();
            }
            None if optional.contains(name) => {
                out.insert(name.clone(), Json::Null);
            }
            None => {
                return Err(CodecError::MissingAttribute {
                    path: AttributePath::from_steps(path.clone()),
                    name: name.clone(),
                });
            }
        }
    }
    Ok(Json::Object(out))
}

fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

struct JsonDecoder {
    path: Vec<PathStep>,
    opts: JsonOptions,
}

impl JsonDecoder {
    fn malformed(&self, message: impl Into<String>) -> CodecError {
        CodecError::Malformed {
            path: AttributePath::from_steps(self.path.clone()),
            message: message.into(),
        }
    }

    fn mismatch(&self, expected: &str, j: &Json) -> CodecError {
        CodecError::TypeMismatch {
            path: AttributePath::from_steps(self.path.clone()),
            expected: expected.to_string(),
            found: json_kind(j).to_string(),
        }
    }

    fn value(&mut self, j: &Json, ty: &Type, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::TooDeep {
                path: AttributePath::from_steps(self.path.clone()),
                limit: MAX_DEPTH,
            });
        }
        if j.is_null() {
            return Ok(Value::Null);
        }
        match ty {
            Type::Dynamic => self.dynamic(j, depth),
            Type::Bool => match j {
                Json::Bool(b) => Ok(Value::Bool(*b)),
                Json::String(s) if s == "true" || s == "1" => Ok(Value::Bool(true)),
                Json::String(s) if s == "false" || s == "0" => Ok(Value::Bool(false)),
                Json::String(_) => Err(self.malformed("a bool is required")),
                _ => Err(self.mismatch("bool", j)),
            },
            Type::Number => {
                let text = match j {
                    Json::Number(n) => n.as_str(),
                    Json::String(s) => s.as_str(),
                    _ => return Err(self.mismatch("number", j)),
                };
                text.parse::<Number>()
                    .map(Value::Number)
                    .map_err(|e| self.malformed(format!("a number is required: {e}")))
            }
            Type::String => match j {
                Json::String(s) => Ok(Value::String(s.clone())),
                Json::Number(n) => Ok(Value::String(n.as_str().to_string())),
                Json::Bool(b) => Ok(Value::String(b.to_string())),
                _ => Err(self.mismatch("string", j)),
            },
            Type::List(et) | Type::Set(et) => {
                let Json::Array(items) = j else {
                    return Err(self.mismatch(&ty.to_string(), j));
                };
                let mut elems = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    self.path.push(PathStep::Index(i as i64));
                    elems.push(self.value(item, et, depth + 1)?);
                    self.path.pop();
                }
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(elems)
                } else {
                    Value::Set(elems)
                })
            }
            Type::Tuple(ets) => {
                let Json::Array(items) = j else {
                    return Err(self.mismatch("tuple", j));
                };
                if items.len() != ets.len() {
                    return Err(self.malformed(format!(
                        "a tuple of {} elements is required, found {}",
                        ets.len(),
                        items.len()
                    )));
                }
                let mut elems = Vec::with_capacity(items.len());
                for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                    self.path.push(PathStep::Index(i as i64));
                    elems.push(self.value(item, et, depth + 1)?);
                    self.path.pop();
                }
                Ok(Value::Tuple(elems))
            }
            Type::Map(et) => {
                let Json::Object(obj) = j else {
                    return Err(self.mismatch(&ty.to_string(), j));
                };
                let mut m = BTreeMap::new();
                for (k, item) in obj {
                    self.path.push(PathStep::Key(k.clone()));
                    let v = self.value(item, et, depth + 1)?;
                    self.path.pop();
                    m.insert(k.clone(), v);
                }
                Ok(Value::Map(m))
            }
            Type::Object { attrs, .. } => self.object(j, attrs, depth),
        }
    }

    /// A `Dynamic` position: `{"type": ..., "value": ...}`.
    fn dynamic(&mut self, j: &Json, depth: usize) -> Result<Value, CodecError> {
        let Json::Object(obj) = j else {
            return Err(self.mismatch("dynamic value object {\"type\", \"value\"}", j));
        };
        if let Some(k) = obj.keys().find(|k| *k != "type" && *k != "value") {
            return Err(self.malformed(format!("invalid key {k:?} in dynamically-typed value")));
        }
        let t = obj
            .get("type")
            .ok_or_else(|| self.malformed("missing type in dynamically-typed value"))?;
        let t = type_from_json(t).map_err(|e| e.with_prefix(&self.path))?;
        let v = obj
            .get("value")
            .ok_or_else(|| self.malformed("missing value in dynamically-typed value"))?;
        let inner = self.value(v, &t, depth + 1)?;
        if t == Type::Dynamic {
            // `{"type":"dynamic","value":v}` says nothing more than `v` itself.
            return Ok(inner);
        }
        Ok(Value::Dynamic(t, Box::new(inner)))
    }

    /// An object of the attribute types `attrs`; absent attributes are null.
    fn object(
        &mut self,
        j: &Json,
        attrs: &BTreeMap<String, Type>,
        depth: usize,
    ) -> Result<Value, CodecError> {
        let Json::Object(obj) = j else {
            return Err(self.mismatch("object", j));
        };
        let mut m = BTreeMap::new();
        for (k, item) in obj {
            let Some(at) = attrs.get(k) else {
                if self.opts.ignore_undefined_attributes {
                    continue;
                }
                return Err(CodecError::UnexpectedAttribute {
                    path: AttributePath::from_steps(self.path.clone()),
                    name: k.clone(),
                });
            };
            self.path.push(PathStep::Attr(k.clone()));
            let v = self.value(item, at, depth + 1)?;
            self.path.pop();
            m.insert(k.clone(), v);
        }
        for name in attrs.keys() {
            m.entry(name.clone()).or_insert(Value::Null);
        }
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_wrapper_form() {
        let v = Value::dynamic(Type::list(Type::String), Value::list([Value::string("a")]));
        let out = encode_json(&v, &Type::Dynamic).unwrap();
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            r#"{"value":["a"],"type":["list","string"]}"#
        );
        assert_eq!(decode_json(&out, &Type::Dynamic).unwrap(), v);
    }

    #[test]
    fn lenient_primitive_conversions() {
        assert_eq!(
            decode_json(br#""12.5""#, &Type::Number).unwrap(),
            Value::number("12.5".parse::<Number>().unwrap())
        );
        assert_eq!(
            decode_json(b"12", &Type::String).unwrap(),
            Value::string("12")
        );
        assert_eq!(
            decode_json(b"true", &Type::String).unwrap(),
            Value::string("true")
        );
        assert_eq!(
            decode_json(br#""false""#, &Type::Bool).unwrap(),
            Value::bool(false)
        );
        assert!(decode_json(br#""yes""#, &Type::Bool).is_err());
        assert!(decode_json(br#"[1]"#, &Type::String).is_err());
    }

    #[test]
    fn ignore_undefined_attributes_option() {
        let ty = Type::object([("a", Type::String)]);
        let input = br#"{"a":"x","gone":1}"#;
        assert!(matches!(
            decode_json(input, &ty),
            Err(CodecError::UnexpectedAttribute { ref name, .. }) if name == "gone"
        ));
        let v = decode_json_with(
            input,
            &ty,
            JsonOptions {
                ignore_undefined_attributes: true,
            },
        )
        .unwrap();
        assert_eq!(v, Value::object([("a", Value::string("x"))]));
    }
}
