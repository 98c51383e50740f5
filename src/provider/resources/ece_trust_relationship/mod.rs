//! `crosscluster_ece_trust_relationship`: one trust relationship of an ECE installation
//! (`/platform/configuration/trust-relationships`, api-facts-next 3.1). The resource owns the
//! one relationship it created; the list is never rewritten.

mod identity;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use async_trait::async_trait;

use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::Known;
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, ReadRequest, Resource, StateResponse, UpdateRequest,
};
use crate::provider::common::{Call, During, api_error};

use model::{EceTrustRelationshipModel, from_api, to_request};

/// The resource type name.
const TYPE_NAME: &str = "crosscluster_ece_trust_relationship";

/// The resource type.
pub struct EceTrustRelationshipResource;

/// The hint for a 404 on the collection itself: not an ECE installation.
fn not_ece(e: &crate::client::ClientError) -> Option<Diagnostic> {
    e.is_not_found().then(|| {
        Diagnostic::error(
            "No ECE trust-relationships API",
            format!(
                "The provider's cloud connection answered 404 for /platform/configuration/trust-relationships ({e}). {TYPE_NAME} needs the API of an Elastic Cloud Enterprise installation (cloud.endpoint of the ECE admin console, with a platform administrator's credentials); Elastic Cloud has no such API: there, use crosscluster_trusted_environment with a direct block of type \"ECE\"."
            ),
        )
    })
}

#[async_trait]
impl Resource for EceTrustRelationshipResource {
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

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let plan: EceTrustRelationshipModel = req.plan()?;
        let created = match cloud
            .create_trust_relationship(&to_request(&plan), call.cancel())
            .await
        {
            Ok(c) => c,
            Err(e) => {
                return Err(not_ece(&e)
                    .unwrap_or_else(|| api_error("to create the ECE trust relationship", &e))
                    .into());
            }
        };
        // Accepted: from here on the state carries the id.
        match cloud
            .read_trust_relationship(&created.id, call.cancel())
            .await
        {
            Ok(t) => StateResponse::from_model(&from_api(&t, Some(&plan))),
            Err(e) => {
                let mut resp = StateResponse::from_model(&EceTrustRelationshipModel {
                    id: Known::Value(created.id.clone()),
                    local: Known::Value(created.local),
                    ..plan
                })?;
                resp.diagnostics.push(api_error(
                    &format!("to read back ECE trust relationship {}", created.id),
                    &e,
                ));
                Ok(resp)
            }
        }
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let m: EceTrustRelationshipModel = req.state()?;
        let Some(id) = m.id.value().cloned() else {
            return Ok(StateResponse::gone());
        };
        match cloud.read_trust_relationship(&id, call.cancel()).await {
            Ok(t) => {
                Ok(StateResponse::from_model(&from_api(&t, Some(&m)))?.with_private(req.private))
            }
            Err(e) if e.is_not_found() => Ok(StateResponse::gone()),
            Err(e) => Err(api_error(&format!("to read ECE trust relationship {id}"), &e).into()),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let plan: EceTrustRelationshipModel = req.plan()?;
        let prior: EceTrustRelationshipModel = req.prior()?;
        let id = prior.id.value().cloned().unwrap_or_default();
        cloud
            .update_trust_relationship(&id, &to_request(&plan), call.cancel())
            .await
            .during(|| format!("to update ECE trust relationship {id}"))?;
        let t = cloud
            .read_trust_relationship(&id, call.cancel())
            .await
            .during(|| format!("to read back ECE trust relationship {id}"))?;
        StateResponse::from_model(&from_api(&t, Some(&plan)))
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let m: EceTrustRelationshipModel = req.state()?;
        let Some(id) = m.id.value().cloned() else {
            return Ok(());
        };
        match cloud.delete_trust_relationship(&id, call.cancel()).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(api_error(&format!("to delete ECE trust relationship {id}"), &e).into()),
        }
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if id.is_empty() || id.contains('/') {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("The import id of {TYPE_NAME} is the trust relationship's id; got {id:?}."),
            )
            .into());
        }
        StateResponse::from_model(&EceTrustRelationshipModel {
            id: Known::Value(id.to_string()),
            ..Default::default()
        })
    }
}
