//! The Elastic Cloud API (`/api/v1`).

use crate::server::{Reply, Req, Sim};
use crate::state::{self, Deployment, PlanAttempt, RemoteRef, Secret, TrustRel, World};
use crate::util;
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;

/// A `BasicFailedReply` with the code also in `x-cloud-error-codes`.
pub fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"errors": [{"code": code, "message": message}]}),
    )
    .with_header("x-cloud-error-codes", code)
}

fn error_fields(status: u16, code: &str, message: &str, fields: Vec<String>) -> Reply {
    Reply::json(
        status,
        json!({"errors": [{"code": code, "message": message, "fields": fields}]}),
    )
    .with_header("x-cloud-error-codes", code)
}

fn not_found(id: &str) -> Reply {
    error(
        404,
        "deployments.deployment_not_found",
        &format!("Deployment [{id}] cannot be found"),
    )
}

fn resource_not_found(id: &str, kind: &str, ref_id: &str) -> Reply {
    error(
        404,
        "deployments.deployment_resource_not_found",
        &format!("Deployment [{id}] has no {kind} resource with ref_id [{ref_id}]"),
    )
}

fn invalid(message: &str, field: &str) -> Reply {
    error_fields(
        400,
        "root.invalid_json_request",
        message,
        vec![field.to_string()],
    )
}

/// Handles one Cloud API request.
pub fn handle(sim: &Sim, req: &Req) -> Reply {
    let Some(rest) = req.path.strip_prefix("/api/v1") else {
        return error(
            404,
            "root.resource_not_found",
            "The requested resource could not be found",
        );
    };
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mut w = sim.world();
    // Authentication: `Authorization: ApiKey <key>`.
    // A fixture key is an Organization owner; a minted key has the roles it was given.
    let mut scoped = None;
    let org_id = match req.header("authorization").and_then(|h| {
        let (scheme, key) = h.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("apikey")
            .then(|| key.trim().to_string())
    }) {
        Some(key) => match w.orgs.values().find(|o| o.api_keys.contains(&key)) {
            Some(o) => o.id.clone(),
            None if w.cloud_keys.by_secret.contains_key(&key) => {
                let k = w.cloud_keys.by_secret[&key].clone();
                let org = k.org_id.clone();
                scoped = Some(k);
                org
            }
            None => {
                return error(
                    401,
                    "root.unauthorized",
                    "The supplied authentication is invalid",
                );
            }
        },
        None => {
            return error(
                401,
                "root.unauthorized",
                "The supplied authentication is invalid: send the header Authorization: ApiKey <key>",
            );
        }
    };
    if req.bad_json {
        return error(
            400,
            "root.invalid_json",
            "The request body is not valid JSON",
        );
    }
    let plan_ms = sim.plan_ms.load(Ordering::Relaxed);
    let m = req.method.as_str();
    if let Some(k) = &scoped {
        // Another organization's deployment stays a 404 (below); the key's role decides the rest.
        let hidden = matches!(segs.as_slice(), ["deployments", id, ..]
            if w.deployments.get(*id).is_none_or(|d| d.org_id != org_id));
        if let (false, Err(r)) = (hidden, crate::auth::cloud_authorize(k, m, &segs)) {
            return r;
        }
    }
    match (m, segs.as_slice()) {
        ("GET", ["organizations"]) => {
            let o = &w.orgs[&org_id];
            Reply::json(
                200,
                json!({"organizations": [{"id": o.id, "name": o.name}]}),
            )
        }
        ("GET", ["organizations", id]) => match w.orgs.get(*id) {
            Some(o) if o.id == org_id => Reply::json(200, json!({"id": o.id, "name": o.name})),
            Some(_) => error(
                403,
                "organization.invalid_access",
                &format!("You do not have access to organization [{id}]"),
            ),
            None => error(
                404,
                "organization.not_found",
                &format!("Organization [{id}] not found"),
            ),
        },
        ("GET", ["account"]) => {
            let o = &w.orgs[&org_id];
            Reply::json(
                200,
                json!({"id": o.id, "trust": {"trust_all": o.trust_all}}),
            )
        }
        ("GET", ["trusted-environments"]) => {
            Reply::json(200, w.orgs[&org_id].trusted_environments.clone())
        }
        ("GET", ["platform", "configuration", "trust-relationships"]) => {
            // Every relationship here describes another environment (`local: false`).
            let cert = req.flag("include_certificate", false);
            let local_only = req.q("filter") == Some("local");
            let list: Vec<Value> = w
                .trust_relationships
                .values()
                .filter(|_| !local_only)
                .map(|t| trust_rel_json(t, true, cert))
                .collect();
            Reply::json(200, json!({"trust_relationships": list}))
        }
        ("POST", ["platform", "configuration", "trust-relationships"]) => {
            create_trust_rel(&mut w, req)
        }
        ("GET", ["platform", "configuration", "trust-relationships", id]) => {
            match w.trust_relationships.get(*id) {
                Some(t) => Reply::json(
                    200,
                    trust_rel_json(t, true, req.flag("include_certificate", false)),
                ),
                None => trust_rel_missing(id),
            }
        }
        ("PUT", ["platform", "configuration", "trust-relationships", id]) => {
            update_trust_rel(&mut w, id, req)
        }
        ("DELETE", ["platform", "configuration", "trust-relationships", id]) => {
            if w.trust_relationships.remove(*id).is_some() {
                Reply::json(200, json!({}))
            } else {
                trust_rel_missing(id)
            }
        }
        ("POST", ["deployments", "eligible-remote-clusters"]) => {
            crate::eligible::search_by_version(&w, &org_id, req)
        }
        (_, ["deployments", "traffic-filter", rest @ ..]) => {
            crate::traffic_filter::handle(&mut w, rest, req, &org_id)
        }
        (_, ["deployments", id, tail @ ..]) => {
            let visible = w.deployments.get(*id).is_some_and(|d| d.org_id == org_id);
            if !visible {
                return not_found(id);
            }
            deployment_route(&mut w, id, tail, req, plan_ms, &org_id)
        }
        _ => error(
            404,
            "root.resource_not_found",
            "The requested resource could not be found",
        ),
    }
}

