//! Resource identities (Terraform 1.12+) shared by the resources that own one alias of a
//! deployment: `deployment_id`, `ref_id` (optional on import: the first Elasticsearch
//! resource) and `alias`, the parts of their import id.
//!
//! A resource declares its identity in `<resource>/identity.rs` with a `schema()` (the
//! attributes naming the object, as in its import id) and an `import_id()` that turns an
//! identity into the import id its `import_state` accepts; its `Resource` impl returns them
//! from `identity_schema` and `import_id_from_identity`. The identity is read from the
//! state attributes of the same names unless the resource overrides `identity`.

use tfplugin::framework::diag::Diagnostics;
use tfplugin::framework::identity::IdentitySchema;
use tfplugin::framework::value::Value;

/// `deployment_id` + `ref_id` + `alias`.
pub(super) fn deployment_alias_schema(what: &str) -> IdentitySchema {
    IdentitySchema::new()
        .required(
            "deployment_id",
            "Id of the deployment (32 lowercase hexadecimal characters).",
        )
        .optional(
            "ref_id",
            "`ref_id` of the deployment's Elasticsearch resource; when left out on import, the first one.",
        )
        .required("alias", format!("The alias {what}."))
}

/// `<deployment_id>/<ref_id>/<alias>`, or `<deployment_id>/<alias>` without a `ref_id`.
pub(super) fn deployment_alias_import_id(
    schema: &IdentitySchema,
    identity: &Value,
) -> Result<String, Diagnostics> {
    let v = schema.read_import(identity)?;
    let dep = v.require("deployment_id")?;
    let alias = v.require("alias")?;
    Ok(match v.get("ref_id") {
        Some(r) => format!("{dep}/{r}/{alias}"),
        None => format!("{dep}/{alias}"),
    })
}

/// A one-attribute identity whose import id is the attribute's value.
pub(super) fn single_import_id(
    schema: &IdentitySchema,
    name: &str,
    identity: &Value,
) -> Result<String, Diagnostics> {
    let v = schema.read_import(identity)?;
    v.require(name).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const DEP: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn deployment_alias_ids() {
        let s = deployment_alias_schema("the entry names");
        let full = s.value([
            ("deployment_id", Some(DEP.to_string())),
            ("ref_id", Some("main-elasticsearch".to_string())),
            ("alias", Some("r1".to_string())),
        ]);
        assert_eq!(
            deployment_alias_import_id(&s, &full).unwrap(),
            format!("{DEP}/main-elasticsearch/r1")
        );
        let short = s.value([
            ("deployment_id", Some(DEP.to_string())),
            ("alias", Some("r1".to_string())),
        ]);
        assert_eq!(
            deployment_alias_import_id(&s, &short).unwrap(),
            format!("{DEP}/r1")
        );
        let missing = s.value([("deployment_id", Some(DEP.to_string()))]);
        let err = deployment_alias_import_id(&s, &missing).unwrap_err();
        assert!(err.to_string().contains("alias"), "{err}");
    }
}
