//! `crosscluster_remote_cluster`: one remote-cluster alias of the provider's `elasticsearch`
//! cluster, written with `PUT _cluster/settings` (persistent) and touching only
//! `cluster.remote.<alias>.*` (api-facts.md B.2, B.3, C).
//!
//! The resource checks what it can at plan time (address format, keys of the wrong mode, version
//! gates when the cluster's version is known), switches modes in one request that nulls the
//! other mode's keys, and, with `wait_for_connection`, polls `_remote/info` until the alias is
//! connected. When it does not connect in time, the diagnostic explains why: the reason
//! `_resolve/cluster` gives (8.13+) plus the provider's own checks (port 9400 vs 9443 for the
//! security model in use, credentials missing, which side of a certificate trust is missing).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::{Value as Json, json};

use crate::client::elasticsearch::{
    Feature, RemoteInfo, Version, remote_settings_diff, validate_alias,
};
use crate::client::{ClientError, EsClient};
use crate::framework::decode::{ObjectReader, number_value, opt_string_value, set_attr};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, Timeouts, UpdateRequest, cancelled, import_by_id,
};
use crate::framework::value::{Type, Value};

use crate::provider::common::{api_error, configured};

/// Port of the Elastic Cloud proxy for the certificate (mTLS transport) model.
pub const CERTIFICATE_PORT: u16 = 9400;
/// Port of the Elastic Cloud proxy (and self-managed default) for the API-key model.
pub const API_KEY_PORT: u16 = 9443;

/// How long `wait_for_connection` waits when no timeout is configured.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// The resource type.
pub struct RemoteClusterResource;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

fn alias_check() -> Validator {
    Validator::custom(|v, path, diags| {
        if let Value::String(s) = v
            && validate_alias(s).is_err()
        {
            diags.attribute_error(
                path.clone(),
                "Invalid remote cluster alias",
                format!(
                    "{s:?} is not a valid alias: use only letters, digits, '-' and '_' (the alias becomes part of the setting names cluster.remote.<alias>.*)."
                ),
            );
        }
    })
}

fn host_port_check() -> Validator {
    Validator::custom(|v, path, diags| {
        let mut check = |s: &str, p: AttributePath| {
            if let Err(e) = parse_host_port(s) {
                diags.attribute_error(p, "Invalid address", e);
            }
        };
        match v {
            Value::String(s) => check(s, path.clone()),
            Value::List(items) | Value::Set(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::String(s) = item {
                        check(s, path.clone().index(i as i64));
                    }
                }
            }
            _ => {}
        }
    })
}

fn positive_check() -> Validator {
    Validator::custom(|v, path, diags| {
        if let Value::Number(n) = v
            && n.to_i64().is_none_or(|n| n < 1)
        {
            diags.attribute_error(
                path.clone(),
                "Invalid number of connections",
                "must be a whole number of at least 1",
            );
        }
    })
}

