//! `crosscluster_api_key`: a cross-cluster API key on the *remote* cluster
//! (`POST/PUT /_security/cross_cluster/api_key`, api-facts.md B.1), with optional **sealed
//! delivery** into the local Cloud deployment's keystore (A.3).
//!
//! The file reads top to bottom: schema, the typed model, pure functions between the model,
//! Terraform values and the API bodies (unit-tested), then the resource implementation.
//!
//! Secrets: the created key's `encoded` and `api_key` exist only in memory. Without a
//! `keystore` block they go to the state (sensitive); with one they go straight into
//! `cluster.remote.<alias>.credentials` of that deployment and are dropped, so they never reach
//! the plan, the state or a log line.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::Value as Json;

use crate::client::cloud::{GetDeploymentParams, credentials_setting};
use crate::client::elasticsearch::{
    ApiKeyInfo, CreateCrossClusterApiKey, CrossClusterAccess, Feature, FieldSecurity,
    ReplicationAccess, SearchAccess, UpdateCrossClusterApiKey,
};
use crate::client::{ClientError, CloudClient, EsAuth, EsClient, Secret};
use crate::framework::decode::{ObjectReader, set_attr, string_list_value};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, Timeouts, UpdateRequest, cancelled, import_by_id,
};
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{
    api_error, canonical_json, configured, deadline, hex32_validator, is_empty_object, json_of,
    json_validator, known_opt_string, opt_json_attr, same_json,
};

/// The resource type name.
pub const TYPE_NAME: &str = "crosscluster_api_key";

/// How long a sealed delivery may wait for the restart plan of a pre-8.14 deployment.
const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The resource type.
pub struct ApiKeyResource;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

fn expiration_validator() -> Validator {
    Validator::custom(|v, path, diags| {
        if let Value::String(s) = v
            && let Err(e) = check_expiration(s)
        {
            diags.attribute_error(path.clone(), "Invalid expiration", e);
        }
    })
}

/// Checks an Elasticsearch time value such as `30d`, `12h`, `90m` (units d, h, m, s, ms,
/// micros, nanos; a positive whole number before the unit).
pub fn check_expiration(s: &str) -> Result<(), String> {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let (num, unit) = s.split_at(digits);
    let units = ["d", "h", "m", "s", "ms", "micros", "nanos"];
    if num.is_empty() || !units.contains(&unit) {
        return Err(format!(
            "{s:?} is not an Elasticsearch duration: use a whole number followed by a unit, e.g. \"30d\", \"12h\" or \"90m\" (units: d, h, m, s, ms)"
        ));
    }
    if num.trim_start_matches('0').is_empty() {
        return Err(format!("{s:?} must be longer than zero"));
    }
    Ok(())
}

/// Block validator of `access`: at least one `search` or `replication` entry (plan time,
/// with the path of the block).
fn access_not_empty() -> Validator {
    Validator::custom(|v, path, diags| {
        let Value::Object(fields) = v else { return };
        let count = |name: &str| match fields.get(name) {
            Some(Value::List(items) | Value::Set(items)) => Some(items.len()),
            Some(Value::Unknown(_)) => None,
            _ => Some(0),
        };
        if let (Some(0), Some(0)) = (count("search"), count("replication")) {
            diags.attribute_error(
                path.clone(),
                "Empty access",
                "access needs at least one search or replication block: Elasticsearch rejects a cross-cluster API key that grants nothing (\"must specify non-empty access for either [search] or [replication]\").",
            );
        }
        // Elasticsearch (8.14+) rejects document/field level security next to replication.
        if count("replication").is_some_and(|n| n > 0)
            && let Some(Value::List(items)) = fields.get("search")
        {
            for (i, item) in items.iter().enumerate() {
                for name in ["query", "field_security"] {
                    if item.get_attr(name).is_some_and(|v| !v.is_null()) {
                        diags.attribute_error(
                            path.clone().attr("search").index(i as i64).attr(name),
                            "Document or field level security with replication",
                            "Elasticsearch rejects query and field_security in search access when the key also has replication access (\"search does not support document or field level security if replication is assigned\"): use two keys, or drop one of them.",
                        );
                    }
                }
            }
        }
    })
}

fn string_list_attr(name: &str) -> Attribute {
    Attribute::list(name, crate::framework::value::Type::String)
}

