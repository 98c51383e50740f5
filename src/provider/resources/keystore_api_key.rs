//! `crosscluster_keystore_api_key`: one cross-cluster API key in a deployment's keystore, stored
//! as `cluster.remote.<alias>.credentials` through the Cloud keystore API (api-facts A.3).
//!
//! Every write is a `PATCH .../keystore` naming only that one key, so keys set by other tools or
//! by hand are never touched. The API never returns values, so the state keeps what the
//! configuration gave for `api_key` and nothing at all for the write-only `api_key_wo` (its
//! `api_key_wo_version` says when to write it again). With `reload = "auto"` a deployment below
//! 8.14, which does not reload its keystore by itself, gets its Elasticsearch resource restarted
//! after each write and the provider waits for that restart plan.

use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::client::Secret;
use crate::client::cloud::{
    Deployment, GetDeploymentParams, KeystoreContents, credentials_setting,
};
use crate::client::{CloudClient, Version};
use crate::framework::decode::{ObjectReader, set_attr};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::plan::values_equal;
use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, Timeouts, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{
    DeploymentAliasId, IdError, client_error, configured, deadline, find_es_resource,
    format_alias_id, hex32_validator, known_opt_string, plan_alias_id, plan_default_ref_id,
    ref_or_first, set_in_place,
};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_keystore_api_key";

/// How long a restart plan may take when `timeouts` does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The resource type.
pub struct KeystoreApiKeyResource;

/// What `reload` asks for after a keystore write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reload {
    /// Restart the Elasticsearch resource when it runs below 8.14.
    Auto,
    /// Never restart.
    None,
}

impl Reload {
    /// Parses the attribute value (null means the default, `auto`).
    pub fn parse(s: Option<&str>) -> Result<Reload, String> {
        match s {
            None | Some("auto") => Ok(Reload::Auto),
            Some("none") => Ok(Reload::None),
            Some(other) => Err(format!(
                "reload must be \"auto\" or \"none\", not {other:?}"
            )),
        }
    }
}

/// Whether a keystore write must be followed by a restart: `auto` on a deployment whose
/// Elasticsearch runs below 8.14 (8.14+ reloads the keystore itself). `Err` when `auto` cannot
/// decide because the version is unknown.
pub fn needs_restart(reload: Reload, version: Option<&str>) -> Result<bool, String> {
    if reload == Reload::None {
        return Ok(false);
    }
    match version.and_then(Version::parse) {
        Some(v) => Ok(!v.at_least(8, 14)),
        None => Err(format!(
            "the Elasticsearch version of the deployment is unknown ({}), so reload = \"auto\" cannot tell whether a restart is needed; none was done",
            version.unwrap_or("not reported")
        )),
    }
}

/// Parses `<deployment_id>/<ref_id>/<alias>` or `<deployment_id>/<alias>` with the keystore's
/// alias rule.
pub fn parse_id(id: &str) -> Result<DeploymentAliasId, IdError> {
    DeploymentAliasId::parse(id, AliasRule::Keystore)
}

