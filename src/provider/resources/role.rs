//! `crosscluster_role`: an Elasticsearch role with local and remote privileges
//! (`PUT/GET/DELETE /_security/role/{name}`, api-facts.md B.5), usually on the local cluster of
//! cross-cluster search: `remote_indices` (8.14+) and `remote_cluster` (8.15+) grant access to
//! the remote clusters reached through API-key-model aliases.
//!
//! Everything is read back, so a change made outside Terraform shows in the plan. Version gates
//! are checked at plan time when the cluster is reachable, and again before the write.

use async_trait::async_trait;
use serde_json::Value as Json;

use crate::client::elasticsearch::Feature;
use crate::client::elasticsearch::{
    ClusterInfo, FieldSecurity, IndicesPrivileges, RemoteClusterPrivileges,
    RemoteIndicesPrivileges, Role, Version,
};
use crate::framework::decode::{ObjectReader, opt_string_value, set_attr};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest, import_by_id,
};
use crate::framework::value::{Type, Value};

use crate::provider::common::{
    Call, During, configured, json_of, json_validator, opt_json_attr, parse_json, same_json,
};

/// The resource type.
pub struct RoleResource;

/// Privileges `remote_cluster` accepts.
pub const REMOTE_CLUSTER_PRIVILEGES: &[&str] = &["monitor_enrich", "monitor_stats"];

/// First version with a role `description`.
pub const DESCRIPTION_VERSION: Version = Version::new(8, 15, 0);

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

/// Metadata keys starting with `_` are Elasticsearch's own.
fn reserved_metadata_keys() -> Validator {
    Validator::custom(|v, path, diags| {
        let Some(Json::Object(m)) = v.as_str().and_then(parse_json) else {
            return;
        };
        if let Some(k) = m.keys().find(|k| k.starts_with('_')) {
            diags.attribute_error(
                path.clone(),
                "Invalid metadata",
                format!(
                    "metadata key {k:?} starts with '_', which Elasticsearch reserves for itself."
                ),
            );
        }
    })
}

fn remote_cluster_privilege_check() -> Validator {
    Validator::custom(|v, path, diags| {
        let Value::List(items) = v else { return };
        for (i, item) in items.iter().enumerate() {
            if let Value::String(p) = item
                && !REMOTE_CLUSTER_PRIVILEGES.contains(&p.as_str())
            {
                diags.attribute_error(
                    path.clone().index(i as i64),
                    "Invalid remote_cluster privilege",
                    format!("{p:?} is not allowed: remote_cluster accepts only monitor_enrich and monitor_stats (8.17+)."),
                );
            }
        }
    })
}

fn field_security_block() -> NestedBlock {
    NestedBlock::single(
        "field_security",
        Block::new()
            .description("Field-level security: which fields the role may see.")
            .attribute(
                Attribute::list("grant", Type::String)
                    .optional()
                    .description("Fields (patterns allowed) the role may read."),
            )
            .attribute(
                Attribute::list("except", Type::String)
                    .optional()
                    .description("Fields (patterns allowed) removed from grant."),
            ),
    )
}

fn index_attributes(b: Block, remote: bool) -> Block {
    let b = if remote {
        b.attribute(
            Attribute::list("clusters", Type::String)
                .required()
                .description("Remote cluster aliases (patterns allowed, e.g. `prod-*`) the entry applies to: the `alias` of a `crosscluster_remote_cluster`."),
        )
    } else {
        b
    };
    b.attribute(
        Attribute::list("names", Type::String)
            .required()
            .description("Index names or patterns."),
    )
    .attribute(
        Attribute::list("privileges", Type::String)
            .required()
            .description("Index privileges, e.g. `read`, `read_cross_cluster`, `view_index_metadata`."),
    )
    .attribute(
        Attribute::string("query")
            .optional()
            .validator(json_validator("query", false))
            .description("Document-level security: a query as a JSON string (`jsonencode({ term = { team = \"a\" } })`). Compared as JSON, so formatting does not matter."),
    )
    .attribute(
        Attribute::bool("allow_restricted_indices")
            .optional()
            .computed()
            .default_value(Value::Bool(false))
            .description("Whether names may match restricted indices such as `.security`."),
    )
    .block(field_security_block())
}

