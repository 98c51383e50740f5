//! `crosscluster_remote_cluster_signing`: the local cluster's signing certificate and key for
//! one API-key remote alias (strong identity verification, Elasticsearch 9.3+,
//! api-facts-next §1.3/1.4): the dynamic cluster settings
//! `cluster.remote.<alias>.signing.certificate` and `.signing.key` (file paths in the
//! cluster's configuration directory), and nothing else.
//!
//! The alias's connection settings belong to `crosscluster_remote_cluster`, its credentials to
//! the keystore; neither is read or written here.

mod identity;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use async_trait::async_trait;

use crate::client::elasticsearch::Feature;
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{Call, During};

use model::{SigningModel, from_settings, owned_nulls, to_settings};
pub(super) use validate::{PathRule, version_error};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_remote_cluster_signing";

/// The resource type.
pub struct RemoteClusterSigningResource;

/// Writes the planned signing pair and reads it back.
async fn write(ctx: &CallContext, planned: &Value) -> Result<StateResponse, Diagnostics> {
    let call = Call::new(ctx)?;
    let es = call.es()?;
    let plan = SigningModel::from_value(planned)?;
    let alias = plan.alias()?;
    if let Err(e) = es
        .require(Feature::CertificateIdentity, call.cancel())
        .await
    {
        return Err(version_error(&e).into());
    }
    es.put_persistent_settings(&to_settings(&plan)?, call.cancel())
        .await
        .during(|| format!("to write the signing settings of remote cluster {alias:?}"))?;
    tracing::info!(alias = %alias, "remote cluster signing settings written");
    match read(&call, &alias).await? {
        Some(state) => StateResponse::from_model(&state),
        None => Err(Diagnostic::error(
            format!("Signing settings of \"{alias}\" not found after writing them"),
            "Elasticsearch acknowledged the settings but does not return them; another process may have removed them.",
        )
        .into()),
    }
}

/// The state of `alias`'s signing settings, `None` when neither is set.
async fn read(call: &Call<'_>, alias: &str) -> Result<Option<SigningModel>, Diagnostics> {
    let settings = call
        .es()?
        .get_cluster_settings(false, call.cancel())
        .await
        .during(|| "to read the cluster settings".into())?;
    Ok(from_settings(alias, &settings.persistent))
}

#[async_trait]
impl Resource for RemoteClusterSigningResource {
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
        _req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        plan_gate(ctx, plan).await
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        write(ctx, &req.planned_state).await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let alias = req.state::<SigningModel>()?.alias()?;
        match read(&call, &alias).await? {
            Some(state) => Ok(StateResponse::from_model(&state)?.with_private(req.private)),
            None => Ok(StateResponse::gone()),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        write(ctx, &req.planned_state).await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let alias = req.state::<SigningModel>()?.alias()?;
        call.es()?
            .put_persistent_settings(&owned_nulls(&alias), call.cancel())
            .await
            .during(|| format!("to remove the signing settings of remote cluster {alias:?}"))?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if let Err(e) = AliasRule::Keystore.check(id) {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!(
                    "{id:?} is not a remote cluster alias ({e}): import with the alias, e.g. terraform import {TYPE_NAME}.example my_remote"
                ),
            )
            .into());
        }
        StateResponse::from_model(&SigningModel {
            id: Known::Value(id.to_owned()),
            alias: Known::Value(id.to_owned()),
            ..SigningModel::default()
        })
    }
}

/// The 9.3 gate of the signing resources at plan time, where the cluster is reachable now
/// (checked again before the write); nothing to check for a destroy.
pub(super) async fn plan_gate(ctx: &CallContext, plan: &PlannedChange) -> Diagnostics {
    if matches!(plan.planned_state, Value::Null) {
        return Diagnostics::new();
    }
    let Ok(call) = Call::new(ctx) else {
        return Diagnostics::new();
    };
    let Ok(es) = call.es() else {
        return Diagnostics::new();
    };
    match es
        .require(Feature::CertificateIdentity, call.cancel())
        .await
    {
        Err(e @ crate::client::ClientError::VersionGate { .. }) => version_error(&e).into(),
        _ => Diagnostics::new(),
    }
}
