//! `crosscluster_deployment_remote_cluster`: one alias in a deployment's Cloud-managed remote
//! clusters (`.../elasticsearch/{ref_id}/remote-clusters`, api-facts A.4; certificate model, both
//! deployments in one organization).
//!
//! The API only replaces the whole list, so every write is a read-modify-write under the
//! deployment's lock ([`CloudClient::update_remote_clusters`]) that changes this resource's alias
//! and sends every other entry back as it was read. The status attributes come from the list's
//! read-only `info`; they are computed, refreshed on every read and planned unknown whenever the
//! resource changes, because a change can flip them (a planned-known value that then differs
//! would be an inconsistent result).

use crate::provider::alias::AliasRule;
use async_trait::async_trait;

use crate::client::cloud::{GetDeploymentParams, RemoteResourceRef, RemoteResources};
use crate::client::{ClientError, CloudClient};
use crate::framework::decode::{ObjectReader, set_attr};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::common::{
    DeploymentAliasId, IdError, client_error, configured, format_alias_id, hex32_validator,
    known_opt_string, plan_alias_id, plan_default_ref_id, ref_or_first,
};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_deployment_remote_cluster";

/// The status attributes, read from the entry's `info`.
pub const STATUS_ATTRIBUTES: [&str; 5] = [
    "healthy",
    "connected",
    "compatible",
    "trusted",
    "trusted_back",
];

/// The resource type.
pub struct DeploymentRemoteClusterResource;

/// Parses `<deployment_id>/<ref_id>/<alias>` or `<deployment_id>/<alias>` with the
/// remote-clusters API's alias rule.
pub fn parse_id(id: &str) -> Result<DeploymentAliasId, IdError> {
    DeploymentAliasId::parse(id, AliasRule::CloudRemoteClusters)
}

/// The schema.
pub fn schema() -> Schema {
    let status = |name: &str, what: &str| Attribute::bool(name).computed().description(what);
    Schema::new(
        Block::new()
            .markdown_description(
                "One remote cluster (alias) of an Elastic Cloud deployment, managed through the \
                 Cloud remote-clusters API: the **certificate** security model between two \
                 deployments of the **same organization** (the Cloud console's \"Remote \
                 connections\"). The deployment connects to `remote_deployment_id` under `alias`, \
                 through the remote's proxy on port 9400; the platform writes the matching \
                 `cluster.remote.<alias>.*` cluster settings.\n\
                 \n\
                 Uses the provider's `cloud` connection; its API key must see both deployments. \
                 The API replaces the whole list on every write: this resource reads the list, \
                 changes only its own alias and writes every other entry back unchanged, so remote \
                 clusters set up in the console or by other resources survive; destroy removes \
                 only this alias. Creating an alias that already exists fails and names the import \
                 id. Do not manage the same alias with `crosscluster_remote_cluster` as well.\n\
                 \n\
                 The certificate model needs trust in both directions; deployments of one \
                 organization trust each other by default (unless that trust was narrowed, see \
                 `crosscluster_trusted_environment`). The computed `connected`, `compatible`, \
                 `trusted` and `trusted_back`, refreshed on every read, tell why an alias does not \
                 connect. The apply does not wait for the connection.\n\
                 \n\
                 Elastic documents this API as deprecated for Elastic Cloud and limited to \
                 same-organization certificate-model links. For a remote in another organization, \
                 on ECE or self-managed, or for the API-key model (port 9443), use \
                 `crosscluster_remote_cluster` (Elasticsearch cluster settings) instead.\n\
                 \n\
                 Import with `terraform import crosscluster_deployment_remote_cluster.example \
                 <deployment_id>/<ref_id>/<alias>` (or `<deployment_id>/<alias>` for the \
                 deployment's first Elasticsearch resource).",
            )
            .attribute(
                Attribute::string("deployment_id")
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the local deployment (the full 32 lowercase hexadecimal characters) that connects to the remote."),
            )
            .attribute(
                Attribute::string("ref_id")
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(Validator::length_between(1, 128))
                    .description("`ref_id` of the local deployment's Elasticsearch resource. Defaults to its first Elasticsearch resource."),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .requires_replace()
                    .validator(AliasRule::CloudRemoteClusters.validator())
                    .description("Alias of the remote cluster on the local deployment (letters, digits, `-` and `_`), as used in cross-cluster searches (`<alias>:<index>`)."),
            )
            .attribute(
                Attribute::string("remote_deployment_id")
                    .required()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the remote deployment (the full 32 lowercase hexadecimal characters), in the same organization as the local one. Changes in place."),
            )
            .attribute(
                Attribute::string("remote_ref_id")
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .validator(Validator::length_between(1, 128))
                    .description("`ref_id` of the remote deployment's Elasticsearch resource. Defaults to its first Elasticsearch resource."),
            )
            .attribute(
                Attribute::bool("skip_unavailable")
                    .optional()
                    .computed()
                    .default_value(Value::bool(false))
                    .description("Whether searches skip this remote when it is unavailable instead of failing."),
            )
            .attribute(status("healthy", "Whether the remote deployment is healthy (read from the API; refreshed on every read)."))
            .attribute(status("connected", "Whether the local cluster is connected to the remote (read from the API; refreshed on every read)."))
            .attribute(status("compatible", "Whether the two Elasticsearch versions can connect (wire compatibility: a 9.x cluster needs 8.19 or later, 8.x needs 7.17 or later, 7.x needs 6.8 or later)."))
            .attribute(status("trusted", "Whether the local deployment trusts the remote one."))
            .attribute(status("trusted_back", "Whether the remote deployment trusts the local one (both directions are needed in the certificate model)."))
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("`<deployment_id>/<ref_id>/<alias>`."),
            ),
    )
}

