//! Configuration checks of `crosscluster_remote_cluster` (pure): the attribute validators and
//! the plan-time checks of a whole configuration (values may still be unknown).

use crate::client::elasticsearch::{Feature, Version, validate_alias};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::Known;
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;

use super::model::{Mode, RemoteClusterModel};
use super::schema::{
    MODE, NODE_CONNECTIONS, PROXY_ADDRESS, PROXY_SOCKET_CONNECTIONS, SEEDS, SERVER_NAME,
};

/// Validator: the alias becomes part of setting names, so letters, digits, `-` and `_` only.
pub(super) struct AliasName;

impl ValueRule for AliasName {
    fn description(&self) -> String {
        "Letters, digits, `-` and `_`.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Value::String(s) = value
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
    }
}

/// Validator: a `host:port` address (a string, or each string of a list).
pub(super) struct HostPort;

impl ValueRule for HostPort {
    fn description(&self) -> String {
        "Written as `host:port`.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let mut check = |s: &str, p: AttributePath| {
            if let Err(e) = parse_host_port(s) {
                diags.attribute_error(p, "Invalid address", e);
            }
        };
        match value {
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
    }
}

/// Validator: `server_name` is a host name for TLS SNI: no scheme, no port, no path, no
/// whitespace (SNI carries DNS names only, so an IP literal or `host:port` never matches).
pub(super) struct ServerName;

/// Why `s` is not a host name for SNI, if it is not.
pub(super) fn server_name_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("is empty: leave it unset, or give the remote's host name".to_owned());
    }
    if let Some((scheme, _)) = s.split_once("://") {
        return Some(format!(
            "is {s:?}: a host name without a scheme: drop \"{scheme}://\""
        ));
    }
    if s.chars().any(|c| c.is_whitespace() || c == '/') {
        return Some(format!("is {s:?}: a host name has no spaces and no path"));
    }
    if s.contains(':') {
        return Some(format!(
            "is {s:?}: the TLS server name is a host name without a port (the port belongs in proxy_address)"
        ));
    }
    None
}

impl ValueRule for ServerName {
    fn description(&self) -> String {
        "A host name, without scheme or port.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Some(problem) = value.as_str().and_then(server_name_problem) {
            diags.attribute_error(
                path.clone(),
                "Invalid server name",
                format!("Attribute {path} {problem}"),
            );
        }
    }
}

/// Validator: an Elasticsearch time value (`30s`, `5m`, `500ms`, ...), or `-1` / `0`.
pub(super) struct TimeValue;

/// The units Elasticsearch accepts in a time value.
const TIME_UNITS: &[&str] = &["nanos", "micros", "ms", "s", "m", "h", "d"];

impl ValueRule for TimeValue {
    fn description(&self) -> String {
        "A time value such as `30s` (units `d`, `h`, `m`, `s`, `ms`, `micros`, `nanos`), or `-1`."
            .to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(v) = value.as_str() else { return };
        let ok = v == "-1"
            || v == "0"
            || TIME_UNITS.iter().any(|u| {
                v.strip_suffix(u)
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            });
        if !ok {
            diags.attribute_error(
                path.clone(),
                "Invalid time value",
                format!(
                    "Attribute {path} is {v:?}: Elasticsearch expects a whole number and a unit without a space, such as \"30s\" or \"5m\" (units d, h, m, s, ms, micros, nanos), or -1 for none"
                ),
            );
        }
    }
}

/// Validator: a whole number of at least 1.
pub(super) struct AtLeastOne;

impl ValueRule for AtLeastOne {
    fn description(&self) -> String {
        "A whole number of at least 1.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Value::Number(n) = value
            && n.to_i64().is_none_or(|n| n < 1)
        {
            diags.attribute_error(
                path.clone(),
                "Invalid number of connections",
                "must be a whole number of at least 1",
            );
        }
    }
}

