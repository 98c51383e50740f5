//! The typed model of `crosscluster_organization` and its conversion from the API's
//! organization list.

use serde::{Deserialize, Serialize};

use crate::client::cloud::Organization;
use crate::framework::diag::Diagnostic;
use crate::framework::model::Model;
use crate::framework::value::Type;

use super::schema::schema;

/// The data source's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct OrganizationModel {
    pub(super) id: String,
    pub(super) name: String,
}

impl Model for OrganizationModel {
    fn object_type() -> Type {
        schema().block.object_type()
    }
}

/// The model of one organization.
pub(super) fn from_api(org: &Organization) -> OrganizationModel {
    OrganizationModel {
        id: org.id.clone(),
        name: org.name.clone(),
    }
}

/// Picks the caller's organization from the list the API returned.
pub(super) fn pick(orgs: &[Organization]) -> Result<&Organization, Diagnostic> {
    match orgs {
        [one] => Ok(one),
        [] => Err(Diagnostic::error(
            "No organization",
            "The Cloud API returned no organization for these credentials (ECE has no organizations; this data source is for Elastic Cloud).",
        )),
        [first, ..] => Ok(first),
    }
}
