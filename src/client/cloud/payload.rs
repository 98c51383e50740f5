//! The Cloud API's bodies and the pure functions over them: the deployment view, the update
//! payload, the trust model, plan states, keystore, remote clusters and organizations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::super::{ClientError, Result, Secret};

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
// Trust model (ARCHITECTURE.md, "Cloud: trust edits"), for reading; unknown fields are kept in `extra` maps. Edits work on the
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
// Plans: an update is asynchronous; a finished attempt ends with a `plan-completed` step
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
// Keystore, remote clusters, organizations (ARCHITECTURE.md, "Cloud: keystore" and "Cloud: remote clusters")
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
    pub(super) fn as_str(self) -> &'static str {
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
