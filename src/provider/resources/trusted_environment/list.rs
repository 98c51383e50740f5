//! List resource `crosscluster_trusted_environment` (`terraform query`, Terraform 1.14+): the
//! trust entries of a deployment's Elasticsearch resource (`accounts`, `external`, `direct`).

use async_trait::async_trait;

use crate::client::cloud::{EsResourceView, GetDeploymentParams};
use crate::framework::decode::ObjectReader;
use crate::framework::diag::Diagnostics;
use crate::framework::list::{ListRequest, ListResource, ListedObject};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::traits::CallContext;
use crate::provider::common::{Call, During};

use super::super::listing::{Found, read_each};
use super::TrustedEnvironmentResource;

/// The list resource type.
pub struct TrustedEnvironmentList;

fn config_schema(what: &str) -> Block {
    Block::new()
        .markdown_description(what.to_string())
        .attribute(
            Attribute::string("deployment_id")
                .required()
                .description("Id of the deployment (32 lowercase hexadecimal characters)."),
        )
        .attribute(
            Attribute::string("ref_id").optional().description(
                "`ref_id` of its Elasticsearch resource; the first one when left out.",
            ),
        )
}

/// The deployment, the resolved `ref_id` and its resource view.
async fn locate(
    call: &Call<'_>,
    config: &crate::framework::value::Value,
) -> Result<(String, EsResourceView), Diagnostics> {
    let r = ObjectReader::root(config)?;
    let dep_id = r.string("deployment_id")?;
    let ref_id = r.opt_string("ref_id")?;
    let dep = call
        .cloud()?
        .get_deployment(&dep_id, &GetDeploymentParams::for_read(), call.cancel())
        .await
        .during(|| format!("to read deployment {dep_id}"))?;
    let view = dep
        .es_view(ref_id.as_deref())
        .during(|| format!("to find the Elasticsearch resource of deployment {dep_id}"))?;
    Ok((dep_id, view))
}

#[async_trait]
impl ListResource for TrustedEnvironmentList {
    fn type_name(&self) -> &str {
        "crosscluster_trusted_environment"
    }

    fn schema(&self) -> Schema {
        Schema::new(config_schema(
            "Lists the trust entries of a deployment's Elasticsearch resource: organizations (`accounts`), trust relationships (`external`) and certificate entries (`direct`), the default trust of the deployment's own organization included.",
        ))
    }

    async fn list(
        &self,
        ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics> {
        let call = Call::new(ctx)?;
        let (dep_id, view) = locate(&call, &req.config).await?;
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
