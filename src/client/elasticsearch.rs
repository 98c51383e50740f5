//! Elasticsearch API client: cluster info and version gates, cross-cluster API keys,
//! remote-cluster settings, `_remote/info`, `_resolve/cluster`, secure-settings reload, roles.
//!
//! Several endpoints may be configured: a connection failure moves on to the next one.

use std::collections::BTreeMap;
use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::error::parse_es_error;
use super::shared::Shared;
use super::{
    ClientError, HttpSettings, Req, Resp, Result, Secret, Transport, auth_header, basic_auth,
    parse_base, seg,
};

/// Credentials for Elasticsearch.
#[derive(Clone)]
pub enum EsAuth {
    /// No `Authorization` header.
    None,
    /// HTTP basic auth.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// `Authorization: ApiKey <encoded>`.
    ApiKey(Secret),
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
}

impl fmt::Debug for EsAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EsAuth::None => f.write_str("None"),
            EsAuth::Basic { username, .. } => {
                write!(
                    f,
                    "Basic {{ username: {username:?}, password: <redacted> }}"
                )
            }
            EsAuth::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            EsAuth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Configuration of an [`EsClient`].
#[derive(Debug, Clone)]
pub struct EsConfig {
    /// Endpoints (`https://host:9200`), tried in order on connection failure.
    pub endpoints: Vec<String>,
    /// Credentials.
    pub auth: EsAuth,
    /// Transport settings.
    pub http: HttpSettings,
}

impl EsConfig {
    /// A configuration with default transport settings.
    pub fn new(endpoints: Vec<String>, auth: EsAuth) -> Self {
        EsConfig {
            endpoints,
            auth,
            http: HttpSettings::default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Versions and gates (B.7)
// ---------------------------------------------------------------------------------------------

/// An Elasticsearch version `major.minor.patch` (a pre-release suffix sorts before the release).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
    /// Suffix after `-`, e.g. `SNAPSHOT`.
    pub pre: Option<String>,
}

impl Version {
    /// A release version.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
            pre: None,
        }
    }

    /// Parse `8.14.0`, `8.14`, `9.1.0-SNAPSHOT`.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let (nums, pre) = match s.split_once('-') {
            Some((n, p)) => (n, Some(p.to_string())),
            None => (s, None),
        };
        let mut it = nums.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = match it.next() {
            Some(m) => m.parse().ok()?,
            None => 0,
        };
        let patch = match it.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if it.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
            pre,
        })
    }

    /// True when `self >= major.minor.0`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(p) = &self.pre {
            write!(f, "-{p}")?;
        }
        Ok(())
    }
}

/// Features gated on the Elasticsearch version (api-facts.md B.1, B.2, B.5, B.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Proxy connection mode, `proxy_address`, `server_name`, `proxy_socket_connections` (7.7).
    ProxyMode,
    /// Cross-cluster API keys (8.10, beta).
    CrossClusterApiKeys,
    /// API-key security model GA on Elastic Cloud (8.14).
    ApiKeyModel,
    /// `remote_indices` in roles (8.14).
    RemoteIndices,
    /// Automatic keystore reload on Elastic Cloud (8.14).
    KeystoreAutoReload,
    /// `_resolve/cluster` (8.13).
    ResolveCluster,
    /// `remote_cluster` in roles (8.15).
    RemoteClusterPrivileges,
    /// `skip_unavailable` defaults to true (8.15).
    SkipUnavailableDefaultTrue,
    /// `monitor_stats` remote cluster privilege (8.17).
    MonitorStats,
    /// `certificate_identity` on cross-cluster API keys (9.3).
    CertificateIdentity,
}

impl Feature {
    /// The first version with this feature.
    pub fn min_version(self) -> Version {
        match self {
            Feature::ProxyMode => Version::new(7, 7, 0),
            Feature::CrossClusterApiKeys => Version::new(8, 10, 0),
            Feature::ApiKeyModel | Feature::RemoteIndices | Feature::KeystoreAutoReload => {
                Version::new(8, 14, 0)
            }
            Feature::ResolveCluster => Version::new(8, 13, 0),
            Feature::RemoteClusterPrivileges | Feature::SkipUnavailableDefaultTrue => {
                Version::new(8, 15, 0)
            }
            Feature::MonitorStats => Version::new(8, 17, 0),
            Feature::CertificateIdentity => Version::new(9, 3, 0),
        }
    }

    /// Human-readable name used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Feature::ProxyMode => "proxy mode remote clusters",
            Feature::CrossClusterApiKeys => "cross-cluster API keys",
            Feature::ApiKeyModel => "the API key security model for remote clusters",
            Feature::RemoteIndices => "remote_indices role privileges",
            Feature::KeystoreAutoReload => "automatic keystore reload",
            Feature::ResolveCluster => "_resolve/cluster",
            Feature::RemoteClusterPrivileges => "remote_cluster role privileges",
            Feature::SkipUnavailableDefaultTrue => "skip_unavailable defaulting to true",
            Feature::MonitorStats => "the monitor_stats remote cluster privilege",
            Feature::CertificateIdentity => "certificate_identity on cross-cluster API keys",
        }
    }

    /// Ok when `version` has the feature, else [`ClientError::VersionGate`] naming the version.
    pub fn check(self, version: &Version) -> Result<()> {
        let min = self.min_version();
        // Pre-releases of the required version count as having it.
        let v = Version {
            pre: None,
            ..version.clone()
        };
        if v >= min {
            Ok(())
        } else {
            Err(ClientError::VersionGate {
                feature: self.name().to_string(),
                required: min.to_string(),
                actual: version.to_string(),
            })
        }
    }
}

