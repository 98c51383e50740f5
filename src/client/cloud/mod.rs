//! Elastic Cloud (ESS) and Elastic Cloud Enterprise API client.
//!
//! Paths are under `<endpoint>/api/v1` (ARCHITECTURE.md, "Facts the code relies on"). Trust has no endpoint of
//! its own: it is changed through a full deployment update, which
//! [`CloudClient::update_elasticsearch_settings`] performs as a read-modify-write that only
//! touches one Elasticsearch resource's settings and retries on version conflicts.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex as StdMutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{Mutex, OwnedMutexGuard};
use tokio_util::sync::CancellationToken;

use super::error::parse_cloud_errors;
use super::group::{self, Edited, Groups, Member, Queue};
use super::{
    ClientError, HttpSettings, Req, Resp, Result, Secret, Transport, auth_header, basic_auth,
    parse_base, seg,
};

mod payload;
#[cfg(test)]
mod tests;
mod traffic_filter;
mod trust_relationship;

pub use payload::*;
pub use traffic_filter::*;
pub use trust_relationship::*;

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
    /// Shortest delay between two polls of a pending plan: the delay starts here and rises
    /// with the plan's running time (an eighth of it) up to [`Self::plan_poll_max`].
    pub plan_poll_interval: Duration,
    /// Longest delay between two polls of a pending plan.
    pub plan_poll_max: Duration,
    /// How many polls in a row must show no pending plan before a wait ends (>= 1) when no
    /// poll saw the plan pending; once one did, the first poll without it ends the wait.
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
            plan_poll_interval: Duration::from_millis(250),
            plan_poll_max: Duration::from_secs(2),
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

/// Query flags of `GET /deployments/{id}`. `None` leaves the server default.
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

    /// What an update needs: the full current plan of the resource, `prune_orphans: false`.
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

/// Applies each member's edit to its Elasticsearch resource in `payload`; returns each
/// member's resolved `ref_id` and whether its edit changed anything. Members whose resource is
/// missing are finished with an error.
async fn edit_batch(
    deployment_id: &str,
    dep: &Deployment,
    payload: &mut Value,
    batch: &mut [Member<Value, UpdateOutcome>],
) -> (Vec<String>, Vec<bool>) {
    let mut resolved: Vec<String> = vec![String::new(); batch.len()];
    let mut changed = vec![false; batch.len()];
    for (i, m) in batch.iter_mut().enumerate() {
        if m.gone() {
            continue;
        }
        let Some(r) = dep
            .es_resource(Some(&m.key))
            .and_then(|r| r.get("ref_id"))
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            m.finish(Err(resource_not_found(deployment_id, &m.key)));
            continue;
        };
        let Some(settings) = payload_es_settings_mut(payload, &r) else {
            m.finish(Err(ClientError::Unexpected(format!(
                "no settings for Elasticsearch {r}"
            ))));
            continue;
        };
        changed[i] = matches!(m.edit(settings).await, Edited::Changed);
        resolved[i] = r;
    }
    (resolved, changed)
}

/// A batch PUT was rejected with `e`: members that changed nothing are done; the others get
/// the error, or, when the error may come from one change only, are tried again each alone.
fn reject_batch(
    deployment_id: &str,
    e: &ClientError,
    members: impl Iterator<Item = ((Member<Value, UpdateOutcome>, bool), String)>,
    n_changed: usize,
    attempt: u32,
    queue: &Queue<Value, UpdateOutcome>,
) {
    let split = group::split_on(e, n_changed);
    let mut again = Vec::new();
    for ((mut m, c), r) in members {
        if !c {
            m.finish(Ok(UpdateOutcome {
                changed: false,
                attempts: attempt,
                response: None,
                ref_id: r,
            }));
        } else if split {
            again.push(m);
        } else {
            m.finish(Err(group::copy_error(e)));
        }
    }
    if !again.is_empty() {
        tracing::debug!(
            deployment_id,
            changes = again.len(),
            "batch update rejected, trying each change alone"
        );
        queue.requeue(again);
    }
}