/// Plan-time checks beyond the schema validators: a deployment cannot be its own remote.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let get = |n: &str| {
        config
            .get_attr(n)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let (Some(a), Some(b)) = (get("deployment_id"), get("remote_deployment_id"))
        && a == b
    {
        let same_ref = match (get("ref_id"), get("remote_ref_id")) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        if same_ref {
            diags.attribute_error(
                AttributePath::attr_path("remote_deployment_id"),
                "Deployment is its own remote",
                "remote_deployment_id must name another deployment than deployment_id.",
            );
        }
    }
    diags
}

/// Fills the plan's derived values: `id` when its parts are known, and the default ref_ids
/// re-resolved (unknown) when their deployment changes and they are not configured.
pub fn derive_plan(prior: &Value, config: &Value, planned: &mut Value) {
    if planned.is_null() {
        return;
    }
    plan_default_ref_id(prior, config, planned, "deployment_id", "ref_id");
    plan_default_ref_id(
        prior,
        config,
        planned,
        "remote_deployment_id",
        "remote_ref_id",
    );
    plan_alias_id(planned);
}

/// The state for `entry` of the local `deployment_id`/`ref_id`, keeping the rest of `base`.
pub fn state_of(
    base: Value,
    deployment_id: &str,
    ref_id: &str,
    entry: &RemoteResourceRef,
) -> Value {
    let mut v = base;
    for (k, x) in [
        ("deployment_id", Value::string(deployment_id)),
        ("ref_id", Value::string(ref_id)),
        ("alias", Value::string(&entry.alias)),
        ("remote_deployment_id", Value::string(&entry.deployment_id)),
        ("remote_ref_id", Value::string(&entry.elasticsearch_ref_id)),
        (
            "skip_unavailable",
            Value::bool(entry.skip_unavailable.unwrap_or(false)),
        ),
        (
            "id",
            Value::string(format_alias_id(deployment_id, ref_id, &entry.alias)),
        ),
    ] {
        v = set_attr(v, k, x);
    }
    let info = entry.info.as_ref();
    let flags = info.map(|i| {
        [
            i.healthy,
            i.connected,
            i.compatible,
            i.trusted,
            i.trusted_back,
        ]
    });
    for (i, name) in STATUS_ATTRIBUTES.iter().enumerate() {
        v = set_attr(v, name, flags.map_or(Value::Null, |f| Value::bool(f[i])));
    }
    v
}

/// Why this resource refused to edit the list.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Create found the alias already in the list.
    #[error(
        "the deployment already has a remote cluster with alias {alias:?} (pointing at deployment {remote}), which this configuration does not manage; import it with `terraform import <address> {id}` or choose another alias"
    )]
    Exists {
        /// The alias.
        alias: String,
        /// Where the existing alias points.
        remote: String,
        /// The import id.
        id: String,
    },
}

/// Create's edit: add `entry` unless its alias exists.
pub fn add_entry(
    list: &mut RemoteResources,
    entry: RemoteResourceRef,
    import_id: &str,
) -> Result<crate::client::cloud::Changed, EditError> {
    if let Some(existing) = list.resources.iter().find(|r| r.alias == entry.alias) {
        return Err(EditError::Exists {
            alias: entry.alias.clone(),
            remote: existing.deployment_id.clone(),
            id: import_id.to_string(),
        });
    }
    Ok(list.upsert(entry))
}

