//! Elasticsearch API client: cluster info and version gates, cross-cluster API keys,
//! remote-cluster settings, `_remote/info`, `_resolve/cluster`, secure-settings reload, roles.
//!
//! Several endpoints may be configured: a connection failure moves on to the next one.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::cloud::Changed;
use super::error::parse_es_error;
use super::group::{Groups, Intent, Intents};
use super::retry::{Decision, Idempotency, Outcome};
use super::shared::Shared;
use super::{
    ClientError, HttpSettings, Req, Resp, Result, Secret, Transport, auth_header, basic_auth,
    parse_base, seg,
};

mod batch;
mod payload;
#[cfg(test)]
mod tests;

pub use payload::*;

/// Credentials for Elasticsearch.
#[derive(Clone)]
pub enum EsAuth {
    /// No `Authorization` header.
    None,
    /// HTTP basic auth.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// `Authorization: ApiKey <encoded>`.
    ApiKey(Secret),
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
}

impl fmt::Debug for EsAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EsAuth::None => f.write_str("None"),
            EsAuth::Basic { username, .. } => {
                write!(
                    f,
                    "Basic {{ username: {username:?}, password: <redacted> }}"
                )
            }
            EsAuth::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            EsAuth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Configuration of an [`EsClient`].
#[derive(Debug, Clone)]
pub struct EsConfig {
    /// Endpoints (`https://host:9200`), tried in order on connection failure.
    pub endpoints: Vec<String>,
    /// Credentials.
    pub auth: EsAuth,
    /// Transport settings.
    pub http: HttpSettings,
}

