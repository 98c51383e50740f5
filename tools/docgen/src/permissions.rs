//! The least-privilege table (`examples/permissions.json`) and its rendering: a "Permissions"
//! section on every resource and data source page, and a summary on the provider page.
//!
//! The file is data, not prose, so that a simulator test can enforce exactly what the pages
//! say. Each entry of `resources.<type>` / `data_sources.<type>` is one [`Grant`]: the
//! operations it covers, the connection (`cloud` or `elasticsearch`), the Elastic Cloud API key
//! role or the Elasticsearch privileges, and the requests those operations make.

use std::collections::BTreeMap;

use serde_json::Value;

/// Where the table lives, relative to the repository root.
pub const PERMISSIONS_FILE: &str = "examples/permissions.json";

/// A Cloud API key role and where it must be assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudRole {
    /// `Viewer`, `Editor`, ...
    pub role: String,
    /// `deployment` (the role for the deployments named by the grant's target) or
    /// `organization`.
    pub scope: String,
}

/// Index privileges on some index names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPrivileges {
    /// Index names or patterns.
    pub names: Vec<String>,
    /// The privileges.
    pub privileges: Vec<String>,
}

/// What some operations of one resource or data source need on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `create`, `read`, `update`, `delete`, `import`.
    pub operations: Vec<String>,
    /// A condition (`with a keystore block`), if any.
    pub when: Option<String>,
    /// `cloud` or `elasticsearch`.
    pub connection: String,
    /// Which deployment or cluster.
    pub target: String,
    /// For `cloud`: the API key's role.
    pub cloud_role: Option<CloudRole>,
    /// For `elasticsearch`: cluster privileges.
    pub cluster_privileges: Vec<String>,
    /// For `elasticsearch`: index privileges.
    pub index_privileges: Vec<IndexPrivileges>,
    /// A constraint on the kind of credential, if any.
    pub credential: Option<String>,
    /// `METHOD /path` of every request the operations make.
    pub requests: Vec<String>,
    /// Anything else worth a sentence.
    pub note: Option<String>,
}

/// The whole table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    /// Cloud role name to what it allows.
    pub cloud_roles: BTreeMap<String, String>,
    /// Resource type to its grants.
    pub resources: BTreeMap<String, Vec<Grant>>,
    /// Data source type to its grants.
    pub data_sources: BTreeMap<String, Vec<Grant>>,
}

const OPERATIONS: &[&str] = &["create", "read", "update", "delete", "import"];

impl Permissions {
    /// Parses the table, naming the first entry that is not well-formed.
    pub fn parse(text: &str) -> Result<Permissions, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let mut out = Permissions::default();
        if let Some(roles) = v.get("cloud_roles").and_then(Value::as_object) {
            for (k, d) in roles {
                out.cloud_roles
                    .insert(k.clone(), d.as_str().unwrap_or_default().to_string());
            }
        }
        for (key, map) in [
            ("resources", &mut out.resources),
            ("data_sources", &mut out.data_sources),
        ] {
            let Some(obj) = v.get(key).and_then(Value::as_object) else {
                return Err(format!("`{key}` must be an object"));
            };
            for (name, grants) in obj {
                let list = grants
                    .as_array()
                    .ok_or_else(|| format!("{key}.{name} must be a list"))?;
                let mut parsed = Vec::new();
                for (i, g) in list.iter().enumerate() {
                    parsed.push(
                        parse_grant(g, &out.cloud_roles)
                            .map_err(|e| format!("{key}.{name}[{i}]: {e}"))?,
                    );
                }
                if parsed.is_empty() {
                    return Err(format!("{key}.{name} lists no grant"));
                }
                map.insert(name.clone(), parsed);
            }
        }
        Ok(out)
    }
}

fn strings(v: &Value, key: &str) -> Result<Vec<String>, String> {
    match v.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` must list strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{key}` must be a list of strings")),
    }
}

