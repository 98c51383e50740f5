//! Identity (Terraform 1.12+): the remote cluster `alias`, its import id.

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::super::identity::single_import_id;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new().required(
        "alias",
        "The remote cluster alias whose `cluster.remote.<alias>.signing.*` settings the resource owns.",
    )
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    single_import_id(&schema(), "alias", identity)
}