/// What a plan wait has seen so far.
struct PlanWatch {
    started: Instant,
    seen_pending: bool,
    quiet: u32,
    last_step: String,
}

impl PlanWatch {
    fn new() -> Self {
        PlanWatch {
            started: Instant::now(),
            seen_pending: false,
            quiet: 0,
            last_step: String::from("unknown"),
        }
    }
}

/// The error of an update naming an Elasticsearch resource the deployment does not have.
fn resource_not_found(deployment_id: &str, ref_id: &str) -> ClientError {
    ClientError::Cloud {
        method: "GET".into(),
        path: CloudClient::dep_path(deployment_id),
        status: 404,
        errors: vec![super::error::CloudErrorItem {
            code: "deployments.deployment_resource_not_found".into(),
            message: format!("deployment {deployment_id} has no Elasticsearch resource {ref_id}"),
            fields: vec![],
        }],
        attempts: None,
    }
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// Typed client of the Elastic Cloud / ECE API. Cloning is cheap: clones share the transport,
/// the locks and the group-commit queues.
#[derive(Debug, Clone)]
pub struct CloudClient {
    transport: Arc<Transport>,
    locks: DeploymentLocks,
    plan_poll_interval: Duration,
    plan_poll_max: Duration,
    plan_settle_polls: u32,
    update_attempts: u32,
    /// Trust (settings) edits queued per deployment.
    settings_groups: Arc<Groups<Value, UpdateOutcome>>,
    /// Remote-clusters list edits queued per deployment and Elasticsearch resource.
    remote_groups: Arc<Groups<RemoteResources, bool>>,
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
            transport: Arc::new(Transport::new(&config.http, vec![base], Some(auth))?),
            locks,
            plan_poll_interval: config.plan_poll_interval.max(Duration::from_millis(1)),
            plan_poll_max: config.plan_poll_max,
            plan_settle_polls: config.plan_settle_polls.max(1),
            update_attempts: config.update_attempts.max(1),
            settings_groups: Arc::default(),
            remote_groups: Arc::default(),
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
                attempts: resp.attempts.map(Box::new),
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

    /// Read-modify-write of one Elasticsearch resource's `settings` (a versioned `PUT` of the whole deployment).
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

    /// [`Self::update_elasticsearch_settings`], then a wait for the plan it started, with group
    /// commit: changes to one deployment that arrive while a write of it is being prepared or
    /// its plan is pending are merged into the next single read-modify-write and plan wait
    /// (see [`super::group`]). `edit` runs in the caller's task, once per attempt, on the
    /// `settings` of `ref_id`; its error fails this call only. The plan wait ends at `deadline`
    /// moved by the time this change spent queued behind other writes.
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
        let client = self.clone();
        let dep = deployment_id.to_string();
        self.settings_groups
            .submit(
                deployment_id,
                ref_id,
                deadline,
                edit,
                move |queue| async move { client.commit_settings(dep, queue).await },
                cancel,
            )
            .await
    }

    /// The committer of one deployment's settings queue: runs batches until it is empty.
    async fn commit_settings(self, deployment_id: String, queue: Arc<Queue<Value, UpdateOutcome>>) {
        while let Some(batch) = queue.next_batch().await {
            let _guard = self.locks.lock(&deployment_id).await;
            self.settings_batch(&deployment_id, batch, &queue).await;
        }
    }

    /// One read-modify-write (with conflict retries) and one plan wait for `batch`.
    async fn settings_batch(
        &self,
        deployment_id: &str,
        mut batch: Vec<Member<Value, UpdateOutcome>>,
        queue: &Queue<Value, UpdateOutcome>,
    ) {
        // The batch is not cancelled with any one caller: the others still wait for it.
        let cancel = CancellationToken::new();
        let params = GetDeploymentParams::for_update();
        let n = batch.len();
        let mut attempt = 0;
        let (resolved, changed, response) = loop {
            attempt += 1;
            if batch.iter().all(Member::gone) {
                return;
            }
            let fail_all = |batch: &mut Vec<Member<Value, UpdateOutcome>>, e: &ClientError| {
                for m in batch.iter_mut() {
                    m.finish(Err(group::copy_error(e)));
                }
            };
            let dep = match self.get_deployment(deployment_id, &params, &cancel).await {
                Ok(d) => d,
                Err(e) => return fail_all(&mut batch, &e),
            };
            let mut payload = match build_update_payload(&dep.raw) {
                Ok(p) => p,
                Err(e) => return fail_all(&mut batch, &e),
            };
            let (resolved, changed) =
                edit_batch(deployment_id, &dep, &mut payload, &mut batch).await;
            let n_changed = changed.iter().filter(|c| **c).count();
            if n_changed == 0 {
                break (resolved, changed, None);
            }
            match self
                .put_deployment(deployment_id, &payload, dep.version.as_deref(), &cancel)
                .await
            {
                Ok(resp) => break (resolved, changed, Some(resp)),
                Err(e) if e.is_conflict() && attempt < self.update_attempts => {
                    tracing::debug!(
                        deployment_id,
                        attempt,
                        changes = n_changed,
                        "deployment version conflict, reading again"
                    );
                }
                Err(e) if e.is_conflict() => {
                    let e = ClientError::VersionConflict {
                        deployment_id: deployment_id.to_string(),
                        attempts: attempt,
                    };
                    return fail_all(&mut batch, &e);
                }
                Err(e) => {
                    let members = batch.into_iter().zip(changed).zip(resolved);
                    return reject_batch(deployment_id, &e, members, n_changed, attempt, queue);
                }
            }
        };
        tracing::debug!(
            deployment_id,
            attempts = attempt,
            members = n,
            changes = changed.iter().filter(|c| **c).count(),
            "deployment trust batch written"
        );
        let members = batch.into_iter().zip(changed).zip(resolved);
        self.finish_written(deployment_id, members, attempt, response, &cancel)
            .await;
    }

    /// After a batch was written (or needed no write): members that changed something, or whose
    /// batch met a conflict, wait for the plan; the others are done.
    async fn finish_written(
        &self,
        deployment_id: &str,
        members: impl Iterator<Item = ((Member<Value, UpdateOutcome>, bool), String)>,
        attempt: u32,
        response: Option<Value>,
        cancel: &CancellationToken,
    ) {
        // After a conflict, "nothing to change" usually means an earlier PUT of ours landed
        // (e.g. a retried PUT whose first try succeeded): its plan must still be waited for.
        let mut waiters: Vec<(Member<Value, UpdateOutcome>, UpdateOutcome)> = Vec::new();
        for ((mut m, c), r) in members {
            if m.gone() {
                continue;
            }
            let out = UpdateOutcome {
                changed: c,
                attempts: attempt,
                response: if c { response.clone() } else { None },
                ref_id: r,
            };
            if c || attempt > 1 {
                waiters.push((m, out));
            } else {
                m.finish(Ok(out));
            }
        }
        while let Some(first) = waiters.first() {
            let ref_id = first.1.ref_id.clone();
            let (these, rest): (Vec<_>, Vec<_>) =
                waiters.into_iter().partition(|(_, o)| o.ref_id == ref_id);
            waiters = rest;
            self.wait_for_members(deployment_id, &ref_id, these, cancel)
                .await;
        }
    }

    /// Wait for the plan of `ref_id` on behalf of `waiters`, each with its own deadline.
    async fn wait_for_members<O>(
        &self,
        deployment_id: &str,
        ref_id: &str,
        mut waiters: Vec<(Member<Value, O>, O)>,
        cancel: &CancellationToken,
    ) {
        let mut watch = PlanWatch::new();
        loop {
            waiters.retain(|(m, _)| !m.gone());
            if waiters.is_empty() {
                return;
            }
            match self
                .poll_plan(deployment_id, ref_id, &mut watch, cancel)
                .await
            {
                Ok(true) => {
                    for (mut m, o) in waiters {
                        m.finish(Ok(o));
                    }
                    return;
                }
                Ok(false) => {}
                Err(e) => {
                    for (m, _) in &mut waiters {
                        m.finish(Err(group::copy_error(&e)));
                    }
                    return;
                }
            }
            let now = Instant::now();
            for (m, _) in &mut waiters {
                if m.deadline <= now {
                    m.finish(Err(ClientError::PlanTimeout {
                        deployment_id: deployment_id.to_string(),
                        ref_id: ref_id.to_string(),
                        last_step: watch.last_step.clone(),
                    }));
                }
            }
            waiters.retain(|(m, _)| !m.gone());
            let Some(next_deadline) = waiters.iter().map(|(m, _)| m.deadline).min() else {
                return;
            };
            let sleep = self.plan_delay(&watch).min(next_deadline - now);
            tokio::time::sleep(sleep).await;
        }
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
                .ok_or_else(|| resource_not_found(deployment_id, ref_id))?;
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

    /// Poll the deployment until the Elasticsearch resource `ref_id` has no pending plan (see
    /// [`CloudConfig::plan_settle_polls`]); fail with the failing step's message, or with
    /// [`ClientError::PlanTimeout`] at `deadline`. Polls come often at first and less often as
    /// the plan runs ([`CloudConfig::plan_poll_interval`] up to [`CloudConfig::plan_poll_max`]).
    pub async fn wait_for_plan(
        &self,
        deployment_id: &str,
        ref_id: &str,
        deadline: Instant,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let mut watch = PlanWatch::new();
        loop {
            if self
                .poll_plan(deployment_id, ref_id, &mut watch, cancel)
                .await?
            {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ClientError::PlanTimeout {
                    deployment_id: deployment_id.to_string(),
                    ref_id: ref_id.to_string(),
                    last_step: watch.last_step,
                });
            }
            let sleep = self.plan_delay(&watch).min(deadline - now);
            tokio::select! {
                _ = cancel.cancelled() => return Err(ClientError::Cancelled),
                _ = tokio::time::sleep(sleep) => {}
            }
        }
    }

    /// One poll of a plan wait: `Ok(true)` when the wait is over.
    async fn poll_plan(
        &self,
        deployment_id: &str,
        ref_id: &str,
        watch: &mut PlanWatch,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        let params = GetDeploymentParams {
            show_plans: Some(true),
            show_plan_logs: Some(true),
            show_settings: Some(false),
            ..Default::default()
        };
        let dep = self.get_deployment(deployment_id, &params, cancel).await?;
        let state = plan_state(&dep.raw, Some(ref_id)).ok_or_else(|| {
            ClientError::Unexpected(format!(
                "deployment {deployment_id} has no plan information for {ref_id}"
            ))
        })?;
        match state {
            PlanState::Pending(step) => {
                watch.seen_pending = true;
                watch.quiet = 0;
                if let Some(step) = step {
                    watch.last_step = step;
                }
                Ok(false)
            }
            PlanState::Failed(message) => Err(ClientError::PlanFailed {
                deployment_id: deployment_id.to_string(),
                ref_id: ref_id.to_string(),
                message,
            }),
            PlanState::Done => {
                watch.quiet += 1;
                // A plan seen pending and now gone is finished; without having seen it, a few
                // quiet polls in a row make sure it was not simply not visible yet.
                Ok(watch.seen_pending || watch.quiet >= self.plan_settle_polls)
            }
        }
    }

    fn plan_delay(&self, watch: &PlanWatch) -> Duration {
        group::poll_delay(
            self.plan_poll_interval,
            self.plan_poll_max,
            watch.started.elapsed(),
        )
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

    /// `POST .../eligible-remote-clusters`: the deployments that contain clusters the given
    /// Elasticsearch resource can use as remotes, every page of them (`size` 100, following the
    /// `cursor` until a page comes back empty or without one; at most 100 pages). A search, so
    /// repeating it is harmless.
    pub async fn eligible_remote_clusters(
        &self,
        deployment_id: &str,
        ref_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<Deployment>> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default, deserialize_with = "null_as_default")]
            deployments: Vec<Value>,
            #[serde(default)]
            cursor: Option<String>,
        }
        const PAGE: u64 = 100;
        let mut out = Vec::new();
        let mut body = json!({ "size": PAGE });
        for _ in 0..100 {
            let req = Self::es_req(
                Method::POST,
                deployment_id,
                ref_id,
                "/eligible-remote-clusters",
            )
            .idempotent(true)
            .json(&body)?;
            let page: Page = self.fetch(&req, cancel).await?;
            let done = page.deployments.is_empty() || page.cursor.is_none();
            for raw in page.deployments {
                remember_endpoints(&raw);
                out.push(Deployment { raw, version: None });
            }
            match page.cursor {
                Some(c) if !done => body = json!({ "cursor": c }),
                _ => break,
            }
        }
        Ok(out)
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
    /// Edits of one list that arrive together are merged into one GET and one PUT (group
    /// commit, see [`super::group`]); each caller gets its own result.
    pub async fn update_remote_clusters<F, E>(
        &self,
        deployment_id: &str,
        ref_id: &str,
        edit: F,
        cancel: &CancellationToken,
    ) -> Result<bool>
    where
        F: FnMut(&mut RemoteResources) -> std::result::Result<Changed, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let client = self.clone();
        let (dep, rid) = (deployment_id.to_string(), ref_id.to_string());
        let key = format!("{}/{}", seg(deployment_id), seg(ref_id));
        // No plan follows a remote-clusters PUT: the deadline is not used.
        let far = Instant::now() + Duration::from_secs(86_400);
        self.remote_groups
            .submit(
                &key,
                ref_id,
                far,
                edit,
                move |queue| async move { client.commit_remotes(dep, rid, queue).await },
                cancel,
            )
            .await
    }

    async fn commit_remotes(
        self,
        deployment_id: String,
        ref_id: String,
        queue: Arc<Queue<RemoteResources, bool>>,
    ) {
        while let Some(mut batch) = queue.next_batch().await {
            let _guard = self.locks.lock(&deployment_id).await;
            let cancel = CancellationToken::new();
            let mut remotes = match self
                .get_remote_clusters(&deployment_id, &ref_id, &cancel)
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    for m in &mut batch {
                        m.finish(Err(group::copy_error(&e)));
                    }
                    continue;
                }
            };
            let mut changed = vec![false; batch.len()];
            for (i, m) in batch.iter_mut().enumerate() {
                changed[i] = matches!(m.edit(&mut remotes).await, Edited::Changed);
            }
            let n_changed = changed.iter().filter(|c| **c).count();
            let result = if n_changed == 0 {
                Ok(())
            } else {
                self.put_remote_clusters(&deployment_id, &ref_id, &remotes, &cancel)
                    .await
            };
            let split = result
                .as_ref()
                .err()
                .is_some_and(|e| group::split_on(e, n_changed));
            let mut again = Vec::new();
            for (mut m, c) in batch.into_iter().zip(changed) {
                match (&result, c) {
                    (_, false) => m.finish(Ok(false)),
                    (Ok(()), true) => m.finish(Ok(true)),
                    (Err(_), true) if split => again.push(m),
                    (Err(e), true) => m.finish(Err(group::copy_error(e))),
                }
            }
            if !again.is_empty() {
                queue.requeue(again);
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
