//! Configuration checks of `crosscluster_keystore_api_key`: the key value's shape and the pairing
//! of `api_key_wo` with `api_key_wo_version`. Messages never echo the key.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, from_value};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;

/// A key value: non-empty, no whitespace.
pub(super) struct SecretRule;

impl ValueRule for SecretRule {
    fn description(&self) -> String {
        "A cross-cluster API key's `encoded` value: not empty, without whitespace.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Value::String(s) = value else { return };
        if s.is_empty() {
            diags.attribute_error(
                path.clone(),
                "Empty API key",
                "The API key must not be empty: use the `encoded` value of a cross-cluster API key.",
            );
        } else if s.chars().any(char::is_whitespace) {
            diags.attribute_error(
                path.clone(),
                "Invalid API key",
                "The API key contains whitespace; use the `encoded` value of a cross-cluster API key exactly as Elasticsearch returned it (trim trailing newlines, e.g. with trimspace()).",
            );
        }
    }
}

/// The part of the configuration [`validate`] looks at: whether each is set (the key value
/// itself is never read here).
#[derive(Deserialize)]
struct WriteOnlyPair {
    #[serde(default)]
    api_key_wo: Known<IgnoredAny>,
    #[serde(default)]
    api_key_wo_version: Known<IgnoredAny>,
}

/// The checks the schema validators cannot express: `api_key_wo_version` goes with `api_key_wo`.
/// (Values of the wrong shape are the schema validators' to report.)
pub(super) fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(pair) = from_value::<WriteOnlyPair>(config) else {
        return diags;
    };
    let wo = !pair.api_key_wo.is_null();
    let version = !pair.api_key_wo_version.is_null();
    if wo && !version {
        diags.attribute_error(
            AttributePath::attr_path("api_key_wo_version"),
            "Missing api_key_wo_version",
            "api_key_wo_version is required with api_key_wo: the provider cannot see a write-only value between runs, so it writes the key on create and whenever api_key_wo_version changes.",
        );
    }
    if !wo && version {
        diags.attribute_error(
            AttributePath::attr_path("api_key_wo_version"),
            "api_key_wo_version without api_key_wo",
            "api_key_wo_version only applies to the write-only api_key_wo; remove it, or use api_key_wo instead of api_key.",
        );
    }
    diags
}