/// The schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "Stores a cross-cluster API key in an Elastic Cloud deployment's keystore as \
                 `cluster.remote.<alias>.credentials`, for the **API-key** security model (the \
                 Cloud console's \"Add an API key\"). The key is the `encoded` value of a \
                 cross-cluster API key created on the remote cluster (for example by \
                 `crosscluster_api_key`); a `crosscluster_remote_cluster` with the same `alias` \
                 then connects with it on port 9443.\n\
                 \n\
                 Uses the provider's `cloud` connection (Elastic Cloud or ECE keystore API, `PATCH \
                 .../elasticsearch/<ref_id>/keystore`). Each write, and the removal on destroy, \
                 names only this one setting: every other keystore entry is left as it is. \
                 Self-managed clusters have no keystore API (their keystore is edited with \
                 `elasticsearch-keystore` on each node).\n\
                 \n\
                 **Keeping the key secret.** Give the key either as `api_key` (sensitive: hidden \
                 in the CLI output, but stored in the state) or, with Terraform 1.11 or later, as \
                 the write-only `api_key_wo` together with `api_key_wo_version`: the key then \
                 never enters the plan or the state, and it is written again whenever \
                 `api_key_wo_version` changes. Pass `api_key_wo` from an ephemeral source, such as \
                 a variable with `ephemeral = true` and no default, or an ephemeral resource: \
                 Terraform itself copies literal configuration values (variable defaults included) \
                 into a saved plan's `configuration` section, and the values of non-ephemeral \
                 variables into its `variables` section. A `crosscluster_api_key` with a \
                 `keystore` block (sealed delivery) writes the key itself and needs no keystore \
                 resource.\n\
                 \n\
                 **Reload (8.14).** Deployments on 8.14 or later reload the keystore by themselves \
                 and connect with the new key at once. Below 8.14, `reload = \"auto\"` (the \
                 default) restarts the Elasticsearch resource after each write and after the \
                 removal, and waits for the restart plan (see `timeouts`; default 20 minutes); \
                 with `reload = \"none\"` the key is used only after the next restart.\n\
                 \n\
                 Import with `terraform import crosscluster_keystore_api_key.example \
                 <deployment_id>/<ref_id>/<alias>` (or `<deployment_id>/<alias>` for the \
                 deployment's first Elasticsearch resource). The keystore API never returns \
                 values, so the imported state holds no key (nor `api_key_wo_version`) and the \
                 next apply writes the configured key again.",
            )
            .validator(Validator::exactly_one_of(["api_key", "api_key_wo"]))
            .attribute(
                Attribute::string("deployment_id")
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the local deployment (the full 32 lowercase hexadecimal characters) whose keystore receives the key: the deployment that connects to the remote."),
            )
            .attribute(
                Attribute::string("ref_id")
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(Validator::LengthBetween(1, 128))
                    .description("`ref_id` of the deployment's Elasticsearch resource, e.g. `main-elasticsearch`. Defaults to the deployment's first Elasticsearch resource."),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .requires_replace()
                    .validator(AliasRule::Keystore.validator())
                    .description("Remote cluster alias (lowercase letters, digits, `-` and `_`). It must be the `alias` of the `crosscluster_remote_cluster` that connects with this key (the settings `cluster.remote.<alias>.*`); the keystore setting is `cluster.remote.<alias>.credentials`."),
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .sensitive()
                    .validator(secret_validator())
                    .description("The cross-cluster API key's `encoded` value (sensitive: hidden in the CLI output, but stored in the state). Exactly one of `api_key` and `api_key_wo` must be set. A change writes the new key."),
            )
            .attribute(
                Attribute::string("api_key_wo")
                    .optional()
                    .sensitive()
                    .write_only()
                    .validator(secret_validator())
                    .description("Write-only form of `api_key`: sent to the keystore, never stored. Requires `api_key_wo_version`; the key is written on create and whenever `api_key_wo_version` changes. Pass it from an ephemeral variable (without a default) or an ephemeral resource, since Terraform records literal configuration values and non-ephemeral variables in saved plans."),
            )
            .attribute(
                Attribute::number("api_key_wo_version")
                    .optional()
                    .description("Version of the write-only `api_key_wo`, required with it. Change it (e.g. increment it) to write a new key; the provider cannot see `api_key_wo` itself between runs."),
            )
            .attribute(
                Attribute::string("reload")
                    .optional()
                    .computed()
                    .default_value(Value::string("auto"))
                    .validator(Validator::one_of(["auto", "none"]))
                    .description("What makes the running cluster load the key: `auto` restarts the Elasticsearch resource after each write (and after the removal) when the deployment runs below 8.14, which does not reload its keystore by itself, and waits for the restart plan; `none` never restarts (below 8.14 the key is then used only after the next restart). 8.14 and later reload the keystore at once either way."),
            )
            .attribute(
                Attribute::string("setting_name")
                    .computed()
                    .description("The keystore setting written: `cluster.remote.<alias>.credentials`."),
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("`<deployment_id>/<ref_id>/<alias>`."),
            )
            .block(Timeouts::block(&[
                TimeoutOp::Create,
                TimeoutOp::Update,
                TimeoutOp::Delete,
            ])),
    )
}

