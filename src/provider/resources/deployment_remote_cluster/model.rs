//! The typed model of `crosscluster_deployment_remote_cluster` and the pure conversions
//! between it and the Cloud API's remote-clusters list.

use serde::{Deserialize, Serialize};

use crate::client::cloud::{Changed, RemoteResourceRef, RemoteResources};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;
use crate::provider::common::{DeploymentAliasId, format_alias_id};

use super::super::deployment_edit::EditError;
use super::schema;

/// The resource's plan (at apply time) and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct DeploymentRemoteClusterModel {
    pub(super) deployment_id: String,
    /// Unknown while its default is still to be resolved; null after a two-part import.
    pub(super) ref_id: Known<String>,
    pub(super) alias: String,
    /// Null after an import (read fills it in).
    pub(super) remote_deployment_id: Option<String>,
    pub(super) remote_ref_id: Known<String>,
    pub(super) skip_unavailable: Known<bool>,
    pub(super) healthy: Known<bool>,
    pub(super) connected: Known<bool>,
    pub(super) compatible: Known<bool>,
    pub(super) trusted: Known<bool>,
    pub(super) trusted_back: Known<bool>,
    pub(super) id: Known<String>,
}

impl Model for DeploymentRemoteClusterModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

impl DeploymentRemoteClusterModel {
    /// `skip_unavailable` as it is written (unknown or unset: false).
    pub(super) fn skip_unavailable(&self) -> bool {
        self.skip_unavailable.value().copied().unwrap_or(false)
    }

    /// The list entry this resource asks for, pointing at `remote_ref_id`.
    pub(super) fn to_entry(&self, remote_ref_id: String) -> RemoteResourceRef {
        RemoteResourceRef {
            deployment_id: self.remote_deployment_id.clone().unwrap_or_default(),
            elasticsearch_ref_id: remote_ref_id,
            alias: self.alias.clone(),
            skip_unavailable: Some(self.skip_unavailable()),
            ..Default::default()
        }
    }
}

/// The state for `entry` of the local `deployment_id`/`ref_id`.
pub(super) fn from_entry(
    deployment_id: &str,
    ref_id: &str,
    entry: &RemoteResourceRef,
) -> DeploymentRemoteClusterModel {
    let info = entry.info.as_ref();
    let flag = |f: fn(&crate::client::cloud::RemoteResourceInfo) -> bool| info.map(f).into();
    DeploymentRemoteClusterModel {
        deployment_id: deployment_id.to_string(),
        ref_id: Known::Value(ref_id.to_string()),
        alias: entry.alias.clone(),
        remote_deployment_id: Some(entry.deployment_id.clone()),
        remote_ref_id: Known::Value(entry.elasticsearch_ref_id.clone()),
        skip_unavailable: Known::Value(entry.skip_unavailable.unwrap_or(false)),
        healthy: flag(|i| i.healthy),
        connected: flag(|i| i.connected),
        compatible: flag(|i| i.compatible),
        trusted: flag(|i| i.trusted),
        trusted_back: flag(|i| i.trusted_back),
        id: Known::Value(format_alias_id(deployment_id, ref_id, &entry.alias)),
    }
}

/// The state an import starts from: the id's deployment, ref_id (null in the two-part form)
/// and alias.
pub(super) fn import_state(id: DeploymentAliasId) -> DeploymentRemoteClusterModel {
    DeploymentRemoteClusterModel {
        deployment_id: id.deployment_id,
        ref_id: id.ref_id.into(),
        alias: id.alias,
        ..Default::default()
    }
}

/// Whether the existing list entry `existing` is exactly what `wanted` asks for: the same
/// alias pointing at the same remote deployment and Elasticsearch resource with the same
/// `skip_unavailable` (unset reads as false), so a create may adopt it.
pub(super) fn is_identical(existing: &RemoteResourceRef, wanted: &RemoteResourceRef) -> bool {
    existing.alias == wanted.alias
        && existing.deployment_id == wanted.deployment_id
        && existing.elasticsearch_ref_id == wanted.elasticsearch_ref_id
        && existing.skip_unavailable.unwrap_or(false) == wanted.skip_unavailable.unwrap_or(false)
}

/// Create's edit: add `entry` unless its alias exists. An existing alias that is exactly what
/// the configuration asks for ([`is_identical`]; e.g. written by an apply that failed after the
/// write) is adopted as it is; any other is an error naming the import id.
pub(super) fn add_entry(
    list: &mut RemoteResources,
    entry: RemoteResourceRef,
    import_id: &str,
) -> Result<Changed, EditError> {
    if let Some(existing) = list.resources.iter().find(|r| r.alias == entry.alias) {
        if is_identical(existing, &entry) {
            return Ok(Changed::No);
        }
        return Err(EditError::AliasExists {
            alias: entry.alias.clone(),
            remote: existing.deployment_id.clone(),
            id: import_id.to_string(),
        });
    }
    Ok(list.upsert(entry))
}

/// The state of a write that could not be read back: what was written, with the resolved
/// ref_ids; the status attributes are unknown to the provider, so null until the next read.
pub(super) fn planned_state(
    m: &DeploymentRemoteClusterModel,
    ref_id: &str,
    remote_ref_id: &str,
) -> DeploymentRemoteClusterModel {
    DeploymentRemoteClusterModel {
        ref_id: Known::Value(ref_id.to_string()),
        remote_ref_id: Known::Value(remote_ref_id.to_string()),
        skip_unavailable: Known::Value(m.skip_unavailable()),
        healthy: Known::Null,
        connected: Known::Null,
        compatible: Known::Null,
        trusted: Known::Null,
        trusted_back: Known::Null,
        id: Known::Value(format_alias_id(&m.deployment_id, ref_id, &m.alias)),
        ..m.clone()
    }
}
