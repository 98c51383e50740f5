//! Elastic Cloud network security: traffic-filter rulesets, their associations with
//! deployments, and what they do to API-key remote-cluster traffic (api-facts-next 2).
//!
//! - `GET/POST /deployments/traffic-filter/rulesets`, `GET/PUT/DELETE .../rulesets/{id}`,
//!   `GET/POST .../rulesets/{id}/associations`, `DELETE .../associations/{type}/{id}` and
//!   `GET /deployments/traffic-filter/associations/{type}/{id}/rulesets` (2.2). A ruleset
//!   belongs to the organization that created it; other organizations get
//!   `traffic_filter.not_found`.
//! - Network security is on for a deployment when any ruleset is associated with it, or when
//!   the fixture / control API turned it on (`network_security`). Then API-key traffic (port
//!   9443) into it is refused unless an associated ruleset admits the caller: a `remote_cluster`
//!   rule whose `remote_cluster_org_id` / `remote_cluster_id` (each optional, at least one) match
//!   the initiating deployment, on the same platform (2.1), or an `ip` rule for `0.0.0.0/0`.
//!   The certificate model (9400) is never filtered (2.1).

use crate::server::{Reply, Req};
use crate::state::{Deployment, World};
use crate::util;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// One ruleset.
#[derive(Debug, Clone)]
pub struct Ruleset {
    /// Ruleset id.
    pub id: String,
    /// Owning organization.
    pub org_id: String,
    /// Name.
    pub name: String,
    /// Description (absent when not given).
    pub description: Option<String>,
    /// `ip`, `vpce`, `remote_cluster`, ...
    pub kind: String,
    /// Region.
    pub region: String,
    /// Attach to new deployments of the region.
    pub include_by_default: bool,
    /// Rules, each with its server-generated `id`.
    pub rules: Vec<Value>,
    /// Associated entities: (`entity_type`, id).
    pub associations: BTreeSet<(String, String)>,
}

/// The traffic-filter state of the whole world.
#[derive(Debug, Clone, Default)]
pub struct TrafficFilters {
    /// Rulesets by id.
    pub rulesets: BTreeMap<String, Ruleset>,
    /// Deployments whose network security was turned on without any ruleset.
    pub forced_on: BTreeSet<String>,
    /// Rulesets created so far (ruleset ids are derived from it, so a fresh simulator gives
    /// the same ids in the same order, as its deployment ids are stable).
    pub created: u64,
}

const RULE_FIELDS: &[&str] = &[
    "id",
    "description",
    "source",
    "azure_endpoint_name",
    "azure_endpoint_guid",
    "egress_rule",
    "remote_cluster_id",
    "remote_cluster_org_id",
];

fn error(status: u16, code: &str, message: &str) -> Reply {
    crate::cloud::error(status, code, message)
}

fn not_found(id: &str) -> Reply {
    error(
        404,
        "traffic_filter.not_found",
        &format!("Traffic filter ruleset [{id}] not found"),
    )
}

fn invalid(message: &str) -> Reply {
    error(400, "root.invalid_json_request", message)
}

impl TrafficFilters {
    /// Whether network security is on for deployment `id`.
    pub fn network_security(&self, id: &str) -> bool {
        self.forced_on.contains(id) || self.rulesets_of(id).next().is_some()
    }

    /// The rulesets associated with deployment `id`.
    pub fn rulesets_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Ruleset> + 'a {
        self.rulesets.values().filter(move |r| {
            r.associations
                .iter()
                .any(|(t, e)| t == "deployment" && e == id)
        })
    }

    /// Whether API-key (9443) traffic from `local` into `remote` is admitted.
    pub fn admits(&self, world: &World, local: &Deployment, remote: &Deployment) -> bool {
        if !self.network_security(&remote.id) {
            return true;
        }
        let env = |d: &Deployment| {
            world
                .orgs
                .get(&d.org_id)
                .and_then(|o| o.environment.clone())
        };
        // Remote-cluster filters match only within one platform (both Elastic Cloud, or the
        // same ECE environment).
        let same_platform = env(local) == env(remote);
        self.rulesets_of(&remote.id).any(|r| {
            r.rules.iter().any(|rule| {
                let s = |k: &str| {
                    rule.get(k)
                        .and_then(Value::as_str)
                        .filter(|x| !x.is_empty())
                };
                match r.kind.as_str() {
                    "remote_cluster" if same_platform => {
                        let org = s("remote_cluster_org_id");
                        let cluster = s("remote_cluster_id");
                        (org.is_some() || cluster.is_some())
                            && org.is_none_or(|o| o == local.org_id)
                            && cluster.is_none_or(|c| c == local.es.cluster_id)
                    }
                    "ip" => s("source") == Some("0.0.0.0/0"),
                    _ => false,
                }
            })
        })
    }

    fn json(&self, r: &Ruleset, with_associations: bool) -> Value {
        let mut v = json!({
            "id": r.id, "name": r.name, "type": r.kind, "region": r.region,
            "include_by_default": r.include_by_default, "rules": r.rules,
        });
        if let Some(d) = &r.description {
            v["description"] = json!(d);
        }
        if with_associations {
            let a: Vec<Value> = r
                .associations
                .iter()
                .map(|(t, id)| json!({"entity_type": t, "id": id}))
                .collect();
            v["total_associations"] = json!(a.len());
            v["associations"] = Value::Array(a);
        }
        v
    }
}