/// Validator for key values: non-empty, no whitespace; never echoes the value.
fn secret_validator() -> Validator {
    Validator::custom(
        |value: &Value, path: &AttributePath, diags: &mut Diagnostics| {
            if let Value::String(s) = value {
                if s.is_empty() {
                    diags.attribute_error(
                    path.clone(),
                    "Empty API key",
                    "The API key must not be empty: use the `encoded` value of a cross-cluster API key.",
                );
                } else if s.chars().any(char::is_whitespace) {
                    diags.attribute_error(
                    path.clone(),
                    "Invalid API key",
                    "The API key contains whitespace; use the `encoded` value of a cross-cluster API key exactly as Elasticsearch returned it (trim trailing newlines, e.g. with trimspace()).",
                );
                }
            }
        },
    )
}

/// The checks the schema validators cannot express: `api_key_wo_version` goes with `api_key_wo`.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let get = |n: &str| config.get_attr(n).cloned().unwrap_or(Value::Null);
    let wo = get("api_key_wo");
    let version = get("api_key_wo_version");
    if !wo.is_null() && version.is_null() {
        diags.attribute_error(
            AttributePath::attr_path("api_key_wo_version"),
            "Missing api_key_wo_version",
            "api_key_wo_version is required with api_key_wo: the provider cannot see a write-only value between runs, so it writes the key on create and whenever api_key_wo_version changes.",
        );
    }
    if wo.is_null() && !version.is_null() {
        diags.attribute_error(
            AttributePath::attr_path("api_key_wo_version"),
            "api_key_wo_version without api_key_wo",
            "api_key_wo_version only applies to the write-only api_key_wo; remove it, or use api_key_wo instead of api_key.",
        );
    }
    diags
}

/// Whether an update must write the key again: `api_key` or `api_key_wo_version` differs
/// between the prior state and the plan (a switch between the two forms changes both).
pub fn needs_rewrite(prior: &Value, planned: &Value) -> bool {
    ["api_key", "api_key_wo_version"].iter().any(|n| {
        let a = prior.get_attr(n).unwrap_or(&Value::Null);
        let b = planned.get_attr(n).unwrap_or(&Value::Null);
        !values_equal(a, b)
    })
}

/// Fills the plan's derived values: `setting_name` from `alias`, `id` when its parts are known;
/// `ref_id` (when not configured) is re-resolved when the deployment changes.
pub fn derive_plan(prior: &Value, config: &Value, planned: &mut Value) {
    if planned.is_null() {
        return;
    }
    plan_default_ref_id(prior, config, planned, "deployment_id", "ref_id");
    let setting = match planned.get_attr("alias").and_then(Value::as_str) {
        Some(a) => Value::string(credentials_setting(a)),
        None => Value::unknown(),
    };
    set_in_place(planned, "setting_name", setting);
    plan_alias_id(planned);
}

/// The state after a successful write or read: `base` (plan or prior state) with the resolved
/// `ref_id` and the derived attributes; `reload` defaults to `auto` (import).
pub fn finish_state(base: Value, ref_id: &str) -> Value {
    let mut v = set_attr(base, "ref_id", Value::string(ref_id));
    if v.get_attr("reload").is_none_or(Value::is_null) {
        v = set_attr(v, "reload", Value::string("auto"));
    }
    let empty = Value::Null;
    let mut out = v.clone();
    derive_plan(&empty, &empty, &mut out);
    out
}

/// What the key operations need from the configuration or state.
struct Target {
    deployment_id: String,
    ref_id: Option<String>,
    alias: String,
    reload: Reload,
}

impl Target {
    fn from_value(v: &Value) -> Result<Target, Diagnostics> {
        let r = ObjectReader::root(v)?;
        let ref_id = known_opt_string(&r, "ref_id")?;
        let reload_raw = r.opt_string("reload")?;
        let reload = Reload::parse(reload_raw.as_deref()).map_err(|e| {
            Diagnostics::from(Diagnostic::attribute_error(
                r.path_of("reload"),
                "Invalid reload",
                e,
            ))
        })?;
        Ok(Target {
            deployment_id: r.string("deployment_id")?,
            ref_id,
            alias: r.string("alias")?,
            reload,
        })
    }

    fn setting(&self) -> String {
        credentials_setting(&self.alias)
    }
}

/// The key value from the configuration: `api_key` or `api_key_wo`.
fn secret_from_config(config: &Value) -> Result<Secret, Diagnostics> {
    let r = ObjectReader::root(config)?;
    if let Some(k) = r.opt_string("api_key")? {
        return Ok(Secret::new(k));
    }
    if let Some(k) = r.opt_string("api_key_wo")? {
        return Ok(Secret::new(k));
    }
    Err(Diagnostic::error(
        "No API key",
        "Exactly one of api_key and api_key_wo must be set.",
    )
    .into())
}

