//! The Elasticsearch API of one deployment.

use crate::auth::{self, Caller};
use crate::server::{Reply, Req, Sim};
use crate::settings;
use crate::state::{self, ApiKey, Deployment, KeyKind, World};
use crate::util::{self, Version};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// An Elasticsearch error body (`{"error": {...}, "status": N}`).
pub fn error(status: u16, ty: &str, reason: &str) -> Reply {
    Reply::json(
        status,
        json!({
            "error": {"root_cause": [{"type": ty, "reason": reason}], "type": ty, "reason": reason},
            "status": status
        }),
    )
}

fn bad(reason: &str) -> Reply {
    error(400, "illegal_argument_exception", reason)
}

fn validation(reason: &str) -> Reply {
    error(
        400,
        "action_request_validation_exception",
        &format!("Validation Failed: 1: {reason};"),
    )
}

const AUTH_HEADERS: [&str; 2] = ["Basic realm=\"security\", charset=\"UTF-8\"", "ApiKey"];

fn unauthorized(reason: &str) -> Reply {
    let header = json!({"WWW-Authenticate": AUTH_HEADERS});
    let mut r = Reply::json(
        401,
        json!({
            "error": {
                "root_cause": [{"type": "security_exception", "reason": reason, "header": header}],
                "type": "security_exception", "reason": reason, "header": header
            },
            "status": 401
        }),
    );
    for h in AUTH_HEADERS {
        r = r.with_header("www-authenticate", h);
    }
    r
}

fn no_handler(req: &Req) -> Reply {
    Reply::json(
        400,
        json!({"error": format!("no handler found for uri [{}] and method [{}]", req.path, req.method), "status": 400}),
    )
}

fn authenticate(d: &Deployment, req: &Req, now: i64) -> Result<Caller, Reply> {
    let Some(h) = req.header("authorization") else {
        return Err(unauthorized(&format!(
            "missing authentication credentials for REST request [{}]",
            req.path
        )));
    };
    let (scheme, cred) = h.trim().split_once(' ').unwrap_or((h, ""));
    let generic = "unable to authenticate with provided credentials and anonymous access is not allowed for this request";
    if scheme.eq_ignore_ascii_case("basic") {
        let Some((user, pass)) = util::unb64(cred).and_then(|t| {
            t.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        }) else {
            return Err(unauthorized(generic));
        };
        if user == "elastic" && pass == d.es.password {
            return Ok(Caller::Elastic);
        }
        if let Some(u) = d.es.auth.users.get(&user)
            && u.password == pass
        {
            return Ok(Caller::User {
                name: user,
                roles: u.roles.clone(),
            });
        }
        return Err(unauthorized(&format!(
            "unable to authenticate user [{user}] for REST request [{}]",
            req.path
        )));
    }
    if scheme.eq_ignore_ascii_case("apikey") {
        let Some((id, secret)) = util::unb64(cred).and_then(|t| {
            t.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        }) else {
            return Err(unauthorized(generic));
        };
        if let Some(k) = d.es.api_keys.get(&id)
            && k.kind == KeyKind::CrossCluster
        {
            // Elasticsearch checks the key's type before its secret (ApiKeyService).
            return Err(unauthorized(&format!(
                "authentication expected API key type of [rest], but API key [{id}] has type [cross_cluster]"
            )));
        }
        if let Some(k) = d.es.api_keys.get(&id)
            && k.kind == KeyKind::Rest
            && k.secret == secret
            && k.active(now)
        {
            let owner = d.es.auth.key_owners.get(&id);
            return Ok(Caller::Key {
                id,
                owner: owner.map_or("elastic".to_string(), |o| o.username.clone()),
                role_descriptors: k.role_descriptors.clone(),
                limited_by: owner.map(|o| o.limited_by.clone()),
            });
        }
        return Err(unauthorized(generic));
    }
    Err(unauthorized(generic))
}

/// Checks a cluster action against the caller's privileges (`granted_by`: the privileges
/// that grant it, least first, without `all`).
fn authorize(
    caller: &Caller,
    roles: &std::collections::BTreeMap<String, Value>,
    action: &str,
    granted_by: &[&str],
) -> Result<(), Reply> {
    auth::authorize_cluster(caller, roles, action, granted_by)
}

/// Handles one Elasticsearch request for deployment `dep_id`.
pub fn handle(sim: &Sim, dep_id: &str, req: &Req) -> Reply {
    let now = util::now_ms();
    let mut w = sim.world();
    let Some(d) = w.deployments.get(dep_id) else {
        return Reply::json(404, json!({"ok": false, "message": "Unknown resource."}));
    };
    if let Err(r) = check_media_types(d.version(), req) {
        return r;
    }
    let caller = match authenticate(d, req, now) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if req.bad_json {
        return error(
            400,
            "x_content_parse_exception",
            "Failed to parse the request body: not valid JSON",
        );
    }
    match route(&mut w, dep_id, &caller, req, now) {
        Ok(r) | Err(r) => r,
    }
}

