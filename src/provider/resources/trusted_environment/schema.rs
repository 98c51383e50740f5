//! The schema of `crosscluster_trusted_environment`, and its attribute names (each written
//! once, here; diagnostics name their attribute through these constants).

use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::framework::traits::{TimeoutOp, Timeouts};
use crate::framework::value::{Type, Value};
use crate::provider::common::hex32_validator;

use super::validate::{AccountId, ClusterIdsRule};

/// Attribute `id`.
pub(super) const ID: &str = "id";
/// Attribute `deployment_id`.
pub(super) const DEPLOYMENT_ID: &str = "deployment_id";
/// Attribute `ref_id`.
pub(super) const REF_ID: &str = "ref_id";
/// Attribute `organization_id`.
pub(super) const ORGANIZATION_ID: &str = "organization_id";
/// Attribute `trust_relationship_id`.
pub(super) const TRUST_RELATIONSHIP_ID: &str = "trust_relationship_id";
/// Attribute `trust_all`.
pub(super) const TRUST_ALL: &str = "trust_all";
/// Attribute `trust_allowlist`.
pub(super) const TRUST_ALLOWLIST: &str = "trust_allowlist";
/// Attribute `name`.
pub(super) const NAME: &str = "name";
/// Attribute `direct`.
pub(super) const DIRECT: &str = "direct";
/// Attribute `type`.
pub(super) const TYPE: &str = "type";
/// Attribute `scope_id`.
pub(super) const SCOPE_ID: &str = "scope_id";
/// Attribute `certificates`.
pub(super) const CERTIFICATES: &str = "certificates";
/// Attribute `additional_node_names`.
pub(super) const ADDITIONAL_NODE_NAMES: &str = "additional_node_names";

/// Direct trust types the API accepts (`generic` is the default).
pub(super) const DIRECT_TYPES: [&str; 4] = ["generic", "ECE", "ESS", "proxy"];

/// The direct trust type when none is given.
pub(super) const DEFAULT_DIRECT_TYPE: &str = "generic";

