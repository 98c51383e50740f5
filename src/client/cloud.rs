//! Elastic Cloud (ESS) and Elastic Cloud Enterprise API client.
//!
//! Paths are those of api-facts.md A.0-A.6, under `<endpoint>/api/v1`. Trust has no endpoint of
//! its own: it is changed through a full deployment update, which
//! [`CloudClient::update_elasticsearch_settings`] performs as a read-modify-write that only
//! touches one Elasticsearch resource's settings and retries on version conflicts.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex as StdMutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::sync::{Mutex, OwnedMutexGuard};
use tokio_util::sync::CancellationToken;

use super::error::parse_cloud_errors;
use super::{
    ClientError, HttpSettings, Req, Resp, Result, Secret, Transport, auth_header, basic_auth,
    parse_base, seg,
};

/// Credentials for the Cloud API.
#[derive(Clone)]
pub enum CloudAuth {
    /// `Authorization: ApiKey <key>` (ESS, ECE).
    ApiKey(Secret),
    /// HTTP basic auth (ECE users).
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
}

impl std::fmt::Debug for CloudAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloudAuth::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            CloudAuth::Basic { username, .. } => {
                write!(
                    f,
                    "Basic {{ username: {username:?}, password: <redacted> }}"
                )
            }
        }
    }
}

/// Configuration of a [`CloudClient`].
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// API endpoint, e.g. `https://api.elastic-cloud.com` (a trailing `/api/v1` is accepted).
    pub endpoint: String,
    /// Credentials.
    pub auth: CloudAuth,
    /// Transport settings.
    pub http: HttpSettings,
    /// Delay between two polls of a pending plan.
    pub plan_poll_interval: Duration,
    /// How many polls in a row must show no pending plan before a wait ends (>= 1).
    pub plan_settle_polls: u32,
    /// Read-modify-write attempts of a deployment update before giving up on conflicts.
    pub update_attempts: u32,
}

impl CloudConfig {
    /// A configuration with default transport and plan-wait settings.
    pub fn new(endpoint: impl Into<String>, auth: CloudAuth) -> Self {
        CloudConfig {
            endpoint: endpoint.into(),
            auth,
            http: HttpSettings::default(),
            plan_poll_interval: Duration::from_secs(2),
            plan_settle_polls: 2,
            update_attempts: 5,
        }
    }
}

/// Elasticsearch endpoint host → version of every deployment this process read through the
/// Cloud API, so that a remote-cluster alias dialling that host can check compatibility (the
/// Cloud API has no lookup by endpoint in the operations the provider uses).
fn endpoint_versions() -> &'static StdMutex<HashMap<String, String>> {
    static KNOWN: OnceLock<StdMutex<HashMap<String, String>>> = OnceLock::new();
    KNOWN.get_or_init(|| StdMutex::new(HashMap::new()))
}

/// Records the endpoint and version of each Elasticsearch resource of a deployment body.
pub fn remember_endpoints(deployment: &Value) {
    let Some(list) = deployment
        .pointer("/resources/elasticsearch")
        .and_then(Value::as_array)
    else {
        return;
    };
    let mut map = match endpoint_versions().lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    for r in list {
        if let (Some(ep), Some(v)) = (
            r.pointer("/info/metadata/endpoint").and_then(Value::as_str),
            r.pointer("/info/plan_info/current/plan/elasticsearch/version")
                .and_then(Value::as_str),
        ) {
            map.insert(ep.to_ascii_lowercase(), v.to_string());
        }
    }
}

/// The version of the deployment whose endpoint is `host`, if this process has read it.
pub fn known_endpoint_version(host: &str) -> Option<String> {
    let map = match endpoint_versions().lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.get(&host.to_ascii_lowercase()).cloned()
}

/// Per-deployment mutexes, so that read-modify-writes of one deployment inside one process queue.
#[derive(Debug, Clone, Default)]
pub struct DeploymentLocks {
    inner: Arc<StdMutex<HashMap<String, Arc<Mutex<()>>>>>,
}

impl DeploymentLocks {
    /// An empty lock table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wait for and take the lock of `deployment_id`.
    pub async fn lock(&self, deployment_id: &str) -> OwnedMutexGuard<()> {
        let m = {
            let mut map = match self.inner.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            map.entry(deployment_id.to_string())
                .or_insert_with(|| Arc::new(Mutex::new(())))
                .clone()
        };
        m.lock_owned().await
    }
}

/// Query flags of `GET /deployments/{id}` (A.1). `None` leaves the server default.
#[derive(Debug, Clone, Default)]
pub struct GetDeploymentParams {
    /// `show_settings` (needed to see trust).
    pub show_settings: Option<bool>,
    /// `show_plans` (server default true).
    pub show_plans: Option<bool>,
    /// `show_plan_logs`.
    pub show_plan_logs: Option<bool>,
    /// `show_plan_history`.
    pub show_plan_history: Option<bool>,
    /// `show_metadata`.
    pub show_metadata: Option<bool>,
    /// `show_plan_defaults`.
    pub show_plan_defaults: Option<bool>,
    /// `clear_transient`.
    pub clear_transient: Option<bool>,
    /// `enrich_with_template`.
    pub enrich_with_template: Option<bool>,
    /// `show_instance_configurations`.
    pub show_instance_configurations: Option<bool>,
}

impl GetDeploymentParams {
    /// What a data source needs: settings and metadata (endpoint, ports), current plan.
    pub fn for_read() -> Self {
        GetDeploymentParams {
            show_settings: Some(true),
            show_plans: Some(true),
            show_metadata: Some(true),
            ..Default::default()
        }
    }

    /// What an update needs (A.2.2).
    pub fn for_update() -> Self {
        GetDeploymentParams {
            show_settings: Some(true),
            show_plans: Some(true),
            clear_transient: Some(true),
            ..Default::default()
        }
    }

    fn apply(&self, mut req: Req) -> Req {
        let flags = [
            ("show_settings", self.show_settings),
            ("show_plans", self.show_plans),
            ("show_plan_logs", self.show_plan_logs),
            ("show_plan_history", self.show_plan_history),
            ("show_metadata", self.show_metadata),
            ("show_plan_defaults", self.show_plan_defaults),
            ("clear_transient", self.clear_transient),
            ("enrich_with_template", self.enrich_with_template),
            (
                "show_instance_configurations",
                self.show_instance_configurations,
            ),
        ];
        for (k, v) in flags {
            if let Some(v) = v {
                req = req.query(k, v);
            }
        }
        req
    }
}

/// A deployment as returned by `GET /deployments/{id}`, with its resource version.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The full response body.
    pub raw: Value,
    /// `x-cloud-resource-version` header, for optimistic concurrency.
    pub version: Option<String>,
}

/// The fields of one Elasticsearch resource that callers commonly need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EsResourceView {
    /// `ref_id`, e.g. `main-elasticsearch`.
    pub ref_id: String,
    /// Elasticsearch cluster id (used in `trust_allowlist`).
    pub cluster_id: String,
    /// Region.
    pub region: String,
    /// Stack version of the current plan, when known.
    pub version: Option<String>,
    /// `info.metadata.endpoint` (the proxy `server_name`).
    pub endpoint: Option<String>,
    /// `info.metadata.service_url`.
    pub service_url: Option<String>,
    /// `info.metadata.cloud_id`.
    pub cloud_id: Option<String>,
    /// `info.metadata.ports.transport_passthrough` (9400).
    pub transport_passthrough_port: Option<u64>,
    /// `info.metadata.ports.https`.
    pub https_port: Option<u64>,
    /// `info.settings.metadata.organization_id` (needs `show_settings`).
    pub organization_id: Option<String>,
    /// `info.status`.
    pub status: Option<String>,
    /// `info.settings.trust` (needs `show_settings`).
    pub trust: Option<TrustSettings>,
}

