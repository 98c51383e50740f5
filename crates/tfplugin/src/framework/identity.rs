//! Resource identity (protocol 6.9, Terraform 1.12+): the few attributes that name the
//! remote object a resource instance manages, independent of its state.
//!
//! A resource declares an [`IdentitySchema`] through
//! [`crate::framework::traits::Resource::identity_schema`]. The gRPC layer then serves it
//! from GetResourceIdentitySchemas, attaches the identity to every Read, Plan, Apply and
//! Import answer, and accepts `import { identity = {...} }` by turning the identity into
//! the resource's import id ([`crate::framework::traits::Resource::import_id_from_identity`]).
//! Terraform versions before 1.12 never ask for identities and never send them; nothing
//! else changes for them.

use std::collections::BTreeMap;

use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::value::{Type, Value};

/// One attribute of an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityAttribute {
    /// Name, as written in `import { identity = { <name> = ... } }`.
    pub name: String,
    /// Type (identities hold primitives).
    pub ty: Type,
    /// Must be given when importing by identity.
    pub required_for_import: bool,
    /// May be left out when importing; the provider finds it.
    pub optional_for_import: bool,
    /// Markdown description.
    pub description: String,
}

/// The identity schema of a resource type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentitySchema {
    /// Identity version (separate from the schema version; identities of different
    /// versions never compare equal).
    pub version: i64,
    /// Attributes, in documentation order.
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    /// An empty schema of version 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a string attribute that an import must give.
    #[must_use]
    pub fn required(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.attributes.push(IdentityAttribute {
            name: name.into(),
            ty: Type::String,
            required_for_import: true,
            optional_for_import: false,
            description: description.into(),
        });
        self
    }

    /// Adds a string attribute that an import may leave out.
    #[must_use]
    pub fn optional(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.attributes.push(IdentityAttribute {
            name: name.into(),
            ty: Type::String,
            required_for_import: false,
            optional_for_import: true,
            description: description.into(),
        });
        self
    }

    /// The cty object type of an identity value.
    pub fn object_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone())),
        )
    }

    /// An identity value from `(name, value)` pairs; attributes not given are null.
    pub fn value<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, Option<String>)>) -> Value {
        let given: BTreeMap<&str, Option<String>> = pairs.into_iter().collect();
        Value::Object(
            self.attributes
                .iter()
                .map(|a| {
                    let v = match given.get(a.name.as_str()) {
                        Some(Some(s)) => Value::String(s.clone()),
                        _ => Value::Null,
                    };
                    (a.name.clone(), v)
                })
                .collect(),
        )
    }

    /// The identity a state names: each identity attribute copied from the state
    /// attribute of the same name (null when the state has none).
    pub fn project(&self, state: &Value) -> Value {
        Value::Object(
            self.attributes
                .iter()
                .map(|a| {
                    let v = state.get_attr(&a.name).cloned().unwrap_or(Value::Null);
                    (a.name.clone(), v)
                })
                .collect(),
        )
    }

    /// The string attributes of an identity given to an import, checking that the
    /// required ones are present (errors name the identity attribute).
    pub fn read_import(&self, identity: &Value) -> Result<IdentityValues, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut out = BTreeMap::new();
        for a in &self.attributes {
            match identity.get_attr(&a.name) {
                Some(Value::String(s)) if !s.is_empty() => {
                    out.insert(a.name.clone(), s.clone());
                }
                Some(Value::Unknown(_)) => diags.attribute_error(
                    AttributePath::attr_path(&a.name),
                    "Invalid import identity",
                    format!("The identity attribute {} must be known to import.", a.name),
                ),
                _ if a.required_for_import => diags.attribute_error(
                    AttributePath::attr_path(&a.name),
                    "Invalid import identity",
                    format!(
                        "The identity attribute {} is required to import: {}",
                        a.name, a.description
                    ),
                ),
                _ => {}
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(IdentityValues(out))
        }
    }
}

/// The non-empty string attributes of an identity, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentityValues(BTreeMap<String, String>);

impl IdentityValues {
    /// The attribute's value, when given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The attribute's value; an error naming it when absent (for attributes the
    /// schema marks required, [`IdentitySchema::read_import`] already checked).
    pub fn require(&self, name: &str) -> Result<&str, Diagnostics> {
        self.get(name).ok_or_else(|| {
            Diagnostic::attribute_error(
                AttributePath::attr_path(name),
                "Invalid import identity",
                format!("The identity attribute {name} is required to import."),
            )
            .into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> IdentitySchema {
        IdentitySchema::new()
            .required("deployment_id", "The deployment.")
            .optional("ref_id", "The Elasticsearch resource.")
    }

    #[test]
    fn projects_state_attributes() {
        let state = Value::object([
            ("deployment_id", Value::string("d1")),
            ("ref_id", Value::string("main-elasticsearch")),
            ("other", Value::bool(true)),
        ]);
        let id = schema().project(&state);
        assert_eq!(
            id,
            Value::object([
                ("deployment_id", Value::string("d1")),
                ("ref_id", Value::string("main-elasticsearch")),
            ])
        );
        assert!(id.conforms(&schema().object_type()).is_ok());
        // Missing attributes are null, never absent.
        let partial = schema().project(&Value::object([("deployment_id", Value::string("d1"))]));
        assert_eq!(partial.get_attr("ref_id"), Some(&Value::Null));
    }

    #[test]
    fn import_checks_required_attributes() {
        let s = schema();
        let ok = s
            .read_import(&s.value([("deployment_id", Some("d1".to_string()))]))
            .unwrap();
        assert_eq!(ok.get("deployment_id"), Some("d1"));
        assert_eq!(ok.get("ref_id"), None);
        let err = s.read_import(&s.value([])).unwrap_err();
        let d = err.iter().next().unwrap();
        assert!(d.detail.contains("deployment_id"), "{}", d.detail);
        assert_eq!(
            d.path.as_ref().map(|p| p.to_string()).as_deref(),
            Some("deployment_id")
        );
        let unknown = Value::object([("deployment_id", Value::unknown()), ("ref_id", Value::Null)]);
        assert!(s.read_import(&unknown).is_err());
    }
}