/// The schema.
pub(super) fn schema() -> Schema {
    let direct = Block::new()
        .description("Trust a CA certificate directly (self-managed clusters, ECE environments or clusters without environment-level trust): the deployment's `trust.direct[]`. Fields update in place (the entry keeps its `uid`).")
        .attribute(
            Attribute::string(NAME)
                .required()
                .validator(Validator::length_between(1, 1024))
                .description("Name of the direct trust entry (required by the API)."),
        )
        .attribute(
            Attribute::string(TYPE)
                .optional()
                .computed()
                .default_value(Value::String(DEFAULT_DIRECT_TYPE.into()))
                .validator(Validator::one_of(DIRECT_TYPES))
                .description("Kind of environment: `generic` (default, self-managed), `ECE` (an ECE environment trusted from an Elastic Cloud deployment: `scope_id` = the ECE environment id, `certificates` = the ECE CA), `ESS` (Elastic Cloud trusted from an ECE deployment: `scope_id` = the organization id, the regional CA) or `proxy`. With `proxy`, `trust_all` must be false and `trust_allowlist`, `scope_id` and `additional_node_names` must be unset."),
        )
        .attribute(
            Attribute::string(SCOPE_ID)
                .optional()
                .description("Scope of the trusted certificates (lowercase alphanumeric, at most 32 characters; usually an organization or environment id). Required when `trust_all` is true or `trust_allowlist` is set; node certificates match `*.node.<cluster_id>.cluster.<scope_id>`."),
        )
        .attribute(
            Attribute::list(CERTIFICATES, Type::String)
                .required()
                .description("CA certificates in PEM form, one certificate per element (at least one; several allow rotation). Never a private key."),
        )
        .attribute(
            Attribute::set(ADDITIONAL_NODE_NAMES, Type::String)
                .optional()
                .description("Extra trusted node names (no wildcards). Required when `scope_id` is not set."),
        );
    Schema::new(
        Block::new()
            .markdown_description(
                "One trust relationship of one Elastic Cloud deployment, for the **certificate** \
                 security model (the Cloud console's \"Add trusted environment\"): exactly one of \
                 `organization_id` (the deployments of another Elastic Cloud organization, \
                 `trust.accounts[]`), `trust_relationship_id` (on an **ECE** deployment: another \
                 ECE environment's trust relationship, `trust.external[]`) or a `direct` block \
                 (clusters whose CA certificate you give, `trust.direct[]`: self-managed ones with \
                 `type = \"generic\"`, and, from an **Elastic Cloud** deployment, an ECE environment \
                 with `type = \"ECE\"`, `scope_id` = the ECE environment id and the ECE CA), \
                 narrowed by `trust_all` or `trust_allowlist`.\n\
                 \n\
                 Elastic Cloud has no trust-relationships API: an Elastic Cloud deployment trusts \
                 an ECE environment only through a `direct` block of `type = \"ECE\"`, never \
                 through `trust_relationship_id` (Elastic's guides \"Remote clusters: Elastic Cloud \
                 to ECE\" and \"ECE to another ECE environment\").\n\
                 \n\
                 Uses the provider's `cloud` connection (Elastic Cloud or ECE API). Trust has no \
                 endpoint of its own: each change reads the deployment's trust settings, changes \
                 only this resource's entry and writes them back (retrying when the deployment \
                 changed in between), then waits for the deployment's plan to finish (see \
                 `timeouts`; default 20 minutes). Every other trust entry, whether set in the \
                 console, by another tool or by another resource, goes back unchanged with its \
                 name, allowlist and certificates; destroy removes only this entry.\n\
                 \n\
                 One resource is one direction: this deployment trusts the other side. A \
                 certificate-model connection needs trust **both ways**, so the remote deployment \
                 needs its own `crosscluster_trusted_environment` for this one (for another \
                 organization, through a second provider block with that organization's Cloud API \
                 key). Deployments trust their own organization by default. The API-key model \
                 needs no trust resource on Elastic Cloud.\n\
                 \n\
                 Ids are always the full values: 32 lowercase hexadecimal characters for \
                 deployment and cluster ids (not the shortened forms the console shows); \
                 `trust_allowlist` takes Elasticsearch cluster ids (`cluster_id` of the \
                 `crosscluster_deployment` data source), not deployment ids.\n\
                 \n\
                 Creating an entry that already exists exactly as configured (same kind, id or \
                 direct name, and fields) adopts it, for instance one an interrupted apply wrote; \
                 any other existing entry of the same organization, trust relationship or direct \
                 name fails and names the import id.\n\
                 \n\
                 Import with `terraform import crosscluster_trusted_environment.example <id>`, the \
                 id being `<deployment_id>/<ref_id>/organization/<organization_id>`, \
                 `<deployment_id>/<ref_id>/external/<trust_relationship_id>` or \
                 `<deployment_id>/<ref_id>/direct/<uid>` (the `uid` the Cloud API generated for \
                 the direct entry, as `trust.direct[].uid` of the `crosscluster_deployment` data \
                 source shows it).",
            )
            .validator(Validator::exactly_one_of([
                ORGANIZATION_ID,
                TRUST_RELATIONSHIP_ID,
                DIRECT,
            ]))
            .attribute(
                Attribute::string(ID)
                    .computed()
                    .use_state_for_unknown()
                    .description("`<deployment_id>/<ref_id>/organization/<organization_id>`, `<deployment_id>/<ref_id>/external/<trust_relationship_id>` or `<deployment_id>/<ref_id>/direct/<uid>`."),
            )
            .attribute(
                Attribute::string(DEPLOYMENT_ID)
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the deployment that trusts (the full 32 lowercase hexadecimal characters)."),
            )
            .attribute(
                Attribute::string(REF_ID)
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .description("`ref_id` of the deployment's Elasticsearch resource; default: its first (usually only) one, e.g. `main-elasticsearch`."),
            )
            .attribute(
                Attribute::string(ORGANIZATION_ID)
                    .optional()
                    .requires_replace()
                    .validator(Validator::rule(AccountId))
                    .description("Trust the deployments of this Elastic Cloud organization (`trust.accounts[]`): the other side's `organization_id` from the `crosscluster_deployment` data source, or the `id` of its `crosscluster_organization`."),
            )
            .attribute(
                Attribute::string(TRUST_RELATIONSHIP_ID)
                    .optional()
                    .requires_replace()
                    .description("For an **ECE** deployment (the provider's `cloud` connection is an ECE installation): trust the clusters of another ECE environment through this ECE trust relationship id (`trust.external[]`; the relationship must exist on the platform, Platform → Trust Management). An Elastic Cloud deployment trusts an ECE environment with a `direct` block of `type = \"ECE\"` instead (`scope_id` = the ECE environment id, `certificates` = the ECE CA)."),
            )
            .attribute(
                Attribute::bool(TRUST_ALL)
                    .optional()
                    .computed()
                    .default_value(Value::Bool(false))
                    .description("Trust every cluster of the organization, environment or scope. Cannot be combined with `trust_allowlist`."),
            )
            .attribute(
                Attribute::set(TRUST_ALLOWLIST, Type::String)
                    .optional()
                    .validator(Validator::rule(ClusterIdsRule))
                    .description("Elasticsearch cluster ids to trust when `trust_all` is false: 32 lowercase hexadecimal characters, the cluster id (`cluster_id` of the `crosscluster_deployment` data source), not the deployment id."),
            )
            .attribute(
                Attribute::string(NAME)
                    .optional()
                    .computed()
                    .validator(Validator::length_between(0, 1024))
                    .description("Display name of an organization entry (updated in place; leaving it unset keeps the current name). For an external entry it is read-only (the trust relationship's name); for a direct entry it mirrors `direct.name`."),
            )
            .block(NestedBlock::single(DIRECT, direct))
            .block(Timeouts::block(&[
                TimeoutOp::Create,
                TimeoutOp::Update,
                TimeoutOp::Delete,
            ])),
    )
}
