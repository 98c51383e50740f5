//! Why an alias did not connect (pure): the cause, named first with its fix, from the reason
//! Elasticsearch gives (`_resolve/cluster`, 8.13+; [`classify_error`]) and the provider's own
//! checks (the port for the security model, `server_name` towards an Elastic Cloud/ECE proxy,
//! the credentials, the versions of both sides where the remote's is known), then the general
//! advice about port, credentials and which side of a certificate trust is missing.
//!
//! Causes that waiting cannot fix ([`Cause::permanent`]) end the wait at once.

use std::time::Duration;

use crate::client::elasticsearch::{RemoteInfo, Version};
use crate::framework::diag::{AttributePath, Diagnostic};
use crate::provider::functions::{API_KEY_PORT, CERTIFICATE_PORT};

use super::model::{Mode, RemoteCluster};
use super::schema::SERVER_NAME;
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

/// A documented cause of a remote connection that does not come up (api-facts-next 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cause {
    /// Nothing answers at the address (Elasticsearch gives no error text).
    Unreachable,
    /// `server_name` missing or not the Elastic Cloud/ECE endpoint being dialled.
    ServerName,
    /// The port does not fit the model (9400 with credentials, the transport port) or is not
    /// a port the Elastic Cloud/ECE proxy serves.
    Port,
    /// A port an Elastic Cloud/ECE proxy does not serve (not 9400 or 9443).
    UnservedPort,
    /// The remote runs a version this cluster cannot talk to (`remote` older than `local`
    /// when `remote_older`).
    Version {
        /// The remote's version, as reported.
        remote: String,
        /// This cluster's version, as reported.
        local: String,
        /// Whether the remote is the older side.
        remote_older: bool,
    },
    /// API-key model (9443) with a cluster before 8.10 (`local`: this side).
    ApiKeyModelVersion {
        /// Whether this (local) cluster is the one that is too old.
        local: bool,
    },
    /// Port 9443 without credentials for the alias.
    CredentialsMissing,
    /// Port 9443, credentials possibly in the keystore but not loaded (before 8.14).
    CredentialsNotLoaded,
    /// The remote does not accept the key: invalid, invalidated, expired or of another cluster.
    KeyRejected {
        /// The key id Elasticsearch names.
        key_id: String,
    },
    /// A REST API key where a cross-cluster API key is needed.
    RestKey {
        /// The key id Elasticsearch names.
        key_id: String,
    },
    /// Certificate model: this cluster does not trust the remote.
    LocalTrust,
    /// Certificate model: the remote does not trust this cluster.
    RemoteTrust,
    /// Strong identity (9.3+): the key needs a signing certificate, none was sent.
    SigningMissing {
        /// The key id Elasticsearch names.
        key_id: String,
        /// The key's `certificate_identity`.
        pattern: String,
    },
    /// Strong identity: the signing certificate's DN does not match the key's pattern.
    SigningIdentity {
        /// The certificate's subject DN.
        dn: String,
        /// The key's `certificate_identity`.
        pattern: String,
    },
    /// Strong identity: the remote does not trust the signing certificate's CA.
    SigningUntrusted,
    /// API-key model towards an Elastic Cloud/ECE endpoint, credentials configured, and the
    /// connection closed without an Elasticsearch error: what a remote deployment with network
    /// security on does when no traffic filter admits this cluster (api-facts-next 2.1).
    TrafficFilter,
}