fn route(
    w: &mut World,
    dep_id: &str,
    caller: &Caller,
    req: &Req,
    now: i64,
) -> Result<Reply, Reply> {
    let caller = caller.clone();
    let v = w.deployments[dep_id].version();
    // Each path segment is percent-decoded on its own (an encoded `/` stays inside its segment).
    let decoded: Vec<String> = req
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(util::percent_decode)
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    let sec = ["manage_security"];
    // The roles the checks resolve the caller's role names against.
    let roles = w.deployments[dep_id].es.roles.clone();

    match (m, segs.as_slice()) {
        ("GET", []) => {
            authorize(
                &caller,
                &roles,
                "cluster:monitor/main",
                &["monitor", "manage"],
            )?;
            Ok(Reply::json(200, info(&w.deployments[dep_id])))
        }
        ("GET", ["_security", "_authenticate"]) => Ok(Reply::json(200, authenticate_body(&caller))),
        ("GET", ["_cluster", "settings"]) => {
            authorize(
                &caller,
                &roles,
                "cluster:monitor/settings",
                &["monitor", "manage"],
            )?;
            Ok(get_settings(&w.deployments[dep_id], req))
        }
        ("PUT", ["_cluster", "settings"]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/settings/update",
                &["manage"],
            )?;
            Ok(put_settings(w, dep_id, req))
        }
        ("GET", ["_remote", "info"]) => {
            authorize(
                &caller,
                &roles,
                "cluster:monitor/remote/info",
                &["monitor", "manage"],
            )?;
            Ok(remote_info(w, dep_id, now))
        }
        ("GET", ["_resolve", "cluster", rest @ ..]) if rest.len() <= 1 => {
            let with_name = rest.len() == 1;
            if !util::at_least(v, 8, 13) || (!with_name && !util::at_least(v, 8, 18)) {
                return Ok(no_handler(req));
            }
            // The index privileges of permissions.json's optional row (inferred from it).
            for expr in rest.first().map(|n| n.split(',')).into_iter().flatten() {
                auth::authorize_index(
                    &caller,
                    &roles,
                    "indices:admin/resolve/cluster",
                    expr,
                    &["view_index_metadata", "manage"],
                )?;
            }
            Ok(resolve_cluster(w, dep_id, rest.first().copied(), now))
        }
        ("POST" | "PUT", ["_nodes", "reload_secure_settings"])
        | ("POST" | "PUT", ["_nodes", _, "reload_secure_settings"]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/nodes/reload_secure_settings",
                &["manage"],
            )?;
            Ok(reload(w, dep_id, req))
        }
        ("POST" | "PUT", ["_security", "cross_cluster", "api_key"]) if util::at_least(v, 8, 10) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/cross_cluster/api_key/create",
                &sec,
            )?;
            if caller.is_api_key() {
                return Ok(bad(
                    "authentication via API key not supported: An API key cannot be used to create a cross-cluster API key",
                ));
            }
            let limited_by = auth::limited_by_for(&caller, &roles);
            let r = create_ccs_key(w, dep_id, req, now);
            Ok(record_owner(w, dep_id, r, &caller, limited_by))
        }
        ("PUT", ["_security", "cross_cluster", "api_key", id]) if util::at_least(v, 8, 10) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/cross_cluster/api_key/update",
                &sec,
            )?;
            if caller.is_api_key() {
                return Ok(bad(
                    "authentication via API key not supported: An API key cannot be used to update a cross-cluster API key",
                ));
            }
            // "Users can only update API keys that they created."
            let owners = &w.deployments[dep_id].es.auth.key_owners;
            let owner = owners.get(*id).map_or("elastic", |o| o.username.as_str());
            if owner != caller.username() {
                return Ok(error(
                    404,
                    "resource_not_found_exception",
                    &format!("no API key owned by requesting user found for ID [{id}]"),
                ));
            }
            Ok(update_ccs_key(w, dep_id, id, req, now))
        }
        ("POST" | "PUT", ["_security", "api_key"]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/api_key/create",
                &["manage_own_api_key", "manage_api_key", "manage_security"],
            )?;
            let limited_by = auth::limited_by_for(&caller, &roles);
            let r = create_rest_key(w, dep_id, req, now);
            Ok(record_owner(w, dep_id, r, &caller, limited_by))
        }
        ("GET", ["_security", "api_key"]) => {
            // manage_own_api_key grants only a request for the caller's own keys.
            let granted: &[&str] = if req.flag("owner", false) {
                &[
                    "manage_own_api_key",
                    "read_security",
                    "manage_api_key",
                    "manage_security",
                ]
            } else {
                &["read_security", "manage_api_key", "manage_security"]
            };
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/api_key/get",
                granted,
            )?;
            Ok(get_keys(&w.deployments[dep_id], req, now))
        }
        ("DELETE", ["_security", "api_key"]) => {
            let own = req
                .body
                .as_ref()
                .and_then(|b| b.get("owner"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let granted: &[&str] = if own {
                &["manage_own_api_key", "manage_api_key", "manage_security"]
            } else {
                &["manage_api_key", "manage_security"]
            };
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/api_key/invalidate",
                granted,
            )?;
            Ok(invalidate(w, dep_id, req, &caller, now))
        }
        ("GET", ["_security", "role"]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/role/get",
                &["read_security", "manage_security"],
            )?;
            Ok(get_roles(&w.deployments[dep_id], None))
        }
        ("GET", ["_security", "role", names]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/role/get",
                &["read_security", "manage_security"],
            )?;
            Ok(get_roles(&w.deployments[dep_id], Some(names)))
        }
        ("PUT" | "POST", ["_security", "role", name]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/role/put",
                &sec,
            )?;
            Ok(put_role(w, dep_id, name, req))
        }
        ("DELETE", ["_security", "role", name]) => {
            authorize(
                &caller,
                &roles,
                "cluster:admin/xpack/security/role/delete",
                &sec,
            )?;
            let Some(d) = w.deployments.get_mut(dep_id) else {
                return Ok(no_handler(req));
            };
            let found = d.es.roles.remove(*name).is_some();
            Ok(Reply::json(
                if found { 200 } else { 404 },
                json!({"found": found}),
            ))
        }
        _ => Ok(no_handler(req)),
    }
}

/// The deprecation text of `PUT /_cluster/settings` with transient settings (7.16+).
pub const TRANSIENT_DEPRECATION: &str = "[transient settings removal] Updating cluster settings through transient settings is deprecated. Some Elastic products may make use of transient settings and those should not be changed. Any custom use of transient settings should be replaced by persistent settings.";

