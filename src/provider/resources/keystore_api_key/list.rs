//! List resource `crosscluster_keystore_api_key` (`terraform query`, Terraform 1.14+): the
//! `cluster.remote.<alias>.credentials` entries of a deployment's keystore. The keystore never
//! returns values: an adopted entry needs its key in the configuration (`api_key_wo`).

use async_trait::async_trait;

use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListRequest, ListResource, ListedObject};
use crate::framework::schema::Schema;
use crate::framework::traits::CallContext;
use crate::provider::common::{Call, During};

use super::super::listing::{Found, deployment_config_schema, locate_deployment, read_each};
use super::KeystoreApiKeyResource;

/// The list resource type.
pub struct KeystoreApiKeyList;

#[async_trait]
impl ListResource for KeystoreApiKeyList {
    fn type_name(&self) -> &str {
        "crosscluster_keystore_api_key"
    }

    fn schema(&self) -> Schema {
        Schema::new(deployment_config_schema(
            "Lists the `cluster.remote.<alias>.credentials` entries of a deployment's Elasticsearch keystore. The keystore API never returns values, so generated configuration has no key: add `api_key_wo` and `api_key_wo_version` (see the resource's import section) before applying.",
        ))
    }

    async fn list(
        &self,
        ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics> {
        let call = Call::new(ctx)?;
        let (dep_id, view) = locate_deployment(&call, &req.config).await?;
        let keystore = call
            .cloud()?
            .get_keystore(&dep_id, &view.ref_id, call.cancel())
            .await
            .during(|| format!("to read the keystore of deployment {dep_id}"))?;
        let found = keystore
            .secrets
            .keys()
            .filter_map(|k| {
                k.strip_prefix("cluster.remote.")?
                    .strip_suffix(".credentials")
            })
            .filter(|a| !a.is_empty() && !a.contains('.'))
            .map(|alias| Found {
                display_name: format!("cluster.remote.{alias}.credentials"),
                import_id: format!("{dep_id}/{}/{alias}", view.ref_id),
            })
            .collect();
        read_each(&KeystoreApiKeyResource, ctx, found, &req).await
    }
}