fn s(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr).and_then(Value::as_str).map(str::to_string)
}

impl Deployment {
    /// Deployment id.
    pub fn id(&self) -> &str {
        self.raw.get("id").and_then(Value::as_str).unwrap_or("")
    }

    /// Deployment name.
    pub fn name(&self) -> &str {
        self.raw.get("name").and_then(Value::as_str).unwrap_or("")
    }

    /// The raw Elasticsearch resource with `ref_id`; `None` or `"_main"` means the first one.
    pub fn es_resource(&self, ref_id: Option<&str>) -> Option<&Value> {
        find_es_resource(&self.raw, ref_id)
    }

    /// `ref_id` of the first Elasticsearch resource.
    pub fn main_ref_id(&self) -> Option<&str> {
        self.es_resource(None)
            .and_then(|r| r.get("ref_id"))
            .and_then(Value::as_str)
    }

    /// Typed view of the Elasticsearch resource with `ref_id` (`None`: the first one).
    pub fn es_view(&self, ref_id: Option<&str>) -> Result<EsResourceView> {
        let r = self.es_resource(ref_id).ok_or_else(|| {
            ClientError::Unexpected(format!(
                "deployment {} has no Elasticsearch resource {}",
                self.id(),
                ref_id.unwrap_or("(any)")
            ))
        })?;
        es_view_of(r)
    }
}

/// Build the typed view of a raw `ElasticsearchResourceInfo`.
pub fn es_view_of(r: &Value) -> Result<EsResourceView> {
    let trust = match r.pointer("/info/settings/trust") {
        Some(t) if !t.is_null() => Some(
            serde_json::from_value::<TrustSettings>(t.clone())
                .map_err(|e| ClientError::Unexpected(format!("cannot read trust settings: {e}")))?,
        ),
        _ => None,
    };
    Ok(EsResourceView {
        ref_id: s(r, "/ref_id").unwrap_or_default(),
        cluster_id: s(r, "/info/cluster_id")
            .or_else(|| s(r, "/id"))
            .unwrap_or_default(),
        region: s(r, "/region")
            .or_else(|| s(r, "/info/region"))
            .unwrap_or_default(),
        version: s(r, "/info/plan_info/current/plan/elasticsearch/version"),
        endpoint: s(r, "/info/metadata/endpoint"),
        service_url: s(r, "/info/metadata/service_url"),
        cloud_id: s(r, "/info/metadata/cloud_id"),
        transport_passthrough_port: r
            .pointer("/info/metadata/ports/transport_passthrough")
            .and_then(Value::as_u64),
        https_port: r
            .pointer("/info/metadata/ports/https")
            .and_then(Value::as_u64),
        organization_id: s(r, "/info/settings/metadata/organization_id"),
        status: s(r, "/info/status"),
        trust,
    })
}

fn find_es_resource<'a>(deployment: &'a Value, ref_id: Option<&str>) -> Option<&'a Value> {
    let list = deployment.pointer("/resources/elasticsearch")?.as_array()?;
    match ref_id {
        None | Some("") | Some("_main") => list.first(),
        Some(want) => list
            .iter()
            .find(|r| r.get("ref_id").and_then(Value::as_str) == Some(want)),
    }
}

/// Whether an edit changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// Something changed: send the update.
    Yes,
    /// Nothing to do: no update is sent.
    No,
}

impl From<bool> for Changed {
    fn from(b: bool) -> Self {
        if b { Changed::Yes } else { Changed::No }
    }
}

/// What [`CloudClient::update_elasticsearch_settings`] did.
#[derive(Debug, Clone)]
pub struct UpdateOutcome {
    /// Whether an update was sent and accepted.
    pub changed: bool,
    /// Read-modify-write attempts used (1 without conflicts).
    pub attempts: u32,
    /// The `DeploymentUpdateResponse`, when an update was sent.
    pub response: Option<Value>,
    /// The `ref_id` the edit was applied to (resolved from `_main`).
    pub ref_id: String,
}

/// Build the full `DeploymentUpdateRequest` of A.2.2 from a `GET /deployments/{id}` body read with
/// `show_settings`, `show_plans` and `clear_transient`.
///
/// `{name, alias?, prune_orphans: false, resources: {elasticsearch: [{ref_id, region,
/// display_name?, plan: <current plan without transient>, settings: <settings without
/// metadata>}]}}`. Other resource kinds are left out: with `prune_orphans: false` they are kept
/// unchanged. Every Elasticsearch resource is sent (with its current plan), since the update
/// replaces the list.
pub fn build_update_payload(get: &Value) -> Result<Value> {
    let mut es_list = Vec::new();
    let resources = get
        .pointer("/resources/elasticsearch")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ClientError::Unexpected("deployment has no resources.elasticsearch".into())
        })?;
    for r in resources {
        let ref_id = r.get("ref_id").and_then(Value::as_str).ok_or_else(|| {
            ClientError::Unexpected("Elasticsearch resource without ref_id".into())
        })?;
        let region = r
            .get("region")
            .or_else(|| r.pointer("/info/region"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ClientError::Unexpected(format!("Elasticsearch resource {ref_id} has no region"))
            })?;
        let mut plan = r
            .pointer("/info/plan_info/current/plan")
            .filter(|p| p.is_object())
            .cloned()
            .ok_or_else(|| {
                ClientError::Unexpected(format!(
                    "Elasticsearch resource {ref_id} has no current plan (read with show_plans=true; a deployment whose first plan never succeeded cannot be updated)"
                ))
            })?;
        if let Some(p) = plan.as_object_mut() {
            p.remove("transient");
        }
        let mut settings = r
            .pointer("/info/settings")
            .filter(|v| v.is_object())
            .cloned()
            .unwrap_or_else(|| json!({}));
        let organization_id = settings
            .pointer("/metadata/organization_id")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(o) = settings.as_object_mut() {
            o.remove("metadata");
            match o.get_mut("trust") {
                Some(t) if t.is_object() => sanitize_trust(t),
                // No trust object (or `null`): the deployment's own organization is what is in
                // effect. An edit of the trust lists then starts from that default, so that
                // adding or removing one entry never drops it (the update replaces the whole
                // trust object).
                _ => {
                    if let Some(org) = &organization_id {
                        o.insert("trust".into(), default_trust(org));
                    } else {
                        o.remove("trust");
                    }
                }
            }
        }
        let mut entry = Map::new();
        entry.insert("ref_id".into(), json!(ref_id));
        entry.insert("region".into(), json!(region));
        if let Some(dn) = r.pointer("/info/cluster_name").and_then(Value::as_str) {
            entry.insert("display_name".into(), json!(dn));
        }
        entry.insert("plan".into(), plan);
        entry.insert("settings".into(), settings);
        es_list.push(Value::Object(entry));
    }
    let mut out = Map::new();
    if let Some(name) = get.get("name").and_then(Value::as_str) {
        out.insert("name".into(), json!(name));
    }
    if let Some(alias) = get.get("alias").and_then(Value::as_str) {
        out.insert("alias".into(), json!(alias));
    }
    out.insert("prune_orphans".into(), json!(false));
    out.insert("resources".into(), json!({ "elasticsearch": es_list }));
    Ok(Value::Object(out))
}

