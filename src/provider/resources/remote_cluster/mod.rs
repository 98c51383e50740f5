//! `crosscluster_remote_cluster`: one remote-cluster alias of the provider's `elasticsearch`
//! cluster, written with `PUT _cluster/settings` (persistent) and touching only the settings
//! `cluster.remote.<alias>.*`; whether the alias is connected comes from `_remote/info`.
//!
//! The resource checks what it can at plan time (address format, keys of the wrong mode, version
//! gates when the cluster's version is known), switches modes in one request that nulls the
//! other mode's keys, and, with `wait_for_connection`, polls `_remote/info` until the alias is
//! connected. When it does not connect in time, the diagnostic explains why ([`diagnose`]) and
//! the alias's settings are put back as they were.

mod diagnose;
mod identity;
mod list;

pub use list::RemoteClusterList;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;
mod verify;
mod wait;

pub(crate) use verify::verify_alias;

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;

use crate::client::elasticsearch::validate_alias;
use crate::client::{ClientError, EsClient};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model, from_value, to_value};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, Timeouts, UpdateRequest,
};
use crate::framework::value::{Type, Value};
use crate::provider::common::{Call, During, api_error};
use crate::provider::resources::recover::{
    may_have_landed, planned_note, read_back, read_note, with_error, write_diag,
};
use tokio_util::sync::CancellationToken;

use diagnose::version_gate;
use model::{ConnectionPlan, RemoteCluster, RemoteClusterModel, from_api, write_body};
use validate::{config_problems, version_problems};
use wait::{known_remote_version, wait_or_restore};

/// How long `wait_for_connection` waits when no timeout is configured.
const DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// The resource type.
pub struct RemoteClusterResource;

#[async_trait]
impl Resource for RemoteClusterResource {
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
        "crosscluster_remote_cluster"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        // A configuration the model cannot read already fails the schema's validators.
        match RemoteClusterModel::from_value(config) {
            Ok(config) => config_problems(&config),
            Err(_) => Diagnostics::new(),
        }
    }

    async fn modify_plan(
        &self,
        ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        if matches!(plan.planned_state, Value::Null) {
            return Diagnostics::new();
        }
        if let Ok(connection) = from_value::<ConnectionPlan>(&plan.planned_state)
            && let Some(settled) = connection.settled()
            && let Err(d) = patch_planned(&mut plan.planned_state, &settled)
        {
            return d;
        }
        // Version gates where the provider can reach the cluster now.
        let Ok(Some(config)) = req.config::<RemoteClusterModel>() else {
            return Diagnostics::new();
        };
        let Ok(call) = Call::new(ctx) else {
            return Diagnostics::new();
        };
        let Ok(es) = call.es() else {
            return Diagnostics::new();
        };
        match es.info(call.cancel()).await {
            Ok(info) if !info.is_serverless() => {
                let mut diags = version_problems(&config, &info.version);
                if let Ok(model) = RemoteCluster::from_plan(&config, &config)
                    && let Some(d) =
                        version_gate(&model, &info.version, known_remote_version(&model).as_ref())
                {
                    diags.push(d);
                }
                diags
            }
            _ => Diagnostics::new(),
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let timeout = Timeouts::from_object(&req.planned_state)?.create_or(DEFAULT_WAIT);
        apply(
            &Call::new(ctx)?,
            &req.plan()?,
            &req.config()?,
            timeout,
            Write::Create,
        )
        .await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let prior: RemoteClusterModel = req.state()?;
        let alias = prior.state_alias()?;
        match read_state(&call, &alias, &prior).await? {
            Some(state) => Ok(StateResponse::from_model(&state)?.with_private(req.private)),
            None => Ok(StateResponse::gone()),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let timeout = Timeouts::from_object(&req.planned_state)?.update_or(DEFAULT_WAIT);
        apply(
            &Call::new(ctx)?,
            &req.plan()?,
            &req.config()?,
            timeout,
            Write::Update,
        )
        .await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let alias = req.state::<RemoteClusterModel>()?.state_alias()?;
        call.es()?
            .remove_remote_cluster(&alias, call.cancel())
            .await
            .during(|| format!("to remove remote cluster {alias:?}"))?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if validate_alias(id).is_err() {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!(
                    "{id:?} is not a remote cluster alias: import with the alias itself (letters, digits, '-' and '_'), e.g. terraform import crosscluster_remote_cluster.example my_remote"
                ),
            )
            .into());
        }
        StateResponse::from_model(&RemoteClusterModel::imported(id))
    }
}

/// Writes the attributes `patch` names into the planned object, leaving every other planned
/// value exactly as it is (unknown values keep their refinements).
fn patch_planned<P: Serialize>(planned: &mut Value, patch: &P) -> Result<(), Diagnostics> {
    let Value::Object(attrs) = to_value(patch, &Type::Dynamic).map_err(Diagnostics::from)? else {
        return Ok(());
    };
    for (name, v) in attrs {
        if let Some(slot) = planned.get_attr_mut(&name) {
            *slot = v;
        }
    }
    Ok(())
}

/// Which write [`apply`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    /// A new alias: one that exists with other settings is not ours to overwrite.
    Create,
    /// The alias this resource manages.
    Update,
}