/// Split and check a `host:port` address as Elasticsearch does; returns host and port.
pub(super) fn parse_host_port(s: &str) -> Result<(String, u16), String> {
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!(
            "{s:?} must be written as host:port (e.g. \"<endpoint>:9443\"): Elasticsearch rejects an address without a port"
        ));
    };
    if let Some((scheme, _)) = s.split_once("://") {
        return Err(format!(
            "{s:?} must be written as host:port without a scheme: drop \"{scheme}://\" (the transport protocol is not HTTP)"
        ));
    }
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '/') {
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

/// Whether a configured value counts as set: not null and, for a list, not empty (an unknown
/// value counts as set).
fn is_set<T>(v: &Known<T>) -> bool {
    !v.is_null()
}

fn seeds_set(m: &RemoteClusterModel) -> bool {
    match &m.seeds {
        Known::Value(list) => !list.is_empty(),
        other => !other.is_null(),
    }
}

/// The attributes only proxy mode uses, and whether each is set.
fn proxy_attrs(m: &RemoteClusterModel) -> [(&'static str, bool); 3] {
    [
        (PROXY_ADDRESS, is_set(&m.proxy_address)),
        (SERVER_NAME, is_set(&m.server_name)),
        (
            PROXY_SOCKET_CONNECTIONS,
            is_set(&m.proxy_socket_connections),
        ),
    ]
}

/// The attributes only sniff mode uses, and whether each is set.
fn sniff_attrs(m: &RemoteClusterModel) -> [(&'static str, bool); 3] {
    [
        (SEEDS, seeds_set(m)),
        (NODE_CONNECTIONS, is_set(&m.node_connections)),
        (super::schema::LEGACY_PROXY, is_set(&m.legacy_proxy)),
    ]
}

fn path(name: &str) -> AttributePath {
    AttributePath::root().attr(name)
}

/// Plan-time checks of a configuration (values may be unknown): attributes of the other mode,
/// the address each mode needs. Attribute paths point at the offending line.
pub(super) fn config_problems(config: &RemoteClusterModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mode = match &config.mode {
        Known::Null => Mode::Proxy,
        Known::Value(m) => *m,
        Known::Unknown => return diags,
    };
    let (wrong, right_mode) = match mode {
        Mode::Proxy => (sniff_attrs(config), "sniff"),
        Mode::Sniff => (proxy_attrs(config), "proxy"),
    };
    for (name, set) in wrong {
        if set {
            diags.attribute_error(
                path(name),
                "Attribute of the other connection mode",
                format!(
                    "{name} is a {right_mode}-mode setting, but mode is \"{}\"{}. Remove {name}, or set mode = \"{right_mode}\".",
                    mode.as_str(),
                    if config.mode.is_null() { " (the default)" } else { "" }
                ),
            );
        }
    }
    match mode {
        Mode::Proxy if config.proxy_address.is_null() => diags.attribute_error(
            path(PROXY_ADDRESS),
            "Missing proxy_address",
            "Proxy mode needs proxy_address (host:port): \"<endpoint>:9443\" for the API-key model or \"<endpoint>:9400\" for the certificate model.",
        ),
        Mode::Sniff if matches!(&config.seeds, Known::Null) || matches!(&config.seeds, Known::Value(l) if l.is_empty()) => {
            diags.attribute_error(
                path(SEEDS),
                "Missing seeds",
                "Sniff mode needs at least one seed (host:port); with legacy_proxy use \"<endpoint>:1\" (the seed's port is never dialled).",
            );
        }
        _ => {}
    }
    diags
}

/// Version gates of a configuration, with attribute paths: proxy mode and the settings
/// `proxy_socket_connections`, `server_name` and `node_connections` came with 7.7.
pub(super) fn version_problems(config: &RemoteClusterModel, version: &Version) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if Feature::ProxyMode.check(version).is_ok() {
        return diags;
    }
    let mode_is_proxy = matches!(config.mode, Known::Null | Known::Value(Mode::Proxy));
    if mode_is_proxy {
        diags.attribute_error(
            path(MODE),
            "Proxy mode needs Elasticsearch 7.7",
            format!(
                "Proxy mode remote clusters require Elasticsearch 7.7.0 or later, but this cluster runs {version}{}. \
                 For 6.7-7.6 use mode = \"sniff\" with seeds = [\"<endpoint>:1\"] and legacy_proxy = \"<endpoint>:9400\" (certificate model).",
                if config.mode.is_null() { " (mode defaults to \"proxy\")" } else { "" }
            ),
        );
    }
    let gated = [
        (NODE_CONNECTIONS, is_set(&config.node_connections), false),
        (
            PROXY_SOCKET_CONNECTIONS,
            is_set(&config.proxy_socket_connections),
            true,
        ),
        (SERVER_NAME, is_set(&config.server_name), true),
    ];
    for (name, set, proxy_attr) in gated {
        // Proxy-mode attributes under proxy mode are covered by the mode diagnostic above.
        let covered = mode_is_proxy && proxy_attr;
        if !covered && set {
            diags.attribute_error(
                path(name),
                "Setting needs Elasticsearch 7.7",
                format!(
                    "{name} requires Elasticsearch 7.7.0 or later, but this cluster runs {version}."
                ),
            );
        }
    }
    diags
}