/// The schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "An Elasticsearch role on the cluster of the provider's `elasticsearch` \
                 connection, usually the *local* cluster of cross-cluster search: cluster and \
                 index privileges plus the remote privileges of the **API-key** security model, \
                 `remote_indices` (Elasticsearch 8.14+) and `remote_cluster` (8.15+; \
                 `monitor_stats` 8.17+).\n\
                 \n\
                 Remote privileges apply to aliases that connect with a cross-cluster API key, and \
                 the key's `access` still bounds what they reach on the remote cluster. With the \
                 certificate model they have no effect: there, roles of the same name on the \
                 remote cluster grant access (create them there through a second provider \
                 block).\n\
                 \n\
                 Uses `PUT`, `GET` and `DELETE /_security/role/<name>`; only this role is touched, \
                 and destroy deletes it. Every attribute is read back, so changes made outside \
                 Terraform show in the plan. Using a feature the cluster's version lacks is an \
                 error naming the version needed, at plan time when the cluster is reachable. \
                 Fields this resource does not model (`applications`, `run_as`, `global`) are not \
                 kept when the role is updated.\n\
                 \n\
                 Import with the role name: `terraform import crosscluster_role.example <name>`.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The role name."),
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(Validator::length_between(1, 507))
                    .description("Role name (also the import id)."),
            )
            .attribute(
                Attribute::set("cluster", Type::String)
                    .optional()
                    .description("Cluster privileges, e.g. `monitor`, `manage_ccr`."),
            )
            .attribute(
                Attribute::string("description")
                    .optional()
                    .description("Description of the role (Elasticsearch 8.15+)."),
            )
            .attribute(
                Attribute::string("metadata")
                    .optional()
                    .validator(json_validator("metadata", true))
                    .validator(reserved_metadata_keys())
                    .description("Metadata as a JSON object string (`jsonencode({...})`); keys starting with `_` are reserved. Compared as JSON, so formatting does not matter."),
            )
            .block(NestedBlock::list(
                "indices",
                index_attributes(Block::new().description("Privileges on indices of this cluster."), false),
            ))
            .block(NestedBlock::list(
                "remote_indices",
                index_attributes(
                    Block::new().description("Privileges on indices of remote clusters (Elasticsearch 8.14+; API-key model)."),
                    true,
                ),
            ))
            .block(NestedBlock::list(
                "remote_cluster",
                Block::new()
                    .description("Cluster privileges on remote clusters (Elasticsearch 8.15+; API-key model).")
                    .attribute(
                        Attribute::list("clusters", Type::String)
                            .required()
                            .description("Remote cluster aliases (patterns allowed)."),
                    )
                    .attribute(
                        Attribute::list("privileges", Type::String)
                            .required()
                            .validator(remote_cluster_privilege_check())
                            .description("`monitor_enrich` (8.15+) and/or `monitor_stats` (8.17+)."),
                    ),
            )),
    )
}

// ---------------------------------------------------------------------------------------------
// Pure functions between values and the API's Role
// ---------------------------------------------------------------------------------------------

fn field_security_of(r: &ObjectReader<'_>) -> Result<Option<FieldSecurity>, Diagnostics> {
    let Some(fs) = r.opt_block("field_security")? else {
        return Ok(None);
    };
    let list = |n: &str| -> Result<Option<Vec<String>>, Diagnostics> {
        Ok(if fs.is_null(n) {
            None
        } else {
            Some(fs.string_list(n)?)
        })
    };
    Ok(Some(FieldSecurity {
        grant: list("grant")?,
        except: list("except")?,
    }))
}

fn query_of(r: &ObjectReader<'_>) -> Result<Option<Json>, Diagnostics> {
    Ok(r.opt_string("query")?.map(Json::String))
}

