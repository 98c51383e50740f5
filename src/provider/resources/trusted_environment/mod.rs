//! `crosscluster_trusted_environment`: one trust relationship of one Elastic Cloud deployment
//! (the Cloud console's "Add trusted environment", certificate model).
//!
//! Every change is a read-modify-write of the deployment's trust settings ([`cloud`]) that
//! touches only the one entry the resource owns ([`edit`]): every other entry of `accounts`,
//! `external` and `direct` goes back to the API exactly as it was read.
//!
//! Identity ([`id`]): `<deployment_id>/<ref_id>/organization/<organization id>`,
//! `<deployment_id>/<ref_id>/external/<trust relationship id>`, or
//! `<deployment_id>/<ref_id>/direct/<uid>` where `<uid>` is the `uid` the Cloud API generates for
//! each direct trust entry (it is what tells an update apart from a remove-and-add).

mod cloud;
mod edit;
mod id;
mod identity;
mod list;

pub use list::TrustedEnvironmentList;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use async_trait::async_trait;

use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::{Model, to_value};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, UpdateRequest,
};
use crate::framework::value::{Type, Value};
use crate::provider::common::{Call, During, api_error, deadline, set_in_place};

use cloud::{
    Created, DEFAULT_TIMEOUT, FIRST_REF_ID, is_deployment_missing, is_plan_failure,
    is_resource_missing, read_state, read_trust, recover_update, state_after_failure, write_error,
};
use edit::{add_entry, direct_uids, edit_trust, find_entry, remove_entry, update_entry};
use id::TrustId;
use model::{TrustedEnvironmentModel, desired_from, import_state, state_from_entry};
use validate::{ConfigModel, planned_name, validate};

/// The resource type.
pub struct TrustedEnvironmentResource;

/// The plan's computed `name` ([`planned_name`]), written into the plan in place.
fn plan_name(req: &PlanRequest, plan: &mut PlannedChange) -> Result<(), Diagnostics> {
    let Some(planned) = plan.planned::<ConfigModel>()? else {
        return Ok(());
    };
    let config = req.config::<ConfigModel>()?;
    let prior = req.prior::<ConfigModel>()?;
    if let Some(name) = planned_name(config.as_ref(), &planned, prior.as_ref()) {
        let name = to_value(&name, &Type::String).map_err(Diagnostics::from)?;
        set_in_place(&mut plan.planned_state, schema::NAME, name);
    }
    Ok(())
}

#[async_trait]
impl Resource for TrustedEnvironmentResource {
    fn identity_schema(&self) -> Option<crate::framework::identity::IdentitySchema> {
        Some(identity::schema())
    }

    fn import_id_from_identity(
        &self,
        identity: &crate::framework::value::Value,
    ) -> Result<String, crate::framework::diag::Diagnostics> {
        identity::import_id(identity)
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        Some(identity::of_state(state))
    }

    fn type_name(&self) -> &str {
        "crosscluster_trusted_environment"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        match ConfigModel::from_value(config) {
            Ok(c) => validate(&c),
            Err(d) => d,
        }
    }