/// The `settings` object of the Elasticsearch entry `ref_id` of an update payload.
pub fn payload_es_settings_mut<'a>(payload: &'a mut Value, ref_id: &str) -> Option<&'a mut Value> {
    payload
        .pointer_mut("/resources/elasticsearch")?
        .as_array_mut()?
        .iter_mut()
        .find(|e| e.get("ref_id").and_then(Value::as_str) == Some(ref_id))?
        .get_mut("settings")
}

// ---------------------------------------------------------------------------------------------
// Trust model (A.2.3), for reading; unknown fields are kept in `extra` maps. Edits work on the
// raw settings JSON given by `CloudClient::update_elasticsearch_settings`: nothing is lost.
// ---------------------------------------------------------------------------------------------

/// Reads `null` as the type's default (an empty list or map), as a missing field already is:
/// real Elastic Cloud sends `null` for empty lists (`trust.direct`, `trust.external`,
/// `trust_allowlist`, ...), which `#[serde(default)]` alone rejects.
pub fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The name Elastic Cloud gives the default trust entry of a deployment's own organization.
pub const DEFAULT_TRUST_NAME: &str = "Default trust for own organization";

/// The trust in effect on a deployment whose settings hold no `trust` object: its own
/// organization, every cluster (the entry real Cloud shows once trust is edited).
pub fn default_trust(organization_id: &str) -> Value {
    json!({
        "accounts": [{"account_id": organization_id, "trust_all": true, "name": DEFAULT_TRUST_NAME}],
        "direct": [],
        "external": []
    })
}