fn deployment_params() -> GetDeploymentParams {
    GetDeploymentParams {
        show_plans: Some(true),
        ..Default::default()
    }
}

/// The deployment and the resolved ref_id and version of its Elasticsearch resource.
async fn locate(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
) -> Result<(Deployment, String, Option<String>), Diagnostics> {
    let dep = cloud
        .get_deployment(&t.deployment_id, &deployment_params(), &ctx.cancel)
        .await
        .map_err(|e| {
            if e.is_not_found() {
                Diagnostics::from(Diagnostic::attribute_error(
                    AttributePath::attr_path("deployment_id"),
                    "Deployment not found",
                    format!(
                        "Deployment {} does not exist or is not visible to the provider's Cloud API key ({e}).",
                        t.deployment_id
                    ),
                ))
            } else {
                client_error(&format!("to read deployment {}", t.deployment_id), &e)
            }
        })?;
    let view = dep.es_view(t.ref_id.as_deref()).map_err(|_| {
        Diagnostics::from(Diagnostic::attribute_error(
            AttributePath::attr_path("ref_id"),
            "Elasticsearch resource not found",
            format!(
                "Deployment {} has no Elasticsearch resource {}.",
                t.deployment_id,
                t.ref_id.as_deref().unwrap_or("(none at all)")
            ),
        ))
    })?;
    Ok((dep, view.ref_id, view.version))
}

/// Like [`locate`], but `None` when the deployment or its Elasticsearch resource is gone.
async fn resolve(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
) -> Result<Option<(String, Option<String>)>, Diagnostics> {
    let view = find_es_resource(
        cloud,
        ctx,
        &t.deployment_id,
        t.ref_id.as_deref(),
        &deployment_params(),
    )
    .await?;
    Ok(view.map(|v| (v.ref_id, v.version)))
}

/// The keystore of Elasticsearch `ref_id`; `None` when the deployment is gone.
async fn read_keystore(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    ref_id: &str,
) -> Result<Option<KeystoreContents>, Diagnostics> {
    match cloud
        .get_keystore(&t.deployment_id, ref_id, &ctx.cancel)
        .await
    {
        Ok(ks) => Ok(Some(ks)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(client_error("to read the keystore", &e)),
    }
}

/// Restarts the Elasticsearch resource when `reload` asks for it and waits for the plan.
/// Returns a warning when `auto` could not decide.
async fn reload_if_needed(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    ref_id: &str,
    version: Option<&str>,
    deadline: Instant,
) -> Result<Option<Diagnostic>, Diagnostics> {
    match needs_restart(t.reload, version) {
        Ok(false) => Ok(None),
        Err(msg) => Ok(Some(Diagnostic::warning("Keystore not reloaded", msg))),
        Ok(true) => {
            tracing::debug!(deployment_id = %t.deployment_id, ref_id, "restarting Elasticsearch to load the keystore");
            cloud
                .restart_elasticsearch(&t.deployment_id, ref_id, &ctx.cancel)
                .await
                .map_err(|e| {
                    client_error(
                        &format!(
                            "to restart Elasticsearch {ref_id} of deployment {} (needed below 8.14 to load the keystore; set reload = \"none\" to skip)",
                            t.deployment_id
                        ),
                        &e,
                    )
                })?;
            cloud
                .wait_for_plan(&t.deployment_id, ref_id, deadline, &ctx.cancel)
                .await
                .map_err(|e| {
                    client_error(
                        &format!(
                            "waiting for the restart of Elasticsearch {ref_id} of deployment {}",
                            t.deployment_id
                        ),
                        &e,
                    )
                })?;
            Ok(None)
        }
    }
}

/// Reads the keystore after a write and checks the key is there.
async fn confirm(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    ref_id: &str,
) -> Result<(), Diagnostics> {
    let ks = cloud
        .get_keystore(&t.deployment_id, ref_id, &ctx.cancel)
        .await
        .map_err(|e| client_error("to read the keystore back", &e))?;
    if ks.secrets.contains_key(&t.setting()) {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "Keystore key missing after write",
            format!(
                "The keystore of deployment {} ({ref_id}) does not list {} right after it was written; it may have been removed concurrently.",
                t.deployment_id,
                t.setting()
            ),
        )
        .into())
    }
}

