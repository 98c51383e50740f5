//! The Cloud calls of `crosscluster_trusted_environment`: reading a deployment's trust,
//! reading an entry back after a write, and the diagnostics of failed writes.
//!
//! Trust has no endpoint of its own: every change is a read-modify-write of
//! `resources.elasticsearch[].settings.trust` through
//! [`CloudClient::update_elasticsearch_settings_and_wait`], under the deployment's lock,
//! retried when the deployment changed in between (409), and followed by a wait for the
//! deployment's plan.

use std::time::Duration;

use serde_json::Value as Json;

use crate::client::ClientError;
use crate::client::cloud::{CloudClient, GetDeploymentParams, TrustSettings};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::traits::StateResponse;
use tokio_util::sync::CancellationToken;

use super::edit::{find_entry, is_identical, new_direct_uid, parse_trust};
use super::id::{TrustId, TrustKey};
use super::model::{Desired, Entry, Target, TrustedEnvironmentModel, state_from_entry};
use super::schema::{DEPLOYMENT_ID, REF_ID};
use crate::framework::model::Known;
use crate::provider::common::api_error;
use crate::provider::resources::recover::{
    adopt_note, may_have_landed, planned_note, read_back, read_note, with_error, write_diag,
};

/// Default wait for the deployment plan of a create, update or delete.
pub(super) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The `ref_id` the client reads as "the deployment's first Elasticsearch resource".
pub(super) const FIRST_REF_ID: &str = "_main";

pub(super) fn is_deployment_missing(e: &ClientError) -> bool {
    e.is_not_found()
        && e.cloud_codes()
            .contains(&"deployments.deployment_not_found")
}

pub(super) fn is_resource_missing(e: &ClientError) -> bool {
    e.cloud_codes()
        .contains(&"deployments.deployment_resource_not_found")
}

/// Whether the API accepted the change but its plan failed or did not finish in time.
pub(super) fn is_plan_failure(e: &ClientError) -> bool {
    matches!(
        e,
        ClientError::PlanFailed { .. } | ClientError::PlanTimeout { .. }
    )
}

/// The diagnostic for a failed write: a missing deployment or Elasticsearch resource gets a
/// clear message on the attribute at fault.
pub(super) fn write_error(
    what: &str,
    deployment_id: &str,
    ref_id: &str,
    e: &ClientError,
) -> Diagnostic {
    if is_deployment_missing(e) {
        return Diagnostic::attribute_error(
            AttributePath::root().attr(DEPLOYMENT_ID),
            "Deployment not found",
            format!(
                "Deployment {deployment_id} does not exist (it may have been deleted) or is not visible to the provider's Cloud API key, so its trust cannot be changed. Check deployment_id, or remove this resource from the configuration."
            ),
        );
    }
    if is_resource_missing(e) {
        return Diagnostic::attribute_error(
            AttributePath::root().attr(REF_ID),
            "Elasticsearch resource not found",
            format!("Deployment {deployment_id} has no Elasticsearch resource {ref_id:?}: {e}"),
        );
    }
    if let ClientError::Edit(inner) = e {
        return Diagnostic::error(format!("Cannot {what}"), inner.to_string());
    }
    api_error(&format!("to {what}"), e)
}

