//! What the list resources (`terraform query`, Terraform 1.14+) share: each finds the import
//! ids of the objects it lists with one or two requests. When Terraform wants the resource
//! objects (`include_resource`, always with `-generate-config-out`) each object is imported
//! and read by its own resource, exactly as `import` + refresh would, so that the
//! configuration Terraform generates from the listed state plans clean after the import;
//! otherwise the imported state (which names the object: its identity) is enough and no
//! request per object is made.

use tfplugin::framework::list::{ListRequest, ListedObject};

use crate::framework::diag::Diagnostics;
use crate::framework::traits::{CallContext, ReadRequest, Resource, cancelled};

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