/// The answer of `GET /`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterInfo {
    /// Node name.
    pub name: String,
    /// Cluster name.
    pub cluster_name: String,
    /// Cluster UUID (not the Cloud cluster id).
    pub cluster_uuid: String,
    /// Version.
    pub version: Version,
    /// `version.build_flavor` (`default`, `serverless`, ...).
    pub build_flavor: String,
}

impl ClusterInfo {
    /// Serverless projects have no meaningful version: gates pass.
    pub fn is_serverless(&self) -> bool {
        self.build_flavor == "serverless"
    }

    /// Check a version gate against this cluster.
    pub fn require(&self, feature: Feature) -> Result<()> {
        if self.is_serverless() {
            return Ok(());
        }
        feature.check(&self.version)
    }
}

/// Parse a `GET /` body.
pub fn parse_cluster_info(v: &Value) -> Result<ClusterInfo> {
    let s = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let number = s("/version/number");
    let version = Version::parse(&number).ok_or_else(|| {
        ClientError::Unexpected(format!("cannot parse Elasticsearch version {number:?}"))
    })?;
    Ok(ClusterInfo {
        name: s("/name"),
        cluster_name: s("/cluster_name"),
        cluster_uuid: s("/cluster_uuid"),
        version,
        build_flavor: s("/version/build_flavor"),
    })
}

// ---------------------------------------------------------------------------------------------
// Cross-cluster API keys (B.1)
// ---------------------------------------------------------------------------------------------

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// `field_security` of an index privilege.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FieldSecurity {
    /// Granted fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<Vec<String>>,
    /// Excepted fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub except: Option<Vec<String>>,
}

/// One `access.search[]` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchAccess {
    /// Index names or patterns.
    #[serde(deserialize_with = "one_or_many")]
    pub names: Vec<String>,
    /// Document-level security query (object or JSON string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    /// Field-level security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_security: Option<FieldSecurity>,
    /// Allow restricted indices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_restricted_indices: Option<bool>,
}

/// One `access.replication[]` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReplicationAccess {
    /// Index names or patterns.
    #[serde(deserialize_with = "one_or_many")]
    pub names: Vec<String>,
    /// Allow restricted indices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_restricted_indices: Option<bool>,
}

/// The `access` of a cross-cluster API key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CrossClusterAccess {
    /// Search access.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search: Vec<SearchAccess>,
    /// Replication access.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replication: Vec<ReplicationAccess>,
}

/// Body of `POST /_security/cross_cluster/api_key`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CreateCrossClusterApiKey {
    /// Key name.
    pub name: String,
    /// Access.
    pub access: CrossClusterAccess,
    /// Expiration such as `30d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    /// Metadata object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Certificate identity (9.3+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_identity: Option<String>,
}

/// Body of `PUT /_security/cross_cluster/api_key/{id}` (absent fields are left unchanged).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UpdateCrossClusterApiKey {
    /// Access (replaces the old one). Required by the API contract, so always sent: pass the
    /// current access to change only `metadata` or `expiration`.
    pub access: CrossClusterAccess,
    /// New expiration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    /// New metadata (replaces the old one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// Response of a create: `encoded` is what goes into `cluster.remote.<alias>.credentials`.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedApiKey {
    /// Key id.
    pub id: String,
    /// Key name.
    #[serde(default)]
    pub name: String,
    /// Expiration (epoch ms), if set.
    #[serde(default)]
    pub expiration: Option<i64>,
    /// The secret part.
    pub api_key: Secret,
    /// base64(`id:api_key`).
    pub encoded: Secret,
}

/// An API key as returned by `GET /_security/api_key`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ApiKeyInfo {
    /// Id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// `rest` or `cross_cluster`.
    #[serde(default, rename = "type")]
    pub key_type: Option<String>,
    /// Creation (epoch ms).
    #[serde(default)]
    pub creation: Option<i64>,
    /// Expiration (epoch ms).
    #[serde(default)]
    pub expiration: Option<i64>,
    /// Invalidated.
    #[serde(default)]
    pub invalidated: bool,
    /// Owner user name.
    #[serde(default)]
    pub username: Option<String>,
    /// Owner realm.
    #[serde(default)]
    pub realm: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: Option<Value>,
    /// Access (cross-cluster keys).
    #[serde(default)]
    pub access: Option<CrossClusterAccess>,
    /// Role descriptors.
    #[serde(default)]
    pub role_descriptors: Option<Value>,
    /// Limited-by descriptors (with `with_limited_by`).
    #[serde(default)]
    pub limited_by: Option<Value>,
    /// Certificate identity (9.3+).
    #[serde(default)]
    pub certificate_identity: Option<String>,
}

impl ApiKeyInfo {
    /// True when the key can no longer be used: invalidated, or expired at `now_ms`.
    pub fn is_gone(&self, now_ms: i64) -> bool {
        self.invalidated || self.expiration.is_some_and(|e| e <= now_ms)
    }
}

/// Response of `DELETE /_security/api_key`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct InvalidateResult {
    /// Ids invalidated now.
    #[serde(default)]
    pub invalidated_api_keys: Vec<String>,
    /// Ids that were already invalidated.
    #[serde(default)]
    pub previously_invalidated_api_keys: Vec<String>,
    /// Number of per-key errors.
    #[serde(default)]
    pub error_count: u64,
    /// Per-key errors (`ErrorCause`).
    #[serde(default)]
    pub error_details: Vec<Value>,
}

// ---------------------------------------------------------------------------------------------
// Cluster settings and remote clusters (B.2, B.3)
// ---------------------------------------------------------------------------------------------