fn opt_string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn parse_grant(g: &Value, roles: &BTreeMap<String, String>) -> Result<Grant, String> {
    let operations = strings(g, "operations")?;
    if operations.is_empty() {
        return Err("`operations` is empty".into());
    }
    if let Some(bad) = operations
        .iter()
        .find(|o| !OPERATIONS.contains(&o.as_str()))
    {
        return Err(format!("unknown operation {bad:?}"));
    }
    let connection = opt_string(g, "connection").unwrap_or_default();
    let cloud_role = match g.get("cloud_role") {
        None => None,
        Some(r) => {
            let role = opt_string(r, "role").ok_or("`cloud_role.role` is missing")?;
            if !roles.is_empty() && !roles.contains_key(&role) {
                return Err(format!("unknown Cloud role {role:?}"));
            }
            let scope = opt_string(r, "scope").ok_or("`cloud_role.scope` is missing")?;
            if scope != "deployment" && scope != "organization" {
                return Err(format!(
                    "scope {scope:?} is neither deployment nor organization"
                ));
            }
            Some(CloudRole { role, scope })
        }
    };
    let mut index_privileges = Vec::new();
    if let Some(list) = g.get("index_privileges") {
        for ip in list.as_array().ok_or("`index_privileges` must be a list")? {
            index_privileges.push(IndexPrivileges {
                names: strings(ip, "names")?,
                privileges: strings(ip, "privileges")?,
            });
        }
    }
    let grant = Grant {
        operations,
        when: opt_string(g, "when"),
        target: opt_string(g, "target").unwrap_or_default(),
        cloud_role,
        cluster_privileges: strings(g, "cluster_privileges")?,
        index_privileges,
        credential: opt_string(g, "credential"),
        requests: strings(g, "requests")?,
        note: opt_string(g, "note"),
        connection,
    };
    match grant.connection.as_str() {
        "cloud" if grant.cloud_role.is_none() => Err("a `cloud` grant needs `cloud_role`".into()),
        "elasticsearch"
            if grant.cluster_privileges.is_empty() && grant.index_privileges.is_empty() =>
        {
            Err("an `elasticsearch` grant needs privileges".into())
        }
        "cloud" | "elasticsearch" => Ok(grant),
        other => Err(format!("unknown connection {other:?}")),
    }
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a grant needs, as one table cell.
pub fn needs(g: &Grant) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &g.cloud_role {
        parts.push(match r.scope.as_str() {
            "organization" => format!("Cloud API key with role **{}** in the organization", r.role),
            _ => format!(
                "Cloud API key with role **{}** for this deployment (deployment scope)",
                r.role
            ),
        });
    }
    if !g.cluster_privileges.is_empty() {
        parts.push(format!(
            "cluster privileges {}",
            code_list(&g.cluster_privileges)
        ));
    }
    for ip in &g.index_privileges {
        parts.push(format!(
            "index privileges {} on {}",
            code_list(&ip.privileges),
            code_list(&ip.names)
        ));
    }
    let mut out = parts.join("; ");
    if let Some(c) = &g.credential {
        out.push_str(&format!("; credential: {c}"));
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The `## Permissions` section of one resource or data source page.
pub fn section(grants: &[Grant]) -> String {
    let mut out = String::from(
        "## Permissions\n\nThe least the provider block's credentials need (the `elastic` superuser and an Organization owner's Cloud API key have all of it). Cloud API key roles are assigned when the key is created (Organization, API keys); Elasticsearch privileges belong to the role of the user, token or API key of the `elasticsearch` block. A request refused for want of one fails with a message that names it (\"needs the cluster privilege ...\", \"needs the role Editor for deployment ...\").\n\n| Operations | Connection | Needs | Requests |\n|---|---|---|---|\n",
    );
    for g in grants {
        let mut ops = g.operations.join(", ");
        if let Some(w) = &g.when {
            ops.push_str(&format!(" ({w})"));
        }
        let mut conn = format!("`{}`: {}", g.connection, g.target);
        if let Some(n) = &g.note {
            conn.push_str(&format!("; {n}"));
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            cell(&ops),
            cell(&conn),
            cell(&needs(g)),
            cell(&code_list(&g.requests)).replace("`, `", "`<br>`")
        ));
    }
    out
}

/// The provider page's summary: one line per resource and data source.
pub fn summary(p: &Permissions, type_short: impl Fn(&str) -> String) -> String {
    let mut out = String::from(
        "| Resource or data source | Cloud API key role | Elasticsearch privileges |\n|---|---|---|\n",
    );
    let rows = p
        .resources
        .iter()
        .map(|(n, g)| (n, g, "resources"))
        .chain(p.data_sources.iter().map(|(n, g)| (n, g, "data-sources")));
    for (name, grants, dir) in rows {
        let mut roles: Vec<String> = Vec::new();
        let mut privileges: Vec<String> = Vec::new();
        for g in grants {
            let mut ops = g.operations.join(", ");
            if let Some(w) = g.when.as_deref().filter(|w| !w.starts_with("optional")) {
                ops.push_str(&format!(" {w}"));
            }
            if let Some(r) = &g.cloud_role {
                roles.push(format!("{} ({}, {ops})", r.role, r.scope));
            }
            let mut p: Vec<String> = g
                .cluster_privileges
                .iter()
                .map(|c| format!("`{c}`"))
                .collect();
            for ip in &g.index_privileges {
                p.push(format!(
                    "{} on {}",
                    code_list(&ip.privileges),
                    code_list(&ip.names)
                ));
            }
            if !p.is_empty() {
                let optional = g.when.as_deref().is_some_and(|w| w.starts_with("optional"));
                privileges.push(format!(
                    "{} ({ops}{})",
                    p.join(", "),
                    if optional { ", optional" } else { "" }
                ));
            }
        }
        let dash = |v: Vec<String>| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join("; ")
            }
        };
        out.push_str(&format!(
            "| [`{name}`]({dir}/{}.md) | {} | {} |\n",
            type_short(name),
            cell(&dash(roles)),
            cell(&dash(privileges))
        ));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"{
      "cloud_roles": {"Viewer": "reads", "Editor": "writes"},
      "resources": {"demo_thing": [
        {"operations": ["create", "update"], "connection": "cloud", "target": "the deployment",
         "cloud_role": {"role": "Editor", "scope": "deployment"}, "requests": ["PUT /api/v1/deployments/{id}"]},
        {"operations": ["read"], "connection": "elasticsearch", "target": "the cluster",
         "cluster_privileges": ["monitor"], "index_privileges": [{"names": ["a:*"], "privileges": ["view_index_metadata"]}],
         "credential": "not an API key", "requests": ["GET /", "GET /_remote/info"], "note": "n"}
      ]},
      "data_sources": {}
    }"#;

    #[test]
    fn renders_roles_privileges_and_requests() {
        let p = Permissions::parse(TABLE).expect("parse");
        let s = section(&p.resources["demo_thing"]);
        assert!(s.starts_with("## Permissions\n"), "{s}");
        assert!(
            s.contains("| create, update | `cloud`: the deployment | Cloud API key with role **Editor** for this deployment (deployment scope) | `PUT /api/v1/deployments/{id}` |"),
            "{s}"
        );
        assert!(
            s.contains("| read | `elasticsearch`: the cluster; n | cluster privileges `monitor`; index privileges `view_index_metadata` on `a:*`; credential: not an API key | `GET /`<br>`GET /_remote/info` |"),
            "{s}"
        );
        let sum = summary(&p, |n| n.trim_start_matches("demo_").to_string());
        assert!(
            sum.contains("| [`demo_thing`](resources/thing.md) | Editor (deployment, create, update) | `monitor`, `view_index_metadata` on `a:*` (read) |"),
            "{sum}"
        );
    }

    #[test]
    fn malformed_entries_are_named() {
        for (bad, want) in [
            (
                r#"{"resources": {"x": [{"operations": ["fly"], "connection": "cloud"}]}, "data_sources": {}}"#,
                "resources.x[0]: unknown operation \"fly\"",
            ),
            (
                r#"{"resources": {"x": [{"operations": ["read"], "connection": "cloud"}]}, "data_sources": {}}"#,
                "needs `cloud_role`",
            ),
            (
                r#"{"resources": {"x": [{"operations": ["read"], "connection": "elasticsearch"}]}, "data_sources": {}}"#,
                "needs privileges",
            ),
            (
                r#"{"resources": {"x": []}, "data_sources": {}}"#,
                "lists no grant",
            ),
            (
                r#"{"cloud_roles": {"Viewer": ""}, "resources": {"x": [{"operations": ["read"], "connection": "cloud", "cloud_role": {"role": "Boss", "scope": "deployment"}}]}, "data_sources": {}}"#,
                "unknown Cloud role",
            ),
        ] {
            let err = Permissions::parse(bad).unwrap_err();
            assert!(err.contains(want), "{err}");
        }
    }
}
