//! Identity (Terraform 1.12+): the role's `name`, its import id.

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::super::identity::single_import_id;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new().required("name", "Name of the role.")
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    single_import_id(&schema(), "name", identity)
}
