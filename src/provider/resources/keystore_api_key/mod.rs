//! `crosscluster_keystore_api_key`: one cross-cluster API key in a deployment's keystore, stored
//! as `cluster.remote.<alias>.credentials` through the Cloud keystore API (`PATCH
//! .../elasticsearch/<ref_id>/keystore`, which sets or removes the named settings only and never
//! returns their values).
//!
//! Every write is a `PATCH .../keystore` naming only that one key, so keys set by other tools or
//! by hand are never touched. The API never returns values, so the state keeps what the
//! configuration gave for `api_key` and nothing at all for the write-only `api_key_wo` (its
//! `api_key_wo_version` says when to write it again). With `reload = "auto"` a deployment below
//! 8.14, which does not reload its keystore by itself, gets its Elasticsearch resource restarted
//! after each write and the provider waits for that restart plan.

mod identity;
mod list;

pub use list::KeystoreApiKeyList;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::client::CloudClient;
use crate::client::Secret;
use crate::client::cloud::{Deployment, GetDeploymentParams, KeystoreContents};
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{
    Call, DeploymentAliasId, client_error, deadline, find_es_resource, format_alias_id,
    ref_or_first,
};

use model::{KeystoreKeyModel, Target};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_keystore_api_key";

/// How long a restart plan may take when `timeouts` does not say.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The resource type.
pub struct KeystoreApiKeyResource;

#[async_trait]
impl Resource for KeystoreApiKeyResource {
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

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        validate::validate(config)
    }

    async fn modify_plan(
        &self,
        _ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        let derived = (|| {
            let Some(mut planned) = plan.planned::<KeystoreKeyModel>()? else {
                return Ok(());
            };
            let prior = req.prior::<KeystoreKeyModel>()?;
            let config = req.config::<KeystoreKeyModel>()?;
            planned.derive_plan(prior.as_ref(), config.as_ref());
            plan.set_planned(&planned)
        })();
        derived.err().unwrap_or_default()
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let planned: KeystoreKeyModel = req.plan()?;
        let t = planned.target()?;
        let secret = req.config::<KeystoreKeyModel>()?.secret()?;
        let deadline = deadline(&req.planned_state, TimeoutOp::Create, DEFAULT_TIMEOUT)?;
        let call = Call::new(ctx)?;
        let (ref_id, warnings) = write(call.cloud()?, ctx, &t, secret, true, deadline).await?;
        let mut resp = StateResponse::from_model(&planned.finish(&ref_id))?;
        resp.diagnostics = warnings;
        Ok(resp)
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let state: KeystoreKeyModel = req.state()?;
        let t = state.target()?;
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let (dep, r) = (&t.deployment_id, t.ref_id.as_deref());
        let Some(ref_id) = ref_or_first(cloud, ctx, dep, r, &deployment_params()).await? else {
            return Ok(StateResponse::gone());
        };
        let Some(ks) = read_keystore(cloud, ctx, &t, &ref_id).await? else {
            tracing::debug!(deployment_id = %t.deployment_id, "deployment gone; keystore key gone");
            return Ok(StateResponse::gone());
        };
        if !ks.secrets.contains_key(&t.setting()) {
            return Ok(StateResponse::gone());
        }
        Ok(StateResponse::from_model(&state.finish(&ref_id))?.with_private(req.private))
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let planned: KeystoreKeyModel = req.plan()?;
        let prior: KeystoreKeyModel = req.prior()?;
        let t = planned.target()?;
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let mut warnings = Diagnostics::new();
        let ref_id = if planned.needs_rewrite(&prior) {
            let secret = req.config::<KeystoreKeyModel>()?.secret()?;
            let deadline = deadline(&req.planned_state, TimeoutOp::Update, DEFAULT_TIMEOUT)?;
            let (r, w) = write(cloud, ctx, &t, secret, false, deadline).await?;
            warnings = w;
            r
        } else {
            let r = prior.target()?.ref_id.or(t.ref_id.clone()).ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Unknown ref_id",
                    "The prior state has no ref_id; run terraform refresh first.",
                ))
            })?;
            confirm(cloud, ctx, &t, &r).await?;
            r
        };
        let mut resp = StateResponse::from_model(&planned.finish(&ref_id))?;
        resp.diagnostics = warnings;
        Ok(resp)
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let t = req.state::<KeystoreKeyModel>()?.target()?;
        let deadline = deadline(&req.prior_state, TimeoutOp::Delete, DEFAULT_TIMEOUT)?;
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let _guard = cloud.locks().lock(&t.deployment_id).await;
        let Some((ref_id, version)) = resolve(cloud, ctx, &t).await? else {
            // A deployment (or resource) that is gone takes its keystore with it.
            return Ok(());
        };
        let setting = t.setting();
        let Some(ks) = read_keystore(cloud, ctx, &t, &ref_id).await? else {
            return Ok(());
        };
        if !ks.secrets.contains_key(&setting) {
            return Ok(());
        }
        match cloud
            .remove_keystore_secret(&t.deployment_id, &ref_id, &setting, &ctx.cancel)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                return Err(client_error(
                    &format!("to remove {setting} from the keystore"),
                    &e,
                ));
            }
        }
        reload_if_needed(cloud, ctx, &t, &ref_id, version.as_deref(), deadline).await?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let id = DeploymentAliasId::parse_import(id, AliasRule::Keystore)?;
        StateResponse::from_model(&KeystoreKeyModel::imported(id))
    }
}