/// `GET /_cluster/settings`, each section flattened to dotted keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterSettings {
    /// Persistent settings.
    pub persistent: BTreeMap<String, Value>,
    /// Transient settings.
    pub transient: BTreeMap<String, Value>,
    /// Defaults (only with `include_defaults`).
    pub defaults: BTreeMap<String, Value>,
}

/// Flatten nested settings (`{"cluster":{"remote":{...}}}`) into dotted keys; flat keys and
/// arrays (e.g. `seeds`) are kept as they are.
pub fn flatten_settings(v: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, child, out);
                }
            }
            other => {
                if !prefix.is_empty() {
                    out.insert(prefix.to_string(), other.clone());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", v, &mut out);
    out
}

/// Check a remote alias: letters, digits, `-`, `_` (so it cannot reach another alias's keys).
pub fn validate_alias(alias: &str) -> Result<()> {
    if !alias.is_empty()
        && alias
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(ClientError::InvalidArgument(format!(
            "remote cluster alias {alias:?} must consist of letters, digits, '-' and '_'"
        )))
    }
}

/// The settings of remote `alias` in a flattened section, keyed by the part after
/// `cluster.remote.<alias>.` (e.g. `mode`, `proxy_address`, `transport.compress`).
pub fn remote_settings_of(
    section: &BTreeMap<String, Value>,
    alias: &str,
) -> BTreeMap<String, Value> {
    let prefix = format!("cluster.remote.{alias}.");
    section
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(&prefix)
                .map(|rest| (rest.to_string(), v.clone()))
        })
        .collect()
}

/// Aliases that have at least one setting in a flattened section.
pub fn remote_aliases(section: &BTreeMap<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = section
        .keys()
        .filter_map(|k| k.strip_prefix("cluster.remote."))
        .filter_map(|rest| rest.split_once('.').map(|(a, _)| a.to_string()))
        .collect();
    out.dedup();
    out
}

/// Settings values come back as strings: compare `true` with `"true"`, `18` with `"18"`.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// The `persistent` body that turns `current` into `desired` for remote `alias` (both keyed by
/// sub-key, as [`remote_settings_of`] gives): changed or new keys with their value, keys no
/// longer desired as `null`, unchanged keys left out. Empty when nothing changes.
pub fn remote_settings_diff(
    alias: &str,
    current: &BTreeMap<String, Value>,
    desired: &BTreeMap<String, Value>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in desired {
        if v.is_null() {
            if current.contains_key(k) {
                out.insert(format!("cluster.remote.{alias}.{k}"), Value::Null);
            }
            continue;
        }
        if current.get(k).map(normalize) != Some(normalize(v)) {
            out.insert(format!("cluster.remote.{alias}.{k}"), v.clone());
        }
    }
    for k in current.keys() {
        if !desired.contains_key(k) {
            out.insert(format!("cluster.remote.{alias}.{k}"), Value::Null);
        }
    }
    out
}

/// Keys that exist only from 7.7 on (`mode` and the proxy-mode settings).
fn needs_proxy_mode(alias: &str, key: &str) -> bool {
    let sub = key
        .strip_prefix(&format!("cluster.remote.{alias}."))
        .unwrap_or(key);
    matches!(
        sub,
        "mode" | "proxy_address" | "server_name" | "proxy_socket_connections"
    )
}

/// One alias of `GET /_remote/info`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct RemoteInfo {
    /// Connected now.
    #[serde(default)]
    pub connected: bool,
    /// `sniff` or `proxy`.
    #[serde(default)]
    pub mode: String,
    /// Sniff seeds.
    #[serde(default)]
    pub seeds: Vec<String>,
    /// Sniff: connected nodes.
    #[serde(default)]
    pub num_nodes_connected: Option<u64>,
    /// Sniff: max connections.
    #[serde(default)]
    pub max_connections_per_cluster: Option<u64>,
    /// Proxy address.
    #[serde(default)]
    pub proxy_address: Option<String>,
    /// Proxy server name.
    #[serde(default)]
    pub server_name: Option<String>,
    /// Proxy: open sockets.
    #[serde(default)]
    pub num_proxy_sockets_connected: Option<u64>,
    /// Proxy: max sockets.
    #[serde(default)]
    pub max_proxy_socket_connections: Option<u64>,
    /// Initial connect timeout, e.g. `30s`.
    #[serde(default)]
    pub initial_connect_timeout: Option<String>,
    /// Skip when unavailable.
    #[serde(default)]
    pub skip_unavailable: bool,
    /// `::es_redacted::` when credentials are configured (API-key model).
    #[serde(default)]
    pub cluster_credentials: Option<String>,
}

impl RemoteInfo {
    /// The alias uses the API-key model (credentials in the keystore).
    pub fn credentials_configured(&self) -> bool {
        self.cluster_credentials.is_some()
    }
}

/// One entry of `GET /_resolve/cluster/{pattern}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ResolvedCluster {
    /// Connected.
    #[serde(default)]
    pub connected: bool,
    /// Skip unavailable.
    #[serde(default)]
    pub skip_unavailable: bool,
    /// Whether indices match the pattern.
    #[serde(default)]
    pub matching_indices: Option<bool>,
    /// Version object of the remote.
    #[serde(default)]
    pub version: Option<Value>,
    /// Error message (the reason a remote is not reachable).
    #[serde(default)]
    pub error: Option<String>,
}

/// Result of `POST /_nodes/reload_secure_settings`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReloadResult {
    /// Nodes asked.
    pub total: u64,
    /// Nodes that reloaded.
    pub successful: u64,
    /// Nodes that failed.
    pub failed: u64,
    /// `node name: reason` of each `reload_exception` / failure.
    pub failures: Vec<String>,
}

