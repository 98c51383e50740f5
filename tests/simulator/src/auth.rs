//! Who may do what.
//!
//! **Elastic Cloud**: API keys carry role assignments as the Cloud API models them
//! (`role_assignments` of `POST /users/auth/keys`: `organization[]` with `role_id`
//! `organization-admin` / `billing-admin`, `deployment[]` with `role_id` `deployment-admin` /
//! `deployment-editor` / `deployment-viewer`, `organization_id` and either `all: true` or
//! `deployment_ids`). A request beyond the key's role gets Cloud's
//! `403 root.permission_denied` "To access the resource [r:/deployments/<id>], the user must have
//! the required authorization." (the text users of elastic/terraform-provider-ec report in
//! issues #526 and #795). The fixture's keys are organization owners: they can do everything.
//!
//! **Elasticsearch**: native users with roles, API keys with role descriptors limited by their
//! owner's roles (as `POST /_security/api_key` creates them: the key's privileges are the
//! intersection of its own `role_descriptors`, when it has any, and the owner's roles at
//! creation, its `limited_by`). Each request is checked against the cluster privileges (or, for
//! `_resolve/cluster`, index privileges) that grant its action; a failure is a 403
//! `security_exception` with Elasticsearch's text (`AuthorizationDenialMessages.Default`):
//! "action [A] is unauthorized for user [u] with effective roles [r], this action is granted by
//! the cluster privileges [p,all]", or "... for API key id [id] of user [owner], ..." (API keys
//! have no role names in the text). The `elastic` user is the superuser.

use crate::server::Reply;
use crate::util;
use serde_json::{Value, json};
use std::collections::BTreeMap;

// ------------------------------------------------------------------------------------------
// Elastic Cloud
// ------------------------------------------------------------------------------------------

/// A deployment-scoped Cloud role, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeploymentRole {
    /// `deployment-viewer`: reads deployments.
    Viewer,
    /// `deployment-editor`: changes deployments.
    Editor,
    /// `deployment-admin`: Editor plus creation and security management.
    Admin,
}

impl DeploymentRole {
    /// From a Cloud `role_id`.
    pub fn from_id(id: &str) -> Option<Self> {
        match id {
            "deployment-viewer" => Some(Self::Viewer),
            "deployment-editor" => Some(Self::Editor),
            "deployment-admin" => Some(Self::Admin),
            _ => None,
        }
    }
    /// The name the Cloud console shows.
    pub fn name(self) -> &'static str {
        match self {
            Self::Viewer => "Viewer",
            Self::Editor => "Editor",
            Self::Admin => "Admin",
        }
    }
}

/// A Cloud API key with role assignments (minted through the control API).
#[derive(Debug, Clone)]
pub struct CloudKey {
    /// Key id.
    pub id: String,
    /// The organization the key belongs to.
    pub org_id: String,
    /// Description.
    pub description: String,
    /// `organization-admin` (Organization owner): everything in the organization.
    pub owner: bool,
    /// Deployment roles: the role and the deployments (None: all of the organization's).
    pub deployments: Vec<(DeploymentRole, Option<Vec<String>>)>,
    /// The assignments as given (echoed back).
    pub role_assignments: Value,
}

impl CloudKey {
    /// The key's role for deployment `dep_id` (the highest that applies).
    pub fn role_for(&self, dep_id: &str) -> Option<DeploymentRole> {
        if self.owner {
            return Some(DeploymentRole::Admin);
        }
        self.deployments
            .iter()
            .filter(|(_, ids)| ids.as_ref().is_none_or(|l| l.iter().any(|i| i == dep_id)))
            .map(|(r, _)| *r)
            .max()
    }
}

/// Cloud API keys with roles, by secret.
#[derive(Debug, Clone, Default)]
pub struct CloudKeys {
    /// Keys by their secret (what `Authorization: ApiKey` carries).
    pub by_secret: BTreeMap<String, CloudKey>,
}

