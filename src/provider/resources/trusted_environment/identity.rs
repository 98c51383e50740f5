//! Identity (Terraform 1.12+): the four parts of the id
//! `<deployment_id>/<ref_id>/<kind>/<value>`, read from the state's `id`.

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::id::TrustId;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new()
        .required(
            "deployment_id",
            "Id of the deployment (32 lowercase hexadecimal characters).",
        )
        .required(
            "ref_id",
            "`ref_id` of the deployment's Elasticsearch resource.",
        )
        .required(
            "kind",
            "Which trust list holds the entry: `organization`, `external` or `direct`.",
        )
        .required(
            "value",
            "The entry's key: the organization id, the trust relationship id, or the `uid` of a direct entry.",
        )
}

/// The identity of a state, from its `id` (unknown while the id is; null when it is null
/// or not a trusted environment id).
pub(super) fn of_state(state: &Value) -> Value {
    let s = schema();
    match state.get_attr("id") {
        Some(Value::String(id)) => match TrustId::parse(id) {
            Ok(t) => s.value([
                ("deployment_id", Some(t.deployment_id.clone())),
                ("ref_id", Some(t.ref_id.clone())),
                ("kind", Some(t.key.kind().to_string())),
                ("value", Some(t.key.value().to_string())),
            ]),
            Err(_) => s.value([]),
        },
        Some(Value::Unknown(_)) => Value::object(
            s.attributes
                .iter()
                .map(|a| (a.name.clone(), Value::unknown())),
        ),
        _ => s.value([]),
    }
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    let v = schema().read_import(identity)?;
    Ok(format!(
        "{}/{}/{}/{}",
        v.require("deployment_id")?,
        v.require("ref_id")?,
        v.require("kind")?,
        v.require("value")?
    ))
}
