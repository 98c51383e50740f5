//! Identity (Terraform 1.12+): the fixed `id` `cluster.remote.signing`, its import id (a
//! cluster has one signing trust setting; the cluster is the provider's connection).

use crate::framework::diag::Diagnostics;
use crate::framework::identity::IdentitySchema;
use crate::framework::value::Value;

use super::super::identity::single_import_id;

pub(super) fn schema() -> IdentitySchema {
    IdentitySchema::new().required(
        "id",
        "Always `cluster.remote.signing`: a cluster has one signing trust setting.",
    )
}

pub(super) fn import_id(identity: &Value) -> Result<String, Diagnostics> {
    single_import_id(&schema(), "id", identity)
}
