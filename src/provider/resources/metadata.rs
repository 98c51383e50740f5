//! The rule Elasticsearch applies to the `metadata` of roles and API keys.

use serde_json::Value as Json;

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;
use crate::provider::common::parse_json;

/// Metadata keys starting with `_` are Elasticsearch's own.
pub(crate) struct ReservedMetadataKeys;

impl ValueRule for ReservedMetadataKeys {
    fn description(&self) -> String {
        "Keys starting with `_` are reserved.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(Json::Object(m)) = value.as_str().and_then(parse_json) else {
            return;
        };
        if let Some(k) = m.keys().find(|k| k.starts_with('_')) {
            diags.attribute_error(
                path.clone(),
                "Invalid metadata",
                format!(
                    "metadata key {k:?} starts with '_', which Elasticsearch reserves for itself."
                ),
            );
        }
    }
}
