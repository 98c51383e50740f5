//! Why an alias did not connect (pure): the reason Elasticsearch gives (`_resolve/cluster`,
//! 8.13+) and the provider's own checks of the port for the security model (9400 certificate,
//! 9443 API key), the credentials and which side of a certificate trust is missing.

use std::time::Duration;

use crate::client::elasticsearch::RemoteInfo;
use crate::framework::diag::{AttributePath, Diagnostic};
use crate::provider::functions::{API_KEY_PORT, CERTIFICATE_PORT};

use super::model::{Mode, RemoteCluster};
use super::validate::parse_host_port;

/// Which side of a certificate-model connection lacks trust, as far as an error text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TrustGap {
    /// The local cluster does not trust the remote's certificate.
    LocalDoesNotTrustRemote,
    /// The remote cluster rejects the local cluster's certificate.
    RemoteDoesNotTrustLocal,
}

/// Classify an error text: the simulator's and Elastic Cloud's wording, and the TLS errors a
/// JVM reports (PKIX failures on our side; `bad_certificate` / `certificate_unknown` alerts sent
/// back by the remote).
pub(super) fn trust_gap(error: &str) -> Option<TrustGap> {
    let e = error.to_ascii_lowercase();
    if e.contains("does not trust this deployment")
        || e.contains("does not trust this cluster")
        || e.contains("bad_certificate")
        || e.contains("certificate_unknown")
        || e.contains("received fatal alert")
    {
        return Some(TrustGap::RemoteDoesNotTrustLocal);
    }
    if e.contains("this deployment does not trust")
        || e.contains("this cluster does not trust")
        || e.contains("pkix path")
        || e.contains("unable to find valid certification path")
        || e.contains("certificate is not trusted")
    {
        return Some(TrustGap::LocalDoesNotTrustRemote);
    }
    None
}

/// What the provider observed about an alias that is not connected.
#[derive(Debug, Clone, Default)]
pub(super) struct Observation {
    /// The `_remote/info` entry, if the alias is listed.
    pub(super) info: Option<RemoteInfo>,
    /// The `_resolve/cluster` error text (8.13+), if any.
    pub(super) resolve_error: Option<String>,
    /// Why `_resolve/cluster` was not consulted (version) or failed.
    pub(super) resolve_note: Option<String>,
}

/// The advice about the port of the dialled address, if it is wrong for the security model
/// the credentials select (or not a port the Elastic Cloud proxy serves).
pub(super) fn port_advice(
    model: &RemoteCluster,
    host: &str,
    port: u16,
    creds: bool,
) -> Option<String> {
    let alias = &model.alias;
    let attr = model.dial_attribute();
    if port == CERTIFICATE_PORT && creds {
        Some(format!(
            "Wrong port for the security model: credentials are configured for \"{alias}\" (cluster.remote.{alias}.credentials in the keystore), which selects the API-key model, but port {CERTIFICATE_PORT} is the certificate (mTLS) port. The API-key model uses port {API_KEY_PORT}: set {attr} = \"{host}:{API_KEY_PORT}\"."
        ))
    } else if port == API_KEY_PORT && !creds {
        Some(format!(
            "Wrong port or missing credentials: port {API_KEY_PORT} is the API-key model's port, but no credentials are loaded for \"{alias}\". Store a cross-cluster API key of the remote cluster in this deployment's keystore as cluster.remote.{alias}.credentials (crosscluster_keystore_api_key fed from crosscluster_api_key.encoded, or sealed delivery with the keystore block of crosscluster_api_key; before 8.14 the deployment also needs a restart), or, for the certificate model, use port {CERTIFICATE_PORT}: {attr} = \"{host}:{CERTIFICATE_PORT}\"."
        ))
    } else if port != CERTIFICATE_PORT && port != API_KEY_PORT && host.contains(".found.") {
        Some(format!(
            "Port {port} is not served by the Elastic Cloud proxy: use {CERTIFICATE_PORT} for the certificate model or {API_KEY_PORT} for the API-key model."
        ))
    } else {
        None
    }
}

/// The advice about certificate trust, from what `_resolve/cluster` said.
fn trust_advice(host: &str, resolve_error: Option<&str>) -> String {
    match resolve_error.and_then(trust_gap) {
        Some(TrustGap::LocalDoesNotTrustRemote) => format!(
            "Certificate model: this (local) cluster does not trust the remote cluster at {host}. Add a trusted environment for the remote's organization, ECE environment or CA on THIS deployment (crosscluster_trusted_environment on the local deployment). The remote must trust this cluster as well."
        ),
        Some(TrustGap::RemoteDoesNotTrustLocal) => format!(
            "Certificate model: the remote cluster at {host} does not trust this (local) cluster. Add a trusted environment for this deployment's organization, ECE environment or CA on the REMOTE deployment (crosscluster_trusted_environment with the remote's cloud connection). Trust is needed on both sides."
        ),
        None => "Certificate model: both deployments must trust each other (crosscluster_trusted_environment on each side, for the other's organization, ECE environment or CA), and the trust change must have finished applying on both.".to_string(),
    }
}

/// The diagnostic for an alias that did not connect within `waited`: the reason Elasticsearch
/// gives, then the provider's own checks of port, credentials and trust.
pub(super) fn not_connected_diagnostic(
    model: &RemoteCluster,
    obs: &Observation,
    waited: Duration,
) -> Diagnostic {
    let alias = &model.alias;
    let mut lines = Vec::new();
    lines.push(format!(
        "The remote cluster alias \"{alias}\" was not connected after {}s (wait_for_connection).",
        waited.as_secs()
    ));
    match (&obs.resolve_error, &obs.resolve_note) {
        (Some(e), _) => lines.push(format!("Elasticsearch (_resolve/cluster) reports: {e}")),
        (None, Some(n)) => lines.push(n.clone()),
        (None, None) => {}
    }
    let creds = obs
        .info
        .as_ref()
        .is_some_and(RemoteInfo::credentials_configured);
    let mut path = None;
    if let Some((host, port)) = model.dial_address().and_then(|a| parse_host_port(a).ok()) {
        if let Some(advice) = port_advice(model, &host, port, creds) {
            lines.push(advice);
            path = Some(AttributePath::root().attr(model.dial_attribute()));
        }
        let certificate_model = !creds && port != API_KEY_PORT;
        if certificate_model && path.is_none() {
            lines.push(trust_advice(&host, obs.resolve_error.as_deref()));
        }
    }
    if model.mode != Some(Mode::Sniff) && model.server_name.is_none() {
        lines.push(
            "server_name is not set: Elastic Cloud and ECE proxies route by TLS server name, so set server_name to the remote deployment's endpoint.".to_string(),
        );
    }
    if obs.info.is_none() {
        lines.push(format!(
            "_remote/info does not list \"{alias}\": the settings may not have been applied."
        ));
    }
    lines.push(
        "The cluster settings were put back as they were before this apply. To keep an alias that is not connected yet, set wait_for_connection = false; to wait longer, raise the create/update timeout.".to_string(),
    );
    let d = Diagnostic::error(
        format!("Remote cluster \"{alias}\" did not connect"),
        lines.join("\n\n"),
    );
    match path {
        Some(p) => d.with_path(p),
        None => d,
    }
}
