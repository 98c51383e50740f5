//! Identity (Terraform 1.12+): the two parts of the import id `<deployment_id>/<ruleset_id>`,
//! read from the state's `id` (its `deployment_id` is null once the association was removed
//! outside Terraform; the id still names the deployment).

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::model::parse_import_id;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new()
        .required(
            "deployment_id",
            "Id of the deployment the filter is associated with (32 lowercase hexadecimal characters).",
        )
        .required("ruleset_id", "Id of the traffic-filter ruleset.")
}

/// The identity of a state, from its `id` (unknown while the id is; null when it is null or
/// not a filter id).
pub(super) fn of_state(state: &Value) -> Value {
    let s = schema();
    match state.get_attr("id") {
        Some(Value::String(id)) => match parse_import_id(id) {
            Some((dep, rs)) => s.value([("deployment_id", Some(dep)), ("ruleset_id", Some(rs))]),
            None => s.value([]),
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
        "{}/{}",
        v.require("deployment_id")?,
        v.require("ruleset_id")?
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const DEP: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn identity_round_trips_through_the_import_id() {
        let state = Value::object([("id".to_string(), Value::String(format!("{DEP}/rs-1")))]);
        let identity = of_state(&state);
        assert_eq!(import_id(&identity).unwrap(), format!("{DEP}/rs-1"));
        let missing = schema().value([("deployment_id", Some(DEP.to_string()))]);
        let err = import_id(&missing).unwrap_err();
        assert!(err.to_string().contains("ruleset_id"), "{err}");
    }
}