/// A `Warning` header value as Elasticsearch writes it (RFC 7234 warn-code 299).
pub fn deprecation(version: &str, text: &str) -> String {
    let hash = &util::hex32(&format!("build/{version}"))[..12];
    format!(
        "299 Elasticsearch-{version}-{hash} \"{}\"",
        text.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn lucene(v: &str) -> &'static str {
    match util::parse_version(v) {
        (9, 1, _) => "10.2.2",
        (9, _, _) => "10.1.0",
        (8, 19, _) | (8, 18, _) => "9.12.1",
        (8, 17, _) | (8, 16, _) => "9.12.0",
        (8, 12, _) => "9.9.2",
        (8, _, _) => "9.10.0",
        (7, 5, _) => "8.3.0",
        (7, _, _) => "8.11.1",
        _ => "8.0.0",
    }
}

fn version_obj(d: &Deployment) -> Value {
    let v = d.version();
    let mw = state::min_wire(v);
    let mi = match v.0 {
        9.. => "8.0.0".to_string(),
        8 => "7.0.0".to_string(),
        7 => "6.0.0-beta1".to_string(),
        m => format!("{}.0.0", m.saturating_sub(1)),
    };
    json!({
        "number": d.es.version,
        "build_flavor": "default",
        "build_type": "docker",
        "build_hash": util::hex32(&format!("build/{}", d.es.version)),
        "build_date": "2025-07-09T22:10:13.578182715Z",
        "build_snapshot": false,
        "lucene_version": lucene(&d.es.version),
        "minimum_wire_compatibility_version": format!("{}.{}.{}", mw.0, mw.1, mw.2),
        "minimum_index_compatibility_version": mi,
    })
}

fn info(d: &Deployment) -> Value {
    json!({
        "name": "instance-0000000000",
        "cluster_name": d.es.cluster_id,
        "cluster_uuid": d.es.cluster_uuid,
        "version": version_obj(d),
        "tagline": "You Know, for Search"
    })
}

fn get_settings(d: &Deployment, req: &Req) -> Reply {
    let flat = req.flag("flat_settings", false);
    let mut out = json!({
        "persistent": settings::render(&d.es.persistent, flat),
        "transient": settings::render(&d.es.transient, flat),
    });
    if req.flag("include_defaults", false) {
        out["defaults"] = settings::render(&settings::defaults(&d.es), flat);
    }
    Reply::json(200, out)
}

fn put_settings(w: &mut World, dep_id: &str, req: &Req) -> Reply {
    let Some(body) = req.body.as_ref() else {
        return error(400, "parse_exception", "request body is required");
    };
    let Some(d) = w.deployments.get_mut(dep_id) else {
        return error(404, "resource_not_found_exception", "deployment gone");
    };
    // 7.16+ log a deprecation warning (a `Warning` header, also on a rejected update) for a
    // non-empty `transient` section, before validating anything (RestClusterUpdateSettingsAction).
    let warn = util::at_least(d.version(), 7, 16)
        && body
            .get("transient")
            .and_then(Value::as_object)
            .is_some_and(|t| !t.is_empty());
    let reply = match settings::apply(&mut d.es, body) {
        Ok(applied) => {
            let flat = req.flag("flat_settings", false);
            Reply::json(
                200,
                json!({
                    "acknowledged": true,
                    "persistent": settings::render(&applied.persistent, flat),
                    "transient": settings::render(&applied.transient, flat),
                }),
            )
        }
        Err(e) => error(400, e.kind, &e.reason),
    };
    if warn {
        reply.with_header("warning", deprecation(&d.es.version, TRANSIENT_DEPRECATION))
    } else {
        reply
    }
}

/// Aliases that are enabled (have an address for their mode).
fn enabled_aliases(d: &Deployment) -> Vec<(String, bool)> {
    let eff = settings::effective(&d.es);
    settings::aliases(&eff)
        .into_iter()
        .filter_map(|a| {
            let get = |k: &str| eff.get(&format!("cluster.remote.{a}.{k}"));
            let proxy = get("mode")
                .and_then(Value::as_str)
                .is_some_and(|m| m.eq_ignore_ascii_case("proxy"));
            let enabled = if proxy {
                get("proxy_address")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            } else {
                match get("seeds") {
                    Some(Value::Array(s)) => !s.is_empty(),
                    Some(Value::String(s)) => !s.is_empty(),
                    _ => false,
                }
            };
            enabled.then_some((a, proxy))
        })
        .collect()
}

fn skip_unavailable(d: &Deployment, eff: &BTreeMap<String, Value>, alias: &str) -> bool {
    eff.get(&format!("cluster.remote.{alias}.skip_unavailable"))
        .and_then(Value::as_str)
        .map(|s| s == "true")
        .unwrap_or_else(|| settings::skip_default(d.version()))
}

fn remote_info(w: &World, dep_id: &str, now: i64) -> Reply {
    let d = &w.deployments[dep_id];
    let eff = settings::effective(&d.es);
    let mut out = Map::new();
    for (alias, proxy) in enabled_aliases(d) {
        let get = |k: &str| eff.get(&format!("cluster.remote.{alias}.{k}")).cloned();
        let conn = w.connection_with(d, &eff, &alias, now);
        let mut e = Map::new();
        e.insert("connected".into(), json!(conn.connected));
        if proxy {
            let sockets: u64 = get("proxy_socket_connections")
                .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
                .unwrap_or(18);
            e.insert("mode".into(), json!("proxy"));
            e.insert(
                "proxy_address".into(),
                get("proxy_address").unwrap_or(json!("")),
            );
            e.insert(
                "server_name".into(),
                get("server_name").unwrap_or(json!("")),
            );
            e.insert(
                "num_proxy_sockets_connected".into(),
                json!(if conn.connected { sockets } else { 0 }),
            );
            e.insert("max_proxy_socket_connections".into(), json!(sockets));
        } else {
            let conns: u64 = get("node_connections")
                .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
                .unwrap_or(3);
            e.insert("mode".into(), json!("sniff"));
            // A list setting given as "a,b" is a list.
            let seeds = match get("seeds") {
                Some(Value::String(t)) => json!(t.split(',').map(str::trim).collect::<Vec<_>>()),
                Some(v) => v,
                None => json!([]),
            };
            e.insert("seeds".into(), seeds);
            e.insert(
                "num_nodes_connected".into(),
                json!(if conn.connected { 1 } else { 0 }),
            );
            e.insert("max_connections_per_cluster".into(), json!(conns));
        }
        e.insert("initial_connect_timeout".into(), json!("30s"));
        e.insert(
            "skip_unavailable".into(),
            json!(skip_unavailable(d, &eff, &alias)),
        );
        if d.es
            .loaded
            .contains_key(&format!("cluster.remote.{alias}.credentials"))
        {
            e.insert("cluster_credentials".into(), json!("::es_redacted::"));
        }
        out.insert(alias, Value::Object(e));
    }
    Reply::json(200, Value::Object(out))
}

fn resolve_cluster(w: &World, dep_id: &str, name: Option<&str>, now: i64) -> Reply {
    let d = &w.deployments[dep_id];
    let aliases = enabled_aliases(d);
    let eff = settings::effective(&d.es);
    let mut out = Map::new();
    let remote_entry = |alias: &str, index: Option<&str>| {
        let conn = w.connection_with(d, &eff, alias, now);
        let mut e = Map::new();
        e.insert("connected".into(), json!(conn.connected));
        e.insert(
            "skip_unavailable".into(),
            json!(skip_unavailable(d, &eff, alias)),
        );
        if conn.connected {
            if let Some(idx) = index {
                e.insert("matching_indices".into(), json!(false));
                if !idx.contains('*') {
                    e.insert("error".into(), json!(format!("no such index [{idx}]")));
                }
            }
            if let Some(rd) = conn.remote_id.as_ref().and_then(|id| w.deployments.get(id)) {
                let mut v = version_obj(rd);
                if let Some(o) = v.as_object_mut() {
                    o.retain(|k, _| {
                        [
                            "number",
                            "build_flavor",
                            "minimum_wire_compatibility_version",
                            "minimum_index_compatibility_version",
                        ]
                        .contains(&k.as_str())
                    });
                }
                e.insert("version".into(), v);
            }
        } else if let Some(err) = conn.es_error {
            // Elasticsearch's own text; an unreachable remote has no `error` at all
            // (TransportResolveClusterAction, api-facts-next 6.3).
            e.insert("error".into(), json!(err));
        }
        Value::Object(e)
    };
    let Some(name) = name else {
        for (alias, _) in &aliases {
            out.insert(alias.clone(), remote_entry(alias, None));
        }
        return Reply::json(200, Value::Object(out));
    };
    for expr in name.split(',').filter(|e| !e.is_empty()) {
        match expr.split_once(':') {
            Some((cluster, index)) => {
                let matched: Vec<&String> = aliases
                    .iter()
                    .map(|(a, _)| a)
                    .filter(|a| util::simple_match(cluster, a))
                    .collect();
                if matched.is_empty() && !cluster.contains('*') {
                    return error(
                        404,
                        "no_such_remote_cluster_exception",
                        &format!("no such remote cluster: [{cluster}]"),
                    );
                }
                for a in matched {
                    out.insert(a.clone(), remote_entry(a, Some(index)));
                }
            }
            None => {
                let mut e = json!({"connected": true, "skip_unavailable": false, "matching_indices": false});
                if !expr.contains('*') {
                    e["error"] = json!(format!("no such index [{expr}]"));
                }
                let mut v = version_obj(d);
                if let Some(o) = v.as_object_mut() {
                    o.retain(|k, _| {
                        [
                            "number",
                            "build_flavor",
                            "minimum_wire_compatibility_version",
                            "minimum_index_compatibility_version",
                        ]
                        .contains(&k.as_str())
                    });
                }
                e["version"] = v;
                out.insert("(local)".into(), e);
            }
        }
    }
    Reply::json(200, Value::Object(out))
}

fn reload(w: &mut World, dep_id: &str, req: &Req) -> Reply {
    let Some(d) = w.deployments.get_mut(dep_id) else {
        return error(404, "resource_not_found_exception", "deployment gone");
    };
    let node = util::alnum(&format!("node/{}", d.es.cluster_id), 22);
    // Elastic Cloud keystores have no password: any non-empty `secure_settings_password`
    // fails to decrypt it, and the node reports that per node (HTTP 200) without reloading.
    let password = req
        .body
        .as_ref()
        .and_then(|b| b.get("secure_settings_password"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !password.is_empty() && util::at_least(d.version(), 7, 7) {
        return Reply::json(
            200,
            json!({
                "_nodes": {"total": 1, "successful": 1, "failed": 0},
                "cluster_name": d.es.cluster_id,
                "nodes": {node: {"name": "instance-0000000000", "reload_exception": {
                    "type": "security_exception",
                    "reason": "Provided keystore password was incorrect"
                }}}
            }),
        );
    }
    d.es.loaded = state::loaded_from(&d.es.keystore);
    let names: Vec<&String> = d.es.keystore.keys().collect();
    Reply::json(
        200,
        json!({
            "_nodes": {"total": 1, "successful": 1, "failed": 0},
            "cluster_name": d.es.cluster_id,
            "nodes": {node: {"name": "instance-0000000000", "secure_setting_names": names}}
        }),
    )
}

/// `GET /_security/_authenticate` for the `elastic` user or a REST API key.
fn authenticate_body(caller: &Caller) -> Value {
    let mut out = json!({
        "username": "elastic",
        "roles": ["superuser"],
        "full_name": null,
        "email": null,
        "metadata": {"_reserved": true},
        "enabled": true,
        "authentication_realm": {"name": "reserved", "type": "reserved"},
        "lookup_realm": {"name": "reserved", "type": "reserved"},
        "authentication_type": "realm"
    });
    if let Caller::User { name, roles } = caller {
        out["username"] = json!(name);
        out["roles"] = json!(roles);
        out["metadata"] = json!({});
        out["authentication_realm"] = json!({"name": "default_native", "type": "native"});
        out["lookup_realm"] = json!({"name": "default_native", "type": "native"});
    }
    if let Caller::Key { id, owner, .. } = caller {
        out["username"] = json!(owner);
        out["authentication_realm"] = json!({"name": "_es_api_key", "type": "_es_api_key"});
        out["lookup_realm"] = json!({"name": "_es_api_key", "type": "_es_api_key"});
        out["authentication_type"] = json!("api_key");
        out["api_key"] = json!({"id": id});
    }
    out
}

/// The REST API compatibility check of `Accept` / `Content-Type`
/// (`application/vnd.elasticsearch+json; compatible-with=N`): a node of major M accepts
/// N = M or M-1 (REST compatibility exists from 7.11); older nodes reject the vendor media
/// type in `Content-Type` as an unsupported content type.
fn check_media_types(v: Version, req: &Req) -> Result<(), Reply> {
    let compat = |h: &str| -> Option<(String, Option<u32>)> {
        let text = req.header(h)?.to_string();
        let lower = text.to_ascii_lowercase();
        if !lower.contains("vnd.elasticsearch+") {
            return None;
        }
        let n = lower
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("compatible-with="))
            .next()
            .and_then(|n| n.trim().parse::<u32>().ok());
        Some((text, n))
    };
    let accept = compat("accept");
    let content = compat("content-type").filter(|_| req.body.is_some() || req.bad_json);
    if !util::at_least(v, 7, 11) {
        if let Some((ct, _)) = content {
            return Err(Reply::json(
                406,
                json!({"error": format!("Content-Type header [{ct}] is not supported"), "status": 406}),
            ));
        }
        return Ok(());
    }
    let major = v.0;
    let invalid = |cause: String| {
        let reason = "Invalid media-type value on headers [Accept, Content-Type]";
        Reply::json(
            400,
            json!({
                "error": {
                    "root_cause": [{"type": "media_type_header_exception", "reason": reason}],
                    "type": "media_type_header_exception",
                    "reason": reason,
                    "caused_by": {"type": "status_exception", "reason": cause}
                },
                "status": 400
            }),
        )
    };
    let ok = |n: u32| n == major || n + 1 == major;
    if let Some((text, Some(n))) = &accept
        && !ok(*n)
    {
        return Err(invalid(format!(
            "Accept version must be either version {major} or {}, but found {n}. Accept={text}",
            major - 1
        )));
    }
    if let Some((text, Some(n))) = &content
        && !ok(*n)
    {
        return Err(invalid(format!(
            "Content-Type version must be either version {major} or {}, but found {n}. Content-Type={text}",
            major - 1
        )));
    }
    Ok(())
}

/// Validates and normalises a cross-cluster `access` object.
fn normalize_access(access: &Value, v: Version) -> Result<Value, String> {
    let Some(obj) = access.as_object() else {
        return Err("access doesn't support values of type: VALUE_NULL".into());
    };
    for k in obj.keys() {
        if k != "search" && k != "replication" {
            return Err(format!(
                "[cross_cluster_api_key_request] unknown field [{k}]"
            ));
        }
    }
    let mut out = Map::new();
    let mut has_dls = false;
    for kind in ["search", "replication"] {
        let Some(list) = obj.get(kind) else { continue };
        let Some(list) = list.as_array() else {
            return Err(format!("[{kind}] must be an array"));
        };
        let mut norm = Vec::new();
        for entry in list {
            let Some(e) = entry.as_object() else {
                return Err(format!("[{kind}] entries must be objects"));
            };
            let allowed: &[&str] = if kind == "search" {
                &[
                    "names",
                    "query",
                    "field_security",
                    "allow_restricted_indices",
                ]
            } else {
                &[
                    "names",
                    "allow_restricted_indices",
                    "query",
                    "field_security",
                ]
            };
            for k in e.keys() {
                if !allowed.contains(&k.as_str()) {
                    return Err(format!(
                        "failed to parse indices privileges: unknown field [{k}]"
                    ));
                }
            }
            let names = match e.get("names") {
                Some(Value::String(s)) => vec![Value::String(s.clone())],
                Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => {
                    a.clone()
                }
                _ => return Err("Required [names]".into()),
            };
            if kind == "replication"
                && (e.contains_key("query") || e.contains_key("field_security"))
            {
                return Err("replication does not support document or field level security".into());
            }
            if e.contains_key("query") || e.contains_key("field_security") {
                has_dls = true;
            }
            let mut n = Map::new();
            n.insert("names".into(), Value::Array(names));
            for k in ["query", "field_security"] {
                if let Some(x) = e.get(k) {
                    n.insert(k.into(), x.clone());
                }
            }
            // Elasticsearch keeps a DLS query as the JSON text it was given and returns that
            // string (GET api_key `access` and `role_descriptors`).
            if let Some(q) = n.get_mut("query")
                && !q.is_string()
            {
                *q = Value::String(q.to_string());
            }
            n.insert(
                "allow_restricted_indices".into(),
                e.get("allow_restricted_indices")
                    .cloned()
                    .unwrap_or(json!(false)),
            );
            norm.push(Value::Object(n));
        }
        if !norm.is_empty() {
            out.insert(kind.into(), Value::Array(norm));
        }
    }
    if out.is_empty() {
        return Err("must specify non-empty access for either [search] or [replication]".into());
    }
    if has_dls && out.contains_key("replication") && util::at_least(v, 8, 14) {
        return Err(
            "search does not support document or field level security if replication is assigned"
                .into(),
        );
    }
    Ok(Value::Object(out))
}

fn role_descriptors(access: &Value, v: Version) -> Value {
    let search = access
        .get("search")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let repl = access
        .get("replication")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut cluster = Vec::new();
    if !search.is_empty() {
        cluster.push("cross_cluster_search");
        if util::at_least(v, 8, 15) {
            cluster.push("monitor_enrich");
        }
    }
    if !repl.is_empty() {
        cluster.push("cross_cluster_replication");
    }
    let mut indices = Vec::new();
    for s in &search {
        let mut e = json!({"names": s["names"], "privileges": ["read", "read_cross_cluster", "view_index_metadata"], "allow_restricted_indices": s["allow_restricted_indices"]});
        for k in ["query", "field_security"] {
            if let Some(x) = s.get(k) {
                e[k] = x.clone();
            }
        }
        indices.push(e);
    }
    for r in &repl {
        indices.push(json!({"names": r["names"], "privileges": ["cross_cluster_replication", "cross_cluster_replication_internal"], "allow_restricted_indices": r["allow_restricted_indices"]}));
    }
    json!({"cross_cluster": {
        "cluster": cluster, "indices": indices, "applications": [], "run_as": [],
        "metadata": {}, "transient_metadata": {"enabled": true}
    }})
}

fn parse_expiration(v: &Value) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => match util::parse_duration_ms(s) {
            Some(ms) if ms > 0 => Ok(Some(ms)),
            _ => Err(format!(
                "failed to parse setting [expiration] with value [{s}] as a time value: unit is missing or unrecognized"
            )),
        },
        other => Err(format!(
            "failed to parse setting [expiration] with value [{other}] as a time value: unit is missing or unrecognized"
        )),
    }
}