/// Writes the key (create: only when absent) under the deployment's lock, then reloads.
/// Returns the resolved ref_id and warnings.
async fn write(
    cloud: &CloudClient,
    ctx: &CallContext,
    t: &Target,
    secret: Secret,
    creating: bool,
    deadline: Instant,
) -> Result<(String, Diagnostics), Diagnostics> {
    let _guard = cloud.locks().lock(&t.deployment_id).await;
    let (_, ref_id, version) = locate(cloud, ctx, t).await?;
    let setting = t.setting();
    if creating {
        let ks = cloud
            .get_keystore(&t.deployment_id, &ref_id, &ctx.cancel)
            .await
            .map_err(|e| client_error("to read the keystore", &e))?;
        if ks.secrets.contains_key(&setting) {
            return Err(Diagnostic::attribute_error(
                AttributePath::attr_path("alias"),
                "Keystore key already exists",
                format!(
                    "The keystore of deployment {} ({ref_id}) already holds {setting}, which this configuration does not manage. Import it with `terraform import <address> {}` to manage it (the next apply then writes the configured key), or choose another alias.",
                    t.deployment_id,
                    format_alias_id(&t.deployment_id, &ref_id, &t.alias)
                ),
            )
            .into());
        }
    }
    let written = async {
        cloud
            .set_keystore_secret(&t.deployment_id, &ref_id, &setting, secret, &ctx.cancel)
            .await
            .map_err(|e| client_error(&format!("to write {setting} to the keystore"), &e))?;
        let warnings = reload_if_needed(cloud, ctx, t, &ref_id, version.as_deref(), deadline)
            .await?
            .map(Diagnostics::from)
            .unwrap_or_default();
        confirm(cloud, ctx, t, &ref_id).await?;
        Ok::<_, Diagnostics>(warnings)
    }
    .await;
    match written {
        Ok(warnings) => Ok((ref_id, warnings)),
        Err(mut errs) if creating => {
            // Leave nothing behind that Terraform does not track: whatever failed after (or
            // during) the write, take the new key out again. A fresh token, so that a
            // StopProvider that cancelled the write does not also cancel the clean-up.
            let rollback = cloud
                .remove_keystore_secret(
                    &t.deployment_id,
                    &ref_id,
                    &setting,
                    &tokio_util::sync::CancellationToken::new(),
                )
                .await;
            let detail = match rollback {
                Ok(_) => format!("{setting} was removed again, so the next apply starts over."),
                Err(e) if e.is_not_found() => {
                    format!("{setting} is not in the keystore, so the next apply starts over.")
                }
                Err(e) => format!(
                    "{setting} could not be removed again ({e}); import it or remove it before the next apply."
                ),
            };
            errs.push(Diagnostic::error("Keystore key not kept", detail));
            Err(errs)
        }
        Err(errs) => Err(errs),
    }
}