impl Cause {
    /// The cause's name (the simulator's names; the four key causes share `key_rejected`).
    pub(super) fn name(&self) -> &'static str {
        match self {
            Cause::Unreachable => "unreachable",
            Cause::ServerName => "server_name",
            Cause::Port | Cause::UnservedPort => "port",
            Cause::Version {
                remote_older: true, ..
            } => "remote_too_old",
            Cause::Version { .. } => "remote_too_new",
            Cause::ApiKeyModelVersion { .. } => "api_key_model_version",
            Cause::CredentialsMissing => "credentials_missing",
            Cause::CredentialsNotLoaded => "credentials_not_loaded",
            Cause::KeyRejected { .. } => "key_rejected",
            Cause::RestKey { .. } => "rest_key",
            Cause::LocalTrust => "local_trust",
            Cause::RemoteTrust => "remote_trust",
            Cause::SigningMissing { .. } => "signing_missing",
            Cause::SigningIdentity { .. } => "signing_identity",
            Cause::SigningUntrusted => "signing_untrusted",
            Cause::TrafficFilter => "traffic_filter",
        }
    }

    /// Whether waiting cannot fix it: versions, the key type, and configuration the apply just
    /// wrote (a port or `server_name` an Elastic Cloud/ECE proxy never routes). Trust, keys
    /// and credentials may still be changing (a pending plan, a keystore reload), so they wait.
    pub(super) fn permanent(&self) -> bool {
        matches!(
            self,
            Cause::Version { .. }
                | Cause::ApiKeyModelVersion { .. }
                | Cause::RestKey { .. }
                | Cause::ServerName
                | Cause::UnservedPort
        )
    }
}

/// The text between `[` and `]` after `marker` in `text`.
fn bracketed_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let start = rest.find('[')? + 1;
    let end = rest[start..].find(']')? + start;
    Some(&rest[start..end])
}

/// The cause an Elasticsearch error text (`_resolve/cluster` `error`, `_remote/info`) names,
/// from the text alone. `bad_certificate` is classified as [`Cause::RemoteTrust`]; with
/// credentials configured the caller reads it as the wrong port. The missing-credentials
/// header text is [`Cause::CredentialsMissing`]; the caller refines it by the local version.
pub(super) fn classify_error(text: &str) -> Option<Cause> {
    let e = text.to_ascii_lowercase();
    if e.contains("is incompatible with local node version") {
        let remote = bracketed_after(text, "remote node version").unwrap_or("?");
        let local = bracketed_after(text, "local node version").unwrap_or("?");
        let remote_older = match (Version::parse(remote), Version::parse(local)) {
            (Some(r), Some(l)) => r < l,
            _ => false,
        };
        return Some(Cause::Version {
            remote: remote.to_string(),
            local: local.to_string(),
            remote_older,
        });
    }
    if e.contains("which has an incompatible wire format")
        || e.contains("received message from unsupported version")
    {
        return Some(Cause::Version {
            remote: "?".into(),
            local: "?".into(),
            remote_older: e.contains("minimal compatible version"),
        });
    }
    if e.contains(
        "or higher to support cross cluster requests through the dedicated remote cluster port",
    ) {
        return Some(Cause::ApiKeyModelVersion { local: false });
    }
    if e.contains("require transport header [_cross_cluster_access_credentials]") {
        return Some(Cause::CredentialsMissing);
    }
    if e.contains("authentication expected api key type of [cross_cluster]") {
        let key_id = bracketed_after(text, "but API key")
            .unwrap_or("")
            .to_string();
        return Some(Cause::RestKey { key_id });
    }
    if e.contains("unable to authenticate user [")
        && e.contains("cluster:internal/remote_cluster/handshake")
    {
        let key_id = bracketed_after(text, "unable to authenticate user")
            .unwrap_or("")
            .to_string();
        return Some(Cause::KeyRejected { key_id });
    }
    // Strong identity verification (9.3+, api-facts-next 1.5).
    if e.contains("requires certificate identity matching [") {
        return Some(Cause::SigningMissing {
            key_id: bracketed_after(text, "id:").unwrap_or("").to_string(),
            pattern: bracketed_after(text, "requires certificate identity matching")
                .unwrap_or("")
                .to_string(),
        });
    }
    if e.contains("does not match api key certificate identity pattern [") {
        return Some(Cause::SigningIdentity {
            dn: bracketed_after(text, "DN from provided certificate")
                .unwrap_or("")
                .to_string(),
            pattern: text
                .rsplit_once("identity pattern [")
                .and_then(|(_, p)| p.strip_suffix(']'))
                .unwrap_or("")
                .to_string(),
        });
    }
    if e.contains("failed to verify cross cluster api key signature certificate")
        || e.contains("invalid cross cluster api key signature")
        || e.contains("cannot verify signed cross-cluster headers")
    {
        return Some(Cause::SigningUntrusted);
    }
    if e.contains(
        "missing authentication credentials for action [cluster:internal/remote_cluster/handshake]",
    ) || e.contains("remote cluster handshake action requires channel profile")
    {
        return Some(Cause::Port);
    }
    match trust_gap(text) {
        Some(TrustGap::LocalDoesNotTrustRemote) => Some(Cause::LocalTrust),
        Some(TrustGap::RemoteDoesNotTrustLocal) => Some(Cause::RemoteTrust),
        None => None,
    }
}