fn check_metadata(m: &Value) -> Result<(), Reply> {
    match m {
        Value::Object(o) => {
            if o.keys().any(|k| k.starts_with('_')) {
                return Err(validation("API key metadata keys may not start with [_]"));
            }
            Ok(())
        }
        Value::Null => Ok(()),
        _ => Err(error(
            400,
            "x_content_parse_exception",
            "[metadata] must be an object",
        )),
    }
}

fn create_ccs_key(w: &mut World, dep_id: &str, req: &Req, now: i64) -> Reply {
    let Some(body) = req.body.as_ref() else {
        return error(400, "parse_exception", "request body is required");
    };
    let Some(obj) = body.as_object() else {
        return error(
            400,
            "x_content_parse_exception",
            "request body must be an object",
        );
    };
    let d = &w.deployments[dep_id];
    let v = d.version();
    for k in obj.keys() {
        let ok = ["name", "access", "expiration", "metadata"].contains(&k.as_str())
            || (k == "certificate_identity" && util::at_least(v, 9, 3));
        if !ok {
            return error(
                400,
                "x_content_parse_exception",
                &format!("[cross_cluster_api_key_request] unknown field [{k}]"),
            );
        }
    }
    let Some(name) = obj.get("name").and_then(Value::as_str) else {
        return bad("Required [name]");
    };
    if name.is_empty() || name.len() > 1024 || name.starts_with('_') {
        return validation(
            "api key name is required and must be between 1 and 1024 characters long, and cannot begin with an underscore",
        );
    }
    let access = match obj.get("access") {
        None => return bad("Required [access]"),
        Some(Value::Null) => {
            return error(
                400,
                "x_content_parse_exception",
                "access doesn't support values of type: VALUE_NULL",
            );
        }
        Some(a) => match normalize_access(a, v) {
            Ok(a) => a,
            Err(e) => return bad(&e),
        },
    };
    let expiration = match parse_expiration(obj.get("expiration").unwrap_or(&Value::Null)) {
        Ok(e) => e.map(|ms| now + ms),
        Err(e) => return bad(&e),
    };
    let metadata = obj.get("metadata").cloned().unwrap_or(json!({}));
    if let Err(r) = check_metadata(&metadata) {
        return r;
    }
    let certificate_identity = match identity_field(obj.get("certificate_identity")) {
        Ok(i) => i.flatten(),
        Err(r) => return r,
    };
    let key = ApiKey {
        id: util::fresh(20),
        secret: util::fresh(22),
        name: name.to_string(),
        kind: KeyKind::CrossCluster,
        creation_ms: now,
        expiration_ms: expiration,
        invalidation_ms: None,
        metadata: if metadata.is_null() {
            json!({})
        } else {
            metadata
        },
        role_descriptors: role_descriptors(&access, v),
        access,
        certificate_identity,
    };
    let mut out =
        json!({"id": key.id, "name": key.name, "api_key": key.secret, "encoded": key.encoded()});
    if let Some(e) = key.expiration_ms {
        out["expiration"] = json!(e);
    }
    if let Some(d) = w.deployments.get_mut(dep_id) {
        d.es.api_keys.insert(key.id.clone(), key);
    }
    Reply::json(200, out)
}