fn deployment_params() -> GetDeploymentParams {
    GetDeploymentParams {
        show_plans: Some(true),
        ..Default::default()
    }
}

/// The deployment and the resolved ref_id and version of its Elasticsearch resource.
async fn locate(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
) -> Result<(Deployment, String, Option<String>), Diagnostics> {
    let dep = cloud
        .get_deployment(&t.deployment_id, &deployment_params(), &ctx.cancel)
        .await
        .map_err(|e| {
            if e.is_not_found() {
                Diagnostics::from(Diagnostic::attribute_error(
                    schema::deployment_id_path(),
                    "Deployment not found",
                    format!(
                        "Deployment {} does not exist or is not visible to the provider's Cloud API key ({e}).",
                        t.deployment_id
                    ),
                ))
            } else {
                client_error(&format!("to read deployment {}", t.deployment_id), &e)
            }
        })?;
    let view = dep.es_view(t.ref_id.as_deref()).map_err(|_| {
        Diagnostics::from(Diagnostic::attribute_error(
            schema::ref_id_path(),
            "Elasticsearch resource not found",
            format!(
                "Deployment {} has no Elasticsearch resource {}.",
                t.deployment_id,
                t.ref_id.as_deref().unwrap_or("(none at all)")
            ),
        ))
    })?;
    Ok((dep, view.ref_id, view.version))
}

/// Like [`locate`], but `None` when the deployment or its Elasticsearch resource is gone.
async fn resolve(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
) -> Result<Option<(String, Option<String>)>, Diagnostics> {
    let view = find_es_resource(
        cloud,
        ctx,
        &t.deployment_id,
        t.ref_id.as_deref(),
        &deployment_params(),
    )
    .await?;
    Ok(view.map(|v| (v.ref_id, v.version)))
}

