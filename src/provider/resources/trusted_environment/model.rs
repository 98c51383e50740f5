//! The typed model of `crosscluster_trusted_environment` and the pure conversions between it
//! and the Cloud API's trust entries: the entry a plan asks for ([`desired_from`]) and the
//! state an entry gives ([`state_from_entry`]).

use serde::{Deserialize, Serialize};

use crate::client::cloud::{AccountTrust, DirectTrust, ExternalTrust};
use crate::framework::decode::DecodeError;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;

use super::id::{TrustId, TrustKey};
use super::schema::{self, DEFAULT_DIRECT_TYPE};

/// The resource's plan (at apply time) and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct TrustedEnvironmentModel {
    /// Unknown in the plan of a create.
    pub(super) id: Known<String>,
    pub(super) deployment_id: String,
    /// Unknown in the plan of a create without `ref_id`.
    pub(super) ref_id: Known<String>,
    pub(super) organization_id: Option<String>,
    pub(super) trust_relationship_id: Option<String>,
    pub(super) trust_all: Option<bool>,
    pub(super) trust_allowlist: Option<Vec<String>>,
    /// Computed: unknown in a plan that leaves it unset.
    pub(super) name: Known<String>,
    pub(super) direct: Option<DirectModel>,
    pub(super) timeouts: Option<TimeoutsModel>,
}

impl Model for TrustedEnvironmentModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// The `direct` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct DirectModel {
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
    pub(super) scope_id: Option<String>,
    pub(super) certificates: Vec<String>,
    pub(super) additional_node_names: Option<Vec<String>>,
}

/// The `timeouts` block (kept as the prior state or plan has it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct TimeoutsModel {
    pub(super) create: Option<String>,
    pub(super) update: Option<String>,
    pub(super) delete: Option<String>,
}

/// The direct trust the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DirectSpec {
    /// `name`.
    pub(super) name: String,
    /// `type`.
    pub(super) kind: String,
    /// `scope_id`.
    pub(super) scope_id: Option<String>,
    /// PEM certificates.
    pub(super) certificates: Vec<String>,
    /// `additional_node_names` (`None`: unset).
    pub(super) additional_node_names: Option<Vec<String>>,
}

/// What kind of entry the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// An `accounts[]` entry.
    Organization {
        /// Organization (account) id.
        id: String,
        /// Display name (`None`: leave as is).
        name: Option<String>,
    },
    /// An `external[]` entry.
    External {
        /// Trust relationship id.
        id: String,
    },
    /// A `direct[]` entry.
    Direct(DirectSpec),
}

/// The entry the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Desired {
    /// Kind and identity.
    pub(super) target: Target,
    /// `trust_all`.
    pub(super) trust_all: bool,
    /// `trust_allowlist` (`None`: unset).
    pub(super) allowlist: Option<Vec<String>>,
}

impl Desired {
    /// The key of the entry once it exists; a direct entry's `uid` is known only after create.
    pub(super) fn key(&self, uid: Option<String>) -> Option<TrustKey> {
        match &self.target {
            Target::Organization { id, .. } => Some(TrustKey::Organization(id.clone())),
            Target::External { id } => Some(TrustKey::External(id.clone())),
            Target::Direct(_) => uid.map(TrustKey::Direct),
        }
    }
}

fn sorted(v: &Option<Vec<String>>) -> Option<Vec<String>> {
    v.clone().map(|mut v| {
        v.sort();
        v
    })
}

/// The desired entry of a planned state (all values known).
pub(super) fn desired_from(m: &TrustedEnvironmentModel) -> Result<Desired, Diagnostics> {
    let target = if let Some(org) = &m.organization_id {
        Target::Organization {
            id: org.clone(),
            // Unset (computed, unknown in the plan): the resource leaves the name alone.
            name: m.name.value().cloned(),
        }
    } else if let Some(ext) = &m.trust_relationship_id {
        Target::External { id: ext.clone() }
    } else if let Some(d) = &m.direct {
        Target::Direct(DirectSpec {
            name: d.name.clone(),
            kind: d
                .kind
                .clone()
                .unwrap_or_else(|| DEFAULT_DIRECT_TYPE.to_string()),
            scope_id: d.scope_id.clone(),
            certificates: d.certificates.clone(),
            additional_node_names: sorted(&d.additional_node_names),
        })
    } else {
        return Err(Diagnostic::attribute_error(
            AttributePath::root(),
            "Invalid attribute combination",
            "Exactly one of organization_id, trust_relationship_id or a direct block must be configured.",
        )
        .into());
    };
    Ok(Desired {
        target,
        trust_all: m.trust_all.unwrap_or(false),
        allowlist: sorted(&m.trust_allowlist),
    })
}

