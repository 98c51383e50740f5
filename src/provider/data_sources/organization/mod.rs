//! `crosscluster_organization`: the Elastic Cloud organization the provider's `cloud` API key
//! belongs to (`GET /api/v1/organizations`). Its `id` is what another organization's
//! `crosscluster_trusted_environment.organization_id` needs.

mod model;
mod schema;
#[cfg(test)]
mod tests;

use async_trait::async_trait;

use crate::framework::diag::Diagnostics;
use crate::framework::schema::Schema;
use crate::framework::traits::{CallContext, DataSource, StateResponse};
use crate::framework::value::Value;
use crate::provider::common::{Call, During};

/// The data source type.
pub struct OrganizationDataSource;

#[async_trait]
impl DataSource for OrganizationDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_organization"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn read(&self, ctx: &CallContext, _config: Value) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let orgs = call
            .cloud()?
            .list_organizations(call.cancel())
            .await
            .during(|| "to list organizations".into())?;
        let org = model::pick(&orgs)?;
        tracing::debug!(organization_id = %org.id, "read organization");
        StateResponse::from_model(&model::from_api(org))
    }
}
