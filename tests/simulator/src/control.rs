//! The control API under `/_sim/` on the cloud URL (never faulted, never logged).

use crate::server::{Fault, RANDOM_KINDS, RandomFaults, Reply, Req, Sim, lock};
use crate::settings;
use crate::state::{self, World};
use crate::util;
use regex::Regex;
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;

fn err(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({"error": message}))
}

/// Resolves a deployment by id or name.
fn find(w: &World, key: &str) -> Option<String> {
    if w.deployments.contains_key(key) {
        return Some(key.to_string());
    }
    w.deployments
        .values()
        .find(|d| d.name == key)
        .map(|d| d.id.clone())
}

/// Handles one control request.
pub fn handle(sim: &Sim, req: &Req) -> Reply {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    if req.bad_json {
        return err(400, "request body is not valid JSON");
    }
    match (req.method.as_str(), &segs[1..]) {
        ("GET", ["ready"]) => Reply::json(200, lock(&sim.ready).clone()),
        ("GET", ["state"]) => Reply::json(200, state_json(&sim.world())),
        ("GET", ["requests"]) => requests(sim, req),
        ("GET", ["concurrency"]) => Reply::json(
            200,
            json!({
                "in_flight": sim.in_flight.load(Ordering::SeqCst),
                "max_in_flight": sim.max_in_flight.load(Ordering::SeqCst),
            }),
        ),
        ("DELETE", ["requests"]) => {
            let n = {
                let mut log = lock(&sim.log);
                let n = log.len();
                log.clear();
                n
            };
            sim.max_in_flight
                .store(sim.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
            Reply::json(200, json!({"deleted": n}))
        }
        ("GET", ["faults"]) => {
            let list: Vec<Value> = lock(&sim.faults).iter().map(Fault::to_json).collect();
            let random = lock(&sim.random).as_ref().map(RandomFaults::to_json);
            Reply::json(200, json!({"faults": list, "random": random}))
        }
        ("POST", ["faults"]) => add_faults(sim, req),
        ("DELETE", ["faults"]) => {
            lock(&sim.faults).clear();
            *lock(&sim.random) = None;
            Reply::json(200, json!({"acknowledged": true}))
        }
        ("GET", ["config"]) => config_json(sim),
        ("POST", ["config"]) => {
            let b = req.body.clone().unwrap_or(json!({}));
            for (k, target) in [("plan_ms", &sim.plan_ms), ("latency_ms", &sim.latency_ms)] {
                match b.get(k) {
                    None | Some(Value::Null) => {}
                    Some(v) => match v.as_u64() {
                        Some(n) => target.store(n, Ordering::Relaxed),
                        None => return err(400, &format!("{k} must be a non-negative integer")),
                    },
                }
            }
            match b.get("wire_compat") {
                None | Some(Value::Null) => {}
                Some(Value::Bool(x)) => sim.world().wire_compat = *x,
                Some(_) => return err(400, "wire_compat must be a boolean"),
            }
            config_json(sim)
        }
        ("POST", ["cloud_api_keys"]) => mint_cloud_key(sim, req),
        ("POST", ["deployments", key, rest @ ..]) => {
            let mut w = sim.world();
            let Some(id) = find(&w, key) else {
                return err(404, &format!("no deployment [{key}]"));
            };
            match rest {
                ["delete"] => {
                    w.deployments.remove(&id);
                    Reply::json(200, json!({"deleted": id}))
                }
                ["complete_plan"] => {
                    if let Some(p) = w
                        .deployments
                        .get_mut(&id)
                        .and_then(|d| d.es.pending.as_mut())
                    {
                        p.complete_at_ms = util::now_ms();
                    }
                    w.settle(util::now_ms());
                    Reply::json(200, json!({"acknowledged": true}))
                }
                ["fail_next_plan"] => {
                    let message = req
                        .body
                        .as_ref()
                        .and_then(|b| b.get("message"))
                        .and_then(Value::as_str)
                        .unwrap_or("Simulated plan failure")
                        .to_string();
                    if let Some(d) = w.deployments.get_mut(&id) {
                        d.es.fail_next_plan = Some(message.clone());
                    }
                    Reply::json(200, json!({"fail_next_plan": message}))
                }
                ["users", name] => {
                    let b = req.body.clone().unwrap_or(json!({}));
                    let Some(password) = b.get("password").and_then(Value::as_str) else {
                        return err(400, "a user needs a password");
                    };
                    let roles: Vec<String> = match b.get("roles") {
                        Some(Value::Array(a)) if a.iter().all(Value::is_string) => a
                            .iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect(),
                        _ => return err(400, "roles must be a list of role names"),
                    };
                    if *name == "elastic" {
                        return err(400, "elastic is the built-in superuser");
                    }
                    if let Some(d) = w.deployments.get_mut(&id) {
                        let user = crate::auth::User {
                            password: password.to_string(),
                            roles: roles.clone(),
                        };
                        d.es.auth.users.insert(name.to_string(), user);
                    }
                    Reply::json(200, json!({"user": name, "roles": roles}))
                }
                ["network_security"] => {
                    let on = req
                        .body
                        .as_ref()
                        .and_then(|b| b.get("enabled"))
                        .and_then(Value::as_bool)
                        .unwrap_or(true);
                    if on {
                        w.traffic.forced_on.insert(id.clone());
                    } else {
                        w.traffic.forced_on.remove(&id);
                    }
                    Reply::json(
                        200,
                        json!({"network_security": w.traffic.network_security(&id)}),
                    )
                }
                ["api_keys", key_id, "expire"] => {
                    let Some(k) = w
                        .deployments
                        .get_mut(&id)
                        .and_then(|d| d.es.api_keys.get_mut(*key_id))
                    else {
                        return err(404, &format!("no API key [{key_id}]"));
                    };
                    k.expiration_ms = Some(util::now_ms() - 1);
                    Reply::json(200, json!({"expired": key_id}))
                }
                _ => err(404, "unknown control endpoint"),
            }
        }
        _ => err(404, "unknown control endpoint"),
    }
}

/// `POST /_sim/cloud_api_keys {"organization_id", "description"?, "role_assignments"}`: a Cloud
/// API key with the roles of `POST /users/auth/keys`; answers `{"id", "key", ...}`.
fn mint_cloud_key(sim: &Sim, req: &Req) -> Reply {
    let b = req.body.clone().unwrap_or(json!({}));
    let mut w = sim.world();
    let Some(org) = b.get("organization_id").and_then(Value::as_str) else {
        return err(400, "organization_id is required");
    };
    if !w.orgs.contains_key(org) {
        return err(404, &format!("no organization [{org}]"));
    }
    let roles = b.get("role_assignments").cloned().unwrap_or(json!({}));
    let mut key = match crate::auth::parse_role_assignments(org, &roles) {
        Ok(k) => k,
        Err(e) => return err(400, &e),
    };
    key.description = b
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let secret = util::fresh(40);
    let out = json!({"id": key.id, "key": secret, "description": key.description,
                     "organization_id": org, "role_assignments": roles});
    w.cloud_keys.by_secret.insert(secret, key);
    Reply::json(201, out)
}

fn config_json(sim: &Sim) -> Reply {
    Reply::json(
        200,
        json!({
            "plan_ms": sim.plan_ms.load(Ordering::Relaxed),
            "latency_ms": sim.latency_ms.load(Ordering::Relaxed),
            "wire_compat": sim.world().wire_compat,
        }),
    )
}

fn requests(sim: &Sim, req: &Req) -> Reply {
    let target = req.q("target").map(str::to_string);
    let target_id = target.as_deref().and_then(|t| {
        if t == "cloud" || t == "es" {
            Some(t.to_string())
        } else {
            find(&lock(&sim.world), t).or_else(|| Some(t.to_string()))
        }
    });
    let log = lock(&sim.log);
    let list: Vec<Value> = log
        .iter()
        .filter(|e| {
            let t = e.get("target").and_then(Value::as_str).unwrap_or("");
            match target_id.as_deref() {
                None => true,
                Some("es") => t != "cloud",
                Some(x) => t == x,
            }
        })
        .cloned()
        .collect();
    if req.q("format") == Some("jsonl") {
        let mut text = String::new();
        for e in &list {
            text.push_str(&e.to_string());
            text.push('\n');
        }
        let mut r = Reply::json(200, Value::Null);
        r.body = None;
        r.raw = Some(("application/x-ndjson".into(), text));
        return r;
    }
    Reply::json(200, Value::Array(list))
}

fn parse_fault(v: &Value, id: u64) -> Result<Fault, String> {
    let Some(o) = v.as_object() else {
        return Err("a fault rule must be an object".into());
    };
    for k in o.keys() {
        if ![
            "method",
            "path",
            "target",
            "status",
            "retry_after",
            "delay_ms",
            "count",
            "skip",
            "reset",
            "after",
            "truncate",
            "code",
            "message",
        ]
        .contains(&k.as_str())
        {
            return Err(format!("unknown fault field [{k}]"));
        }
    }
    let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    let n = |k: &str| o.get(k).and_then(Value::as_u64);
    let path = match s("path") {
        Some(p) => Some(Regex::new(&p).map_err(|e| format!("bad path regex: {e}"))?),
        None => None,
    };
    let status = match n("status") {
        Some(x) if (100..=599).contains(&x) => Some(x as u16),
        Some(x) => return Err(format!("bad status {x}")),
        None => None,
    };
    let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
    let (reset, after, truncate) = (flag("reset"), flag("after"), flag("truncate"));
    let delay_ms = n("delay_ms").unwrap_or(0);
    if status.is_none() && !reset && !truncate && delay_ms == 0 {
        return Err("a fault rule needs status, reset, truncate or delay_ms".into());
    }
    if after && !reset {
        return Err("after applies to reset only".into());
    }
    if truncate && (reset || status.is_some()) {
        return Err("truncate cannot be combined with reset or status".into());
    }
    Ok(Fault {
        id,
        method: s("method"),
        path,
        target: s("target"),
        status,
        retry_after: n("retry_after"),
        delay_ms,
        count: n("count").unwrap_or(1),
        skip: n("skip").unwrap_or(0),
        reset,
        after,
        truncate,
        code: s("code"),
        message: s("message"),
    })
}

/// The random mode from `{"rate": 0.2, "seed": 7, "kinds": [...], "retry_after": 1}` (plus the
/// optional `method`, `path`, `target` filters of a rule).
fn parse_random(o: &Map<String, Value>, id: u64) -> Result<RandomFaults, String> {
    for k in o.keys() {
        if ![
            "rate",
            "seed",
            "kinds",
            "retry_after",
            "method",
            "path",
            "target",
        ]
        .contains(&k.as_str())
        {
            return Err(format!("unknown random fault field [{k}]"));
        }
    }
    let rate = o
        .get("rate")
        .and_then(Value::as_f64)
        .filter(|r| (0.0..=1.0).contains(r))
        .ok_or("rate must be a number from 0 to 1")?;
    let seed = match o.get("seed") {
        None => 0,
        Some(v) => v.as_u64().ok_or("seed must be a non-negative integer")?,
    };
    let kinds: Vec<String> = match o.get("kinds") {
        None => RANDOM_KINDS.iter().map(|k| k.to_string()).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|k| match k.as_str() {
                Some(s) if RANDOM_KINDS.contains(&s) => Ok(s.to_string()),
                _ => Err(format!(
                    "unknown fault kind {k}: use {}",
                    RANDOM_KINDS.join(", ")
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("kinds must be a list".into()),
    };
    if kinds.is_empty() {
        return Err("kinds must not be empty".into());
    }
    let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    let path = match s("path") {
        Some(p) => Some(Regex::new(&p).map_err(|e| format!("bad path regex: {e}"))?),
        None => None,
    };
    Ok(RandomFaults::new(
        id,
        rate,
        seed,
        kinds,
        o.get("retry_after").and_then(Value::as_u64),
        s("method"),
        path,
        s("target"),
    ))
}

fn add_faults(sim: &Sim, req: &Req) -> Reply {
    let body = req.body.clone().unwrap_or(Value::Null);
    if let Value::Object(o) = &body
        && o.contains_key("rate")
    {
        let id = sim.seq.fetch_add(1, Ordering::Relaxed);
        return match parse_random(o, id) {
            Ok(mut r) => {
                // A deployment name matches as its id (the log label).
                if let Some(t) = r.target.clone()
                    && t != "cloud"
                    && t != "es"
                {
                    r.target = Some(find(&sim.world(), &t).unwrap_or(t));
                }
                *lock(&sim.random) = Some(r);
                Reply::json(200, json!({"ids": [id]}))
            }
            Err(e) => err(400, &e),
        };
    }
    let rules: Vec<Value> = match &body {
        Value::Array(a) => a.clone(),
        Value::Object(o) if o.contains_key("rules") => {
            o["rules"].as_array().cloned().unwrap_or_default()
        }
        Value::Object(_) => vec![body.clone()],
        _ => {
            return err(
                400,
                "body must be a fault rule, an array of rules or {\"rules\": [...]}",
            );
        }
    };
    let mut parsed = Vec::new();
    for r in &rules {
        let id = sim.seq.fetch_add(1, Ordering::Relaxed);
        match parse_fault(r, id) {
            Ok(f) => parsed.push(f),
            Err(e) => return err(400, &e),
        }
    }
    let ids: Vec<u64> = parsed.iter().map(|f| f.id).collect();
    lock(&sim.faults).extend(parsed);
    Reply::json(200, json!({"ids": ids}))
}

fn state_json(w: &World) -> Value {
    let now = util::now_ms();
    let mut deps = Map::new();
    for d in w.deployments.values() {
        let es = &d.es;
        let keys: Vec<Value> = es
            .api_keys
            .values()
            .map(|k| {
                json!({
                    "id": k.id, "name": k.name, "type": k.kind.as_str(),
                    "invalidated": k.invalidation_ms.is_some(),
                    "expired": k.expiration_ms.is_some_and(|e| e <= now),
                    "expiration": k.expiration_ms, "access": k.access, "metadata": k.metadata, "certificate_identity": k.certificate_identity
                })
            })
            .collect();
        let remotes: Map<String, Value> = settings::aliases(&settings::effective(es))
            .into_iter()
            .map(|a| {
                let c = w.connection(&d.id, &a, now);
                (a, json!({"connected": c.connected, "cause": c.cause.map(|x| x.as_str()), "reason": c.reason, "resolve_error": c.es_error, "remote_deployment_id": c.remote_id}))
            })
            .collect();
        deps.insert(
            d.id.clone(),
            json!({
                "name": d.name,
                "organization_id": d.org_id,
                "version": es.version,
                "resource_version": d.resource_version,
                "ref_id": es.ref_id,
                "cluster_id": es.cluster_id,
                "endpoint": es.endpoint,
                "trust": es.trust,
                "applied_trust": es.applied_trust,
                "effective_trust": state::effective_trust(d, &es.applied_trust),
                "pending_plan": es.pending.is_some(),
                "plan_attempts": es.attempts,
                "restarts": es.restarts,
                "keystore_keys": es.keystore.keys().collect::<Vec<_>>(),
                "loaded_keystore_keys": es.loaded.keys().collect::<Vec<_>>(),
                "cluster_settings": {
                    "persistent": settings::render(&es.persistent, true),
                    "transient": settings::render(&es.transient, true),
                },
                "remote_clusters": es.remote_clusters.iter().map(|r| json!({
                    "alias": r.alias, "deployment_id": r.deployment_id,
                    "elasticsearch_ref_id": r.ref_id, "skip_unavailable": r.skip_unavailable
                })).collect::<Vec<_>>(),
                "connections": remotes,
                "api_keys": keys,
                "roles": es.roles,
            }),
        );
    }
    let orgs: Map<String, Value> = w
        .orgs
        .values()
        .map(|o| {
            (
                o.id.clone(),
                json!({"name": o.name, "trust_all": o.trust_all}),
            )
        })
        .collect();
    json!({"organizations": orgs, "deployments": deps, "traffic_filter": crate::traffic_filter::state_json(w)})
}
