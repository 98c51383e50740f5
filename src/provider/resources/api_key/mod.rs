//! `crosscluster_api_key`: a cross-cluster API key on the *remote* cluster
//! (`POST/PUT /_security/cross_cluster/api_key`, Elasticsearch 8.10+), with optional **sealed
//! delivery** into the local Cloud deployment's keystore (the Cloud keystore API sets
//! `cluster.remote.<alias>.credentials` and never returns it).
//!
//! Secrets: the created key's `encoded` and `api_key` exist only in memory. Without a
//! `keystore` block they go to the state (sensitive); with one they go straight into
//! `cluster.remote.<alias>.credentials` of that deployment and are dropped, so they never reach
//! the plan, the state or a log line.

mod delivery;
mod identity;
mod list;

pub use list::ApiKeyList;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use std::time::Duration;

use async_trait::async_trait;

use crate::client::elasticsearch::{ApiKeyInfo, CreateFailure, Feature, RequestMarker};
use crate::client::{ClientError, EsClient};
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::Known;
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, UpdateRequest, cancelled,
};
use crate::provider::common::{Call, During, api_error, configured, deadline};

use super::sensitive::Sensitive;
use delivery::{deliver, invalidate, release_slot, resolve_delivery};
use model::{ApiKeyModel, KeySpec, MARKER_KEY, sealed, state_from_api};
use validate::{
    create_error, identity_version_error, replacements, sealed_needs_cloud, uses_api_key,
};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_api_key";

/// How long a sealed delivery may wait for the restart plan of a pre-8.14 deployment.
const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The resource type.
pub struct ApiKeyResource;

#[async_trait]
impl Resource for ApiKeyResource {
    fn identity_schema(&self) -> Option<crate::framework::identity::IdentitySchema> {
        Some(identity::schema())
    }

