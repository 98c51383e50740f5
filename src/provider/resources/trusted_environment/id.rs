//! The resource id: `<deployment_id>/<ref_id>/<kind>/<value>`, naming the one trust entry the
//! resource owns.

use crate::provider::common::{IdError, is_hex32};

/// Which entry of the trust settings a resource owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TrustKey {
    /// `accounts[]` entry by `account_id` (organization id).
    Organization(String),
    /// `external[]` entry by `trust_relationship_id`.
    External(String),
    /// `direct[]` entry by `uid`.
    Direct(String),
}

impl TrustKey {
    /// The kind word used in the resource id.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            TrustKey::Organization(_) => "organization",
            TrustKey::External(_) => "external",
            TrustKey::Direct(_) => "direct",
        }
    }

    /// The identifying value.
    pub(super) fn value(&self) -> &str {
        match self {
            TrustKey::Organization(v) | TrustKey::External(v) | TrustKey::Direct(v) => v,
        }
    }
}

/// A parsed resource id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TrustId {
    /// Deployment id.
    pub(super) deployment_id: String,
    /// Elasticsearch resource ref_id.
    pub(super) ref_id: String,
    /// The owned entry.
    pub(super) key: TrustKey,
}

/// Why a resource id cannot be used. A bad deployment id is the shared [`IdError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum TrustIdError {
    /// Not four `/`-separated non-empty parts.
    #[error(
        "{0:?} is not a trusted environment id: expected <deployment_id>/<ref_id>/organization/<organization_id>, <deployment_id>/<ref_id>/external/<trust_relationship_id> or <deployment_id>/<ref_id>/direct/<uid>"
    )]
    Format(String),
    /// The deployment id is not 32 lowercase hex characters ([`IdError::DeploymentId`]).
    #[error(transparent)]
    Id(#[from] IdError),
    /// The kind is not one of the three.
    #[error("unknown trust kind {0:?}: expected organization, external or direct")]
    Kind(String),
}

impl TrustId {
    /// Parses `<deployment_id>/<ref_id>/<kind>/<value>`.
    pub(super) fn parse(id: &str) -> Result<TrustId, TrustIdError> {
        let parts: Vec<&str> = id.trim().splitn(4, '/').collect();
        let [dep, ref_id, kind, value] = parts.as_slice() else {
            return Err(TrustIdError::Format(id.to_string()));
        };
        if [dep, ref_id, kind, value].iter().any(|p| p.is_empty()) || value.contains('/') {
            return Err(TrustIdError::Format(id.to_string()));
        }
        if !is_hex32(dep) {
            return Err(IdError::DeploymentId(dep.to_string()).into());
        }
        let key = match *kind {
            "organization" => TrustKey::Organization(value.to_string()),
            "external" => TrustKey::External(value.to_string()),
            "direct" => TrustKey::Direct(value.to_string()),
            other => return Err(TrustIdError::Kind(other.to_string())),
        };
        Ok(TrustId {
            deployment_id: dep.to_string(),
            ref_id: ref_id.to_string(),
            key,
        })
    }
}

impl std::fmt::Display for TrustId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.deployment_id,
            self.ref_id,
            self.key.kind(),
            self.key.value()
        )
    }
}
