//! The typed model of `crosscluster_remote_cluster` and its pure conversions: model to the
//! settings of the alias (sub-key to value, the part after `cluster.remote.<alias>.`) and the
//! settings plus the `_remote/info` entry back to the model.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value as Json, json};

use crate::client::elasticsearch::{Feature, RemoteInfo, Version, remote_settings_diff};
use crate::framework::decode::DecodeError;
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;

use super::schema::{self, ALIAS, ID, LEGACY_PROXY, PROXY_ADDRESS};

/// Connection mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `proxy` (7.7+).
    Proxy,
    /// `sniff`.
    Sniff,
}

impl Mode {
    /// Parse `proxy` / `sniff` (case-insensitive, as Elasticsearch does).
    pub(super) fn parse(s: &str) -> Option<Mode> {
        match s.to_ascii_lowercase().as_str() {
            "proxy" => Some(Mode::Proxy),
            "sniff" => Some(Mode::Sniff),
            _ => None,
        }
    }

    /// The setting value.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Mode::Proxy => "proxy",
            Mode::Sniff => "sniff",
        }
    }
}

impl Serialize for Mode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Mode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = String::deserialize(d)?;
        Mode::parse(&m).ok_or_else(|| {
            D::Error::custom(format!("{m:?} is not a mode: use \"proxy\" or \"sniff\""))
        })
    }
}

/// The `timeouts` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct TimeoutsModel {
    pub(super) create: Known<String>,
    pub(super) update: Known<String>,
}

/// The resource's configuration, plan or state. Every attribute may be unknown while planning,
/// and a list may hold unknown elements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct RemoteClusterModel {
    pub(super) id: Known<String>,
    pub(super) alias: Known<String>,
    pub(super) mode: Known<Mode>,
    pub(super) proxy_address: Known<String>,
    pub(super) server_name: Known<String>,
    pub(super) proxy_socket_connections: Known<i64>,
    pub(super) seeds: Known<Vec<Known<String>>>,
    pub(super) node_connections: Known<i64>,
    pub(super) legacy_proxy: Known<String>,
    pub(super) skip_unavailable: Known<bool>,
    pub(super) transport_compress: Known<String>,
    pub(super) transport_ping_schedule: Known<String>,
    pub(super) wait_for_connection: Known<bool>,
    pub(super) connected: Known<bool>,
    pub(super) credentials_configured: Known<bool>,
    pub(super) timeouts: Known<TimeoutsModel>,
}

impl Model for RemoteClusterModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

impl RemoteClusterModel {
    /// A state that a following read fills: only `id` and `alias` set.
    pub(super) fn imported(alias: &str) -> Self {
        Self {
            id: Known::Value(alias.to_owned()),
            alias: Known::Value(alias.to_owned()),
            ..Self::default()
        }
    }

    /// The alias of a state (`id` when `alias` is null).
    pub(super) fn state_alias(&self) -> Result<String, Diagnostics> {
        match (&self.alias, &self.id) {
            (Known::Value(a), _) | (Known::Null, Known::Value(a)) => Ok(a.clone()),
            (Known::Unknown, _) => Err(not_known(ALIAS)),
            (Known::Null, Known::Unknown) => Err(not_known(ID)),
            (Known::Null, Known::Null) => Err(DecodeError::Null {
                path: AttributePath::root().attr(ID),
            }
            .into()),
        }
    }
}

fn not_known(name: &str) -> Diagnostics {
    DecodeError::Unknown {
        path: AttributePath::root().attr(name),
    }
    .into()
}