    fn import_id_from_identity(
        &self,
        identity: &crate::framework::value::Value,
    ) -> Result<String, crate::framework::diag::Diagnostics> {
        identity::import_id(identity)
    }

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn modify_plan(
        &self,
        ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        match plan_change(ctx, req, plan).await {
            Ok(diags) | Err(diags) => diags,
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let es = call.es()?;
        let planned: ApiKeyModel = req.plan()?;
        let spec = KeySpec::from_model(&planned)?;
        let deadline = deadline(
            &req.planned_state,
            TimeoutOp::Create,
            DEFAULT_CREATE_TIMEOUT,
        )?;
        // Resolve the keystore destination before a key exists, so a wrong deployment fails
        // without leaving a key behind.
        let delivery = match &spec.keystore {
            None => None,
            Some(target) => {
                let cloud = call.cloud()?;
                Some((cloud, resolve_delivery(cloud, target, call.cancel()).await?))
            }
        };
        if ctx.is_cancelled() {
            return Err(cancelled().into());
        }
        let marker = RequestMarker::fresh(MARKER_KEY);
        let once = es
            .create_cross_cluster_api_key_once(&spec.create_body(), &marker, call.cancel())
            .await
            .map_err(|f| {
                Diagnostics::from(create_failure(&f, &spec.name, &marker, api_key_auth(ctx)))
            })?;
        let created = once.key;
        tracing::info!(
            key_id = %created.id,
            name = %spec.name,
            attempts = once.attempts,
            invalidated = ?once.invalidated,
            "created cross-cluster API key"
        );
        let mut state = planned;
        state.id = Known::Value(created.id.clone());
        let state = match delivery {
            Some((cloud, d)) => {
                if let Err(diag) =
                    deliver(cloud, &d, created.encoded, deadline, call.cancel()).await
                {
                    // Nothing may dangle: the key that could not be delivered is invalidated,
                    // also after a stop (the call's token may be cancelled already).
                    let cleanup = match compensate(es, &created.id).await {
                        Ok(()) => format!(
                            "The new key {} was invalidated again. {}",
                            created.id,
                            compensate_entry(es, cloud, spec.keystore.as_ref(), &d, &created.id)
                                .await
                        ),
                        Err(e) => format!(
                            "Invalidating the new key {id} failed as well ({e}); invalidate it by hand: DELETE /_security/api_key with {{\"ids\": [\"{id}\"]}} on the remote cluster.",
                            id = created.id
                        ),
                    };
                    return Err(Diagnostic::error(
                        diag.summary.clone(),
                        format!("{}\n\n{cleanup}", diag.detail),
                    )
                    .into());
                }
                sealed(state, &d.ref_id)
            }
            None => ApiKeyModel {
                encoded: Known::Value(Sensitive::from(&created.encoded)),
                api_key: Known::Value(Sensitive::from(&created.api_key)),
                ..state
            },
        };
        state_after_write(es, &created.id, state, call.cancel()).await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let es = call.es()?;
        let state: ApiKeyModel = req.state()?;
        let id = key_id(&state)?;
        match read_key(es, &id, call.cancel()).await? {
            None => {
                tracing::info!(key_id = %id, "cross-cluster API key is gone (missing, invalidated or expired)");
                Ok(StateResponse::gone())
            }
            Some(k) => {
                Ok(StateResponse::from_model(&state_from_api(&k, &state))?
                    .with_private(req.private))
            }
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let es = call.es()?;
        let mut planned: ApiKeyModel = req.plan()?;
        let prior: ApiKeyModel = req.prior()?;
        let spec = KeySpec::from_model(&planned)?;
        let prior_spec = KeySpec::from_model(&prior)?;
        let id = key_id(&prior)?;
        if let Some(body) = spec.update_body(&prior_spec) {
            if let Err(e) = es
                .update_cross_cluster_api_key(&id, &body, call.cancel())
                .await
            {
                let d = create_error(&e, api_key_auth(ctx));
                let d = if d.summary.starts_with("Failed") {
                    api_error(&format!("to update cross-cluster API key {id}"), &e)
                } else {
                    d
                };
                // The update may have been applied (its answer lost): the state is the key as
                // it now is, with the error, so Terraform does not keep stale values.
                if update_may_have_applied(&e)
                    && let Some(k) = read_after_failure(es, &id).await
                {
                    let mut resp = StateResponse::from_model(&state_from_api(&k, &prior))?;
                    resp.diagnostics.push(d);
                    return Ok(resp);
                }
                return Err(d.into());
            }
            tracing::info!(key_id = %id, "updated cross-cluster API key");
        }
        planned.id = Known::Value(id.clone());
        state_after_write(es, &id, planned, call.cancel()).await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let es = call.es()?;
        let state: ApiKeyModel = req.state()?;
        let id = key_id(&state)?;
        invalidate(es, &id, call.cancel()).await.map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Failed to invalidate the cross-cluster API key",
                e,
            ))
        })?;
        tracing::info!(key_id = %id, "invalidated cross-cluster API key");
        // Sealed delivery: the keystore entry goes too, unless a newer key of ours fills it.
        if let Ok(spec) = KeySpec::from_model(&state)
            && let Some(target) = &spec.keystore
        {
            release_slot(es, call.cloud()?, target, &id, now_ms(), call.cancel()).await?;
        }
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if id.trim().is_empty() || id.contains('/') {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("{id:?} is not an API key id: import with the key's id as GET /_security/api_key shows it."),
            )
            .into());
        }
        StateResponse::from_model(&ApiKeyModel {
            id: Known::Value(id.to_owned()),
            ..ApiKeyModel::default()
        })
    }
}