/// The schema.
pub fn schema() -> Schema {
    let search = Block::new()
        .description("Indices of this cluster that the local cluster may search through the key (cross-cluster search).")
        .attribute(
            string_list_attr("names")
                .required()
                .description("Index names or patterns, e.g. `[\"logs-*\"]`."),
        )
        .attribute(
            Attribute::string("query")
                .optional()
                .validator(json_validator("query", true))
                .description("Document-level security: a query as a JSON string (`jsonencode({...})`). Not allowed together with `replication` access (Elasticsearch 8.14+ rejects it)."),
        )
        .attribute(
            Attribute::bool("allow_restricted_indices")
                .optional()
                .computed()
                .default_value(Value::Bool(false))
                .description("Whether the names may match restricted indices such as `.security`."),
        )
        .block(NestedBlock::single(
            "field_security",
            Block::new()
                .description("Field-level security. Not allowed together with `replication` access (Elasticsearch 8.14+ rejects it).")
                .attribute(string_list_attr("grant").optional().description("Fields to grant."))
                .attribute(string_list_attr("except").optional().description("Granted fields to hide again.")),
        ));
    let replication = Block::new()
        .description(
            "Indices of this cluster that the local cluster may follow through the key (cross-cluster replication).",
        )
        .attribute(
            string_list_attr("names")
                .required()
                .description("Index names or patterns, e.g. `[\"archive-*\"]`."),
        );
    let access = Block::new()
        .description("What the key grants the local cluster on this cluster: at least one `search` or `replication` block. Updated in place; read back, so a change made outside Terraform shows in the plan.")
        .validator(access_not_empty())
        .block(NestedBlock::list("search", search))
        .block(NestedBlock::list("replication", replication));
    let keystore = Block::new()
        .description("Sealed delivery: write the new key's encoded form straight into this Elastic Cloud deployment's keystore as `cluster.remote.<alias>.credentials`, through the `cloud` connection of the same provider block (its credentials must reach that deployment). The secret never reaches the plan, the state or a log; `encoded` and `api_key` stay null. A deployment below 8.14 is restarted so that it loads the key. Changing this block creates a new key.")
        .attribute(
            Attribute::string("deployment_id")
                .required()
                .validator(hex32_validator("deployment id"))
                .description("Id of the local deployment (the one that connects to this cluster): the full 32 lowercase hexadecimal characters."),
        )
        .attribute(
            Attribute::string("ref_id")
                .optional()
                .computed()
                .use_state_for_unknown()
                .description("`ref_id` of the deployment's Elasticsearch resource; default: its first one (e.g. `main-elasticsearch`)."),
        )
        .attribute(
            Attribute::string("alias")
                .required()
                .validator(AliasRule::Keystore.validator())
                .description("The remote cluster alias on the local deployment (lowercase letters, digits, `-` and `_`): the `alias` of its `crosscluster_remote_cluster`. The keystore setting is `cluster.remote.<alias>.credentials`."),
        );
    Schema::new(
        Block::new()
            .markdown_description(
                "A cross-cluster API key on the **remote** cluster, for the **API-key** security \
                 model (Elasticsearch 8.10+; on Elastic Cloud both deployments need 8.14+): the \
                 credential the local cluster connects with, bounded by `access` (which indices it \
                 may search or replicate).\n\
                 \n\
                 Uses the provider's `elasticsearch` connection, which must point at the remote \
                 cluster (usually an aliased provider block, `provider = crosscluster.remote`) and \
                 authenticate with a username and password or a bearer token: Elasticsearch \
                 refuses to create cross-cluster API keys for a caller that itself uses an API \
                 key. Create is `POST /_security/cross_cluster/api_key`; `access`, `metadata` and \
                 `expiration` change in place (`PUT /_security/cross_cluster/api_key/<id>`); \
                 destroy invalidates the key. Only this key is touched. `access` and `metadata` \
                 are read back, so a change made outside Terraform shows in the plan; a key \
                 invalidated or expired outside Terraform reads as gone and is created again.\n\
                 \n\
                 **The secret.** Without a `keystore` block, the new key's `encoded` value (what \
                 the local keystore needs) and its `api_key` are computed, sensitive attributes \
                 and are therefore stored in the state; pass `encoded` to a \
                 `crosscluster_keystore_api_key` on the local side.\n\
                 \n\
                 **Sealed delivery.** With a `keystore` block, the provider writes the new key \
                 straight into that Elastic Cloud deployment's keystore as \
                 `cluster.remote.<alias>.credentials` during the same create, through the `cloud` \
                 connection of **the same provider block**, which therefore needs credentials that \
                 reach the local deployment (e.g. the local organization's Cloud API key next to \
                 the remote cluster's `elasticsearch` connection). The secret never reaches the \
                 plan, the state or a log: `encoded` and `api_key` stay null, and no keystore \
                 resource is needed. A local deployment older than 8.14, which does not reload its \
                 keystore, is restarted and the create waits for the restart (see `timeouts`; \
                 default 20 minutes). Changing the `keystore` block creates a new key. Destroy \
                 invalidates the key but leaves the keystore entry in place (a newer key may \
                 already be there).\n\
                 \n\
                 **Rotation.** Replace the key, for example with `replace_triggered_by` on a \
                 rotating trigger, together with `lifecycle { create_before_destroy = true }`: the \
                 new key is created (and, with sealed delivery, written over the same keystore \
                 entry) before the old one is invalidated.\n\
                 \n\
                 Import with the key id: `terraform import crosscluster_api_key.example <key id>` \
                 (the `id` that `GET /_security/api_key` shows). The secret cannot be read back: \
                 `encoded`, `api_key`, `expiration` and `keystore` stay null after import, so a \
                 configuration with a `keystore` block plans a new, sealed key.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The key id (also the import id)."),
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(Validator::length_between(1, 1024))
                    .description("The key name. Elasticsearch cannot rename a key: a change creates a new key."),
            )
            .attribute(
                Attribute::string("expiration")
                    .optional()
                    .validator(expiration_validator())
                    .description("Lifetime from now, such as `30d` (units `d`, `h`, `m`, `s`, `ms`). Changed in place (the new lifetime counts from the update); removing it creates a new key. Default: never expires. An expired key reads as gone, so the next apply creates a new one."),
            )
            .attribute(
                Attribute::string("metadata")
                    .optional()
                    .validator(json_validator("metadata", true))
                    .description("Metadata as a JSON object string (`jsonencode({...})`); keys starting with `_` are reserved. Updated in place and read back; formatting differences are not changes."),
            )
            .attribute(
                Attribute::string("encoded")
                    .computed()
                    .sensitive()
                    .use_state_for_unknown()
                    .description("`base64(id:api_key)`, the value for `cluster.remote.<alias>.credentials` in the local keystore (e.g. `api_key` of `crosscluster_keystore_api_key`). Stored in the state; null with a `keystore` block (sealed delivery) and after import."),
            )
            .attribute(
                Attribute::string("api_key")
                    .computed()
                    .sensitive()
                    .use_state_for_unknown()
                    .description("The secret part of the key. Stored in the state; null with a `keystore` block (sealed delivery) and after import."),
            )
            .attribute(
                Attribute::string("expiration_timestamp")
                    .computed()
                    .description("When the key expires (RFC 3339, UTC); null when it never expires."),
            )
            .block(NestedBlock::single("access", access).min_items(1).max_items(1))
            .block(NestedBlock::single("keystore", keystore))
            .block(Timeouts::block(&[TimeoutOp::Create])),
    )
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/// Where a sealed key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreTarget {
    /// Local deployment id.
    pub deployment_id: String,
    /// Elasticsearch resource (`None`: the deployment's first).
    pub ref_id: Option<String>,
    /// Remote alias.
    pub alias: String,
}

