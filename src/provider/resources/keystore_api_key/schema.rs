//! The schema of `crosscluster_keystore_api_key`.

use crate::framework::diag::AttributePath;
use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::traits::{TimeoutOp, Timeouts};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::hex32_validator;

use super::validate::SecretRule;

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "Stores a cross-cluster API key in an Elastic Cloud deployment's keystore as \
                 `cluster.remote.<alias>.credentials`, for the **API-key** security model (the \
                 Cloud console's \"Add an API key\"). The key is the `encoded` value of a \
                 cross-cluster API key created on the remote cluster (for example by \
                 `crosscluster_api_key`); a `crosscluster_remote_cluster` with the same `alias` \
                 then connects with it on port 9443.\n\
                 \n\
                 Uses the provider's `cloud` connection (Elastic Cloud or ECE keystore API, `PATCH \
                 .../elasticsearch/<ref_id>/keystore`). Each write, and the removal on destroy, \
                 names only this one setting: every other keystore entry is left as it is. \
                 Self-managed clusters have no keystore API (their keystore is edited with \
                 `elasticsearch-keystore` on each node).\n\
                 \n\
                 **Keeping the key secret.** Give the key either as `api_key` (sensitive: hidden \
                 in the CLI output, but stored in the state) or, with Terraform 1.11 or later, as \
                 the write-only `api_key_wo` together with `api_key_wo_version`: the key then \
                 never enters the plan or the state, and it is written again whenever \
                 `api_key_wo_version` changes. Pass `api_key_wo` from an ephemeral source, such as \
                 a variable with `ephemeral = true` and no default, or an ephemeral resource: \
                 Terraform itself copies literal configuration values (variable defaults included) \
                 into a saved plan's `configuration` section, and the values of non-ephemeral \
                 variables into its `variables` section. A `crosscluster_api_key` with a \
                 `keystore` block (sealed delivery) writes the key itself and needs no keystore \
                 resource.\n\
                 \n\
                 **Reload (8.14).** Deployments on 8.14 or later reload the keystore by themselves \
                 and connect with the new key at once. Below 8.14, `reload = \"auto\"` (the \
                 default) restarts the Elasticsearch resource after each write and after the \
                 removal, and waits for the restart plan (see `timeouts`; default 20 minutes); \
                 with `reload = \"none\"` the key is used only after the next restart.\n\
                 \n\
                 Import with `terraform import crosscluster_keystore_api_key.example \
                 <deployment_id>/<ref_id>/<alias>` (or `<deployment_id>/<alias>` for the \
                 deployment's first Elasticsearch resource). The keystore API never returns \
                 values, so the imported state holds no key (nor `api_key_wo_version`) and the \
                 next apply writes the configured key again.",
            )
            .validator(Validator::exactly_one_of(["api_key", "api_key_wo"]))
            .attribute(
                Attribute::string("deployment_id")
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the local deployment (the full 32 lowercase hexadecimal characters) whose keystore receives the key: the deployment that connects to the remote."),
            )
            .attribute(
                Attribute::string("ref_id")
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(Validator::LengthBetween(1, 128))
                    .description("`ref_id` of the deployment's Elasticsearch resource, e.g. `main-elasticsearch`. Defaults to the deployment's first Elasticsearch resource."),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .requires_replace()
                    .validator(AliasRule::Keystore.validator())
                    .description("Remote cluster alias (lowercase letters, digits, `-` and `_`). It must be the `alias` of the `crosscluster_remote_cluster` that connects with this key (the settings `cluster.remote.<alias>.*`); the keystore setting is `cluster.remote.<alias>.credentials`."),
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .sensitive()
                    .validator(Validator::rule(SecretRule))
                    .description("The cross-cluster API key's `encoded` value (sensitive: hidden in the CLI output, but stored in the state). Exactly one of `api_key` and `api_key_wo` must be set. A change writes the new key."),
            )
            .attribute(
                Attribute::string("api_key_wo")
                    .optional()
                    .sensitive()
                    .write_only()
                    .validator(Validator::rule(SecretRule))
                    .description("Write-only form of `api_key`: sent to the keystore, never stored. Requires `api_key_wo_version`; the key is written on create and whenever `api_key_wo_version` changes. Pass it from an ephemeral variable (without a default) or an ephemeral resource, since Terraform records literal configuration values and non-ephemeral variables in saved plans."),
            )
            .attribute(
                Attribute::number("api_key_wo_version")
                    .optional()
                    .validator(Validator::at_least(0))
                    .description("Version of the write-only `api_key_wo`, required with it. Change it (e.g. increment it) to write a new key; the provider cannot see `api_key_wo` itself between runs."),
            )
            .attribute(
                Attribute::string("reload")
                    .optional()
                    .computed()
                    .default_value(Value::string("auto"))
                    .validator(Validator::one_of(["auto", "none"]))
                    .description("What makes the running cluster load the key: `auto` restarts the Elasticsearch resource after each write (and after the removal) when the deployment runs below 8.14, which does not reload its keystore by itself, and waits for the restart plan; `none` never restarts (below 8.14 the key is then used only after the next restart). 8.14 and later reload the keystore at once either way."),
            )
            .attribute(
                Attribute::string("setting_name")
                    .computed()
                    .description("The keystore setting written: `cluster.remote.<alias>.credentials`."),
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("`<deployment_id>/<ref_id>/<alias>`."),
            )
            .block(Timeouts::block(&[
                TimeoutOp::Create,
                TimeoutOp::Update,
                TimeoutOp::Delete,
            ])),
    )
}

/// The path of attribute `deployment_id` (diagnostics of the CRUD methods point at it).
pub(super) fn deployment_id_path() -> AttributePath {
    AttributePath::attr_path("deployment_id")
}

/// The path of attribute `ref_id`.
pub(super) fn ref_id_path() -> AttributePath {
    AttributePath::attr_path("ref_id")
}

/// The path of attribute `alias`.
pub(super) fn alias_path() -> AttributePath {
    AttributePath::attr_path("alias")
}
