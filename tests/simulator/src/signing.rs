//! Strong identity verification of API-key remote clusters (Elasticsearch 9.3+,
//! api-facts-next §1): the signing settings, the certificate files every Elastic Cloud
//! deployment has, and the remote side's checks of a signed cross-cluster request.
//!
//! The model, decided from the facts:
//! - The local cluster signs the requests of alias `<a>` when it runs 9.3+ and both
//!   `cluster.remote.<a>.signing.certificate` and `.signing.key` are set (ES documents the
//!   certificate as "usable only with" the key; a certificate alone signs nothing, **inferred**).
//! - Every deployment has `node.crt` / `node.key` (its transport certificate, subject
//!   `CN=<node>.node.<cluster_id>.cluster.<organization_id>`) and `internal_tls_ca.crt` (the CA of
//!   its provider and region) in its configuration directory; a path may be given bare or under
//!   `/app/config/`. Any other path is "not found" (bundles are not simulated).
//! - The remote (9.3+) checks, in Elasticsearch's order: the key's `certificate_identity`
//!   (a signature must be sent and the leaf DN must match the whole pattern, case-sensitively),
//!   then, whenever a signature is sent, that `cluster.remote.signing.certificate_authorities`
//!   holds the CA that issued it (same provider and region). Unset CAs fall back to the JDK's
//!   default trust, which never holds an Elastic Cloud CA.

use crate::state::{Cause, Deployment};
use crate::util::{self, Version};
use serde_json::Value;
use std::collections::BTreeMap;

/// Per-alias dynamic signing settings (suffixes after `cluster.remote.<alias>.`), 9.3+.
pub const ALIAS_SUFFIXES: &[&str] = &[
    "signing.certificate",
    "signing.key",
    "signing.keystore.path",
    "signing.keystore.type",
    "signing.keystore.alias",
];

/// Global dynamic signing settings of the remote (fulfilling) cluster, 9.3+.
pub const GLOBAL_KEYS: &[&str] = &[
    "cluster.remote.signing.certificate_authorities",
    "cluster.remote.signing.truststore.path",
    "cluster.remote.signing.truststore.type",
    "cluster.remote.signing.truststore.algorithm",
    "cluster.remote.signing.diagnose.trust",
];

/// The suffixes of [`GLOBAL_KEYS`] after `cluster.remote.signing.`.
pub fn is_global_suffix(suffix: &str) -> bool {
    GLOBAL_KEYS
        .iter()
        .any(|k| k.strip_prefix("cluster.remote.signing.") == Some(suffix))
}

/// Whether version `v` has strong identity verification.
pub fn supported(v: Version) -> bool {
    util::at_least(v, 9, 3)
}

/// The files in every deployment's configuration directory.
const FILES: &[&str] = &["node.crt", "node.key", "internal_tls_ca.crt"];

/// The file a configured path names, when it exists.
fn file_of(path: &str) -> Option<&'static str> {
    let name = path.strip_prefix("/app/config/").unwrap_or(path);
    FILES.iter().copied().find(|f| *f == name)
}

/// The path-valued settings among the signing settings.
fn is_path_setting(key: &str) -> bool {
    key == "cluster.remote.signing.certificate_authorities"
        || key == "cluster.remote.signing.truststore.path"
        || [
            "signing.certificate",
            "signing.key",
            "signing.keystore.path",
        ]
        .iter()
        .any(|s| key.starts_with("cluster.remote.") && key.ends_with(&format!(".{s}")))
}

