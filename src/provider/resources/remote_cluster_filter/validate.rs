//! Plan-time checks of `crosscluster_remote_cluster_filter` (pure).

use serde::{Deserialize, Serialize};

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::schema::ValueRule;
use crate::framework::value::{Type, Value};

use super::schema::{self, CLUSTER_ID, ORGANIZATION_ID, RULE};

/// Validator: an organization id (letters, digits, `-`, `_`; at most 64 characters).
pub(super) struct OrganizationId;

impl ValueRule for OrganizationId {
    fn description(&self) -> String {
        "An organization id: letters, digits, `-` and `_`, at most 64 characters.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(id) = value.as_str() else { return };
        let ok = (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            diags.attribute_error(
                path.clone(),
                "Invalid organization id",
                format!(
                    "Attribute {path} is {id:?}: an organization id is made of letters, digits, '-' and '_' (Elastic Cloud's are 10 digits), at most 64 characters; use organization_id of the crosscluster_deployment data source."
                ),
            );
        }
    }
}

/// The configuration's rules, possibly unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ConfigModel {
    pub(super) rule: Known<Vec<ConfigRule>>,
}

/// One configured rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ConfigRule {
    pub(super) organization_id: Known<String>,
    pub(super) cluster_id: Known<String>,
}

impl Model for ConfigModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// Every rule names an organization or a cluster (Elastic Cloud accepts one or both).
pub(super) fn validate(c: &ConfigModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Some(rules) = c.rule.value() else {
        return diags;
    };
    for r in rules {
        let given = |k: &Known<String>| !matches!(k, Known::Null);
        if !given(&r.organization_id) && !given(&r.cluster_id) {
            diags.attribute_error(
                AttributePath::attr_path(RULE),
                "Rule without a source",
                format!(
                    "Each {RULE} block needs {RULE}.{ORGANIZATION_ID} (the connecting deployments' organization), {RULE}.{CLUSTER_ID} (one connecting deployment's Elasticsearch cluster id), or both; a rule with neither admits nothing."
                ),
            );
        }
    }
    diags
}
