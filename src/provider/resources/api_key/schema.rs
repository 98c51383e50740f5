//! The schema of `crosscluster_api_key`.

use crate::framework::diag::AttributePath;
use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::framework::traits::{TimeoutOp, Timeouts};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{hex32_validator, json_validator};

use super::super::metadata::ReservedMetadataKeys;
use super::validate::{CertificateIdentityRule, ExpirationRule, check_access};

fn string_list_attr(name: &str) -> Attribute {
    Attribute::list(name, crate::framework::value::Type::String)
}

/// The schema.
/// The schema.
pub(super) fn schema() -> Schema {
    let search = Block::new()
        .description("Indices of this cluster that the local cluster may search through the key (cross-cluster search).")
        .attribute(
            string_list_attr("names")
                .required()
                .validator(Validator::min_items(1))
                .description("Index names or patterns, e.g. `[\"logs-*\"]`."),
        )
        .attribute(
            Attribute::string("query")
                .optional()
                .validator(json_validator("query", true))
                .description("Document-level security: a query as a JSON string (`jsonencode({...})`). Not allowed together with `replication` access (Elasticsearch 8.14+ rejects it)."),
        )
        .attribute(
            Attribute::bool("allow_restricted_indices")
                .optional()
                .computed()
                .default_value(Value::Bool(false))
                .description("Whether the names may match restricted indices such as `.security`."),
        )
        .block(NestedBlock::single(
            "field_security",
            Block::new()
                .description("Field-level security. Not allowed together with `replication` access (Elasticsearch 8.14+ rejects it).")
                .attribute(string_list_attr("grant").optional().description("Fields to grant."))
                .attribute(string_list_attr("except").optional().description("Granted fields to hide again.")),
        ));
    let replication = Block::new()
        .description(
            "Indices of this cluster that the local cluster may follow through the key (cross-cluster replication).",
        )
        .attribute(
            string_list_attr("names")
                .required()
                .validator(Validator::min_items(1))
                .description("Index names or patterns, e.g. `[\"archive-*\"]`."),
        );
    let access = Block::new()
        .description("What the key grants the local cluster on this cluster: at least one `search` or `replication` block. Updated in place; read back, so a change made outside Terraform shows in the plan.")
        .validator(Validator::custom(check_access))
        .block(NestedBlock::list("search", search))
        .block(NestedBlock::list("replication", replication));
    let keystore = Block::new()
        .description("Sealed delivery: write the new key's encoded form straight into this Elastic Cloud deployment's keystore as `cluster.remote.<alias>.credentials`, through the `cloud` connection of the same provider block (its credentials must reach that deployment). The secret never reaches the plan, the state or a log; `encoded` and `api_key` stay null. A deployment below 8.14 is restarted so that it loads the key. Changing this block creates a new key.")
        .attribute(
            Attribute::string("deployment_id")
                .required()
                .validator(hex32_validator("deployment id"))
                .description("Id of the local deployment (the one that connects to this cluster): the full 32 lowercase hexadecimal characters."),
        )
        .attribute(
            Attribute::string("ref_id")
                .optional()
                .computed()
                .use_state_for_unknown()
                .description("`ref_id` of the deployment's Elasticsearch resource; default: its first one (e.g. `main-elasticsearch`)."),
        )
        .attribute(
            Attribute::string("alias")
                .required()
                .validator(AliasRule::Keystore.validator())
                .description("The remote cluster alias on the local deployment (lowercase letters, digits, `-` and `_`): the `alias` of its `crosscluster_remote_cluster`. The keystore setting is `cluster.remote.<alias>.credentials`."),
        );
    Schema::new(
        Block::new()
            .markdown_description(
                "A cross-cluster API key on the **remote** cluster, for the **API-key** security \
                 model (Elasticsearch 8.10+; on Elastic Cloud both deployments need 8.14+): the \
                 credential the local cluster connects with, bounded by `access` (which indices it \
                 may search or replicate).\n\
                 \n\
                 Uses the provider's `elasticsearch` connection, which must point at the remote \
                 cluster (usually an aliased provider block, `provider = crosscluster.remote`) and \
                 authenticate with a username and password or a bearer token: Elasticsearch \
                 refuses to create cross-cluster API keys for a caller that itself uses an API \
                 key. Create is `POST /_security/cross_cluster/api_key`; `access`, `metadata` and \
                 `expiration` change in place (`PUT /_security/cross_cluster/api_key/<id>`); \
                 destroy invalidates the key. Only this key is touched. `access` and `metadata` \
                 are read back, so a change made outside Terraform shows in the plan; a key \
                 invalidated or expired outside Terraform reads as gone and is created again.\n\
                 \n\
                 **Exactly one key per create.** Each create puts a random request marker into \
                 the key's metadata (`crosscluster_request_marker`, not a secret, not shown in \
                 `metadata`). When the answer to the create is lost or unclear (a 5xx, a timeout, \
                 a dropped connection, a truncated answer, a stop), the provider looks the key up \
                 (`GET /_security/api_key?name=<name>&active_only=true`) and invalidates a key \
                 with the marker again, since its secret went with the answer; then it retries the \
                 create like any other request (429, 502, 503, 504, transport failures). So a \
                 create leaves exactly one live key, whatever the network did.\n\
                 \n\
                 **The secret.** Without a `keystore` block, the new key's `encoded` value (what \
                 the local keystore needs) and its `api_key` are computed, sensitive attributes \
                 and are therefore stored in the state; pass `encoded` to a \
                 `crosscluster_keystore_api_key` on the local side.\n\
                 \n\
                 **Sealed delivery.** With a `keystore` block, the provider writes the new key \
                 straight into that Elastic Cloud deployment's keystore as \
                 `cluster.remote.<alias>.credentials` during the same create, through the `cloud` \
                 connection of **the same provider block**, which therefore needs credentials that \
                 reach the local deployment (e.g. the local organization's Cloud API key next to \
                 the remote cluster's `elasticsearch` connection). The secret never reaches the \
                 plan, the state or a log: `encoded` and `api_key` stay null, and no keystore \
                 resource is needed. A local deployment older than 8.14, which does not reload its \
                 keystore, is restarted and the create waits for the restart (see `timeouts`; \
                 default 20 minutes). Changing the `keystore` block creates a new key. Sealed \
                 delivery records the keystore slot it filled in the key's metadata \
                 (`crosscluster_keystore_slot`, not shown in `metadata`); destroy invalidates the \
                 key and removes that keystore entry, unless another active key of this provider \
                 records the same slot (the new key of a `create_before_destroy` rotation).\n\
                 \n\
                 **Rotation.** Replace the key, for example with `replace_triggered_by` on a \
                 rotating trigger, together with `lifecycle { create_before_destroy = true }`: the \
                 new key is created (and, with sealed delivery, written over the same keystore \
                 entry) before the old one is invalidated.\n\
                 \n\
                 Import with the key id: `terraform import crosscluster_api_key.example <key id>` \
                 (the `id` that `GET /_security/api_key` shows). The secret cannot be read back: \
                 `encoded`, `api_key`, `expiration` and `keystore` stay null after import, so a \
                 configuration with a `keystore` block plans a new, sealed key.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The key id (also the import id)."),
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(Validator::length_between(1, 1024))
                    .description("The key name. Elasticsearch cannot rename a key: a change creates a new key."),
            )
            .attribute(
                Attribute::string("expiration")
                    .optional()
                    .validator(Validator::rule(ExpirationRule))
                    .description("Lifetime from now, such as `30d` (units `d`, `h`, `m`, `s`, `ms`). Changed in place (the new lifetime counts from the update); removing it creates a new key. Default: never expires. An expired key reads as gone, so the next apply creates a new one."),
            )
            .attribute(
                Attribute::string("metadata")
                    .optional()
                    .validator(json_validator("metadata", true))
                    .validator(Validator::rule(ReservedMetadataKeys))
                    .description("Metadata as a JSON object string (`jsonencode({...})`); keys starting with `_` are reserved. Updated in place and read back; formatting differences are not changes."),
            )
            .attribute(
                Attribute::string("certificate_identity")
                    .optional()
                    .validator(Validator::rule(CertificateIdentityRule))
                    .description("Strong identity verification (Elasticsearch 9.3+ on both clusters): a regular expression (Java syntax) that the whole subject DN of the local cluster's signing certificate must match, case-sensitively, e.g. `CN=.*\\.node\\.<local cluster id>\\.cluster\\..*` for one Elastic Cloud deployment's node certificates or `CN=.*\\.node\\..*\\.cluster\\.<organization id>` for every deployment of an organization. The local cluster must then sign its requests (`crosscluster_remote_cluster_signing`) with a certificate this cluster trusts (`crosscluster_signing_trust`); otherwise the remote rejects every cross-cluster request. Changed in place; removing it clears it. Read back, so a change made outside Terraform shows in the plan. A cluster before 9.3 fails at plan time."),
            )
            .attribute(
                Attribute::string("encoded")
                    .computed()
                    .sensitive()
                    .use_state_for_unknown()
                    .description("`base64(id:api_key)`, the value for `cluster.remote.<alias>.credentials` in the local keystore (e.g. `api_key` of `crosscluster_keystore_api_key`). Stored in the state; null with a `keystore` block (sealed delivery) and after import."),
            )
            .attribute(
                Attribute::string("api_key")
                    .computed()
                    .sensitive()
                    .use_state_for_unknown()
                    .description("The secret part of the key. Stored in the state; null with a `keystore` block (sealed delivery) and after import."),
            )
            .attribute(
                Attribute::string("expiration_timestamp")
                    .computed()
                    .description("When the key expires (RFC 3339, UTC); null when it never expires."),
            )
            .block(NestedBlock::single("access", access).min_items(1).max_items(1))
            .block(NestedBlock::single("keystore", keystore))
            .block(Timeouts::block(&[TimeoutOp::Create])),
    )
}

/// The path of attribute `deployment_id` of the `keystore` block (sealed delivery diagnostics
/// point at it).
pub(super) fn keystore_deployment_id_path() -> AttributePath {
    AttributePath::root().attr("keystore").attr("deployment_id")
}

/// The path of attribute `ref_id` of the `keystore` block.
pub(super) fn keystore_ref_id_path() -> AttributePath {
    AttributePath::root().attr("keystore").attr("ref_id")
}