    async fn modify_plan(
        &self,
        _ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        plan_name(req, plan).err().unwrap_or_default()
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let plan: TrustedEnvironmentModel = req.plan()?;
        let dep = plan.deployment_id.as_str();
        let ref_arg = plan.ref_id.value().map_or(FIRST_REF_ID, String::as_str);
        let desired = desired_from(&plan)?;
        let deadline = deadline(&req.planned_state, TimeoutOp::Create, DEFAULT_TIMEOUT)?;
        let mut before_uids: Vec<String> = Vec::new();
        // Whether this create's edit ran and went into a write (or adopted an identical
        // entry): only then can an entry found after an error be this create's.
        let mut edited = false;
        let result = cloud
            .update_elasticsearch_settings_and_wait(
                dep,
                ref_arg,
                |settings| {
                    edit_trust(settings, |t| {
                        before_uids = direct_uids(t);
                        let r = add_entry(t, &desired, dep, ref_arg);
                        edited |= r.is_ok();
                        r
                    })
                },
                deadline,
                call.cancel(),
            )
            .await;
        let created = Created {
            plan: &plan,
            desired: &desired,
            before_uids: &before_uids,
            edited,
        };
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                let diag = write_error("add the trust entry", dep, ref_arg, &e);
                if is_plan_failure(&e)
                    && let Some(state) = created
                        .state_after_failure(cloud, ref_arg, call.cancel())
                        .await
                {
                    return Ok(StateResponse::from_model(&state)?.with_warning(diag));
                }
                return created
                    .recover(cloud, ref_arg, &e, ctx.is_cancelled(), diag)
                    .await;
            }
        };
        let not_found = |detail: String| {
            Diagnostics::from(Diagnostic::error(
                "Trust entry not found after create",
                detail,
            ))
        };
        let (resolved, trust) = match read_trust(cloud, dep, &out.ref_id, call.cancel()).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Err(Diagnostic::error(
                    "Deployment vanished",
                    format!("Deployment {dep} could not be read after its trust was updated."),
                )
                .into());
            }
            Err(e) => {
                let diag = write_error("read the trust back", dep, &out.ref_id, &e);
                return created
                    .recover(cloud, &out.ref_id, &e, ctx.is_cancelled(), diag)
                    .await;
            }
        };
        let key = created.locate(&trust).ok_or_else(|| not_found(format!("The new trust entry was accepted by deployment {dep} but is not in its trust settings when read back.")))?;
        let id = created.id(resolved, key);
        let entry = find_entry(&trust, &id.key).ok_or_else(|| {
            not_found(format!(
                "Trust entry {id} is not in the deployment's trust settings when read back."
            ))
        })?;
        tracing::debug!(id = %id, attempts = out.attempts, "created trusted environment");
        StateResponse::from_model(&state_from_entry(&id, entry, Some(&plan)))
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let state: TrustedEnvironmentModel = req.state()?;
        let id = state.trust_id()?;
        match read_state(cloud, &id, &state, call.cancel())
            .await
            .during(|| format!("to read deployment {}", id.deployment_id))?
        {
            Some(state) => Ok(StateResponse::from_model(&state)?.with_private(req.private)),
            None => {
                tracing::debug!(id = %id, "trusted environment gone");
                Ok(StateResponse::gone())
            }
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let id = req.prior::<TrustedEnvironmentModel>()?.trust_id()?;
        let plan: TrustedEnvironmentModel = req.plan()?;
        let desired = desired_from(&plan)?;
        let deadline = deadline(&req.planned_state, TimeoutOp::Update, DEFAULT_TIMEOUT)?;
        let (dep, ref_id) = (&id.deployment_id, &id.ref_id);
        let result = cloud
            .update_elasticsearch_settings_and_wait(
                dep,
                ref_id,
                |settings| edit_trust(settings, |t| update_entry(t, &id.key, &desired, dep)),
                deadline,
                call.cancel(),
            )
            .await;
        if let Err(e) = result {
            let diag = write_error("update the trust entry", dep, ref_id, &e);
            if is_plan_failure(&e)
                && let Some(state) = state_after_failure(cloud, &id, &plan, call.cancel()).await
            {
                return Ok(StateResponse::from_model(&state)?.with_warning(diag));
            }
            return recover_update(cloud, &id, &plan, &e, ctx.is_cancelled(), diag).await;
        }
        match read_state(cloud, &id, &plan, call.cancel()).await {
            Ok(Some(state)) => StateResponse::from_model(&state),
            Ok(None) => Err(Diagnostic::error(
                "Trust entry not found after update",
                format!(
                    "Trust entry {id} is not in the deployment's trust settings when read back."
                ),
            )
            .into()),
            Err(e) => {
                let diag = api_error(&format!("to read deployment {dep}"), &e);
                recover_update(cloud, &id, &plan, &e, ctx.is_cancelled(), diag).await
            }
        }
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let id = req.state::<TrustedEnvironmentModel>()?.trust_id()?;
        let deadline = deadline(&req.prior_state, TimeoutOp::Delete, DEFAULT_TIMEOUT)?;
        match cloud
            .update_elasticsearch_settings_and_wait(
                &id.deployment_id,
                &id.ref_id,
                |settings| edit_trust(settings, |t| remove_entry(t, &id.key)),
                deadline,
                call.cancel(),
            )
            .await
        {
            Ok(out) => {
                tracing::debug!(id = %id, changed = out.changed, "deleted trusted environment");
                Ok(())
            }
            // Nothing left to remove.
            Err(e) if is_deployment_missing(&e) || is_resource_missing(&e) => Ok(()),
            Err(e) => {
                Err(write_error("remove the trust entry", &id.deployment_id, &id.ref_id, &e).into())
            }
        }
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let parsed = TrustId::parse(id).map_err(|e| {
            Diagnostics::from(Diagnostic::error("Invalid import id", e.to_string()))
        })?;
        StateResponse::from_model(&import_state(&parsed))
    }
}
