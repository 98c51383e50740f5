//! The schema of `crosscluster_ece_trust_relationship`, and its attribute names.

use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::value::{Type, Value};

use super::validate::{AccountIds, CaCertificate};

/// Attribute `name`.
pub(super) const NAME: &str = "name";
/// Attribute `public_ca_cert`.
pub(super) const PUBLIC_CA_CERT: &str = "public_ca_cert";
/// Attribute `installation_id`.
pub(super) const INSTALLATION_ID: &str = "installation_id";
/// Attribute `account_ids`.
pub(super) const ACCOUNT_IDS: &str = "account_ids";
/// Attribute `trust_by_default`.
pub(super) const TRUST_BY_DEFAULT: &str = "trust_by_default";
/// Attribute `local`.
pub(super) const LOCAL: &str = "local";
/// Attribute `id`.
pub(super) const ID: &str = "id";

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "An environment-level **trust relationship of an ECE installation** (Platform → \
                 Trust Management → Trusted environments; ECE API \
                 `/platform/configuration/trust-relationships`): the installation trusts the CA \
                 of another environment, another ECE installation (`installation_id`) or \
                 Elastic Cloud organizations (`account_ids`), for the **certificate** security \
                 model.\n\
                 \n\
                 With `trust_by_default` every deployment of this installation trusts it; \
                 otherwise a deployment opts in with `crosscluster_trusted_environment` and \
                 `trust_relationship_id`. Trust must exist on both sides: the other side trusts \
                 this installation the same way (another ECE installation: its own trust \
                 relationship; an Elastic Cloud deployment: `crosscluster_trusted_environment` \
                 with a `direct` block of `type = \"ECE\"`, `scope_id` = this installation's \
                 id and its CA).\n\
                 \n\
                 Uses the provider's `cloud` connection, which must be the ECE installation's \
                 API (`endpoint`, and `username`/`password` or an API key of a platform \
                 administrator); Elastic Cloud has no such API and answers 404. The resource \
                 owns exactly this relationship; the installation's own (`local`) entry and \
                 every other relationship are never changed. Import with `terraform import \
                 crosscluster_ece_trust_relationship.example <id>`.",
            )
            .attribute(
                Attribute::string(NAME)
                    .required()
                    .validator(Validator::length_between(1, 1024))
                    .description("Name of the trusted environment, as Trust Management shows it."),
            )
            .attribute(
                Attribute::string(PUBLIC_CA_CERT)
                    .required()
                    .validator(Validator::rule(CaCertificate))
                    .description("PEM of the other environment's CA certificate (one certificate): for another ECE installation its Trust parameters CA, for Elastic Cloud the regional CA of the organization's deployments."),
            )
            .attribute(
                Attribute::string(INSTALLATION_ID)
                    .optional()
                    .validator(Validator::length_between(1, 128))
                    .description("Id of the other ECE installation (its environment id from Trust parameters). Leave unset for Elastic Cloud organizations."),
            )
            .attribute(
                Attribute::set(ACCOUNT_IDS, Type::String)
                    .optional()
                    .validator(Validator::rule(AccountIds))
                    .description("Accounts of the other environment whose clusters are trusted: Elastic Cloud organization ids, or account ids of the other ECE installation."),
            )
            .attribute(
                Attribute::bool(TRUST_BY_DEFAULT)
                    .optional()
                    .computed()
                    .default_value(Value::bool(false))
                    .description("Whether every deployment of this installation trusts the relationship without its own trust entry."),
            )
            .attribute(
                Attribute::bool(LOCAL)
                    .computed()
                    .use_state_for_unknown()
                    .description("Whether the relationship describes this installation itself (always false for one this resource made)."),
            )
            .attribute(
                Attribute::string(ID)
                    .computed()
                    .use_state_for_unknown()
                    .description("Id of the trust relationship (what `crosscluster_trusted_environment.trust_relationship_id` names)."),
            ),
    )
}
