//! `crosscluster_remote_info`: every remote cluster alias of the provider's `elasticsearch`
//! connection as `GET /_remote/info` reports it (the cluster's live view of its remote
//! connections), as a map keyed by alias.

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
pub struct RemoteInfoDataSource;

#[async_trait]
impl DataSource for RemoteInfoDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_remote_info"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn read(&self, ctx: &CallContext, _config: Value) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let remotes = call
            .es()?
            .remote_info(call.cancel())
            .await
            .during(|| "to read _remote/info".into())?;
        tracing::debug!(aliases = remotes.len(), "read remote info");
        StateResponse::from_model(&model::from_api(&remotes))
    }
}
