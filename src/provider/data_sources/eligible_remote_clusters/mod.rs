//! `crosscluster_eligible_remote_clusters`: the deployments whose clusters a deployment's
//! Elasticsearch cluster can use as remotes, as Elastic Cloud lists them.

mod model;
mod schema;
#[cfg(test)]
mod tests;

use async_trait::async_trait;

use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::Model;
use crate::framework::schema::Schema;
use crate::framework::traits::{CallContext, DataSource, StateResponse};
use crate::framework::value::Value;

use crate::provider::common::{Call, api_error};

use model::{EligibleModel, candidates};
use schema::{DEPLOYMENT_ID, REF_ID};

/// The data source type.
pub struct EligibleRemoteClustersDataSource;

#[async_trait]
impl DataSource for EligibleRemoteClustersDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_eligible_remote_clusters"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn read(&self, ctx: &CallContext, config: Value) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let config = EligibleModel::from_value(&config)?;
        let id = &config.deployment_id;
        let ref_id = config.ref_id.as_deref().unwrap_or("_main");
        let found = cloud
            .eligible_remote_clusters(id, ref_id, call.cancel())
            .await
            .map_err(|e| {
                if e.has_cloud_code("deployments.deployment_resource_not_found") {
                    Diagnostic::attribute_error(
                        AttributePath::root().attr(REF_ID),
                        "Elasticsearch resource not found",
                        format!("Attribute ref_id: deployment {id} has no Elasticsearch resource {ref_id}: {e}"),
                    )
                } else if e.is_not_found() {
                    Diagnostic::attribute_error(
                        AttributePath::root().attr(DEPLOYMENT_ID),
                        "Deployment not found",
                        format!("Attribute deployment_id: deployment {id} does not exist or is not visible to the provider's Cloud API key: {e}"),
                    )
                } else {
                    api_error(&format!("to list the eligible remote clusters of deployment {id}"), &e)
                }
            })?;
        let list = candidates(&found);
        tracing::debug!(deployment_id = %id, count = list.len(), "listed eligible remote clusters");
        StateResponse::from_model(&EligibleModel {
            ids: Some(list.iter().map(|c| c.id.clone()).collect()),
            deployments: Some(list),
            ..config
        })
    }
}
