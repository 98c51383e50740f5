//! `crosscluster_role`: an Elasticsearch role with local and remote privileges
//! (`PUT/GET/DELETE /_security/role/{name}`), usually on the local cluster of cross-cluster
//! search: `remote_indices` (8.14+) and `remote_cluster` (8.15+) grant access to the remote
//! clusters reached through API-key-model aliases.
//!
//! Everything is read back, so a change made outside Terraform shows in the plan. Version gates
//! are checked at plan time when the cluster is reachable, and again before the write.

mod identity;
mod list;

pub use list::RoleList;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use async_trait::async_trait;

use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::common::{Call, During, api_error};
use crate::provider::resources::recover::{
    may_have_landed, planned_note, read_back, read_note, with_error, write_diag,
};

use model::{RoleModel, from_api, is_identical, planned_state, to_api};
use validate::version_problems;

/// The resource type.
pub struct RoleResource;

impl RoleResource {
    /// Checks the version gates, writes the planned role and reads it back. A create finds
    /// out first whether the role exists: one exactly as planned is adopted (e.g. written by
    /// an apply that failed after the write), any other is refused with the import command,
    /// never overwritten. When the write or the read-back fails once the role may have been
    /// written, the role as it now is (read on a token of its own) or, when even that read
    /// fails, as written goes into the state with the error.
    async fn write(
        &self,
        ctx: &CallContext,
        planned: &Value,
        config: &Value,
        creating: bool,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let es = call.es()?;
        let plan = RoleModel::from_value(planned)?;
        let name = plan.role_name()?;
        let info = es
            .info(call.cancel())
            .await
            .during(|| "to read the cluster version".into())?;
        let gates = version_problems(config, info);
        if gates.has_errors() {
            return Err(gates);
        }
        if creating
            && let Some(existing) = es
                .get_role(&name, call.cancel())
                .await
                .during(|| format!("to read role {name:?}"))?
        {
            if is_identical(&existing, &plan) {
                tracing::debug!(role = %name, "adopted an existing identical role");
                return StateResponse::from_model(&from_api(&name, &existing, Some(&plan)));
            }
            return Err(Diagnostic::attribute_error(
                AttributePath::attr_path("name"),
                "Role already exists",
                format!(
                    "Role {name:?} already exists with other privileges, and this configuration does not manage it: to manage it with Terraform, import it (terraform import <address> {name}), or choose another name."
                ),
            )
            .into());
        }
        let (e, diag) = match es.put_role(&name, &to_api(&plan), call.cancel()).await {
            Err(e) => {
                let d = api_error(&format!("to write role {name:?}"), &e);
                (e, d)
            }
            Ok(_) => match es.get_role(&name, call.cancel()).await {
                Ok(Some(back)) => {
                    return StateResponse::from_model(&from_api(&name, &back, Some(&plan)));
                }
                Ok(None) => {
                    return Err(Diagnostic::error(
                        format!("Role {name:?} not found after writing it"),
                        "Elasticsearch acknowledged the role but does not return it; another process may have deleted it.",
                    )
                    .into());
                }
                Err(e) => {
                    let d = api_error(&format!("to read role {name:?}"), &e);
                    (e, d)
                }
            },
        };
        let diag = write_diag(&e, ctx.is_cancelled(), diag);
        if !may_have_landed(&e) {
            return Err(diag.into());
        }
        let role = name.as_str();
        match read_back(|t| async move { es.get_role(role, &t).await }).await {
            Ok(Some(back)) => Ok(with_error(
                StateResponse::from_model(&from_api(&name, &back, Some(&plan)))?,
                read_note(diag),
            )),
            Ok(None) => Err(diag.into()),
            Err(read_error) => Ok(with_error(
                StateResponse::from_model(&planned_state(&name, &plan))?,
                planned_note(diag, &read_error),
            )),
        }
    }
}

#[async_trait]
impl Resource for RoleResource {
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
        "crosscluster_role"
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
        if matches!(plan.planned_state, Value::Null) {
            return Diagnostics::new();
        }
        // Best effort: without a reachable cluster the gates run again at apply.
        let Ok(call) = Call::new(ctx) else {
            return Diagnostics::new();
        };
        let Ok(es) = call.es() else {
            return Diagnostics::new();
        };
        match es.info(call.cancel()).await {
            Ok(info) => version_problems(&req.config, info),
            Err(_) => Diagnostics::new(),
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        self.write(ctx, &req.planned_state, &req.config, true).await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let state: RoleModel = req.state()?;
        let name = state.role_name()?;
        match call
            .es()?
            .get_role(&name, call.cancel())
            .await
            .during(|| format!("to read role {name:?}"))?
        {
            Some(role) => Ok(
                StateResponse::from_model(&from_api(&name, &role, Some(&state)))?
                    .with_private(req.private),
            ),
            None => Ok(StateResponse::gone()),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        self.write(ctx, &req.planned_state, &req.config, false)
            .await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let name = req.state::<RoleModel>()?.role_name()?;
        call.es()?
            .delete_role(&name, call.cancel())
            .await
            .during(|| format!("to delete role {name:?}"))?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if id.is_empty() {
            return Err(Diagnostic::error(
                "Invalid import id",
                "Import a role with its name, e.g. terraform import crosscluster_role.example my_role",
            )
            .into());
        }
        StateResponse::from_model(&RoleModel {
            id: Known::Value(id.to_owned()),
            name: Some(id.to_owned()),
            ..RoleModel::default()
        })
    }
}