/// The role body for a planned state.
pub fn role_from_value(v: &Value) -> Result<Role, Diagnostics> {
    let r = ObjectReader::root(v)?;
    let mut role = Role {
        cluster: r.string_list("cluster")?,
        description: r.opt_string("description")?,
        ..Default::default()
    };
    role.metadata = opt_json_attr(&r, "metadata")?;
    for b in r.blocks("indices")? {
        role.indices.push(IndicesPrivileges {
            names: b.string_list("names")?,
            privileges: b.string_list("privileges")?,
            field_security: field_security_of(&b)?,
            query: query_of(&b)?,
            allow_restricted_indices: b.opt_bool("allow_restricted_indices")?,
            ..Default::default()
        });
    }
    for b in r.blocks("remote_indices")? {
        role.remote_indices.push(RemoteIndicesPrivileges {
            clusters: b.string_list("clusters")?,
            names: b.string_list("names")?,
            privileges: b.string_list("privileges")?,
            field_security: field_security_of(&b)?,
            query: query_of(&b)?,
            allow_restricted_indices: b.opt_bool("allow_restricted_indices")?,
            ..Default::default()
        });
    }
    for b in r.blocks("remote_cluster")? {
        role.remote_cluster.push(RemoteClusterPrivileges {
            clusters: b.string_list("clusters")?,
            privileges: b.string_list("privileges")?,
            ..Default::default()
        });
    }
    Ok(role)
}

/// A string list, keeping the prior's empty-list form (so `[]` in the configuration stays `[]`).
fn strings(items: &[String], prior: Option<&Value>, set: bool) -> Value {
    if items.is_empty() {
        return match prior {
            Some(Value::List(l)) if l.is_empty() => Value::List(Vec::new()),
            Some(Value::Set(l)) if l.is_empty() => Value::Set(Vec::new()),
            _ => Value::Null,
        };
    }
    let vals = items.iter().cloned().map(Value::String).collect();
    if set {
        Value::Set(vals)
    } else {
        Value::List(vals)
    }
}

/// A JSON value as a string attribute: the prior string when it means the same JSON, else the
/// compact form (strings that are not JSON are kept as they are).
fn json_string(v: Option<&Json>, prior: Option<&Value>) -> Value {
    let Some(v) = v else { return Value::Null };
    if let Some(p @ Value::String(_)) = prior
        && same_json(p, &json_of(v))
    {
        return p.clone();
    }
    match v {
        Json::String(s) => Value::String(s.clone()),
        other => Value::String(other.to_string()),
    }
}

fn prior_elem<'a>(prior: Option<&'a Value>, block: &str, i: usize) -> Option<&'a Value> {
    prior?.get_attr(block)?.elements()?.get(i)
}

fn field_security_value(fs: Option<&FieldSecurity>, prior: Option<&Value>) -> Value {
    let Some(fs) = fs else { return Value::Null };
    let p = prior.and_then(|p| p.get_attr("field_security"));
    let list = |items: &Option<Vec<String>>, name: &str| match items {
        None => strings(&[], p.and_then(|p| p.get_attr(name)), false),
        Some(v) => strings(v, p.and_then(|p| p.get_attr(name)), false),
    };
    Value::object([
        ("grant", list(&fs.grant, "grant")),
        ("except", list(&fs.except, "except")),
    ])
}

fn index_value(
    clusters: Option<&[String]>,
    names: &[String],
    privileges: &[String],
    query: Option<&Json>,
    fs: Option<&FieldSecurity>,
    allow: Option<bool>,
    prior: Option<&Value>,
) -> Value {
    let pa = |n: &str| prior.and_then(|p| p.get_attr(n));
    let mut fields = vec![
        ("names", strings(names, pa("names"), false)),
        ("privileges", strings(privileges, pa("privileges"), false)),
        ("query", json_string(query, pa("query"))),
        (
            "allow_restricted_indices",
            Value::Bool(allow.unwrap_or(false)),
        ),
        ("field_security", field_security_value(fs, prior)),
    ];
    if let Some(c) = clusters {
        fields.push(("clusters", strings(c, pa("clusters"), false)));
    }
    Value::object(fields)
}

