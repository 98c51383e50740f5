//! What the list resources (`terraform query`, Terraform 1.14+) share: each finds the import
//! ids of the objects it lists with one or two requests, then each object is imported and
//! read by its own resource, exactly as `import` + refresh would, so that the configuration
//! Terraform generates from the listed state plans clean after the import.

use tfplugin::framework::list::ListedObject;

use crate::framework::diag::Diagnostics;
use crate::framework::traits::{CallContext, ReadRequest, Resource, cancelled};

/// One object to list: its import id and the name `terraform query` shows.
pub(super) struct Found {
    pub(super) import_id: String,
    pub(super) display_name: String,
}

/// Imports and reads each of `found` (at most `limit`) with `resource`; objects gone in
/// between are left out.
pub(super) async fn read_each(
    resource: &dyn Resource,
    ctx: &CallContext,
    found: Vec<Found>,
    limit: i64,
) -> Result<Vec<ListedObject>, Diagnostics> {
    let limit = usize::try_from(limit.max(0)).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for f in found.into_iter().take(limit) {
        if ctx.is_cancelled() {
            return Err(cancelled().into());
        }
        let imported = resource.import_state(ctx, &f.import_id).await?;
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