/// Reads the deployment and returns `(resolved ref_id, trust settings)`, or `None` when the
/// deployment or its Elasticsearch resource is gone.
pub(super) async fn read_trust(
    cloud: &CloudClient,
    deployment_id: &str,
    ref_id: &str,
    cancel: &CancellationToken,
) -> Result<Option<(String, TrustSettings)>, ClientError> {
    let dep = match cloud
        .get_deployment(deployment_id, &GetDeploymentParams::for_read(), cancel)
        .await
    {
        Ok(d) => d,
        Err(e) if is_deployment_missing(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(r) = dep.es_resource(Some(ref_id)) else {
        return Ok(None);
    };
    let resolved = r
        .get("ref_id")
        .and_then(Json::as_str)
        .unwrap_or(ref_id)
        .to_string();
    let trust = parse_trust(r.pointer("/info/settings/trust"))
        .map_err(|e| ClientError::Unexpected(format!("cannot read trust settings: {e}")))?;
    Ok(Some((resolved, trust)))
}

/// Reads the state of `id` back; `Ok(None)` when the entry is gone.
pub(super) async fn read_state(
    cloud: &CloudClient,
    id: &TrustId,
    prior: &TrustedEnvironmentModel,
    cancel: &CancellationToken,
) -> Result<Option<TrustedEnvironmentModel>, ClientError> {
    let Some((resolved, trust)) = read_trust(cloud, &id.deployment_id, &id.ref_id, cancel).await?
    else {
        return Ok(None);
    };
    let id = TrustId {
        ref_id: resolved,
        ..id.clone()
    };
    Ok(find_entry(&trust, &id.key).map(|e| state_from_entry(&id, e, Some(prior))))
}

/// The state of `id` as the plan wrote it (the truth as far as it is known when it cannot be
/// read back; the next plan refreshes it).
pub(super) fn planned_state(
    plan: &TrustedEnvironmentModel,
    id: &TrustId,
) -> TrustedEnvironmentModel {
    let mut m = plan.clone();
    m.id = Known::Value(id.to_string());
    m.ref_id = Known::Value(id.ref_id.clone());
    if m.name.is_unknown() {
        m.name = Known::Null;
    }
    m
}

/// After a failed plan or a plan timeout the change was accepted by the API: the entry read
/// back, so Terraform records it (as tainted) together with the error, and the next apply
/// replaces it.
pub(super) async fn state_after_failure(
    cloud: &CloudClient,
    id: &TrustId,
    prior: &TrustedEnvironmentModel,
    cancel: &CancellationToken,
) -> Option<TrustedEnvironmentModel> {
    read_state(cloud, id, prior, cancel).await.ok().flatten()
}

/// A create in progress: what it asked for and the direct uids that were there before, to
/// find the new entry when reading back.
pub(super) struct Created<'a> {
    pub(super) plan: &'a TrustedEnvironmentModel,
    pub(super) desired: &'a Desired,
    pub(super) before_uids: &'a [String],
    /// Whether the create's edit ran (so the entry may have been written or adopted).
    pub(super) edited: bool,
}

impl Created<'_> {
    /// The key of the created entry in `trust`.
    pub(super) fn locate(&self, trust: &TrustSettings) -> Option<TrustKey> {
        let uid = match &self.desired.target {
            // The new entry, or else the identical one the create adopted.
            Target::Direct(d) => new_direct_uid(trust, &d.name, self.before_uids).or_else(|| {
                trust
                    .direct
                    .iter()
                    .find(|e| e.name == d.name && is_identical(Entry::Direct(e), self.desired))
                    .and_then(|e| e.uid.clone())
            }),
            _ => None,
        };
        self.desired.key(uid)
    }

    /// The state of a create whose entry could not be read back: what was written, when its id
    /// is known without reading (organization and external entries; a direct entry's uid
    /// comes from the API).
    pub(super) fn planned(&self, ref_id: &str) -> Option<TrustedEnvironmentModel> {
        let id = self.id(ref_id.to_string(), self.desired.key(None)?);
        Some(planned_state(self.plan, &id))
    }

    /// The id of the created entry with the resolved `ref_id`.
    pub(super) fn id(&self, ref_id: String, key: TrustKey) -> TrustId {
        TrustId {
            deployment_id: self.plan.deployment_id.clone(),
            ref_id,
            key,
        }
    }

    /// The state of the created entry in `trust`, if it is there.
    pub(super) fn state(
        &self,
        ref_id: String,
        trust: &TrustSettings,
    ) -> Option<TrustedEnvironmentModel> {
        let id = self.id(ref_id, self.locate(trust)?);
        find_entry(trust, &id.key).map(|e| state_from_entry(&id, e, Some(self.plan)))
    }

    /// After a failed plan or a plan timeout: the created entry, if it can be read back.
    pub(super) async fn state_after_failure(
        &self,
        cloud: &CloudClient,
        ref_id: &str,
        cancel: &CancellationToken,
    ) -> Option<TrustedEnvironmentModel> {
        match read_trust(cloud, &self.plan.deployment_id, ref_id, cancel).await {
            Ok(Some((resolved, trust))) => self.state(resolved, &trust),
            _ => None,
        }
    }
}

impl Created<'_> {
    /// After a create that failed once the change may have been accepted (`e`; a failed write
    /// or a failed read-back): the entry as it is now, read on a token of its own, saved with
    /// the error (Terraform taints it, and the next apply replaces it); when even that read
    /// fails, the entry as written where its id is known without reading. A direct entry that
    /// cannot be read is not in the state, and the next create adopts it ([`add_entry`]).
    ///
    /// [`add_entry`]: super::edit::add_entry
    pub(super) async fn recover(
        &self,
        cloud: &CloudClient,
        ref_id: &str,
        e: &ClientError,
        stopped: bool,
        diag: Diagnostic,
    ) -> Result<StateResponse, Diagnostics> {
        let diag = write_diag(e, stopped, diag);
        // An edit that never ran (stopped while queued) wrote nothing: an entry found now is
        // someone else's.
        if !self.edited || !may_have_landed(e) {
            return Err(diag.into());
        }
        let dep = self.plan.deployment_id.as_str();
        match read_back(|t| async move { read_trust(cloud, dep, ref_id, &t).await }).await {
            Ok(Some((resolved, trust))) => match self.state(resolved, &trust) {
                Some(state) => Ok(with_error(
                    StateResponse::from_model(&state)?,
                    read_note(diag),
                )),
                None => Err(diag.into()),
            },
            Ok(None) => Err(diag.into()),
            Err(read_error) => match self.planned(ref_id) {
                Some(state) => Ok(with_error(
                    StateResponse::from_model(&state)?,
                    planned_note(diag, &read_error),
                )),
                None => Err(adopt_note(diag, &read_error).into()),
            },
        }
    }
}

/// After an update that failed once the change may have been accepted: the entry as it is
/// now, read on a token of its own, saved with the error; when even that read fails, the
/// entry as written. An entry that is gone, or a write that surely did not happen, leaves the
/// prior state.
pub(super) async fn recover_update(
    cloud: &CloudClient,
    id: &TrustId,
    plan: &TrustedEnvironmentModel,
    e: &ClientError,
    stopped: bool,
    diag: Diagnostic,
) -> Result<StateResponse, Diagnostics> {
    let diag = write_diag(e, stopped, diag);
    if !may_have_landed(e) {
        return Err(diag.into());
    }
    match read_back(|t| async move { read_state(cloud, id, plan, &t).await }).await {
        Ok(Some(state)) => Ok(with_error(
            StateResponse::from_model(&state)?,
            read_note(diag),
        )),
        Ok(None) => Err(diag.into()),
        Err(read_error) => Ok(with_error(
            StateResponse::from_model(&planned_state(plan, id))?,
            planned_note(diag, &read_error),
        )),
    }
}