/// The keystore of Elasticsearch `ref_id`; `None` when the deployment is gone.
async fn read_keystore(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    ref_id: &str,
) -> Result<Option<KeystoreContents>, Diagnostics> {
    match cloud
        .get_keystore(&t.deployment_id, ref_id, &ctx.cancel)
        .await
    {
        Ok(ks) => Ok(Some(ks)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(client_error("to read the keystore", &e)),
    }
}

/// Restarts the Elasticsearch resource when `reload` asks for it and waits for the plan.
/// Returns a warning when `auto` could not decide.
async fn reload_if_needed(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    ref_id: &str,
    version: Option<&str>,
    deadline: Instant,
) -> Result<Option<Diagnostic>, Diagnostics> {
    match t.reload.restart_needed(version) {
        Ok(false) => Ok(None),
        Err(msg) => Ok(Some(Diagnostic::warning("Keystore not reloaded", msg))),
        Ok(true) => {
            tracing::debug!(deployment_id = %t.deployment_id, ref_id, "restarting Elasticsearch to load the keystore");
            cloud
                .restart_elasticsearch(&t.deployment_id, ref_id, &ctx.cancel)
                .await
                .map_err(|e| {
                    client_error(
                        &format!(
                            "to restart Elasticsearch {ref_id} of deployment {} (needed below 8.14 to load the keystore; set reload = \"none\" to skip)",
                            t.deployment_id
                        ),
                        &e,
                    )
                })?;
            cloud
                .wait_for_plan(&t.deployment_id, ref_id, deadline, &ctx.cancel)
                .await
                .map_err(|e| {
                    client_error(
                        &format!(
                            "waiting for the restart of Elasticsearch {ref_id} of deployment {}",
                            t.deployment_id
                        ),
                        &e,
                    )
                })?;
            Ok(None)
        }
    }
}

/// Reads the keystore after a write and checks the key is there.
async fn confirm(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    ref_id: &str,
) -> Result<(), Diagnostics> {
    let ks = cloud
        .get_keystore(&t.deployment_id, ref_id, &ctx.cancel)
        .await
        .map_err(|e| client_error("to read the keystore back", &e))?;
    if ks.secrets.contains_key(&t.setting()) {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "Keystore key missing after write",
            format!(
                "The keystore of deployment {} ({ref_id}) does not list {} right after it was written; it may have been removed concurrently.",
                t.deployment_id,
                t.setting()
            ),
        )
        .into())
    }
}

/// Writes the key (create: only when absent) under the deployment's lock, then reloads.
/// Returns the resolved ref_id and warnings.
async fn write(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    secret: Secret,
    creating: bool,
    deadline: Instant,
) -> Result<(String, Diagnostics), Diagnostics> {
    let _guard = cloud.locks().lock(&t.deployment_id).await;
    let (_, ref_id, version) = locate(cloud, ctx, t).await?;
    let setting = t.setting();
    if creating {
        let ks = cloud
            .get_keystore(&t.deployment_id, &ref_id, &ctx.cancel)
            .await
            .map_err(|e| client_error("to read the keystore", &e))?;
        if ks.secrets.contains_key(&setting) {
            return Err(Diagnostic::attribute_error(
                schema::alias_path(),
                "Keystore key already exists",
                format!(
                    "The keystore of deployment {} ({ref_id}) already holds {setting}, which this configuration does not manage. Import it with `terraform import <address> {}` to manage it (the next apply then writes the configured key), or choose another alias.",
                    t.deployment_id,
                    format_alias_id(&t.deployment_id, &ref_id, &t.alias)
                ),
            )
            .into());
        }
    }
    let written = async {
        cloud
            .set_keystore_secret(&t.deployment_id, &ref_id, &setting, secret, &ctx.cancel)
            .await
            .map_err(|e| client_error(&format!("to write {setting} to the keystore"), &e))?;
        let warnings = reload_if_needed(cloud, ctx, t, &ref_id, version.as_deref(), deadline)
            .await?
            .map(Diagnostics::from)
            .unwrap_or_default();
        confirm(cloud, ctx, t, &ref_id).await?;
        Ok::<_, Diagnostics>(warnings)
    }
    .await;
    match written {
        Ok(warnings) => Ok((ref_id, warnings)),
        Err(mut errs) if creating => {
            // Leave nothing behind that Terraform does not track: whatever failed after (or
            // during) the write, take the new key out again. A fresh token, so that a
            // StopProvider that cancelled the write does not also cancel the clean-up.
            let rollback = cloud
                .remove_keystore_secret(
                    &t.deployment_id,
                    &ref_id,
                    &setting,
                    &tokio_util::sync::CancellationToken::new(),
                )
                .await;
            let detail = match rollback {
                Ok(_) => format!("{setting} was removed again, so the next apply starts over."),
                Err(e) if e.is_not_found() => {
                    format!("{setting} is not in the keystore, so the next apply starts over.")
                }
                Err(e) => format!(
                    "{setting} could not be removed again ({e}); import it or remove it before the next apply."
                ),
            };
            errs.push(Diagnostic::error("Keystore key not kept", detail));
            Err(errs)
        }
        Err(errs) => Err(errs),
    }
}