/// The configured (or planned) values.
struct Target {
    deployment_id: String,
    ref_id: Option<String>,
    alias: String,
    remote_deployment_id: String,
    remote_ref_id: Option<String>,
    skip_unavailable: bool,
}

impl Target {
    fn from_value(v: &Value) -> Result<Target, Diagnostics> {
        let r = ObjectReader::root(v)?;
        let opt = |n: &str| known_opt_string(&r, n);
        Ok(Target {
            deployment_id: r.string("deployment_id")?,
            ref_id: opt("ref_id")?,
            alias: r.string("alias")?,
            remote_deployment_id: opt("remote_deployment_id")?.unwrap_or_default(),
            remote_ref_id: opt("remote_ref_id")?,
            skip_unavailable: if r.is_unknown("skip_unavailable") {
                false
            } else {
                r.opt_bool("skip_unavailable")?.unwrap_or(false)
            },
        })
    }

    fn entry(&self, remote_ref_id: String) -> RemoteResourceRef {
        RemoteResourceRef {
            deployment_id: self.remote_deployment_id.clone(),
            elasticsearch_ref_id: remote_ref_id,
            alias: self.alias.clone(),
            skip_unavailable: Some(self.skip_unavailable),
            ..Default::default()
        }
    }
}

fn diag(what: &str, e: &ClientError) -> Diagnostics {
    if let ClientError::Edit(inner) = e
        && let Some(EditError::Exists { .. }) = inner.downcast_ref::<EditError>()
    {
        return Diagnostic::attribute_error(
            AttributePath::attr_path("alias"),
            "Remote cluster alias already exists",
            inner.to_string(),
        )
        .into();
    }
    client_error(what, e)
}

/// The deployment read that finds a default ref_id: no plans needed.
fn ref_params() -> GetDeploymentParams {
    GetDeploymentParams {
        show_plans: Some(false),
        ..Default::default()
    }
}

/// The local ref_id: configured, or else the first Elasticsearch resource's; `Ok(None)` when
/// the deployment or resource is gone.
async fn local_ref(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
) -> Result<Option<String>, Diagnostics> {
    let (dep, r) = (&t.deployment_id, t.ref_id.as_deref());
    ref_or_first(cloud, ctx, dep, r, &ref_params()).await
}

/// `configured`, or the ref_id of deployment `deployment_id`'s first Elasticsearch resource;
/// `missing` (summary, detail) on the attribute `attr` when there is none.
async fn configured_or_default_ref(
    cloud: &CloudClient,
    ctx: &CallContext,
    configured: Option<&String>,
    deployment_id: &str,
    attr: &str,
    missing: (&str, String),
) -> Result<String, Diagnostics> {
    ref_or_first(
        cloud,
        ctx,
        deployment_id,
        configured.map(String::as_str),
        &ref_params(),
    )
    .await?
    .ok_or_else(|| {
        Diagnostic::attribute_error(AttributePath::attr_path(attr), missing.0, missing.1).into()
    })
}

/// The ref_ids (local, remote) to use, resolving defaults; clear errors when a deployment is
/// missing.
async fn resolve_refs(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
) -> Result<(String, String), Diagnostics> {
    let local = configured_or_default_ref(
        cloud,
        ctx,
        t.ref_id.as_ref(),
        &t.deployment_id,
        "deployment_id",
        (
            "Deployment not found",
            format!(
                "Deployment {} does not exist, has no Elasticsearch resource, or is not visible to the provider's Cloud API key.",
                t.deployment_id
            ),
        ),
    )
    .await?;
    let remote = configured_or_default_ref(
        cloud,
        ctx,
        t.remote_ref_id.as_ref(),
        &t.remote_deployment_id,
        "remote_deployment_id",
        (
            "Remote deployment not found",
            format!(
                "Deployment {} does not exist or is not in the organization of the provider's Cloud API key. The Cloud remote-clusters API links deployments of one organization only; for other remotes use crosscluster_remote_cluster.",
                t.remote_deployment_id
            ),
        ),
    )
    .await?;
    Ok((local, remote))
}