fn trust_rel_missing(id: &str) -> Reply {
    error(
        404,
        "trust_relationships.not_found",
        &format!("Trust relationship [{id}] not found"),
    )
}

fn trust_rel_json(t: &TrustRel, full: bool, certificate: bool) -> Value {
    let mut v = json!({"id": t.id, "name": t.name, "trust_by_default": t.trust_by_default, "local": false, "account_ids": t.account_ids});
    if let Some(i) = &t.installation_id {
        v["installation_id"] = json!(i);
    }
    if certificate && let Some(c) = &t.public_ca_cert {
        v["public_ca_cert"] = json!(c);
    }
    if full {
        v["last_modified"] = json!(util::rfc3339(t.modified_ms));
    }
    v
}

fn create_trust_rel(w: &mut World, req: &Req) -> Reply {
    let Some(b) = req.body.as_ref().and_then(Value::as_object) else {
        return invalid("The request body is required", "body");
    };
    for f in ["name", "public_ca_cert"] {
        if !b.get(f).is_some_and(Value::is_string) {
            return invalid(
                &format!("JSON request does not comply with schema: missing required field [{f}]"),
                f,
            );
        }
    }
    // Derived from the name (stable across fresh simulators, like deployment ids).
    let name = b.get("name").and_then(Value::as_str).unwrap_or_default();
    let mut id = util::hex32(&format!("trust-relationship/{name}"));
    let mut n = 0;
    while w.trust_relationships.contains_key(&id) {
        n += 1;
        id = util::hex32(&format!("trust-relationship/{name}/{n}"));
    }
    let t = TrustRel {
        id: id.clone(),
        name: b
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        account_ids: str_list(b.get("account_ids")),
        trust_by_default: b
            .get("trust_by_default")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        installation_id: b
            .get("installation_id")
            .and_then(Value::as_str)
            .map(str::to_string),
        public_ca_cert: b
            .get("public_ca_cert")
            .and_then(Value::as_str)
            .map(str::to_string),
        modified_ms: util::now_ms(),
    };
    let out = trust_rel_json(&t, false, false);
    w.trust_relationships.insert(id, t);
    Reply::json(201, out)
}