/// The `certificate_identity` field of a create or update body: `None` when absent,
/// `Some(None)` for an explicit `null`, else the pattern, which must compile as a regex.
fn identity_field(v: Option<&Value>) -> Result<Option<Option<String>>, Reply> {
    match v {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(p)) => match crate::signing::check_identity(p) {
            Ok(()) => Ok(Some(Some(p.clone()))),
            Err(e) => Err(bad(&e)),
        },
        Some(other) => Err(error(
            400,
            "x_content_parse_exception",
            &format!(
                "certificate_identity doesn't support values of type: {}",
                json_kind(other)
            ),
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "VALUE_BOOLEAN",
        Value::Number(_) => "VALUE_NUMBER",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
        _ => "VALUE_NULL",
    }
}

fn create_rest_key(w: &mut World, dep_id: &str, req: &Req, now: i64) -> Reply {
    let body = req.body.clone().unwrap_or(json!({}));
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return validation("api key name is required");
    };
    let expiration = match parse_expiration(body.get("expiration").unwrap_or(&Value::Null)) {
        Ok(e) => e.map(|ms| now + ms),
        Err(e) => return bad(&e),
    };
    let key = ApiKey {
        id: util::fresh(20),
        secret: util::fresh(22),
        name: name.to_string(),
        kind: KeyKind::Rest,
        creation_ms: now,
        expiration_ms: expiration,
        invalidation_ms: None,
        metadata: body.get("metadata").cloned().unwrap_or(json!({})),
        access: Value::Null,
        role_descriptors: body.get("role_descriptors").cloned().unwrap_or(json!({})),
        certificate_identity: None,
    };
    let mut out =
        json!({"id": key.id, "name": key.name, "api_key": key.secret, "encoded": key.encoded()});
    if let Some(e) = key.expiration_ms {
        out["expiration"] = json!(e);
    }
    if let Some(d) = w.deployments.get_mut(dep_id) {
        d.es.api_keys.insert(key.id.clone(), key);
    }
    Reply::json(200, out)
}