/// The desired configuration of one alias, as the apply writes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct RemoteCluster {
    /// Alias.
    pub(super) alias: String,
    /// Mode (`None` only while unknown).
    pub(super) mode: Option<Mode>,
    /// Proxy address.
    pub(super) proxy_address: Option<String>,
    /// TLS server name.
    pub(super) server_name: Option<String>,
    /// Proxy sockets.
    pub(super) proxy_socket_connections: Option<i64>,
    /// Sniff seeds (`None` when not configured).
    pub(super) seeds: Option<Vec<String>>,
    /// Sniff node connections.
    pub(super) node_connections: Option<i64>,
    /// Legacy `proxy` setting.
    pub(super) legacy_proxy: Option<String>,
    /// Skip unavailable, when configured.
    pub(super) skip_unavailable: Option<bool>,
    /// Transport compression.
    pub(super) transport_compress: Option<String>,
    /// Ping schedule.
    pub(super) transport_ping_schedule: Option<String>,
    /// Wait until connected.
    pub(super) wait_for_connection: bool,
}

/// Setting sub-keys this resource manages; any other key of the alias is preserved on update.
const MANAGED_KEYS: &[&str] = &[
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

impl RemoteCluster {
    /// The desired configuration from a plan; `skip_unavailable` comes from the configuration
    /// (null there means "keep the cluster's default").
    pub(super) fn from_plan(
        planned: &RemoteClusterModel,
        config: &RemoteClusterModel,
    ) -> Result<RemoteCluster, Diagnostics> {
        let Known::Value(alias) = &planned.alias else {
            return Err(not_known(ALIAS));
        };
        let opt = |k: &Known<String>| k.value().cloned();
        Ok(RemoteCluster {
            alias: alias.clone(),
            mode: Some(planned.mode.value().copied().unwrap_or(Mode::Proxy)),
            proxy_address: opt(&planned.proxy_address),
            server_name: opt(&planned.server_name),
            proxy_socket_connections: planned.proxy_socket_connections.value().copied(),
            seeds: planned
                .seeds
                .value()
                .map(|s| s.iter().filter_map(|x| x.value().cloned()).collect()),
            node_connections: planned.node_connections.value().copied(),
            legacy_proxy: opt(&planned.legacy_proxy),
            skip_unavailable: match config.skip_unavailable {
                Known::Unknown => planned.skip_unavailable.value().copied(),
                Known::Null => None,
                Known::Value(b) => Some(b),
            },
            transport_compress: opt(&planned.transport_compress),
            transport_ping_schedule: opt(&planned.transport_ping_schedule),
            wait_for_connection: planned.wait_for_connection.value().copied().unwrap_or(true),
        })
    }

    /// The address connections go to: `proxy_address` (proxy) or `legacy_proxy` (sniff).
    pub(super) fn dial_address(&self) -> Option<&str> {
        match self.mode {
            Some(Mode::Sniff) => self.legacy_proxy.as_deref(),
            _ => self.proxy_address.as_deref(),
        }
    }

    /// The attribute holding [`RemoteCluster::dial_address`].
    pub(super) fn dial_attribute(&self) -> &'static str {
        match self.mode {
            Some(Mode::Sniff) => LEGACY_PROXY,
            _ => PROXY_ADDRESS,
        }
    }

    /// The settings (sub-key → value) this configuration wants on a cluster of `version`.
    /// Before 7.7 there is no `mode` setting (sniff is implied), so it is left out there.
    pub(super) fn desired_settings(&self, version: Option<&Version>) -> BTreeMap<String, Json> {
        let mut out = BTreeMap::new();
        let has_mode_setting = version.is_none_or(|v| Feature::ProxyMode.check(v).is_ok());
        let mode = self.mode.unwrap_or(Mode::Proxy);
        if has_mode_setting || mode == Mode::Proxy {
            out.insert("mode".to_string(), json!(mode.as_str()));
        }
        let mut put = |k: &str, v: Option<Json>| {
            if let Some(v) = v {
                out.insert(k.to_string(), v);
            }
        };
        match mode {
            Mode::Proxy => {
                put(
                    "proxy_address",
                    self.proxy_address.as_ref().map(|a| json!(a)),
                );
                put("server_name", self.server_name.as_ref().map(|s| json!(s)));
                put(
                    "proxy_socket_connections",
                    self.proxy_socket_connections.map(|n| json!(n)),
                );
            }
            Mode::Sniff => {
                let seeds = self.seeds.as_ref().filter(|s| !s.is_empty());
                put("seeds", seeds.map(|s| json!(s)));
                put("node_connections", self.node_connections.map(|n| json!(n)));
                put("proxy", self.legacy_proxy.as_ref().map(|p| json!(p)));
            }
        }
        put("skip_unavailable", self.skip_unavailable.map(|b| json!(b)));
        put(
            "transport.compress",
            self.transport_compress.as_ref().map(|c| json!(c)),
        );
        put(
            "transport.ping_schedule",
            self.transport_ping_schedule.as_ref().map(|p| json!(p)),
        );
        out
    }
}