/// One entry of the deployment's trust settings, of any of the three lists.
#[derive(Debug, Clone, Copy)]
pub(super) enum Entry<'a> {
    /// An `accounts[]` entry.
    Account(&'a AccountTrust),
    /// An `external[]` entry.
    External(&'a ExternalTrust),
    /// A `direct[]` entry.
    Direct(&'a DirectTrust),
}

/// PEM text compared without line-ending and surrounding-whitespace differences.
pub(super) fn normalize_pem(p: &str) -> String {
    p.replace("\r\n", "\n").trim().to_string()
}

/// A set attribute from an API list: empty or absent is null, unless the prior state held an
/// empty set (then it stays empty, so `[]` in the configuration plans no change).
fn set_value(items: &Option<Vec<String>>, prior: Option<&Vec<String>>) -> Option<Vec<String>> {
    match items {
        Some(v) if !v.is_empty() => Some(v.clone()),
        _ => prior.filter(|p| p.is_empty()).map(|_| Vec::new()),
    }
}

/// The `direct` block of the state for `e`; the prior block keeps its spelling of equal
/// certificates and its empty node-name set.
fn direct_state(e: &DirectTrust, prior: Option<&DirectModel>) -> DirectModel {
    let prior_certs = prior.map(|d| d.certificates.clone()).unwrap_or_default();
    let api_certs: Vec<String> = e.certificates.iter().map(|c| c.pem.clone()).collect();
    // Keep the configuration's spelling when the API returns the same certificates.
    let same = prior_certs.len() == api_certs.len()
        && prior_certs
            .iter()
            .zip(&api_certs)
            .all(|(a, b)| normalize_pem(a) == normalize_pem(b));
    DirectModel {
        name: e.name.clone(),
        kind: Some(
            e.kind
                .clone()
                .unwrap_or_else(|| DEFAULT_DIRECT_TYPE.to_string()),
        ),
        scope_id: e.scope_id.clone(),
        certificates: if same { prior_certs } else { api_certs },
        additional_node_names: set_value(
            &e.additional_node_names,
            prior.and_then(|d| d.additional_node_names.as_ref()),
        ),
    }
}

/// The resource state for `entry` of the deployment's trust (pure). `prior` is the prior
/// state or plan, for the timeouts and for representation choices.
pub(super) fn state_from_entry(
    id: &TrustId,
    entry: Entry<'_>,
    prior: Option<&TrustedEnvironmentModel>,
) -> TrustedEnvironmentModel {
    let (trust_all, allowlist, name) = match entry {
        Entry::Account(e) => (e.trust_all, &e.trust_allowlist, e.name.clone()),
        Entry::External(e) => (e.trust_all, &e.trust_allowlist, e.name.clone()),
        Entry::Direct(e) => (e.trust_all, &e.trust_allowlist, Some(e.name.clone())),
    };
    let (organization_id, trust_relationship_id) = match &id.key {
        TrustKey::Organization(v) => (Some(v.clone()), None),
        TrustKey::External(v) => (None, Some(v.clone())),
        TrustKey::Direct(_) => (None, None),
    };
    TrustedEnvironmentModel {
        id: Known::Value(id.to_string()),
        deployment_id: id.deployment_id.clone(),
        ref_id: Known::Value(id.ref_id.clone()),
        organization_id,
        trust_relationship_id,
        trust_all: Some(trust_all),
        trust_allowlist: set_value(allowlist, prior.and_then(|p| p.trust_allowlist.as_ref())),
        name: name.into(),
        direct: match entry {
            Entry::Direct(e) => Some(direct_state(e, prior.and_then(|p| p.direct.as_ref()))),
            _ => None,
        },
        timeouts: prior.and_then(|p| p.timeouts.clone()),
    }
}

/// The state an import starts from: the id and its deployment and ref_id.
pub(super) fn import_state(id: &TrustId) -> TrustedEnvironmentModel {
    TrustedEnvironmentModel {
        id: Known::Value(id.to_string()),
        deployment_id: id.deployment_id.clone(),
        ref_id: Known::Value(id.ref_id.clone()),
        ..Default::default()
    }
}

impl TrustedEnvironmentModel {
    /// The parsed `id` of a state.
    pub(super) fn trust_id(&self) -> Result<TrustId, Diagnostics> {
        let path = AttributePath::root().attr(schema::ID);
        let Known::Value(id) = &self.id else {
            return Err(DecodeError::Null { path }.into());
        };
        TrustId::parse(id).map_err(|e| {
            Diagnostic::attribute_error(path, "Invalid trusted environment id", e.to_string())
                .into()
        })
    }
}