fn update_ccs_key(w: &mut World, dep_id: &str, id: &str, req: &Req, now: i64) -> Reply {
    let Some(body) = req.body.as_ref() else {
        return error(400, "parse_exception", "request body is required");
    };
    let Some(obj) = body.as_object() else {
        return error(
            400,
            "x_content_parse_exception",
            "request body must be an object",
        );
    };
    let Some(d) = w.deployments.get_mut(dep_id) else {
        return error(404, "resource_not_found_exception", "deployment gone");
    };
    let v = d.version();
    for k in obj.keys() {
        let ok = ["access", "expiration", "metadata"].contains(&k.as_str())
            || (k == "certificate_identity" && util::at_least(v, 9, 3));
        if !ok {
            return error(
                400,
                "x_content_parse_exception",
                &format!("[update_cross_cluster_api_key_request] unknown field [{k}]"),
            );
        }
    }
    let identity = match identity_field(obj.get("certificate_identity")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if !obj.contains_key("access") && !obj.contains_key("metadata") && identity.is_none() {
        return validation("must update either [access] or [metadata] for cross-cluster API keys");
    }
    let access = match obj.get("access") {
        None => None,
        Some(a) => match normalize_access(a, v) {
            Ok(a) => Some(a),
            Err(e) if e.starts_with("must specify") => return validation(&e),
            Err(e) => return bad(&e),
        },
    };
    let expiration = match parse_expiration(obj.get("expiration").unwrap_or(&Value::Null)) {
        Ok(e) => e.map(|ms| now + ms),
        Err(e) => return bad(&e),
    };
    if let Some(m) = obj.get("metadata")
        && let Err(r) = check_metadata(m)
    {
        return r;
    }
    let Some(key) = d.es.api_keys.get_mut(id) else {
        return error(
            404,
            "resource_not_found_exception",
            &format!("no API key owned by requesting user found for ID [{id}]"),
        );
    };
    if key.kind != KeyKind::CrossCluster {
        return bad(&format!(
            "cannot update API key of type [{}] while expected type is [cross_cluster]",
            key.kind.as_str()
        ));
    }
    if key.invalidation_ms.is_some() {
        return bad(&format!("cannot update invalidated API key [{id}]"));
    }
    if key.expiration_ms.is_some_and(|e| e <= now) {
        return bad(&format!("cannot update expired API key [{id}]"));
    }
    let mut updated = false;
    if let Some(a) = access
        && a != key.access
    {
        key.role_descriptors = role_descriptors(&a, v);
        key.access = a;
        updated = true;
    }
    if let Some(m) = obj.get("metadata") {
        let m = if m.is_null() { json!({}) } else { m.clone() };
        if m != key.metadata {
            key.metadata = m;
            updated = true;
        }
    }
    if let Some(e) = expiration {
        key.expiration_ms = Some(e);
        updated = true;
    }
    // Given replaces, explicit null clears, omitted keeps (api-facts-next 1.2).
    if let Some(i) = identity
        && i != key.certificate_identity
    {
        key.certificate_identity = i;
        updated = true;
    }
    Reply::json(200, json!({"updated": updated}))
}

/// The realm of a user: `elastic` is reserved, the others native.
fn realm_of(user: &str) -> &'static str {
    if user == "elastic" {
        "reserved"
    } else {
        "default_native"
    }
}