/// `desired` plus every key of `current` this resource does not manage (kept as it is).
fn with_unmanaged(
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

/// The body of the write: settings diff between `current` and what the model wants.
pub(super) fn write_body(
    model: &RemoteCluster,
    current: &BTreeMap<String, Json>,
    version: &Version,
) -> serde_json::Map<String, Json> {
    let desired = with_unmanaged(current, model.desired_settings(Some(version)));
    remote_settings_diff(&model.alias, current, &desired)
}

fn setting_string(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

fn setting_i64(v: Option<&Json>) -> Known<i64> {
    v.and_then(setting_string)
        .and_then(|s| s.parse::<i64>().ok())
        .into()
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
pub(super) fn from_api(
    alias: &str,
    settings: &BTreeMap<String, Json>,
    info: Option<&RemoteInfo>,
    prior: Option<&RemoteClusterModel>,
) -> RemoteClusterModel {
    let s = |k: &str| Known::from(settings.get(k).and_then(setting_string));
    let mode = settings
        .get("mode")
        .and_then(setting_string)
        .and_then(|m| Mode::parse(&m))
        .unwrap_or(Mode::Sniff);
    let prior_empty_seeds =
        prior.is_some_and(|p| matches!(&p.seeds, Known::Value(l) if l.is_empty()));
    let seeds = match setting_list(settings.get("seeds")) {
        Some(list) if !list.is_empty() => {
            Known::Value(list.into_iter().map(Known::Value).collect())
        }
        _ if prior_empty_seeds => Known::Value(Vec::new()),
        _ => Known::Null,
    };
    let skip =
        setting_bool(settings.get("skip_unavailable")).or_else(|| info.map(|i| i.skip_unavailable));
    let wait = prior
        .and_then(|p| p.wait_for_connection.value().copied())
        .unwrap_or(true);
    let timeouts = match prior.map(|p| &p.timeouts) {
        Some(Known::Value(t)) => Known::Value(t.clone()),
        _ => Known::Null,
    };
    RemoteClusterModel {
        id: Known::Value(alias.to_string()),
        alias: Known::Value(alias.to_string()),
        mode: Known::Value(mode),
        proxy_address: s("proxy_address"),
        server_name: s("server_name"),
        proxy_socket_connections: setting_i64(settings.get("proxy_socket_connections")),
        seeds,
        node_connections: setting_i64(settings.get("node_connections")),
        legacy_proxy: s("proxy"),
        skip_unavailable: skip.into(),
        transport_compress: s("transport.compress"),
        transport_ping_schedule: s("transport.ping_schedule"),
        wait_for_connection: Known::Value(wait),
        connected: Known::Value(info.is_some_and(|i| i.connected)),
        credentials_configured: Known::Value(info.is_some_and(RemoteInfo::credentials_configured)),
        timeouts,
    }
}

/// The part of a plan that decides `connected`: with `wait_for_connection` the apply either
/// ends connected or fails, so `connected` is planned true rather than unknown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ConnectionPlan {
    pub(super) wait_for_connection: Known<bool>,
    pub(super) connected: Known<bool>,
}

impl ConnectionPlan {
    /// The plan with `connected` known, or `None` when nothing changes.
    pub(super) fn settled(&self) -> Option<ConnectionPlan> {
        (self.connected.is_unknown() && self.wait_for_connection == Known::Value(true)).then(|| {
            ConnectionPlan {
                wait_for_connection: self.wait_for_connection.clone(),
                connected: Known::Value(true),
            }
        })
    }
}