/// The schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "One remote cluster alias of the cluster behind the provider's `elasticsearch` \
                 connection (the *local* cluster of cross-cluster search and replication), for \
                 either security model and any kind of remote: Elastic Cloud, ECE or \
                 self-managed.\n\
                 \n\
                 Uses the provider's `elasticsearch` connection: `PUT _cluster/settings` with \
                 persistent settings. Only the settings `cluster.remote.<alias>.*` of this alias \
                 are written; other aliases and every other cluster setting are left as they are, \
                 and destroy clears only this alias's settings. The keystore entry \
                 `cluster.remote.<alias>.credentials` is not managed here (see \
                 `crosscluster_keystore_api_key`).\n\
                 \n\
                 **Port 9443 or 9400.** Elastic Cloud and ECE deployments are reached through \
                 their proxy in `proxy` mode, with `server_name` set to the remote's endpoint, on \
                 the port of the security model:\n- **API-key model**: `proxy_address = \
                 \"<endpoint>:9443\"`, plus the remote's cross-cluster API key in the local \
                 keystore as `cluster.remote.<alias>.credentials` under the **same alias** \
                 (`crosscluster_keystore_api_key`, or the `keystore` block of \
                 `crosscluster_api_key`). Elasticsearch 8.10+ on both sides (8.14+ on Elastic \
                 Cloud); `credentials_configured` reads true.\n- **Certificate model**: \
                 `proxy_address = \"<endpoint>:9400\"`, no credentials for the alias, and each \
                 deployment trusting the other (`crosscluster_trusted_environment` on both \
                 sides).\n\
                 \n\
                 An alias on the wrong port for its model never connects. The \
                 `crosscluster_deployment` data source gives both addresses \
                 (`api_key_proxy_address`, `certificate_proxy_address`) and the `endpoint`; \
                 `provider::crosscluster::proxy_address(endpoint, model)` builds them. \
                 Elasticsearch 6.7 to 7.6 has no proxy mode: use `mode = \"sniff\"`, `seeds = \
                 [\"<endpoint>:1\"]` and `legacy_proxy = \"<endpoint>:9400\"`.\n\
                 \n\
                 With `wait_for_connection` (the default) create and update wait until \
                 `_remote/info` reports the alias connected (see `timeouts`; default 5 minutes) \
                 and otherwise fail with the reason (wrong port for the security model, missing \
                 credentials, missing trust on either side, or what `_resolve/cluster` reports on \
                 8.13+), putting the alias's settings back as they were. Switching `mode` updates \
                 the alias in place, in one request that clears the other mode's settings.\n\
                 \n\
                 Import with the alias: `terraform import crosscluster_remote_cluster.example \
                 <alias>`.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The alias (same as `alias`; also the import id)."),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .requires_replace()
                    .validator(alias_check())
                    .description("The remote cluster alias: letters, digits, `-` and `_`. It prefixes remote index names (`<alias>:<index>`) and, with the API-key model, must equal the alias of the keystore entry `cluster.remote.<alias>.credentials` (then lowercase only)."),
            )
            .attribute(
                Attribute::string("mode")
                    .optional()
                    .computed()
                    .default_value(Value::String("proxy".into()))
                    .validator(Validator::one_of(["proxy", "sniff"]))
                    .description("Connection mode: `proxy` (the only mode Elastic Cloud and ECE support directly; Elasticsearch 7.7+) or `sniff` (seed nodes; with `legacy_proxy` for 6.7-7.6 deployments behind a Cloud proxy). Changing it updates the alias in place."),
            )
            .attribute(
                Attribute::string("proxy_address")
                    .optional()
                    .validator(host_port_check())
                    .description("Proxy mode: the remote's `host:port`: on Elastic Cloud and ECE `<endpoint>:9443` for the API-key model or `<endpoint>:9400` for the certificate model (`api_key_proxy_address` / `certificate_proxy_address` of the `crosscluster_deployment` data source)."),
            )
            .attribute(
                Attribute::string("server_name")
                    .optional()
                    .description("Proxy mode: the TLS server name (SNI) sent to the proxy; on Elastic Cloud and ECE the remote deployment's endpoint, without port (`endpoint` of the `crosscluster_deployment` data source)."),
            )
            .attribute(
                Attribute::number("proxy_socket_connections")
                    .optional()
                    .validator(positive_check())
                    .description("Proxy mode: number of sockets to open to the proxy (Elasticsearch default 18)."),
            )
            .attribute(
                Attribute::list("seeds", Type::String)
                    .optional()
                    .validator(host_port_check())
                    .description("Sniff mode: seed nodes as `host:port`. With `legacy_proxy` the seed's port is never dialled, so `<endpoint>:1` is fine."),
            )
            .attribute(
                Attribute::number("node_connections")
                    .optional()
                    .validator(positive_check())
                    .description("Sniff mode: number of gateway nodes to connect to (Elasticsearch default 3; 7.7+)."),
            )
            .attribute(
                Attribute::string("legacy_proxy")
                    .optional()
                    .validator(host_port_check())
                    .description("Sniff mode: the `host:port` every connection goes through (the setting `cluster.remote.<alias>.proxy`), for Elasticsearch 6.7-7.6 reaching a deployment through an Elastic Cloud proxy, usually `<endpoint>:9400` (certificate model)."),
            )
            .attribute(
                Attribute::bool("skip_unavailable")
                    .optional()
                    .computed()
                    .description("Whether searches skip this cluster when it is unavailable. When not set, the cluster's default is kept and read back (true from Elasticsearch 8.15, false before)."),
            )
            .attribute(
                Attribute::string("transport_compress")
                    .optional()
                    .validator(Validator::one_of(["true", "false", "indexing_data"]))
                    .description("Transport compression for this remote: `true`, `false` or `indexing_data`, as a string (default: the cluster's `transport.compress`)."),
            )
            .attribute(
                Attribute::string("transport_ping_schedule")
                    .optional()
                    .description("Interval of transport pings to this remote, e.g. `30s` (default: the cluster's `transport.ping_schedule`, `-1` meaning none)."),
            )
            .attribute(
                Attribute::bool("wait_for_connection")
                    .optional()
                    .computed()
                    .default_value(Value::Bool(true))
                    .description("Wait after create and update until `_remote/info` reports the alias as connected, within the create/update timeout (default 5 minutes); on timeout the apply fails with the reason and the settings are put back as they were. Set it to false for a remote that is not reachable yet."),
            )
            .attribute(
                Attribute::bool("connected")
                    .computed()
                    .description("Whether `_remote/info` reported the alias as connected at the last read. Elasticsearch connects lazily and does not reconnect idle remotes by itself, so false after a quiet period is not necessarily a problem."),
            )
            .attribute(
                Attribute::bool("credentials_configured")
                    .computed()
                    .description("Whether the local cluster has credentials loaded for this alias (`cluster.remote.<alias>.credentials` in the keystore): true means the API-key model (port 9443) is in use, false the certificate model (port 9400)."),
            )
            .block(Timeouts::block(&[TimeoutOp::Create, TimeoutOp::Update])),
    )
}

// ---------------------------------------------------------------------------------------------
// Model and pure functions
// ---------------------------------------------------------------------------------------------

/// Connection mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `proxy` (7.7+).
    Proxy,
    /// `sniff`.
    Sniff,
}

impl Mode {
    /// Parse `proxy` / `sniff` (case-insensitive, as Elasticsearch does).
    pub fn parse(s: &str) -> Option<Mode> {
        match s.to_ascii_lowercase().as_str() {
            "proxy" => Some(Mode::Proxy),
            "sniff" => Some(Mode::Sniff),
            _ => None,
        }
    }

    /// The setting value.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Proxy => "proxy",
            Mode::Sniff => "sniff",
        }
    }
}

/// Attributes that only make sense in proxy mode.
pub const PROXY_ATTRS: &[&str] = &["proxy_address", "server_name", "proxy_socket_connections"];
/// Attributes that only make sense in sniff mode.
pub const SNIFF_ATTRS: &[&str] = &["seeds", "node_connections", "legacy_proxy"];

/// Setting sub-keys this resource manages; any other key of the alias is preserved on update.
pub const MANAGED_KEYS: &[&str] = &[
    "mode",
    "proxy_address",
    "server_name",
    "proxy_socket_connections",
    "seeds",
    "node_connections",
    "proxy",
    "skip_unavailable",
    "transport.compress",
    "transport.ping_schedule",
];

/// Split and check a `host:port` address as Elasticsearch does; returns host and port.
pub fn parse_host_port(s: &str) -> Result<(String, u16), String> {
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!(
            "{s:?} must be written as host:port (e.g. \"<endpoint>:9443\"): Elasticsearch rejects an address without a port"
        ));
    };
    if host.is_empty() || host.chars().any(char::is_whitespace) {
        return Err(format!(
            "{s:?} must be written as host:port with a host name"
        ));
    }
    match port.parse::<u32>() {
        Ok(p) if (1..=65535).contains(&p) => Ok((host.to_string(), p as u16)),
        _ => Err(format!(
            "{s:?} has an invalid port {port:?}: expected a number from 1 to 65535"
        )),
    }
}

