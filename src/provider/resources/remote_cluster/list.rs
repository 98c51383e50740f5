//! List resource `crosscluster_remote_cluster` (`terraform query`, Terraform 1.14+): the
//! aliases of the provider's Elasticsearch cluster (persistent `cluster.remote.<alias>.*`
//! settings).

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::framework::decode::ObjectReader;
use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListRequest, ListResource, ListedObject};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::traits::CallContext;
use crate::provider::common::{Call, During};

use super::super::listing::{Found, read_each};
use super::RemoteClusterResource;

/// The list resource type.
pub struct RemoteClusterList;

#[async_trait]
impl ListResource for RemoteClusterList {
    fn type_name(&self) -> &str {
        "crosscluster_remote_cluster"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .markdown_description("Lists the remote cluster aliases of the provider's Elasticsearch cluster (its persistent `cluster.remote.<alias>.*` settings).")
                .attribute(
                    Attribute::string("alias_prefix")
                        .optional()
                        .description("Only aliases that start with this."),
                ),
        )
    }

    async fn list(
        &self,
        ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics> {
        let prefix = ObjectReader::root(&req.config)?
            .opt_string("alias_prefix")?
            .unwrap_or_default();
        let call = Call::new(ctx)?;
        let settings = call
            .es()?
            .get_cluster_settings(false, call.cancel())
            .await
            .during(|| "to list the remote cluster aliases".into())?;
        let aliases: BTreeSet<String> = settings
            .persistent
            .keys()
            .filter_map(|k| k.strip_prefix("cluster.remote."))
            .filter_map(|rest| rest.split_once('.').map(|(a, _)| a.to_string()))
            .filter(|a| a.starts_with(&prefix))
            .collect();
        let found = aliases
            .into_iter()
            .map(|a| Found {
                display_name: a.clone(),
                import_id: a,
            })
            .collect();
        read_each(&RemoteClusterResource, ctx, found, &req).await
    }
}
