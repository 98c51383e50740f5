//! The schema of `crosscluster_remote_cluster_filter`, and its attribute names.

use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::provider::common::hex32_validator;

use super::validate::OrganizationId;

/// Attribute `deployment_id`.
pub(super) const DEPLOYMENT_ID: &str = "deployment_id";
/// Attribute `name`.
pub(super) const NAME: &str = "name";
/// Attribute `description`.
pub(super) const DESCRIPTION: &str = "description";
/// Block `rule`.
pub(super) const RULE: &str = "rule";
/// Rule attribute `organization_id`.
pub(super) const ORGANIZATION_ID: &str = "organization_id";
/// Rule attribute `cluster_id`.
pub(super) const CLUSTER_ID: &str = "cluster_id";
/// Attribute `region`.
pub(super) const REGION: &str = "region";
/// Attribute `ruleset_id`.
pub(super) const RULESET_ID: &str = "ruleset_id";
/// Attribute `id`.
pub(super) const ID: &str = "id";

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "A **remote cluster filter** of Elastic Cloud network security (the console's \
                 Network security → Remote cluster filter): a traffic-filter ruleset of type \
                 `remote_cluster` that admits API-key remote-cluster traffic (port 9443) from \
                 other deployments, by their organization id and/or Elasticsearch cluster id, \
                 and its association with **one** deployment, the *remote* (destination) side of \
                 cross-cluster search or replication.\n\
                 \n\
                 While a deployment has network security on (any traffic filter associated with \
                 it), every API-key connection to it is refused unless a filter admits the \
                 connecting cluster; `crosscluster_remote_cluster` then does not connect and its \
                 diagnosis names this resource. Certificate-model connections (port 9400) are \
                 never filtered. Remote cluster filters only match clusters of the same platform \
                 (Elastic Cloud to Elastic Cloud; within one ECE environment); for anything else \
                 use an IP filter.\n\
                 \n\
                 The resource owns the ruleset it creates (`include_by_default` is always false, \
                 so no other deployment gets it) and its association with `deployment_id`; \
                 other rulesets and their associations, including other filters of the same \
                 deployment, are never read or changed. The ruleset is created in the \
                 deployment's region. Destroy removes the association, then the ruleset. Uses \
                 the provider's `cloud` connection, which must see the deployment.\n\
                 \n\
                 Import with `terraform import crosscluster_remote_cluster_filter.example \
                 <deployment_id>/<ruleset_id>`.",
            )
            .attribute(
                Attribute::string(DEPLOYMENT_ID)
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the deployment that admits the traffic (the remote cluster of the connection; the full 32 lowercase hexadecimal characters). When the association was removed outside Terraform, the next plan replaces the filter."),
            )
            .attribute(
                Attribute::string(NAME)
                    .required()
                    .validator(Validator::length_between(1, 255))
                    .description("Name of the ruleset, as the console shows it. Changes in place."),
            )
            .attribute(
                Attribute::string(DESCRIPTION)
                    .optional()
                    .description("Description of the ruleset. Changes in place."),
            )
            .attribute(
                Attribute::string(REGION)
                    .computed()
                    .use_state_for_unknown()
                    .description("Region of the ruleset: the deployment's (rulesets can only be associated with deployments of their region)."),
            )
            .attribute(
                Attribute::string(RULESET_ID)
                    .computed()
                    .use_state_for_unknown()
                    .description("Id of the traffic-filter ruleset."),
            )
            .attribute(
                Attribute::string(ID)
                    .computed()
                    .use_state_for_unknown()
                    .description("`<deployment_id>/<ruleset_id>` (the import id)."),
            )
            .block(
                NestedBlock::set(
                    RULE,
                    Block::new()
                        .description("One admitted source: a cluster matches when it has every value the rule gives (at least one of `organization_id` and `cluster_id`).")
                        .attribute(
                            Attribute::string(ORGANIZATION_ID)
                                .optional()
                                .validator(Validator::rule(OrganizationId))
                                .description("Organization id of the connecting deployments (`remote_cluster_org_id`): `organization_id` of the `crosscluster_deployment` data source or the `id` of `crosscluster_organization`."),
                        )
                        .attribute(
                            Attribute::string(CLUSTER_ID)
                                .optional()
                                .validator(hex32_validator("Elasticsearch cluster id"))
                                .description("Elasticsearch cluster id of the connecting deployment (`remote_cluster_id`): `cluster_id` of the `crosscluster_deployment` data source."),
                        )
                        .attribute(
                            Attribute::string(DESCRIPTION)
                                .optional()
                                .description("Description of the rule."),
                        ),
                )
                .min_items(1),
            ),
    )
}