/// Reads the list and returns this alias's entry (`None`: alias or deployment gone).
async fn read_entry(
    cloud: &CloudClient,
    ctx: &CallContext,
    deployment_id: &str,
    ref_id: &str,
    alias: &str,
) -> Result<Option<RemoteResourceRef>, Diagnostics> {
    match cloud
        .get_remote_clusters(deployment_id, ref_id, &ctx.cancel)
        .await
    {
        Ok(list) => Ok(list.resources.into_iter().find(|r| r.alias == alias)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(diag(
            &format!("to read the remote clusters of deployment {deployment_id}"),
            &e,
        )),
    }
}

async fn state_after_write(
    cloud: &CloudClient,
    ctx: &CallContext,
    base: Value,
    t: &Target,
    ref_id: &str,
) -> Result<StateResponse, Diagnostics> {
    let entry = read_entry(cloud, ctx, &t.deployment_id, ref_id, &t.alias)
        .await?
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Remote cluster missing after write",
                format!(
                    "The remote clusters of deployment {} do not list alias {:?} right after it was written; it may have been removed concurrently.",
                    t.deployment_id, t.alias
                ),
            ))
        })?;
    Ok(StateResponse::new(state_of(
        base,
        &t.deployment_id,
        ref_id,
        &entry,
    )))
}

/// Create (`creating`: add the alias, refusing an existing one) and update (replace its
/// entry), then read back.
async fn write(
    ctx: &CallContext,
    planned: Value,
    creating: bool,
) -> Result<StateResponse, Diagnostics> {
    let t = Target::from_value(&planned)?;
    let data = configured(ctx)?;
    let cloud = data.cloud()?;
    let (ref_id, remote_ref) = resolve_refs(cloud, ctx, &t).await?;
    let import_id = format_alias_id(&t.deployment_id, &ref_id, &t.alias);
    let entry = t.entry(remote_ref);
    let what = if creating {
        format!(
            "to add remote cluster {:?} to deployment {}",
            t.alias, t.deployment_id
        )
    } else {
        format!(
            "to update remote cluster {:?} of deployment {}",
            t.alias, t.deployment_id
        )
    };
    cloud
        .update_remote_clusters(
            &t.deployment_id,
            &ref_id,
            |list| {
                if creating {
                    add_entry(list, entry.clone(), &import_id)
                } else {
                    Ok(list.upsert(entry.clone()))
                }
            },
            &ctx.cancel,
        )
        .await
        .map_err(|e| diag(&what, &e))?;
    state_after_write(cloud, ctx, planned, &t, &ref_id).await
}

