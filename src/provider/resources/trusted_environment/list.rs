//! List resource `crosscluster_trusted_environment` (`terraform query`, Terraform 1.14+): the
//! trust entries of a deployment's Elasticsearch resource (`accounts`, `external`, `direct`).

use async_trait::async_trait;

use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListRequest, ListResource, ListedObject};
use crate::framework::schema::Schema;
use crate::framework::traits::CallContext;
use crate::provider::common::Call;

use super::super::listing::{Found, deployment_config_schema, locate_deployment, read_each};
use super::TrustedEnvironmentResource;

/// The list resource type.
pub struct TrustedEnvironmentList;

#[async_trait]
impl ListResource for TrustedEnvironmentList {
    fn type_name(&self) -> &str {
        "crosscluster_trusted_environment"
    }

    fn schema(&self) -> Schema {
        Schema::new(deployment_config_schema(
            "Lists the trust entries of a deployment's Elasticsearch resource: organizations (`accounts`), trust relationships (`external`) and certificate entries (`direct`), the default trust of the deployment's own organization included.",
        ))
    }

    async fn list(
        &self,
        ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics> {
        let call = Call::new(ctx)?;
        let (dep_id, view) = locate_deployment(&call, &req.config).await?;
        let trust = view.trust.clone().unwrap_or_default();
        let ref_id = &view.ref_id;
        let mut found = Vec::new();
        for a in &trust.accounts {
            found.push(Found {
                display_name: format!("organization {}", a.account_id),
                import_id: format!("{dep_id}/{ref_id}/organization/{}", a.account_id),
            });
        }
        for e in &trust.external {
            found.push(Found {
                display_name: format!(
                    "external {}{}",
                    e.trust_relationship_id,
                    e.name
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ),
                import_id: format!("{dep_id}/{ref_id}/external/{}", e.trust_relationship_id),
            });
        }
        for d in &trust.direct {
            if let Some(uid) = &d.uid {
                found.push(Found {
                    display_name: format!("direct {} ({uid})", d.name),
                    import_id: format!("{dep_id}/{ref_id}/direct/{uid}"),
                });
            }
        }
        read_each(&TrustedEnvironmentResource, ctx, found, &req).await
    }
}
