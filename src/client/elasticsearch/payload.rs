//! Elasticsearch's bodies and the pure functions over them: versions and gates, cross-cluster
//! API keys, cluster settings and remote clusters, roles.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::super::{ClientError, Result, Secret};

// ---------------------------------------------------------------------------------------------
// Versions and gates
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

/// Features gated on the Elasticsearch version (ARCHITECTURE.md, "Elasticsearch: cross-cluster keys, settings, roles").
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
// Cross-cluster API keys
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
    /// Certificate identity (9.3+): `None` leaves it as it is, `Some(None)` clears it (sent as
    /// an explicit `null`), `Some(Some(pattern))` replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_identity: Option<Option<String>>,
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
// Cluster settings and remote clusters
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
        // The alias's signing settings belong to its signing configuration, and
        // `cluster.remote.signing.*` is the remote side's global trust, not an alias.
        .filter(|(rest, _)| !rest.starts_with("signing.") && !is_global_signing_key(alias, rest))
        .collect()
}

/// The global strong-identity settings of a remote (fulfilling) cluster (9.3+), which share
/// the `cluster.remote.` prefix with the aliases.
pub const GLOBAL_SIGNING_KEYS: &[&str] = &[
    "cluster.remote.signing.certificate_authorities",
    "cluster.remote.signing.truststore.path",
    "cluster.remote.signing.truststore.type",
    "cluster.remote.signing.truststore.algorithm",
    "cluster.remote.signing.diagnose.trust",
];

fn is_global_signing_key(alias: &str, rest: &str) -> bool {
    alias == "signing"
        && GLOBAL_SIGNING_KEYS.contains(&format!("cluster.remote.signing.{rest}").as_str())
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
pub(super) fn needs_proxy_mode(alias: &str, key: &str) -> bool {
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
// Roles
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
