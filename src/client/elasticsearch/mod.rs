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

    /// `PUT /_security/cross_cluster/api_key/{id}`; returns `updated`.
    pub async fn update_cross_cluster_api_key(
        &self,
        id: &str,
        body: &UpdateCrossClusterApiKey,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        self.require(Feature::CrossClusterApiKeys, cancel).await?;
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

    /// `DELETE /_security/role/{name}`: false when it did not exist.
    pub async fn delete_role(&self, name: &str, cancel: &CancellationToken) -> Result<bool> {
        let req = Req::new(Method::DELETE, format!("/_security/role/{}", seg(name)));
        let v: Option<Value> = self.fetch_found(&req, cancel).await?;
        Ok(v.is_some_and(|v| v.get("found").and_then(Value::as_bool).unwrap_or(true)))
    }
}

fn es_error(req: &Req, resp: &Resp) -> ClientError {
    ClientError::Elasticsearch {
        method: req.method.to_string(),
        path: req.path.clone(),
        status: resp.status,
        cause: parse_es_error(&resp.body).map(Box::new),
    }
}
