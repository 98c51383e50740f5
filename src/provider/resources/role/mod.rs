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

use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::common::{Call, During};

use model::{RoleModel, from_api, to_api};
use validate::version_problems;

/// The resource type.
pub struct RoleResource;

impl RoleResource {
    /// Checks the version gates, writes the planned role and reads it back.
    async fn write(
        &self,
        ctx: &CallContext,
        planned: &Value,
        config: &Value,
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
        es.put_role(&name, &to_api(&plan), call.cancel())
            .await
            .during(|| format!("to write role {name:?}"))?;
        let back = es
            .get_role(&name, call.cancel())
            .await
            .during(|| format!("to read role {name:?}"))?
            .ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    format!("Role {name:?} not found after writing it"),
                    "Elasticsearch acknowledged the role but does not return it; another process may have deleted it.",
                ))
            })?;
        StateResponse::from_model(&from_api(&name, &back, Some(&plan)))
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
        self.write(ctx, &req.planned_state, &req.config).await
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
        self.write(ctx, &req.planned_state, &req.config).await
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