/// The plan: the secret is never planned with sealed delivery; an update replaces what
/// [`replacements`] says and keeps the expiration time while `expiration` stays; a create
/// checks, when the provider is configured, the cluster version and the cloud connection.
async fn plan_change(
    ctx: &CallContext,
    req: &PlanRequest,
    plan: &mut PlannedChange,
) -> Result<Diagnostics, Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some(original) = plan.planned::<ApiKeyModel>()? else {
        return Ok(diags);
    };
    let mut planned = original.clone();
    let prior = req.prior::<ApiKeyModel>()?;
    let config = req.config::<ApiKeyModel>()?;
    let sealed = config.as_ref().is_some_and(|c| !c.keystore.is_null());
    if sealed {
        // Sealed delivery: the secret is never part of the plan or the state.
        planned.encoded = Known::Null;
        planned.api_key = Known::Null;
    }
    if let Some(prior) = &prior {
        plan.requires_replace.extend(replacements(prior, &planned));
        if planned.expiration == prior.expiration {
            planned.expiration_timestamp = prior.expiration_timestamp.clone();
        }
    } else if let Ok(data) = configured(ctx) {
        // Plan-time checks that need the connections (skipped while unconfigured).
        if let Ok(es) = data.elasticsearch()
            && let Err(e @ ClientError::VersionGate { .. }) =
                es.require(Feature::CrossClusterApiKeys, &ctx.cancel).await
        {
            diags.push(create_error(&e, false));
        }
        if sealed && let Err(d) = data.cloud() {
            diags.push(sealed_needs_cloud(&d.detail));
        }
    }
    // Strong identity needs 9.3 on this (remote) cluster: checked when the attribute is set
    // and the connection is configured.
    let wants_identity = config
        .as_ref()
        .is_some_and(|c| !c.certificate_identity.is_null());
    if wants_identity
        && let Ok(data) = configured(ctx)
        && let Ok(es) = data.elasticsearch()
        && let Err(e @ ClientError::VersionGate { .. }) =
            es.require(Feature::CertificateIdentity, &ctx.cancel).await
    {
        diags.push(identity_version_error(&e));
    }
    if planned != original {
        plan.set_planned(&planned)?;
    }
    Ok(diags)
}

/// The diagnostic of a create that gave up: the API's error, how many create requests were
/// sent, which keys of lost answers were invalidated again, and, when that clean-up itself
/// failed, how to find and invalidate the key by hand.
fn create_failure(
    f: &CreateFailure,
    name: &str,
    marker: &RequestMarker,
    api_key_auth: bool,
) -> Diagnostic {
    if matches!(f.error, ClientError::Cancelled) && f.attempts == 0 {
        return cancelled();
    }
    let mut d = create_error(&f.error, api_key_auth);
    if f.attempts > 1 {
        d.detail
            .push_str(&format!("\n\nThe create was sent {} times.", f.attempts));
    }
    if !f.invalidated.is_empty() {
        d.detail.push_str(&format!(
            "\n\nKey(s) {} had been created by a request whose answer was lost, and were invalidated again.",
            f.invalidated.join(", ")
        ));
    }
    if let Some(why) = &f.unresolved {
        d.detail.push_str(&format!(
            "\n\nWhether the create made a key is unknown: {why}. A key it made is named {name:?} and has {key} = {value:?} in its metadata: find it with GET /_security/api_key?name={name}&active_only=true on the remote cluster and invalidate it with DELETE /_security/api_key {{\"ids\": [\"<id>\"]}}.",
            key = marker.key,
            value = marker.value,
        ));
    } else if f.attempts > 0 {
        d.detail
            .push_str("\n\nNo key made by this create is live: the next apply starts over.");
    }
    d
}

/// Whether the provider's Elasticsearch connection authenticates with an API key.
fn api_key_auth(ctx: &CallContext) -> bool {
    configured(ctx)
        .is_ok_and(|data| uses_api_key(data.settings.elasticsearch.as_ref().map(|e| &e.auth)))
}

/// How long the clean-up of a failed create may take: it runs on a token of its own, so a
/// stop (Ctrl-C) that cancelled the create does not skip it.
const COMPENSATION_TIMEOUT: Duration = Duration::from_secs(30);

/// Invalidates key `id` on a fresh token with its own deadline.
async fn compensate(es: &EsClient, id: &str) -> Result<(), String> {
    let token = tokio_util::sync::CancellationToken::new();
    match tokio::time::timeout(COMPENSATION_TIMEOUT, invalidate(es, id, &token)).await {
        Ok(r) => r,
        Err(_) => {
            token.cancel();
            Err(format!(
                "no answer within {}s",
                COMPENSATION_TIMEOUT.as_secs()
            ))
        }
    }
}

/// Whether a failed update's request may have been applied: no answer, an unreadable one, a
/// 5xx, or a stop while it was out. A 4xx was refused.
fn update_may_have_applied(e: &ClientError) -> bool {
    match e {
        ClientError::Elasticsearch { status, .. } => *status >= 500,
        ClientError::Transport { .. } | ClientError::Decode { .. } | ClientError::Cancelled => true,
        _ => false,
    }
}