/// Create and update: write the diff, wait for the connection (rolling back on failure), then
/// read back.
async fn apply(
    call: &Call<'_>,
    planned: &RemoteClusterModel,
    config: &RemoteClusterModel,
    timeout: Duration,
    write: Write,
) -> Result<StateResponse, Diagnostics> {
    let es = call.es()?;
    let model = RemoteCluster::from_plan(planned, config)?;
    let version = es
        .version(call.cancel())
        .await
        .during(|| "to read the cluster version".into())?;
    let mut gates = version_problems(config, &version);
    if let Some(d) = version_gate(&model, &version, known_remote_version(&model).as_ref()) {
        gates.push(d);
    }
    if gates.has_errors() {
        return Err(gates);
    }
    let alias = model.alias.clone();
    // Other aliases' writes being batched wait for this one (see the client's group commit).
    let intent = es.announce_remote_write(&alias);
    let before = es
        .get_remote_cluster_settings(&alias, call.cancel())
        .await
        .during(|| format!("to read the settings of remote cluster {alias:?}"))?;
    // An alias that already has exactly these settings is adopted: nothing to write. One with
    // other settings belongs to someone else: create does not overwrite it.
    let body = write_body(&model, &before, &version);
    if write == Write::Create && !before.is_empty() && !body.is_empty() {
        return Err(Diagnostic::attribute_error(
            AttributePath::root().attr("alias"),
            "Remote cluster alias already exists",
            format!(
                "Attribute alias: remote cluster {alias:?} already exists on this cluster with other settings, and this configuration does not manage it: to manage it with Terraform, import it (terraform import <address> {alias}, or an import block with id = {alias:?}), or choose another alias."
            ),
        )
        .into());
    }
    if !body.is_empty() {
        if let Err(e) = es.put_remote_cluster(&alias, &body, call.cancel()).await {
            let diag = api_error(&format!("to write remote cluster {alias:?}"), &e);
            return recover(call, &alias, planned, &e, diag).await;
        }
        tracing::debug!(alias = %alias, keys = body.len(), "remote cluster settings written");
    }
    drop(intent);
    if model.wait_for_connection {
        wait_or_restore(call, &model, &before, timeout).await?;
    }
    let read = match fetch_state(es, call.cancel(), &alias, planned).await {
        Ok(read) => read,
        Err(e) => {
            let diag = api_error(&format!("to read remote cluster {alias:?} back"), &e);
            return recover(call, &alias, planned, &e, diag).await;
        }
    };
    match read {
        Some(mut state) => {
            if model.wait_for_connection {
                // Just observed connected: keep the planned `true` even if the connection
                // dropped between the poll and this read.
                state.connected = Known::Value(true);
            }
            StateResponse::from_model(&state)
        }
        None => Err(Diagnostic::error(
            format!("Remote cluster \"{alias}\" not found after writing it"),
            "The cluster settings show no cluster.remote.<alias>.* key after the update; another process may have removed them.",
        )
        .into()),
    }
}

/// The state of `alias` read back (`prior` supplies what the API does not hold); `None` when
/// the alias has no settings.
async fn read_state(
    call: &Call<'_>,
    alias: &str,
    prior: &RemoteClusterModel,
) -> Result<Option<RemoteClusterModel>, Diagnostics> {
    fetch_state(call.es()?, call.cancel(), alias, prior)
        .await
        .during(|| format!("to read remote cluster {alias:?}"))
}

/// [`read_state`] with the client's error.
async fn fetch_state(
    es: &EsClient,
    cancel: &CancellationToken,
    alias: &str,
    prior: &RemoteClusterModel,
) -> Result<Option<RemoteClusterModel>, ClientError> {
    let settings = es.get_remote_cluster_settings(alias, cancel).await?;
    if settings.is_empty() {
        return Ok(None);
    }
    let infos = es.remote_info(cancel).await?;
    Ok(Some(from_api(
        alias,
        &settings,
        infos.get(alias),
        Some(prior),
    )))
}

/// After a write or read-back that failed once the settings may have been written: the alias
/// as it now is (read on a token of its own, so also after Ctrl-C) goes into the state with
/// the error (a new one is saved tainted); when even that read fails, the alias as planned.
/// A write that surely did not happen, or an alias with no settings, leaves no new state.
async fn recover(
    call: &Call<'_>,
    alias: &str,
    planned: &RemoteClusterModel,
    e: &ClientError,
    diag: Diagnostic,
) -> Result<StateResponse, Diagnostics> {
    let diag = write_diag(e, call.ctx.is_cancelled(), diag);
    if !may_have_landed(e) {
        return Err(diag.into());
    }
    let es = call.es()?;
    match read_back(|t| async move { fetch_state(es, &t, alias, planned).await }).await {
        Ok(Some(state)) => Ok(with_error(
            StateResponse::from_model(&state)?,
            read_note(diag),
        )),
        Ok(None) => Err(diag.into()),
        Err(read_error) => Ok(with_error(
            StateResponse::from_model(&RemoteClusterModel {
                id: Known::Value(alias.to_owned()),
                ..planned.clone()
            })?,
            planned_note(diag, &read_error),
        )),
    }
}
