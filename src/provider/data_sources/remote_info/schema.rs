//! The schema of the `crosscluster_remote_info` data source (the docs are generated from these
//! descriptions).

use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::value::Type;

/// The object type of one alias.
fn remote_type() -> Type {
    Type::object([
        ("connected", Type::Bool),
        ("mode", Type::String),
        ("proxy_address", Type::String),
        ("server_name", Type::String),
        ("seeds", Type::list(Type::String)),
        ("skip_unavailable", Type::Bool),
        ("credentials_configured", Type::Bool),
    ])
}

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The remote clusters of the provider's `elasticsearch` connection, as `GET \
                 /_remote/info` reports them (read-only). `remotes` is a map keyed by alias, e.g. \
                 `data.crosscluster_remote_info.x.remotes[\"my_remote\"].connected`. Each value \
                 has `connected`, `mode` (`proxy` or `sniff`), `proxy_address` and `server_name` \
                 (proxy mode; null in sniff mode), `seeds` (sniff mode; empty in proxy mode), \
                 `skip_unavailable`, and `credentials_configured` (true when the keystore holds \
                 `cluster.remote.<alias>.credentials`: the API-key model, port 9443; false: the \
                 certificate model, port 9400).\n\
                 \n\
                 Data sources are read before resources change, so to see aliases created in the \
                 same configuration add `depends_on` on them. Note that `connected` reflects open \
                 connections only: Elasticsearch connects lazily, so an alias nobody has used yet \
                 may read as not connected.",
            )
            .attribute(
                Attribute::map("remotes", remote_type())
                    .computed()
                    .description("Remote clusters by alias (empty when none is configured)."),
            ),
    )
}
