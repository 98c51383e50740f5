//! The typed model of `crosscluster_role` and the pure conversions between it and the
//! Elasticsearch role body.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::client::elasticsearch::{
    FieldSecurity, IndicesPrivileges, RemoteClusterPrivileges, RemoteIndicesPrivileges, Role,
};
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::{Type, Value};
use crate::provider::common::{json_of, parse_json, same_json};

use super::schema::schema;

/// The resource's attributes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct RoleModel {
    pub(super) id: Known<String>,
    pub(super) name: Option<String>,
    pub(super) cluster: Option<Vec<String>>,
    pub(super) description: Option<String>,
    pub(super) metadata: Option<String>,
    pub(super) indices: Vec<IndexModel>,
    pub(super) remote_indices: Vec<IndexModel>,
    pub(super) remote_cluster: Vec<RemoteClusterModel>,
}

impl Model for RoleModel {
    fn object_type() -> Type {
        schema().block.object_type()
    }
}

/// One `indices` or `remote_indices` block (`clusters` only in the remote one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct IndexModel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) clusters: Option<Vec<String>>,
    pub(super) names: Option<Vec<String>>,
    pub(super) privileges: Option<Vec<String>>,
    pub(super) query: Option<String>,
    pub(super) allow_restricted_indices: Option<bool>,
    pub(super) field_security: Option<FieldSecurityModel>,
}

/// A `field_security` block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct FieldSecurityModel {
    pub(super) grant: Option<Vec<String>>,
    pub(super) except: Option<Vec<String>>,
}

/// A `remote_cluster` block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct RemoteClusterModel {
    pub(super) clusters: Option<Vec<String>>,
    pub(super) privileges: Option<Vec<String>>,
}

impl RoleModel {
    /// The role's name: `name`, or `id` in a state that has only that.
    pub(super) fn role_name(&self) -> Result<String, Diagnostics> {
        self.name
            .clone()
            .or_else(|| self.id.value().cloned())
            .ok_or_else(|| {
                Diagnostic::error("Invalid state", "the role has neither a name nor an id").into()
            })
    }
}

fn list(v: &Option<Vec<String>>) -> Vec<String> {
    v.clone().unwrap_or_default()
}

fn field_security_to_api(fs: &Option<FieldSecurityModel>) -> Option<FieldSecurity> {
    fs.as_ref().map(|fs| FieldSecurity {
        grant: fs.grant.clone(),
        except: fs.except.clone(),
    })
}