/// Checks a `TrafficFilterRulesetRequest` and builds the ruleset (rules get fresh ids).
fn from_body(req: &Req, id: &str, org_id: &str) -> Result<Ruleset, Reply> {
    let Some(b) = req.body.as_ref().and_then(Value::as_object) else {
        return Err(invalid("The request body is required"));
    };
    for f in ["name", "type", "region", "include_by_default", "rules"] {
        if b.get(f).is_none_or(Value::is_null) {
            return Err(invalid(&format!(
                "JSON request does not comply with schema: missing required field [{f}]"
            )));
        }
    }
    let text = |f: &str| -> Result<String, Reply> {
        b.get(f)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| invalid(&format!("[{f}] must be a string")))
    };
    let kind = text("type")?;
    let Some(rules) = b.get("rules").and_then(Value::as_array) else {
        return Err(invalid("[rules] must be an array"));
    };
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let Some(obj) = rule.as_object() else {
            return Err(invalid(&format!("[rules.{i}] must be an object")));
        };
        if let Some(k) = obj.keys().find(|k| !RULE_FIELDS.contains(&k.as_str())) {
            return Err(invalid(&format!(
                "JSON request does not comply with schema: unknown field [rules.{i}.{k}]"
            )));
        }
        let has = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        let remote = has("remote_cluster_id") || has("remote_cluster_org_id");
        // (inferred) Cloud refuses rule fields of another ruleset type.
        if kind == "remote_cluster" && !remote {
            return Err(invalid(&format!(
                "A remote_cluster rule needs remote_cluster_id or remote_cluster_org_id [rules.{i}]"
            )));
        }
        if kind != "remote_cluster" && remote {
            return Err(invalid(&format!(
                "remote_cluster_id and remote_cluster_org_id are only valid in rulesets of type remote_cluster [rules.{i}]"
            )));
        }
        let mut r = obj.clone();
        r.insert("id".into(), json!(util::hex32(&util::fresh(16))));
        out.push(Value::Object(r));
    }
    Ok(Ruleset {
        id: id.to_string(),
        org_id: org_id.to_string(),
        name: text("name")?,
        description: b
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        kind,
        region: text("region")?,
        include_by_default: b
            .get("include_by_default")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        rules: out,
        associations: BTreeSet::new(),
    })
}