/// Parses `role_assignments` for a key of organization `org_id`.
pub fn parse_role_assignments(org_id: &str, v: &Value) -> Result<CloudKey, String> {
    let Some(o) = v.as_object() else {
        return Err("role_assignments must be an object".into());
    };
    let mut key = CloudKey {
        id: util::fresh(20),
        org_id: org_id.to_string(),
        description: String::new(),
        owner: false,
        deployments: Vec::new(),
        role_assignments: v.clone(),
    };
    for k in o.keys() {
        if !["organization", "deployment", "project", "platform"].contains(&k.as_str()) {
            return Err(format!("role_assignments: unknown field [{k}]"));
        }
    }
    let same_org = |a: &serde_json::Map<String, Value>| match a.get("organization_id") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if s == org_id => Ok(()),
        Some(x) => Err(format!(
            "role assignment for organization {x}: the key belongs to organization {org_id}"
        )),
    };
    for a in o
        .get("organization")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(a) = a.as_object() else {
            return Err("role_assignments.organization[] must be objects".into());
        };
        same_org(a)?;
        match a.get("role_id").and_then(Value::as_str) {
            Some("organization-admin") => key.owner = true,
            Some("billing-admin") => {}
            other => return Err(format!("unknown organization role_id {other:?}")),
        }
    }
    for a in o
        .get("deployment")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(a) = a.as_object() else {
            return Err("role_assignments.deployment[] must be objects".into());
        };
        same_org(a)?;
        let Some(role) = a
            .get("role_id")
            .and_then(Value::as_str)
            .and_then(DeploymentRole::from_id)
        else {
            return Err(format!(
                "unknown deployment role_id {:?}",
                a.get("role_id").cloned().unwrap_or(Value::Null)
            ));
        };
        let all = a.get("all").and_then(Value::as_bool).unwrap_or(false);
        let ids: Vec<String> = a
            .get("deployment_ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
        if all != ids.is_empty() {
            return Err(
                "a deployment role assignment needs either all: true or deployment_ids".into(),
            );
        }
        key.deployments
            .push((role, if all { None } else { Some(ids) }));
    }
    Ok(key)
}

/// Cloud's 403 for a request beyond the key's role.
fn permission_denied(resource: &str) -> Reply {
    crate::cloud::error(
        403,
        "root.permission_denied",
        &format!(
            "To access the resource [{resource}], the user must have the required authorization."
        ),
    )
}

/// Checks one Cloud API request (`segs`: the path after `/api/v1`) against a role-scoped key.
/// Reading a deployment (or searching its eligible remotes) needs Viewer, changing it Editor; the organization and account reads
/// need any role in the organization; the ECE platform endpoints need an Organization owner.
pub fn cloud_authorize(key: &CloudKey, method: &str, segs: &[&str]) -> Result<(), Reply> {
    if key.owner {
        return Ok(());
    }
    match segs {
        ["deployments", id, rest @ ..] => {
            // The eligible-remote-clusters search is a POST that changes nothing: a read.
            let search = method == "POST" && rest.last() == Some(&"eligible-remote-clusters");
            let needed = if method == "GET" || search {
                DeploymentRole::Viewer
            } else {
                DeploymentRole::Editor
            };
            match key.role_for(id) {
                Some(r) if r >= needed => Ok(()),
                _ => Err(permission_denied(&format!("r:/deployments/{id}"))),
            }
        }
        ["platform", rest @ ..] => Err(permission_denied(&format!(
            "r:/platform/{}",
            rest.join("/")
        ))),
        ["account"] if method != "GET" => Err(permission_denied("r:/account")),
        _ => Ok(()),
    }
}

// ------------------------------------------------------------------------------------------
// Elasticsearch
// ------------------------------------------------------------------------------------------

/// A native user.
#[derive(Debug, Clone)]
pub struct User {
    /// Password.
    pub password: String,
    /// Assigned role names.
    pub roles: Vec<String>,
}

