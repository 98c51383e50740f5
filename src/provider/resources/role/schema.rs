//! The schema of `crosscluster_role`.

use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::framework::value::{Type, Value};
use crate::provider::common::json_validator;

use super::super::metadata::ReservedMetadataKeys;
use super::validate::{RemoteClusterPrivilegeNames, RoleName};

fn field_security_block() -> NestedBlock {
    NestedBlock::single(
        "field_security",
        Block::new()
            .description("Field-level security: which fields the role may see.")
            .attribute(
                Attribute::list("grant", Type::String)
                    .optional()
                    .description("Fields (patterns allowed) the role may read."),
            )
            .attribute(
                Attribute::list("except", Type::String)
                    .optional()
                    .description("Fields (patterns allowed) removed from grant."),
            ),
    )
}

fn index_attributes(b: Block, remote: bool) -> Block {
    let b = if remote {
        b.attribute(
            Attribute::list("clusters", Type::String)
                .required()
                .validator(Validator::min_items(1))
                .description("Remote cluster aliases (patterns allowed, e.g. `prod-*`) the entry applies to: the `alias` of a `crosscluster_remote_cluster`."),
        )
    } else {
        b
    };
    b.attribute(
        Attribute::list("names", Type::String)
            .required()
            .validator(Validator::min_items(1))
            .description("Index names or patterns."),
    )
    .attribute(
        Attribute::list("privileges", Type::String)
            .required()
            .validator(Validator::min_items(1))
            .description("Index privileges, e.g. `read`, `read_cross_cluster`, `view_index_metadata`."),
    )
    .attribute(
        Attribute::string("query")
            .optional()
            .validator(json_validator("query", false))
            .description("Document-level security: a query as a JSON string (`jsonencode({ term = { team = \"a\" } })`). Compared as JSON, so formatting does not matter."),
    )
    .attribute(
        Attribute::bool("allow_restricted_indices")
            .optional()
            .computed()
            .default_value(Value::Bool(false))
            .description("Whether names may match restricted indices such as `.security`."),
    )
    .block(field_security_block())
}

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "An Elasticsearch role on the cluster of the provider's `elasticsearch` \
                 connection, usually the *local* cluster of cross-cluster search: cluster and \
                 index privileges plus the remote privileges of the **API-key** security model, \
                 `remote_indices` (Elasticsearch 8.14+) and `remote_cluster` (8.15+; \
                 `monitor_stats` 8.17+).\n\
                 \n\
                 Remote privileges apply to aliases that connect with a cross-cluster API key, and \
                 the key's `access` still bounds what they reach on the remote cluster. With the \
                 certificate model they have no effect: there, roles of the same name on the \
                 remote cluster grant access (create them there through a second provider \
                 block).\n\
                 \n\
                 Uses `PUT`, `GET` and `DELETE /_security/role/<name>`; only this role is touched, \
                 and destroy deletes it. Every attribute is read back, so changes made outside \
                 Terraform show in the plan. Using a feature the cluster's version lacks is an \
                 error naming the version needed, at plan time when the cluster is reachable. \
                 Fields this resource does not model (`applications`, `run_as`, `global`) are not \
                 kept when the role is updated. Creating a role that already exists with exactly \
                 the configured privileges adopts it; any other existing role of that name fails \
                 and names the import command (it is never overwritten).\n\
                 \n\
                 Import with the role name: `terraform import crosscluster_role.example <name>`.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The role name."),
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(Validator::length_between(1, 507))
                    .validator(Validator::rule(RoleName))
                    .description("Role name (also the import id)."),
            )
            .attribute(
                Attribute::set("cluster", Type::String)
                    .optional()
                    .description("Cluster privileges, e.g. `monitor`, `manage_ccr`."),
            )
            .attribute(
                Attribute::string("description")
                    .optional()
                    .description("Description of the role (Elasticsearch 8.15+)."),
            )
            .attribute(
                Attribute::string("metadata")
                    .optional()
                    .validator(json_validator("metadata", true))
                    .validator(Validator::rule(ReservedMetadataKeys))
                    .description("Metadata as a JSON object string (`jsonencode({...})`); keys starting with `_` are reserved. Compared as JSON, so formatting does not matter."),
            )
            .block(NestedBlock::list(
                "indices",
                index_attributes(Block::new().description("Privileges on indices of this cluster."), false),
            ))
            .block(NestedBlock::list(
                "remote_indices",
                index_attributes(
                    Block::new().description("Privileges on indices of remote clusters (Elasticsearch 8.14+; API-key model)."),
                    true,
                ),
            ))
            .block(NestedBlock::list(
                "remote_cluster",
                Block::new()
                    .description("Cluster privileges on remote clusters (Elasticsearch 8.15+; API-key model).")
                    .attribute(
                        Attribute::list("clusters", Type::String)
                            .required()
                            .validator(Validator::min_items(1))
                            .description("Remote cluster aliases (patterns allowed)."),
                    )
                    .attribute(
                        Attribute::list("privileges", Type::String)
                            .required()
                            .validator(Validator::min_items(1))
                            .validator(Validator::rule(RemoteClusterPrivilegeNames))
                            .description("`monitor_enrich` (8.15+) and/or `monitor_stats` (8.17+)."),
                    ),
            )),
    )
}
