//! List resource `crosscluster_role` (`terraform query`, Terraform 1.14+): the roles of the
//! provider's Elasticsearch cluster that hold remote privileges (`remote_indices` or
//! `remote_cluster`), reserved roles left out.

use async_trait::async_trait;

use crate::framework::decode::ObjectReader;
use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListRequest, ListResource, ListedObject};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::traits::CallContext;
use crate::provider::common::{Call, During};

use super::super::listing::{Found, read_each};
use super::RoleResource;

/// The list resource type.
pub struct RoleList;

#[async_trait]
impl ListResource for RoleList {
    fn type_name(&self) -> &str {
        "crosscluster_role"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .markdown_description("Lists the roles of the provider's Elasticsearch cluster that grant remote privileges (`remote_indices` or `remote_cluster`); reserved roles are left out.")
                .attribute(
                    Attribute::string("name_prefix")
                        .optional()
                        .description("Only roles whose name starts with this."),
                ),
        )
    }

    async fn list(
        &self,
        ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics> {
        let prefix = ObjectReader::root(&req.config)?
            .opt_string("name_prefix")?
            .unwrap_or_default();
        let call = Call::new(ctx)?;
        let roles = call
            .es()?
            .get_roles(call.cancel())
            .await
            .during(|| "to list the roles".into())?;
        let found = roles
            .into_iter()
            .filter(|(name, r)| {
                name.starts_with(&prefix)
                    && !(r.remote_indices.is_empty() && r.remote_cluster.is_empty())
                    && !r
                        .metadata
                        .as_ref()
                        .and_then(|m| m.get("_reserved"))
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false)
            })
            .map(|(name, _)| Found {
                display_name: name.clone(),
                import_id: name,
            })
            .collect();
        read_each(&RoleResource, ctx, found, &req).await
    }
}
