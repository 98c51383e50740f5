//! The schema of `crosscluster_remote_cluster_signing`.

use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::provider::alias::AliasRule;

use super::validate::PathRule;

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The **local** cluster's signing certificate and private key for one API-key \
                 remote alias: **strong identity verification** (Elasticsearch 9.3+ on both \
                 clusters). With them the local cluster signs every cross-cluster request to that \
                 alias, and the remote checks the signature against its trusted signing CAs \
                 (`crosscluster_signing_trust`) and, when the API key has a \
                 `certificate_identity`, the certificate's subject DN against that pattern.\n\
                 \n\
                 Uses the provider's `elasticsearch` connection (the local cluster) and owns \
                 exactly the dynamic cluster settings `cluster.remote.<alias>.signing.certificate` \
                 and `cluster.remote.<alias>.signing.key` (persistent, `PUT _cluster/settings`): \
                 the alias's connection settings (`crosscluster_remote_cluster`) and its \
                 credentials in the keystore are never touched; destroy removes the two settings \
                 only.\n\
                 \n\
                 Both settings are **file paths** in the cluster's configuration directory, not \
                 the PEM contents, so nothing secret reaches the plan or the state. Every Elastic \
                 Cloud deployment has its transport certificate as `node.crt` and `node.key` \
                 (subject `CN=<node>.node.<cluster id>.cluster.<organization id>`); other \
                 certificates are uploaded as a bundle and referenced as \
                 `/app/config/<bundle directory>/<file>`. A path that does not exist is refused \
                 by Elasticsearch (`Configured file [<path>] not found`). Encrypted keys need \
                 `cluster.remote.<alias>.signing.key.secure_passphrase` in the keystore, which \
                 this resource does not manage.\n\
                 \n\
                 A cluster before 9.3 fails at plan time. Import with the alias: \
                 `terraform import crosscluster_remote_cluster_signing.example <alias>`.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The alias (also the import id)."),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .requires_replace()
                    .validator(AliasRule::Keystore.validator())
                    .description("The remote cluster alias (lowercase letters, digits, `-` and `_`): the `alias` of its `crosscluster_remote_cluster`."),
            )
            .attribute(
                Attribute::string("certificate")
                    .required()
                    .validator(Validator::rule(PathRule))
                    .description("Path of the PEM signing certificate (or chain) in the cluster's configuration directory: `cluster.remote.<alias>.signing.certificate`. On Elastic Cloud `node.crt` uses the deployment's own node certificate."),
            )
            .attribute(
                Attribute::string("key")
                    .required()
                    .validator(Validator::rule(PathRule))
                    .description("Path of the PEM private key (RSA or EC) of the certificate: `cluster.remote.<alias>.signing.key`. On Elastic Cloud `node.key`. A path, never the key itself, so nothing secret is stored."),
            ),
    )
}