/// Records who created a key (a reply carrying its `id`), unless it is `elastic`.
fn record_owner(
    w: &mut World,
    dep_id: &str,
    r: Reply,
    caller: &Caller,
    limited_by: Option<Value>,
) -> Reply {
    let id = r
        .body
        .as_ref()
        .and_then(|b| b.get("id"))
        .and_then(Value::as_str);
    if let (200, Some(id), Some(l), Some(d)) =
        (r.status, id, limited_by, w.deployments.get_mut(dep_id))
    {
        let owner = auth::KeyOwner {
            username: caller.username().to_string(),
            limited_by: l,
        };
        d.es.auth.key_owners.insert(id.to_string(), owner);
    }
    r
}

fn key_json(d: &Deployment, k: &ApiKey, v: Version, limited_by: bool) -> Value {
    let owner = d.es.auth.key_owners.get(&k.id);
    let user = owner.map_or("elastic", |o| o.username.as_str());
    let mut o = json!({
        "id": k.id,
        "name": k.name,
        "creation": k.creation_ms,
        "invalidated": k.invalidation_ms.is_some(),
        "username": user,
        "realm": realm_of(user),
        "metadata": k.metadata,
        "role_descriptors": k.role_descriptors,
    });
    if util::at_least(v, 8, 10) {
        o["type"] = json!(k.kind.as_str());
    }
    if let Some(e) = k.expiration_ms {
        o["expiration"] = json!(e);
    }
    if let Some(i) = k.invalidation_ms
        && util::at_least(v, 8, 12)
    {
        o["invalidation"] = json!(i);
    }
    if util::at_least(v, 8, 14) {
        o["realm_type"] = json!(if user == "elastic" {
            "reserved"
        } else {
            "native"
        });
    }
    if k.kind == KeyKind::CrossCluster {
        o["access"] = k.access.clone();
        if let Some(i) = &k.certificate_identity
            && crate::signing::supported(v)
        {
            o["certificate_identity"] = json!(i);
        }
    } else if limited_by {
        o["limited_by"] = match owner {
            Some(ow) => json!([ow.limited_by]),
            None => {
                json!([{"superuser": {"cluster": ["all"], "indices": [{"names": ["*"], "privileges": ["all"], "allow_restricted_indices": true}], "applications": [], "run_as": ["*"], "metadata": {"_reserved": true}, "transient_metadata": {}}}])
            }
        };
    }
    o
}

fn get_keys(d: &Deployment, req: &Req, now: i64) -> Reply {
    let id = req.q("id");
    let name = req.q("name");
    if (id.is_some() || name.is_some())
        && (req.q("username").is_some() || req.q("realm_name").is_some())
    {
        return bad(
            "username or realm name must not be specified when the api key id or api key name is specified",
        );
    }
    let active_only = req.flag("active_only", false);
    let limited = req.flag("with_limited_by", false);
    let v = d.version();
    let keys: Vec<Value> =
        d.es.api_keys
            .values()
            .filter(|k| id.is_none_or(|i| i == k.id))
            .filter(|k| name.is_none_or(|n| n == "*" || util::simple_match(n, &k.name)))
            .filter(|k| {
                req.q("username").is_none_or(|u| {
                    u == d
                        .es
                        .auth
                        .key_owners
                        .get(&k.id)
                        .map_or("elastic", |o| o.username.as_str())
                })
            })
            .filter(|k| !active_only || k.active(now))
            .map(|k| key_json(d, k, v, limited))
            .collect();
    let status = if keys.is_empty() && (id.is_some() || name.is_some()) {
        404
    } else {
        200
    };
    Reply::json(status, json!({"api_keys": keys}))
}

fn invalidate(w: &mut World, dep_id: &str, req: &Req, caller: &Caller, now: i64) -> Reply {
    let body = req.body.clone().unwrap_or(json!({}));
    let mut ids: Vec<String> = body
        .get("ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(i) = body.get("id").and_then(Value::as_str) {
        ids.push(i.to_string());
    }
    let name = body.get("name").and_then(Value::as_str).map(str::to_string);
    let owner = body.get("owner").and_then(Value::as_bool).unwrap_or(false);
    let username = body
        .get("username")
        .and_then(Value::as_str)
        .map(str::to_string);
    let realm = body
        .get("realm_name")
        .and_then(Value::as_str)
        .map(str::to_string);
    if ids.is_empty() && name.is_none() && username.is_none() && realm.is_none() && !owner {
        return bad("One of [api key id, api key name, username, realm name] must be specified");
    }
    let Some(d) = w.deployments.get_mut(dep_id) else {
        return error(404, "resource_not_found_exception", "deployment gone");
    };
    // Only manage_security (or all) can invalidate cross-cluster keys.
    let can_ccs = auth::has_cluster_privilege(caller, &d.es.roles, "manage_security");
    let owners = d.es.auth.key_owners.clone();
    let owner_of = |id: &str| owners.get(id).map_or("elastic", |o| o.username.as_str());
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for k in d.es.api_keys.values_mut() {
        if k.invalidation_ms.is_some() {
            continue;
        }
        let m = (ids.is_empty() || ids.contains(&k.id))
            && name.as_ref().is_none_or(|n| util::simple_match(n, &k.name))
            && username.as_ref().is_none_or(|u| u == owner_of(&k.id))
            && (!owner || owner_of(&k.id) == caller.username())
            && realm
                .as_ref()
                .is_none_or(|r| r == realm_of(owner_of(&k.id)));
        if !m {
            continue;
        }
        if k.kind == KeyKind::CrossCluster && !can_ccs {
            let reason = format!("Cannot invalidate cross-cluster API key [{}]", k.id);
            errors.push(json!({"type": "illegal_argument_exception", "reason": reason}));
            continue;
        }
        k.invalidation_ms = Some(now);
        done.push(k.id.clone());
    }
    let mut out = json!({
        "invalidated_api_keys": done,
        "previously_invalidated_api_keys": [],
        "error_count": errors.len(),
    });
    if !errors.is_empty() {
        out["error_details"] = Value::Array(errors);
    }
    Reply::json(200, out)
}

