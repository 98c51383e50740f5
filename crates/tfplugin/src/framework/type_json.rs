//! cty types in their JSON form, as Terraform exchanges them (schema `type` bytes, the type half
//! of a dynamic value, function parameter types).
//!
//! Forms: `"bool"`, `"number"`, `"string"`, `"dynamic"`, `["list",T]`, `["set",T]`, `["map",T]`,
//! `["object",{"name":T,...}]`, `["object",{...},["optional","names"]]`, `["tuple",[T,...]]`.
//! Output is compact with object attributes in sorted order (as Go's encoder writes them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::value::{AttributePath, CodecError, MAX_DEPTH, Type};

/// The JSON form of `ty`.
pub fn type_to_json(ty: &Type) -> Json {
    match ty {
        Type::Bool => Json::String("bool".into()),
        Type::Number => Json::String("number".into()),
        Type::String => Json::String("string".into()),
        Type::Dynamic => Json::String("dynamic".into()),
        Type::List(t) => Json::Array(vec![Json::String("list".into()), type_to_json(t)]),
        Type::Set(t) => Json::Array(vec![Json::String("set".into()), type_to_json(t)]),
        Type::Map(t) => Json::Array(vec![Json::String("map".into()), type_to_json(t)]),
        Type::Object { attrs, optional } => {
            let mut obj = serde_json::Map::new();
            for (name, t) in attrs {
                obj.insert(name.clone(), type_to_json(t));
            }
            let mut parts = vec![Json::String("object".into()), Json::Object(obj)];
            let opts: Vec<Json> = optional
                .iter()
                .filter(|o| attrs.contains_key(*o))
                .map(|o| Json::String(o.clone()))
                .collect();
            if !opts.is_empty() {
                parts.push(Json::Array(opts));
            }
            Json::Array(parts)
        }
        Type::Tuple(ts) => Json::Array(vec![
            Json::String("tuple".into()),
            Json::Array(ts.iter().map(type_to_json).collect()),
        ]),
    }
}

/// The compact JSON bytes of `ty` (e.g. `["list","string"]`).
pub fn type_to_json_bytes(ty: &Type) -> Vec<u8> {
    // Serializing a serde_json::Value to a Vec cannot fail.
    serde_json::to_vec(&type_to_json(ty)).unwrap_or_default()
}

/// Parses a type from its JSON form.
pub fn type_from_json(json: &Json) -> Result<Type, CodecError> {
    parse(json, 0)
}

/// Parses a type from JSON bytes.
pub fn type_from_json_bytes(bytes: &[u8]) -> Result<Type, CodecError> {
    let json: Json = serde_json::from_slice(bytes)
        .map_err(|e| invalid(format!("not JSON ({})", json_error_name(&e))))?;
    type_from_json(&json)
}

fn invalid(message: impl Into<String>) -> CodecError {
    CodecError::InvalidType {
        path: AttributePath::root(),
        message: message.into(),
    }
}

/// A name for a serde_json error category, without echoing any of the input.
pub(crate) fn json_error_name(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "data error",
        serde_json::error::Category::Eof => "unexpected end of input",
    }
}

fn parse(json: &Json, depth: usize) -> Result<Type, CodecError> {
    if depth > MAX_DEPTH {
        return Err(invalid("type nesting too deep"));
    }
    match json {
        Json::String(s) => match s.as_str() {
            "bool" => Ok(Type::Bool),
            "number" => Ok(Type::Number),
            "string" => Ok(Type::String),
            "dynamic" => Ok(Type::Dynamic),
            _ => Err(invalid("unsupported primitive type name")),
        },
        Json::Array(parts) => {
            let Some(Json::String(kind)) = parts.first() else {
                return Err(invalid("a type array must start with its kind name"));
            };
            match kind.as_str() {
                "list" | "set" | "map" => {
                    if parts.len() != 2 {
                        return Err(invalid(format!(
                            "{kind} type needs exactly one element type"
                        )));
                    }
                    let et = parse(&parts[1], depth + 1)?;
                    Ok(match kind.as_str() {
                        "list" => Type::list(et),
                        "set" => Type::set(et),
                        _ => Type::map(et),
                    })
                }
                "object" => {
                    if parts.len() != 2 && parts.len() != 3 {
                        return Err(invalid(
                            "object type needs attributes and optionally a list of optional attributes",
                        ));
                    }
                    let Json::Object(obj) = &parts[1] else {
                        return Err(invalid("object attribute types must be a JSON object"));
                    };
                    let mut attrs = BTreeMap::new();
                    for (name, t) in obj {
                        attrs.insert(name.clone(), parse(t, depth + 1)?);
                    }
                    let mut optional = BTreeSet::new();
                    if let Some(opts) = parts.get(2) {
                        let Json::Array(opts) = opts else {
                            return Err(invalid("optional attribute names must be an array"));
                        };
                        for o in opts {
                            let Json::String(o) = o else {
                                return Err(invalid("optional attribute names must be strings"));
                            };
                            if !attrs.contains_key(o) {
                                return Err(invalid(
                                    "optional attribute is not an attribute of the object",
                                ));
                            }
                            optional.insert(o.clone());
                        }
                    }
                    Ok(Type::Object { attrs, optional })
                }
                "tuple" => {
                    if parts.len() != 2 {
                        return Err(invalid(
                            "tuple type needs exactly one array of element types",
                        ));
                    }
                    let Json::Array(elems) = &parts[1] else {
                        return Err(invalid("tuple element types must be an array"));
                    };
                    let ts = elems
                        .iter()
                        .map(|e| parse(e, depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Type::Tuple(ts))
                }
                _ => Err(invalid("unsupported type kind")),
            }
        }
        _ => Err(invalid("a type must be a JSON string or array")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_and_nested_forms() {
        let ty = Type::object_with_optional(
            [
                ("a", Type::list(Type::String)),
                ("b", Type::tuple([Type::Number, Type::Bool])),
                ("c", Type::map(Type::set(Type::Dynamic))),
            ],
            ["b"],
        );
        let bytes = type_to_json_bytes(&ty);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"["object",{"a":["list","string"],"b":["tuple",["number","bool"]],"c":["map",["set","dynamic"]]},["b"]]"#
        );
        assert_eq!(type_from_json_bytes(&bytes).unwrap(), ty);
    }

    #[test]
    fn object_without_optional_has_two_parts() {
        let ty = Type::object([("x", Type::String)]);
        assert_eq!(
            String::from_utf8(type_to_json_bytes(&ty)).unwrap(),
            r#"["object",{"x":"string"}]"#
        );
    }

    #[test]
    fn rejects_bad_forms() {
        for bad in [
            r#""strin""#,
            r#"["list"]"#,
            r#"["list","string","x"]"#,
            r#"["object",["a"]]"#,
            r#"["object",{"a":"string"},["b"]]"#,
            r#"["tuple","string"]"#,
            r#"42"#,
            r#"["capsule","x"]"#,
            r#"not json"#,
        ] {
            assert!(type_from_json_bytes(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut s = String::new();
        for _ in 0..2000 {
            s.push_str(r#"["list","#);
        }
        s.push_str(r#""string""#);
        for _ in 0..2000 {
            s.push(']');
        }
        assert!(type_from_json_bytes(s.as_bytes()).is_err());
    }
}