/// The owner of an API key created by someone other than `elastic`.
#[derive(Debug, Clone)]
pub struct KeyOwner {
    /// Owner's username.
    pub username: String,
    /// The owner's role descriptors when the key was created (`limited_by`).
    pub limited_by: Value,
}

/// Users and API-key owners of one cluster.
#[derive(Debug, Clone, Default)]
pub struct EsAuth {
    /// Native users by name.
    pub users: BTreeMap<String, User>,
    /// Owners of keys not owned by `elastic`, by key id.
    pub key_owners: BTreeMap<String, KeyOwner>,
}

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Caller {
    /// The `elastic` superuser (basic auth).
    Elastic,
    /// A native user.
    User {
        /// Username.
        name: String,
        /// Assigned role names.
        roles: Vec<String>,
    },
    /// A REST API key.
    Key {
        /// Key id.
        id: String,
        /// Owner's username.
        owner: String,
        /// The key's own role descriptors (an empty object: the owner's privileges).
        role_descriptors: Value,
        /// The owner's role descriptors (None: the owner is `elastic`, the superuser).
        limited_by: Option<Value>,
    },
}

impl Caller {
    /// The username (of the key's owner for an API key).
    pub fn username(&self) -> &str {
        match self {
            Caller::Elastic => "elastic",
            Caller::User { name, .. } => name,
            Caller::Key { owner, .. } => owner,
        }
    }
    /// Whether the caller authenticated with an API key.
    pub fn is_api_key(&self) -> bool {
        matches!(self, Caller::Key { .. })
    }
}

/// The built-in role descriptor of `superuser`.
pub fn superuser() -> Value {
    json!({"cluster": ["all"], "indices": [{"names": ["*"], "privileges": ["all"], "allow_restricted_indices": true}],
           "applications": [{"application": "*", "privileges": ["*"], "resources": ["*"]}],
           "run_as": ["*"], "metadata": {"_reserved": true}, "transient_metadata": {}})
}

/// A role by name: a stored one or the built-in `superuser`.
fn lookup(roles: &BTreeMap<String, Value>, name: &str) -> Option<Value> {
    if name == "superuser" {
        return Some(superuser());
    }
    roles.get(name).cloned()
}

/// The role descriptors (name to descriptor) of assigned role names; unknown names are left out.
pub fn descriptors_of(roles: &BTreeMap<String, Value>, names: &[String]) -> Value {
    let mut m = serde_json::Map::new();
    for n in names {
        if let Some(r) = lookup(roles, n) {
            m.insert(n.clone(), r);
        }
    }
    Value::Object(m)
}

