//! `crosscluster_deployment_remote_cluster`: one alias in a deployment's Cloud-managed remote
//! clusters (`.../elasticsearch/{ref_id}/remote-clusters`; certificate model, both
//! deployments in one organization).
//!
//! Every write is a read-modify-write of the whole list that changes only this resource's
//! alias ([`cloud`]). The status attributes come from the list's read-only `info`; they are
//! computed, refreshed on every read and planned unknown whenever the resource changes,
//! because a change can flip them (a planned-known value that then differs would be an
//! inconsistent result).

mod cloud;
mod identity;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use async_trait::async_trait;

use crate::client::cloud::Changed;
use crate::framework::diag::Diagnostics;
use crate::framework::model::Model;
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{Call, DeploymentAliasId};

use super::deployment_edit::EditError;
use cloud::{diag, local_ref, read_entry, write};
use model::{DeploymentRemoteClusterModel, from_entry, import_state};
use validate::{ConfigModel, derive_plan, validate};

/// The resource type name.
const TYPE_NAME: &str = "crosscluster_deployment_remote_cluster";

/// The resource type.
pub struct DeploymentRemoteClusterResource;

#[async_trait]
impl Resource for DeploymentRemoteClusterResource {
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
        derive_plan(&req.prior_state, &req.config, &mut plan.planned_state);
        Diagnostics::new()
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        write(call.cloud()?, ctx, &req.plan()?, true).await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let m: DeploymentRemoteClusterModel = req.state()?;
        let Some(ref_id) = local_ref(cloud, ctx, &m).await? else {
            return Ok(StateResponse::gone());
        };
        match read_entry(cloud, ctx, &m.deployment_id, &ref_id, &m.alias).await? {
            None => Ok(StateResponse::gone()),
            Some(entry) => {
                Ok(
                    StateResponse::from_model(&from_entry(&m.deployment_id, &ref_id, &entry))?
                        .with_private(req.private),
                )
            }
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        write(call.cloud()?, ctx, &req.plan()?, false).await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let m: DeploymentRemoteClusterModel = req.state()?;
        let Some(ref_id) = local_ref(cloud, ctx, &m).await? else {
            return Ok(());
        };
        match cloud
            .update_remote_clusters(
                &m.deployment_id,
                &ref_id,
                |list| Ok::<Changed, EditError>(list.remove(&m.alias)),
                call.cancel(),
            )
            .await
        {
            Ok(_) => Ok(()),
            // The deployment is gone, and its remote clusters with it.
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(diag(
                &format!(
                    "to remove remote cluster {:?} from deployment {}",
                    m.alias, m.deployment_id
                ),
                &e,
            )),
        }
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let id = DeploymentAliasId::parse_import(id, AliasRule::CloudRemoteClusters)?;
        StateResponse::from_model(&import_state(id))
    }
}
