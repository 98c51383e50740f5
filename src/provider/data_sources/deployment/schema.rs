//! The schema of the `crosscluster_deployment` data source (the docs are generated from these
//! descriptions).

use crate::framework::schema::{Attribute, Block, ObjectNesting, Schema, Validator};
use crate::framework::value::Type;
use crate::provider::common::hex32_validator;

/// `id`: diagnostics about the deployment point at it.
pub(super) const ID: &str = "id";
/// `ref_id`: diagnostics about the Elasticsearch resource point at it.
pub(super) const REF_ID: &str = "ref_id";

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

fn allowlist_attr() -> Attribute {
    Attribute::list("trust_allowlist", Type::String)
        .computed()
        .description("Trusted Elasticsearch cluster ids (when `trust_all` is false).")
}

fn trust_all_attr() -> Attribute {
    Attribute::bool("trust_all")
        .computed()
        .description("Whether every cluster is trusted.")
}

fn trust_attribute() -> Attribute {
    Attribute::nested(
        "trust",
        ObjectNesting::Single,
        vec![
            Attribute::nested(
                "accounts",
                ObjectNesting::List,
                vec![
                    computed("account_id", "Trusted organization (account) id."),
                    computed("name", "Display name of the entry."),
                    trust_all_attr(),
                    allowlist_attr(),
                ],
            )
            .computed()
            .description("Trust with Elastic Cloud organizations (`trust.accounts[]`)."),
            Attribute::nested(
                "external",
                ObjectNesting::List,
                vec![
                    computed("trust_relationship_id", "Trusted ECE trust relationship id."),
                    computed("name", "Name of the trust relationship."),
                    trust_all_attr(),
                    allowlist_attr(),
                ],
            )
            .computed()
            .description("Trust with ECE environments (`trust.external[]`)."),
            Attribute::nested(
                "direct",
                ObjectNesting::List,
                vec![
                    computed("uid", "The entry's `uid` (the last part of a `crosscluster_trusted_environment` import id)."),
                    computed("name", "Name of the entry."),
                    computed("type", "`generic`, `ECE`, `ESS` or `proxy`."),
                    computed("scope_id", "Trusted scope (organization or environment id)."),
                    trust_all_attr(),
                    allowlist_attr(),
                    Attribute::list("additional_node_names", Type::String)
                        .computed()
                        .description("Extra trusted node names."),
                    Attribute::list("certificates", Type::String)
                        .computed()
                        .description("Trusted CA certificates (PEM)."),
                ],
            )
            .computed()
            .description("Trust with CA certificates given inline (`trust.direct[]`)."),
        ],
    )
    .computed()
    .description("The deployment's current trust entries (read-only view; manage entries with `crosscluster_trusted_environment`).")
}

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "An Elastic Cloud deployment as the cross-cluster resources need it: the \
                 Elasticsearch `cluster_id` (for `trust_allowlist`), the `organization_id` (for \
                 `crosscluster_trusted_environment.organization_id` on the other side), the \
                 `endpoint` (the `server_name` of a remote alias) and ready-made proxy addresses \
                 for both security models: `api_key_proxy_address` = `<endpoint>:9443` and \
                 `certificate_proxy_address` = `<endpoint>:<transport passthrough port>` (9400), \
                 plus the deployment's current trust entries.\n\
                 \n\
                 Uses the provider's `cloud` connection (`GET /api/v1/deployments/<id>`) and \
                 changes nothing. The provider's Cloud API key must see the deployment: a \
                 deployment of another organization needs a provider block with that \
                 organization's key. The id is the full 32-character deployment id, not the \
                 shortened form the console shows.",
            )
            .attribute(
                Attribute::string(ID)
                    .required()
                    .validator(hex32_validator("deployment id"))
                    .description("Deployment id (the full 32 lowercase hexadecimal characters)."),
            )
            .attribute(
                Attribute::string(REF_ID)
                    .optional()
                    .computed()
                    .validator(Validator::length_between(1, 128))
                    .description("`ref_id` of the Elasticsearch resource to describe; default: the first one (e.g. `main-elasticsearch`)."),
            )
            .attribute(computed("name", "Deployment name."))
            .attribute(computed("cluster_id", "Elasticsearch cluster id (32 lowercase hexadecimal characters; what `trust_allowlist` takes). Not the deployment id."))
            .attribute(computed("region", "Region, e.g. `gcp-us-central1`."))
            .attribute(computed("version", "Elasticsearch version of the current plan."))
            .attribute(computed("organization_id", "Organization that owns the deployment (as its cluster sees it)."))
            .attribute(computed("endpoint", "Elasticsearch endpoint host name: the `server_name` of a remote cluster in proxy mode."))
            .attribute(computed("elasticsearch_url", "HTTPS URL of the Elasticsearch API."))
            .attribute(computed("certificate_proxy_address", "`<endpoint>:<transport passthrough port>` (9400): the proxy address for the certificate model."))
            .attribute(computed("api_key_proxy_address", "`<endpoint>:9443`: the proxy address for the API-key model."))
            .attribute(trust_attribute()),
    )
}