/// Read a reload response.
pub fn parse_reload(v: &Value) -> ReloadResult {
    let n = |p: &str| v.pointer(p).and_then(Value::as_u64).unwrap_or(0);
    let mut failures = Vec::new();
    if let Some(nodes) = v.get("nodes").and_then(Value::as_object) {
        for (id, node) in nodes {
            if let Some(ex) = node.get("reload_exception") {
                let name = node.get("name").and_then(Value::as_str).unwrap_or(id);
                let reason = ex.get("reason").and_then(Value::as_str).unwrap_or("error");
                failures.push(format!("{name}: {reason}"));
            }
        }
    }
    if let Some(list) = v.pointer("/_nodes/failures").and_then(Value::as_array) {
        for f in list {
            let reason = f
                .get("reason")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| f.to_string());
            failures.push(reason);
        }
    }
    ReloadResult {
        total: n("/_nodes/total"),
        successful: n("/_nodes/successful"),
        failed: n("/_nodes/failed"),
        failures,
    }
}

// ---------------------------------------------------------------------------------------------
// Roles (B.5)
// ---------------------------------------------------------------------------------------------

/// An `indices[]` privilege.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndicesPrivileges {
    /// Index names or patterns.
    #[serde(deserialize_with = "one_or_many")]
    pub names: Vec<String>,
    /// Privileges.
    #[serde(default)]
    pub privileges: Vec<String>,
    /// Field-level security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_security: Option<FieldSecurity>,
    /// DLS query (object or string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    /// Allow restricted indices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_restricted_indices: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `remote_indices[]` privilege.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RemoteIndicesPrivileges {
    /// Remote cluster alias patterns.
    #[serde(deserialize_with = "one_or_many")]
    pub clusters: Vec<String>,
    /// Index names or patterns.
    #[serde(deserialize_with = "one_or_many")]
    pub names: Vec<String>,
    /// Privileges.
    #[serde(default)]
    pub privileges: Vec<String>,
    /// Field-level security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_security: Option<FieldSecurity>,
    /// DLS query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    /// Allow restricted indices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_restricted_indices: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `remote_cluster[]` privilege.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RemoteClusterPrivileges {
    /// Remote cluster alias patterns.
    #[serde(deserialize_with = "one_or_many")]
    pub clusters: Vec<String>,
    /// `monitor_enrich`, `monitor_stats`.
    #[serde(default)]
    pub privileges: Vec<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A role (`PUT/GET /_security/role/{name}`); unknown fields are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Role {
    /// Cluster privileges.
    #[serde(default)]
    pub cluster: Vec<String>,
    /// Index privileges.
    #[serde(default)]
    pub indices: Vec<IndicesPrivileges>,
    /// Remote index privileges (8.14+).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remote_indices: Vec<RemoteIndicesPrivileges>,
    /// Remote cluster privileges (8.15+).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remote_cluster: Vec<RemoteClusterPrivileges>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Unknown fields (`applications`, `run_as`, `transient_metadata`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The version gates a role body needs: `remote_indices` 8.14, `remote_cluster` 8.15,
/// `monitor_stats` 8.17.
pub fn role_gates(role: &Role) -> Vec<Feature> {
    let mut out = Vec::new();
    if !role.remote_indices.is_empty() {
        out.push(Feature::RemoteIndices);
    }
    if !role.remote_cluster.is_empty() {
        out.push(Feature::RemoteClusterPrivileges);
    }
    if role
        .remote_cluster
        .iter()
        .any(|r| r.privileges.iter().any(|p| p == "monitor_stats"))
    {
        out.push(Feature::MonitorStats);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// Typed Elasticsearch client.
#[derive(Debug)]
pub struct EsClient {
    transport: Transport,
    info: OnceCell<ClusterInfo>,
    /// `GET /_cluster/settings` (without defaults), shared by concurrent readers.
    settings: Shared<Value>,
    /// `GET /_remote/info`, shared by concurrent readers.
    remote: Shared<BTreeMap<String, RemoteInfo>>,
}

impl EsClient {
    /// Build a client (no request is sent).
    pub fn new(config: EsConfig) -> Result<Self> {
        if config.endpoints.is_empty() {
            return Err(ClientError::Config(
                "no Elasticsearch endpoint configured".into(),
            ));
        }
        let bases = config
            .endpoints
            .iter()
            .map(|e| parse_base(e, "elasticsearch endpoint"))
            .collect::<Result<Vec<_>>>()?;
        let auth = match &config.auth {
            EsAuth::None => None,
            EsAuth::Basic { username, password } => Some(basic_auth(username, password.expose())?),
            EsAuth::ApiKey(k) => Some(auth_header(format!("ApiKey {}", k.expose().trim()))?),
            EsAuth::Bearer(t) => Some(auth_header(format!("Bearer {}", t.expose().trim()))?),
        };
        Ok(EsClient {
            transport: Transport::new(&config.http, bases, auth)?,
            info: OnceCell::new(),
            settings: Shared::default(),
            remote: Shared::default(),
        })
    }

    async fn call(&self, req: &Req, cancel: &CancellationToken) -> Result<Resp> {
        // Any write may change what the shared reads return: forget them before and after.
        let write = req.method != Method::GET;
        if write {
            self.invalidate_shared();
        }
        let resp = self.transport.send(req, cancel).await;
        if write {
            self.invalidate_shared();
        }
        let resp = resp?;
        if resp.is_success() {
            Ok(resp)
        } else {
            Err(es_error(req, &resp))
        }
    }

    /// [`Self::call`], then decode the JSON body.
    async fn fetch<T: serde::de::DeserializeOwned>(
        &self,
        req: &Req,
        cancel: &CancellationToken,
    ) -> Result<T> {
        self.call(req, cancel).await?.decode(req)
    }

    fn invalidate_shared(&self) {
        self.settings.invalidate();
        self.remote.invalidate();
    }

    /// [`Self::fetch`], with a 404 as `None`.
    async fn fetch_found<T: serde::de::DeserializeOwned>(
        &self,
        req: &Req,
        cancel: &CancellationToken,
    ) -> Result<Option<T>> {
        match self.fetch(req, cancel).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /`, sent once per client and cached.
    pub async fn info(&self, cancel: &CancellationToken) -> Result<&ClusterInfo> {
        self.info
            .get_or_try_init(|| async {
                let req = Req::new(Method::GET, "/");
                let v: Value = self.fetch(&req, cancel).await?;
                parse_cluster_info(&v)
            })
            .await
    }

    /// The cluster's version (from the cached `GET /`).
    pub async fn version(&self, cancel: &CancellationToken) -> Result<Version> {
        Ok(self.info(cancel).await?.version.clone())
    }

    /// Fail with [`ClientError::VersionGate`] when the cluster lacks `feature`.
    pub async fn require(&self, feature: Feature, cancel: &CancellationToken) -> Result<()> {
        self.info(cancel).await?.require(feature)
    }

    /// `POST /_security/cross_cluster/api_key` (8.10+). Never retried once sent.
    pub async fn create_cross_cluster_api_key(
        &self,
        body: &CreateCrossClusterApiKey,
        cancel: &CancellationToken,
    ) -> Result<CreatedApiKey> {
        self.require(Feature::CrossClusterApiKeys, cancel).await?;
        if body.certificate_identity.is_some() {
            self.require(Feature::CertificateIdentity, cancel).await?;
        }
        let req = Req::new(Method::POST, "/_security/cross_cluster/api_key").json(body)?;
        self.fetch(&req, cancel).await
    }

    /// `PUT /_security/cross_cluster/api_key/{id}`; returns `updated`.
    pub async fn update_cross_cluster_api_key(
        &self,
        id: &str,
        body: &UpdateCrossClusterApiKey,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        self.require(Feature::CrossClusterApiKeys, cancel).await?;
        let req = Req::new(
            Method::PUT,
            format!("/_security/cross_cluster/api_key/{}", seg(id)),
        )
        .json(body)?;
        let v: Value = self.fetch(&req, cancel).await?;
        Ok(v.get("updated").and_then(Value::as_bool).unwrap_or(false))
    }

    /// `GET /_security/api_key?id=..`: `None` when no key has this id.
    pub async fn get_api_key(
        &self,
        id: &str,
        with_limited_by: bool,
        cancel: &CancellationToken,
    ) -> Result<Option<ApiKeyInfo>> {
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            api_keys: Vec<ApiKeyInfo>,
        }
        let mut req = Req::new(Method::GET, "/_security/api_key").query("id", id);
        if with_limited_by {
            req = req.query("with_limited_by", true);
        }
        let keys: Option<Keys> = self.fetch_found(&req, cancel).await?;
        Ok(keys.and_then(|k| k.api_keys.into_iter().find(|k| k.id == id)))
    }

    /// `GET /_security/api_key?active_only=true`: every active (not invalidated, not expired)
    /// key the caller may see.
    pub async fn get_active_api_keys(&self, cancel: &CancellationToken) -> Result<Vec<ApiKeyInfo>> {
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            api_keys: Vec<ApiKeyInfo>,
        }
        let req = Req::new(Method::GET, "/_security/api_key").query("active_only", true);
        let keys: Option<Keys> = self.fetch_found(&req, cancel).await?;
        Ok(keys.map(|k| k.api_keys).unwrap_or_default())
    }

    /// `DELETE /_security/api_key` with `{"ids": [...]}`. Unknown ids are not an error.
    pub async fn invalidate_api_keys(
        &self,
        ids: &[String],
        cancel: &CancellationToken,
    ) -> Result<InvalidateResult> {
        let req = Req::new(Method::DELETE, "/_security/api_key").json(&json!({ "ids": ids }))?;
        self.fetch(&req, cancel).await
    }

    /// `GET /_cluster/settings` (each section flattened, whatever `flat_settings` is used).
    pub async fn get_cluster_settings(
        &self,
        include_defaults: bool,
        cancel: &CancellationToken,
    ) -> Result<ClusterSettings> {
        let mut req = Req::new(Method::GET, "/_cluster/settings").query("flat_settings", true);
        let v: Value = if include_defaults {
            req = req.query("include_defaults", true);
            self.fetch(&req, cancel).await?
        } else {
            // Shared with concurrent readers (see [`super::shared`]).
            self.settings.get(|| self.fetch(&req, cancel)).await?
        };
        let section = |k: &str| v.get(k).map(flatten_settings).unwrap_or_default();
        Ok(ClusterSettings {
            persistent: section("persistent"),
            transient: section("transient"),
            defaults: section("defaults"),
        })
    }

    /// The persistent settings of remote `alias` (sub-key → value).
    pub async fn get_remote_cluster_settings(
        &self,
        alias: &str,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, Value>> {
        validate_alias(alias)?;
        let s = self.get_cluster_settings(false, cancel).await?;
        Ok(remote_settings_of(&s.persistent, alias))
    }

    /// `PUT /_cluster/settings` with `persistent` `cluster.remote.<alias>.<key>` entries only
    /// (`null` removes a key). Keys are sub-keys such as `mode` or `transport.compress`.
    /// Returns the acknowledged echo.
    pub async fn put_remote_cluster(
        &self,
        alias: &str,
        settings: &Map<String, Value>,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        validate_alias(alias)?;
        let mut persistent = Map::new();
        for (k, v) in settings {
            let key = k
                .strip_prefix(&format!("cluster.remote.{alias}."))
                .unwrap_or(k);
            if key.is_empty() || key.starts_with("cluster.") {
                return Err(ClientError::InvalidArgument(format!(
                    "setting {k:?} is not a setting of remote cluster {alias:?}"
                )));
            }
            persistent.insert(format!("cluster.remote.{alias}.{key}"), v.clone());
        }
        if persistent
            .iter()
            .any(|(k, v)| !v.is_null() && needs_proxy_mode(alias, k))
        {
            self.require(Feature::ProxyMode, cancel).await?;
        }
        let req = Req::new(Method::PUT, "/_cluster/settings")
            .json(&json!({ "persistent": persistent }))?;
        self.fetch(&req, cancel).await
    }

    /// Remove every persistent setting of remote `alias` (all set to `null` in one request).
    /// Returns false when the alias had no settings.
    pub async fn remove_remote_cluster(
        &self,
        alias: &str,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        let current = self.get_remote_cluster_settings(alias, cancel).await?;
        if current.is_empty() {
            return Ok(false);
        }
        let nulls = remote_settings_diff(alias, &current, &BTreeMap::new());
        self.put_remote_cluster(alias, &nulls, cancel).await?;
        Ok(true)
    }

    /// `GET /_remote/info`.
    pub async fn remote_info(
        &self,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, RemoteInfo>> {
        let req = Req::new(Method::GET, "/_remote/info");
        // Shared with concurrent readers (see [`super::shared`]).
        self.remote.get(|| self.fetch(&req, cancel)).await
    }

    /// `GET /_resolve/cluster/{pattern}` (8.13+), e.g. pattern `my_alias:*`.
    pub async fn resolve_cluster(
        &self,
        pattern: &str,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, ResolvedCluster>> {
        self.require(Feature::ResolveCluster, cancel).await?;
        let req = Req::new(Method::GET, format!("/_resolve/cluster/{}", seg(pattern)));
        self.fetch(&req, cancel).await
    }

    /// `POST /_nodes/reload_secure_settings` (repeatable, so retried like a GET).
    pub async fn reload_secure_settings(
        &self,
        keystore_password: Option<&Secret>,
        cancel: &CancellationToken,
    ) -> Result<ReloadResult> {
        let mut req = Req::new(Method::POST, "/_nodes/reload_secure_settings").idempotent(true);
        if let Some(pw) = keystore_password {
            req = req.json(&json!({ "secure_settings_password": pw.expose() }))?;
        }
        let v: Value = self.fetch(&req, cancel).await?;
        Ok(parse_reload(&v))
    }

    /// `PUT /_security/role/{name}` after checking the role's version gates; returns `created`.
    pub async fn put_role(
        &self,
        name: &str,
        role: &Role,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        let gates = role_gates(role);
        if !gates.is_empty() {
            let info = self.info(cancel).await?;
            for g in gates {
                info.require(g)?;
            }
        }
        let req = Req::new(Method::PUT, format!("/_security/role/{}", seg(name))).json(role)?;
        let v: Value = self.fetch(&req, cancel).await?;
        Ok(v.pointer("/role/created")
            .and_then(Value::as_bool)
            .unwrap_or(false))
    }

    /// `GET /_security/role/{name}`: `None` when the role does not exist.
    pub async fn get_role(&self, name: &str, cancel: &CancellationToken) -> Result<Option<Role>> {
        let req = Req::new(Method::GET, format!("/_security/role/{}", seg(name)));
        let Some(mut v) = self.fetch_found::<Map<String, Value>>(&req, cancel).await? else {
            return Ok(None);
        };
        match v.remove(name) {
            None => Ok(None),
            Some(r) => serde_json::from_value(r)
                .map(Some)
                .map_err(|e| ClientError::Decode {
                    method: "GET".into(),
                    path: req.path.clone(),
                    message: e.to_string(),
                }),
        }
    }

    /// `DELETE /_security/role/{name}`: false when it did not exist.
    pub async fn delete_role(&self, name: &str, cancel: &CancellationToken) -> Result<bool> {
        let req = Req::new(Method::DELETE, format!("/_security/role/{}", seg(name)));
        let v: Option<Value> = self.fetch_found(&req, cancel).await?;
        Ok(v.is_some_and(|v| v.get("found").and_then(Value::as_bool).unwrap_or(true)))
    }
}

fn es_error(req: &Req, resp: &Resp) -> ClientError {
    ClientError::Elasticsearch {
        method: req.method.to_string(),
        path: req.path.clone(),
        status: resp.status,
        cause: parse_es_error(&resp.body).map(Box::new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parse_and_order() {
        let cases = [
            ("8.14.0", Some((8, 14, 0, None))),
            ("9.1", Some((9, 1, 0, None))),
            ("7", Some((7, 0, 0, None))),
            ("9.1.0-SNAPSHOT", Some((9, 1, 0, Some("SNAPSHOT")))),
            ("", None),
            ("x.1", None),
            ("1.2.3.4", None),
        ];
        for (s, want) in cases {
            let got = Version::parse(s).map(|v| (v.major, v.minor, v.patch, v.pre));
            let want = want.map(|(a, b, c, p)| (a, b, c, p.map(str::to_string)));
            assert_eq!(got, want, "{s}");
        }
        let v = |s| Version::parse(s).unwrap();
        assert!(v("8.9.0") < v("8.10.0"));
        assert!(v("8.14.0-SNAPSHOT") < v("8.14.0"));
        assert!(v("10.0.0") > v("9.99.99"));
        assert_eq!(v("8.14.0").to_string(), "8.14.0");
        assert_eq!(v("9.1.0-rc1").to_string(), "9.1.0-rc1");
        assert!(v("8.15.2").at_least(8, 15));
        assert!(!v("8.14.9").at_least(8, 15));
    }

    #[test]
    fn version_gates_table() {
        let cases = [
            (Feature::ProxyMode, "7.6.2", false),
            (Feature::ProxyMode, "7.7.0", true),
            (Feature::CrossClusterApiKeys, "8.9.1", false),
            (Feature::CrossClusterApiKeys, "8.10.0", true),
            (Feature::RemoteIndices, "8.13.4", false),
            (Feature::RemoteIndices, "8.14.0", true),
            (Feature::KeystoreAutoReload, "8.12.2", false),
            (Feature::ResolveCluster, "8.13.0", true),
            (Feature::RemoteClusterPrivileges, "8.14.3", false),
            (Feature::RemoteClusterPrivileges, "8.15.0-SNAPSHOT", true),
            (Feature::MonitorStats, "8.16.1", false),
            (Feature::MonitorStats, "8.17.0", true),
            (Feature::CertificateIdentity, "9.2.9", false),
            (Feature::CertificateIdentity, "9.3.0", true),
        ];
        for (f, v, ok) in cases {
            let r = f.check(&Version::parse(v).unwrap());
            assert_eq!(r.is_ok(), ok, "{f:?} {v}");
            if let Err(e) = r {
                let msg = e.to_string();
                assert!(msg.contains(&f.min_version().to_string()), "{msg}");
                assert!(msg.contains(v), "{msg}");
            }
        }
        let e = Feature::RemoteClusterPrivileges
            .check(&Version::new(8, 12, 2))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "remote_cluster role privileges requires Elasticsearch 8.15.0 or later, but the cluster runs 8.12.2"
        );
    }

    #[test]
    fn cluster_info_and_serverless() {
        let v = json!({"name":"instance-0","cluster_name":"c1","cluster_uuid":"u1",
            "version":{"number":"8.12.2","build_flavor":"default"},"tagline":"You Know, for Search"});
        let i = parse_cluster_info(&v).unwrap();
        assert_eq!(i.cluster_name, "c1");
        assert_eq!(i.cluster_uuid, "u1");
        assert_eq!(i.version, Version::new(8, 12, 2));
        assert!(i.require(Feature::RemoteIndices).is_err());
        let mut s = i.clone();
        s.build_flavor = "serverless".into();
        assert!(s.require(Feature::RemoteIndices).is_ok());
        assert!(parse_cluster_info(&json!({"version": {}})).is_err());
    }

    #[test]
    fn access_serde() {
        let a: CrossClusterAccess = serde_json::from_value(json!({
            "search": [{"names": "logs*", "query": {"term": {"a": 1}}, "field_security": {"grant": ["*"]}, "allow_restricted_indices": false}],
            "replication": [{"names": ["archive*"]}]
        }))
        .unwrap();
        assert_eq!(a.search[0].names, vec!["logs*".to_string()]);
        assert_eq!(a.replication[0].names, vec!["archive*".to_string()]);
        let out = serde_json::to_value(&a).unwrap();
        assert_eq!(out["search"][0]["names"], json!(["logs*"]));
        assert_eq!(out["search"][0]["field_security"], json!({"grant": ["*"]}));
        assert!(
            out["replication"][0]
                .get("allow_restricted_indices")
                .is_none()
        );
        let only_search = CrossClusterAccess {
            search: vec![SearchAccess {
                names: vec!["x".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&only_search).unwrap(),
            json!({"search": [{"names": ["x"]}]})
        );
        let created: CreatedApiKey = serde_json::from_value(json!({
            "id": "id1", "name": "k", "api_key": "sekret-part", "encoded": "ZW5jb2RlZC1zZWNyZXQ="
        }))
        .unwrap();
        let dbg = format!("{created:?}");
        assert!(!dbg.contains("sekret-part") && !dbg.contains("ZW5jb2RlZC1zZWNyZXQ="));
        assert_eq!(created.encoded.expose(), "ZW5jb2RlZC1zZWNyZXQ=");
        let upd = UpdateCrossClusterApiKey {
            access: only_search.clone(),
            metadata: Some(json!({"env": "prod"})),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&upd).unwrap(),
            json!({"access": {"search": [{"names": ["x"]}]}, "metadata": {"env": "prod"}})
        );
    }

    #[test]
    fn api_key_gone() {
        let k = ApiKeyInfo {
            expiration: Some(1000),
            ..Default::default()
        };
        assert!(!k.is_gone(999));
        assert!(k.is_gone(1000));
        let k = ApiKeyInfo {
            invalidated: true,
            ..Default::default()
        };
        assert!(k.is_gone(0));
        assert!(!ApiKeyInfo::default().is_gone(i64::MAX));
    }

    #[test]
    fn flatten_and_remote_settings() {
        let nested = json!({"cluster": {"remote": {
            "a": {"mode": "proxy", "proxy_address": "x:9443", "transport": {"compress": "true"}},
            "ab": {"seeds": ["h:9300"], "mode": "sniff"}
        }}, "indices.recovery.max_bytes_per_sec": "50mb"});
        let flat = flatten_settings(&nested);
        assert_eq!(flat["cluster.remote.a.transport.compress"], json!("true"));
        assert_eq!(flat["cluster.remote.ab.seeds"], json!(["h:9300"]));
        assert_eq!(flat["indices.recovery.max_bytes_per_sec"], json!("50mb"));
        let a = remote_settings_of(&flat, "a");
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(a["mode"], json!("proxy"));
        assert!(!a.contains_key("seeds"), "alias a must not see ab's keys");
        assert_eq!(
            remote_aliases(&flat),
            vec!["a".to_string(), "ab".to_string()]
        );
        let from_flat = flatten_settings(&json!({"cluster.remote.a.mode": "proxy"}));
        assert_eq!(remote_settings_of(&from_flat, "a")["mode"], json!("proxy"));
    }

    #[test]
    fn remote_diff_table() {
        let m = |v: Value| -> BTreeMap<String, Value> {
            v.as_object().unwrap().clone().into_iter().collect()
        };
        let cases = [
            (
                "create",
                json!({}),
                json!({"mode": "proxy", "proxy_address": "h:9443", "skip_unavailable": true}),
                json!({"cluster.remote.r.mode": "proxy", "cluster.remote.r.proxy_address": "h:9443", "cluster.remote.r.skip_unavailable": true}),
            ),
            (
                "no change with string-typed read back",
                json!({"mode": "proxy", "proxy_socket_connections": "18", "skip_unavailable": "true"}),
                json!({"mode": "proxy", "proxy_socket_connections": 18, "skip_unavailable": true}),
                json!({}),
            ),
            (
                "switch proxy to sniff nulls proxy keys",
                json!({"mode": "proxy", "proxy_address": "h:9400", "server_name": "h"}),
                json!({"mode": "sniff", "seeds": ["h:1"], "proxy": "h:9400"}),
                json!({"cluster.remote.r.mode": "sniff", "cluster.remote.r.seeds": ["h:1"], "cluster.remote.r.proxy": "h:9400",
                       "cluster.remote.r.proxy_address": null, "cluster.remote.r.server_name": null}),
            ),
            (
                "delete",
                json!({"mode": "proxy", "proxy_address": "h:9400"}),
                json!({}),
                json!({"cluster.remote.r.mode": null, "cluster.remote.r.proxy_address": null}),
            ),
            (
                "explicit null only for present keys",
                json!({"mode": "proxy"}),
                json!({"mode": "proxy", "server_name": null}),
                json!({}),
            ),
        ];
        for (name, cur, want, body) in cases {
            let got = remote_settings_diff("r", &m(cur), &m(want));
            assert_eq!(Value::Object(got), body, "{name}");
        }
    }

    #[test]
    fn alias_validation() {
        for ok in ["a", "my-remote_1", "A9"] {
            assert!(validate_alias(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a.b", "a*", "a b", "x/y"] {
            assert!(validate_alias(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_serde_and_gates() {
        let role: Role = serde_json::from_value(json!({
            "cluster": ["monitor"],
            "indices": [{"names": ["logs"], "privileges": ["read"], "allow_restricted_indices": false}],
            "remote_indices": [{"clusters": ["r*"], "names": ["logs*"], "privileges": ["read"], "query": "{\"match_all\":{}}"}],
            "remote_cluster": [{"clusters": ["r1"], "privileges": ["monitor_enrich", "monitor_stats"]}],
            "applications": [], "run_as": [], "metadata": {"v": 1}, "transient_metadata": {"enabled": true}
        }))
        .unwrap();
        assert_eq!(role.extra["transient_metadata"], json!({"enabled": true}));
        assert_eq!(
            role_gates(&role),
            vec![
                Feature::RemoteIndices,
                Feature::RemoteClusterPrivileges,
                Feature::MonitorStats
            ]
        );
        let out = serde_json::to_value(&role).unwrap();
        assert_eq!(out["remote_indices"][0]["clusters"], json!(["r*"]));
        assert_eq!(out["metadata"], json!({"v": 1}));
        let plain = Role {
            cluster: vec!["all".into()],
            ..Default::default()
        };
        assert!(role_gates(&plain).is_empty());
        let v = serde_json::to_value(&plain).unwrap();
        assert!(v.get("remote_indices").is_none() && v.get("remote_cluster").is_none());
    }

    #[test]
    fn remote_info_and_reload() {
        let v = json!({"r": {"connected": true, "mode": "proxy", "proxy_address": "h:9443", "server_name": "h",
            "num_proxy_sockets_connected": 18, "max_proxy_socket_connections": 18, "initial_connect_timeout": "30s",
            "skip_unavailable": true, "cluster_credentials": "::es_redacted::"},
            "s": {"connected": false, "mode": "sniff", "seeds": ["a:9300"], "num_nodes_connected": 0,
            "max_connections_per_cluster": 3, "initial_connect_timeout": "30s", "skip_unavailable": false}});
        let m: BTreeMap<String, RemoteInfo> = serde_json::from_value(v).unwrap();
        assert!(m["r"].credentials_configured() && m["r"].connected);
        assert!(!m["s"].credentials_configured());
        assert_eq!(m["s"].seeds, vec!["a:9300".to_string()]);
        let r = parse_reload(
            &json!({"_nodes": {"total": 2, "successful": 2, "failed": 0}, "cluster_name": "c",
            "nodes": {"n1": {"name": "node-1"}, "n2": {"name": "node-2", "reload_exception": {"type": "x", "reason": "bad keystore"}}}}),
        );
        assert_eq!((r.total, r.successful, r.failed), (2, 2, 0));
        assert_eq!(r.failures, vec!["node-2: bad keystore".to_string()]);
    }
}