/// The desired configuration of one alias.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteCluster {
    /// Alias.
    pub alias: String,
    /// Mode (`None` only while unknown).
    pub mode: Option<Mode>,
    /// Proxy address.
    pub proxy_address: Option<String>,
    /// TLS server name.
    pub server_name: Option<String>,
    /// Proxy sockets.
    pub proxy_socket_connections: Option<i64>,
    /// Sniff seeds (`None` when not configured).
    pub seeds: Option<Vec<String>>,
    /// Sniff node connections.
    pub node_connections: Option<i64>,
    /// Legacy `proxy` setting.
    pub legacy_proxy: Option<String>,
    /// Skip unavailable, when configured.
    pub skip_unavailable: Option<bool>,
    /// Transport compression.
    pub transport_compress: Option<String>,
    /// Ping schedule.
    pub transport_ping_schedule: Option<String>,
    /// Wait until connected.
    pub wait_for_connection: bool,
}

impl RemoteCluster {
    /// Reads the model from a planned state; `skip_unavailable` comes from the configuration
    /// (null there means "keep the cluster's default").
    pub fn from_values(planned: &Value, config: &Value) -> Result<RemoteCluster, Diagnostics> {
        let r = ObjectReader::root(planned)?;
        let c = ObjectReader::root(config)?;
        let mode = match r.opt_string("mode")? {
            Some(m) => Some(Mode::parse(&m).ok_or_else(|| {
                Diagnostic::attribute_error(
                    r.path_of("mode"),
                    "Invalid mode",
                    format!("{m:?} is not a mode: use \"proxy\" or \"sniff\""),
                )
            })?),
            None => Some(Mode::Proxy),
        };
        Ok(RemoteCluster {
            alias: r.string("alias")?,
            mode,
            proxy_address: r.opt_string("proxy_address")?,
            server_name: r.opt_string("server_name")?,
            proxy_socket_connections: r.opt_i64("proxy_socket_connections")?,
            seeds: if r.is_null("seeds") {
                None
            } else {
                Some(r.string_list("seeds")?)
            },
            node_connections: r.opt_i64("node_connections")?,
            legacy_proxy: r.opt_string("legacy_proxy")?,
            skip_unavailable: if c.is_unknown("skip_unavailable") {
                r.opt_bool("skip_unavailable").ok().flatten()
            } else {
                c.opt_bool("skip_unavailable")?
            },
            transport_compress: r.opt_string("transport_compress")?,
            transport_ping_schedule: r.opt_string("transport_ping_schedule")?,
            wait_for_connection: r.opt_bool("wait_for_connection")?.unwrap_or(true),
        })
    }

    /// The address connections go to: `proxy_address` (proxy) or `legacy_proxy` (sniff).
    pub fn dial_address(&self) -> Option<&str> {
        match self.mode {
            Some(Mode::Sniff) => self.legacy_proxy.as_deref(),
            _ => self.proxy_address.as_deref(),
        }
    }

    /// The attribute holding [`RemoteCluster::dial_address`].
    pub fn dial_attribute(&self) -> &'static str {
        match self.mode {
            Some(Mode::Sniff) => "legacy_proxy",
            _ => "proxy_address",
        }
    }

    /// The settings (sub-key → value) this configuration wants on a cluster of `version`.
    /// Before 7.7 there is no `mode` setting (sniff is implied), so it is left out there.
    pub fn desired_settings(&self, version: Option<&Version>) -> BTreeMap<String, Json> {
        let mut out = BTreeMap::new();
        let has_mode_setting = version.is_none_or(|v| Feature::ProxyMode.check(v).is_ok());
        let mode = self.mode.unwrap_or(Mode::Proxy);
        if has_mode_setting || mode == Mode::Proxy {
            out.insert("mode".to_string(), json!(mode.as_str()));
        }
        match mode {
            Mode::Proxy => {
                if let Some(a) = &self.proxy_address {
                    out.insert("proxy_address".into(), json!(a));
                }
                if let Some(s) = &self.server_name {
                    out.insert("server_name".into(), json!(s));
                }
                if let Some(n) = self.proxy_socket_connections {
                    out.insert("proxy_socket_connections".into(), json!(n));
                }
            }
            Mode::Sniff => {
                if let Some(s) = self.seeds.as_ref().filter(|s| !s.is_empty()) {
                    out.insert("seeds".into(), json!(s));
                }
                if let Some(n) = self.node_connections {
                    out.insert("node_connections".into(), json!(n));
                }
                if let Some(p) = &self.legacy_proxy {
                    out.insert("proxy".into(), json!(p));
                }
            }
        }
        if let Some(b) = self.skip_unavailable {
            out.insert("skip_unavailable".into(), json!(b));
        }
        if let Some(c) = &self.transport_compress {
            out.insert("transport.compress".into(), json!(c));
        }
        if let Some(p) = &self.transport_ping_schedule {
            out.insert("transport.ping_schedule".into(), json!(p));
        }
        out
    }
}

