//! Identity (Terraform 1.12+): `deployment_id`, `ref_id`, `alias`, the parts of the import id.

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::super::identity::{deployment_alias_import_id, deployment_alias_schema};

pub(super) fn schema() -> IdentitySchema {
    deployment_alias_schema("whose `cluster.remote.<alias>.credentials` keystore entry this is")
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    deployment_alias_import_id(&schema(), identity)
}
