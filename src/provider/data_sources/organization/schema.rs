//! The schema of `crosscluster_organization`.

use crate::framework::schema::{Attribute, Block, Schema};

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The Elastic Cloud organization of the provider's `cloud` credentials (`GET \
                 /api/v1/organizations`; not available on ECE). Use its `id` as the \
                 `organization_id` of a `crosscluster_trusted_environment` in the other \
                 organization.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("The organization id."),
            )
            .attribute(
                Attribute::string("name")
                    .computed()
                    .description("The organization name."),
            ),
    )
}