/// Handles `/deployments/traffic-filter/...` (`segs` after `traffic-filter`) for `org_id`.
pub fn handle(w: &mut World, segs: &[&str], req: &Req, org_id: &str) -> Reply {
    let m = req.method.as_str();
    let visible = |w: &World, id: &str| {
        w.traffic
            .rulesets
            .get(id)
            .is_some_and(|r| r.org_id == org_id)
    };
    match (m, segs) {
        ("GET", ["rulesets"]) => {
            let with = req.flag("include_associations", false);
            let region = req.q("region").filter(|r| !r.is_empty());
            let list: Vec<Value> = w
                .traffic
                .rulesets
                .values()
                .filter(|r| r.org_id == org_id && region.is_none_or(|x| x == r.region))
                .map(|r| w.traffic.json(r, with))
                .collect();
            Reply::json(200, json!({"rulesets": list}))
        }
        ("POST", ["rulesets"]) => {
            let id = util::hex32(&format!("traffic-filter/{org_id}/{}", w.traffic.created));
            match from_body(req, &id, org_id) {
                Ok(r) => {
                    w.traffic.created += 1;
                    w.traffic.rulesets.insert(id.clone(), r);
                    Reply::json(201, json!({"id": id}))
                }
                Err(e) => e,
            }
        }
        ("GET", ["rulesets", id]) => match w.traffic.rulesets.get(*id) {
            Some(r) if r.org_id == org_id => Reply::json(
                200,
                w.traffic.json(r, req.flag("include_associations", false)),
            ),
            _ => not_found(id),
        },
        ("PUT", ["rulesets", id]) => {
            if !visible(w, id) {
                return not_found(id);
            }
            match from_body(req, id, org_id) {
                Ok(mut r) => {
                    let Some(old) = w.traffic.rulesets.get_mut(*id) else {
                        return not_found(id);
                    };
                    if r.region != old.region && !old.associations.is_empty() {
                        return invalid(
                            "The region of a ruleset with associations cannot be changed",
                        );
                    }
                    r.associations = std::mem::take(&mut old.associations);
                    *old = r;
                    Reply::json(200, json!({"id": id}))
                }
                Err(e) => e,
            }
        }
        ("DELETE", ["rulesets", id]) => {
            let Some(r) = w.traffic.rulesets.get(*id).filter(|r| r.org_id == org_id) else {
                return not_found(id);
            };
            if !r.associations.is_empty() && !req.flag("ignore_associations", false) {
                // (inferred) the code; the swagger only says associations prevent deletion.
                return error(
                    400,
                    "traffic_filter.has_associations",
                    &format!(
                        "Traffic filter ruleset [{id}] has {} association(s): remove them first or use ignore_associations=true",
                        r.associations.len()
                    ),
                );
            }
            w.traffic.rulesets.remove(*id);
            Reply::json(200, json!({}))
        }
        ("GET", ["rulesets", id, "associations"]) => match w.traffic.rulesets.get(*id) {
            Some(r) if r.org_id == org_id => {
                let a: Vec<Value> = r
                    .associations
                    .iter()
                    .map(|(t, e)| json!({"entity_type": t, "id": e}))
                    .collect();
                Reply::json(
                    200,
                    json!({"total_associations": a.len(), "associations": a}),
                )
            }
            _ => not_found(id),
        },
        ("POST", ["rulesets", id, "associations"]) => associate(w, id, req, org_id),
        ("DELETE", ["rulesets", id, "associations", ty, entity]) => {
            match w.traffic.rulesets.get_mut(*id) {
                Some(r) if r.org_id == org_id => {
                    if r.associations.remove(&(ty.to_string(), entity.to_string())) {
                        Reply::json(200, json!({}))
                    } else {
                        error(
                            404,
                            "traffic_filter.not_found",
                            &format!(
                                "Traffic filter ruleset [{id}] has no association with {ty} [{entity}]"
                            ),
                        )
                    }
                }
                _ => not_found(id),
            }
        }
        ("GET", ["associations", ty, entity, "rulesets"]) => {
            if *ty != "deployment" && *ty != "cluster" {
                return error(
                    400,
                    "traffic_filter.invalid_association_type",
                    &format!("Invalid association type [{ty}]"),
                );
            }
            let list: Vec<Value> = w
                .traffic
                .rulesets
                .values()
                .filter(|r| {
                    r.org_id == org_id
                        && r.associations
                            .contains(&(ty.to_string(), entity.to_string()))
                })
                .map(|r| json!(r.id))
                .collect();
            Reply::json(200, json!({"rulesets": list}))
        }
        _ => error(
            404,
            "root.resource_not_found",
            "The requested resource could not be found",
        ),
    }
}

fn associate(w: &mut World, id: &str, req: &Req, org_id: &str) -> Reply {
    let Some(region) = w
        .traffic
        .rulesets
        .get(id)
        .filter(|r| r.org_id == org_id)
        .map(|r| r.region.clone())
    else {
        return not_found(id);
    };
    let b = req.body.clone().unwrap_or(Value::Null);
    let (Some(ty), Some(entity)) = (
        b.get("entity_type").and_then(Value::as_str),
        b.get("id").and_then(Value::as_str),
    ) else {
        return invalid(
            "JSON request does not comply with schema: missing required field [entity_type] or [id]",
        );
    };
    if ty != "deployment" {
        return error(
            400,
            "traffic_filter.invalid_association_type",
            &format!("Invalid association type [{ty}]"),
        );
    }
    let Some(d) = w.deployments.get(entity).filter(|d| d.org_id == org_id) else {
        return error(
            404,
            "deployments.deployment_not_found",
            &format!("Deployment [{entity}] not found"),
        );
    };
    // 2.1: policies are region-bound. (inferred) the code.
    if d.es.region != region {
        return error(
            400,
            "traffic_filter.region_mismatch",
            &format!(
                "Traffic filter ruleset [{id}] is in region [{region}] but deployment [{entity}] is in [{}]",
                d.es.region
            ),
        );
    }
    let Some(r) = w.traffic.rulesets.get_mut(id) else {
        return not_found(id);
    };
    if r.associations.insert((ty.to_string(), entity.to_string())) {
        Reply::json(201, json!({}))
    } else {
        Reply::json(200, json!({}))
    }
}

/// The state dump of the traffic filters (`GET /_sim/state` `traffic_filter`).
pub fn state_json(w: &World) -> Value {
    let rulesets: Vec<Value> = w
        .traffic
        .rulesets
        .values()
        .map(|r| {
            let mut v = w.traffic.json(r, true);
            v["organization_id"] = json!(r.org_id);
            v
        })
        .collect();
    let on: Vec<&String> = w
        .deployments
        .keys()
        .filter(|id| w.traffic.network_security(id))
        .collect();
    json!({"rulesets": rulesets, "network_security": on})
}
