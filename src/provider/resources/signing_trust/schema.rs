//! The schema of `crosscluster_signing_trust`.

use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::value::Type;

use super::super::remote_cluster_signing::PathRule;

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The CAs a **remote** cluster trusts for the signatures of cross-cluster \
                 requests: **strong identity verification** (Elasticsearch 9.3+ on both \
                 clusters). Once set, the remote verifies every signed request against these CAs \
                 (a signature from another CA is rejected even when the API key has no \
                 `certificate_identity`), and a key with `certificate_identity` additionally \
                 needs the signing certificate's subject DN to match it.\n\
                 \n\
                 Uses the provider's `elasticsearch` connection (the remote cluster, like \
                 `crosscluster_api_key`) and owns exactly the dynamic cluster setting \
                 `cluster.remote.signing.certificate_authorities` (persistent, \
                 `PUT _cluster/settings`); nothing else is touched, and destroy removes only this \
                 setting. A cluster has one such setting, so use one resource per cluster.\n\
                 \n\
                 The values are file paths in the cluster's configuration directory. On Elastic \
                 Cloud, `internal_tls_ca.crt` is the CA of the deployment's provider and region \
                 and trusts the `node.crt` certificates of every deployment there; for a local \
                 deployment in another region or on another provider, upload its CA as a bundle \
                 and reference `/app/config/<bundle directory>/<file>`. A path that does not \
                 exist is refused by Elasticsearch (`Configured file [<path>] not found`).\n\
                 \n\
                 A cluster before 9.3 fails at plan time. Import with the fixed id: \
                 `terraform import crosscluster_signing_trust.example cluster.remote.signing`.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("Always `cluster.remote.signing` (also the import id)."),
            )
            .attribute(
                Attribute::list("certificate_authorities", Type::String)
                    .required()
                    .validator(Validator::min_items(1))
                    .validator(Validator::rule(EachPath))
                    .description("Paths of the PEM CA certificates that may issue signing certificates, e.g. `[\"internal_tls_ca.crt\"]`: `cluster.remote.signing.certificate_authorities`."),
            ),
    )
}

/// [`PathRule`] on each element of a list.
struct EachPath;

impl crate::framework::schema::ValueRule for EachPath {
    fn description(&self) -> String {
        "Each element a file path in the cluster's configuration directory.".to_owned()
    }

    fn check(
        &self,
        value: &crate::framework::value::Value,
        path: &crate::framework::diag::AttributePath,
        diags: &mut crate::framework::diag::Diagnostics,
    ) {
        if let crate::framework::value::Value::List(items) = value {
            for (i, item) in items.iter().enumerate() {
                PathRule.check(item, &path.clone().index(i as i64), diags);
            }
        }
    }
}
