//! Identity (Terraform 1.12+): the trust relationship's `id`, its import id.

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::super::identity::single_import_id;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new().required(
        "id",
        "Id of the ECE trust relationship, as `GET /api/v1/platform/configuration/trust-relationships` shows it.",
    )
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    single_import_id(&schema(), "id", identity)
}