const RESERVED_ROLES: &[&str] = &[
    "superuser",
    "kibana_system",
    "kibana_admin",
    "logstash_system",
    "beats_system",
    "apm_system",
    "remote_monitoring_agent",
    "monitoring_user",
    "viewer",
    "editor",
];

fn parse_fail(role: &str, what: &str, field: &str) -> Reply {
    error(
        400,
        "parse_exception",
        &format!("failed to parse {what} for role [{role}]. missing required [{field}] field"),
    )
}

fn put_role(w: &mut World, dep_id: &str, name: &str, req: &Req) -> Reply {
    if RESERVED_ROLES.contains(&name) {
        return bad(&format!("Role [{name}] is reserved and may not be used."));
    }
    let Some(body) = req.body.as_ref().and_then(Value::as_object) else {
        return error(400, "parse_exception", "request body is required");
    };
    let Some(d) = w.deployments.get_mut(dep_id) else {
        return error(404, "resource_not_found_exception", "deployment gone");
    };
    let v = d.version();
    let mut allowed = vec![
        "cluster",
        "indices",
        "applications",
        "run_as",
        "metadata",
        "transient_metadata",
        "global",
    ];
    if util::at_least(v, 8, 10) {
        allowed.push("remote_indices");
    }
    if util::at_least(v, 8, 15) {
        allowed.push("remote_cluster");
        allowed.push("description");
    }
    for k in body.keys() {
        if !allowed.contains(&k.as_str()) {
            return error(
                400,
                "parse_exception",
                &format!("failed to parse role [{name}]. unexpected field [{k}]"),
            );
        }
    }
    let arr = |k: &str| {
        body.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    // A single string where a list is expected (`"names": "*"`) reads as a one-item list.
    let listify = |e: &mut Value, k: &str| {
        if let Some(s @ Value::String(_)) = e.get(k).cloned() {
            e[k] = Value::Array(vec![s]);
        }
    };
    let mut indices = Vec::new();
    for e in arr("indices") {
        for f in ["names", "privileges"] {
            if e.get(f).is_none() {
                return parse_fail(name, "indices privileges", f);
            }
        }
        let mut e = e.clone();
        for k in ["names", "privileges"] {
            listify(&mut e, k);
        }
        if e.get("allow_restricted_indices").is_none() {
            e["allow_restricted_indices"] = json!(false);
        }
        indices.push(e);
    }
    let mut remote_indices = Vec::new();
    for e in arr("remote_indices") {
        for f in ["clusters", "names", "privileges"] {
            if e.get(f).is_none() {
                return parse_fail(name, "remote indices privileges", f);
            }
        }
        let mut e = e.clone();
        for k in ["clusters", "names", "privileges"] {
            listify(&mut e, k);
        }
        if e.get("allow_restricted_indices").is_none() {
            e["allow_restricted_indices"] = json!(false);
        }
        remote_indices.push(e);
    }
    let mut remote_cluster = Vec::new();
    let allowed_rc: &[&str] = if util::at_least(v, 8, 17) {
        &["monitor_enrich", "monitor_stats"]
    } else {
        &["monitor_enrich"]
    };
    for e in arr("remote_cluster") {
        for f in ["clusters", "privileges"] {
            if e.get(f).is_none() {
                return parse_fail(name, "remote_cluster", f);
            }
        }
        let bad_privs: Vec<String> = e["privileges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !allowed_rc.contains(p))
            .map(str::to_string)
            .collect();
        if !bad_privs.is_empty() {
            return bad(&format!(
                "Invalid remote_cluster permissions found. Please remove the following: [{}] Only [{}] are allowed",
                bad_privs.join(", "),
                allowed_rc.join(", ")
            ));
        }
        remote_cluster.push(e.clone());
    }
    let mut role = json!({
        "cluster": body.get("cluster").cloned().unwrap_or(json!([])),
        "indices": indices,
        "applications": body.get("applications").cloned().unwrap_or(json!([])),
        "run_as": body.get("run_as").cloned().unwrap_or(json!([])),
        "metadata": body.get("metadata").cloned().unwrap_or(json!({})),
        "transient_metadata": {"enabled": true},
    });
    if let Some(desc) = body.get("description") {
        role["description"] = desc.clone();
    }
    if !remote_indices.is_empty() {
        role["remote_indices"] = Value::Array(remote_indices);
    }
    if !remote_cluster.is_empty() {
        role["remote_cluster"] = Value::Array(remote_cluster);
    }
    let created = d.es.roles.insert(name.to_string(), role).is_none();
    Reply::json(200, json!({"role": {"created": created}}))
}

fn get_roles(d: &Deployment, names: Option<&str>) -> Reply {
    let mut out = Map::new();
    match names {
        None => {
            for (k, r) in &d.es.roles {
                out.insert(k.clone(), r.clone());
            }
        }
        Some(list) => {
            for n in list.split(',') {
                if let Some(r) = d.es.roles.get(n) {
                    out.insert(n.to_string(), r.clone());
                }
            }
            if out.is_empty() {
                return Reply::json(404, json!({}));
            }
        }
    }
    Reply::json(200, Value::Object(out))
}
