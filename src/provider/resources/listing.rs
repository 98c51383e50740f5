//! What the list resources (`terraform query`, Terraform 1.14+) share: each finds the import
//! ids of the objects it lists with one or two requests. When Terraform wants the resource
//! objects (`include_resource`, always with `-generate-config-out`) each object is imported
//! and read by its own resource, exactly as `import` + refresh would, so that the
//! configuration Terraform generates from the listed state plans clean after the import;
//! otherwise the imported state (which names the object: its identity) is enough and no
//! request per object is made.

use tfplugin::framework::list::{ListRequest, ListedObject};

use crate::client::cloud::{EsResourceView, GetDeploymentParams};
use crate::framework::decode::ObjectReader;
use crate::framework::diag::Diagnostics;
use crate::framework::schema::{Attribute, Block};
use crate::framework::traits::{CallContext, ReadRequest, Resource, cancelled};
use crate::framework::value::Value;
use crate::provider::common::{Call, During};

/// One object to list: its import id and the name `terraform query` shows.
pub(super) struct Found {
    pub(super) import_id: String,
    pub(super) display_name: String,
}

/// Imports each of `found` (at most `req.limit`) with `resource`, and reads it when
/// Terraform wants resource objects; objects gone in between are left out.
pub(super) async fn read_each(
    resource: &dyn Resource,
    ctx: &CallContext,
    found: Vec<Found>,
    req: &ListRequest,
) -> Result<Vec<ListedObject>, Diagnostics> {
    let limit = usize::try_from(req.limit.max(0)).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for f in found.into_iter().take(limit) {
        if ctx.is_cancelled() {
            return Err(cancelled().into());
        }
        let imported = resource.import_state(ctx, &f.import_id).await?;
        if !req.include_resource {
            out.push(ListedObject {
                display_name: f.display_name,
                state: imported.state,
            });
            continue;
        }
        let read = resource
            .read(
                ctx,
                ReadRequest {
                    current_state: imported.state,
                    private: imported.private,
                },
            )
            .await?;
        if read.state.is_null() {
            continue;
        }
        out.push(ListedObject {
            display_name: f.display_name,
            state: read.state,
        });
    }
    Ok(out)
}

/// The configuration of a list over one deployment's Elasticsearch resource: `deployment_id`
/// and an optional `ref_id`.
pub(super) fn deployment_config_schema(what: &str) -> Block {
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

/// The deployment a list's configuration names, and the view of its Elasticsearch resource.
pub(super) async fn locate_deployment(
    call: &Call<'_>,
    config: &Value,
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