/// The configured key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyModel {
    /// Name.
    pub name: String,
    /// Access.
    pub access: CrossClusterAccess,
    /// Expiration such as `30d`.
    pub expiration: Option<String>,
    /// Metadata object.
    pub metadata: Option<Json>,
    /// Sealed delivery target.
    pub keystore: Option<KeystoreTarget>,
}

fn opt_list(r: &ObjectReader<'_>, name: &str) -> Result<Option<Vec<String>>, Diagnostic> {
    if r.is_null(name) {
        Ok(None)
    } else {
        Ok(Some(r.string_list(name)?))
    }
}

/// The `access` block as the API body.
pub fn access_from_value(r: &ObjectReader<'_>) -> Result<CrossClusterAccess, Diagnostic> {
    let mut access = CrossClusterAccess::default();
    for s in r.blocks("search")? {
        let field_security = match s.opt_block("field_security")? {
            None => None,
            Some(fs) => Some(FieldSecurity {
                grant: opt_list(&fs, "grant")?,
                except: opt_list(&fs, "except")?,
            }),
        };
        access.search.push(SearchAccess {
            names: s.string_list("names")?,
            query: opt_json_attr(&s, "query")?,
            field_security,
            allow_restricted_indices: s.opt_bool("allow_restricted_indices")?,
        });
    }
    for rep in r.blocks("replication")? {
        access.replication.push(ReplicationAccess {
            names: rep.string_list("names")?,
            allow_restricted_indices: None,
        });
    }
    Ok(access)
}

impl KeyModel {
    /// Reads a planned (or prior) state.
    pub fn from_value(v: &Value) -> Result<KeyModel, Diagnostic> {
        let r = ObjectReader::root(v)?;
        let keystore = match r.opt_block("keystore")? {
            None => None,
            Some(k) => Some(KeystoreTarget {
                deployment_id: k.string("deployment_id")?,
                ref_id: known_opt_string(&k, "ref_id")?,
                alias: k.string("alias")?,
            }),
        };
        Ok(KeyModel {
            name: r.string("name")?,
            access: access_from_value(&r.block("access")?)?,
            expiration: r.opt_string("expiration")?,
            metadata: opt_json_attr(&r, "metadata")?,
            keystore,
        })
    }

    /// The create body.
    pub fn create_body(&self) -> CreateCrossClusterApiKey {
        CreateCrossClusterApiKey {
            name: self.name.clone(),
            access: self.access.clone(),
            expiration: self.expiration.clone(),
            metadata: self.metadata.clone(),
            certificate_identity: None,
        }
    }

