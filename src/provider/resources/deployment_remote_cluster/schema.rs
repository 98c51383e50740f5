//! The schema of `crosscluster_deployment_remote_cluster`, and its attribute names (each
//! written once, here).

use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::hex32_validator;

/// Attribute `deployment_id`.
pub(super) const DEPLOYMENT_ID: &str = "deployment_id";
/// Attribute `ref_id`.
pub(super) const REF_ID: &str = "ref_id";
/// Attribute `alias`.
pub(super) const ALIAS: &str = "alias";
/// Attribute `remote_deployment_id`.
pub(super) const REMOTE_DEPLOYMENT_ID: &str = "remote_deployment_id";
/// Attribute `remote_ref_id`.
pub(super) const REMOTE_REF_ID: &str = "remote_ref_id";
/// Attribute `skip_unavailable`.
pub(super) const SKIP_UNAVAILABLE: &str = "skip_unavailable";
/// Attribute `healthy`.
pub(super) const HEALTHY: &str = "healthy";
/// Attribute `connected`.
pub(super) const CONNECTED: &str = "connected";
/// Attribute `compatible`.
pub(super) const COMPATIBLE: &str = "compatible";
/// Attribute `trusted`.
pub(super) const TRUSTED: &str = "trusted";
/// Attribute `trusted_back`.
pub(super) const TRUSTED_BACK: &str = "trusted_back";
/// Attribute `id`.
pub(super) const ID: &str = "id";

/// The schema.
pub(super) fn schema() -> Schema {
    let status = |name: &str, what: &str| Attribute::bool(name).computed().description(what);
    Schema::new(
        Block::new()
            .markdown_description(
                "One remote cluster (alias) of an Elastic Cloud deployment, managed through the \
                 Cloud remote-clusters API: the **certificate** security model between two \
                 deployments of the **same organization** (the Cloud console's \"Remote \
                 connections\"). The deployment connects to `remote_deployment_id` under `alias`, \
                 through the remote's proxy on port 9400; the platform writes the matching \
                 `cluster.remote.<alias>.*` cluster settings.\n\
                 \n\
                 Uses the provider's `cloud` connection; its API key must see both deployments. \
                 The API replaces the whole list on every write: this resource reads the list, \
                 changes only its own alias and writes every other entry back unchanged, so remote \
                 clusters set up in the console or by other resources survive; destroy removes \
                 only this alias. Creating an alias that already exists exactly as configured (same \
                 remote and `skip_unavailable`) adopts it; any other existing alias fails and \
                 names the import id. Do not manage the same alias with `crosscluster_remote_cluster` as well.\n\
                 \n\
                 The certificate model needs trust in both directions; deployments of one \
                 organization trust each other by default (unless that trust was narrowed, see \
                 `crosscluster_trusted_environment`). The computed `connected`, `compatible`, \
                 `trusted` and `trusted_back`, refreshed on every read, tell why an alias does not \
                 connect. The apply does not wait for the connection.\n\
                 \n\
                 Elastic documents this API as deprecated for Elastic Cloud and limited to \
                 same-organization certificate-model links. For a remote in another organization, \
                 on ECE or self-managed, or for the API-key model (port 9443), use \
                 `crosscluster_remote_cluster` (Elasticsearch cluster settings) instead.\n\
                 \n\
                 Import with `terraform import crosscluster_deployment_remote_cluster.example \
                 <deployment_id>/<ref_id>/<alias>` (or `<deployment_id>/<alias>` for the \
                 deployment's first Elasticsearch resource).",
            )
            .attribute(
                Attribute::string(DEPLOYMENT_ID)
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the local deployment (the full 32 lowercase hexadecimal characters) that connects to the remote."),
            )
            .attribute(
                Attribute::string(REF_ID)
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(Validator::length_between(1, 128))
                    .description("`ref_id` of the local deployment's Elasticsearch resource. Defaults to its first Elasticsearch resource."),
            )
            .attribute(
                Attribute::string(ALIAS)
                    .required()
                    .requires_replace()
                    .validator(AliasRule::CloudRemoteClusters.validator())
                    .description("Alias of the remote cluster on the local deployment (letters, digits, `-` and `_`), as used in cross-cluster searches (`<alias>:<index>`)."),
            )
            .attribute(
                Attribute::string(REMOTE_DEPLOYMENT_ID)
                    .required()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the remote deployment (the full 32 lowercase hexadecimal characters), in the same organization as the local one. Changes in place."),
            )
            .attribute(
                Attribute::string(REMOTE_REF_ID)
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .validator(Validator::length_between(1, 128))
                    .description("`ref_id` of the remote deployment's Elasticsearch resource. Defaults to its first Elasticsearch resource."),
            )
            .attribute(
                Attribute::bool(SKIP_UNAVAILABLE)
                    .optional()
                    .computed()
                    .default_value(Value::bool(false))
                    .description("Whether searches skip this remote when it is unavailable instead of failing."),
            )
            .attribute(status(HEALTHY, "Whether the remote deployment is healthy (read from the API; refreshed on every read)."))
            .attribute(status(CONNECTED, "Whether the local cluster is connected to the remote (read from the API; refreshed on every read)."))
            .attribute(status(COMPATIBLE, "Whether the two Elasticsearch versions can connect (wire compatibility: a 9.x cluster needs 8.19 or later, 8.x needs 7.17 or later, 7.x needs 6.8 or later)."))
            .attribute(status(TRUSTED, "Whether the local deployment trusts the remote one."))
            .attribute(status(TRUSTED_BACK, "Whether the remote deployment trusts the local one (both directions are needed in the certificate model)."))
            .attribute(
                Attribute::string(ID)
                    .computed()
                    .description("`<deployment_id>/<ref_id>/<alias>`."),
            ),
    )
}