/// The state for role `name` as read; `prior` keeps the user's spelling of JSON strings and
/// empty lists.
pub fn to_state(name: &str, role: &Role, prior: &Value) -> Value {
    let prior = if matches!(prior, Value::Object(_)) {
        Some(prior)
    } else {
        None
    };
    let pa = |n: &str| prior.and_then(|p| p.get_attr(n));
    let metadata = match &role.metadata {
        Some(Json::Object(m)) if m.is_empty() => match pa("metadata") {
            Some(p) if same_json(p, &Json::Object(Default::default())) => p.clone(),
            _ => Value::Null,
        },
        other => json_string(other.as_ref(), pa("metadata")),
    };
    let indices = role
        .indices
        .iter()
        .enumerate()
        .map(|(i, e)| {
            index_value(
                None,
                &e.names,
                &e.privileges,
                e.query.as_ref(),
                e.field_security.as_ref(),
                e.allow_restricted_indices,
                prior_elem(prior, "indices", i),
            )
        })
        .collect();
    let remote_indices = role
        .remote_indices
        .iter()
        .enumerate()
        .map(|(i, e)| {
            index_value(
                Some(&e.clusters),
                &e.names,
                &e.privileges,
                e.query.as_ref(),
                e.field_security.as_ref(),
                e.allow_restricted_indices,
                prior_elem(prior, "remote_indices", i),
            )
        })
        .collect();
    let remote_cluster = role
        .remote_cluster
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let p = prior_elem(prior, "remote_cluster", i);
            Value::object([
                (
                    "clusters",
                    strings(&e.clusters, p.and_then(|p| p.get_attr("clusters")), false),
                ),
                (
                    "privileges",
                    strings(
                        &e.privileges,
                        p.and_then(|p| p.get_attr("privileges")),
                        false,
                    ),
                ),
            ])
        })
        .collect();
    let description = match (&role.description, pa("description")) {
        (Some(d), _) if !d.is_empty() => Value::String(d.clone()),
        (Some(_), Some(Value::String(p))) if p.is_empty() => Value::String(String::new()),
        _ => Value::Null,
    };
    Value::object([
        ("id", Value::String(name.to_string())),
        ("name", Value::String(name.to_string())),
        ("cluster", strings(&role.cluster, pa("cluster"), true)),
        ("description", description),
        ("metadata", metadata),
        ("indices", Value::List(indices)),
        ("remote_indices", Value::List(remote_indices)),
        ("remote_cluster", Value::List(remote_cluster)),
    ])
}

/// Version gates of a role configuration, with attribute paths (values may be unknown).
pub fn version_problems(config: &Value, info: &ClusterInfo) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if info.is_serverless() {
        return diags;
    }
    let Ok(r) = ObjectReader::root(config) else {
        return diags;
    };
    let non_empty = |n: &str| matches!(r.value_or_null(n), Value::List(l) if !l.is_empty());
    let mut gate = |feature: Feature, path: AttributePath, what: &str| {
        if let Err(e) = info.require(feature) {
            diags.attribute_error(
                path,
                format!("{what} needs Elasticsearch {}", feature.min_version()),
                format!("{e}. Remove {what} from this role, or upgrade the cluster."),
            );
        }
    };
    if non_empty("remote_indices") {
        gate(
            Feature::RemoteIndices,
            r.path_of("remote_indices"),
            "remote_indices",
        );
    }
    if non_empty("remote_cluster") {
        gate(
            Feature::RemoteClusterPrivileges,
            r.path_of("remote_cluster"),
            "remote_cluster",
        );
        if let Ok(blocks) = r.blocks("remote_cluster") {
            for b in blocks {
                let stats = matches!(b.value_or_null("privileges"), Value::List(l)
                    if l.iter().any(|p| p.as_str() == Some("monitor_stats")));
                if stats {
                    gate(
                        Feature::MonitorStats,
                        b.path_of("privileges"),
                        "the monitor_stats privilege",
                    );
                }
            }
        }
    }
    if !r.is_null("description") && info.version < DESCRIPTION_VERSION {
        diags.attribute_error(
            r.path_of("description"),
            format!("description needs Elasticsearch {DESCRIPTION_VERSION}"),
            format!(
                "Role descriptions require Elasticsearch {DESCRIPTION_VERSION} or later, but the cluster runs {}. Remove description from this role, or upgrade the cluster.",
                info.version
            ),
        );
    }
    diags
}

// ---------------------------------------------------------------------------------------------
// The resource
// ---------------------------------------------------------------------------------------------

fn name_of(state: &Value) -> Result<String, Diagnostics> {
    let r = ObjectReader::root(state)?;
    match r.opt_string("name")? {
        Some(n) => Ok(n),
        None => Ok(r.string("id")?),
    }
}