    /// The update body from `prior` to `self`, or `None` when nothing the API stores changed.
    /// `expiration` is sent only when it changed (any expiration restarts the lifetime);
    /// `metadata` replaces the old one, so a removed metadata is sent as `{}`.
    pub fn update_body(&self, prior: &KeyModel) -> Option<UpdateCrossClusterApiKey> {
        let access_changed = !access_equal(&self.access, &prior.access);
        let metadata_changed = !json_opt_equal(self.metadata.as_ref(), prior.metadata.as_ref());
        let expiration_changed = self.expiration != prior.expiration;
        if !(access_changed || metadata_changed || expiration_changed) {
            return None;
        }
        Some(UpdateCrossClusterApiKey {
            access: self.access.clone(),
            expiration: if expiration_changed {
                self.expiration.clone()
            } else {
                None
            },
            metadata: Some(
                self.metadata
                    .clone()
                    .unwrap_or_else(|| Json::Object(Default::default())),
            ),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Pure functions: API answers to state
// ---------------------------------------------------------------------------------------------

fn json_opt_equal(a: Option<&Json>, b: Option<&Json>) -> bool {
    let norm = |v: Option<&Json>| v.map(json_of).filter(|j| !is_empty_object(j));
    norm(a) == norm(b)
}

fn access_equal(a: &CrossClusterAccess, b: &CrossClusterAccess) -> bool {
    let norm = |x: &CrossClusterAccess| {
        let mut x = x.clone();
        for s in &mut x.search {
            s.query = s.query.as_ref().map(json_of);
            s.allow_restricted_indices = Some(s.allow_restricted_indices.unwrap_or(false));
        }
        for r in &mut x.replication {
            r.allow_restricted_indices = None;
        }
        x
    };
    norm(a) == norm(b)
}

/// A JSON string attribute from an API value: the prior string when it means the same JSON
/// (so formatting is never drift), else the canonical text. An absent or empty object reads as
/// null when the prior was null.
pub fn json_attr(api: Option<&Json>, prior: &Value) -> Value {
    match api.map(json_of) {
        None if same_json(prior, &Json::Object(Default::default())) => prior.clone(),
        None => Value::Null,
        Some(a) if is_empty_object(&a) && prior.is_null() => Value::Null,
        Some(a) if same_json(prior, &a) => prior.clone(),
        Some(a) => Value::String(canonical_json(&a)),
    }
}

fn list_or_null(api: Option<&Vec<String>>, prior: &Value) -> Value {
    match api {
        None => Value::Null,
        Some(v) if v.is_empty() && prior.is_null() => Value::Null,
        Some(v) => string_list_value(v.iter().cloned()),
    }
}

fn nth(list: &Value, i: usize) -> &Value {
    static NULL: Value = Value::Null;
    list.elements().and_then(|e| e.get(i)).unwrap_or(&NULL)
}

fn attr<'a>(obj: &'a Value, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    obj.get_attr(name).unwrap_or(&NULL)
}

/// The `access` block value from the API's `access`, keeping the prior block's spelling of
/// equivalent JSON queries and its nulls where the API fills defaults.
pub fn access_to_value(api: &CrossClusterAccess, prior: &Value) -> Value {
    let prior_search = attr(prior, "search");
    let search = api
        .search
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = nth(prior_search, i);
            let fs = match &s.field_security {
                None => Value::Null,
                Some(fs) => {
                    let pfs = attr(p, "field_security");
                    Value::object([
                        ("grant", list_or_null(fs.grant.as_ref(), attr(pfs, "grant"))),
                        (
                            "except",
                            list_or_null(fs.except.as_ref(), attr(pfs, "except")),
                        ),
                    ])
                }
            };
            Value::object([
                ("names", string_list_value(s.names.iter().cloned())),
                ("query", json_attr(s.query.as_ref(), attr(p, "query"))),
                (
                    "allow_restricted_indices",
                    Value::Bool(s.allow_restricted_indices.unwrap_or(false)),
                ),
                ("field_security", fs),
            ])
        })
        .collect::<Vec<_>>();
    let replication = api
        .replication
        .iter()
        .map(|r| Value::object([("names", string_list_value(r.names.iter().cloned()))]))
        .collect::<Vec<_>>();
    Value::object([
        ("search", Value::List(search)),
        ("replication", Value::List(replication)),
    ])
}

/// Epoch milliseconds as RFC 3339 UTC.
pub fn rfc3339_ms(ms: i64) -> Value {
    let nanos = i128::from(ms) * 1_000_000;
    match time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }) {
        Some(s) => Value::String(s),
        None => Value::Null,
    }
}

/// The state after a read: the API's view of `name`, `access`, `metadata` and the expiration
/// time over `prior` (which keeps what the API cannot return: `expiration`, `keystore`,
/// `encoded`, `api_key`, `timeouts`).
pub fn state_from_api(key: &ApiKeyInfo, prior: &Value) -> Value {
    let access = key.access.clone().unwrap_or_default();
    let mut state = prior.clone();
    state = set_attr(state, "id", Value::String(key.id.clone()));
    state = set_attr(state, "name", Value::String(key.name.clone()));
    state = set_attr(
        state,
        "access",
        access_to_value(&access, attr(prior, "access")),
    );
    state = set_attr(
        state,
        "metadata",
        json_attr(key.metadata.as_ref(), attr(prior, "metadata")),
    );
    state = set_attr(
        state,
        "expiration_timestamp",
        key.expiration.map_or(Value::Null, rfc3339_ms),
    );
    state
}

/// Whether the connection authenticates with an API key.
fn uses_api_key(auth: Option<&EsAuth>) -> bool {
    matches!(auth, Some(EsAuth::ApiKey(_)))
}