impl EsConfig {
    /// A configuration with default transport settings.
    pub fn new(endpoints: Vec<String>, auth: EsAuth) -> Self {
        EsConfig {
            endpoints,
            auth,
            http: HttpSettings::default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// Typed Elasticsearch client.
#[derive(Debug)]
pub struct EsClient {
    core: Arc<Core>,
    info: OnceCell<ClusterInfo>,
    /// Remote-cluster writes to `_cluster/settings`, merged by [`batch`] (one queue: the
    /// client's cluster).
    writes: Groups<batch::Body, Value>,
    /// Remote-cluster writes on their way (announced before the read they are computed from).
    intents: Arc<Intents>,
}

/// What the client and the committer of its batched writes share.
#[derive(Debug)]
pub(super) struct Core {
    transport: Transport,
    /// `GET /_cluster/settings` (without defaults), shared by concurrent readers.
    settings: Shared<Value>,
    /// `GET /_remote/info`, shared by concurrent readers.
    remote: Shared<BTreeMap<String, RemoteInfo>>,
}

impl Core {
    async fn call(&self, req: &Req, cancel: &CancellationToken) -> Result<Resp> {
        // Any write may change what the shared reads return: forget them before and after.
        let write = req.method != Method::GET;
        if write {
            self.invalidate_shared();
        }
        let resp = self.transport.send(req, cancel).await;
        if write {
            self.invalidate_shared();
        }
        let resp = resp?;
        if resp.is_success() {
            Ok(resp)
        } else {
            Err(es_error(req, &resp))
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

    fn invalidate_shared(&self) {
        self.settings.invalidate();
        self.remote.invalidate();
    }
}

impl EsClient {
    /// Build a client (no request is sent).
    pub fn new(config: EsConfig) -> Result<Self> {
        if config.endpoints.is_empty() {
            return Err(ClientError::Config(
                "no Elasticsearch endpoint configured".into(),
            ));
        }
        let bases = config
            .endpoints
            .iter()
            .map(|e| parse_base(e, "elasticsearch endpoint"))
            .collect::<Result<Vec<_>>>()?;
        let auth = match &config.auth {
            EsAuth::None => None,
            EsAuth::Basic { username, password } => Some(basic_auth(username, password.expose())?),
            EsAuth::ApiKey(k) => Some(auth_header(format!("ApiKey {}", k.expose().trim()))?),
            EsAuth::Bearer(t) => Some(auth_header(format!("Bearer {}", t.expose().trim()))?),
        };
        let intents = Arc::new(Intents::default());
        Ok(EsClient {
            core: Arc::new(Core {
                transport: Transport::new(&config.http, bases, auth)?,
                settings: Shared::default(),
                remote: Shared::default(),
            }),
            info: OnceCell::new(),
            writes: Groups::with_window(batch::WINDOW).expecting(intents.clone()),
            intents,
        })
    }

    /// [`Core::fetch`].
    async fn fetch<T: serde::de::DeserializeOwned>(
        &self,
        req: &Req,
        cancel: &CancellationToken,
    ) -> Result<T> {
        self.core.fetch(req, cancel).await
    }

    /// [`Self::fetch`], with a 404 as `None`.
    async fn fetch_found<T: serde::de::DeserializeOwned>(
        &self,
        req: &Req,
        cancel: &CancellationToken,
    ) -> Result<Option<T>> {
        match self.fetch(req, cancel).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /`, sent once per client and cached.
    pub async fn info(&self, cancel: &CancellationToken) -> Result<&ClusterInfo> {
        self.info
            .get_or_try_init(|| async {
                let req = Req::new(Method::GET, "/");
                let v: Value = self.fetch(&req, cancel).await?;
                parse_cluster_info(&v)
            })
            .await
    }

    /// The cluster's version (from the cached `GET /`).
    pub async fn version(&self, cancel: &CancellationToken) -> Result<Version> {
        Ok(self.info(cancel).await?.version.clone())
    }

    /// Fail with [`ClientError::VersionGate`] when the cluster lacks `feature`.
    pub async fn require(&self, feature: Feature, cancel: &CancellationToken) -> Result<()> {
        self.info(cancel).await?.require(feature)
    }

    /// `POST /_security/cross_cluster/api_key` (8.10+). Never retried once sent.
    pub async fn create_cross_cluster_api_key(
        &self,
        body: &CreateCrossClusterApiKey,
        cancel: &CancellationToken,
    ) -> Result<CreatedApiKey> {
        self.require(Feature::CrossClusterApiKeys, cancel).await?;
        if body.certificate_identity.is_some() {
            self.require(Feature::CertificateIdentity, cancel).await?;
        }
        let req = Req::new(Method::POST, "/_security/cross_cluster/api_key").json(body)?;
        self.fetch(&req, cancel).await
    }

    /// `POST /_security/cross_cluster/api_key` exactly once, with retries: the key carries
    /// `marker` in its metadata, and after an answer that leaves open whether the key was
    /// created (a 5xx, a timeout, a dropped connection, a truncated or unreadable body, a stop
    /// while the request was out) the active keys of that name are looked up and any key with
    /// the marker is invalidated again (its secret is lost with the answer) before the create
    /// is retried as the retry policy retries an idempotent request (429, 500, 502, 503,
    /// 504, transport failures; never a 4xx). So at most one live key with the marker is
    /// left: the one returned. The clean-up runs on a token of its own with a short deadline,
    /// so a stop does not skip it.
    pub async fn create_cross_cluster_api_key_once(
        &self,
        body: &CreateCrossClusterApiKey,
        marker: &RequestMarker,
        cancel: &CancellationToken,
    ) -> std::result::Result<CreatedOnce, CreateFailure> {
        let fail = |error: ClientError, attempts: u32, invalidated: &[String]| CreateFailure {
            error,
            attempts,
            invalidated: invalidated.to_vec(),
            unresolved: None,
        };
        self.require(Feature::CrossClusterApiKeys, cancel)
            .await
            .map_err(|e| fail(e, 0, &[]))?;
        if body.certificate_identity.is_some() {
            self.require(Feature::CertificateIdentity, cancel)
                .await
                .map_err(|e| fail(e, 0, &[]))?;
        }
        let marked = marker.apply(body);
        let req = Req::new(Method::POST, "/_security/cross_cluster/api_key")
            .json(&marked)
            .map_err(|e| fail(e, 0, &[]))?;
        let mut invalidated: Vec<String> = Vec::new();
        let mut ambiguous = false;
        let mut attempt: u32 = 0;
        loop {
            if cancel.is_cancelled() {
                return Err(fail(ClientError::Cancelled, attempt, &invalidated));
            }
            let (error, outcome) = match self.core.call(&req, cancel).await {
                Ok(resp) => match resp.decode::<CreatedApiKey>(&req) {
                    Ok(key) => {
                        if ambiguous {
                            // A create that arrived late (after the lookup) goes too.
                            match self
                                .invalidate_marked(&body.name, marker, Some(&key.id))
                                .await
                            {
                                Ok(ids) => invalidated.extend(ids),
                                Err(e) => tracing::warn!(
                                    marker = %marker.value,
                                    error = %e,
                                    "could not look for late duplicates of the new key"
                                ),
                            }
                        }
                        return Ok(CreatedOnce {
                            key,
                            attempts: attempt + 1,
                            invalidated,
                        });
                    }
                    Err(e) => (e, Outcome::TransportFailed),
                },
                Err(e @ ClientError::Elasticsearch { status, .. }) if status >= 500 => {
                    (e, Outcome::Status(status, None))
                }
                Err(e @ ClientError::Transport { .. }) => (e, Outcome::TransportFailed),
                Err(ClientError::Cancelled) => (ClientError::Cancelled, Outcome::TransportFailed),
                // A 4xx (a 429 after its retries too): the request was refused, nothing made.
                Err(e) => return Err(fail(e, attempt + 1, &invalidated)),
            };
            ambiguous = true;
            tracing::debug!(
                attempt,
                marker = %marker.value,
                error = %error,
                "cross-cluster API key create answered ambiguously; looking the key up by its request marker"
            );
            match self.invalidate_marked(&body.name, marker, None).await {
                Ok(ids) => {
                    if !ids.is_empty() {
                        tracing::debug!(key_ids = ?ids, "a key the lost answer created was invalidated again (its secret was lost)");
                    }
                    invalidated.extend(ids);
                }
                Err(e) => {
                    return Err(CreateFailure {
                        error,
                        attempts: attempt + 1,
                        invalidated,
                        unresolved: Some(e),
                    });
                }
            }
            if matches!(error, ClientError::Cancelled) {
                return Err(fail(error, attempt + 1, &invalidated));
            }
            match self
                .core
                .transport
                .retry
                .decide(attempt, Idempotency::Idempotent, outcome)
            {
                Decision::Stop => return Err(fail(error, attempt + 1, &invalidated)),
                Decision::RetryAfter(delay) => {
                    tracing::debug!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        reason = %error,
                        "retrying the cross-cluster API key create (no key of this request is live)"
                    );
                    tokio::select! {
                        _ = cancel.cancelled() => {
                            return Err(fail(ClientError::Cancelled, attempt + 1, &invalidated));
                        }
                        _ = tokio::time::sleep(delay) => {}
                    }
                    attempt += 1;
                }
            }
        }
    }

    /// Invalidates every active key named `name` that carries `marker`, except `keep`; on a
    /// token of its own with [`CLEANUP_TIMEOUT`]. Returns the ids invalidated, or what could
    /// not be done.
    async fn invalidate_marked(
        &self,
        name: &str,
        marker: &RequestMarker,
        keep: Option<&str>,
    ) -> std::result::Result<Vec<String>, String> {
        let token = CancellationToken::new();
        let work = async {
            let keys = self
                .find_keys_by_name(name, &token)
                .await
                .map_err(|e| format!("looking the key up failed ({e})"))?;
            let ids: Vec<String> = keys
                .into_iter()
                .filter(|k| k.name == name && marker.is_on(k) && Some(k.id.as_str()) != keep)
                .map(|k| k.id)
                .collect();
            if ids.is_empty() {
                return Ok(ids);
            }
            let r = self
                .invalidate_api_keys(&ids, &token)
                .await
                .map_err(|e| format!("invalidating key(s) {} failed ({e})", ids.join(", ")))?;
            if r.error_count > 0 {
                return Err(format!(
                    "invalidating key(s) {} reported {} error(s)",
                    ids.join(", "),
                    r.error_count
                ));
            }
            Ok(ids)
        };
        match tokio::time::timeout(CLEANUP_TIMEOUT, work).await {
            Ok(r) => r,
            Err(_) => {
                token.cancel();
                Err(format!(
                    "looking the key up got no answer within {}s",
                    CLEANUP_TIMEOUT.as_secs()
                ))
            }
        }
    }

    /// `GET /_security/api_key?name=<name>&active_only=true`: the active keys of that name
    /// (`name` is matched by Elasticsearch as a prefix pattern when it ends in `*`).
    pub async fn find_keys_by_name(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<ApiKeyInfo>> {
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            api_keys: Vec<ApiKeyInfo>,
        }
        let req = Req::new(Method::GET, "/_security/api_key")
            .query("name", name)
            .query("active_only", true);
        let keys: Option<Keys> = self.fetch_found(&req, cancel).await?;
        Ok(keys.map(|k| k.api_keys).unwrap_or_default())
    }

    /// `PUT /_security/cross_cluster/api_key/{id}`; returns `updated`.
    pub async fn update_cross_cluster_api_key(
        &self,
        id: &str,
        body: &UpdateCrossClusterApiKey,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        self.require(Feature::CrossClusterApiKeys, cancel).await?;
        if matches!(body.certificate_identity, Some(Some(_))) {
            self.require(Feature::CertificateIdentity, cancel).await?;
        }
        let req = Req::new(
            Method::PUT,
            format!("/_security/cross_cluster/api_key/{}", seg(id)),
        )
        .json(body)?;
        let v: Value = self.fetch(&req, cancel).await?;
        Ok(v.get("updated").and_then(Value::as_bool).unwrap_or(false))
    }

    /// `GET /_security/api_key?id=..`: `None` when no key has this id.
    pub async fn get_api_key(
        &self,
        id: &str,
        with_limited_by: bool,
        cancel: &CancellationToken,
    ) -> Result<Option<ApiKeyInfo>> {
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            api_keys: Vec<ApiKeyInfo>,
        }
        let mut req = Req::new(Method::GET, "/_security/api_key").query("id", id);
        if with_limited_by {
            req = req.query("with_limited_by", true);
        }
        let keys: Option<Keys> = self.fetch_found(&req, cancel).await?;
        Ok(keys.and_then(|k| k.api_keys.into_iter().find(|k| k.id == id)))
    }

    /// `GET /_security/api_key?active_only=true`: every active (not invalidated, not expired)
    /// key the caller may see.
    pub async fn get_active_api_keys(&self, cancel: &CancellationToken) -> Result<Vec<ApiKeyInfo>> {
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            api_keys: Vec<ApiKeyInfo>,
        }
        let req = Req::new(Method::GET, "/_security/api_key").query("active_only", true);
        let keys: Option<Keys> = self.fetch_found(&req, cancel).await?;
        Ok(keys.map(|k| k.api_keys).unwrap_or_default())
    }

    /// `DELETE /_security/api_key` with `{"ids": [...]}`. Unknown ids are not an error.
    pub async fn invalidate_api_keys(
        &self,
        ids: &[String],
        cancel: &CancellationToken,
    ) -> Result<InvalidateResult> {
        let req = Req::new(Method::DELETE, "/_security/api_key").json(&json!({ "ids": ids }))?;
        self.fetch(&req, cancel).await
    }

    /// `GET /_cluster/settings` (each section flattened, whatever `flat_settings` is used).
    pub async fn get_cluster_settings(
        &self,
        include_defaults: bool,
        cancel: &CancellationToken,
    ) -> Result<ClusterSettings> {
        let mut req = Req::new(Method::GET, "/_cluster/settings").query("flat_settings", true);
        let v: Value = if include_defaults {
            req = req.query("include_defaults", true);
            self.fetch(&req, cancel).await?
        } else {
            // Shared with concurrent readers (see [`super::shared`]).
            self.core.settings.get(|| self.fetch(&req, cancel)).await?
        };
        let section = |k: &str| v.get(k).map(flatten_settings).unwrap_or_default();
        Ok(ClusterSettings {
            persistent: section("persistent"),
            transient: section("transient"),
            defaults: section("defaults"),
        })
    }

    /// The persistent settings of remote `alias` (sub-key → value).
    pub async fn get_remote_cluster_settings(
        &self,
        alias: &str,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, Value>> {
        validate_alias(alias)?;
        let s = self.get_cluster_settings(false, cancel).await?;
        Ok(remote_settings_of(&s.persistent, alias))
    }

    /// `PUT /_cluster/settings` with `persistent` `cluster.remote.<alias>.<key>` entries only
    /// (`null` removes a key). Keys are sub-keys such as `mode` or `transport.compress`.
    /// Writes of other aliases arriving at the same time go into the same PUT ([`batch`]).
    /// Returns the acknowledged echo of this alias's keys (flat, under `persistent`).
    pub async fn put_remote_cluster(
        &self,
        alias: &str,
        settings: &Map<String, Value>,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        validate_alias(alias)?;
        let mut persistent = Map::new();
        for (k, v) in settings {
            let key = k
                .strip_prefix(&format!("cluster.remote.{alias}."))
                .unwrap_or(k);
            if key.is_empty() || key.starts_with("cluster.") {
                return Err(ClientError::InvalidArgument(format!(
                    "setting {k:?} is not a setting of remote cluster {alias:?}"
                )));
            }
            persistent.insert(format!("cluster.remote.{alias}.{key}"), v.clone());
        }
        if persistent
            .iter()
            .any(|(k, v)| !v.is_null() && needs_proxy_mode(alias, k))
        {
            self.require(Feature::ProxyMode, cancel).await?;
        }
        // Merged with the other aliases' writes of the moment into one PUT (see [`batch`]).
        let core = self.core.clone();
        self.writes
            .submit(
                batch::QUEUE,
                alias,
                Instant::now(),
                move |body: &mut batch::Body| {
                    body.extend(persistent.iter().map(|(k, v)| (k.clone(), v.clone())));
                    Ok::<_, ClientError>(if persistent.is_empty() {
                        Changed::No
                    } else {
                        Changed::Yes
                    })
                },
                move |queue| batch::commit(core, queue),
                cancel,
            )
            .await
    }

    /// Announce a write of remote `alias` that [`Self::put_remote_cluster`] will send soon
    /// (take it before the read the write is computed from): the batch of writes being gathered
    /// then waits for it (500 ms at most) instead of going without it. The announcement ends
    /// when the write arrives or the returned guard is dropped.
    pub(crate) fn announce_remote_write(&self, alias: &str) -> Intent {
        self.intents.announce(alias)
    }

    /// `PUT /_cluster/settings` with exactly these flat `persistent` keys (`null` removes one);
    /// nothing else is sent. Returns the acknowledged echo.
    pub async fn put_persistent_settings(
        &self,
        settings: &Map<String, Value>,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let req =
            Req::new(Method::PUT, "/_cluster/settings").json(&json!({ "persistent": settings }))?;
        self.fetch(&req, cancel).await
    }

    /// Remove every persistent setting of remote `alias` (all set to `null` in one request).
    /// Returns false when the alias had no settings.
    pub async fn remove_remote_cluster(
        &self,
        alias: &str,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        let _intent = self.announce_remote_write(alias);
        let current = self.get_remote_cluster_settings(alias, cancel).await?;
        if current.is_empty() {
            return Ok(false);
        }
        let nulls = remote_settings_diff(alias, &current, &BTreeMap::new());
        self.put_remote_cluster(alias, &nulls, cancel).await?;
        Ok(true)
    }

    /// `GET /_remote/info`.
    pub async fn remote_info(
        &self,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, RemoteInfo>> {
        let req = Req::new(Method::GET, "/_remote/info");
        // Shared with concurrent readers (see [`super::shared`]).
        self.core.remote.get(|| self.fetch(&req, cancel)).await
    }

    /// `GET /_remote/info` sent after this call (concurrent pollers share it): for waits.
    pub async fn remote_info_fresh(
        &self,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, RemoteInfo>> {
        let req = Req::new(Method::GET, "/_remote/info");
        self.core
            .remote
            .get_fresh(|| self.fetch(&req, cancel))
            .await
    }

    /// `GET /_resolve/cluster/{pattern}` (8.13+), e.g. pattern `my_alias:*`.
    pub async fn resolve_cluster(
        &self,
        pattern: &str,
        cancel: &CancellationToken,
    ) -> Result<BTreeMap<String, ResolvedCluster>> {
        self.require(Feature::ResolveCluster, cancel).await?;
        let req = Req::new(Method::GET, format!("/_resolve/cluster/{}", seg(pattern)));
        self.fetch(&req, cancel).await
    }

    /// `POST /_nodes/reload_secure_settings` (repeatable, so retried like a GET).
    pub async fn reload_secure_settings(
        &self,
        keystore_password: Option<&Secret>,
        cancel: &CancellationToken,
    ) -> Result<ReloadResult> {
        let mut req = Req::new(Method::POST, "/_nodes/reload_secure_settings").idempotent(true);
        if let Some(pw) = keystore_password {
            req = req.json(&json!({ "secure_settings_password": pw.expose() }))?;
        }
        let v: Value = self.fetch(&req, cancel).await?;
        Ok(parse_reload(&v))
    }

    /// `PUT /_security/role/{name}` after checking the role's version gates; returns `created`.
    pub async fn put_role(
        &self,
        name: &str,
        role: &Role,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        let gates = role_gates(role);
        if !gates.is_empty() {
            let info = self.info(cancel).await?;
            for g in gates {
                info.require(g)?;
            }
        }
        let req = Req::new(Method::PUT, format!("/_security/role/{}", seg(name))).json(role)?;
        let v: Value = self.fetch(&req, cancel).await?;
        Ok(v.pointer("/role/created")
            .and_then(Value::as_bool)
            .unwrap_or(false))
    }

    /// `GET /_security/role/{name}`: `None` when the role does not exist.
    pub async fn get_role(&self, name: &str, cancel: &CancellationToken) -> Result<Option<Role>> {
        let req = Req::new(Method::GET, format!("/_security/role/{}", seg(name)));
        let Some(mut v) = self.fetch_found::<Map<String, Value>>(&req, cancel).await? else {
            return Ok(None);
        };
        match v.remove(name) {
            None => Ok(None),
            Some(r) => serde_json::from_value(r)
                .map(Some)
                .map_err(|e| ClientError::Decode {
                    method: "GET".into(),
                    path: req.path.clone(),
                    message: e.to_string(),
                }),
        }
    }

    /// `GET /_security/role`: every role the caller may see, by name (reserved roles
    /// included; they carry `metadata._reserved`).
    pub async fn get_roles(&self, cancel: &CancellationToken) -> Result<BTreeMap<String, Role>> {
        let req = Req::new(Method::GET, "/_security/role");
        let v: Option<Map<String, Value>> = self.fetch_found(&req, cancel).await?;
        let mut out = BTreeMap::new();
        for (name, r) in v.unwrap_or_default() {
            let role = serde_json::from_value(r).map_err(|e| ClientError::Decode {
                method: "GET".into(),
                path: req.path.clone(),
                message: e.to_string(),
            })?;
            out.insert(name, role);
        }
        Ok(out)
    }

    /// `DELETE /_security/role/{name}`: false when it did not exist.
    pub async fn delete_role(&self, name: &str, cancel: &CancellationToken) -> Result<bool> {
        let req = Req::new(Method::DELETE, format!("/_security/role/{}", seg(name)));
        let v: Option<Value> = self.fetch_found(&req, cancel).await?;
        Ok(v.is_some_and(|v| v.get("found").and_then(Value::as_bool).unwrap_or(true)))
    }
}

/// How long the look-up and clean-up after an ambiguous create may take (on a token of its own).
pub const CLEANUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// A unique value a create puts into the new key's metadata, so a look-up can tell the key it
/// made from any other key of that name. Not a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMarker {
    /// The metadata key (must not start with `_`, which Elasticsearch reserves).
    pub key: String,
    /// The unique value.
    pub value: String,
}

impl RequestMarker {
    /// A marker under metadata key `key` with a fresh random value (128 bits, hex).
    pub fn fresh(key: &str) -> Self {
        RequestMarker {
            key: key.to_string(),
            value: super::retry::random_hex128(),
        }
    }

    /// `body` with the marker in its metadata.
    pub fn apply(&self, body: &CreateCrossClusterApiKey) -> CreateCrossClusterApiKey {
        let mut m = match &body.metadata {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        m.insert(self.key.clone(), Value::String(self.value.clone()));
        CreateCrossClusterApiKey {
            metadata: Some(Value::Object(m)),
            ..body.clone()
        }
    }

    /// Whether key `k` carries this marker.
    pub fn is_on(&self, k: &ApiKeyInfo) -> bool {
        k.metadata
            .as_ref()
            .and_then(|m| m.get(&self.key))
            .and_then(Value::as_str)
            == Some(self.value.as_str())
    }
}

/// A key created by [`EsClient::create_cross_cluster_api_key_once`].
#[derive(Debug)]
pub struct CreatedOnce {
    /// The key (with its secret).
    pub key: CreatedApiKey,
    /// Create requests sent that got an answer the provider acted on (1: the first).
    pub attempts: u32,
    /// Keys an earlier attempt had created (answer lost), invalidated again.
    pub invalidated: Vec<String>,
}

/// Why [`EsClient::create_cross_cluster_api_key_once`] gave up.
#[derive(Debug)]
pub struct CreateFailure {
    /// The last error.
    pub error: ClientError,
    /// Create requests sent.
    pub attempts: u32,
    /// Keys an attempt had created (answer lost), invalidated again.
    pub invalidated: Vec<String>,
    /// Set when the look-up or the invalidation after an ambiguous answer failed: a key with
    /// the marker may be live.
    pub unresolved: Option<String>,
}

fn es_error(req: &Req, resp: &Resp) -> ClientError {
    ClientError::Elasticsearch {
        method: req.method.to_string(),
        path: req.path.clone(),
        status: resp.status,
        cause: parse_es_error(&resp.body).map(Box::new),
        attempts: resp.attempts.map(Box::new),
    }
}