#[async_trait]
impl Resource for DeploymentRemoteClusterResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        validate(config)
    }

    async fn modify_plan(
        &self,
        _ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        derive_plan(&req.prior_state, &req.config, &mut plan.planned_state);
        Diagnostics::new()
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        write(ctx, req.planned_state, true).await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let t = Target::from_value(&req.current_state)?;
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let Some(ref_id) = local_ref(cloud, ctx, &t).await? else {
            return Ok(StateResponse::gone());
        };
        match read_entry(cloud, ctx, &t.deployment_id, &ref_id, &t.alias).await? {
            None => Ok(StateResponse::gone()),
            Some(entry) => Ok(StateResponse::new(state_of(
                req.current_state,
                &t.deployment_id,
                &ref_id,
                &entry,
            ))
            .with_private(req.private)),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        write(ctx, req.planned_state, false).await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let t = Target::from_value(&req.prior_state)?;
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let Some(ref_id) = local_ref(cloud, ctx, &t).await? else {
            return Ok(());
        };
        match cloud
            .update_remote_clusters(
                &t.deployment_id,
                &ref_id,
                |list| Ok::<_, EditError>(list.remove(&t.alias)),
                &ctx.cancel,
            )
            .await
        {
            Ok(_) => Ok(()),
            // The deployment is gone, and its remote clusters with it.
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(diag(
                &format!(
                    "to remove remote cluster {:?} from deployment {}",
                    t.alias, t.deployment_id
                ),
                &e,
            )),
        }
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let state = DeploymentAliasId::parse_import(id, AliasRule::CloudRemoteClusters)?
            .import_state(schema().block.empty_value());
        Ok(StateResponse::new(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::cloud::{Changed, RemoteResourceInfo};

    const DEP: &str = "0123456789abcdef0123456789abcdef";
    const REM: &str = "fedcba9876543210fedcba9876543210";

    fn entry(alias: &str, dep: &str) -> RemoteResourceRef {
        RemoteResourceRef {
            deployment_id: dep.into(),
            elasticsearch_ref_id: "main-elasticsearch".into(),
            alias: alias.into(),
            skip_unavailable: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn ids_use_the_remote_clusters_alias_rule() {
        let id = format_alias_id(DEP, "main-elasticsearch", "Other_1");
        assert_eq!(parse_id(&id).unwrap().alias, "Other_1");
        assert!(matches!(
            parse_id(&format!("{DEP}/m/a.b")),
            Err(IdError::Alias(_))
        ));
    }

    #[test]
    fn create_edit_keeps_others_and_refuses_existing_alias() {
        let mut list = RemoteResources {
            resources: vec![entry("keep", REM)],
            ..Default::default()
        };
        let before = serde_json::to_value(&list.resources[0]).unwrap();
        assert_eq!(
            add_entry(&mut list, entry("mine", REM), "x").unwrap(),
            Changed::Yes
        );
        assert_eq!(list.resources.len(), 2);
        assert_eq!(serde_json::to_value(&list.resources[0]).unwrap(), before);
        let err = add_entry(&mut list, entry("keep", DEP), "dep/main/keep").unwrap_err();
        assert!(err.to_string().contains("dep/main/keep"), "{err}");
        assert_eq!(list.resources.len(), 2);
        assert_eq!(list.remove("mine"), Changed::Yes);
        assert_eq!(list.resources.len(), 1);
        assert_eq!(serde_json::to_value(&list.resources[0]).unwrap(), before);
    }

    #[test]
    fn state_maps_info() {
        let mut e = entry("r", REM);
        e.info = Some(RemoteResourceInfo {
            healthy: true,
            connected: false,
            compatible: true,
            trusted: true,
            trusted_back: false,
            ..Default::default()
        });
        let s = state_of(schema().block.empty_value(), DEP, "main-elasticsearch", &e);
        let get = |n: &str| s.get_attr(n).cloned().unwrap();
        assert_eq!(
            get("id"),
            Value::string(format!("{DEP}/main-elasticsearch/r"))
        );
        assert_eq!(get("remote_deployment_id"), Value::string(REM));
        assert_eq!(get("skip_unavailable"), Value::bool(true));
        assert_eq!(get("healthy"), Value::bool(true));
        assert_eq!(get("connected"), Value::bool(false));
        assert_eq!(get("trusted_back"), Value::bool(false));
        e.info = None;
        e.skip_unavailable = None;
        let s = state_of(schema().block.empty_value(), DEP, "m", &e);
        assert_eq!(s.get_attr("connected"), Some(&Value::Null));
        assert_eq!(s.get_attr("skip_unavailable"), Some(&Value::bool(false)));
    }

    #[test]
    fn validation() {
        let s = Value::string;
        let check = |pairs: &[(&str, Value)]| {
            let mut v = schema().block.empty_value();
            for (k, x) in pairs {
                v = set_attr(v, k, x.clone());
            }
            let mut d = Diagnostics::new();
            schema().block.validate(&v, &AttributePath::root(), &mut d);
            d.extend(validate(&v));
            d.iter()
                .map(|x| x.path.clone().map(|p| p.to_string()).unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert!(
            check(&[
                ("deployment_id", s(DEP)),
                ("alias", s("Ok-1")),
                ("remote_deployment_id", s(REM))
            ])
            .is_empty()
        );
        assert_eq!(
            check(&[
                ("deployment_id", s(DEP)),
                ("alias", s("a")),
                ("remote_deployment_id", s(DEP))
            ]),
            vec!["remote_deployment_id"]
        );
        assert_eq!(
            check(&[
                ("deployment_id", s("x")),
                ("alias", s("a:b")),
                ("remote_deployment_id", s("y"))
            ]),
            vec!["deployment_id", "alias", "remote_deployment_id"]
        );
    }

    #[test]
    fn plan_derivation() {
        let s = Value::string;
        let base = schema().block.empty_value();
        let prior = state_of(base.clone(), DEP, "main-elasticsearch", &entry("r", REM));
        let config = set_attr(
            set_attr(set_attr(base, "deployment_id", s(DEP)), "alias", s("r")),
            "remote_deployment_id",
            s(REM),
        );
        // Unchanged: id stays known.
        let mut planned = prior.clone();
        derive_plan(&prior, &config, &mut planned);
        assert_eq!(planned.get_attr("id"), prior.get_attr("id"));
        // Another remote deployment: its default ref_id is resolved again.
        let other = "00000000000000000000000000000001";
        let mut planned = set_attr(prior.clone(), "remote_deployment_id", s(other));
        derive_plan(&prior, &config, &mut planned);
        assert!(!planned.get_attr("remote_ref_id").unwrap().is_known());
        assert!(planned.get_attr("id").unwrap().is_known());
        // Create without ref_id: id unknown.
        let mut planned = set_attr(config.clone(), "ref_id", Value::unknown());
        derive_plan(&Value::Null, &config, &mut planned);
        assert!(!planned.get_attr("id").unwrap().is_known());
    }
}
