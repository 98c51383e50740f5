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
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::Serialize;
use serde_json::Value as Json;

use crate::client::elasticsearch::{Feature, remote_settings_diff, validate_alias};
use crate::client::{ClientError, EsClient};
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model, from_value, to_value};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, Timeouts, UpdateRequest, cancelled,
};
use crate::framework::value::{Type, Value};
use crate::provider::common::{Call, During, api_error};

use diagnose::{Observation, not_connected_diagnostic};
use model::{ConnectionPlan, RemoteCluster, RemoteClusterModel, from_api, write_body};
use validate::{config_problems, version_problems};

/// How long `wait_for_connection` waits when no timeout is configured.
const DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// The resource type.
pub struct RemoteClusterResource;

#[async_trait]
impl Resource for RemoteClusterResource {
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
            Ok(info) if !info.is_serverless() => version_problems(&config, &info.version),
            _ => Diagnostics::new(),
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let timeout = Timeouts::from_object(&req.planned_state)?.create_or(DEFAULT_WAIT);
        apply(&Call::new(ctx)?, &req.plan()?, &req.config()?, timeout).await
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
        apply(&Call::new(ctx)?, &req.plan()?, &req.config()?, timeout).await
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

/// Create and update: write the diff, wait for the connection (rolling back on failure), then
/// read back.
async fn apply(
    call: &Call<'_>,
    planned: &RemoteClusterModel,
    config: &RemoteClusterModel,
    timeout: Duration,
) -> Result<StateResponse, Diagnostics> {
    let es = call.es()?;
    let model = RemoteCluster::from_plan(planned, config)?;
    let version = es
        .version(call.cancel())
        .await
        .during(|| "to read the cluster version".into())?;
    let gates = version_problems(config, &version);
    if gates.has_errors() {
        return Err(gates);
    }
    let alias = model.alias.clone();
    let before = es
        .get_remote_cluster_settings(&alias, call.cancel())
        .await
        .during(|| format!("to read the settings of remote cluster {alias:?}"))?;
    let body = write_body(&model, &before, &version);
    if !body.is_empty() {
        es.put_remote_cluster(&alias, &body, call.cancel())
            .await
            .during(|| format!("to write remote cluster {alias:?}"))?;
        tracing::debug!(alias = %alias, keys = body.len(), "remote cluster settings written");
    }
    if model.wait_for_connection {
        wait_or_restore(call, &model, &before, timeout).await?;
    }
    match read_state(call, &alias, planned).await? {
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

/// Waits until the alias is connected; when it does not connect (or the wait fails), puts the
/// alias's settings back to `before` and returns the reason.
async fn wait_or_restore(
    call: &Call<'_>,
    model: &RemoteCluster,
    before: &BTreeMap<String, Json>,
    timeout: Duration,
) -> Result<(), Diagnostics> {
    let es = call.es()?;
    let alias = &model.alias;
    let failure = match wait_connected(call, es, alias, timeout).await {
        Ok(()) => return Ok(()),
        Err(failure) => failure,
    };
    let mut diags = match failure {
        Ok((obs, waited)) => Diagnostics::from(not_connected_diagnostic(model, &obs, waited)),
        Err(d) => d,
    };
    if let Err(e) = restore(es, alias, before).await {
        diags.push(api_error(
            &format!("to put the settings of remote cluster {alias:?} back"),
            &e,
        ));
    }
    Err(diags)
}

async fn observe(call: &Call<'_>, es: &EsClient, alias: &str) -> Result<Observation, Diagnostics> {
    let mut obs = Observation::default();
    match es.info(call.cancel()).await {
        Ok(info) if info.require(Feature::ResolveCluster).is_ok() => {
            match es
                .resolve_cluster(&format!("{alias}:*"), call.cancel())
                .await
            {
                Ok(m) => obs.resolve_error = m.get(alias).and_then(|r| r.error.clone()),
                Err(e) => obs.resolve_note = Some(format!("_resolve/cluster failed: {e}")),
            }
        }
        Ok(info) => {
            obs.resolve_note = Some(format!(
                "(Elasticsearch {} has no _resolve/cluster, which needs 8.13, so the reason below comes from the provider's own checks only.)",
                info.version
            ));
        }
        Err(e) => return Err(api_error("to read the cluster version", &e).into()),
    }
    let infos = es
        .remote_info(call.cancel())
        .await
        .during(|| "to read _remote/info".into())?;
    obs.info = infos.get(alias).cloned();
    Ok(obs)
}

/// Polls until connected; `Err(Ok(observation, waited))` on timeout.
async fn wait_connected(
    call: &Call<'_>,
    es: &EsClient,
    alias: &str,
    timeout: Duration,
) -> Result<(), Result<(Observation, Duration), Diagnostics>> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        // `_resolve/cluster` also makes Elasticsearch try to (re)connect.
        let obs = observe(call, es, alias).await.map_err(Err)?;
        if obs.info.as_ref().is_some_and(|i| i.connected) {
            return Ok(());
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(Ok((obs, elapsed)));
        }
        let pause = delay.min(timeout - elapsed);
        tokio::select! {
            _ = call.cancel().cancelled() => return Err(Err(cancelled().into())),
            _ = tokio::time::sleep(pause) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

/// The state of `alias` read back (`prior` supplies what the API does not hold); `None` when
/// the alias has no settings.
async fn read_state(
    call: &Call<'_>,
    alias: &str,
    prior: &RemoteClusterModel,
) -> Result<Option<RemoteClusterModel>, Diagnostics> {
    let es = call.es()?;
    let settings = es
        .get_remote_cluster_settings(alias, call.cancel())
        .await
        .during(|| format!("to read the settings of remote cluster {alias:?}"))?;
    if settings.is_empty() {
        return Ok(None);
    }
    let infos = es
        .remote_info(call.cancel())
        .await
        .during(|| "to read _remote/info".into())?;
    Ok(Some(from_api(
        alias,
        &settings,
        infos.get(alias),
        Some(prior),
    )))
}

/// Puts the alias's settings back to `before` (with a fresh token: a cancelled apply still
/// deserves the rollback).
async fn restore(
    es: &EsClient,
    alias: &str,
    before: &BTreeMap<String, Json>,
) -> Result<(), ClientError> {
    let token = tokio_util::sync::CancellationToken::new();
    let now = es.get_remote_cluster_settings(alias, &token).await?;
    let body = remote_settings_diff(alias, &now, before);
    if !body.is_empty() {
        es.put_remote_cluster(alias, &body, &token).await?;
    }
    Ok(())
}