/// The caller's privilege sets: each must grant (an API key: its own descriptors and its
/// owner's). Empty: unrestricted.
fn privilege_sets(caller: &Caller, roles: &BTreeMap<String, Value>) -> Vec<Vec<Value>> {
    let values = |v: &Value| -> Vec<Value> {
        v.as_object()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    };
    match caller {
        Caller::Elastic => Vec::new(),
        Caller::User { roles: names, .. } => vec![values(&descriptors_of(roles, names))],
        Caller::Key {
            role_descriptors,
            limited_by,
            ..
        } => {
            let mut sets = Vec::new();
            if role_descriptors.as_object().is_some_and(|m| !m.is_empty()) {
                sets.push(values(role_descriptors));
            }
            if let Some(l) = limited_by {
                sets.push(values(l));
            }
            sets
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn grants_cluster(set: &[Value], granted_by: &[&str]) -> bool {
    set.iter().any(|r| {
        strings(r.get("cluster"))
            .iter()
            .any(|p| p == "all" || granted_by.contains(&p.as_str()))
    })
}

fn grants_index(set: &[Value], index: &str, granted_by: &[&str]) -> bool {
    set.iter().any(|r| {
        r.get("indices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|e| {
                strings(e.get("names"))
                    .iter()
                    .any(|n| util::simple_match(n, index))
                    && strings(e.get("privileges"))
                        .iter()
                        .any(|p| p == "all" || granted_by.contains(&p.as_str()))
            })
    })
}

/// "action [A] is unauthorized for <who>" as Elasticsearch words it.
fn unauthorized_for(caller: &Caller, roles: &BTreeMap<String, Value>, action: &str) -> String {
    match caller {
        Caller::Key { id, owner, .. } => {
            format!("action [{action}] is unauthorized for API key id [{id}] of user [{owner}]")
        }
        Caller::User { name, roles: names } => {
            let mut found: Vec<&String> = names
                .iter()
                .filter(|n| lookup(roles, n).is_some())
                .collect();
            found.sort();
            found.dedup();
            let mut missing: Vec<&String> = names
                .iter()
                .filter(|n| lookup(roles, n).is_none())
                .collect();
            missing.sort();
            missing.dedup();
            let join = |l: &[&String]| l.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
            let mut s = format!(
                "action [{action}] is unauthorized for user [{name}] with effective roles [{}]",
                join(&found)
            );
            if !missing.is_empty() {
                s.push_str(&format!(
                    " (assigned roles [{}] were not found)",
                    join(&missing)
                ));
            }
            s
        }
        Caller::Elastic => {
            format!(
                "action [{action}] is unauthorized for user [elastic] with effective roles [superuser]"
            )
        }
    }
}

fn forbidden(reason: String) -> Reply {
    crate::es::error(403, "security_exception", &reason)
}

/// Checks a cluster action: `granted_by` lists the privileges that grant it, least first,
/// without `all` (which always grants and ends the list in the message).
pub fn authorize_cluster(
    caller: &Caller,
    roles: &BTreeMap<String, Value>,
    action: &str,
    granted_by: &[&str],
) -> Result<(), Reply> {
    if privilege_sets(caller, roles)
        .iter()
        .all(|s| grants_cluster(s, granted_by))
    {
        return Ok(());
    }
    Err(forbidden(format!(
        "{}, this action is granted by the cluster privileges [{}]",
        unauthorized_for(caller, roles, action),
        with_all(granted_by)
    )))
}

/// Checks an index action on `index` (an expression such as `alias:*`).
pub fn authorize_index(
    caller: &Caller,
    roles: &BTreeMap<String, Value>,
    action: &str,
    index: &str,
    granted_by: &[&str],
) -> Result<(), Reply> {
    if privilege_sets(caller, roles)
        .iter()
        .all(|s| grants_index(s, index, granted_by))
    {
        return Ok(());
    }
    Err(forbidden(format!(
        "{} on indices [{index}], this action is granted by the index privileges [{}]",
        unauthorized_for(caller, roles, action),
        with_all(granted_by)
    )))
}

fn with_all(granted_by: &[&str]) -> String {
    granted_by
        .iter()
        .chain(["all"].iter())
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether the caller holds cluster privilege `privilege` (or `all`) in every privilege set.
pub fn has_cluster_privilege(
    caller: &Caller,
    roles: &BTreeMap<String, Value>,
    privilege: &str,
) -> bool {
    privilege_sets(caller, roles)
        .iter()
        .all(|s| grants_cluster(s, &[privilege]))
}

/// The owner's role descriptors to record as a new key's `limited_by` (None: `elastic`).
pub fn limited_by_for(caller: &Caller, roles: &BTreeMap<String, Value>) -> Option<Value> {
    match caller {
        Caller::Elastic => None,
        Caller::User { roles: names, .. } => Some(descriptors_of(roles, names)),
        Caller::Key { limited_by, .. } => limited_by.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> BTreeMap<String, Value> {
        let mut r = BTreeMap::new();
        r.insert("ops".to_string(), json!({"cluster": ["monitor", "manage"]}));
        r.insert(
            "meta".to_string(),
            json!({"indices": [{"names": ["r1:*"], "privileges": ["view_index_metadata"]}]}),
        );
        r
    }

    fn user(names: &[&str]) -> Caller {
        Caller::User {
            name: "tf".into(),
            roles: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn reason(r: Reply) -> String {
        r.body.unwrap()["error"]["reason"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn user_denied_with_effective_roles_and_granting_privileges() {
        let r = roles();
        let c = user(&["ops", "gone"]);
        assert!(authorize_cluster(&c, &r, "cluster:admin/settings/update", &["manage"]).is_ok());
        let e = authorize_cluster(
            &c,
            &r,
            "cluster:admin/xpack/security/role/put",
            &["manage_security"],
        )
        .unwrap_err();
        assert_eq!(e.status, 403);
        assert_eq!(
            reason(e),
            "action [cluster:admin/xpack/security/role/put] is unauthorized for user [tf] with effective roles [ops] (assigned roles [gone] were not found), this action is granted by the cluster privileges [manage_security,all]"
        );
    }

    #[test]
    fn api_key_is_the_intersection_of_its_descriptors_and_its_owner() {
        let r = roles();
        let owner = user(&["ops"]);
        let key = Caller::Key {
            id: "k1".into(),
            owner: "tf".into(),
            role_descriptors: json!({"x": {"cluster": ["all"]}}),
            limited_by: limited_by_for(&owner, &r),
        };
        // The key says `all`, but its owner has only monitor and manage.
        assert!(
            authorize_cluster(&key, &r, "cluster:monitor/main", &["monitor", "manage"]).is_ok()
        );
        let e = authorize_cluster(
            &key,
            &r,
            "cluster:admin/xpack/security/role/get",
            &["read_security", "manage_security"],
        )
        .unwrap_err();
        assert_eq!(
            reason(e),
            "action [cluster:admin/xpack/security/role/get] is unauthorized for API key id [k1] of user [tf], this action is granted by the cluster privileges [read_security,manage_security,all]"
        );
        let narrow = Caller::Key {
            id: "k2".into(),
            owner: "tf".into(),
            role_descriptors: json!({"x": {"cluster": ["monitor"]}}),
            limited_by: limited_by_for(&owner, &r),
        };
        assert!(
            authorize_cluster(&narrow, &r, "cluster:admin/settings/update", &["manage"]).is_err()
        );
    }

    #[test]
    fn index_privileges_match_patterns() {
        let r = roles();
        let c = user(&["meta"]);
        let grant = ["view_index_metadata", "manage"];
        assert!(authorize_index(&c, &r, "indices:admin/resolve/cluster", "r1:*", &grant).is_ok());
        let e =
            authorize_index(&c, &r, "indices:admin/resolve/cluster", "r2:*", &grant).unwrap_err();
        assert!(reason(e).ends_with(
            "on indices [r2:*], this action is granted by the index privileges [view_index_metadata,manage,all]"
        ));
    }

    #[test]
    fn cloud_roles_by_deployment() {
        let k = parse_role_assignments(
            "1",
            &json!({"deployment": [
                {"role_id": "deployment-editor", "organization_id": "1", "deployment_ids": ["a"]},
                {"role_id": "deployment-viewer", "organization_id": "1", "all": true}
            ]}),
        )
        .unwrap();
        assert!(cloud_authorize(&k, "PUT", &["deployments", "a"]).is_ok());
        assert!(cloud_authorize(&k, "GET", &["deployments", "b"]).is_ok());
        let e = cloud_authorize(
            &k,
            "PATCH",
            &["deployments", "b", "elasticsearch", "x", "keystore"],
        )
        .unwrap_err();
        assert_eq!(e.status, 403);
        assert_eq!(
            e.body.unwrap()["errors"][0]["code"],
            "root.permission_denied"
        );
        assert!(parse_role_assignments("1", &json!({"deployment": [{"role_id": "deployment-editor", "organization_id": "2", "all": true}]})).is_err());
        assert!(
            parse_role_assignments(
                "1",
                &json!({"deployment": [{"role_id": "deployment-editor"}]})
            )
            .is_err()
        );
    }
}
