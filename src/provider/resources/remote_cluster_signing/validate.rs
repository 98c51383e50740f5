//! Validators and the version gate of `crosscluster_remote_cluster_signing` (pure).

use crate::client::ClientError;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;

/// A file path setting: not empty, no surrounding white space, one path (no comma list).
pub(crate) struct PathRule;

impl ValueRule for PathRule {
    fn description(&self) -> String {
        "A file path in the cluster's configuration directory, e.g. `node.crt` or `/app/config/<bundle>/signing.crt`.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && let Err(e) = check_path(s)
        {
            diags.attribute_error(path.clone(), "Invalid file path", e);
        }
    }
}

/// Checks one file path ([`PathRule`]).
pub(crate) fn check_path(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("the path must not be empty: name a file in the cluster's configuration directory, e.g. \"node.crt\"".to_owned());
    }
    if s.trim() != s {
        return Err(format!("{s:?} has leading or trailing white space"));
    }
    if s.contains(',') {
        return Err(format!(
            "{s:?} holds a comma: give one path per attribute (Elasticsearch would read a comma-separated list)"
        ));
    }
    Ok(())
}

/// The diagnostic of a cluster before 9.3 (strong identity verification).
pub(crate) fn version_error(err: &ClientError) -> Diagnostic {
    match err {
        ClientError::VersionGate { .. } => Diagnostic::error(
            "Signing settings not supported by this cluster",
            format!(
                "{err}. Strong identity verification (cluster.remote.*.signing.*) needs Elasticsearch 9.3 or later on both clusters: upgrade the cluster, or remove this resource."
            ),
        ),
        other => Diagnostic::error("Failed to read the cluster version", format!("{other}")),
    }
}