/// Checks the files a signing setting names (`CrossClusterApiKeySignatureManager.validate`):
/// `Configured file [<path>] not found` for a path the deployment does not have.
pub fn check_files(key: &str, value: &Value) -> Result<(), String> {
    if !is_path_setting(key) {
        return Ok(());
    }
    let paths: Vec<String> = match value {
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => s.split(',').map(|p| p.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    for p in paths {
        if file_of(&p).is_none() {
            return Err(format!("Configured file [{p}] not found"));
        }
    }
    Ok(())
}

/// A signing certificate as the remote sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Subject DN (RFC 2253).
    pub subject: String,
    /// The CA that issued it: provider and region of the deployment.
    pub issuer: String,
}

impl Certificate {
    /// Elasticsearch's description (`X509CertificateSignature.certificateToString`):
    /// `(<subject>;X.509;SHA1:<fingerprint>)`.
    pub fn describe(&self) -> String {
        let h = util::hex32(&format!("sha1:{}", self.subject));
        let tail = &util::hex32(&format!("sha1-tail:{}", self.subject))[..8];
        format!("({};X.509;SHA1:{h}{tail})", self.subject)
    }
}

/// The CA of a deployment's provider and region (what `internal_tls_ca.crt` holds).
fn regional_ca(d: &Deployment) -> String {
    let provider =
        d.es.endpoint
            .split('.')
            .rev()
            .nth(2)
            .unwrap_or("aws")
            .to_string();
    format!("{provider}/{}", d.es.region)
}

/// The subject of a deployment's node certificate (`node.crt`).
pub fn node_subject(d: &Deployment) -> String {
    let node = util::alnum(&format!("node/{}", d.es.cluster_id), 22);
    format!("CN={node}.node.{}.cluster.{}", d.es.cluster_id, d.org_id)
}

/// The certificate the local deployment signs alias `alias` with, if it signs at all.
pub fn signature(local: &Deployment, alias: &str) -> Option<Certificate> {
    if !supported(local.version()) {
        return None;
    }
    let s = crate::settings::effective(&local.es);
    let get = |k: &str| {
        s.get(&format!("cluster.remote.{alias}.{k}"))
            .and_then(Value::as_str)
            .and_then(file_of)
    };
    match (get("signing.certificate"), get("signing.key")) {
        (Some("node.crt"), Some("node.key")) => Some(Certificate {
            subject: node_subject(local),
            issuer: regional_ca(local),
        }),
        _ => None,
    }
}

/// The CAs the remote trusts for signatures (`cluster.remote.signing.certificate_authorities`).
fn trusted_cas(remote: &Deployment) -> Vec<String> {
    let s = crate::settings::effective(&remote.es);
    let paths: Vec<String> = match s.get("cluster.remote.signing.certificate_authorities") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(t)) => t.split(',').map(|p| p.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    paths
        .iter()
        .filter(|p| file_of(p) == Some("internal_tls_ca.crt"))
        .map(|_| regional_ca(remote))
        .collect()
}

/// Whether `pattern` matches the whole DN (Java's `Matcher.matches`), case-sensitively unless
/// the pattern says otherwise. A pattern Rust's regex cannot compile never matches.
pub fn identity_matches(pattern: &str, dn: &str) -> bool {
    regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|r| r.is_match(dn))
}

/// Checks `certificate_identity` when a key is created or updated:
/// `Invalid certificate_identity format: [<v>]. Must be a valid regex.`
pub fn check_identity(pattern: &str) -> Result<(), String> {
    match regex::Regex::new(pattern) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "Invalid certificate_identity format: [{pattern}]. Must be a valid regex."
        )),
    }
}

/// The remote's checks of a request authenticated with key `key_id` (whose
/// `certificate_identity` is `identity`) and signed with `sent` (api-facts-next §1.1, §1.5):
/// on failure the cause, the simulator's explanation and Elasticsearch's text.
pub fn verify(
    remote: &Deployment,
    key_id: &str,
    identity: Option<&str>,
    sent: Option<&Certificate>,
) -> Result<(), (Cause, String, String)> {
    if !supported(remote.version()) {
        return Ok(());
    }
    if let Some(pattern) = identity {
        let Some(cert) = sent else {
            return Err((
                Cause::SigningMissing,
                format!(
                    "API key [{key_id}] has certificate_identity [{pattern}], but this cluster does not sign its requests: set cluster.remote.<alias>.signing.certificate and .signing.key"
                ),
                format!(
                    "API key (type:[cross_cluster], id:[{key_id}]) requires certificate identity matching [{pattern}], but no certificate was provided"
                ),
            ));
        };
        if !identity_matches(pattern, &cert.subject) {
            return Err((
                Cause::SigningIdentity,
                format!(
                    "the signing certificate's DN [{}] does not match certificate_identity [{pattern}] of API key [{key_id}]",
                    cert.subject
                ),
                format!(
                    "DN from provided certificate [{}] does not match API Key certificate identity pattern [{pattern}]",
                    cert.subject
                ),
            ));
        }
    }
    if let Some(cert) = sent
        && !trusted_cas(remote).contains(&cert.issuer)
    {
        return Err((
            Cause::SigningUntrusted,
            format!(
                "remote cluster [{}] does not trust the CA of the signing certificate ({}): set cluster.remote.signing.certificate_authorities to \"internal_tls_ca.crt\" there (same provider and region) or to an uploaded CA",
                remote.name, cert.issuer
            ),
            format!(
                "Failed to verify cross cluster api key signature certificate from [{}]",
                cert.describe()
            ),
        ));
    }
    Ok(())
}

/// The signing settings of a deployment, for the state dump.
pub fn dump(d: &Deployment) -> BTreeMap<String, Value> {
    crate::settings::effective(&d.es)
        .into_iter()
        .filter(|(k, _)| k.contains(".signing."))
        .collect()
}