#[async_trait]
impl Resource for KeystoreApiKeyResource {
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
        let t = Target::from_value(&req.planned_state)?;
        let secret = secret_from_config(&req.config)?;
        let deadline = deadline(&req.planned_state, TimeoutOp::Create, DEFAULT_TIMEOUT)?;
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let (ref_id, warnings) = write(cloud, ctx, &t, secret, true, deadline).await?;
        let mut resp = StateResponse::new(finish_state(req.planned_state, &ref_id));
        resp.diagnostics = warnings;
        Ok(resp)
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let t = Target::from_value(&req.current_state)?;
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let (dep, r) = (&t.deployment_id, t.ref_id.as_deref());
        let Some(ref_id) = ref_or_first(cloud, ctx, dep, r, &deployment_params()).await? else {
            return Ok(StateResponse::gone());
        };
        let Some(ks) = read_keystore(cloud, ctx, &t, &ref_id).await? else {
            tracing::debug!(deployment_id = %t.deployment_id, "deployment gone; keystore key gone");
            return Ok(StateResponse::gone());
        };
        if !ks.secrets.contains_key(&t.setting()) {
            return Ok(StateResponse::gone());
        }
        Ok(StateResponse::new(finish_state(req.current_state, &ref_id)).with_private(req.private))
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let t = Target::from_value(&req.planned_state)?;
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let mut warnings = Diagnostics::new();
        let ref_id = if needs_rewrite(&req.prior_state, &req.planned_state) {
            let secret = secret_from_config(&req.config)?;
            let deadline = deadline(&req.planned_state, TimeoutOp::Update, DEFAULT_TIMEOUT)?;
            let (r, w) = write(cloud, ctx, &t, secret, false, deadline).await?;
            warnings = w;
            r
        } else {
            let prior = Target::from_value(&req.prior_state)?;
            let r = prior.ref_id.or(t.ref_id.clone()).ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Unknown ref_id",
                    "The prior state has no ref_id; run terraform refresh first.",
                ))
            })?;
            confirm(cloud, ctx, &t, &r).await?;
            r
        };
        let mut resp = StateResponse::new(finish_state(req.planned_state, &ref_id));
        resp.diagnostics = warnings;
        Ok(resp)
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let t = Target::from_value(&req.prior_state)?;
        let deadline = deadline(&req.prior_state, TimeoutOp::Delete, DEFAULT_TIMEOUT)?;
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let _guard = cloud.locks().lock(&t.deployment_id).await;
        let Some((ref_id, version)) = resolve(cloud, ctx, &t).await? else {
            // A deployment (or resource) that is gone takes its keystore with it.
            return Ok(());
        };
        let setting = t.setting();
        let Some(ks) = read_keystore(cloud, ctx, &t, &ref_id).await? else {
            return Ok(());
        };
        if !ks.secrets.contains_key(&setting) {
            return Ok(());
        }
        match cloud
            .remove_keystore_secret(&t.deployment_id, &ref_id, &setting, &ctx.cancel)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                return Err(client_error(
                    &format!("to remove {setting} from the keystore"),
                    &e,
                ));
            }
        }
        reload_if_needed(cloud, ctx, &t, &ref_id, version.as_deref(), deadline).await?;
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let full = DeploymentAliasId::parse_import(id, AliasRule::Keystore)?
            .import_state(schema().block.empty_value());
        Ok(StateResponse::new(set_attr(
            full,
            "reload",
            Value::string("auto"),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::decode::number_value;

    const DEP: &str = "0123456789abcdef0123456789abcdef";

    fn obj(pairs: &[(&str, Value)]) -> Value {
        let mut v = schema().block.empty_value();
        for (k, x) in pairs {
            v = set_attr(v, k, x.clone());
        }
        v
    }

    #[test]
    fn restart_only_below_8_14_with_auto() {
        let cases = [
            (Reload::Auto, Some("8.12.2"), Ok(true)),
            (Reload::Auto, Some("8.13.4"), Ok(true)),
            (Reload::Auto, Some("7.17.0"), Ok(true)),
            (Reload::Auto, Some("8.14.0"), Ok(false)),
            (Reload::Auto, Some("9.1.0"), Ok(false)),
            (Reload::None, Some("8.12.2"), Ok(false)),
            (Reload::None, None, Ok(false)),
        ];
        for (reload, version, want) in cases {
            assert_eq!(
                needs_restart(reload, version),
                want,
                "{reload:?} {version:?}"
            );
        }
        assert!(needs_restart(Reload::Auto, None).is_err());
        assert!(needs_restart(Reload::Auto, Some("banana")).is_err());
        assert_eq!(Reload::parse(None), Ok(Reload::Auto));
        assert_eq!(Reload::parse(Some("none")), Ok(Reload::None));
        assert!(Reload::parse(Some("always")).is_err());
    }

    #[test]
    fn ids_use_the_keystore_alias_rule() {
        let id = format_alias_id(DEP, "main-elasticsearch", "remote_1");
        assert_eq!(parse_id(&id).unwrap().alias, "remote_1");
        assert!(matches!(
            parse_id(&format!("{DEP}/main/Bad")),
            Err(IdError::Alias(_))
        ));
    }

    #[test]
    fn validation_paths_and_secrecy() {
        let s = Value::string;
        let check = |v: &Value| -> Vec<(String, String)> {
            let mut d = Diagnostics::new();
            schema().block.validate(v, &AttributePath::root(), &mut d);
            d.extend(validate(v));
            d.iter()
                .map(|x| {
                    (
                        x.path.clone().map(|p| p.to_string()).unwrap_or_default(),
                        format!("{} {}", x.summary, x.detail),
                    )
                })
                .collect()
        };
        let base = [("deployment_id", s(DEP)), ("alias", s("r"))];
        // Neither form.
        let none = check(&obj(&base));
        assert_eq!(none.len(), 1, "{none:?}");
        // Both forms.
        let mut both = base.to_vec();
        both.extend([
            ("api_key", s("k1")),
            ("api_key_wo", s("k2")),
            ("api_key_wo_version", number_value(1)),
        ]);
        let got = check(&obj(&both));
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert!(
            paths.contains(&"api_key") && paths.contains(&"api_key_wo"),
            "{got:?}"
        );
        // Write-only without a version, version without write-only.
        let mut wo = base.to_vec();
        wo.push(("api_key_wo", s("secret-value-1")));
        let got = check(&obj(&wo));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "api_key_wo_version");
        let mut ver = base.to_vec();
        ver.extend([("api_key", s("k")), ("api_key_wo_version", number_value(2))]);
        let got = check(&obj(&ver));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "api_key_wo_version");
        // Bad values, and messages never echo the key.
        let bad = check(&obj(&[
            ("deployment_id", s("nope")),
            ("alias", s("Bad.Alias")),
            ("api_key", s("abc def-secret")),
            ("reload", s("always")),
        ]));
        let paths: Vec<&str> = bad.iter().map(|(p, _)| p.as_str()).collect();
        for p in ["deployment_id", "alias", "api_key", "reload"] {
            assert!(paths.contains(&p), "{p} missing in {bad:?}");
        }
        assert!(
            bad.iter().all(|(_, m)| !m.contains("def-secret")),
            "{bad:?}"
        );
        // Unknown key values (from another resource) pass.
        let mut unk = base.to_vec();
        unk.push(("api_key", Value::unknown()));
        assert!(check(&obj(&unk)).is_empty());
    }

    #[test]
    fn rewrite_decision() {
        let s = Value::string;
        let prior = obj(&[("api_key", s("a")), ("reload", s("auto"))]);
        assert!(!needs_rewrite(
            &prior,
            &obj(&[("api_key", s("a")), ("reload", s("none"))])
        ));
        assert!(needs_rewrite(&prior, &obj(&[("api_key", s("b"))])));
        // Switching to the write-only form.
        assert!(needs_rewrite(
            &prior,
            &obj(&[("api_key_wo_version", number_value(1))])
        ));
        let wo = obj(&[("api_key_wo_version", number_value(1))]);
        assert!(!needs_rewrite(&wo, &wo.clone()));
        assert!(needs_rewrite(
            &wo,
            &obj(&[("api_key_wo_version", number_value(2))])
        ));
        // Imported state has neither: the first apply writes.
        assert!(needs_rewrite(&obj(&[]), &obj(&[("api_key", s("a"))])));
    }

    #[test]
    fn plan_derives_setting_and_id() {
        let s = Value::string;
        let config = obj(&[("deployment_id", s(DEP)), ("alias", s("r"))]);
        // Create without ref_id: id unknown, setting known.
        let mut planned = set_attr(config.clone(), "ref_id", Value::unknown());
        derive_plan(&Value::Null, &config, &mut planned);
        assert_eq!(
            planned.get_attr("setting_name"),
            Some(&s("cluster.remote.r.credentials"))
        );
        assert!(!planned.get_attr("id").unwrap().is_known());
        // Update with a known ref_id: id known.
        let prior = finish_state(config.clone(), "main-elasticsearch");
        let mut planned = prior.clone();
        derive_plan(&prior, &config, &mut planned);
        assert_eq!(
            planned.get_attr("id"),
            Some(&Value::string(format!("{DEP}/main-elasticsearch/r")))
        );
        // Another deployment: ref_id resolved again.
        let other = "fedcba9876543210fedcba9876543210";
        let mut planned = set_attr(prior.clone(), "deployment_id", s(other));
        derive_plan(&prior, &config, &mut planned);
        assert!(!planned.get_attr("ref_id").unwrap().is_known());
        assert!(!planned.get_attr("id").unwrap().is_known());
        // Destroy stays null.
        let mut null = Value::Null;
        derive_plan(&prior, &Value::Null, &mut null);
        assert!(null.is_null());
        assert_eq!(prior.get_attr("reload"), Some(&s("auto")));
    }
}