/// The key as it is after a failed write, read on a token of its own (a stop may have
/// cancelled the call's); `None` when that read fails too or the key is gone.
async fn read_after_failure(es: &EsClient, id: &str) -> Option<ApiKeyInfo> {
    let token = tokio_util::sync::CancellationToken::new();
    match tokio::time::timeout(COMPENSATION_TIMEOUT, read_key(es, id, &token)).await {
        Ok(Ok(key)) => key,
        _ => {
            token.cancel();
            None
        }
    }
}

/// After the key of a failed sealed delivery was invalidated: takes the keystore entry the
/// delivery may have written out again (as destroy does: unless another live key of ours fills
/// that slot), on a token of its own with [`COMPENSATION_TIMEOUT`]. Says what it did, or the
/// request that undoes it by hand.
async fn compensate_entry(
    es: &EsClient,
    cloud: &crate::client::CloudClient,
    target: Option<&model::KeystoreTarget>,
    d: &delivery::Delivery,
    id: &str,
) -> String {
    let Some(target) = target else {
        return String::new();
    };
    let setting = crate::client::cloud::credentials_setting(&target.alias);
    let by_hand = format!(
        "remove it by hand: PATCH /api/v1/deployments/{}/elasticsearch/{}/keystore with {{\"secrets\": {{\"{setting}\": null}}}}",
        d.deployment_id, d.ref_id
    );
    let token = tokio_util::sync::CancellationToken::new();
    let work = release_slot(es, cloud, target, id, now_ms(), &token);
    match tokio::time::timeout(COMPENSATION_TIMEOUT, work).await {
        Ok(Ok(true)) => format!("Its keystore entry {setting} was removed again."),
        Ok(Ok(false)) => format!(
            "The keystore entry {setting} was kept, since another live key of this provider fills it; if the failed delivery overwrote it, the next apply writes it again."
        ),
        Ok(Err(diag)) => format!(
            "Removing the keystore entry {setting} failed ({}); {by_hand}.",
            diag.detail
        ),
        Err(_) => {
            token.cancel();
            format!(
                "Removing the keystore entry {setting} got no answer within {}s; {by_hand}.",
                COMPENSATION_TIMEOUT.as_secs()
            )
        }
    }
}

/// The key id of a state.
fn key_id(state: &ApiKeyModel) -> Result<String, Diagnostics> {
    state
        .id
        .value()
        .cloned()
        .ok_or_else(|| Diagnostic::error("Missing key id", "The state has no API key id.").into())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

async fn read_key(
    es: &EsClient,
    id: &str,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<Option<ApiKeyInfo>, Diagnostics> {
    let key = es
        .get_api_key(id, false, cancel)
        .await
        .during(|| format!("to read API key {id}"))?;
    match key {
        None => Ok(None),
        Some(k) if k.is_gone(now_ms()) => Ok(None),
        Some(k) if k.key_type.as_deref().is_some_and(|t| t != "cross_cluster") => {
            Err(Diagnostic::error(
                "Not a cross-cluster API key",
                format!(
                    "API key {id} is of type {:?}; crosscluster_api_key manages cross-cluster keys only.",
                    k.key_type.unwrap_or_default()
                ),
            )
            .into())
        }
        Some(k) => Ok(Some(k)),
    }
}

/// The state after a write: read back, or (when the read fails) the planned values with a
/// warning.
async fn state_after_write(
    es: &EsClient,
    id: &str,
    mut planned: ApiKeyModel,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<StateResponse, Diagnostics> {
    match read_key(es, id, cancel).await {
        Ok(Some(k)) => StateResponse::from_model(&state_from_api(&k, &planned)),
        Ok(None) => Err(Diagnostic::error(
            "API key vanished",
            format!("API key {id} was written but cannot be read back (invalidated or expired at once?)."),
        )
        .into()),
        Err(d) => {
            if planned.expiration_timestamp.is_unknown() {
                planned.expiration_timestamp = Known::Null;
            }
            let mut resp = StateResponse::from_model(&planned)?;
            for diag in d {
                resp = resp.with_warning(Diagnostic::warning(
                    "API key written but not read back",
                    diag.to_string(),
                ));
            }
            Ok(resp)
        }
    }
}
