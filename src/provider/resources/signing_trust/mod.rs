//! `crosscluster_signing_trust`: the CAs a **remote** (fulfilling) cluster trusts for the
//! signatures of cross-cluster requests (strong identity verification, Elasticsearch 9.3+,
//! api-facts-next §1.3/1.4): the one dynamic cluster setting
//! `cluster.remote.signing.certificate_authorities`, and nothing else.

mod identity;
mod model;
mod schema;
#[cfg(test)]
mod tests;

use async_trait::async_trait;

use crate::client::elasticsearch::Feature;
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::Model;
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::common::{Call, During};

use super::remote_cluster_signing::{plan_gate, version_error};
use model::{ID, SETTING, TrustModel, from_settings, to_settings};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_signing_trust";

/// The resource type.
pub struct SigningTrustResource;

async fn write(ctx: &CallContext, planned: &Value) -> Result<StateResponse, Diagnostics> {
    let call = Call::new(ctx)?;
    let es = call.es()?;
    let plan = TrustModel::from_value(planned)?;
    if let Err(e) = es
        .require(Feature::CertificateIdentity, call.cancel())
        .await
    {
        return Err(version_error(&e).into());
    }
    es.put_persistent_settings(&to_settings(&plan)?, call.cancel())
        .await
        .during(|| format!("to write {SETTING}"))?;
    tracing::info!("signing trust written");
    match read(&call).await? {
        Some(state) => StateResponse::from_model(&state),
        None => Err(Diagnostic::error(
            format!("{SETTING} not found after writing it"),
            "Elasticsearch acknowledged the setting but does not return it; another process may have removed it.",
        )
        .into()),
    }
}

async fn read(call: &Call<'_>) -> Result<Option<TrustModel>, Diagnostics> {
    let settings = call
        .es()?
        .get_cluster_settings(false, call.cancel())
        .await
        .during(|| "to read the cluster settings".into())?;
    Ok(from_settings(&settings.persistent))
}

#[async_trait]
impl Resource for SigningTrustResource {
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
        match read(&call).await? {
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

    async fn delete(&self, ctx: &CallContext, _req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let mut body = serde_json::Map::new();
        body.insert(SETTING.to_owned(), serde_json::Value::Null);
        call.es()?
            .put_persistent_settings(&body, call.cancel())
            .await
            .during(|| format!("to remove {SETTING}"))?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if id != ID {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!(
                    "{id:?} is not the import id: a cluster has one signing trust setting; import it with terraform import {TYPE_NAME}.example {ID}"
                ),
            )
            .into());
        }
        StateResponse::from_model(&TrustModel {
            id: crate::framework::model::Known::Value(ID.to_owned()),
            ..TrustModel::default()
        })
    }
}