/// Makes a `settings.trust` object read from Cloud fit the update contract: `null` lists become
/// `[]`, a `null` `trust_allowlist` is left out (empty either way) and `null` `certificates`
/// become `[]`. Nothing else is touched.
pub fn sanitize_trust(trust: &mut Value) {
    let Some(o) = trust.as_object_mut() else {
        return;
    };
    for list in ["accounts", "direct", "external"] {
        match o.get_mut(list) {
            Some(v) if v.is_null() => *v = json!([]),
            Some(Value::Array(items)) => {
                for e in items.iter_mut().filter_map(Value::as_object_mut) {
                    if e.get("trust_allowlist").is_some_and(Value::is_null) {
                        e.remove("trust_allowlist");
                    }
                    if let Some(c) = e.get_mut("certificates")
                        && c.is_null()
                    {
                        *c = json!([]);
                    }
                    for k in ["additional_node_names"] {
                        if e.get(k).is_some_and(Value::is_null) {
                            e.remove(k);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// `ElasticsearchClusterTrustSettings`: the three trust lists of one Elasticsearch resource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrustSettings {
    /// Trust with organizations (ESS) / accounts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub accounts: Vec<AccountTrust>,
    /// Trust with external (environment-level) trust relationships.
    #[serde(default, deserialize_with = "null_as_default")]
    pub external: Vec<ExternalTrust>,
    /// Trust with a CA certificate given inline.
    #[serde(default, deserialize_with = "null_as_default")]
    pub direct: Vec<DirectTrust>,
    /// Fields this client does not know, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `AccountTrustRelationship`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AccountTrust {
    /// Account / organization id.
    pub account_id: String,
    /// Trust every cluster of the account.
    #[serde(default)]
    pub trust_all: bool,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Trusted cluster ids (when `trust_all` is false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_allowlist: Option<Vec<String>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ExternalTrustRelationship`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ExternalTrust {
    /// Id of the trust relationship.
    pub trust_relationship_id: String,
    /// Trust every cluster of the environment.
    #[serde(default)]
    pub trust_all: bool,
    /// Name (read-only in practice: ignored on write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Trusted cluster ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_allowlist: Option<Vec<String>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `DirectTrustRelationship`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DirectTrust {
    /// Server-generated id; send it back to update in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Name (required).
    #[serde(default)]
    pub name: String,
    /// `ECE`, `ESS`, `generic` (default) or `proxy`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Trust every cluster of the scope.
    #[serde(default)]
    pub trust_all: bool,
    /// Trusted cluster ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_allowlist: Option<Vec<String>>,
    /// Scope (org or environment id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_id: Option<String>,
    /// Extra trusted node names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_node_names: Option<Vec<String>>,
    /// CA certificates.
    #[serde(default, deserialize_with = "null_as_default")]
    pub certificates: Vec<TrustedCertificate>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `TrustedCertificate`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrustedCertificate {
    /// PEM CA certificate.
    pub pem: String,
    /// Read-only metadata (fingerprint, validity), kept as it came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// ---------------------------------------------------------------------------------------------
// Plans (A.2.4)
// ---------------------------------------------------------------------------------------------

/// State of an Elasticsearch resource's plan, read from a deployment GET with plans and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanState {
    /// A plan is pending; the last step seen (`step_id`), if any.
    Pending(Option<String>),
    /// No plan is pending and the current plan did not fail.
    Done,
    /// No plan is pending and the current plan failed with this message.
    Failed(String),
}

/// Read the plan state of the Elasticsearch resource `ref_id` (`None`: the first).
pub fn plan_state(deployment: &Value, ref_id: Option<&str>) -> Option<PlanState> {
    let r = find_es_resource(deployment, ref_id)?;
    let info = r.pointer("/info/plan_info")?;
    if let Some(pending) = info.get("pending").filter(|p| !p.is_null()) {
        let step = pending
            .get("plan_attempt_log")
            .and_then(Value::as_array)
            .and_then(|l| l.last())
            .and_then(|s| s.get("step_id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        return Some(PlanState::Pending(step));
    }
    let current = match info.get("current").filter(|c| !c.is_null()) {
        Some(c) => c,
        None => return Some(PlanState::Done),
    };
    Some(match attempt_failure(current) {
        Some(msg) => PlanState::Failed(msg),
        None => PlanState::Done,
    })
}

/// The failure message of a finished plan attempt, if it failed.
fn attempt_failure(attempt: &Value) -> Option<String> {
    let log = attempt
        .get("plan_attempt_log")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let completed = log
        .iter()
        .rev()
        .find(|s| s.get("step_id").and_then(Value::as_str) == Some("plan-completed"));
    let completed_error = completed
        .map(|s| s.get("status").and_then(Value::as_str) == Some("error"))
        .unwrap_or(false);
    let error_msg = attempt
        .pointer("/error/message")
        .and_then(Value::as_str)
        .map(str::to_string);
    if !completed_error && error_msg.is_none() {
        return None;
    }
    // Prefer the message of the last step that failed (other than plan-completed itself).
    let failing_step = log.iter().rev().find(|s| {
        s.get("status").and_then(Value::as_str) == Some("error")
            && s.get("step_id").and_then(Value::as_str) != Some("plan-completed")
    });
    let step_msg = |s: &Value| -> Option<String> {
        let id = s.get("step_id").and_then(Value::as_str).unwrap_or("?");
        let msg = s
            .get("info_log")
            .and_then(Value::as_array)
            .and_then(|l| l.last())
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)?;
        Some(format!("[{id}] {msg}"))
    };
    failing_step
        .and_then(step_msg)
        .or(error_msg)
        .or_else(|| completed.and_then(step_msg))
        .or_else(|| Some("plan failed (no message)".to_string()))
}

// ---------------------------------------------------------------------------------------------
// Keystore (A.3), remote clusters (A.4), organizations (A.5)
// ---------------------------------------------------------------------------------------------

/// `KeystoreContents` as read back: names and metadata only, never values.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct KeystoreContents {
    /// Keystore entries by setting name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub secrets: BTreeMap<String, KeystoreEntry>,
}

/// Metadata of one keystore entry.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct KeystoreEntry {
    /// Whether the value is stored as a file.
    #[serde(default)]
    pub as_file: Option<bool>,
}

/// One change of a keystore PATCH.
#[derive(Clone)]
pub enum KeystoreChange {
    /// Set the entry to this string value.
    Set {
        /// The value (kept out of logs and Debug output).
        value: Secret,
        /// Store as a file.
        as_file: bool,
    },
    /// Remove the entry.
    Remove,
}

impl std::fmt::Debug for KeystoreChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeystoreChange::Set { as_file, .. } => {
                write!(f, "Set {{ value: <redacted>, as_file: {as_file} }}")
            }
            KeystoreChange::Remove => f.write_str("Remove"),
        }
    }
}

/// Build a keystore PATCH body. Removal is an entry without `value` (`{"as_file": false}`),
/// which the API documents as removing the key and which, unlike `null`, fits the contract.
pub fn keystore_patch_body(changes: &BTreeMap<String, KeystoreChange>) -> Value {
    let mut secrets = Map::new();
    for (name, change) in changes {
        let v = match change {
            KeystoreChange::Set { value, as_file } => {
                json!({ "value": value.expose(), "as_file": as_file })
            }
            KeystoreChange::Remove => json!({ "as_file": false }),
        };
        secrets.insert(name.clone(), v);
    }
    json!({ "secrets": secrets })
}

/// The keystore setting name holding the credentials of remote `alias`.
pub fn credentials_setting(alias: &str) -> String {
    format!("cluster.remote.{alias}.credentials")
}

/// `RemoteResources`: the Cloud-managed remote clusters of one Elasticsearch resource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RemoteResources {
    /// The remote clusters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resources: Vec<RemoteResourceRef>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `RemoteResourceRef`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RemoteResourceRef {
    /// Remote deployment id.
    pub deployment_id: String,
    /// Remote Elasticsearch ref_id.
    pub elasticsearch_ref_id: String,
    /// Alias.
    pub alias: String,
    /// Skip the remote when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_unavailable: Option<bool>,
    /// Read-only status (never sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<RemoteResourceInfo>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `RemoteResourceInfo` (read-only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RemoteResourceInfo {
    /// Remote healthy.
    #[serde(default)]
    pub healthy: bool,
    /// Connected.
    #[serde(default)]
    pub connected: bool,
    /// Versions compatible.
    #[serde(default)]
    pub compatible: bool,
    /// This cluster trusts the remote.
    #[serde(default)]
    pub trusted: bool,
    /// The remote trusts this cluster.
    #[serde(default)]
    pub trusted_back: bool,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RemoteResources {
    /// Insert or replace (by alias) one remote; `info` of the new entry is ignored.
    pub fn upsert(&mut self, mut entry: RemoteResourceRef) -> Changed {
        entry.info = None;
        match self.resources.iter_mut().find(|r| r.alias == entry.alias) {
            Some(existing) => {
                let mut cmp = existing.clone();
                cmp.info = None;
                let mut extra = existing.extra.clone();
                extra.extend(std::mem::take(&mut entry.extra));
                entry.extra = extra;
                if cmp == entry {
                    Changed::No
                } else {
                    *existing = entry;
                    Changed::Yes
                }
            }
            None => {
                self.resources.push(entry);
                Changed::Yes
            }
        }
    }

    /// Remove the remote with `alias`.
    pub fn remove(&mut self, alias: &str) -> Changed {
        let before = self.resources.len();
        self.resources.retain(|r| r.alias != alias);
        (before != self.resources.len()).into()
    }

    /// The body for PUT: every entry without its read-only `info`.
    pub fn to_put_body(&self) -> Value {
        let mut copy = self.clone();
        for r in &mut copy.resources {
            r.info = None;
        }
        serde_json::to_value(copy).unwrap_or_else(|_| json!({ "resources": [] }))
    }
}

/// An organization (`GET /organizations`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Organization {
    /// Organization id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
}

/// The account (`GET /account`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Account {
    /// Account id.
    pub id: String,
    /// Account-wide default trust.
    #[serde(default)]
    pub trust: Option<AccountTrustDefault>,
}

/// `AccountTrustSettings`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct AccountTrustDefault {
    /// Trust every deployment of the account by default.
    #[serde(default)]
    pub trust_all: bool,
}

/// Resource kinds that have plans (cancel pending plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    /// `elasticsearch`.
    Elasticsearch,
    /// `kibana`.
    Kibana,
    /// `apm`.
    Apm,
    /// `appsearch`.
    Appsearch,
    /// `enterprise_search`.
    EnterpriseSearch,
    /// `integrations_server`.
    IntegrationsServer,
}

impl ResourceKind {
    fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Elasticsearch => "elasticsearch",
            ResourceKind::Kibana => "kibana",
            ResourceKind::Apm => "apm",
            ResourceKind::Appsearch => "appsearch",
            ResourceKind::EnterpriseSearch => "enterprise_search",
            ResourceKind::IntegrationsServer => "integrations_server",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// Typed client of the Elastic Cloud / ECE API.
#[derive(Debug)]
pub struct CloudClient {
    transport: Transport,
    locks: DeploymentLocks,
    plan_poll_interval: Duration,
    plan_settle_polls: u32,
    update_attempts: u32,
}

const API: &str = "/api/v1";

impl CloudClient {
    /// Build a client (no request is sent).
    pub fn new(config: CloudConfig) -> Result<Self> {
        Self::with_locks(config, DeploymentLocks::new())
    }

    /// Build a client that shares `locks` with other clients of the same process.
    pub fn with_locks(config: CloudConfig, locks: DeploymentLocks) -> Result<Self> {
        let mut base = parse_base(&config.endpoint, "cloud endpoint")?;
        let trimmed = base.path().trim_end_matches('/').to_string();
        if let Some(stripped) = trimmed.strip_suffix(API) {
            base.set_path(if stripped.is_empty() { "/" } else { stripped });
        }
        let auth = match &config.auth {
            CloudAuth::ApiKey(k) => {
                if k.expose().trim().is_empty() {
                    return Err(ClientError::Config("cloud API key is empty".into()));
                }
                auth_header(format!("ApiKey {}", k.expose().trim()))?
            }
            CloudAuth::Basic { username, password } => basic_auth(username, password.expose())?,
        };
        Ok(CloudClient {
            transport: Transport::new(&config.http, vec![base], Some(auth))?,
            locks,
            plan_poll_interval: config.plan_poll_interval,
            plan_settle_polls: config.plan_settle_polls.max(1),
            update_attempts: config.update_attempts.max(1),
        })
    }

    /// The per-deployment lock table this client uses.
    pub fn locks(&self) -> &DeploymentLocks {
        &self.locks
    }

    async fn call(&self, req: &Req, cancel: &CancellationToken) -> Result<Resp> {
        let resp = self.transport.send(req, cancel).await?;
        if resp.is_success() {
            Ok(resp)
        } else {
            Err(ClientError::Cloud {
                method: req.method.to_string(),
                path: req.path.clone(),
                status: resp.status,
                errors: parse_cloud_errors(&resp.body, resp.header("x-cloud-error-codes")),
            })
        }
    }

    /// [`Self::call`], then decode the JSON body.
    async fn fetch<T: serde::de::DeserializeOwned>(
        &self,
        req: &Req,
        cancel: &CancellationToken,
    ) -> Result<T> {
        self.call(req, cancel).await?.decode(req)
    }

    fn dep_path(deployment_id: &str) -> String {
        format!("{API}/deployments/{}", seg(deployment_id))
    }

    fn es_path(deployment_id: &str, ref_id: &str, rest: &str) -> String {
        format!(
            "{API}/deployments/{}/elasticsearch/{}{rest}",
            seg(deployment_id),
            seg(ref_id)
        )
    }

    fn es_req(method: Method, deployment_id: &str, ref_id: &str, rest: &str) -> Req {
        Req::new(method, Self::es_path(deployment_id, ref_id, rest))
    }

    /// `GET /deployments/{id}` with the given flags.
    pub async fn get_deployment(
        &self,
        deployment_id: &str,
        params: &GetDeploymentParams,
        cancel: &CancellationToken,
    ) -> Result<Deployment> {
        let req = params.apply(Req::new(Method::GET, Self::dep_path(deployment_id)));
        let resp = self.call(&req, cancel).await?;
        let raw: Value = resp.decode(&req)?;
        remember_endpoints(&raw);
        Ok(Deployment {
            raw,
            version: resp.header("x-cloud-resource-version").map(str::to_string),
        })
    }

    /// `PUT /deployments/{id}` with a full `DeploymentUpdateRequest` and optional `version`.
    pub async fn put_deployment(
        &self,
        deployment_id: &str,
        body: &Value,
        version: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let mut req = Req::new(Method::PUT, Self::dep_path(deployment_id)).json(body)?;
        if let Some(v) = version {
            req = req.query("version", v);
        }
        self.fetch(&req, cancel).await
    }

    /// Read-modify-write of one Elasticsearch resource's `settings` (A.2.2).
    ///
    /// Under the deployment's lock: GET with settings, plans and `clear_transient`; build the
    /// full update payload; run `edit` on the `settings` of `ref_id` only (`_main` or empty:
    /// the first Elasticsearch resource); when it reports [`Changed::Yes`], PUT with
    /// `version`. A 409 re-reads and re-applies `edit`, up to the configured attempts.
    pub async fn update_elasticsearch_settings<F, E>(
        &self,
        deployment_id: &str,
        ref_id: &str,
        edit: F,
        cancel: &CancellationToken,
    ) -> Result<UpdateOutcome>
    where
        F: FnMut(&mut Value) -> std::result::Result<Changed, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let _guard = self.locks.lock(deployment_id).await;
        self.update_locked(deployment_id, ref_id, edit, cancel)
            .await
    }

    /// [`Self::update_elasticsearch_settings`], then [`Self::wait_for_plan`] while still holding
    /// the deployment's lock (so the next queued update starts after this plan).
    pub async fn update_elasticsearch_settings_and_wait<F, E>(
        &self,
        deployment_id: &str,
        ref_id: &str,
        edit: F,
        deadline: Instant,
        cancel: &CancellationToken,
    ) -> Result<UpdateOutcome>
    where
        F: FnMut(&mut Value) -> std::result::Result<Changed, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let _guard = self.locks.lock(deployment_id).await;
        let out = self
            .update_locked(deployment_id, ref_id, edit, cancel)
            .await?;
        // After a conflict, "nothing to change" usually means an earlier PUT of ours landed
        // (e.g. a retried PUT whose first try succeeded): its plan must still be waited for.
        if out.changed || out.attempts > 1 {
            self.wait_for_plan(deployment_id, &out.ref_id, deadline, cancel)
                .await?;
        }
        Ok(out)
    }

    async fn update_locked<F, E>(
        &self,
        deployment_id: &str,
        ref_id: &str,
        mut edit: F,
        cancel: &CancellationToken,
    ) -> Result<UpdateOutcome>
    where
        F: FnMut(&mut Value) -> std::result::Result<Changed, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let params = GetDeploymentParams::for_update();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let dep = self.get_deployment(deployment_id, &params, cancel).await?;
            let resolved = dep
                .es_resource(Some(ref_id))
                .and_then(|r| r.get("ref_id"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| ClientError::Cloud {
                    method: "GET".into(),
                    path: Self::dep_path(deployment_id),
                    status: 404,
                    errors: vec![super::error::CloudErrorItem {
                        code: "deployments.deployment_resource_not_found".into(),
                        message: format!(
                            "deployment {deployment_id} has no Elasticsearch resource {ref_id}"
                        ),
                        fields: vec![],
                    }],
                })?;
            let mut payload = build_update_payload(&dep.raw)?;
            let settings = payload_es_settings_mut(&mut payload, &resolved).ok_or_else(|| {
                ClientError::Unexpected(format!("no settings for Elasticsearch {resolved}"))
            })?;
            match edit(settings).map_err(|e| ClientError::Edit(e.into()))? {
                Changed::No => {
                    return Ok(UpdateOutcome {
                        changed: false,
                        attempts: attempt,
                        response: None,
                        ref_id: resolved,
                    });
                }
                Changed::Yes => {}
            }
            match self
                .put_deployment(deployment_id, &payload, dep.version.as_deref(), cancel)
                .await
            {
                Ok(resp) => {
                    return Ok(UpdateOutcome {
                        changed: true,
                        attempts: attempt,
                        response: Some(resp),
                        ref_id: resolved,
                    });
                }
                Err(e) if e.is_conflict() && attempt < self.update_attempts => {
                    tracing::debug!(
                        deployment_id,
                        attempt,
                        "deployment version conflict, reading again"
                    );
                    continue;
                }
                Err(e) if e.is_conflict() => {
                    return Err(ClientError::VersionConflict {
                        deployment_id: deployment_id.to_string(),
                        attempts: attempt,
                    });
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Poll the deployment until the Elasticsearch resource `ref_id` has no pending plan for
    /// the configured number of polls in a row; fail with the failing step's message, or with
    /// [`ClientError::PlanTimeout`] at `deadline`.
    pub async fn wait_for_plan(
        &self,
        deployment_id: &str,
        ref_id: &str,
        deadline: Instant,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let params = GetDeploymentParams {
            show_plans: Some(true),
            show_plan_logs: Some(true),
            show_settings: Some(false),
            ..Default::default()
        };
        let mut quiet = 0u32;
        let mut last_step = String::from("unknown");
        loop {
            let dep = self.get_deployment(deployment_id, &params, cancel).await?;
            let state = plan_state(&dep.raw, Some(ref_id)).ok_or_else(|| {
                ClientError::Unexpected(format!(
                    "deployment {deployment_id} has no plan information for {ref_id}"
                ))
            })?;
            match state {
                PlanState::Pending(step) => {
                    quiet = 0;
                    if let Some(step) = step {
                        last_step = step;
                    }
                }
                PlanState::Failed(message) => {
                    return Err(ClientError::PlanFailed {
                        deployment_id: deployment_id.to_string(),
                        ref_id: ref_id.to_string(),
                        message,
                    });
                }
                PlanState::Done => {
                    quiet += 1;
                    if quiet >= self.plan_settle_polls {
                        return Ok(());
                    }
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ClientError::PlanTimeout {
                    deployment_id: deployment_id.to_string(),
                    ref_id: ref_id.to_string(),
                    last_step,
                });
            }
            let sleep = self.plan_poll_interval.min(deadline - now);
            tokio::select! {
                _ = cancel.cancelled() => return Err(ClientError::Cancelled),
                _ = tokio::time::sleep(sleep) => {}
            }
        }
    }

    /// `DELETE /deployments/{id}/{kind}/{ref_id}/plan/pending`.
    pub async fn cancel_pending_plan(
        &self,
        deployment_id: &str,
        kind: ResourceKind,
        ref_id: &str,
        ignore_missing: bool,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let path = format!(
            "{API}/deployments/{}/{}/{}/plan/pending",
            seg(deployment_id),
            kind.as_str(),
            seg(ref_id)
        );
        let req = Req::new(Method::DELETE, path).query("ignore_missing", ignore_missing);
        self.fetch(&req, cancel).await
    }

    /// `POST /deployments/{id}/elasticsearch/{ref_id}/_restart` (202). Not retried once sent.
    pub async fn restart_elasticsearch(
        &self,
        deployment_id: &str,
        ref_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let req = Self::es_req(Method::POST, deployment_id, ref_id, "/_restart");
        let resp = self.call(&req, cancel).await?;
        if resp.body.is_empty() {
            Ok(json!({}))
        } else {
            resp.decode(&req)
        }
    }

    /// `GET .../keystore`: names and metadata of the keystore entries (never values).
    pub async fn get_keystore(
        &self,
        deployment_id: &str,
        ref_id: &str,
        cancel: &CancellationToken,
    ) -> Result<KeystoreContents> {
        let req = Self::es_req(Method::GET, deployment_id, ref_id, "/keystore");
        self.fetch(&req, cancel).await
    }

    /// `PATCH .../keystore` with only the given keys (others are kept).
    pub async fn patch_keystore(
        &self,
        deployment_id: &str,
        ref_id: &str,
        changes: &BTreeMap<String, KeystoreChange>,
        cancel: &CancellationToken,
    ) -> Result<KeystoreContents> {
        let req = Self::es_req(Method::PATCH, deployment_id, ref_id, "/keystore")
            .json(&keystore_patch_body(changes))?;
        self.fetch(&req, cancel).await
    }

    /// Set one keystore entry to a string value.
    pub async fn set_keystore_secret(
        &self,
        deployment_id: &str,
        ref_id: &str,
        name: &str,
        value: Secret,
        cancel: &CancellationToken,
    ) -> Result<KeystoreContents> {
        let change = KeystoreChange::Set {
            value,
            as_file: false,
        };
        let changes = BTreeMap::from([(name.to_string(), change)]);
        self.patch_keystore(deployment_id, ref_id, &changes, cancel)
            .await
    }

    /// Remove one keystore entry.
    pub async fn remove_keystore_secret(
        &self,
        deployment_id: &str,
        ref_id: &str,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<KeystoreContents> {
        let changes = BTreeMap::from([(name.to_string(), KeystoreChange::Remove)]);
        self.patch_keystore(deployment_id, ref_id, &changes, cancel)
            .await
    }

    /// `GET .../remote-clusters`.
    pub async fn get_remote_clusters(
        &self,
        deployment_id: &str,
        ref_id: &str,
        cancel: &CancellationToken,
    ) -> Result<RemoteResources> {
        let req = Self::es_req(Method::GET, deployment_id, ref_id, "/remote-clusters");
        self.fetch(&req, cancel).await
    }

    /// `PUT .../remote-clusters` (replaces the whole list; `info` is stripped).
    pub async fn put_remote_clusters(
        &self,
        deployment_id: &str,
        ref_id: &str,
        remotes: &RemoteResources,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = Self::es_req(Method::PUT, deployment_id, ref_id, "/remote-clusters")
            .json(&remotes.to_put_body())?;
        self.call(&req, cancel).await?;
        Ok(())
    }

    /// Read-modify-write of the remote-clusters list under the deployment's lock: `edit` sees the
    /// current list; with [`Changed::Yes`] the edited list is PUT. Returns whether it changed.
    pub async fn update_remote_clusters<F, E>(
        &self,
        deployment_id: &str,
        ref_id: &str,
        mut edit: F,
        cancel: &CancellationToken,
    ) -> Result<bool>
    where
        F: FnMut(&mut RemoteResources) -> std::result::Result<Changed, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let _guard = self.locks.lock(deployment_id).await;
        let mut remotes = self
            .get_remote_clusters(deployment_id, ref_id, cancel)
            .await?;
        match edit(&mut remotes).map_err(|e| ClientError::Edit(e.into()))? {
            Changed::No => Ok(false),
            Changed::Yes => {
                self.put_remote_clusters(deployment_id, ref_id, &remotes, cancel)
                    .await?;
                Ok(true)
            }
        }
    }

    /// `GET /organizations`.
    pub async fn list_organizations(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<Organization>> {
        #[derive(Deserialize)]
        struct List {
            #[serde(default, deserialize_with = "null_as_default")]
            organizations: Vec<Organization>,
        }
        let req = Req::new(Method::GET, format!("{API}/organizations"));
        let list: List = self.fetch(&req, cancel).await?;
        Ok(list.organizations)
    }

    /// `GET /organizations/{id}`.
    pub async fn get_organization(
        &self,
        organization_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Organization> {
        let req = Req::new(
            Method::GET,
            format!("{API}/organizations/{}", seg(organization_id)),
        );
        self.fetch(&req, cancel).await
    }

    /// `GET /account`.
    pub async fn get_account(&self, cancel: &CancellationToken) -> Result<Account> {
        let req = Req::new(Method::GET, format!("{API}/account"));
        self.fetch(&req, cancel).await
    }

    /// `GET /trusted-environments`: the organization's trusted environments.
    pub async fn get_trusted_environments(
        &self,
        cancel: &CancellationToken,
    ) -> Result<TrustSettings> {
        let req = Req::new(Method::GET, format!("{API}/trusted-environments"));
        self.fetch(&req, cancel).await
    }

    /// ECE: `GET /platform/configuration/trust-relationships` (raw `TrustRelationshipsListResponse`).
    pub async fn list_trust_relationships(
        &self,
        include_certificate: bool,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let req = Req::new(
            Method::GET,
            format!("{API}/platform/configuration/trust-relationships"),
        )
        .query("include_certificate", include_certificate);
        self.fetch(&req, cancel).await
    }

    /// ECE: `GET /platform/configuration/trust-relationships/{id}` (raw response).
    pub async fn get_trust_relationship(
        &self,
        trust_relationship_id: &str,
        include_certificate: bool,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let req = Req::new(
            Method::GET,
            format!(
                "{API}/platform/configuration/trust-relationships/{}",
                seg(trust_relationship_id)
            ),
        )
        .query("include_certificate", include_certificate);
        self.fetch(&req, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_get() -> Value {
        json!({
            "id": "d0000000000000000000000000000001",
            "name": "prod",
            "alias": "prod-alias",
            "healthy": true,
            "metadata": {"tags": []},
            "resources": {
                "elasticsearch": [{
                    "ref_id": "main-elasticsearch",
                    "id": "c0000000000000000000000000000001",
                    "region": "us-east-1",
                    "info": {
                        "cluster_id": "c0000000000000000000000000000001",
                        "cluster_name": "prod",
                        "region": "us-east-1",
                        "status": "started",
                        "metadata": {"endpoint": "c1.us-east-1.aws.found.io", "ports": {"http": 9200, "https": 443, "transport_passthrough": 9400}},
                        "plan_info": {
                            "healthy": true,
                            "history": [],
                            "current": {"plan": {
                                "cluster_topology": [{"id": "hot_content", "size": {"value": 4096, "resource": "memory"}}],
                                "elasticsearch": {"version": "8.12.2"},
                                "transient": {"strategy": {"rolling": {}}}
                            }}
                        },
                        "settings": {
                            "metadata": {"organization_id": "111", "name": "prod"},
                            "trust": {
                                "accounts": [{"account_id": "111", "trust_all": true, "name": "Default trust for own organization"}],
                                "direct": [{"uid": "u-1", "name": "Test", "type": "generic", "trust_all": false,
                                            "additional_node_names": ["n1"],
                                            "certificates": [{"pem": "PEM1", "metadata": {"fingerprint": "ab", "valid_from": "x", "valid_to": "y", "also_trusted_by": []}}],
                                            "future_field": 12345678901234567890u64}]
                            },
                            "curation": {"specs": []}
                        }
                    }
                }, {
                    "ref_id": "second",
                    "region": "us-east-1",
                    "info": {"cluster_name": "second", "plan_info": {"current": {"plan": {"cluster_topology": [], "elasticsearch": {"version": "8.12.2"}}}}}
                }],
                "kibana": [{"ref_id": "main-kibana", "region": "us-east-1", "info": {}}]
            }
        })
    }

    #[test]
    fn update_payload_from_get() {
        let p = build_update_payload(&sample_get()).unwrap();
        assert_eq!(p["prune_orphans"], json!(false));
        assert_eq!(p["name"], json!("prod"));
        assert_eq!(p["alias"], json!("prod-alias"));
        assert!(p["resources"].get("kibana").is_none());
        let es = p["resources"]["elasticsearch"].as_array().unwrap();
        assert_eq!(es.len(), 2);
        assert_eq!(es[0]["ref_id"], json!("main-elasticsearch"));
        assert_eq!(es[0]["region"], json!("us-east-1"));
        assert_eq!(es[0]["display_name"], json!("prod"));
        assert!(es[0]["plan"].get("transient").is_none());
        assert_eq!(es[0]["plan"]["elasticsearch"]["version"], json!("8.12.2"));
        assert!(es[0]["settings"].get("metadata").is_none());
        assert_eq!(es[0]["settings"]["curation"], json!({"specs": []}));
        assert_eq!(
            es[0]["settings"]["trust"],
            sample_get()["resources"]["elasticsearch"][0]["info"]["settings"]["trust"]
        );
        assert_eq!(es[1]["ref_id"], json!("second"));
        assert_eq!(es[1]["settings"], json!({}));
    }

    #[test]
    fn update_payload_errors() {
        let cases = [
            json!({"name": "x"}),
            json!({"resources": {"elasticsearch": [{"region": "r", "info": {}}]}}),
            json!({"resources": {"elasticsearch": [{"ref_id": "a", "info": {}}]}}),
            json!({"resources": {"elasticsearch": [{"ref_id": "a", "region": "r", "info": {"plan_info": {"current": null}}}]}}),
        ];
        for c in cases {
            assert!(build_update_payload(&c).is_err(), "{c}");
        }
    }

    #[test]
    fn trust_read_preserves_unknown_fields() {
        let get = sample_get();
        let trust_in = get
            .pointer("/resources/elasticsearch/0/info/settings/trust")
            .unwrap();
        let t = es_view_of(&get["resources"]["elasticsearch"][0])
            .unwrap()
            .trust
            .unwrap();
        assert_eq!(
            t.direct[0].extra["future_field"].to_string(),
            "12345678901234567890"
        );
        let out = serde_json::to_value(&t).unwrap();
        assert_eq!(out["external"], json!([]));
        assert_eq!(out["accounts"], trust_in["accounts"]);
        assert_eq!(out["direct"], trust_in["direct"]);
    }

    #[test]
    fn plan_states_table() {
        let with_plan = |plan_info: Value| json!({"resources": {"elasticsearch": [{"ref_id": "main", "info": {"plan_info": plan_info}}]}});
        let cases = vec![
            (
                with_plan(
                    json!({"pending": {"plan_attempt_log": [{"step_id": "validate-plan", "status": "success"}, {"step_id": "apply-settings", "status": "pending"}]}, "current": {}}),
                ),
                PlanState::Pending(Some("apply-settings".into())),
            ),
            (with_plan(json!({"pending": {}})), PlanState::Pending(None)),
            (
                with_plan(
                    json!({"pending": null, "current": {"plan_attempt_log": [{"step_id": "plan-completed", "status": "success", "info_log": []}]}}),
                ),
                PlanState::Done,
            ),
            (with_plan(json!({"history": []})), PlanState::Done),
            (
                with_plan(json!({"current": {"plan_attempt_log": [
                    {"step_id": "apply-settings", "status": "error", "info_log": [{"message": "start"}, {"message": "Invalid trust certificate"}]},
                    {"step_id": "plan-completed", "status": "error", "info_log": [{"message": "Plan failed"}]}]}})),
                PlanState::Failed("[apply-settings] Invalid trust certificate".into()),
            ),
            (
                with_plan(json!({"current": {"plan_attempt_log": [
                    {"step_id": "plan-completed", "status": "error", "info_log": [{"message": "Unexpected error"}]}]}})),
                PlanState::Failed("[plan-completed] Unexpected error".into()),
            ),
            (
                with_plan(
                    json!({"current": {"plan_attempt_log": [], "error": {"message": "boom"}}}),
                ),
                PlanState::Failed("boom".into()),
            ),
        ];
        for (dep, want) in cases {
            assert_eq!(plan_state(&dep, Some("main")), Some(want.clone()), "{dep}");
            assert_eq!(plan_state(&dep, None), Some(want));
        }
        assert_eq!(plan_state(&with_plan(json!({})), Some("other")), None);
    }

    #[test]
    fn keystore_body_never_null_and_values_redacted_in_debug() {
        let mut changes = BTreeMap::new();
        changes.insert(
            "cluster.remote.a.credentials".to_string(),
            KeystoreChange::Set {
                value: Secret::new("s3cr3t-encoded"),
                as_file: false,
            },
        );
        changes.insert(
            "cluster.remote.b.credentials".to_string(),
            KeystoreChange::Remove,
        );
        let body = keystore_patch_body(&changes);
        assert_eq!(
            body,
            json!({"secrets": {
                "cluster.remote.a.credentials": {"value": "s3cr3t-encoded", "as_file": false},
                "cluster.remote.b.credentials": {"as_file": false}
            }})
        );
        assert!(!format!("{changes:?}").contains("s3cr3t"));
        let read: KeystoreContents =
            serde_json::from_value(json!({"secrets": {"x": {"as_file": false, "value": "leak"}}}))
                .unwrap();
        assert!(!format!("{read:?}").contains("leak"));
        assert_eq!(
            credentials_setting("my-alias"),
            "cluster.remote.my-alias.credentials"
        );
    }

    #[test]
    fn remote_resources_edits() {
        let mut r: RemoteResources = serde_json::from_value(json!({"resources": [
            {"deployment_id": "d1", "elasticsearch_ref_id": "main", "alias": "a", "skip_unavailable": true,
             "info": {"healthy": true, "connected": true, "compatible": true, "trusted": true, "trusted_back": false}}
        ]})).unwrap();
        let b = RemoteResourceRef {
            deployment_id: "d2".into(),
            elasticsearch_ref_id: "main".into(),
            alias: "b".into(),
            ..Default::default()
        };
        assert_eq!(r.upsert(b.clone()), Changed::Yes);
        assert_eq!(r.upsert(b), Changed::No);
        let a_same = RemoteResourceRef {
            deployment_id: "d1".into(),
            elasticsearch_ref_id: "main".into(),
            alias: "a".into(),
            skip_unavailable: Some(true),
            ..Default::default()
        };
        assert_eq!(r.upsert(a_same), Changed::No);
        let body = r.to_put_body();
        assert!(body["resources"][0].get("info").is_none());
        assert_eq!(body["resources"][1]["alias"], json!("b"));
        assert_eq!(r.remove("a"), Changed::Yes);
        assert_eq!(r.remove("a"), Changed::No);
        assert_eq!(r.resources.len(), 1);
    }

    #[test]
    fn es_view_reads_fields() {
        let d = Deployment {
            raw: sample_get(),
            version: Some("3".into()),
        };
        let v = d.es_view(None).unwrap();
        assert_eq!(v.ref_id, "main-elasticsearch");
        assert_eq!(v.cluster_id, "c0000000000000000000000000000001");
        assert_eq!(v.version.as_deref(), Some("8.12.2"));
        assert_eq!(v.endpoint.as_deref(), Some("c1.us-east-1.aws.found.io"));
        assert_eq!(v.transport_passthrough_port, Some(9400));
        assert_eq!(v.organization_id.as_deref(), Some("111"));
        assert_eq!(v.trust.unwrap().accounts[0].account_id, "111");
        assert_eq!(d.es_view(Some("second")).unwrap().ref_id, "second");
        assert!(d.es_view(Some("nope")).is_err());
        assert_eq!(d.main_ref_id(), Some("main-elasticsearch"));
    }

    #[test]
    fn auth_debug_redacted() {
        let a = CloudAuth::Basic {
            username: "admin".into(),
            password: Secret::new("pw-123"),
        };
        assert!(!format!("{a:?}").contains("pw-123"));
        let a = CloudAuth::ApiKey(Secret::new("key-xyz"));
        assert!(!format!("{a:?}").contains("key-xyz"));
    }

    #[test]
    fn endpoint_with_api_suffix() {
        let c = CloudClient::new(CloudConfig::new(
            "https://example.com/api/v1/",
            CloudAuth::ApiKey(Secret::new("k")),
        ))
        .unwrap();
        assert_eq!(c.transport.base_str(), "https://example.com/");
        let c = CloudClient::new(CloudConfig::new(
            "https://example.com:12443",
            CloudAuth::ApiKey(Secret::new("k")),
        ))
        .unwrap();
        assert_eq!(c.transport.base_str(), "https://example.com:12443/");
        assert!(
            CloudClient::new(CloudConfig::new(
                "https://example.com",
                CloudAuth::ApiKey(Secret::new(" "))
            ))
            .is_err()
        );
    }

    // --- Real Cloud shapes (recorded bodies in src/client/testdata, see its README) ----------

    fn recorded(name: &str) -> Value {
        let text = match name {
            "sdk_integrations_server_get" => {
                include_str!("testdata/sdk_integrations_server_get.json")
            }
            "tfec_deployment_aws_ccs" => include_str!("testdata/tfec_deployment_aws_ccs.json"),
            "sdk_logging_metrics_legacy_get" => {
                include_str!("testdata/sdk_logging_metrics_legacy_get.json")
            }
            other => panic!("no recording {other}"),
        };
        serde_json::from_str(text).unwrap()
    }

    fn deployment(raw: Value) -> Deployment {
        Deployment { raw, version: None }
    }

    #[test]
    fn null_trust_lists_read_as_empty() {
        let d = deployment(recorded("sdk_integrations_server_get"));
        let v = d.es_view(None).unwrap();
        let trust = v.trust.unwrap();
        assert!(trust.direct.is_empty() && trust.external.is_empty());
        assert_eq!(trust.accounts.len(), 1);
        assert_eq!(trust.accounts[0].account_id, "554443047");
        assert!(trust.accounts[0].trust_all);
        assert_eq!(trust.accounts[0].trust_allowlist, None);
        assert_eq!(v.organization_id.as_deref(), Some("554443047"));
        assert_eq!(v.https_port, Some(443));
        assert_eq!(v.version.as_deref(), Some("9.0.2"));
    }

    #[test]
    fn null_lists_elsewhere_read_as_empty() {
        let t: TrustSettings = serde_json::from_value(json!({
            "accounts": null, "external": null,
            "direct": [{"name": "d", "trust_all": false, "certificates": null, "trust_allowlist": null}]
        }))
        .unwrap();
        assert!(t.accounts.is_empty() && t.external.is_empty());
        assert!(t.direct[0].certificates.is_empty());
        let r: RemoteResources = serde_json::from_value(json!({"resources": null})).unwrap();
        assert!(r.resources.is_empty());
        let k: KeystoreContents = serde_json::from_value(json!({"secrets": null})).unwrap();
        assert!(k.secrets.is_empty());
    }

    #[test]
    fn an_update_never_sends_null_where_the_contract_wants_a_list() {
        let get = recorded("sdk_integrations_server_get");
        let payload = build_update_payload(&get).unwrap();
        let trust = &payload["resources"]["elasticsearch"][0]["settings"]["trust"];
        assert_eq!(trust["direct"], json!([]));
        assert_eq!(trust["external"], json!([]));
        assert_eq!(
            trust["accounts"],
            json!([{"account_id": "554443047", "name": "Default trust for own organization", "trust_all": true}])
        );
        assert!(!payload.to_string().contains("null"), "{payload}");
    }

    #[test]
    fn no_trust_object_updates_start_from_the_own_organization_default() {
        let mut get = recorded("sdk_integrations_server_get");
        let settings = get
            .pointer_mut("/resources/elasticsearch/0/info/settings")
            .unwrap()
            .as_object_mut()
            .unwrap();
        settings.remove("trust");
        let payload = build_update_payload(&get).unwrap();
        assert_eq!(
            payload["resources"]["elasticsearch"][0]["settings"]["trust"],
            default_trust("554443047")
        );
        // Without show_settings there is no organization to default to: trust is left out (an
        // update without `settings.trust` keeps the trust as it is).
        let get = recorded("tfec_deployment_aws_ccs");
        let payload = build_update_payload(&get).unwrap();
        assert!(
            payload["resources"]["elasticsearch"][0]["settings"]
                .get("trust")
                .is_none()
        );
    }

    #[test]
    fn older_deployments_without_service_url_or_settings() {
        let d = deployment(recorded("tfec_deployment_aws_ccs"));
        let v = d.es_view(None).unwrap();
        assert_eq!(v.service_url, None);
        assert_eq!(v.https_port, Some(9243));
        assert_eq!(v.transport_passthrough_port, Some(9400));
        assert_eq!(
            v.endpoint.as_deref(),
            Some("1230b3ae633b4f51a432d50971f7f1c1.eu-west-1.aws.found.io")
        );
        assert_eq!(v.trust, None);
        assert_eq!(v.organization_id, None);
        assert_eq!(v.version.as_deref(), Some("7.9.2"));
        // The legacy plan fields go back unchanged.
        let payload = build_update_payload(&d.raw).unwrap();
        let plan = &payload["resources"]["elasticsearch"][0]["plan"];
        assert_eq!(
            plan["tiebreaker_topology"],
            json!({"memory_per_node": 1024})
        );
        assert_eq!(
            plan["cluster_topology"][0]["node_type"]["master"],
            json!(true)
        );
    }

    #[test]
    fn legacy_ref_id_and_null_passthrough_port() {
        let d = deployment(recorded("sdk_logging_metrics_legacy_get"));
        assert_eq!(d.main_ref_id(), Some("elasticsearch"));
        let v = d.es_view(Some("_main")).unwrap();
        assert_eq!(v.ref_id, "elasticsearch");
        assert_eq!(v.transport_passthrough_port, None);
        assert_eq!(v.https_port, Some(9243));
        let payload = build_update_payload(&d.raw).unwrap();
        let es = &payload["resources"]["elasticsearch"][0];
        assert_eq!(es["ref_id"], json!("elasticsearch"));
        assert!(es["plan"].get("transient").is_none(), "{es}");
        assert_eq!(es["region"], json!("ece-region"));
    }
}