/// `desired` plus every key of `current` this resource does not manage (kept as it is).
pub fn with_unmanaged(
    current: &BTreeMap<String, Json>,
    mut desired: BTreeMap<String, Json>,
) -> BTreeMap<String, Json> {
    for (k, v) in current {
        if !MANAGED_KEYS.contains(&k.as_str()) {
            desired.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    desired
}

/// Plan-time checks of a configuration (values may be unknown): attributes of the other mode,
/// the address each mode needs. Attribute paths point at the offending line.
pub fn config_problems(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(r) = ObjectReader::root(config) else {
        return diags;
    };
    let mode = match r.value_or_null("mode") {
        Value::Null => Some(Mode::Proxy),
        Value::String(s) => Mode::parse(s),
        _ => None,
    };
    let Some(mode) = mode else {
        return diags;
    };
    let (wrong, right_mode) = match mode {
        Mode::Proxy => (SNIFF_ATTRS, "sniff"),
        Mode::Sniff => (PROXY_ATTRS, "proxy"),
    };
    let is_set = |name: &str| match r.value_or_null(name) {
        Value::Null => false,
        Value::List(l) => !l.is_empty(),
        _ => true,
    };
    for name in wrong {
        if is_set(name) {
            diags.attribute_error(
                r.path_of(name),
                "Attribute of the other connection mode",
                format!(
                    "{name} is a {right_mode}-mode setting, but mode is \"{}\"{}. Remove {name}, or set mode = \"{right_mode}\".",
                    mode.as_str(),
                    if r.is_null("mode") { " (the default)" } else { "" }
                ),
            );
        }
    }
    match mode {
        Mode::Proxy => {
            if r.is_null("proxy_address") {
                diags.attribute_error(
                    r.path_of("proxy_address"),
                    "Missing proxy_address",
                    "Proxy mode needs proxy_address (host:port): \"<endpoint>:9443\" for the API-key model or \"<endpoint>:9400\" for the certificate model.",
                );
            }
        }
        Mode::Sniff => {
            if matches!(r.value_or_null("seeds"), Value::Null)
                || matches!(r.value_or_null("seeds"), Value::List(l) if l.is_empty())
            {
                diags.attribute_error(
                    r.path_of("seeds"),
                    "Missing seeds",
                    "Sniff mode needs at least one seed (host:port); with legacy_proxy use \"<endpoint>:1\" (the seed's port is never dialled).",
                );
            }
        }
    }
    diags
}

/// Version gates of a configuration (api-facts.md B.2, B.7), with attribute paths.
pub fn version_problems(config: &Value, version: &Version) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(r) = ObjectReader::root(config) else {
        return diags;
    };
    if Feature::ProxyMode.check(version).is_ok() {
        return diags;
    }
    let mode_is_proxy = matches!(r.value_or_null("mode"), Value::Null)
        || matches!(r.value_or_null("mode"), Value::String(s) if s.eq_ignore_ascii_case("proxy"));
    if mode_is_proxy {
        diags.attribute_error(
            r.path_of("mode"),
            "Proxy mode needs Elasticsearch 7.7",
            format!(
                "Proxy mode remote clusters require Elasticsearch 7.7.0 or later, but this cluster runs {version}{}. \
                 For 6.7-7.6 use mode = \"sniff\" with seeds = [\"<endpoint>:1\"] and legacy_proxy = \"<endpoint>:9400\" (certificate model).",
                if r.is_null("mode") { " (mode defaults to \"proxy\")" } else { "" }
            ),
        );
    }
    for name in [
        "node_connections",
        "proxy_socket_connections",
        "server_name",
    ] {
        // Proxy-mode attributes under proxy mode are covered by the mode diagnostic above.
        let covered = mode_is_proxy && PROXY_ATTRS.contains(&name);
        if !covered && !r.is_null(name) {
            diags.attribute_error(
                r.path_of(name),
                "Setting needs Elasticsearch 7.7",
                format!(
                    "{name} requires Elasticsearch 7.7.0 or later, but this cluster runs {version}."
                ),
            );
        }
    }
    diags
}

fn setting_string(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

fn setting_i64(v: Option<&Json>) -> Value {
    v.and_then(setting_string)
        .and_then(|s| s.parse::<i64>().ok())
        .map_or(Value::Null, number_value)
}

fn setting_bool(v: Option<&Json>) -> Option<bool> {
    match v? {
        Json::Bool(b) => Some(*b),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn setting_list(v: Option<&Json>) -> Option<Vec<String>> {
    match v? {
        Json::Array(a) => Some(a.iter().filter_map(setting_string).collect()),
        Json::String(s) if !s.is_empty() => {
            Some(s.split(',').map(|x| x.trim().to_string()).collect())
        }
        _ => None,
    }
}

/// The state of alias `alias` from its persistent settings (sub-key → value) and its
/// `_remote/info` entry. `prior` supplies what the API does not hold: `wait_for_connection`,
/// `timeouts`, and the form of an empty `seeds` list.
pub fn to_state(
    alias: &str,
    settings: &BTreeMap<String, Json>,
    info: Option<&RemoteInfo>,
    prior: &Value,
) -> Value {
    let prior_attr = |n: &str| prior.get_attr(n).cloned().unwrap_or(Value::Null);
    let s = |k: &str| settings.get(k).and_then(setting_string);
    let mode = s("mode")
        .and_then(|m| Mode::parse(&m))
        .unwrap_or(Mode::Sniff);
    let seeds = match setting_list(settings.get("seeds")) {
        Some(list) if !list.is_empty() => {
            Value::List(list.into_iter().map(Value::String).collect())
        }
        _ => match prior_attr("seeds") {
            Value::List(l) if l.is_empty() => Value::List(Vec::new()),
            _ => Value::Null,
        },
    };
    let skip =
        setting_bool(settings.get("skip_unavailable")).or_else(|| info.map(|i| i.skip_unavailable));
    let wait = match prior_attr("wait_for_connection") {
        Value::Bool(b) => Value::Bool(b),
        _ => Value::Bool(true),
    };
    let timeouts = match prior_attr("timeouts") {
        Value::Unknown(_) => Value::Null,
        v => v,
    };
    Value::object([
        ("id", Value::String(alias.to_string())),
        ("alias", Value::String(alias.to_string())),
        ("mode", Value::String(mode.as_str().to_string())),
        ("proxy_address", opt_string_value(s("proxy_address"))),
        ("server_name", opt_string_value(s("server_name"))),
        (
            "proxy_socket_connections",
            setting_i64(settings.get("proxy_socket_connections")),
        ),
        ("seeds", seeds),
        (
            "node_connections",
            setting_i64(settings.get("node_connections")),
        ),
        ("legacy_proxy", opt_string_value(s("proxy"))),
        ("skip_unavailable", skip.map_or(Value::Null, Value::Bool)),
        (
            "transport_compress",
            opt_string_value(s("transport.compress")),
        ),
        (
            "transport_ping_schedule",
            opt_string_value(s("transport.ping_schedule")),
        ),
        ("wait_for_connection", wait),
        ("connected", Value::Bool(info.is_some_and(|i| i.connected))),
        (
            "credentials_configured",
            Value::Bool(info.is_some_and(RemoteInfo::credentials_configured)),
        ),
        ("timeouts", timeouts),
    ])
}

/// Which side of a certificate-model connection lacks trust, as far as an error text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustGap {
    /// The local cluster does not trust the remote's certificate.
    LocalDoesNotTrustRemote,
    /// The remote cluster rejects the local cluster's certificate.
    RemoteDoesNotTrustLocal,
}

/// Classify an error text: the simulator's and Elastic Cloud's wording, and the TLS errors a
/// JVM reports (PKIX failures on our side; `bad_certificate` / `certificate_unknown` alerts sent
/// back by the remote).
pub fn trust_gap(error: &str) -> Option<TrustGap> {
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
pub struct Observation {
    /// The `_remote/info` entry, if the alias is listed.
    pub info: Option<RemoteInfo>,
    /// The `_resolve/cluster` error text (8.13+), if any.
    pub resolve_error: Option<String>,
    /// Why `_resolve/cluster` was not consulted (version) or failed.
    pub resolve_note: Option<String>,
}

/// The diagnostic for an alias that did not connect within `waited`: the reason Elasticsearch
/// gives, then the provider's own checks of port, credentials and trust.
pub fn not_connected_diagnostic(
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
    let dial = model.dial_address().and_then(|a| parse_host_port(a).ok());
    let attr = model.dial_attribute();
    let mut path = None;
    if let Some((host, port)) = &dial {
        if *port == CERTIFICATE_PORT && creds {
            lines.push(format!(
                "Wrong port for the security model: credentials are configured for \"{alias}\" (cluster.remote.{alias}.credentials in the keystore), which selects the API-key model, but port {CERTIFICATE_PORT} is the certificate (mTLS) port. The API-key model uses port {API_KEY_PORT}: set {attr} = \"{host}:{API_KEY_PORT}\"."
            ));
            path = Some(AttributePath::root().attr(attr));
        } else if *port == API_KEY_PORT && !creds {
            lines.push(format!(
                "Wrong port or missing credentials: port {API_KEY_PORT} is the API-key model's port, but no credentials are loaded for \"{alias}\". Store a cross-cluster API key of the remote cluster in this deployment's keystore as cluster.remote.{alias}.credentials (crosscluster_keystore_api_key fed from crosscluster_api_key.encoded, or sealed delivery with the keystore block of crosscluster_api_key; before 8.14 the deployment also needs a restart), or, for the certificate model, use port {CERTIFICATE_PORT}: {attr} = \"{host}:{CERTIFICATE_PORT}\"."
            ));
            path = Some(AttributePath::root().attr(attr));
        } else if *port != CERTIFICATE_PORT && *port != API_KEY_PORT && host.contains(".found.") {
            lines.push(format!(
                "Port {port} is not served by the Elastic Cloud proxy: use {CERTIFICATE_PORT} for the certificate model or {API_KEY_PORT} for the API-key model."
            ));
            path = Some(AttributePath::root().attr(attr));
        }
        let certificate_model = !creds && *port != API_KEY_PORT;
        if certificate_model && path.is_none() {
            let gap = obs.resolve_error.as_deref().and_then(trust_gap);
            lines.push(match gap {
                Some(TrustGap::LocalDoesNotTrustRemote) => format!(
                    "Certificate model: this (local) cluster does not trust the remote cluster at {host}. Add a trusted environment for the remote's organization, ECE environment or CA on THIS deployment (crosscluster_trusted_environment on the local deployment). The remote must trust this cluster as well."
                ),
                Some(TrustGap::RemoteDoesNotTrustLocal) => format!(
                    "Certificate model: the remote cluster at {host} does not trust this (local) cluster. Add a trusted environment for this deployment's organization, ECE environment or CA on the REMOTE deployment (crosscluster_trusted_environment with the remote's cloud connection). Trust is needed on both sides."
                ),
                None => "Certificate model: both deployments must trust each other (crosscluster_trusted_environment on each side, for the other's organization, ECE environment or CA), and the trust change must have finished applying on both.".to_string(),
            });
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

// ---------------------------------------------------------------------------------------------
// API work
// ---------------------------------------------------------------------------------------------

fn es_diag(what: &str, e: &ClientError) -> Diagnostics {
    Diagnostics::from(api_error(what, e))
}

async fn observe(
    es: &EsClient,
    alias: &str,
    ctx: &CallContext,
) -> Result<Observation, Diagnostics> {
    let mut obs = Observation::default();
    match es.info(&ctx.cancel).await {
        Ok(info) if info.require(Feature::ResolveCluster).is_ok() => {
            match es.resolve_cluster(&format!("{alias}:*"), &ctx.cancel).await {
                Ok(m) => obs.resolve_error = m.get(alias).and_then(|r| r.error.clone()),
                Err(e) => obs.resolve_note = Some(format!("_resolve/cluster failed: {e}")),
            }
        }
        Ok(info) => {
            obs.resolve_note = Some(format!(
                "(Elasticsearch {} has no _resolve/cluster, which needs 8.13, so the reason below comes from the provider's own checks only.)",
                info.version
            ));
        }
        Err(e) => return Err(es_diag("to read the cluster version", &e)),
    }
    let infos = es
        .remote_info(&ctx.cancel)
        .await
        .map_err(|e| es_diag("to read _remote/info", &e))?;
    obs.info = infos.get(alias).cloned();
    Ok(obs)
}

/// Polls until connected; `Err(Some(observation))` on timeout.
async fn wait_connected(
    es: &EsClient,
    alias: &str,
    timeout: Duration,
    ctx: &CallContext,
) -> Result<(), Result<(Observation, Duration), Diagnostics>> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        // `_resolve/cluster` also makes Elasticsearch try to (re)connect.
        let obs = observe(es, alias, ctx).await.map_err(Err)?;
        if obs.info.as_ref().is_some_and(|i| i.connected) {
            return Ok(());
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(Ok((obs, elapsed)));
        }
        let pause = delay.min(timeout - elapsed);
        tokio::select! {
            _ = ctx.cancel.cancelled() => return Err(Err(cancelled().into())),
            _ = tokio::time::sleep(pause) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

/// The body of the write: settings diff between `current` and what the model wants.
fn write_body(
    model: &RemoteCluster,
    current: &BTreeMap<String, Json>,
    version: &Version,
) -> serde_json::Map<String, Json> {
    let desired = with_unmanaged(current, model.desired_settings(Some(version)));
    remote_settings_diff(&model.alias, current, &desired)
}

async fn read_state(
    es: &EsClient,
    alias: &str,
    prior: &Value,
    ctx: &CallContext,
) -> Result<Option<Value>, Diagnostics> {
    let settings = es
        .get_remote_cluster_settings(alias, &ctx.cancel)
        .await
        .map_err(|e| {
            es_diag(
                &format!("to read the settings of remote cluster {alias:?}"),
                &e,
            )
        })?;
    if settings.is_empty() {
        return Ok(None);
    }
    let infos = es
        .remote_info(&ctx.cancel)
        .await
        .map_err(|e| es_diag("to read _remote/info", &e))?;
    Ok(Some(to_state(alias, &settings, infos.get(alias), prior)))
}

impl RemoteClusterResource {
    /// Create and update: write the diff, wait for the connection (rolling back on failure),
    /// then read back.
    async fn apply(
        &self,
        ctx: &CallContext,
        planned: &Value,
        config: &Value,
        timeout: Duration,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let model = RemoteCluster::from_values(planned, config)?;
        let version = es
            .version(&ctx.cancel)
            .await
            .map_err(|e| es_diag("to read the cluster version", &e))?;
        let gates = version_problems(config, &version);
        if gates.has_errors() {
            return Err(gates);
        }
        let alias = model.alias.clone();
        let before = es
            .get_remote_cluster_settings(&alias, &ctx.cancel)
            .await
            .map_err(|e| {
                es_diag(
                    &format!("to read the settings of remote cluster {alias:?}"),
                    &e,
                )
            })?;
        let body = write_body(&model, &before, &version);
        if !body.is_empty() {
            es.put_remote_cluster(&alias, &body, &ctx.cancel)
                .await
                .map_err(|e| es_diag(&format!("to write remote cluster {alias:?}"), &e))?;
            tracing::debug!(alias = %alias, keys = body.len(), "remote cluster settings written");
        }
        if model.wait_for_connection {
            match wait_connected(es, &alias, timeout, ctx).await {
                Ok(()) => {}
                Err(failure) => {
                    let mut diags = match failure {
                        Ok((obs, waited)) => {
                            Diagnostics::from(not_connected_diagnostic(&model, &obs, waited))
                        }
                        Err(d) => d,
                    };
                    if let Err(e) = restore(es, &alias, &before).await {
                        diags.push(api_error(
                            &format!("to put the settings of remote cluster {alias:?} back"),
                            &e,
                        ));
                    }
                    return Err(diags);
                }
            }
        }
        match read_state(es, &alias, planned, ctx).await? {
            // Just observed connected: keep the planned `true` even if the connection dropped
            // between the poll and this read.
            Some(state) if model.wait_for_connection => Ok(StateResponse::new(set_attr(
                state,
                "connected",
                Value::Bool(true),
            ))),
            Some(state) => Ok(StateResponse::new(state)),
            None => Err(Diagnostic::error(
                format!("Remote cluster \"{alias}\" not found after writing it"),
                "The cluster settings show no cluster.remote.<alias>.* key after the update; another process may have removed them.",
            )
            .into()),
        }
    }
}

/// Puts the alias's settings back to `before` (with a fresh token: a cancelled apply still
/// deserves the rollback).
async fn restore(
    es: &EsClient,
    alias: &str,
    before: &BTreeMap<String, Json>,
) -> Result<(), ClientError> {
    let token = tokio_util::sync::CancellationToken::new();
    let now = es.get_remote_cluster_settings(alias, &token).await?;
    let body = remote_settings_diff(alias, &now, before);
    if !body.is_empty() {
        es.put_remote_cluster(alias, &body, &token).await?;
    }
    Ok(())
}

fn alias_of_state(state: &Value) -> Result<String, Diagnostics> {
    let r = ObjectReader::root(state)?;
    match r.opt_string("alias")? {
        Some(a) => Ok(a),
        None => Ok(r.string("id")?),
    }
}

#[async_trait]
impl Resource for RemoteClusterResource {
    fn type_name(&self) -> &str {
        "crosscluster_remote_cluster"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        config_problems(config)
    }

    async fn modify_plan(
        &self,
        ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        if matches!(plan.planned_state, Value::Null) {
            return Diagnostics::new();
        }
        // With wait_for_connection the apply either ends connected or fails: plan it known.
        if plan
            .planned_state
            .get_attr("connected")
            .is_some_and(|v| matches!(v, Value::Unknown(_)))
            && plan
                .planned_state
                .get_attr("wait_for_connection")
                .and_then(Value::as_bool)
                == Some(true)
        {
            let p = std::mem::replace(&mut plan.planned_state, Value::Null);
            plan.planned_state = set_attr(p, "connected", Value::Bool(true));
        }
        // Version gates where the provider can reach the cluster now.
        let Ok(data) = configured(ctx) else {
            return Diagnostics::new();
        };
        let Ok(es) = data.elasticsearch() else {
            return Diagnostics::new();
        };
        match es.info(&ctx.cancel).await {
            Ok(info) if !info.is_serverless() => version_problems(&req.config, &info.version),
            _ => Diagnostics::new(),
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let timeout = Timeouts::from_object(&req.planned_state)?.create_or(DEFAULT_WAIT);
        self.apply(ctx, &req.planned_state, &req.config, timeout)
            .await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let alias = alias_of_state(&req.current_state)?;
        match read_state(es, &alias, &req.current_state, ctx).await? {
            Some(state) => Ok(StateResponse::new(state).with_private(req.private)),
            None => Ok(StateResponse::gone()),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let timeout = Timeouts::from_object(&req.planned_state)?.update_or(DEFAULT_WAIT);
        self.apply(ctx, &req.planned_state, &req.config, timeout)
            .await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let alias = alias_of_state(&req.prior_state)?;
        es.remove_remote_cluster(&alias, &ctx.cancel)
            .await
            .map_err(|e| es_diag(&format!("to remove remote cluster {alias:?}"), &e))?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if validate_alias(id).is_err() {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!(
                    "{id:?} is not a remote cluster alias: import with the alias itself (letters, digits, '-' and '_'), e.g. terraform import crosscluster_remote_cluster.example my_remote"
                ),
            )
            .into());
        }
        let state = import_by_id(&schema(), "id", id);
        Ok(StateResponse::new(set_attr(
            state,
            "alias",
            Value::String(id.to_string()),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: Vec<(&str, Value)>) -> Value {
        let mut base = schema().block.empty_value();
        for (k, v) in pairs {
            base = set_attr(base, k, v);
        }
        base
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .filter_map(|d| d.path.as_ref().map(ToString::to_string))
            .collect()
    }

    #[test]
    fn host_port_table() {
        let cases = [
            ("abc.found.io:9443", Some(("abc.found.io", 9443))),
            ("10.0.0.1:9300", Some(("10.0.0.1", 9300))),
            ("[::1]:9300", Some(("[::1]", 9300))),
            ("abc.found.io", None),
            (":9400", None),
            ("h:0", None),
            ("h:70000", None),
            ("h:x", None),
        ];
        for (input, want) in cases {
            let got = parse_host_port(input).ok();
            assert_eq!(got, want.map(|(h, p)| (h.to_string(), p)), "{input}");
        }
    }

    #[test]
    fn config_problems_table() {
        let cases: Vec<(&str, Value, Vec<&str>)> = vec![
            (
                "proxy ok",
                cfg(vec![("alias", s("r")), ("proxy_address", s("h:9400"))]),
                vec![],
            ),
            (
                "seeds with default mode",
                cfg(vec![
                    ("alias", s("r")),
                    ("proxy_address", s("h:9400")),
                    ("seeds", Value::list([s("h:1")])),
                ]),
                vec!["seeds"],
            ),
            (
                "sniff with proxy keys and no seeds",
                cfg(vec![
                    ("alias", s("r")),
                    ("mode", s("sniff")),
                    ("server_name", s("h")),
                    ("proxy_socket_connections", number_value(3)),
                ]),
                vec!["server_name", "proxy_socket_connections", "seeds"],
            ),
            (
                "proxy without address",
                cfg(vec![("alias", s("r")), ("mode", s("proxy"))]),
                vec!["proxy_address"],
            ),
            (
                "unknown mode skips",
                cfg(vec![
                    ("alias", s("r")),
                    ("mode", Value::unknown()),
                    ("seeds", Value::list([s("h:1")])),
                ]),
                vec![],
            ),
            (
                "legacy sniff ok",
                cfg(vec![
                    ("alias", s("r")),
                    ("mode", s("sniff")),
                    ("seeds", Value::list([s("h:1")])),
                    ("legacy_proxy", s("h:9400")),
                ]),
                vec![],
            ),
        ];
        for (name, config, want) in cases {
            let d = config_problems(&config);
            let mut got = paths(&d);
            got.sort();
            let mut want: Vec<String> = want.into_iter().map(String::from).collect();
            want.sort();
            assert_eq!(got, want, "{name}: {d}");
        }
    }

    #[test]
    fn host_port_validator_reports_element_paths() {
        let block = schema().block;
        let config = cfg(vec![
            ("alias", s("bad.alias")),
            ("mode", s("sniff")),
            ("seeds", Value::list([s("h:1"), s("nohost")])),
            ("legacy_proxy", s("h:99999")),
        ]);
        let mut d = Diagnostics::new();
        block.validate(&config, &AttributePath::root(), &mut d);
        let mut got = paths(&d);
        got.sort();
        assert_eq!(got, vec!["alias", "legacy_proxy", "seeds[1]"], "{d}");
    }

    #[test]
    fn version_gates_name_the_version() {
        let v75 = Version::new(7, 5, 2);
        let d = version_problems(
            &cfg(vec![("alias", s("r")), ("proxy_address", s("h:9400"))]),
            &v75,
        );
        assert_eq!(paths(&d), vec!["mode"]);
        let text = d.to_string();
        assert!(text.contains("7.7.0") && text.contains("7.5.2"), "{text}");
        let sniff = cfg(vec![
            ("alias", s("r")),
            ("mode", s("sniff")),
            ("seeds", Value::list([s("h:1")])),
            ("legacy_proxy", s("h:9400")),
            ("node_connections", number_value(2)),
        ]);
        assert_eq!(
            paths(&version_problems(&sniff, &v75)),
            vec!["node_connections"]
        );
        assert!(version_problems(&sniff, &Version::new(7, 7, 0)).is_empty());
    }

    fn model(mode: Mode) -> RemoteCluster {
        RemoteCluster {
            alias: "r".into(),
            mode: Some(mode),
            proxy_address: Some("h:9400".into()),
            server_name: Some("h".into()),
            seeds: Some(vec!["h:1".into()]),
            legacy_proxy: Some("h:9400".into()),
            wait_for_connection: true,
            ..Default::default()
        }
    }

    fn settings_map(pairs: &[(&str, Json)]) -> BTreeMap<String, Json> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn desired_settings_and_mode_switch() {
        let v9 = Version::new(9, 1, 0);
        let proxy = model(Mode::Proxy).desired_settings(Some(&v9));
        assert_eq!(
            serde_json::to_value(&proxy).unwrap(),
            json!({"mode": "proxy", "proxy_address": "h:9400", "server_name": "h"})
        );
        let sniff = model(Mode::Sniff).desired_settings(Some(&v9));
        assert_eq!(
            serde_json::to_value(&sniff).unwrap(),
            json!({"mode": "sniff", "seeds": ["h:1"], "proxy": "h:9400"})
        );
        // Before 7.7 there is no mode setting.
        let legacy = model(Mode::Sniff).desired_settings(Some(&Version::new(7, 5, 2)));
        assert!(!legacy.contains_key("mode"));
        // Switching nulls the other mode's keys in the same body, keeps unmanaged keys.
        let current = settings_map(&[
            ("mode", json!("proxy")),
            ("proxy_address", json!("h:9400")),
            ("server_name", json!("h")),
            ("transport.compression_scheme", json!("lz4")),
        ]);
        let body = write_body(&model(Mode::Sniff), &current, &v9);
        assert_eq!(
            Json::Object(body),
            json!({"cluster.remote.r.mode": "sniff", "cluster.remote.r.seeds": ["h:1"],
                   "cluster.remote.r.proxy": "h:9400", "cluster.remote.r.proxy_address": null,
                   "cluster.remote.r.server_name": null})
        );
        // No change: empty body.
        assert!(write_body(&model(Mode::Proxy), &current, &v9).is_empty());
    }

    #[test]
    fn state_from_settings() {
        let settings = settings_map(&[
            ("mode", json!("proxy")),
            ("proxy_address", json!("h:9443")),
            ("server_name", json!("h")),
            ("proxy_socket_connections", json!("6")),
        ]);
        let info = RemoteInfo {
            connected: true,
            skip_unavailable: true,
            cluster_credentials: Some("::es_redacted::".into()),
            ..Default::default()
        };
        let st = to_state("r", &settings, Some(&info), &Value::Null);
        let get = |n: &str| st.get_attr(n).cloned().unwrap();
        assert_eq!(get("id"), s("r"));
        assert_eq!(get("mode"), s("proxy"));
        assert_eq!(get("proxy_socket_connections"), number_value(6));
        assert_eq!(get("skip_unavailable"), Value::Bool(true));
        assert_eq!(get("connected"), Value::Bool(true));
        assert_eq!(get("credentials_configured"), Value::Bool(true));
        assert_eq!(get("wait_for_connection"), Value::Bool(true));
        assert_eq!(get("seeds"), Value::Null);
        // Legacy: no mode key means sniff; proxy maps to legacy_proxy; explicit skip wins.
        let legacy = settings_map(&[
            ("seeds", json!(["h:1"])),
            ("proxy", json!("h:9400")),
            ("skip_unavailable", json!("false")),
        ]);
        let st = to_state("r", &legacy, Some(&info), &Value::Null);
        assert_eq!(st.get_attr("mode"), Some(&s("sniff")));
        assert_eq!(st.get_attr("legacy_proxy"), Some(&s("h:9400")));
        assert_eq!(st.get_attr("skip_unavailable"), Some(&Value::Bool(false)));
    }

    #[test]
    fn trust_gap_table() {
        let cases = [
            (
                "this deployment does not trust remote cluster [x]",
                Some(TrustGap::LocalDoesNotTrustRemote),
            ),
            (
                "remote cluster [x] does not trust this deployment (cluster id 1)",
                Some(TrustGap::RemoteDoesNotTrustLocal),
            ),
            (
                "PKIX path building failed: unable to find valid certification path",
                Some(TrustGap::LocalDoesNotTrustRemote),
            ),
            (
                "Received fatal alert: bad_certificate",
                Some(TrustGap::RemoteDoesNotTrustLocal),
            ),
            ("unknown host [x]", None),
        ];
        for (text, want) in cases {
            assert_eq!(trust_gap(text), want, "{text}");
        }
    }

    #[test]
    fn diagnostics_name_the_right_port_and_side() {
        let mut m = model(Mode::Proxy);
        m.proxy_address = Some("abc.found.io:9400".into());
        let with_creds = Observation {
            info: Some(RemoteInfo {
                cluster_credentials: Some("::es_redacted::".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let d = not_connected_diagnostic(&m, &with_creds, Duration::from_secs(3));
        assert!(
            d.detail.contains("port 9443") || d.detail.contains(":9443"),
            "{}",
            d.detail
        );
        assert_eq!(
            d.path.map(|p| p.to_string()).as_deref(),
            Some("proxy_address")
        );

        m.proxy_address = Some("abc.found.io:9443".into());
        let no_creds = Observation {
            info: Some(RemoteInfo::default()),
            ..Default::default()
        };
        let d = not_connected_diagnostic(&m, &no_creds, Duration::from_secs(3));
        assert!(d.detail.contains("abc.found.io:9400"), "{}", d.detail);
        assert!(
            d.detail.contains("cluster.remote.r.credentials"),
            "{}",
            d.detail
        );

        m.proxy_address = Some("abc.found.io:9400".into());
        let one_side = Observation {
            info: Some(RemoteInfo::default()),
            resolve_error: Some("remote cluster [remote] does not trust this deployment".into()),
            ..Default::default()
        };
        let d = not_connected_diagnostic(&m, &one_side, Duration::from_secs(3));
        assert!(
            d.detail.contains("does not trust this (local) cluster"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("REMOTE deployment"), "{}", d.detail);
    }
}
