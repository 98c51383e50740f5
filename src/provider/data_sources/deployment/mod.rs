//! `crosscluster_deployment`: what the other resources need to know about an Elastic Cloud
//! deployment (`GET /api/v1/deployments/{id}` with settings and metadata): its Elasticsearch
//! cluster id, endpoint, the two proxy addresses (certificate model on the transport
//! passthrough port, API-key model on 9443) and its current trust entries.

mod model;
mod schema;
#[cfg(test)]
mod tests;

use async_trait::async_trait;

use crate::client::cloud::GetDeploymentParams;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::Model;
use crate::framework::schema::Schema;
use crate::framework::traits::{CallContext, DataSource, StateResponse};
use crate::framework::value::Value;

use crate::provider::common::{Call, api_error};

use model::{DeploymentModel, DescribeError, from_api};
use schema::{ID, REF_ID};

/// The data source type.
pub struct DeploymentDataSource;

#[async_trait]
impl DataSource for DeploymentDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_deployment"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn read(&self, ctx: &CallContext, config: Value) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let config = DeploymentModel::from_value(&config)?;
        let id = &config.id;
        let dep = cloud
            .get_deployment(id, &GetDeploymentParams::for_read(), call.cancel())
            .await
            .map_err(|e| {
                if e.is_not_found() {
                    Diagnostic::attribute_error(
                        AttributePath::root().attr(ID),
                        "Deployment not found",
                        format!("Deployment {id} does not exist or is not visible to the provider's Cloud API key: {e}"),
                    )
                } else {
                    api_error(&format!("to read deployment {id}"), &e)
                }
            })?;
        let state = from_api(&dep, config.ref_id.as_deref()).map_err(|e| {
            let path = match e {
                DescribeError::NoResource { .. } => AttributePath::root().attr(REF_ID),
                _ => AttributePath::root().attr(ID),
            };
            Diagnostic::attribute_error(path, "Cannot describe the deployment", e.to_string())
        })?;
        tracing::debug!(deployment_id = %id, "read deployment");
        StateResponse::from_model(&state)
    }
}