fn update_trust_rel(w: &mut World, id: &str, req: &Req) -> Reply {
    let Some(t) = w.trust_relationships.get_mut(id) else {
        return trust_rel_missing(id);
    };
    let b = req.body.clone().unwrap_or(json!({}));
    if let Some(n) = b.get("name").and_then(Value::as_str) {
        t.name = n.to_string();
    }
    if b.get("account_ids").is_some() {
        t.account_ids = str_list(b.get("account_ids"));
    }
    if let Some(x) = b.get("trust_by_default").and_then(Value::as_bool) {
        t.trust_by_default = x;
    }
    if let Some(x) = b.get("installation_id").and_then(Value::as_str) {
        t.installation_id = Some(x.to_string());
    }
    if let Some(x) = b.get("public_ca_cert").and_then(Value::as_str) {
        t.public_ca_cert = Some(x.to_string());
    }
    t.modified_ms = util::now_ms();
    Reply::json(200, trust_rel_json(t, false, false))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn ref_matches(d: &Deployment, ref_id: &str) -> bool {
    ref_id == d.es.ref_id || ref_id == "_main"
}

fn version_headers(reply: Reply, d: &Deployment) -> Reply {
    reply
        .with_header("x-cloud-resource-version", d.resource_version.to_string())
        .with_header("x-cloud-resource-created", util::rfc3339(d.created_ms))
        .with_header(
            "x-cloud-resource-last-modified",
            util::rfc3339(d.modified_ms),
        )
}

fn deployment_route(
    w: &mut World,
    id: &str,
    tail: &[&str],
    req: &Req,
    plan_ms: u64,
    org_id: &str,
) -> Reply {
    let m = req.method.as_str();
    match (m, tail) {
        ("GET", []) => {
            let d = &w.deployments[id];
            version_headers(Reply::json(200, deployment_json(w, d, req)), d)
        }
        ("PUT", []) => update_deployment(w, id, req, plan_ms),
        (_, ["elasticsearch", ref_id, rest @ ..]) => {
            if !ref_matches(&w.deployments[id], ref_id) {
                return resource_not_found(id, "elasticsearch", ref_id);
            }
            match (m, rest) {
                ("GET", []) => {
                    let d = &w.deployments[id];
                    Reply::json(200, es_json(w, d, req))
                }
                ("GET", ["keystore"]) => Reply::json(200, keystore_json(&w.deployments[id])),
                ("PATCH", ["keystore"]) => patch_keystore(w, id, req),
                ("GET", ["remote-clusters"]) => Reply::json(200, remote_clusters_json(w, id)),
                ("PUT", ["remote-clusters"]) => put_remote_clusters(w, id, req, org_id),
                ("POST", ["eligible-remote-clusters"]) => {
                    crate::eligible::search_for(w, org_id, id, req)
                }
                ("POST", ["_restart"]) => {
                    let plan = w.deployments[id].es.current.plan.clone();
                    let plan = w.deployments[id]
                        .es
                        .pending
                        .as_ref()
                        .map(|p| p.attempt.plan.clone())
                        .unwrap_or(plan);
                    w.start_plan(id, plan, true, "elasticsearch.restart-es-cluster", plan_ms);
                    Reply::json(202, json!({}))
                }
                ("DELETE", ["plan", "pending"]) => cancel_pending(w, id, req),
                _ => error(
                    404,
                    "root.resource_not_found",
                    "The requested resource could not be found",
                ),
            }
        }
        ("DELETE", [kind, ref_id, "plan", "pending"]) => {
            let kinds = [
                "kibana",
                "apm",
                "appsearch",
                "enterprise_search",
                "integrations_server",
            ];
            if kinds.contains(kind) {
                resource_not_found(id, kind, ref_id)
            } else {
                error(
                    404,
                    "root.resource_not_found",
                    "The requested resource could not be found",
                )
            }
        }
        _ => error(
            404,
            "root.resource_not_found",
            "The requested resource could not be found",
        ),
    }
}

fn cancel_pending(w: &mut World, id: &str, req: &Req) -> Reply {
    let Some(d) = w.deployments.get_mut(id) else {
        return not_found(id);
    };
    let body = json!({"id": d.id, "kind": "elasticsearch", "ref_id": d.es.ref_id});
    match d.es.pending.take() {
        Some(_) => {
            d.es.trust = d.es.applied_trust.clone();
            Reply::json(200, body)
        }
        None if req.flag("ignore_missing", false) => Reply::json(200, body),
        None => error(
            400,
            "deployments.resource_does_not_have_a_pending_plan",
            &format!(
                "The elasticsearch resource [{}] of deployment [{id}] does not have a pending plan",
                d.es.ref_id
            ),
        ),
    }
}

fn attempt_json(
    a: &PlanAttempt,
    pending: bool,
    logs: bool,
    clear_transient: bool,
    source: bool,
) -> Value {
    let mut plan = a.plan.clone();
    if clear_transient && let Some(o) = plan.as_object_mut() {
        o.remove("transient");
    }
    let start = util::rfc3339(a.start_ms);
    let mut v = json!({
        "plan_attempt_id": a.id,
        "plan_attempt_name": format!("attempt-{:010}", a.seq),
        "healthy": true,
        "attempt_start_time": start,
        "plan": plan,
        "plan_attempt_log": [],
        "warnings": [],
    });
    if source {
        v["source"] = json!({"facilitator": "adminconsole", "action": a.action, "date": start});
    }
    if let Some(end) = a.end_ms {
        v["attempt_end_time"] = json!(util::rfc3339(end));
        v["plan_end_time"] = json!(util::rfc3339(end));
        if let Some(message) = &a.failure {
            v["healthy"] = json!(false);
            v["error"] = json!({"timestamp": util::rfc3339(end), "message": message, "details": {}, "failure_type": "PlanFailure"});
        }
    }
    if logs {
        let mut steps = vec![json!({
            "step_id": "plan-started", "started": start, "completed": start, "duration_in_millis": 0,
            "status": "success", "stage": "completed",
            "info_log": [{"timestamp": start, "stage": "completed", "message": "Plan change started", "details": {}}]
        })];
        if pending {
            steps.push(json!({
                "step_id": "apply-plan", "started": start, "status": "pending", "stage": "in_progress",
                "info_log": [{"timestamp": start, "stage": "in_progress", "message": "Applying the plan", "details": {}}]
            }));
        } else if let (Some(end), Some(message)) = (a.end_ms, a.failure.as_deref()) {
            let e = util::rfc3339(end);
            steps.push(json!({
                "step_id": "apply-plan", "started": start, "completed": e, "duration_in_millis": end - a.start_ms,
                "status": "error", "stage": "completed",
                "info_log": [{"timestamp": e, "stage": "completed", "message": message, "details": {}, "failure_type": "PlanFailure"}]
            }));
            steps.push(json!({
                "step_id": "plan-completed", "started": e, "completed": e, "duration_in_millis": end - a.start_ms,
                "status": "error", "stage": "completed",
                "info_log": [{"timestamp": e, "stage": "completed", "message": "Plan change failed", "details": {}}]
            }));
        } else if let Some(end) = a.end_ms {
            let e = util::rfc3339(end);
            steps.push(json!({
                "step_id": "plan-completed", "started": e, "completed": e, "duration_in_millis": end - a.start_ms,
                "status": "success", "stage": "completed",
                "info_log": [{"timestamp": e, "stage": "completed", "message": "Plan change completed", "details": {}}]
            }));
        }
        v["plan_attempt_log"] = Value::Array(steps);
    }
    v
}

/// The trust object as a GET shows it (read-only fields filled in).
fn render_trust(w: &World, trust: &Value) -> Value {
    let mut t = trust.clone();
    if let Some(ext) = t.get_mut("external").and_then(Value::as_array_mut) {
        for e in ext {
            let name = e
                .get("trust_relationship_id")
                .and_then(Value::as_str)
                .and_then(|id| w.trust_relationships.get(id))
                .map(|r| r.name.clone());
            if let (Some(n), Some(o)) = (name, e.as_object_mut()) {
                o.insert("name".into(), json!(n));
            }
        }
    }
    if let Some(direct) = t.get_mut("direct").and_then(Value::as_array_mut) {
        for e in direct {
            if let Some(certs) = e.get_mut("certificates").and_then(Value::as_array_mut) {
                for c in certs {
                    let pem = c
                        .get("pem")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let fp = util::hex32(&pem);
                    c["metadata"] = json!({
                        "fingerprint": fp.as_bytes().chunks(2).take(20).map(|p| String::from_utf8_lossy(p).to_uppercase()).collect::<Vec<_>>().join(":"),
                        "valid_from": "2024-01-01T00:00:00.000Z",
                        "valid_to": "2034-01-01T00:00:00.000Z",
                        "also_trusted_by": []
                    });
                }
            }
        }
    }
    t
}

/// A rendered trust object as real Cloud sends it: empty lists are `null`, and an account
/// entry without an allowlist carries `"trust_allowlist": null` (cloud-sdk-go
/// `integrations_server_get.json`, ES 9.0.2).
fn real_trust_shape(mut t: Value) -> Value {
    if let Some(o) = t.as_object_mut() {
        for (_, list) in o.iter_mut() {
            if let Some(items) = list.as_array_mut() {
                for e in items.iter_mut() {
                    if let Some(eo) = e.as_object_mut() {
                        let empty = eo
                            .get("trust_allowlist")
                            .is_none_or(|a| a.as_array().is_some_and(Vec::is_empty));
                        if empty {
                            eo.insert("trust_allowlist".into(), Value::Null);
                        }
                    }
                }
                if items.is_empty() {
                    *list = Value::Null;
                }
            }
        }
    }
    t
}

fn es_json(w: &World, d: &Deployment, req: &Req) -> Value {
    let es = &d.es;
    let show_plans = req.flag("show_plans", true);
    let logs = req.flag("show_plan_logs", false);
    let clear = req.flag("clear_transient", false);
    let mut plan_info = json!({"healthy": true, "history": []});
    if show_plans {
        plan_info["current"] = attempt_json(&es.current, false, logs, clear, true);
        if let Some(p) = &es.pending {
            plan_info["pending"] = attempt_json(&p.attempt, true, logs, clear, true);
        }
    }
    if req.flag("show_plan_history", false) {
        let all = req.flag("force_all_plan_history", false);
        let hist: Vec<Value> = es
            .history
            .iter()
            .chain(std::iter::once(&es.current))
            .rev()
            .take(if all { usize::MAX } else { 100 })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(|a| attempt_json(a, false, logs, clear, true))
            .collect();
        plan_info["history"] = Value::Array(hist);
    }
    let host_suffix = format!("{}.aws.found.io", es.region);
    let slug = slug(&d.name);
    let legacy = es.ref_id == "elasticsearch";
    let old = d.version().0 < 8;
    let mut metadata = json!({
        "version": d.resource_version,
        "last_modified": util::rfc3339(d.modified_ms),
        "endpoint": es.endpoint,
        "aliased_endpoint": format!("{slug}.es.{host_suffix}"),
        "service_url": es.es_url,
        "aliased_url": format!("https://{slug}.es.{host_suffix}"),
        "cloud_id": format!("{}:{}", d.name, util::b64(&format!("{host_suffix}:443${}${}", es.cluster_id, util::hex32(&format!("kibana/{}", d.id))))),
        "ports": {"http": 9200, "https": 443, "transport_passthrough": state::CERT_PORT},
        "services_urls": [{"service": "elasticsearch", "url": es.es_url}]
    });
    if es.real_shapes {
        // Real Cloud (recorded bodies, tests/simulator/README.md): `services_urls` null; older
        // deployments answer on 9243 with only {cloud_id, endpoint, last_modified, ports,
        // version}; legacy resources have no transport passthrough port.
        metadata["services_urls"] = Value::Null;
        if old {
            metadata["ports"]["https"] = json!(9243);
            if let Some(o) = metadata.as_object_mut() {
                for k in [
                    "service_url",
                    "aliased_endpoint",
                    "aliased_url",
                    "services_urls",
                ] {
                    o.remove(k);
                }
            }
        }
        if legacy {
            metadata["ports"]["transport_passthrough"] = Value::Null;
        }
    }
    if req.flag("show_metadata", false) {
        metadata["raw"] =
            json!({"cluster_id": es.cluster_id, "deployment_id": d.id, "region": es.region});
    }
    let instance = "instance-0000000000";
    let mut info = json!({
        "cluster_id": es.cluster_id,
        "cluster_name": d.name,
        "deployment_id": d.id,
        "healthy": true,
        "status": if es.pending.is_some() { "reconfiguring" } else { "started" },
        "plan_info": plan_info,
        "elasticsearch": {
            "healthy": true,
            "shard_info": {"healthy": true, "available_shards": [], "unavailable_shards": [], "unavailable_replicas": []},
            "master_info": {"healthy": true, "masters": [{"master_node_id": util::alnum(&format!("node/{}", es.cluster_id), 22), "master_instance_name": instance, "instances": [instance]}], "instances_with_no_master": []},
            "blocking_issues": {"healthy": true, "cluster_level": [], "index_level": []}
        },
        "metadata": metadata,
        "topology": {"healthy": true, "instances": [{
            "instance_name": instance, "healthy": true, "container_started": true, "service_running": true,
            "maintenance_mode": false, "service_version": es.version, "zone": format!("{}a", es.region)
        }]},
        "associated_kibana_clusters": [],
        "associated_apm_clusters": [],
        "associated_appsearch_clusters": [],
        "associated_enterprise_search_clusters": [],
        "snapshots": {"healthy": true, "count": 0, "recent_success": true},
        "external_links": [],
        "region": es.region,
    });
    if req.flag("show_settings", false) {
        let mut settings = json!({
            "trust": render_trust(w, &es.trust),
            "metadata": {"name": d.name, "organization_id": d.org_id, "owner_id": d.org_id, "subscription_level": "standard"},
            "dedicated_masters_threshold": 6,
            "curation": {"specs": []},
            "snapshot": {"enabled": true, "slm": true}
        });
        if es.real_shapes {
            settings["trust"] = real_trust_shape(settings["trust"].take());
            settings["metadata"]["hidden"] = json!(false);
            settings["metadata"]["system_owned"] = json!(false);
            settings["metadata"]["resources"] = json!({"cpu": {"boost": true, "hard_limit": true}});
        }
        if es.trust.is_null()
            && let Some(o) = settings.as_object_mut()
        {
            // No trust object at all: the key is absent (its default is in effect).
            o.remove("trust");
        }
        info["settings"] = settings;
    }
    json!({"ref_id": es.ref_id, "id": es.cluster_id, "region": es.region, "info": info})
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A deployment as `GET /deployments/{id}` (and the deployment searches) answer it.
pub fn deployment_json(w: &World, d: &Deployment, req: &Req) -> Value {
    json!({
        "id": d.id,
        "name": d.name,
        "alias": slug(&d.name),
        "healthy": true,
        "resources": {
            "elasticsearch": [es_json(w, d, req)],
            "kibana": [], "apm": [], "appsearch": [], "enterprise_search": [], "integrations_server": []
        }
    })
}

fn update_deployment(w: &mut World, id: &str, req: &Req, plan_ms: u64) -> Reply {
    let Some(body) = req.body.as_ref().and_then(Value::as_object) else {
        return invalid(
            "The request body is required and must be a JSON object",
            "body",
        );
    };
    match body.get("prune_orphans") {
        Some(Value::Bool(_)) => {}
        Some(_) => {
            return invalid(
                "JSON request does not comply with schema: [prune_orphans] must be a boolean",
                "prune_orphans",
            );
        }
        None => {
            return invalid(
                "JSON request does not comply with schema: missing required field [prune_orphans]",
                "prune_orphans",
            );
        }
    }
    let prune = body
        .get("prune_orphans")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let d = &w.deployments[id];
    if let Some(v) = req.q("version")
        && v != d.resource_version.to_string()
    {
        return error(
            409,
            "deployments.version_conflict",
            &format!(
                "The deployment version [{v}] does not match the current version [{}]: read the deployment again and retry",
                d.resource_version
            ),
        );
    }
    let es_list = body
        .get("resources")
        .and_then(|r| r.get("elasticsearch"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut new_trust: Option<Value> = None;
    let mut new_plan: Option<Value> = None;
    let mut keystore_patch: Option<Value> = None;
    for (i, e) in es_list.iter().enumerate() {
        let path = format!("resources.elasticsearch[{i}]");
        for f in ["ref_id", "region", "plan"] {
            if e.get(f).is_none_or(Value::is_null) {
                return invalid(
                    &format!(
                        "JSON request does not comply with schema: missing required field [{f}] in [{path}]"
                    ),
                    &format!("{path}.{f}"),
                );
            }
        }
        let plan = &e["plan"];
        for f in ["cluster_topology", "elasticsearch"] {
            if plan.get(f).is_none_or(Value::is_null) {
                return invalid(
                    &format!(
                        "JSON request does not comply with schema: missing required field [{f}] in [{path}.plan]"
                    ),
                    &format!("{path}.plan.{f}"),
                );
            }
        }
        let ref_id = e["ref_id"].as_str().unwrap_or_default();
        if ref_id != d.es.ref_id {
            return error_fields(
                400,
                "deployments.restricted_parameter",
                &format!(
                    "The simulator cannot add Elasticsearch resources: deployment [{id}] has no Elasticsearch resource [{ref_id}]"
                ),
                vec![format!("{path}.ref_id")],
            );
        }
        if e["region"].as_str() != Some(d.es.region.as_str()) {
            return error_fields(
                400,
                "deployments.restricted_parameter",
                &format!(
                    "The region of Elasticsearch resource [{ref_id}] cannot be changed (it is [{}])",
                    d.es.region
                ),
                vec![format!("{path}.region")],
            );
        }
        if let Some(settings) = e.get("settings").and_then(Value::as_object) {
            match settings.get("trust") {
                None => {}
                Some(Value::Null) => new_trust = Some(state::default_trust(&d.org_id)),
                Some(t) => match state::normalize_trust(t, Some(&d.es.trust)) {
                    Ok(t) => new_trust = Some(t),
                    Err(e) => {
                        let fields = e
                            .fields
                            .iter()
                            .map(|f| {
                                format!("{path}.settings.{}", f.trim_start_matches("settings."))
                            })
                            .collect();
                        return error_fields(400, e.code, &e.message, fields);
                    }
                },
            }
            if let Some(k) = settings.get("keystore_contents") {
                keystore_patch = Some(k.clone());
            }
        }
        new_plan = Some(plan.clone());
    }
    if prune && es_list.is_empty() {
        return error(
            400,
            "deployments.restricted_parameter",
            "prune_orphans is true but the request has no Elasticsearch resource: that would shut the deployment's Elasticsearch down, which the simulator does not do",
        );
    }
    if let Some(k) = &keystore_patch
        && let Err(r) = check_keystore_body(k)
    {
        return r;
    }
    let response_of = |d: &Deployment| {
        let mut resources = Vec::new();
        resources.push(json!({"id": d.es.cluster_id, "kind": "elasticsearch", "ref_id": d.es.ref_id, "region": d.es.region}));
        json!({"id": d.id, "name": d.name, "alias": slug(&d.name), "resources": resources})
    };
    if req.flag("validate_only", false) {
        let d = &w.deployments[id];
        return version_headers(Reply::json(200, response_of(d)), d);
    }
    let now = util::now_ms();
    {
        let Some(d) = w.deployments.get_mut(id) else {
            return not_found(id);
        };
        if let Some(n) = body.get("name").and_then(Value::as_str) {
            d.name = n.to_string();
        }
        if let Some(t) = new_trust {
            d.es.trust = t;
        }
        if let Some(k) = &keystore_patch {
            apply_keystore(d, k);
        }
        d.resource_version += 1;
        d.modified_ms = now;
    }
    if let Some(plan) = new_plan {
        w.start_plan(id, plan, false, "deployments.update-deployment", plan_ms);
    }
    let d = &w.deployments[id];
    version_headers(Reply::json(200, response_of(d)), d)
}

fn keystore_json(d: &Deployment) -> Value {
    let mut secrets = Map::new();
    for (k, s) in &d.es.keystore {
        secrets.insert(k.clone(), json!({"as_file": s.as_file}));
    }
    if d.es.real_shapes && secrets.is_empty() {
        // Real shapes: an empty map comes back as `null` (inferred, like the trust lists).
        return json!({"secrets": null});
    }
    json!({"secrets": secrets})
}

fn check_keystore_body(body: &Value) -> Result<(), Reply> {
    let Some(secrets) = body.get("secrets") else {
        return Err(invalid(
            "JSON request does not comply with schema: missing required field [secrets]",
            "secrets",
        ));
    };
    let Some(secrets) = secrets.as_object() else {
        return Err(invalid(
            "JSON request does not comply with schema: [secrets] must be an object",
            "secrets",
        ));
    };
    for (name, entry) in secrets {
        if !(entry.is_null() || entry.is_object()) {
            return Err(invalid(
                &format!(
                    "JSON request does not comply with schema: [secrets.{name}] must be an object"
                ),
                &format!("secrets.{name}"),
            ));
        }
        if let Some(af) = entry.get("as_file")
            && !af.is_boolean()
        {
            return Err(invalid(
                &format!("[secrets.{name}.as_file] must be a boolean"),
                &format!("secrets.{name}.as_file"),
            ));
        }
        if name.is_empty() || name.chars().any(|c| c.is_whitespace()) {
            return Err(invalid(
                &format!("Invalid keystore setting name [{name}]"),
                &format!("secrets.{name}"),
            ));
        }
    }
    Ok(())
}

fn apply_keystore(d: &mut Deployment, body: &Value) {
    let Some(secrets) = body.get("secrets").and_then(Value::as_object) else {
        return;
    };
    for (name, entry) in secrets {
        match entry.get("value") {
            None | Some(Value::Null) => {
                d.es.keystore.remove(name);
            }
            Some(v) => {
                let as_file = entry
                    .get("as_file")
                    .and_then(Value::as_bool)
                    .unwrap_or(v.is_object());
                d.es.keystore.insert(
                    name.clone(),
                    Secret {
                        value: v.clone(),
                        as_file,
                    },
                );
            }
        }
    }
    // 8.14+ reloads the keystore automatically; older versions need a restart.
    if util::at_least(d.version(), 8, 14) {
        d.es.loaded = state::loaded_from(&d.es.keystore);
    }
}

fn patch_keystore(w: &mut World, id: &str, req: &Req) -> Reply {
    let Some(body) = req.body.as_ref() else {
        return invalid("The request body is required", "body");
    };
    if let Err(r) = check_keystore_body(body) {
        return r;
    }
    let Some(d) = w.deployments.get_mut(id) else {
        return not_found(id);
    };
    apply_keystore(d, body);
    Reply::json(200, keystore_json(d))
}

fn remote_clusters_json(w: &World, id: &str) -> Value {
    let d = &w.deployments[id];
    let now = util::now_ms();
    let list: Vec<Value> = d
        .es
        .remote_clusters
        .iter()
        .map(|r| {
            let remote = w.deployments.get(&r.deployment_id);
            let conn = w.connection(id, &r.alias, now);
            let info = json!({
                "healthy": remote.is_some(),
                "connected": conn.connected,
                "compatible": remote.is_some_and(|rd| state::wire_compatible(d.version(), rd.version())),
                "trusted": remote.is_some_and(|rd| w.trusts(d, rd)),
                "trusted_back": remote.is_some_and(|rd| w.trusts(rd, d)),
            });
            json!({
                "deployment_id": r.deployment_id,
                "elasticsearch_ref_id": r.ref_id,
                "alias": r.alias,
                "skip_unavailable": r.skip_unavailable,
                "info": info
            })
        })
        .collect();
    if d.es.real_shapes && list.is_empty() {
        // Real shapes: an empty list comes back as `null` (inferred, like the trust lists).
        return json!({"resources": null});
    }
    json!({"resources": list})
}

fn put_remote_clusters(w: &mut World, id: &str, req: &Req, org_id: &str) -> Reply {
    let Some(list) = req
        .body
        .as_ref()
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array)
    else {
        return invalid(
            "JSON request does not comply with schema: missing required field [resources]",
            "resources",
        );
    };
    let mut refs = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let path = format!("resources[{i}]");
        let get = |f: &str| -> Result<String, Reply> {
            r.get(f).and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
                invalid(&format!("JSON request does not comply with schema: missing required field [{f}] in [{path}]"), &format!("{path}.{f}"))
            })
        };
        let (dep, ref_id, alias) = match (
            get("deployment_id"),
            get("elasticsearch_ref_id"),
            get("alias"),
        ) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
        };
        if alias.is_empty()
            || !alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return invalid(
                &format!("Invalid alias [{alias}]: only letters, digits, '-' and '_' are allowed"),
                &format!("{path}.alias"),
            );
        }
        if refs.iter().any(|x: &RemoteRef| x.alias == alias) {
            return invalid(
                &format!("Duplicate alias [{alias}]"),
                &format!("{path}.alias"),
            );
        }
        match w.deployments.get(&dep) {
            Some(rd) if rd.org_id == org_id => {
                if !ref_matches(rd, &ref_id) {
                    return resource_not_found(&dep, "elasticsearch", &ref_id);
                }
            }
            _ => return not_found(&dep),
        }
        let skip = r
            .get("skip_unavailable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        refs.push(RemoteRef {
            deployment_id: dep,
            ref_id,
            alias,
            skip_unavailable: skip,
        });
    }
    // Translate into the local cluster's persistent settings, as the platform does.
    let endpoints: Vec<(RemoteRef, String)> = refs
        .iter()
        .map(|r| {
            (
                r.clone(),
                w.deployments[&r.deployment_id].es.endpoint.clone(),
            )
        })
        .collect();
    let Some(d) = w.deployments.get_mut(id) else {
        return not_found(id);
    };
    let legacy = !util::at_least(d.version(), 7, 7);
    for old in &d.es.remote_clusters {
        let prefix = format!("cluster.remote.{}.", old.alias);
        d.es.persistent.retain(|k, _| !k.starts_with(&prefix));
    }
    for (r, endpoint) in &endpoints {
        let prefix = format!("cluster.remote.{}.", r.alias);
        d.es.persistent.retain(|k, _| !k.starts_with(&prefix));
        let mut set = |k: &str, v: Value| {
            d.es.persistent.insert(format!("{prefix}{k}"), v);
        };
        if legacy {
            set("seeds", json!([format!("{endpoint}:1")]));
            set("proxy", json!(format!("{endpoint}:{}", state::CERT_PORT)));
        } else {
            set("mode", json!("proxy"));
            set(
                "proxy_address",
                json!(format!("{endpoint}:{}", state::CERT_PORT)),
            );
            set("server_name", json!(endpoint));
        }
        set("skip_unavailable", json!(r.skip_unavailable.to_string()));
    }
    d.es.remote_clusters = refs;
    Reply::json(202, json!({}))
}