/// The role body for a planned state.
pub(super) fn to_api(m: &RoleModel) -> Role {
    let query = |e: &IndexModel| e.query.clone().map(Json::String);
    Role {
        cluster: list(&m.cluster),
        description: m.description.clone(),
        metadata: m.metadata.as_deref().and_then(parse_json),
        indices: m
            .indices
            .iter()
            .map(|e| IndicesPrivileges {
                names: list(&e.names),
                privileges: list(&e.privileges),
                field_security: field_security_to_api(&e.field_security),
                query: query(e),
                allow_restricted_indices: e.allow_restricted_indices,
                ..Default::default()
            })
            .collect(),
        remote_indices: m
            .remote_indices
            .iter()
            .map(|e| RemoteIndicesPrivileges {
                clusters: list(&e.clusters),
                names: list(&e.names),
                privileges: list(&e.privileges),
                field_security: field_security_to_api(&e.field_security),
                query: query(e),
                allow_restricted_indices: e.allow_restricted_indices,
                ..Default::default()
            })
            .collect(),
        remote_cluster: m
            .remote_cluster
            .iter()
            .map(|e| RemoteClusterPrivileges {
                clusters: list(&e.clusters),
                privileges: list(&e.privileges),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// A string list, keeping the prior's empty-list form (so `[]` in the configuration stays `[]`).
fn strings(items: &[String], prior: Option<&Option<Vec<String>>>) -> Option<Vec<String>> {
    if items.is_empty() {
        return match prior {
            Some(Some(p)) if p.is_empty() => Some(Vec::new()),
            _ => None,
        };
    }
    Some(items.to_vec())
}

/// A JSON value as a string attribute: the prior string when it means the same JSON, else the
/// compact form (strings that are not JSON are kept as they are).
fn json_string(v: Option<&Json>, prior: Option<&str>) -> Option<String> {
    let v = v?;
    if let Some(p) = prior
        && same_json(&Value::string(p), &json_of(v))
    {
        return Some(p.to_owned());
    }
    Some(match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn field_security_from_api(
    fs: Option<&FieldSecurity>,
    prior: Option<&FieldSecurityModel>,
) -> Option<FieldSecurityModel> {
    let fs = fs?;
    let keep = |items: &Option<Vec<String>>, p: Option<&Option<Vec<String>>>| {
        strings(items.as_deref().unwrap_or_default(), p)
    };
    Some(FieldSecurityModel {
        grant: keep(&fs.grant, prior.map(|p| &p.grant)),
        except: keep(&fs.except, prior.map(|p| &p.except)),
    })
}

struct IndexParts<'a> {
    clusters: Option<&'a [String]>,
    names: &'a [String],
    privileges: &'a [String],
    query: Option<&'a Json>,
    field_security: Option<&'a FieldSecurity>,
    allow: Option<bool>,
}

fn index_from_api(e: IndexParts<'_>, prior: Option<&IndexModel>) -> IndexModel {
    IndexModel {
        clusters: e
            .clusters
            .and_then(|c| strings(c, prior.map(|p| &p.clusters))),
        names: strings(e.names, prior.map(|p| &p.names)),
        privileges: strings(e.privileges, prior.map(|p| &p.privileges)),
        query: json_string(e.query, prior.and_then(|p| p.query.as_deref())),
        allow_restricted_indices: Some(e.allow.unwrap_or(false)),
        field_security: field_security_from_api(
            e.field_security,
            prior.and_then(|p| p.field_security.as_ref()),
        ),
    }
}

/// The state for role `name` as read; `prior` keeps the user's spelling of JSON strings and
/// empty lists.
pub(super) fn from_api(name: &str, role: &Role, prior: Option<&RoleModel>) -> RoleModel {
    let metadata = match &role.metadata {
        Some(Json::Object(m)) if m.is_empty() => prior
            .and_then(|p| p.metadata.as_ref())
            .filter(|p| {
                same_json(
                    &Value::string(p.as_str()),
                    &Json::Object(Default::default()),
                )
            })
            .cloned(),
        other => json_string(other.as_ref(), prior.and_then(|p| p.metadata.as_deref())),
    };
    let description = match (
        &role.description,
        prior.and_then(|p| p.description.as_ref()),
    ) {
        (Some(d), _) if !d.is_empty() => Some(d.clone()),
        (Some(_), Some(p)) if p.is_empty() => Some(String::new()),
        _ => None,
    };
    let nth = |f: fn(&RoleModel) -> &Vec<IndexModel>, i: usize| prior.and_then(|p| f(p).get(i));
    RoleModel {
        id: Known::Value(name.to_owned()),
        name: Some(name.to_owned()),
        cluster: strings(&role.cluster, prior.map(|p| &p.cluster)),
        description,
        metadata,
        indices: role
            .indices
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let parts = IndexParts {
                    clusters: None,
                    names: &e.names,
                    privileges: &e.privileges,
                    query: e.query.as_ref(),
                    field_security: e.field_security.as_ref(),
                    allow: e.allow_restricted_indices,
                };
                index_from_api(parts, nth(|p| &p.indices, i))
            })
            .collect(),
        remote_indices: role
            .remote_indices
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let parts = IndexParts {
                    clusters: Some(&e.clusters),
                    names: &e.names,
                    privileges: &e.privileges,
                    query: e.query.as_ref(),
                    field_security: e.field_security.as_ref(),
                    allow: e.allow_restricted_indices,
                };
                index_from_api(parts, nth(|p| &p.remote_indices, i))
            })
            .collect(),
        remote_cluster: role
            .remote_cluster
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let p = prior.and_then(|p| p.remote_cluster.get(i));
                RemoteClusterModel {
                    clusters: strings(&e.clusters, p.map(|p| &p.clusters)),
                    privileges: strings(&e.privileges, p.map(|p| &p.privileges)),
                }
            })
            .collect(),
    }
}

/// A role body with what does not change its meaning taken out: the JSON of a DLS query
/// instead of its spelling, `allow_restricted_indices` unset as `false`, an empty description
/// or metadata as none, and the empty or read-only extra fields a GET adds
/// (`transient_metadata`, empty `applications` and `run_as`).
fn normalized(role: &Role) -> Role {
    fn query(q: &Option<Json>) -> Option<Json> {
        match q {
            Some(Json::String(s)) => Some(parse_json(s).unwrap_or_else(|| Json::String(s.clone()))),
            other => other.clone(),
        }
    }
    fn fs(f: &Option<FieldSecurity>) -> Option<FieldSecurity> {
        f.as_ref().map(|f| FieldSecurity {
            grant: Some(f.grant.clone().unwrap_or_default()),
            except: Some(f.except.clone().unwrap_or_default()),
        })
    }
    let mut r = role.clone();
    r.extra.retain(|k, v| {
        k != "transient_metadata"
            && !matches!(v, Json::Array(a) if a.is_empty())
            && !matches!(v, Json::Object(o) if o.is_empty())
    });
    if r.description.as_deref() == Some("") {
        r.description = None;
    }
    if matches!(&r.metadata, Some(Json::Object(o)) if o.is_empty()) {
        r.metadata = None;
    }
    for e in &mut r.indices {
        e.query = query(&e.query);
        e.field_security = fs(&e.field_security);
        e.allow_restricted_indices = Some(e.allow_restricted_indices.unwrap_or(false));
    }
    for e in &mut r.remote_indices {
        e.query = query(&e.query);
        e.field_security = fs(&e.field_security);
        e.allow_restricted_indices = Some(e.allow_restricted_indices.unwrap_or(false));
    }
    r
}

/// Whether the existing role is exactly what the plan asks for, so a create may adopt it
/// instead of overwriting a role it does not know.
pub(super) fn is_identical(existing: &Role, plan: &RoleModel) -> bool {
    normalized(existing) == normalized(&to_api(plan))
}

/// The state of a role that was written but could not be read back: the plan, with its id.
pub(super) fn planned_state(name: &str, plan: &RoleModel) -> RoleModel {
    RoleModel {
        id: Known::Value(name.to_owned()),
        ..plan.clone()
    }
}
