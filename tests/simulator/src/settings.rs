//! Elasticsearch cluster settings: flat/nested forms, deletion, and the remote-cluster
//! validation rules of `PUT /_cluster/settings`.

use crate::state::Es;
use crate::util::{self, Version};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Flattens a nested settings object into dotted keys (arrays and scalars are leaves).
pub fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() || prefix.is_empty() => {
            for (k, child) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, child, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// Settings values are strings (arrays of strings for list settings).
pub fn stringify(v: &Value) -> Value {
    match v {
        Value::String(_) => v.clone(),
        Value::Array(a) => Value::Array(a.iter().map(stringify).collect()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Null => Value::Null,
        Value::Object(_) => Value::String(v.to_string()),
    }
}

/// Builds the nested form of flat settings.
pub fn nest(flat: &BTreeMap<String, Value>) -> Value {
    let mut root = Map::new();
    for (k, v) in flat {
        let parts: Vec<&str> = k.split('.').collect();
        insert_path(&mut root, &parts, v.clone());
    }
    Value::Object(root)
}

fn insert_path(map: &mut Map<String, Value>, parts: &[&str], v: Value) {
    match parts {
        [] => {}
        [last] => {
            map.insert(last.to_string(), v);
        }
        [first, rest @ ..] => {
            let entry = map
                .entry(first.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                insert_path(m, rest, v);
            }
        }
    }
}

/// Renders flat settings as requested (`flat_settings`).
pub fn render(flat: &BTreeMap<String, Value>, flat_form: bool) -> Value {
    if flat_form {
        Value::Object(flat.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    } else {
        nest(flat)
    }
}

/// Transient over persistent over node settings.
pub fn effective(es: &Es) -> BTreeMap<String, Value> {
    let mut m = es.node.clone();
    for (k, v) in &es.persistent {
        m.insert(k.clone(), v.clone());
    }
    for (k, v) in &es.transient {
        m.insert(k.clone(), v.clone());
    }
    m
}

/// Remote aliases configured in a settings map (any `cluster.remote.<alias>.<key>`).
pub fn aliases(settings: &BTreeMap<String, Value>) -> BTreeSet<String> {
    settings
        .keys()
        .filter_map(|k| alias_of(k).map(|(a, _)| a.to_string()))
        .collect()
}

/// Splits `cluster.remote.<alias>.<suffix>` into (alias, suffix).
pub fn alias_of(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("cluster.remote.")?;
    let (alias, suffix) = rest.split_once('.')?;
    if alias == "node" || (alias == "signing" && crate::signing::is_global_suffix(suffix)) {
        return None;
    }
    Some((alias, suffix))
}

const PROXY_ONLY: &[&str] = &["proxy_address", "proxy_socket_connections", "server_name"];
const SNIFF_ONLY: &[&str] = &["seeds", "node_connections", "proxy"];
const OPTIONS: &[&str] = &[
    "skip_unavailable",
    "transport.ping_schedule",
    "transport.compress",
    "transport.compression_scheme",
];

/// An Elasticsearch error produced by settings validation.
#[derive(Debug, Clone)]
pub struct SettingsError {
    /// Error type.
    pub kind: &'static str,
    /// Reason.
    pub reason: String,
}

fn iae(reason: String) -> SettingsError {
    SettingsError {
        kind: "illegal_argument_exception",
        reason,
    }
}

/// Whether `suffix` is a per-alias remote setting known to version `v`.
fn known_alias_suffix(suffix: &str, v: Version) -> bool {
    let since_7_7 = [
        "mode",
        "proxy_address",
        "proxy_socket_connections",
        "server_name",
        "node_connections",
    ];
    let always = [
        "seeds",
        "proxy",
        "skip_unavailable",
        "transport.ping_schedule",
        "transport.compress",
    ];
    if always.contains(&suffix) {
        return true;
    }
    if since_7_7.contains(&suffix) {
        return util::at_least(v, 7, 7);
    }
    if suffix == "transport.compression_scheme" {
        return util::at_least(v, 7, 14);
    }
    false
}

const OTHER_DYNAMIC: &[&str] = &[
    "cluster.routing.allocation.enable",
    "cluster.routing.rebalance.enable",
    "cluster.max_shards_per_node",
    "action.destructive_requires_name",
    "indices.recovery.max_bytes_per_sec",
    "search.default_search_timeout",
    "xpack.monitoring.collection.enabled",
    "cluster.routing.allocation.disk.watermark.low",
    "cluster.routing.allocation.disk.watermark.high",
];

const STATIC: &[&str] = &[
    "cluster.remote.initial_connect_timeout",
    "cluster.remote.connections_per_cluster",
    "cluster.remote.node.attr",
];

fn check_key(scope: &str, key: &str, v: Version) -> Result<(), SettingsError> {
    if STATIC.contains(&key) {
        return Err(iae(format!(
            "{scope} setting [{key}], not dynamically updateable"
        )));
    }
    if OTHER_DYNAMIC.contains(&key) || key.starts_with("logger.") {
        return Ok(());
    }
    if crate::signing::supported(v) && crate::signing::GLOBAL_KEYS.contains(&key) {
        return Ok(());
    }
    if let Some((_, suffix)) = alias_of(key) {
        if crate::signing::supported(v) && crate::signing::ALIAS_SUFFIXES.contains(&suffix) {
            return Ok(());
        }
        if suffix == "credentials" && util::at_least(v, 8, 10) {
            return Err(iae(format!(
                "{scope} setting [{key}], not dynamically updateable"
            )));
        }
        if known_alias_suffix(suffix, v) {
            return Ok(());
        }
    }
    Err(iae(format!("{scope} setting [{key}], not recognized")))
}

/// Checks a `host:port` address.
pub fn check_address(value: &str) -> Result<(), SettingsError> {
    let Some((host, port)) = value.rsplit_once(':') else {
        return Err(iae(format!(
            "remote hosts need to be configured as [host:port], found [{value}] instead"
        )));
    };
    if host.is_empty() {
        return Err(iae(format!(
            "remote hosts need to be configured as [host:port], found [{value}] instead"
        )));
    }
    let Ok(p) = port.parse::<i64>() else {
        return Err(iae("failed to parse port".to_string()));
    };
    if p <= 0 {
        return Err(iae(format!("port number must be > 0 but was: [{p}]")));
    }
    if p > 65535 {
        return Err(iae(format!("port out of range:{p}")));
    }
    Ok(())
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Validates the remote-cluster settings of one alias in the merged settings.
fn validate_alias(
    alias: &str,
    s: &BTreeMap<String, Value>,
    v: Version,
) -> Result<(), SettingsError> {
    let key = |k: &str| format!("cluster.remote.{alias}.{k}");
    let get = |k: &str| s.get(&key(k));
    let mode_text = get("mode")
        .map(as_text)
        .unwrap_or_else(|| "sniff".to_string());
    let mode = mode_text.to_ascii_uppercase();
    if mode != "SNIFF" && mode != "PROXY" {
        return Err(iae(format!(
            "No enum constant org.elasticsearch.transport.RemoteConnectionStrategy.ConnectionStrategy.{mode}"
        )));
    }
    for k in PROXY_ONLY {
        if get(k).is_some() && mode != "PROXY" {
            return Err(iae(format!(
                "Setting \"{}\" cannot be used with the configured \"{}\" [required=PROXY, configured={mode}]",
                key(k),
                key("mode")
            )));
        }
    }
    for k in SNIFF_ONLY {
        if get(k).is_some() && mode != "SNIFF" {
            return Err(iae(format!(
                "Setting \"{}\" cannot be used with the configured \"{}\" [required=SNIFF, configured={mode}]",
                key(k),
                key("mode")
            )));
        }
    }
    let seeds: Vec<String> = match get("seeds") {
        Some(Value::Array(a)) => a.iter().map(as_text).collect(),
        Some(Value::String(t)) if !t.is_empty() => {
            t.split(',').map(|x| x.trim().to_string()).collect()
        }
        _ => Vec::new(),
    };
    for seed in &seeds {
        check_address(seed)?;
    }
    for k in ["proxy_address", "proxy"] {
        if let Some(a) = get(k) {
            let a = as_text(a);
            if !a.is_empty() {
                check_address(&a)?;
            }
        }
    }
    for k in ["node_connections", "proxy_socket_connections"] {
        if let Some(n) = get(k) {
            let t = as_text(n);
            match t.parse::<i64>() {
                Ok(n) if n >= 1 => {}
                Ok(_) => {
                    return Err(iae(format!(
                        "Failed to parse value [{t}] for setting [{}] must be >= 1",
                        key(k)
                    )));
                }
                Err(_) => {
                    return Err(iae(format!(
                        "Failed to parse value [{t}] for setting [{}]",
                        key(k)
                    )));
                }
            }
        }
    }
    if let Some(b) = get("skip_unavailable") {
        let t = as_text(b);
        if t != "true" && t != "false" {
            return Err(iae(format!(
                "Failed to parse value [{t}] as only [true] or [false] are allowed."
            )));
        }
    }
    if let Some(c) = get("transport.compress") {
        let t = as_text(c).to_ascii_lowercase();
        if !["true", "false", "indexing_data"].contains(&t.as_str()) {
            return Err(iae(format!(
                "No enum constant org.elasticsearch.transport.Compression.Enabled.{}",
                t.to_ascii_uppercase()
            )));
        }
    }
    let enabled = if mode == "PROXY" {
        get("proxy_address").is_some_and(|a| !as_text(a).is_empty())
    } else {
        !seeds.is_empty()
    };
    if !enabled {
        for k in OPTIONS {
            if get(k).is_some() {
                return Err(iae(format!(
                    "Cannot configure setting [{}] if remote cluster is not enabled.",
                    key(k)
                )));
            }
        }
    }
    let _ = v;
    Ok(())
}

/// The outcome of an accepted settings update: the applied (echoed) keys per scope.
#[derive(Debug, Default)]
pub struct Applied {
    /// Persistent keys set by the request.
    pub persistent: BTreeMap<String, Value>,
    /// Transient keys set by the request.
    pub transient: BTreeMap<String, Value>,
}

/// Applies a `PUT /_cluster/settings` body to `es` atomically (all or nothing).
pub fn apply(es: &mut Es, body: &Value) -> Result<Applied, SettingsError> {
    let v = util::parse_version(&es.version);
    let Some(obj) = body.as_object() else {
        return Err(SettingsError {
            kind: "parse_exception",
            reason: "request body must be an object".into(),
        });
    };
    for k in obj.keys() {
        if k != "persistent" && k != "transient" {
            return Err(SettingsError {
                kind: "x_content_parse_exception",
                reason: format!("[1:2] [cluster_update_settings_request] unknown field [{k}]"),
            });
        }
    }
    let mut new_p = es.persistent.clone();
    let mut new_t = es.transient.clone();
    let mut applied = Applied::default();
    let mut touched = BTreeSet::new();
    for (scope, map, echo) in [
        ("persistent", &mut new_p, &mut applied.persistent),
        ("transient", &mut new_t, &mut applied.transient),
    ] {
        let Some(section) = obj.get(scope) else {
            continue;
        };
        if section.is_null() {
            continue;
        }
        let mut flat = Vec::new();
        flatten("", section, &mut flat);
        // Deletions first (null values, `*` wildcards by simple match), then upserts.
        for (k, val) in &flat {
            if k.is_empty() {
                continue;
            }
            if val.is_null() {
                if let Some((a, _)) = alias_of(k) {
                    touched.insert(a.to_string());
                }
                if k.contains('*') {
                    map.retain(|key, _| !util::simple_match(k, key));
                } else {
                    map.remove(k);
                }
            }
        }
        for (k, val) in flat {
            if val.is_null() || k.is_empty() {
                continue;
            }
            check_key(scope, &k, v)?;
            crate::signing::check_files(&k, &val).map_err(iae)?;
            if let Some((a, _)) = alias_of(&k) {
                touched.insert(a.to_string());
            }
            let sv = stringify(&val);
            map.insert(k.clone(), sv.clone());
            echo.insert(k, sv);
        }
    }
    let mut merged = es.node.clone();
    merged.extend(new_p.clone());
    for (k, val) in &new_t {
        merged.insert(k.clone(), val.clone());
    }
    for alias in &touched {
        validate_alias(alias, &merged, v)?;
    }
    es.persistent = new_p;
    es.transient = new_t;
    Ok(applied)
}

/// Default values shown with `include_defaults=true`.
pub fn defaults(es: &Es) -> BTreeMap<String, Value> {
    let v = util::parse_version(&es.version);
    let mut d = BTreeMap::new();
    d.insert(
        "cluster.remote.initial_connect_timeout".into(),
        Value::String("30s".into()),
    );
    d.insert(
        "cluster.remote.connections_per_cluster".into(),
        Value::String("3".into()),
    );
    d.insert(
        "cluster.remote.node.attr".into(),
        Value::String(String::new()),
    );
    // Node settings show up among the defaults unless a cluster setting overrides them.
    for (k, val) in &es.node {
        if !es.persistent.contains_key(k) && !es.transient.contains_key(k) {
            d.insert(k.clone(), val.clone());
        }
    }
    let eff = effective(es);
    for alias in aliases(&eff) {
        let mut put = |k: &str, val: Value| {
            let key = format!("cluster.remote.{alias}.{k}");
            if !eff.contains_key(&key) {
                d.insert(key, val);
            }
        };
        put(
            "skip_unavailable",
            Value::String(skip_default(v).to_string()),
        );
        put("transport.ping_schedule", Value::String("-1".into()));
        put("transport.compress", Value::String("false".into()));
        if util::at_least(v, 7, 7) {
            put("mode", Value::String("SNIFF".into()));
            put("proxy_socket_connections", Value::String("18".into()));
            put("node_connections", Value::String("3".into()));
            put("server_name", Value::String(String::new()));
        }
    }
    d
}

/// The default of `skip_unavailable` (true since 8.15).
pub fn skip_default(v: Version) -> bool {
    util::at_least(v, 8, 15)
}