impl RoleResource {
    async fn write(
        &self,
        ctx: &CallContext,
        planned: &Value,
        config: &Value,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let es = call.es()?;
        let name = name_of(planned)?;
        let info = es
            .info(call.cancel())
            .await
            .during(|| "to read the cluster version".into())?;
        let gates = version_problems(config, info);
        if gates.has_errors() {
            return Err(gates);
        }
        let role = role_from_value(planned)?;
        es.put_role(&name, &role, call.cancel())
            .await
            .during(|| format!("to write role {name:?}"))?;
        let back = es
            .get_role(&name, call.cancel())
            .await
            .during(|| format!("to read role {name:?}"))?
            .ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    format!("Role {name:?} not found after writing it"),
                    "Elasticsearch acknowledged the role but does not return it; another process may have deleted it.",
                ))
            })?;
        Ok(StateResponse::new(to_state(&name, &back, planned)))
    }
}

#[async_trait]
impl Resource for RoleResource {
    fn type_name(&self) -> &str {
        "crosscluster_role"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn modify_plan(
        &self,
        ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        if matches!(plan.planned_state, Value::Null) {
            return Diagnostics::new();
        }
        let Ok(data) = configured(ctx) else {
            return Diagnostics::new();
        };
        let Ok(es) = data.elasticsearch() else {
            return Diagnostics::new();
        };
        match es.info(&ctx.cancel).await {
            Ok(info) => version_problems(&req.config, info),
            Err(_) => Diagnostics::new(),
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        self.write(ctx, &req.planned_state, &req.config).await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let name = name_of(&req.current_state)?;
        match call
            .es()?
            .get_role(&name, call.cancel())
            .await
            .during(|| format!("to read role {name:?}"))?
        {
            Some(role) => Ok(
                StateResponse::new(to_state(&name, &role, &req.current_state))
                    .with_private(req.private),
            ),
            None => Ok(StateResponse::gone()),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        self.write(ctx, &req.planned_state, &req.config).await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let name = name_of(&req.prior_state)?;
        call.es()?
            .delete_role(&name, call.cancel())
            .await
            .during(|| format!("to delete role {name:?}"))?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if id.is_empty() {
            return Err(Diagnostic::error(
                "Invalid import id",
                "Import a role with its name, e.g. terraform import crosscluster_role.example my_role",
            )
            .into());
        }
        let state = import_by_id(&schema(), "id", id);
        Ok(StateResponse::new(set_attr(
            state,
            "name",
            opt_string_value(Some(id)),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|i| s(i)).collect())
    }

    fn planned() -> Value {
        let mut v = schema().block.empty_value();
        v = set_attr(v, "name", s("ccs"));
        v = set_attr(v, "cluster", Value::Set(vec![s("monitor")]));
        v = set_attr(v, "metadata", s("{ \"team\": \"search\" }"));
        v = set_attr(
            v,
            "indices",
            Value::List(vec![Value::object([
                ("names", strs(&["logs-*"])),
                ("privileges", strs(&["read"])),
                ("query", s("{\"term\": {\"team\": \"a\"}}")),
                ("allow_restricted_indices", Value::Bool(false)),
                (
                    "field_security",
                    Value::object([("grant", strs(&["*"])), ("except", strs(&["secret"]))]),
                ),
            ])]),
        );
        v = set_attr(
            v,
            "remote_indices",
            Value::List(vec![Value::object([
                ("clusters", strs(&["remote"])),
                ("names", strs(&["logs-*"])),
                ("privileges", strs(&["read", "read_cross_cluster"])),
                ("query", Value::Null),
                ("allow_restricted_indices", Value::Bool(false)),
                ("field_security", Value::Null),
            ])]),
        );
        set_attr(
            v,
            "remote_cluster",
            Value::List(vec![Value::object([
                ("clusters", strs(&["remote"])),
                ("privileges", strs(&["monitor_enrich"])),
            ])]),
        )
    }

    #[test]
    fn body_and_round_trip() {
        let p = planned();
        let role = role_from_value(&p).unwrap();
        let body = serde_json::to_value(&role).unwrap();
        assert_eq!(body["cluster"], json!(["monitor"]));
        assert_eq!(body["metadata"], json!({"team": "search"}));
        assert_eq!(
            body["indices"][0]["query"],
            json!("{\"term\": {\"team\": \"a\"}}")
        );
        assert_eq!(
            body["indices"][0]["field_security"],
            json!({"grant": ["*"], "except": ["secret"]})
        );
        assert_eq!(body["remote_indices"][0]["clusters"], json!(["remote"]));
        assert!(body["remote_indices"][0].get("query").is_none());
        assert_eq!(
            body["remote_cluster"][0]["privileges"],
            json!(["monitor_enrich"])
        );
        // What the server returns (object query, compact metadata, extras) reads back as planned.
        let mut back = body.clone();
        back["indices"][0]["query"] = json!({"term": {"team": "a"}});
        back["applications"] = json!([]);
        back["transient_metadata"] = json!({"enabled": true});
        let back: Role = serde_json::from_value(back).unwrap();
        let mut want = set_attr(p.clone(), "id", s("ccs"));
        want = set_attr(want, "description", Value::Null);
        assert_eq!(to_state("ccs", &back, &p), want);
    }

    #[test]
    fn drift_shows() {
        let p = planned();
        let mut role = role_from_value(&p).unwrap();
        role.remote_indices[0]
            .privileges
            .push("view_index_metadata".into());
        role.metadata = Some(json!({"team": "other"}));
        let st = to_state("ccs", &role, &p);
        assert_eq!(st.get_attr("metadata"), Some(&s("{\"team\":\"other\"}")));
        let ri = &st.get_attr("remote_indices").unwrap().elements().unwrap()[0];
        assert_eq!(
            ri.get_attr("privileges"),
            Some(&strs(&[
                "read",
                "read_cross_cluster",
                "view_index_metadata"
            ]))
        );
    }

    #[test]
    fn import_reads_with_null_prior() {
        let role: Role = serde_json::from_value(json!({
            "cluster": [], "indices": [], "metadata": {}, "run_as": [],
            "remote_cluster": [{"clusters": ["r"], "privileges": ["monitor_enrich"]}]
        }))
        .unwrap();
        let st = to_state("x", &role, &Value::Null);
        assert_eq!(st.get_attr("cluster"), Some(&Value::Null));
        assert_eq!(st.get_attr("metadata"), Some(&Value::Null));
        assert_eq!(st.get_attr("indices"), Some(&Value::List(vec![])));
        assert_eq!(
            st.get_attr("remote_cluster")
                .and_then(Value::elements)
                .map(<[Value]>::len),
            Some(1)
        );
    }

    fn info(v: &str) -> ClusterInfo {
        ClusterInfo {
            name: "n".into(),
            cluster_name: "c".into(),
            cluster_uuid: "u".into(),
            version: Version::parse(v).unwrap(),
            build_flavor: "default".into(),
        }
    }

    #[test]
    fn version_gates_table() {
        let p = set_attr(planned(), "description", s("d"));
        let cases = [
            (
                "8.12.2",
                vec!["description", "remote_cluster", "remote_indices"],
                "8.15.0",
            ),
            ("8.14.3", vec!["description", "remote_cluster"], "8.15.0"),
            ("8.15.0", vec![], ""),
        ];
        for (v, want, version_text) in cases {
            let d = version_problems(&p, &info(v));
            let mut got: Vec<String> = d
                .iter()
                .filter_map(|d| d.path.as_ref().map(ToString::to_string))
                .collect();
            got.sort();
            assert_eq!(got, want, "{v}: {d}");
            assert!(d.to_string().contains(version_text), "{d}");
        }
        let stats = set_attr(
            planned(),
            "remote_cluster",
            Value::List(vec![Value::object([
                ("clusters", strs(&["r"])),
                ("privileges", strs(&["monitor_stats"])),
            ])]),
        );
        let d = version_problems(&stats, &info("8.16.0"));
        assert_eq!(d.len(), 1);
        assert!(d.to_string().contains("8.17.0"), "{d}");
    }

    #[test]
    fn validators() {
        let block = schema().block;
        let mut v = planned();
        v = set_attr(v, "metadata", s("{\"_reserved\": 1}"));
        v = set_attr(
            v,
            "remote_cluster",
            Value::List(vec![Value::object([
                ("clusters", strs(&["r"])),
                ("privileges", strs(&["monitor_enrich", "all"])),
            ])]),
        );
        let mut d = Diagnostics::new();
        block.validate(&v, &AttributePath::root(), &mut d);
        let mut got: Vec<String> = d
            .iter()
            .filter_map(|d| d.path.as_ref().map(ToString::to_string))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec!["metadata", "remote_cluster[0].privileges[1]"],
            "{d}"
        );
    }
}