/// The diagnostic of a failed create: the version gate names the version; an API-key-
/// authenticated connection gets Elasticsearch's reason plus the hint to use a user or token.
pub fn create_error(err: &ClientError, api_key_auth: bool) -> Diagnostic {
    if let ClientError::VersionGate { .. } = err {
        return Diagnostic::attribute_error(
            AttributePath::root().attr("access"),
            "Cross-cluster API keys not supported by this cluster",
            format!(
                "{err}. Upgrade the remote cluster, or use the certificate model (crosscluster_trusted_environment) for older versions."
            ),
        );
    }
    let reason = err.es_reason().unwrap_or_default();
    if api_key_auth || reason.contains("authentication via API key not supported") {
        return Diagnostic::error(
            "Cannot create a cross-cluster API key with API key authentication",
            format!(
                "Elasticsearch refused: {err}\n\nElasticsearch does not let an API key create or update cross-cluster API keys. Configure this provider's elasticsearch connection for the remote cluster with username and password (basic) or bearer_token credentials of a user with the manage_security privilege."
            ),
        );
    }
    api_error("to create the cross-cluster API key", err)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether a deployment running `version` needs a restart to load a new keystore entry
/// ([`super::reload::needs_restart`]). An unknown version is assumed recent.
pub fn needs_restart(version: Option<&str>) -> bool {
    super::reload::needs_restart(version).unwrap_or(false)
}

// ---------------------------------------------------------------------------------------------
// Sealed delivery
// ---------------------------------------------------------------------------------------------

/// A resolved keystore destination.
struct Delivery {
    deployment_id: String,
    ref_id: String,
    setting: String,
    restart: bool,
}

async fn resolve_delivery(
    cloud: &CloudClient,
    target: &KeystoreTarget,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<Delivery, Diagnostic> {
    let params = GetDeploymentParams {
        show_plans: Some(true),
        ..Default::default()
    };
    let dep = cloud
        .get_deployment(&target.deployment_id, &params, cancel)
        .await
        .map_err(|e| {
            api_error(
                &format!(
                    "to read deployment {} for the keystore (sealed delivery; the provider's cloud connection must see that deployment)",
                    target.deployment_id
                ),
                &e,
            )
            .with_path(AttributePath::root().attr("keystore").attr("deployment_id"))
        })?;
    let view = dep.es_view(target.ref_id.as_deref()).map_err(|e| {
        Diagnostic::attribute_error(
            AttributePath::root().attr("keystore").attr("ref_id"),
            "Elasticsearch resource not found",
            e.to_string(),
        )
    })?;
    Ok(Delivery {
        deployment_id: target.deployment_id.clone(),
        ref_id: view.ref_id,
        setting: credentials_setting(&target.alias),
        restart: needs_restart(view.version.as_deref()),
    })
}

async fn deliver(
    cloud: &CloudClient,
    d: &Delivery,
    encoded: Secret,
    deadline: Instant,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<(), Diagnostic> {
    cloud
        .set_keystore_secret(&d.deployment_id, &d.ref_id, &d.setting, encoded, cancel)
        .await
        .map_err(|e| {
            api_error(
                &format!(
                    "to write {} to the keystore of deployment {}",
                    d.setting, d.deployment_id
                ),
                &e,
            )
        })?;
    tracing::info!(
        deployment_id = %d.deployment_id,
        ref_id = %d.ref_id,
        setting = %d.setting,
        "cross-cluster API key written to the keystore"
    );
    if d.restart {
        let _guard = cloud.locks().lock(&d.deployment_id).await;
        cloud
            .restart_elasticsearch(&d.deployment_id, &d.ref_id, cancel)
            .await
            .map_err(|e| {
                api_error(
                    &format!(
                        "to restart deployment {} so it loads the keystore (it runs a version before 8.14)",
                        d.deployment_id
                    ),
                    &e,
                )
            })?;
        cloud
            .wait_for_plan(&d.deployment_id, &d.ref_id, deadline, cancel)
            .await
            .map_err(|e| {
                api_error(
                    &format!("waiting for the restart of deployment {}", d.deployment_id),
                    &e,
                )
            })?;
    }
    Ok(())
}

async fn invalidate(
    es: &EsClient,
    id: &str,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<(), String> {
    match es.invalidate_api_keys(&[id.to_string()], cancel).await {
        Ok(r) if r.error_count == 0 => Ok(()),
        Ok(r) => Err(format!(
            "Elasticsearch reported {} error(s) invalidating key {id}: {}",
            r.error_count,
            r.error_details
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Err(e) => Err(e.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// The resource
// ---------------------------------------------------------------------------------------------

fn keystore_identity(v: &Value) -> Option<(Value, Value, Value)> {
    let k = v.get_attr("keystore")?;
    if k.is_null() {
        return None;
    }
    Some((
        attr(k, "deployment_id").clone(),
        attr(k, "ref_id").clone(),
        attr(k, "alias").clone(),
    ))
}

impl ApiKeyResource {
    async fn read_key(
        &self,
        es: &EsClient,
        id: &str,
        cancel: &tokio_util::sync::CancellationToken,
    ) -> Result<Option<ApiKeyInfo>, Diagnostics> {
        let key = es
            .get_api_key(id, false, cancel)
            .await
            .map_err(|e| api_error(&format!("to read API key {id}"), &e))?;
        match key {
            None => Ok(None),
            Some(k) if k.is_gone(now_ms()) => Ok(None),
            Some(k) if k.key_type.as_deref().is_some_and(|t| t != "cross_cluster") => {
                Err(Diagnostic::error(
                    "Not a cross-cluster API key",
                    format!(
                        "API key {id} is of type {:?}; crosscluster_api_key manages cross-cluster keys only.",
                        k.key_type.unwrap_or_default()
                    ),
                )
                .into())
            }
            Some(k) => Ok(Some(k)),
        }
    }

    /// The state after a write: read back, or (when the read fails) the planned values with a
    /// warning.
    async fn state_after_write(
        &self,
        es: &EsClient,
        id: &str,
        planned: Value,
        cancel: &tokio_util::sync::CancellationToken,
    ) -> Result<StateResponse, Diagnostics> {
        match self.read_key(es, id, cancel).await {
            Ok(Some(k)) => Ok(StateResponse::new(state_from_api(&k, &planned))),
            Ok(None) => Err(Diagnostic::error(
                "API key vanished",
                format!("API key {id} was written but cannot be read back (invalidated or expired at once?)."),
            )
            .into()),
            Err(d) => {
                let mut state = planned;
                if matches!(state.get_attr("expiration_timestamp"), Some(Value::Unknown(_))) {
                    state = set_attr(state, "expiration_timestamp", Value::Null);
                }
                let mut resp = StateResponse::new(state);
                for diag in d {
                    resp = resp.with_warning(Diagnostic::warning(
                        "API key written but not read back",
                        diag.to_string(),
                    ));
                }
                Ok(resp)
            }
        }
    }
}

#[async_trait]
impl Resource for ApiKeyResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
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
        let mut diags = Diagnostics::new();
        if plan.planned_state.is_null() {
            return diags;
        }
        let creating = req.prior_state.is_null();
        let sealed = req
            .config
            .get_attr("keystore")
            .is_some_and(|k| !k.is_null());
        if sealed {
            // Sealed delivery: the secret is never part of the plan or the state.
            let p = std::mem::replace(&mut plan.planned_state, Value::Null);
            let p = set_attr(p, "encoded", Value::Null);
            plan.planned_state = set_attr(p, "api_key", Value::Null);
        }
        if !creating {
            let prior = &req.prior_state;
            if keystore_identity(prior) != keystore_identity(&plan.planned_state)
                && !(matches!(
                    keystore_identity(&plan.planned_state),
                    Some((_, Value::Unknown(_), _))
                ) && keystore_identity(prior).map(|(d, _, a)| (d, a))
                    == keystore_identity(&plan.planned_state).map(|(d, _, a)| (d, a)))
            {
                plan.requires_replace
                    .push(AttributePath::root().attr("keystore"));
            }
            let prior_exp = attr(prior, "expiration");
            let plan_exp = attr(&plan.planned_state, "expiration").clone();
            if !prior_exp.is_null() && plan_exp.is_null() {
                plan.requires_replace
                    .push(AttributePath::root().attr("expiration"));
            }
            if &plan_exp == prior_exp {
                let ts = attr(prior, "expiration_timestamp").clone();
                let p = std::mem::replace(&mut plan.planned_state, Value::Null);
                plan.planned_state = set_attr(p, "expiration_timestamp", ts);
            }
        } else if let Ok(data) = configured(ctx) {
            // Plan-time checks that need the connections (skipped while unconfigured).
            if let Ok(es) = data.elasticsearch()
                && let Err(e @ ClientError::VersionGate { .. }) =
                    es.require(Feature::CrossClusterApiKeys, &ctx.cancel).await
            {
                diags.push(create_error(&e, false));
            }
            if sealed && let Err(d) = data.cloud() {
                diags.push(Diagnostic::attribute_error(
                    AttributePath::root().attr("keystore"),
                    "Sealed delivery needs the cloud connection",
                    format!("{} The keystore block writes the key through the cloud connection of the same provider instance as the elasticsearch connection.", d.detail),
                ));
            }
        }
        diags
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let model = KeyModel::from_value(&req.planned_state)?;
        let deadline = deadline(
            &req.planned_state,
            TimeoutOp::Create,
            DEFAULT_CREATE_TIMEOUT,
        )?;
        // Resolve the keystore destination before a key exists, so a wrong deployment fails
        // without leaving a key behind.
        let delivery = match &model.keystore {
            None => None,
            Some(target) => {
                let cloud = data.cloud()?;
                Some((cloud, resolve_delivery(cloud, target, &ctx.cancel).await?))
            }
        };
        if ctx.is_cancelled() {
            return Err(cancelled().into());
        }
        let api_key_auth = uses_api_key(data.settings.elasticsearch.as_ref().map(|e| &e.auth));
        let created = es
            .create_cross_cluster_api_key(&model.create_body(), &ctx.cancel)
            .await
            .map_err(|e| Diagnostics::from(create_error(&e, api_key_auth)))?;
        tracing::info!(key_id = %created.id, name = %model.name, "created cross-cluster API key");
        let mut planned = req.planned_state.clone();
        planned = set_attr(planned, "id", Value::String(created.id.clone()));
        match delivery {
            Some((cloud, d)) => {
                if let Err(diag) = deliver(cloud, &d, created.encoded, deadline, &ctx.cancel).await
                {
                    // Nothing may dangle: the key that could not be delivered is invalidated.
                    let cleanup = match invalidate(es, &created.id, &ctx.cancel).await {
                        Ok(()) => format!("The new key {} was invalidated again.", created.id),
                        Err(e) => format!(
                            "Invalidating the new key {} failed as well ({e}); invalidate it by hand.",
                            created.id
                        ),
                    };
                    return Err(Diagnostic::error(
                        diag.summary.clone(),
                        format!("{}\n\n{cleanup}", diag.detail),
                    )
                    .into());
                }
                planned = set_attr(planned, "encoded", Value::Null);
                planned = set_attr(planned, "api_key", Value::Null);
                if let Some(k) = planned.get_attr("keystore").cloned() {
                    let k = set_attr(k, "ref_id", Value::String(d.ref_id.clone()));
                    planned = set_attr(planned, "keystore", k);
                }
            }
            None => {
                planned = set_attr(
                    planned,
                    "encoded",
                    Value::String(created.encoded.expose().to_string()),
                );
                planned = set_attr(
                    planned,
                    "api_key",
                    Value::String(created.api_key.expose().to_string()),
                );
            }
        }
        self.state_after_write(es, &created.id, planned, &ctx.cancel)
            .await
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let id = ObjectReader::root(&req.current_state)?.string("id")?;
        match self.read_key(es, &id, &ctx.cancel).await? {
            None => {
                tracing::info!(key_id = %id, "cross-cluster API key is gone (missing, invalidated or expired)");
                Ok(StateResponse::gone())
            }
            Some(k) => Ok(StateResponse::new(state_from_api(&k, &req.current_state))
                .with_private(req.private)),
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let model = KeyModel::from_value(&req.planned_state)?;
        let prior = KeyModel::from_value(&req.prior_state)?;
        let id = ObjectReader::root(&req.prior_state)?.string("id")?;
        if let Some(body) = model.update_body(&prior) {
            let api_key_auth = uses_api_key(data.settings.elasticsearch.as_ref().map(|e| &e.auth));
            es.update_cross_cluster_api_key(&id, &body, &ctx.cancel)
                .await
                .map_err(|e| {
                    let d = create_error(&e, api_key_auth);
                    if d.summary.starts_with("Failed") {
                        Diagnostics::from(api_error(
                            &format!("to update cross-cluster API key {id}"),
                            &e,
                        ))
                    } else {
                        Diagnostics::from(d)
                    }
                })?;
            tracing::info!(key_id = %id, "updated cross-cluster API key");
        }
        let planned = set_attr(req.planned_state, "id", Value::String(id.clone()));
        self.state_after_write(es, &id, planned, &ctx.cancel).await
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let id = ObjectReader::root(&req.prior_state)?.string("id")?;
        invalidate(es, &id, &ctx.cancel).await.map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Failed to invalidate the cross-cluster API key",
                e,
            ))
        })?;
        tracing::info!(key_id = %id, "invalidated cross-cluster API key");
        Ok(())
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        if id.trim().is_empty() || id.contains('/') {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("{id:?} is not an API key id: import with the key's id as GET /_security/api_key shows it."),
            )
            .into());
        }
        Ok(StateResponse::new(import_by_id(&schema(), "id", id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::decode::opt_string_value;
    use serde_json::json;

    fn block_value(search: Vec<Value>, replication: Vec<Value>) -> Value {
        Value::object([
            ("search", Value::List(search)),
            ("replication", Value::List(replication)),
        ])
    }

    fn search_value(names: &[&str], query: Option<&str>) -> Value {
        Value::object([
            ("names", string_list_value(names.iter().copied())),
            ("query", opt_string_value(query)),
            ("allow_restricted_indices", Value::Bool(false)),
            ("field_security", Value::Null),
        ])
    }

    #[test]
    fn expiration_values() {
        for (s, ok) in [
            ("30d", true),
            ("12h", true),
            ("90m", true),
            ("1ms", true),
            ("0d", false),
            ("d", false),
            ("30", false),
            ("30days", false),
            ("1.5h", false),
            ("-1d", false),
        ] {
            assert_eq!(check_expiration(s).is_ok(), ok, "{s}");
        }
    }

    #[test]
    fn json_attr_keeps_prior_spelling_and_maps_empty() {
        let cases: Vec<(Option<Json>, Value, Value)> = vec![
            // same JSON, other spelling: keep the prior text
            (
                Some(json!({"b": 1, "a": [1, 2]})),
                Value::String("{ \"a\": [1,2], \"b\": 1 }".into()),
                Value::String("{ \"a\": [1,2], \"b\": 1 }".into()),
            ),
            // changed: canonical text (sorted keys)
            (
                Some(json!({"b": 2, "a": 1})),
                Value::String("{\"a\":1}".into()),
                Value::String("{\"a\":1,\"b\":2}".into()),
            ),
            // empty object and no prior: null
            (Some(json!({})), Value::Null, Value::Null),
            (None, Value::Null, Value::Null),
            // prior "{}" and nothing from the API: keep
            (None, Value::String("{}".into()), Value::String("{}".into())),
            // query given as a JSON string by the API
            (
                Some(json!("{\"match_all\":{}}")),
                Value::String("{\"match_all\": {}}".into()),
                Value::String("{\"match_all\": {}}".into()),
            ),
            // appeared outside Terraform
            (
                Some(json!({"team": "x"})),
                Value::Null,
                Value::String("{\"team\":\"x\"}".into()),
            ),
        ];
        for (api, prior, want) in cases {
            assert_eq!(json_attr(api.as_ref(), &prior), want, "{api:?} {prior:?}");
        }
    }

    #[test]
    fn access_round_trip_through_values() {
        let prior = block_value(
            vec![search_value(&["logs-*"], Some("{\"term\": {\"a\": 1}}"))],
            vec![],
        );
        let api = CrossClusterAccess {
            search: vec![SearchAccess {
                names: vec!["logs-*".into()],
                query: Some(json!({"term": {"a": 1}})),
                field_security: None,
                allow_restricted_indices: Some(false),
            }],
            replication: vec![ReplicationAccess {
                names: vec!["archive-*".into()],
                allow_restricted_indices: Some(false),
            }],
        };
        let v = access_to_value(&api, &prior);
        let search = v.get_attr("search").and_then(Value::elements).unwrap();
        assert_eq!(search.len(), 1);
        assert_eq!(
            search[0].get_attr("query").and_then(Value::as_str),
            Some("{\"term\": {\"a\": 1}}")
        );
        let rep = v.get_attr("replication").and_then(Value::elements).unwrap();
        assert_eq!(rep.len(), 1);
        // and back to the API body
        let back = access_from_value(&ObjectReader::root(&v).unwrap()).unwrap();
        assert!(access_equal(&back, &api));
        assert_eq!(back.search[0].query, Some(json!({"term": {"a": 1}})));
    }

    #[test]
    fn field_security_nulls_survive() {
        let mut prior_s = search_value(&["a"], None);
        prior_s = set_attr(
            prior_s,
            "field_security",
            Value::object([
                ("grant", string_list_value(["f1"])),
                ("except", Value::Null),
            ]),
        );
        let prior = block_value(vec![prior_s], vec![]);
        let api = CrossClusterAccess {
            search: vec![SearchAccess {
                names: vec!["a".into()],
                query: None,
                field_security: Some(FieldSecurity {
                    grant: Some(vec!["f1".into()]),
                    except: Some(vec![]),
                }),
                allow_restricted_indices: None,
            }],
            replication: vec![],
        };
        let v = access_to_value(&api, &prior);
        let fs = v.get_attr("search").and_then(Value::elements).unwrap()[0]
            .get_attr("field_security")
            .cloned()
            .unwrap();
        assert_eq!(fs.get_attr("except"), Some(&Value::Null));
        assert_eq!(fs.get_attr("grant"), Some(&string_list_value(["f1"])));
    }

    fn model(access: CrossClusterAccess, exp: Option<&str>, meta: Option<Json>) -> KeyModel {
        KeyModel {
            name: "k".into(),
            access,
            expiration: exp.map(str::to_string),
            metadata: meta,
            keystore: None,
        }
    }

    #[test]
    fn update_body_sends_only_what_changed() {
        let a = CrossClusterAccess {
            search: vec![SearchAccess {
                names: vec!["a".into()],
                ..Default::default()
            }],
            replication: vec![],
        };
        let mut b = a.clone();
        b.search[0].names.push("b".into());
        let base = model(a.clone(), Some("30d"), Some(json!({"x": 1})));
        // nothing changed
        assert!(base.update_body(&base).is_none());
        // access changed: expiration not resent, metadata always sent
        let body = model(b.clone(), Some("30d"), Some(json!({"x": 1})))
            .update_body(&base)
            .unwrap();
        assert_eq!(body.access, b);
        assert_eq!(body.expiration, None);
        assert_eq!(body.metadata, Some(json!({"x": 1})));
        // expiration changed
        let body = model(a.clone(), Some("60d"), Some(json!({"x": 1})))
            .update_body(&base)
            .unwrap();
        assert_eq!(body.expiration.as_deref(), Some("60d"));
        // metadata removed: sent as {}
        let body = model(a.clone(), Some("30d"), None)
            .update_body(&base)
            .unwrap();
        assert_eq!(body.metadata, Some(json!({})));
        // allow_restricted_indices false vs unset is no change
        let mut c = a.clone();
        c.search[0].allow_restricted_indices = Some(false);
        assert!(
            model(c, Some("30d"), Some(json!({"x": 1})))
                .update_body(&base)
                .is_none()
        );
    }

    #[test]
    fn restart_only_before_8_14() {
        for (v, want) in [
            (Some("8.13.4"), true),
            (Some("8.12.2"), true),
            (Some("8.14.0"), false),
            (Some("9.1.0"), false),
            (None, false),
        ] {
            assert_eq!(needs_restart(v), want, "{v:?}");
        }
    }

    #[test]
    fn create_errors_explain() {
        let gate = ClientError::VersionGate {
            feature: "cross-cluster API keys".into(),
            required: "8.10.0".into(),
            actual: "7.5.2".into(),
        };
        let d = create_error(&gate, false);
        assert!(
            d.detail.contains("8.10.0") && d.detail.contains("7.5.2"),
            "{d}"
        );
        let refused = ClientError::Elasticsearch {
            method: "POST".into(),
            path: "/_security/cross_cluster/api_key".into(),
            status: 400,
            cause: Some(Box::new(crate::client::error::EsErrorCause {
                error_type: "illegal_argument_exception".into(),
                reason: "authentication via API key not supported: An API key cannot be used to create a cross-cluster API key".into(),
                ..Default::default()
            })),
        };
        for auth in [true, false] {
            let d = create_error(&refused, auth);
            assert!(
                d.detail
                    .contains("authentication via API key not supported")
            );
            assert!(d.detail.contains("bearer_token"), "{d}");
        }
    }

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(
            rfc3339_ms(1_548_551_550_158).as_str(),
            Some("2019-01-27T01:12:30.158Z")
        );
    }

    fn first_path(diags: &Diagnostics) -> Option<String> {
        diags.iter().next()?.path.as_ref().map(|p| p.to_string())
    }

    #[test]
    fn access_validator_reports_path() {
        let block = schema().block;
        let nb = block.get_block("access").unwrap();
        let mut diags = Diagnostics::new();
        nb.block.validate(
            &block_value(vec![], vec![]),
            &AttributePath::root().attr("access"),
            &mut diags,
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(first_path(&diags).as_deref(), Some("access"));
        let mut diags = Diagnostics::new();
        nb.block.validate(
            &block_value(
                vec![],
                vec![Value::object([("names", string_list_value(["a"]))])],
            ),
            &AttributePath::root().attr("access"),
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags}");
        let mut diags = Diagnostics::new();
        nb.block.validate(
            &block_value(
                vec![search_value(&["a"], Some("{}"))],
                vec![Value::object([("names", string_list_value(["b"]))])],
            ),
            &AttributePath::root().attr("access"),
            &mut diags,
        );
        assert_eq!(diags.len(), 1, "{diags}");
        assert_eq!(
            first_path(&diags).as_deref(),
            Some("access.search[0].query")
        );
    }
}
