//! Plan-time checks of `crosscluster_deployment_remote_cluster` (pure): a deployment cannot be
//! its own remote, and the plan's derived `id` and default ref_ids.

use serde::{Deserialize, Serialize};

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::{Type, Value};
use crate::provider::common::{plan_alias_id, plan_default_ref_id};

use super::schema::{self, DEPLOYMENT_ID, REF_ID, REMOTE_DEPLOYMENT_ID, REMOTE_REF_ID};

/// The configuration's deployment and ref ids, possibly unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ConfigModel {
    pub(super) deployment_id: Known<String>,
    pub(super) ref_id: Known<String>,
    pub(super) remote_deployment_id: Known<String>,
    pub(super) remote_ref_id: Known<String>,
}

impl Model for ConfigModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// Plan-time checks beyond the schema validators: a deployment cannot be its own remote.
pub(super) fn validate(c: &ConfigModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let (Some(a), Some(b)) = (c.deployment_id.value(), c.remote_deployment_id.value())
        && a == b
    {
        let same_ref = match (c.ref_id.value(), c.remote_ref_id.value()) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        if same_ref {
            diags.attribute_error(
                AttributePath::attr_path(REMOTE_DEPLOYMENT_ID),
                "Deployment is its own remote",
                "remote_deployment_id must name another deployment than deployment_id.",
            );
        }
    }
    diags
}

/// Fills the plan's derived values: `id` when its parts are known, and the default ref_ids
/// re-resolved (unknown) when their deployment changes and they are not configured.
pub(super) fn derive_plan(prior: &Value, config: &Value, planned: &mut Value) {
    if planned.is_null() {
        return;
    }
    plan_default_ref_id(prior, config, planned, DEPLOYMENT_ID, REF_ID);
    plan_default_ref_id(prior, config, planned, REMOTE_DEPLOYMENT_ID, REMOTE_REF_ID);
    plan_alias_id(planned);
}
