//! List resource `crosscluster_api_key` (`terraform query`, Terraform 1.14+): the active
//! cross-cluster API keys of the provider's Elasticsearch cluster. Keys that this provider
//! delivered into a keystore (their metadata records the slot) are marked in the display name.

use async_trait::async_trait;

use crate::framework::decode::ObjectReader;
use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListRequest, ListResource, ListedObject};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::traits::CallContext;
use crate::provider::common::{Call, During};

use super::super::listing::{Found, read_each};
use super::ApiKeyResource;
use super::model::recorded_slot;

/// The list resource type.
pub struct ApiKeyList;

#[async_trait]
impl ListResource for ApiKeyList {
    fn type_name(&self) -> &str {
        "crosscluster_api_key"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .markdown_description("Lists the active cross-cluster API keys of the provider's Elasticsearch cluster (REST keys are left out). A key that this provider delivered into a keystore (sealed delivery) shows `[crosscluster: keystore <deployment_id>/<alias>]` after its name. The secret of a key cannot be read back: an imported key has no `encoded` value and no `keystore` block.")
                .attribute(
                    Attribute::string("name_prefix")
                        .optional()
                        .description("Only keys whose name starts with this."),
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
        let mut keys = call
            .es()?
            .get_active_api_keys(call.cancel())
            .await
            .during(|| "to list the API keys".into())?;
        keys.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let found = keys
            .into_iter()
            .filter(|k| {
                k.key_type.as_deref() == Some("cross_cluster") && k.name.starts_with(&prefix)
            })
            .map(|k| {
                let mark = recorded_slot(k.metadata.as_ref())
                    .map(|s| format!(" [crosscluster: keystore {s}]"))
                    .unwrap_or_default();
                Found {
                    display_name: format!("{} ({}){mark}", k.name, k.id),
                    import_id: k.id,
                }
            })
            .collect();
        read_each(&ApiKeyResource, ctx, found, &req).await
    }
}
