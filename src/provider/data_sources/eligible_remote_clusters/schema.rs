//! The schema of the `crosscluster_eligible_remote_clusters` data source (the docs are generated
//! from these descriptions).

use crate::framework::schema::{Attribute, Block, ObjectNesting, Schema, Validator};
use crate::framework::value::Type;
use crate::provider::common::hex32_validator;

/// `deployment_id`: diagnostics about the deployment point at it.
pub(super) const DEPLOYMENT_ID: &str = "deployment_id";
/// `ref_id`: diagnostics about the Elasticsearch resource point at it.
pub(super) const REF_ID: &str = "ref_id";

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The Elastic Cloud deployments whose clusters a deployment's Elasticsearch cluster \
                 can use as remote clusters, as Elastic Cloud lists them \
                 (`POST /api/v1/deployments/<id>/elasticsearch/<ref_id>/eligible-remote-clusters`, \
                 every page): the deployments the provider's Cloud API key can see whose \
                 Elasticsearch version the cluster can search. Each entry carries what an alias \
                 needs (`endpoint`, both proxy addresses), so the list can feed `for_each` of \
                 `crosscluster_remote_cluster` or `crosscluster_deployment_remote_cluster`.\n\
                 \n\
                 Uses the provider's `cloud` connection and changes nothing. Elastic does not \
                 document what makes a deployment eligible beyond that; deployments of another \
                 organization appear only when the provider's key can see them. The API-key \
                 model needs both clusters on 8.14 or later: compare `version` before choosing \
                 `api_key_proxy_address`.",
            )
            .attribute(
                Attribute::string(DEPLOYMENT_ID)
                    .required()
                    .validator(hex32_validator("deployment id"))
                    .description("The deployment whose remotes to list (the full 32 lowercase hexadecimal characters)."),
            )
            .attribute(
                Attribute::string(REF_ID)
                    .optional()
                    .validator(Validator::length_between(1, 128))
                    .description("`ref_id` of its Elasticsearch resource; default: `_main` (the only one)."),
            )
            .attribute(
                Attribute::list("ids", Type::String)
                    .computed()
                    .description("Ids of the eligible deployments, in the order of `deployments`."),
            )
            .attribute(
                Attribute::nested(
                    "deployments",
                    ObjectNesting::List,
                    vec![
                        computed("id", "Deployment id."),
                        computed("name", "Deployment name."),
                        computed("alias", "Deployment alias (the readable part of its endpoints), when it has one."),
                        Attribute::bool("healthy")
                            .computed()
                            .description("Whether Elastic Cloud reports the deployment healthy."),
                        computed("ref_id", "`ref_id` of its Elasticsearch resource."),
                        computed("cluster_id", "Elasticsearch cluster id (what `trust_allowlist` takes)."),
                        computed("region", "Region."),
                        computed("version", "Elasticsearch version of the current plan."),
                        computed("endpoint", "Elasticsearch endpoint host name: the `server_name` of an alias in proxy mode."),
                        computed("certificate_proxy_address", "`<endpoint>:<transport passthrough port>` (9400): the proxy address for the certificate model."),
                        computed("api_key_proxy_address", "`<endpoint>:9443`: the proxy address for the API-key model."),
                    ],
                )
                .computed()
                .description("The eligible deployments, sorted by id. An entry whose endpoint Elastic Cloud does not report has null addresses."),
            ),
    )
}
