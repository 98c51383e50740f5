//! The typed model of `crosscluster_ece_trust_relationship` and the pure conversions.

use serde::{Deserialize, Serialize};

use crate::client::cloud::{TrustRelationship, TrustRelationshipRequest};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;

use super::schema;

/// The resource's plan and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct EceTrustRelationshipModel {
    pub(super) name: Option<String>,
    pub(super) public_ca_cert: Option<String>,
    pub(super) installation_id: Option<String>,
    pub(super) account_ids: Option<Vec<String>>,
    pub(super) trust_by_default: Known<bool>,
    pub(super) local: Known<bool>,
    pub(super) id: Known<String>,
}

impl Model for EceTrustRelationshipModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// The body of a create or update.
pub(super) fn to_request(m: &EceTrustRelationshipModel) -> TrustRelationshipRequest {
    let mut accounts = m.account_ids.clone().unwrap_or_default();
    accounts.sort();
    TrustRelationshipRequest {
        name: m.name.clone().unwrap_or_default(),
        trust_by_default: m.trust_by_default.value().copied().unwrap_or(false),
        account_ids: accounts,
        public_ca_cert: m.public_ca_cert.clone().unwrap_or_default(),
        installation_id: m.installation_id.clone().filter(|s| !s.is_empty()),
    }
}

/// Two PEM texts that differ only in line endings and surrounding whitespace.
fn same_pem(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace("\r\n", "\n").trim().to_string();
    norm(a) == norm(b)
}

/// The state for `t`; `prior` keeps the configured spelling of an equal certificate and an
/// unset `account_ids` when the service reports an empty list.
pub(super) fn from_api(
    t: &TrustRelationship,
    prior: Option<&EceTrustRelationshipModel>,
) -> EceTrustRelationshipModel {
    let cert = match (
        t.public_ca_cert.as_deref(),
        prior.and_then(|p| p.public_ca_cert.as_deref()),
    ) {
        (Some(now), Some(before)) if same_pem(now, before) => Some(before.to_string()),
        (Some(now), _) => Some(now.to_string()),
        // Not returned: keep what was written.
        (None, before) => before.map(str::to_string),
    };
    let accounts = if t.account_ids.is_empty() && prior.is_none_or(|p| p.account_ids.is_none()) {
        None
    } else {
        let mut a = t.account_ids.clone();
        a.sort();
        Some(a)
    };
    EceTrustRelationshipModel {
        name: Some(t.name.clone()),
        public_ca_cert: cert,
        installation_id: t.installation_id.clone().filter(|s| !s.is_empty()),
        account_ids: accounts,
        trust_by_default: Known::Value(t.trust_by_default),
        local: Known::Value(t.local),
        id: Known::Value(t.id.clone()),
    }
}