/// Whether `host` is an Elastic Cloud or ECE Elasticsearch endpoint: a known Elastic Cloud
/// domain, or a first label that is a 32-character hexadecimal cluster id (as every Elastic
/// Cloud and ECE endpoint has). Their proxies route by TLS server name and serve 9400/9443.
pub(super) fn cloud_endpoint(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let first = h.split('.').next().unwrap_or("");
    h.contains(".found.")
        || h.ends_with(".elastic-cloud.com")
        || h.ends_with(".cloud.es.io")
        || (h.contains('.') && first.len() == 32 && first.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The lowest version `v` can talk to over the transport protocol (Elasticsearch's wire
/// compatibility: the last minor of the previous major; 9.0 also talks to 8.18).
fn min_wire(v: &Version) -> Version {
    match (v.major, v.minor) {
        (9, 0) => Version::new(8, 18, 0),
        (9.., _) => Version::new(8, 19, 0),
        (8, _) => Version::new(7, 17, 0),
        (7, _) => Version::new(6, 8, 0),
        (m, _) => Version::new(m.saturating_sub(1), 0, 0),
    }
}

/// Whether two versions can connect (ignoring pre-release tags).
pub(super) fn wire_compatible(a: &Version, b: &Version) -> bool {
    let plain = |v: &Version| Version::new(v.major, v.minor, v.patch);
    let (a, b) = (plain(a), plain(b));
    a >= min_wire(&b) && b >= min_wire(&a)
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
    /// Whether `_resolve/cluster` answered (so no `error` means Elasticsearch gave none).
    pub(super) resolved: bool,
    /// This cluster's version.
    pub(super) local_version: Option<Version>,
    /// This cluster's `cluster_name` (`GET /`; on Elastic Cloud and ECE the cluster id).
    pub(super) local_cluster_name: Option<String>,
    /// The remote's version, when the provider knows it (a deployment it read through the
    /// Cloud API whose endpoint is the dialled host).
    pub(super) remote_version: Option<Version>,
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
    } else if port != CERTIFICATE_PORT && port != API_KEY_PORT && cloud_endpoint(host) {
        Some(format!(
            "Port {port} is not served by the Elastic Cloud proxy: use {CERTIFICATE_PORT} for the certificate model or {API_KEY_PORT} for the API-key model ({attr} = \"{host}:{CERTIFICATE_PORT}\" or \"{host}:{API_KEY_PORT}\")."
        ))
    } else {
        None
    }
}

/// The advice about certificate trust, from what `_resolve/cluster` said.
fn trust_advice(host: &str, resolve_error: Option<&str>) -> String {
    match resolve_error.and_then(trust_gap) {
        Some(TrustGap::LocalDoesNotTrustRemote) => format!(
            "Certificate model: this (local) cluster does not trust the remote cluster at {host}. Add a trusted environment for the remote's organization, ECE environment or CA on THIS deployment (crosscluster_trusted_environment on the local deployment; with trust_allowlist, include the remote's cluster id). The remote must trust this cluster as well."
        ),
        Some(TrustGap::RemoteDoesNotTrustLocal) => format!(
            "Certificate model: the remote cluster at {host} does not trust this (local) cluster. Add a trusted environment for this deployment's organization, ECE environment or CA on the REMOTE deployment (crosscluster_trusted_environment with the remote's cloud connection; with trust_allowlist, include this cluster's id). Trust is needed on both sides."
        ),
        None => "Certificate model: both deployments must trust each other (crosscluster_trusted_environment on each side, for the other's organization, ECE environment or CA), and the trust change must have finished applying on both.".to_string(),
    }
}

/// The cause of an alias that is not connected, as far as the provider can tell, and the
/// first line of the diagnostic: what is wrong, then the fix.
pub(super) fn diagnose(model: &RemoteCluster, obs: &Observation) -> Option<(Cause, String)> {
    let alias = &model.alias;
    let attr = model.dial_attribute();
    let creds = obs
        .info
        .as_ref()
        .is_some_and(RemoteInfo::credentials_configured);
    let lv = obs.local_version.as_ref();
    let local_text = lv.map_or_else(|| "?".to_string(), ToString::to_string);
    // Sniff mode without a proxy dials the seeds, which a Cloud deployment never exposes.
    if model.mode == Some(Mode::Sniff) && model.legacy_proxy.is_none() {
        let seed = model.seeds.as_ref().and_then(|s| s.first());
        if let Some((host, _)) = seed.and_then(|s| parse_host_port(s).ok())
            && cloud_endpoint(&host)
        {
            return Some((
                Cause::Unreachable,
                format!(
                    "Remote cluster unreachable: sniff mode dials the seed nodes directly, and Elastic Cloud/ECE deployments are only reachable through their proxy. Use mode = \"proxy\" with proxy_address = \"{host}:{CERTIFICATE_PORT}\" (certificates) or \"{host}:{API_KEY_PORT}\" (API keys) and server_name = \"{host}\"."
                ),
            ));
        }
    }
    let (host, port) = model.dial_address().and_then(|a| parse_host_port(a).ok())?;
    let addr = format!("{host}:{port}");
    let cloud = cloud_endpoint(&host);
    // Versions, where the provider knows both.
    if let (Some(l), Some(r)) = (lv, obs.remote_version.as_ref())
        && !wire_compatible(l, r)
    {
        return Some(version_cause(
            &host,
            &r.to_string(),
            &l.to_string(),
            r < l,
            attr,
        ));
    }
    if port == API_KEY_PORT
        && obs
            .remote_version
            .as_ref()
            .is_some_and(|v| !v.at_least(8, 10))
    {
        return Some((
            Cause::ApiKeyModelVersion { local: false },
            api_key_remote_line(&host, attr),
        ));
    }
    if port == API_KEY_PORT && lv.is_some_and(|v| !v.at_least(8, 10)) {
        return Some((
            Cause::ApiKeyModelVersion { local: true },
            format!(
                "API-key model not supported by this cluster: Elasticsearch {local_text} is older than 8.10, which the API-key model (port {API_KEY_PORT}) needs on both clusters (8.14 on Elastic Cloud). Upgrade this deployment, or use the certificate model: {attr} = \"{host}:{CERTIFICATE_PORT}\" with trust on both sides."
            ),
        ));
    }
    if cloud
        && port != API_KEY_PORT
        && port != CERTIFICATE_PORT
        && let Some(advice) = port_advice(model, &host, port, creds)
    {
        return Some((Cause::UnservedPort, advice));
    }
    if cloud && model.mode != Some(Mode::Sniff) {
        match model.server_name.as_deref() {
            None | Some("") => {
                return Some((
                    Cause::ServerName,
                    format!(
                        "server_name is not set: the Elastic Cloud/ECE proxy at {host} routes connections by TLS server name (SNI), so without it no cluster is reached. Set server_name = \"{host}\" (endpoint of the crosscluster_deployment data source)."
                    ),
                ));
            }
            Some(sn) if !sn.eq_ignore_ascii_case(&host) => {
                return Some((
                    Cause::ServerName,
                    format!(
                        "server_name \"{sn}\" does not match the proxy address host {host}: the Elastic Cloud/ECE proxy routes connections by TLS server name (SNI), so it cannot route this one. Set server_name = \"{host}\" (endpoint of the crosscluster_deployment data source)."
                    ),
                ));
            }
            _ => {}
        }
    }
    let from_text = obs.resolve_error.as_deref().and_then(classify_error);
    let cause = match from_text {
        Some(Cause::RemoteTrust) if creds => Cause::Port,
        Some(Cause::CredentialsMissing) if lv.is_some_and(|v| !v.at_least(8, 10)) => {
            Cause::ApiKeyModelVersion { local: true }
        }
        Some(Cause::CredentialsMissing) if lv.is_some_and(|v| !v.at_least(8, 14)) => {
            Cause::CredentialsNotLoaded
        }
        Some(c) => c,
        None if port == CERTIFICATE_PORT && creds => Cause::Port,
        None if port == API_KEY_PORT && !creds => {
            if lv.is_some_and(|v| !v.at_least(8, 14)) {
                Cause::CredentialsNotLoaded
            } else {
                Cause::CredentialsMissing
            }
        }
        None if obs.resolved
            && obs.resolve_error.is_none()
            && port == API_KEY_PORT
            && creds
            && cloud =>
        {
            Cause::TrafficFilter
        }
        None if obs.resolved && obs.resolve_error.is_none() => Cause::Unreachable,
        None => return None,
    };
    let line = match &cause {
        Cause::Version {
            remote,
            local,
            remote_older,
        } => return Some(version_cause(&host, remote, local, *remote_older, attr)),
        Cause::ApiKeyModelVersion { local: true } => format!(
            "API-key model not supported by this cluster: Elasticsearch {local_text} is older than 8.10, which the API-key model (port {API_KEY_PORT}) needs on both clusters. Upgrade this deployment, or use the certificate model: {attr} = \"{host}:{CERTIFICATE_PORT}\" with trust on both sides."
        ),
        Cause::ApiKeyModelVersion { local: false } => api_key_remote_line(&host, attr),
        Cause::Port if port == CERTIFICATE_PORT => {
            port_advice(model, &host, port, true).unwrap_or_default()
        }
        Cause::Port => format!(
            "Wrong port for the security model: {addr} is not the remote cluster server port of the API-key model. Use {attr} = \"{host}:{API_KEY_PORT}\" for API keys, or {CERTIFICATE_PORT} for the certificate model."
        ),
        Cause::CredentialsMissing => format!(
            "No API-key credentials for \"{alias}\": port {API_KEY_PORT} is the API-key model, and the remote rejects connections without credentials. Store a cross-cluster API key of the remote cluster in this deployment's keystore as cluster.remote.{alias}.credentials (crosscluster_keystore_api_key fed from crosscluster_api_key.encoded), or use the certificate model: {attr} = \"{host}:{CERTIFICATE_PORT}\"."
        ),
        Cause::CredentialsNotLoaded => format!(
            "Credentials for \"{alias}\" not loaded: port {API_KEY_PORT} is the API-key model, but the nodes have not loaded cluster.remote.{alias}.credentials. Elasticsearch {local_text} loads keystore changes only after a restart or POST _nodes/reload_secure_settings (8.14 and later reload on their own): restart the deployment after storing the key (crosscluster_keystore_api_key), or store it if it is not in the keystore yet."
        ),
        Cause::KeyRejected { key_id } => format!(
            "API key rejected: the remote cluster at {host} does not accept the API key [{key_id}] in cluster.remote.{alias}.credentials: it is invalidated, expired, not a key of that cluster, or its secret is wrong. Create a new cross-cluster API key on the remote cluster (crosscluster_api_key with the remote's elasticsearch connection) and store its encoded value as cluster.remote.{alias}.credentials."
        ),
        Cause::RestKey { key_id } => format!(
            "Wrong kind of API key: cluster.remote.{alias}.credentials holds the REST API key [{key_id}], but the API-key model needs a cross-cluster API key. Create one on the remote cluster (crosscluster_api_key, POST /_security/cross_cluster/api_key) and store its encoded value instead."
        ),
        Cause::LocalTrust => format!(
            "Trust missing on this side: {}",
            trust_advice(&host, Some("pkix path"))
        ),
        Cause::RemoteTrust => format!(
            "Trust missing on the remote side: {}",
            trust_advice(&host, Some("bad_certificate"))
        ),
        Cause::Unreachable => format!(
            "Remote cluster unreachable: nothing answered at {addr} (Elasticsearch gives no error for an unknown host, a firewall or traffic filter, or a remote that is down). Check {attr} (api_key_proxy_address / certificate_proxy_address of the crosscluster_deployment data source) and that the remote deployment is running."
        ),
        Cause::SigningMissing { key_id, pattern } => format!(
            "Signing certificate missing (strong identity): the remote cluster at {host} requires requests with the API key [{key_id}] to be signed by a certificate whose subject DN matches its certificate_identity [{pattern}], but this cluster does not sign the requests of \"{alias}\". Configure cluster.remote.{alias}.signing.certificate and .signing.key on this cluster (crosscluster_remote_cluster_signing, e.g. certificate = \"node.crt\" and key = \"node.key\" on Elastic Cloud), or remove certificate_identity from the key (crosscluster_api_key)."
        ),
        Cause::SigningIdentity { dn, pattern } => format!(
            "Certificate identity mismatch (strong identity): this cluster signs the requests of \"{alias}\" with a certificate whose subject DN [{dn}] does not match the API key's certificate_identity [{pattern}] (the whole DN must match, case-sensitively). Change certificate_identity of the key (crosscluster_api_key on the remote) to a pattern matching this DN, or sign with a matching certificate (crosscluster_remote_cluster_signing)."
        ),
        Cause::SigningUntrusted => format!(
            "Signing certificate not trusted (strong identity): the remote cluster at {host} cannot verify the certificate this cluster signs the requests of \"{alias}\" with. Set cluster.remote.signing.certificate_authorities on the REMOTE cluster to the CA that issued it (crosscluster_signing_trust; on Elastic Cloud \"internal_tls_ca.crt\" for a deployment of the same provider and region, else the local deployment's CA uploaded as a bundle), or stop signing (remove crosscluster_remote_cluster_signing) when the key has no certificate_identity."
        ),
        Cause::TrafficFilter => traffic_filter_line(&host, obs.local_cluster_name.as_deref()),
        Cause::ServerName | Cause::UnservedPort => return None,
    };
    Some((cause, line))
}

/// The advice when the remote's network security most likely refuses this cluster.
fn traffic_filter_line(host: &str, local_cluster: Option<&str>) -> String {
    let cluster = local_cluster
        .filter(|c| c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .map_or_else(
            || "rule { cluster_id = <this deployment's cluster_id> }".to_string(),
            |c| format!("rule {{ cluster_id = \"{c}\" }}"),
        );
    format!(
        "Missing remote cluster filter (most likely): the remote deployment at {host} closed the API-key connection (port {API_KEY_PORT}, credentials configured) without an Elasticsearch error, which is what a deployment with network security on (any traffic filter associated) does when none of its filters admits this cluster. On the REMOTE deployment, add a remote cluster filter that admits this one: crosscluster_remote_cluster_filter with the remote's cloud connection, deployment_id = the remote deployment, and rule {{ organization_id = <this deployment's organization_id> }} or {cluster} (both deployments on Elastic Cloud, or in one ECE environment; otherwise an IP filter for this cluster's egress addresses). Certificate-model connections (port {CERTIFICATE_PORT}) are not filtered. If the remote has no traffic filters, check that it is running."
    )
}

fn api_key_remote_line(host: &str, attr: &str) -> String {
    format!(
        "API-key model not supported by the remote: the remote cluster at {host} has nodes older than 8.10, and the API-key model (port {API_KEY_PORT}) needs 8.10 or later on both clusters (8.14 on Elastic Cloud). Upgrade the remote deployment, or use the certificate model: {attr} = \"{host}:{CERTIFICATE_PORT}\" with trust on both sides."
    )
}

fn version_cause(
    host: &str,
    remote: &str,
    local: &str,
    remote_older: bool,
    attr: &str,
) -> (Cause, String) {
    let (which, upgrade) = if remote_older {
        ("too old", "upgrade the remote deployment")
    } else {
        ("too new", "upgrade this deployment")
    };
    (
        Cause::Version {
            remote: remote.to_string(),
            local: local.to_string(),
            remote_older,
        },
        format!(
            "Incompatible versions: the remote cluster at {host} runs Elasticsearch {remote}, which is {which} for this cluster's {local} (remote node version [{remote}] is incompatible with local node version [{local}]); waiting cannot fix this. To connect, {upgrade} to a wire-compatible version (the same major, or the last minor of the previous major: 8.19 for 9.x, 7.17 for 8.x), or point {attr} at a compatible remote."
        ),
    )
}

/// The diagnostic for an alias that did not connect within `waited` (or that the wait gave up
/// on at once, `permanent`): the cause first, then the reason Elasticsearch gives and the
/// provider's own checks of port, credentials and trust.
pub(super) fn not_connected_diagnostic(
    model: &RemoteCluster,
    obs: &Observation,
    waited: Duration,
) -> Diagnostic {
    let alias = &model.alias;
    let mut lines = Vec::new();
    let cause = diagnose(model, obs);
    let mut path = None;
    if let Some((c, line)) = &cause {
        lines.push(line.clone());
        path = match c {
            Cause::ServerName => Some(AttributePath::root().attr(SERVER_NAME)),
            Cause::Port
            | Cause::UnservedPort
            | Cause::Version { .. }
            | Cause::CredentialsMissing => Some(AttributePath::root().attr(model.dial_attribute())),
            _ => None,
        };
    }
    let first = cause.as_ref().map(|(_, l)| l.clone());
    let permanent = cause.as_ref().is_some_and(|(c, _)| c.permanent());
    if permanent {
        lines.push(format!(
            "The remote cluster alias \"{alias}\" is not connected, and waiting cannot fix this, so the wait stopped after {}s.",
            waited.as_secs()
        ));
    } else {
        lines.push(format!(
            "The remote cluster alias \"{alias}\" was not connected after {}s (wait_for_connection).",
            waited.as_secs()
        ));
    }
    match (&obs.resolve_error, &obs.resolve_note) {
        (Some(e), _) => lines.push(format!("Elasticsearch (_resolve/cluster) reports: {e}")),
        (None, Some(n)) => lines.push(n.clone()),
        (None, None) => {}
    }
    let creds = obs
        .info
        .as_ref()
        .is_some_and(RemoteInfo::credentials_configured);
    let push = |lines: &mut Vec<String>, s: String| {
        if first.as_deref() != Some(s.as_str()) {
            lines.push(s);
        }
    };
    if let Some((host, port)) = model.dial_address().and_then(|a| parse_host_port(a).ok()) {
        let port_line = port_advice(model, &host, port, creds);
        let had_port = port_line.is_some();
        if let Some(advice) = port_line {
            push(&mut lines, advice);
            path.get_or_insert_with(|| AttributePath::root().attr(model.dial_attribute()));
        }
        let certificate_model = !creds && port != API_KEY_PORT;
        let trust_first = matches!(cause, Some((Cause::LocalTrust | Cause::RemoteTrust, _)));
        if certificate_model && !had_port && !trust_first && !permanent {
            push(
                &mut lines,
                trust_advice(&host, obs.resolve_error.as_deref()),
            );
        }
    }
    if model.mode != Some(Mode::Sniff)
        && model.server_name.is_none()
        && !matches!(cause, Some((Cause::ServerName, _)))
    {
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

/// Before writing or waiting: an error when the provider knows the remote's version and it is
/// not wire-compatible with this cluster's `local` version (fails fast, also where the local
/// cluster has no `_resolve/cluster`).
pub(super) fn version_gate(
    model: &RemoteCluster,
    local: &Version,
    remote: Option<&Version>,
) -> Option<Diagnostic> {
    let remote = remote?;
    let (host, port) = model.dial_address().and_then(|a| parse_host_port(a).ok())?;
    let line = if !wire_compatible(local, remote) {
        version_cause(
            &host,
            &remote.to_string(),
            &local.to_string(),
            remote < local,
            model.dial_attribute(),
        )
        .1
    } else if port == API_KEY_PORT && !remote.at_least(8, 10) {
        api_key_remote_line(&host, model.dial_attribute())
    } else {
        return None;
    };
    Some(
        Diagnostic::error(
            format!("Remote cluster \"{}\" cannot connect", model.alias),
            format!(
                "{line}\n\nThe remote's version comes from its deployment as read through the Cloud API; nothing was written."
            ),
        )
        .with_path(AttributePath::root().attr(model.dial_attribute())),
    )
}
