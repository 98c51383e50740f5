//! Identity (Terraform 1.12+): the key's `id`, its import id.

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::super::identity::single_import_id;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new().required(
        "id",
        "Id of the cross-cluster API key, as `GET /_security/api_key` shows it.",
    )
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    single_import_id(&schema(), "id", identity)
}
