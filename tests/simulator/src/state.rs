//! The simulated world: organizations, deployments, their Elasticsearch state, and the
//! connection semantics that tie them together.

use crate::fixture::{DeploymentFixture, Fixture};
use crate::util::{self, Version};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The port of the Elastic Cloud proxy for the certificate (mTLS transport) model.
pub const CERT_PORT: u16 = 9400;
/// The port of the Elastic Cloud proxy for the API-key model (remote cluster server).
pub const API_KEY_PORT: u16 = 9443;

/// One organization.
#[derive(Debug, Clone)]
pub struct Org {
    /// Organization id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Cloud API keys of this organization.
    pub api_keys: Vec<String>,
    /// Account-level `trust.trust_all`.
    pub trust_all: bool,
    /// `GET /trusted-environments` body.
    pub trusted_environments: Value,
    /// ECE environment id (None: Elastic Cloud).
    pub environment: Option<String>,
}

/// An ECE trust relationship (what `external[].trust_relationship_id` points at).
#[derive(Debug, Clone)]
pub struct TrustRel {
    /// Relationship id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Organizations covered (empty: all).
    pub account_ids: Vec<String>,
    /// Trusted by default.
    pub trust_by_default: bool,
    /// The other environment's id (ECE installation id).
    pub installation_id: Option<String>,
    /// PEM of the other environment's CA (returned only with `include_certificate=true`).
    pub public_ca_cert: Option<String>,
    /// Last modification time (epoch ms).
    pub modified_ms: i64,
}

/// A keystore entry.
#[derive(Debug, Clone)]
pub struct Secret {
    /// The value (a string, or an object stored as JSON text).
    pub value: Value,
    /// Whether the secret is a file.
    pub as_file: bool,
}

/// The kind of an Elasticsearch API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// An ordinary REST API key.
    Rest,
    /// A cross-cluster API key.
    CrossCluster,
}

impl KeyKind {
    /// The `type` field of the key.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Rest => "rest",
            KeyKind::CrossCluster => "cross_cluster",
        }
    }
}

/// An Elasticsearch API key.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// Key id.
    pub id: String,
    /// Key secret.
    pub secret: String,
    /// Key name.
    pub name: String,
    /// REST or cross-cluster.
    pub kind: KeyKind,
    /// Creation time (epoch ms).
    pub creation_ms: i64,
    /// Expiration time (epoch ms), if any.
    pub expiration_ms: Option<i64>,
    /// Invalidation time (epoch ms), if invalidated.
    pub invalidation_ms: Option<i64>,
    /// Metadata object.
    pub metadata: Value,
    /// Cross-cluster `access` (normalised), or null for REST keys.
    pub access: Value,
    /// Role descriptors (derived for cross-cluster keys, given for REST keys).
    pub role_descriptors: Value,
    /// `certificate_identity` of a cross-cluster key (9.3+, strong identity).
    pub certificate_identity: Option<String>,
}

impl ApiKey {
    /// Whether the key is active at `now` (not invalidated, not expired).
    pub fn active(&self, now: i64) -> bool {
        self.invalidation_ms.is_none() && self.expiration_ms.is_none_or(|e| e > now)
    }
    /// The `encoded` credential: base64(id:secret).
    pub fn encoded(&self) -> String {
        util::b64(&format!("{}:{}", self.id, self.secret))
    }
}

/// One recorded plan attempt.
#[derive(Debug, Clone)]
pub struct PlanAttempt {
    /// Attempt id.
    pub id: String,
    /// Sequence number (for the attempt name).
    pub seq: u64,
    /// The plan.
    pub plan: Value,
    /// Start time (epoch ms).
    pub start_ms: i64,
    /// End time (epoch ms); None while pending.
    pub end_ms: Option<i64>,
    /// The action that started it.
    pub action: String,
    /// Set when the attempt fails: the message of its failing step.
    pub failure: Option<String>,
}

/// A pending plan change.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The attempt.
    pub attempt: PlanAttempt,
    /// When it completes (epoch ms).
    pub complete_at_ms: i64,
    /// The trust that becomes effective on completion.
    pub trust: Value,
    /// Whether the node restarts (reloading the keystore).
    pub restart: bool,
    /// The Elasticsearch version after completion.
    pub version: String,
}

/// A Cloud `remote-clusters` entry.
#[derive(Debug, Clone)]
pub struct RemoteRef {
    /// Remote deployment id.
    pub deployment_id: String,
    /// Remote Elasticsearch ref_id.
    pub ref_id: String,
    /// Alias.
    pub alias: String,
    /// skip_unavailable.
    pub skip_unavailable: bool,
}

/// The Elasticsearch resource of a deployment, with the cluster's own state.
#[derive(Debug, Clone)]
pub struct Es {
    /// ref_id, e.g. `main-elasticsearch`.
    pub ref_id: String,
    /// Cloud cluster id (32 hex).
    pub cluster_id: String,
    /// Region.
    pub region: String,
    /// Endpoint host name (server_name).
    pub endpoint: String,
    /// Elasticsearch version.
    pub version: String,
    /// Password of `elastic`.
    pub password: String,
    /// Base URL of the simulated Elasticsearch.
    pub es_url: String,
    /// Elasticsearch-internal cluster UUID.
    pub cluster_uuid: String,
    /// Current (completed) plan attempt.
    pub current: PlanAttempt,
    /// Older attempts.
    pub history: Vec<PlanAttempt>,
    /// Pending plan, if any.
    pub pending: Option<Pending>,
    /// Latest accepted trust (what GET shows).
    pub trust: Value,
    /// Trust in effect (used for connections).
    pub applied_trust: Value,
    /// Keystore (what the Cloud API stores).
    pub keystore: BTreeMap<String, Secret>,
    /// Secure settings loaded by the running node.
    pub loaded: BTreeMap<String, String>,
    /// Cloud remote-clusters list.
    pub remote_clusters: Vec<RemoteRef>,
    /// Persistent cluster settings (flat keys; values are strings or arrays of strings).
    pub persistent: BTreeMap<String, Value>,
    /// Transient cluster settings.
    pub transient: BTreeMap<String, Value>,
    /// Node settings (`elasticsearch.yml`): under persistent and transient, never written.
    pub node: BTreeMap<String, Value>,
    /// API keys by id.
    pub api_keys: BTreeMap<String, ApiKey>,
    /// Roles by name.
    pub roles: BTreeMap<String, Value>,
    /// Native users and the owners of API keys not owned by `elastic`.
    pub auth: crate::auth::EsAuth,
    /// Restart counter (for the state dump).
    pub restarts: u64,
    /// Plan attempt counter.
    pub attempts: u64,
    /// When set, the next plan started fails with this message (control API `fail_next_plan`).
    pub fail_next_plan: Option<String>,
    /// Answer the Cloud API with the shapes real Elastic Cloud sends (fixture `real_shapes`).
    pub real_shapes: bool,
}

/// A deployment.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// Deployment id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Owning organization.
    pub org_id: String,
    /// Creation time (epoch ms).
    pub created_ms: i64,
    /// Last modification time (epoch ms).
    pub modified_ms: i64,
    /// Resource version for optimistic concurrency (`x-cloud-resource-version`).
    pub resource_version: u64,
    /// The Elasticsearch resource.
    pub es: Es,
}

impl Deployment {
    /// Parsed Elasticsearch version.
    pub fn version(&self) -> Version {
        util::parse_version(&self.es.version)
    }
}

/// Errors building the world from a fixture.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A deployment names an organization that the fixture does not define.
    #[error("deployment {0}: unknown organization {1}")]
    UnknownOrganization(String, String),
    /// Two deployments share an id.
    #[error("duplicate deployment id {0}")]
    DuplicateDeployment(String),
    /// An organization has no API key.
    #[error("organization {0} has no api_keys")]
    NoApiKey(String),
    /// A setting or role in the fixture is malformed.
    #[error("deployment {0}: {1}")]
    Invalid(String, String),
}

/// The whole simulated world.
#[derive(Debug, Clone)]
pub struct World {
    /// Enforce transport wire compatibility between clusters (as Elasticsearch does).
    pub wire_compat: bool,
    /// Organizations by id.
    pub orgs: BTreeMap<String, Org>,
    /// Deployments by id.
    pub deployments: BTreeMap<String, Deployment>,
    /// ECE trust relationships by id.
    pub trust_relationships: BTreeMap<String, TrustRel>,
    /// Cloud API keys with role assignments (the fixture's keys are organization owners).
    pub cloud_keys: crate::auth::CloudKeys,
    /// Traffic-filter rulesets and network security (`traffic_filter.rs`).
    pub traffic: crate::traffic_filter::TrafficFilters,
}

/// The default trust of a deployment: its own organization, all clusters.
pub fn default_trust(org_id: &str) -> Value {
    json!({
        "accounts": [{"account_id": org_id, "trust_all": true, "name": "Default trust for own organization"}],
        "external": [],
        "direct": []
    })
}

/// The trust in effect for `trust` of deployment `d`: a deployment whose settings hold no
/// `trust` object (null here) trusts what the default trusts, its own organization.
pub fn effective_trust(d: &Deployment, trust: &Value) -> Value {
    if trust.is_null() {
        default_trust(&d.org_id)
    } else {
        trust.clone()
    }
}

/// The initial plan of a deployment at `version`.
pub fn initial_plan(version: &str) -> Value {
    let v = util::parse_version(version);
    let mut topo = json!({
        "id": "hot_content",
        "zone_count": 2,
        "instance_configuration_id": "aws.es.datahot.c6gd",
        "size": {"value": 4096, "resource": "memory"},
        "elasticsearch": {"node_attributes": {"data": "hot"}}
    });
    if util::at_least(v, 7, 10) {
        topo["node_roles"] = json!([
            "master",
            "ingest",
            "transform",
            "data_hot",
            "remote_cluster_client",
            "data_content"
        ]);
    } else {
        topo["node_type"] = json!({"master": true, "data": true, "ingest": true, "ml": false});
    }
    json!({
        "cluster_topology": [topo],
        "elasticsearch": {"version": version},
        "deployment_template": {"id": "aws-storage-optimized"},
        "autoscaling_enabled": false
    })
}

/// A plan as real Elastic Cloud returns it: with a `transient` section and, for a legacy
/// resource (`ref_id` `elasticsearch`), the legacy topology fields `node_type` and
/// `elasticsearch.system_settings` and a `tiebreaker_topology` (shapes of cloud-sdk-go's
/// recorded `logging_metrics_legacy_kibana_get.json`).
pub fn real_plan(mut plan: Value, legacy: bool) -> Value {
    plan["transient"] = json!({"plan_configuration": {
        "calm_wait_time": 5, "extended_maintenance": false, "max_snapshot_age": 300
    }});
    if legacy {
        if let Some(topo) = plan["cluster_topology"].as_array_mut() {
            for t in topo {
                if let Some(o) = t.as_object_mut() {
                    o.remove("node_roles");
                    o.remove("id");
                    o.insert(
                        "node_type".into(),
                        json!({"data": true, "ingest": true, "master": true, "ml": false}),
                    );
                    o.insert(
                        "elasticsearch".into(),
                        json!({"system_settings": {
                            "auto_create_index": true, "destructive_requires_name": false,
                            "enable_close_index": false, "use_disk_threshold": true,
                            "reindex_whitelist": []
                        }}),
                    );
                }
            }
        }
        plan["tiebreaker_topology"] = json!({"memory_per_node": 1024});
        plan["elasticsearch"]["system_settings"] = json!({"enable_close_index": false, "reindex_whitelist": null, "use_disk_threshold": true});
    }
    plan
}

impl World {
    /// Builds the world from a fixture; `es_urls` gives each deployment's Elasticsearch URL.
    pub fn from_fixture(
        fixture: &Fixture,
        es_url: impl Fn(&str) -> String,
    ) -> Result<Self, FixtureError> {
        let now = util::now_ms();
        let mut w = World {
            wire_compat: true,
            orgs: BTreeMap::new(),
            deployments: BTreeMap::new(),
            trust_relationships: BTreeMap::new(),
            cloud_keys: Default::default(),
            traffic: Default::default(),
        };
        for o in &fixture.organizations {
            if o.api_keys.is_empty() {
                return Err(FixtureError::NoApiKey(o.id.clone()));
            }
            w.orgs.insert(
                o.id.clone(),
                Org {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    api_keys: o.api_keys.clone(),
                    trust_all: o.trust_all,
                    trusted_environments: o
                        .trusted_environments
                        .clone()
                        .unwrap_or_else(|| json!({"accounts": [], "external": [], "direct": []})),
                    environment: o.environment.clone(),
                },
            );
        }
        for t in &fixture.trust_relationships {
            w.trust_relationships.insert(
                t.id.clone(),
                TrustRel {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    account_ids: t.account_ids.clone(),
                    trust_by_default: t.trust_by_default,
                    installation_id: t.installation_id.clone(),
                    public_ca_cert: None,
                    modified_ms: now,
                },
            );
        }
        for d in &fixture.deployments {
            let dep = Self::deployment_from(d, fixture.real_shapes, now, &es_url)?;
            if !w.orgs.contains_key(&dep.org_id) {
                return Err(FixtureError::UnknownOrganization(
                    d.name.clone(),
                    dep.org_id.clone(),
                ));
            }
            if w.deployments.contains_key(&dep.id) {
                return Err(FixtureError::DuplicateDeployment(dep.id.clone()));
            }
            if d.network_security {
                w.traffic.forced_on.insert(dep.id.clone());
            }
            w.deployments.insert(dep.id.clone(), dep);
        }
        w.add_fixture_auth(fixture)?;
        Ok(w)
    }

    /// The fixture's Elasticsearch users and role-scoped Cloud keys.
    fn add_fixture_auth(&mut self, fixture: &Fixture) -> Result<(), FixtureError> {
        for d in &fixture.deployments {
            let id = Self::fixture_id(d);
            if let Some(dep) = self.deployments.get_mut(&id) {
                for (name, u) in &d.users {
                    let user = crate::auth::User {
                        password: u.password.clone(),
                        roles: u.roles.clone(),
                    };
                    dep.es.auth.users.insert(name.clone(), user);
                }
            }
        }
        for o in &fixture.organizations {
            for k in &o.role_api_keys {
                // Deployment names become ids.
                let mut ra = k.role_assignments.clone();
                for a in ra
                    .get_mut("deployment")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    for id in a
                        .get_mut("deployment_ids")
                        .and_then(Value::as_array_mut)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(d) = id
                            .as_str()
                            .and_then(|n| self.deployments.values().find(|d| d.name == n))
                        {
                            *id = json!(d.id);
                        }
                    }
                }
                let key = crate::auth::parse_role_assignments(&o.id, &ra)
                    .map_err(|e| FixtureError::Invalid(o.id.clone(), e))?;
                self.cloud_keys.by_secret.insert(k.key.clone(), key);
            }
        }
        Ok(())
    }

    /// The id a fixture deployment gets (given or derived from its name).
    pub fn fixture_id(d: &DeploymentFixture) -> String {
        d.id.clone()
            .unwrap_or_else(|| util::hex32(&format!("deployment/{}", d.name)))
    }

    fn deployment_from(
        d: &DeploymentFixture,
        real_shapes: bool,
        now: i64,
        es_url: &impl Fn(&str) -> String,
    ) -> Result<Deployment, FixtureError> {
        let real_shapes = d.real_shapes.unwrap_or(real_shapes);
        let id = Self::fixture_id(d);
        let cluster_id = d
            .cluster_id
            .clone()
            .unwrap_or_else(|| util::hex32(&format!("cluster/{}", d.name)));
        let region = d.region.clone().unwrap_or_else(|| "eu-west-1".to_string());
        let endpoint = d
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("{cluster_id}.{region}.aws.found.io"));
        let password = d.password.clone().unwrap_or_else(|| {
            format!(
                "sim-{}",
                &util::hex32(&format!("password/{}", d.name))[..20]
            )
        });
        let trust = match &d.trust {
            _ if d.trust_absent => Value::Null,
            Some(t) => normalize_trust(t, None)
                .map_err(|e| FixtureError::Invalid(d.name.clone(), e.message))?,
            None => default_trust(&d.organization_id),
        };
        let mut keystore = BTreeMap::new();
        let mut loaded = BTreeMap::new();
        for (k, v) in &d.keystore {
            keystore.insert(
                k.clone(),
                Secret {
                    value: v.clone(),
                    as_file: v.is_object(),
                },
            );
            loaded.insert(k.clone(), secret_text(v));
        }
        let mut persistent = BTreeMap::new();
        let mut transient = BTreeMap::new();
        if let Some(cs) = &d.cluster_settings {
            for (scope, target) in [
                ("persistent", &mut persistent),
                ("transient", &mut transient),
            ] {
                if let Some(obj) = cs.get(scope) {
                    let mut flat = Vec::new();
                    crate::settings::flatten("", obj, &mut flat);
                    for (k, v) in flat {
                        if !v.is_null() {
                            target.insert(k, crate::settings::stringify(&v));
                        }
                    }
                }
            }
        }
        let mut node = BTreeMap::new();
        if let Some(ns) = &d.node_settings {
            let mut flat = Vec::new();
            crate::settings::flatten("", ns, &mut flat);
            for (k, v) in flat {
                if !v.is_null() && !k.is_empty() {
                    node.insert(k, crate::settings::stringify(&v));
                }
            }
        }
        let mut api_keys = BTreeMap::new();
        for k in &d.rest_api_keys {
            api_keys.insert(
                k.id.clone(),
                ApiKey {
                    id: k.id.clone(),
                    secret: k.api_key.clone(),
                    name: k.name.clone().unwrap_or_else(|| k.id.clone()),
                    kind: KeyKind::Rest,
                    creation_ms: now,
                    expiration_ms: None,
                    invalidation_ms: None,
                    metadata: json!({}),
                    access: Value::Null,
                    role_descriptors: Value::Object(k.role_descriptors.clone()),
                    certificate_identity: None,
                },
            );
        }
        let roles = d
            .roles
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let ref_id = d
            .ref_id
            .clone()
            .unwrap_or_else(|| "main-elasticsearch".to_string());
        let mut plan = initial_plan(&d.version);
        if real_shapes {
            plan = real_plan(plan, ref_id == "elasticsearch");
        }
        let current = PlanAttempt {
            id: util::hex32(&format!("attempt/{id}/0")),
            seq: 0,
            plan,
            start_ms: now,
            end_ms: Some(now),
            action: "deployments.create-deployment".to_string(),
            failure: None,
        };
        Ok(Deployment {
            id: id.clone(),
            name: d.name.clone(),
            org_id: d.organization_id.clone(),
            created_ms: now,
            modified_ms: now,
            resource_version: 1,
            es: Es {
                ref_id,
                cluster_id: cluster_id.clone(),
                region,
                endpoint,
                version: d.version.clone(),
                password,
                es_url: es_url(&id),
                cluster_uuid: util::alnum(&format!("uuid/{cluster_id}"), 22),
                current,
                history: Vec::new(),
                pending: None,
                applied_trust: trust.clone(),
                trust,
                keystore,
                loaded,
                remote_clusters: Vec::new(),
                persistent,
                transient,
                node,
                api_keys,
                roles,
                auth: Default::default(),
                restarts: 0,
                attempts: 0,
                fail_next_plan: None,
                real_shapes,
            },
        })
    }

    /// Completes every pending plan whose time has come.
    pub fn settle(&mut self, now: i64) {
        for d in self.deployments.values_mut() {
            let due =
                d.es.pending
                    .as_ref()
                    .is_some_and(|p| p.complete_at_ms <= now);
            if !due {
                continue;
            }
            if let Some(p) = d.es.pending.take() {
                let mut attempt = p.attempt;
                attempt.end_ms = Some(p.complete_at_ms.max(attempt.start_ms));
                let failed = attempt.failure.is_some();
                let old = std::mem::replace(&mut d.es.current, attempt);
                d.es.history.push(old);
                if failed {
                    // A failed plan changes nothing: the accepted trust reverts to the applied one.
                    d.es.trust = d.es.applied_trust.clone();
                    continue;
                }
                d.es.applied_trust = p.trust;
                d.es.version = p.version;
                if p.restart {
                    d.es.loaded = loaded_from(&d.es.keystore);
                    d.es.restarts += 1;
                }
            }
        }
    }

    /// Starts (or replaces) the pending plan of a deployment.
    pub fn start_plan(
        &mut self,
        dep_id: &str,
        plan: Value,
        restart: bool,
        action: &str,
        plan_ms: u64,
    ) {
        let now = util::now_ms();
        let Some(d) = self.deployments.get_mut(dep_id) else {
            return;
        };
        d.es.attempts += 1;
        let seq = d.es.attempts;
        let restart = restart || d.es.pending.as_ref().is_some_and(|p| p.restart);
        let version = plan
            .pointer("/elasticsearch/version")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| d.es.version.clone());
        d.es.pending = Some(Pending {
            attempt: PlanAttempt {
                id: util::hex32(&format!("attempt/{}/{seq}/{}", d.id, util::fresh(8))),
                seq,
                plan,
                start_ms: now,
                end_ms: None,
                action: action.to_string(),
                failure: d.es.fail_next_plan.take(),
            },
            complete_at_ms: now + plan_ms as i64,
            trust: d.es.trust.clone(),
            restart,
            version,
        });
        self.settle(now);
    }

    /// The deployment whose endpoint is `host`.
    pub fn by_endpoint(&self, host: &str) -> Option<&Deployment> {
        self.deployments
            .values()
            .find(|d| d.es.endpoint.eq_ignore_ascii_case(host))
    }

    /// Whether `a` (with its applied trust) trusts `b` for the certificate model.
    pub fn trusts(&self, a: &Deployment, b: &Deployment) -> bool {
        self.trust_value_trusts(&effective_trust(a, &a.es.applied_trust), b)
            || self.trusted_by_default(a, b)
    }

    /// ECE (api-facts-next 3.1): a trust relationship with `trust_by_default` is trusted by
    /// every deployment of the environment without an `external[]` entry. It covers the
    /// deployments of its `installation_id` (another ECE environment) or, without one, of its
    /// `account_ids` (e.g. an Elastic Cloud organization: inferred).
    fn trusted_by_default(&self, a: &Deployment, b: &Deployment) -> bool {
        let env = |d: &Deployment| self.orgs.get(&d.org_id).and_then(|o| o.environment.clone());
        if env(a).is_none() {
            return false;
        }
        let b_env = env(b);
        self.trust_relationships.values().any(|rel| {
            rel.trust_by_default
                && match &rel.installation_id {
                    Some(inst) => b_env.as_deref() == Some(inst.as_str()),
                    None => !rel.account_ids.is_empty(),
                }
                && (rel.account_ids.is_empty() || rel.account_ids.contains(&b.org_id))
        })
    }

    /// Whether the trust object `trust` covers deployment `b`.
    pub fn trust_value_trusts(&self, trust: &Value, b: &Deployment) -> bool {
        let allowed = |e: &Value| {
            e.get("trust_all").and_then(Value::as_bool).unwrap_or(false)
                || e.get("trust_allowlist")
                    .and_then(Value::as_array)
                    .is_some_and(|l| {
                        l.iter()
                            .any(|c| c.as_str() == Some(b.es.cluster_id.as_str()))
                    })
        };
        let list = |name: &str| {
            trust
                .get(name)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        for e in list("accounts") {
            if e.get("account_id").and_then(Value::as_str) == Some(b.org_id.as_str()) && allowed(&e)
            {
                return true;
            }
        }
        let b_env = self.orgs.get(&b.org_id).and_then(|o| o.environment.clone());
        for e in list("direct") {
            let ty = e.get("type").and_then(Value::as_str).unwrap_or("generic");
            if ty == "proxy" {
                continue;
            }
            // api-facts-next 3.2: a `direct` entry of type ECE is scoped to an ECE environment
            // (its id in `scope_id`), one of type ESS to an Elastic Cloud organization.
            let scope = e.get("scope_id").and_then(Value::as_str);
            let in_scope = match ty {
                "ECE" => scope.is_some() && scope == b_env.as_deref(),
                "ESS" => b_env.is_none() && scope == Some(b.org_id.as_str()),
                _ => {
                    scope == Some(b.org_id.as_str())
                        || (scope.is_some() && scope == b_env.as_deref())
                }
            };
            if in_scope && allowed(&e) {
                return true;
            }
            let names = e
                .get("additional_node_names")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if names.iter().any(|n| {
                n.as_str().is_some_and(|n| {
                    n.eq_ignore_ascii_case(&b.es.endpoint) || n.contains(&b.es.cluster_id)
                })
            }) {
                return true;
            }
        }
        for e in list("external") {
            let Some(rel) = e
                .get("trust_relationship_id")
                .and_then(Value::as_str)
                .and_then(|id| self.trust_relationships.get(id))
            else {
                continue;
            };
            // An external trust relationship is another ECE environment (api-facts-next 3.1):
            // it covers that environment's deployments (its `installation_id`), of the listed
            // accounts when `account_ids` is given.
            let env_ok = match &rel.installation_id {
                Some(inst) => b_env.as_deref() == Some(inst.as_str()),
                None => true,
            };
            if env_ok
                && (rel.account_ids.is_empty() || rel.account_ids.contains(&b.org_id))
                && allowed(&e)
            {
                return true;
            }
        }
        false
    }

    /// Evaluates the connection of alias `alias` configured on deployment `local_id`.
    pub fn connection(&self, local_id: &str, alias: &str, now: i64) -> Connection {
        let Some(local) = self.deployments.get(local_id) else {
            return Connection::down(Cause::Unreachable, "the local deployment no longer exists");
        };
        self.connection_with(local, &crate::settings::effective(&local.es), alias, now)
    }

    /// [`World::connection`] with the local deployment's effective settings already computed
    /// (`_remote/info` asks for every alias: computing them once keeps it linear in the
    /// number of aliases).
    pub fn connection_with(
        &self,
        local: &Deployment,
        s: &BTreeMap<String, Value>,
        alias: &str,
        now: i64,
    ) -> Connection {
        let get = |k: &str| s.get(&format!("cluster.remote.{alias}.{k}")).cloned();
        let mode = get("mode")
            .and_then(|v| v.as_str().map(str::to_ascii_lowercase))
            .unwrap_or_else(|| "sniff".to_string());
        let creds_key = format!("cluster.remote.{alias}.credentials");
        let creds_loaded = local.es.loaded.get(&creds_key).cloned();
        if mode == "proxy" {
            let Some(addr) = get("proxy_address").and_then(|v| v.as_str().map(str::to_string))
            else {
                return Connection::down(Cause::Unreachable, "no proxy_address is configured");
            };
            let server_name = get("server_name").and_then(|v| v.as_str().map(str::to_string));
            self.via_proxy(
                local,
                alias,
                &addr,
                server_name.as_deref(),
                creds_loaded,
                now,
            )
        } else {
            let seeds: Vec<String> = match get("seeds") {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                Some(Value::String(t)) => t.split(',').map(|x| x.trim().to_string()).collect(),
                _ => Vec::new(),
            };
            if let Some(proxy) = get("proxy").and_then(|v| v.as_str().map(str::to_string)) {
                // Legacy sniff through a proxy: every connection goes to the proxy address and
                // the TLS SNI is the proxy's host name.
                let host = proxy
                    .rsplit_once(':')
                    .map(|(h, _)| h.to_string())
                    .unwrap_or_default();
                return self.via_proxy(local, alias, &proxy, Some(&host), creds_loaded, now);
            }
            if seeds.is_empty() {
                return Connection::down(Cause::Unreachable, "no seeds are configured");
            }
            let host = seeds[0].rsplit_once(':').map(|(h, _)| h).unwrap_or("");
            if self.by_endpoint(host).is_some() {
                return Connection::down(
                    Cause::Unreachable,
                    format!(
                        "sniff mode dials the seed nodes directly, and Elastic Cloud deployments are only reachable through their proxy: use mode proxy with proxy_address \"{host}:{CERT_PORT}\" (certificates) or \"{host}:{API_KEY_PORT}\" (API keys) and server_name \"{host}\""
                    ),
                );
            }
            Connection::down(Cause::Unreachable, format!("unknown host [{host}]"))
        }
    }

    fn via_proxy(
        &self,
        local: &Deployment,
        alias: &str,
        addr: &str,
        server_name: Option<&str>,
        creds: Option<String>,
        now: i64,
    ) -> Connection {
        let (host, port) = match addr.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().unwrap_or(0)),
            None => (addr, 0),
        };
        let Some(remote) = self.by_endpoint(host) else {
            return Connection::down(
                Cause::Unreachable,
                format!("unknown host [{host}]: no deployment has this endpoint"),
            );
        };
        // The Elastic Cloud proxy routes by TLS SNI: without the right server_name it cannot
        // pick a cluster and closes the connection, which Elasticsearch reports as unreachable.
        match server_name {
            None | Some("") => {
                return Connection::down(Cause::ServerName, format!(
                    "server_name is not set: the Elastic Cloud proxy routes connections by TLS SNI, so set server_name to \"{host}\""
                ))
                .with_remote(remote);
            }
            Some(sn) if !sn.eq_ignore_ascii_case(&remote.es.endpoint) => {
                return Connection::down(Cause::ServerName, format!(
                    "server_name [{sn}] does not match the proxy address host: the Elastic Cloud proxy cannot route it; set server_name to \"{host}\""
                ))
                .with_remote(remote);
            }
            _ => {}
        }
        if port != API_KEY_PORT && port != CERT_PORT {
            return Connection::down(Cause::Port, format!(
                "port {port} is not served by the Elastic Cloud proxy: use {CERT_PORT} for the certificate model or {API_KEY_PORT} for the API-key model"
            ))
            .with_remote(remote);
        }
        // api-facts-next 2.1: the proxy in front of the remote cluster server (9443) refuses
        // API-key traffic that no traffic filter of the remote admits (403 at the proxy; the
        // local cluster only sees the connection closed, so `_resolve/cluster` gives no
        // `error`: inferred). The certificate model (9400) is never filtered.
        if port == API_KEY_PORT && !self.traffic.admits(self, local, remote) {
            return Connection::down(Cause::TrafficFilter, format!(
                "network security is on for remote deployment [{}] and none of its traffic filters admits this deployment: associate a remote_cluster traffic filter with it whose rule has remote_cluster_org_id [{}] and/or remote_cluster_id [{}]",
                remote.name, local.org_id, local.es.cluster_id
            ))
            .with_remote(remote);
        }
        let lv = local.version();
        let rv = remote.version();
        if self.wire_compat && !wire_compatible(lv, rv) {
            // TransportService's handshake check (api-facts-next 6.2), from the local side.
            let node = util::alnum(&format!("node/{}", remote.es.cluster_id), 22);
            return Connection::down(
                if lv > rv {
                    Cause::RemoteTooOld
                } else {
                    Cause::RemoteTooNew
                },
                format!(
                    "remote cluster [{}] runs Elasticsearch {}, which is not wire-compatible with this cluster's {}",
                    remote.name, remote.es.version, local.es.version
                ),
            )
            .es(format!(
                "java.lang.IllegalStateException: handshake with [{{instance-0000000000}}{{{node}}}{{{host}:{port}}}] failed: remote node version [{}] is incompatible with local node version [{}]",
                remote.es.version, local.es.version
            ))
            .with_remote(remote);
        }
        let creds_key = format!("cluster.remote.{alias}.credentials");
        match port {
            API_KEY_PORT => {
                // The remote cluster server rejects a connection without the credentials header
                // (api-facts-next 6.1 #5b), whatever the reason it is missing.
                let no_header = "java.lang.IllegalArgumentException: Cross cluster requests through the dedicated remote cluster server port require transport header [_cross_cluster_access_credentials] but none found. Please ensure you have configured remote cluster credentials on the cluster originating the request.";
                if !util::at_least(rv, 8, 10) {
                    return Connection::down(
                        Cause::ApiKeyModelVersion,
                        "the API-key model needs Elasticsearch 8.10 or later on both clusters",
                    )
                    .es("all nodes must have version [8.10.0] or higher to support cross cluster requests through the dedicated remote cluster port")
                    .with_remote(remote);
                }
                let Some(encoded) = creds.filter(|_| util::at_least(lv, 8, 10)) else {
                    if !util::at_least(lv, 8, 10) {
                        return Connection::down(
                            Cause::ApiKeyModelVersion,
                            "the API-key model needs Elasticsearch 8.10 or later on both clusters",
                        )
                        .es(no_header)
                        .with_remote(remote);
                    }
                    if local.es.keystore.contains_key(&creds_key) {
                        return Connection::down(Cause::CredentialsNotLoaded, format!(
                            "the keystore holds [{creds_key}] but the running node has not loaded it: Elasticsearch {} does not reload the keystore automatically (8.14+ does); restart the Elasticsearch resource (POST .../_restart) or call POST /_nodes/reload_secure_settings",
                            local.es.version
                        ))
                        .es(no_header)
                        .with_remote(remote);
                    }
                    return Connection::down(Cause::CredentialsMissing, format!(
                        "port {API_KEY_PORT} is the API-key model but no credentials are configured for [{alias}]: add a cross-cluster API key of the remote cluster to the keystore as [{creds_key}], or use port {CERT_PORT} for the certificate model"
                    ))
                    .es(no_header)
                    .with_remote(remote);
                };
                let checked = check_credentials(remote, &encoded, now).and_then(|key| {
                    // Strong identity (9.3+): the key's certificate_identity and the signature.
                    let sent = crate::signing::signature(local, alias);
                    crate::signing::verify(
                        remote,
                        &key.id,
                        key.certificate_identity.as_deref(),
                        sent.as_ref(),
                    )
                });
                match checked {
                    Ok(()) => Connection::up(remote),
                    Err((cause, why, es)) => Connection::down(
                        cause,
                        format!(
                            "remote cluster [{}] rejected the credentials in [{creds_key}]: {why}",
                            remote.name
                        ),
                    )
                    .es(es)
                    .with_remote(remote),
                }
            }
            _ => {
                if creds.is_some() {
                    // Credentials select the remote_cluster_client TLS context, whose client
                    // certificate the transport port (9400 passthrough) refuses (6.1 #4b).
                    return Connection::down(Cause::Port, format!(
                        "credentials are configured for [{alias}] (API-key model) but port {CERT_PORT} is the certificate (transport) port: use port {API_KEY_PORT}"
                    ))
                    .es("javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate")
                    .with_remote(remote);
                }
                let there = self.trusts(local, remote);
                let back = self.trusts(remote, local);
                match (there, back) {
                    (true, true) => Connection::up(remote),
                    // 6.1 #3: the local TLS client cannot build a path to the remote's CA.
                    (false, _) => Connection::down(Cause::LocalTrust, format!(
                        "this deployment does not trust remote cluster [{}] (cluster id {}, organization {}): add a trusted environment for it",
                        remote.name, remote.es.cluster_id, remote.org_id
                    ))
                    .es("javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target")
                    .with_remote(remote),
                    // The remote refuses this cluster's client certificate.
                    (true, false) => Connection::down(Cause::RemoteTrust, format!(
                        "remote cluster [{}] does not trust this deployment (cluster id {}, organization {}): the certificate model needs trust on both sides",
                        remote.name, local.es.cluster_id, local.org_id
                    ))
                    .es("javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate")
                    .with_remote(remote),
                }
            }
        }
    }
}

/// Checks a cross-cluster credential against the remote's keys: on failure the cause, the
/// simulator's explanation and Elasticsearch's own text (api-facts-next 6.1 #6, #7).
fn check_credentials<'a>(
    remote: &'a Deployment,
    encoded: &str,
    now: i64,
) -> Result<&'a ApiKey, (Cause, String, String)> {
    let action = "cluster:internal/remote_cluster/handshake";
    let Some((id, secret)) = util::unb64(encoded).and_then(|t| {
        t.split_once(':')
            .map(|(a, b)| (a.to_string(), b.to_string()))
    }) else {
        return Err((
            Cause::KeyInvalid,
            "the value is not an encoded API key".to_string(),
            format!("unable to authenticate user [] for action [{action}]"),
        ));
    };
    let es = format!("unable to authenticate user [{id}] for action [{action}]");
    let Some(key) = remote.es.api_keys.get(&id) else {
        return Err((
            Cause::KeyOfAnotherCluster,
            format!(
                "API key [{id}] does not exist on this cluster (is it a key of another cluster?)"
            ),
            es,
        ));
    };
    if key.kind != KeyKind::CrossCluster {
        return Err((
            Cause::RestKey,
            format!("API key [{id}] is a REST key, not a cross-cluster API key"),
            format!(
                "authentication expected API key type of [cross_cluster], but API key [{id}] has type [rest]"
            ),
        ));
    }
    if key.secret != secret {
        return Err((
            Cause::KeyInvalid,
            format!("the secret of API key [{id}] is wrong"),
            es,
        ));
    }
    if key.invalidation_ms.is_some() {
        return Err((
            Cause::KeyInvalidated,
            format!("API key [{id}] has been invalidated"),
            es,
        ));
    }
    if key.expiration_ms.is_some_and(|e| e <= now) {
        return Err((Cause::KeyExpired, format!("API key [{id}] has expired"), es));
    }
    Ok(key)
}

/// The minimum wire-compatible version of `v`.
pub fn min_wire(v: Version) -> Version {
    match v.0 {
        9.. => (8, 19, 0),
        8 => (7, 17, 0),
        7 => (6, 8, 0),
        m => (m.saturating_sub(1), 0, 0),
    }
}

/// Whether two versions can talk over the transport protocol.
pub fn wire_compatible(a: Version, b: Version) -> bool {
    a >= min_wire(b) && b >= min_wire(a)
}

/// Why a remote connection is down: one value per documented cause (api-facts-next 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Nothing answers at the address (unknown host, no address, sniff towards Cloud).
    Unreachable,
    /// `server_name` missing or not the remote's endpoint: the proxy cannot route it.
    ServerName,
    /// The port does not fit the model (9400 with credentials) or is not a proxy port.
    Port,
    /// The remote runs an older version this cluster cannot talk to.
    RemoteTooOld,
    /// The remote runs a newer version this cluster cannot talk to.
    RemoteTooNew,
    /// API-key model with a cluster older than 8.10.
    ApiKeyModelVersion,
    /// API-key model (9443) without credentials for the alias.
    CredentialsMissing,
    /// The credentials are in the keystore but not loaded by the node yet.
    CredentialsNotLoaded,
    /// The key (id or secret) is not valid on the remote.
    KeyInvalid,
    /// The key id is unknown on the remote: a key of another cluster.
    KeyOfAnotherCluster,
    /// The key has been invalidated.
    KeyInvalidated,
    /// The key has expired.
    KeyExpired,
    /// A REST key where a cross-cluster key is needed.
    RestKey,
    /// Certificate model: this cluster does not trust the remote (or its allowlist lacks it).
    LocalTrust,
    /// Certificate model: the remote does not trust this cluster (or its allowlist lacks it).
    RemoteTrust,
    /// Strong identity: the key has `certificate_identity` but the request is not signed.
    SigningMissing,
    /// Strong identity: the signing certificate's DN does not match `certificate_identity`.
    SigningIdentity,
    /// Strong identity: the remote does not trust the signing certificate's CA.
    SigningUntrusted,
    /// API-key model: network security on the remote and no traffic filter admits this cluster.
    TrafficFilter,
}

impl Cause {
    /// The name shown in `GET /_sim/state`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Unreachable => "unreachable",
            Cause::ServerName => "server_name",
            Cause::Port => "port",
            Cause::RemoteTooOld => "remote_too_old",
            Cause::RemoteTooNew => "remote_too_new",
            Cause::ApiKeyModelVersion => "api_key_model_version",
            Cause::CredentialsMissing => "credentials_missing",
            Cause::CredentialsNotLoaded => "credentials_not_loaded",
            Cause::KeyInvalid => "key_invalid",
            Cause::KeyOfAnotherCluster => "key_of_another_cluster",
            Cause::KeyInvalidated => "key_invalidated",
            Cause::KeyExpired => "key_expired",
            Cause::RestKey => "rest_key",
            Cause::LocalTrust => "local_trust",
            Cause::RemoteTrust => "remote_trust",
            Cause::SigningMissing => "signing_missing",
            Cause::SigningIdentity => "signing_identity",
            Cause::SigningUntrusted => "signing_untrusted",
            Cause::TrafficFilter => "traffic_filter",
        }
    }
}

/// The connection status of a remote alias.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Connected.
    pub connected: bool,
    /// Why not connected (the documented cause).
    pub cause: Option<Cause>,
    /// Why not connected, in the simulator's words (`GET /_sim/state`).
    pub reason: Option<String>,
    /// What Elasticsearch's `_resolve/cluster` reports in `error` (None: no `error`, as for an
    /// unreachable remote).
    pub es_error: Option<String>,
    /// The remote deployment it reaches (when known).
    pub remote_id: Option<String>,
    /// The remote's Elasticsearch version.
    pub remote_version: Option<String>,
}

impl Connection {
    fn up(remote: &Deployment) -> Self {
        Connection {
            connected: true,
            cause: None,
            reason: None,
            es_error: None,
            remote_id: Some(remote.id.clone()),
            remote_version: Some(remote.es.version.clone()),
        }
    }
    fn down(cause: Cause, reason: impl Into<String>) -> Self {
        Connection {
            connected: false,
            cause: Some(cause),
            reason: Some(reason.into()),
            es_error: None,
            remote_id: None,
            remote_version: None,
        }
    }
    fn es(mut self, text: impl Into<String>) -> Self {
        self.es_error = Some(text.into());
        self
    }
    fn with_remote(mut self, remote: &Deployment) -> Self {
        self.remote_id = Some(remote.id.clone());
        self.remote_version = Some(remote.es.version.clone());
        self
    }
}

/// The text form of a keystore value (objects are stored as JSON text).
pub fn secret_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The loaded secure settings for a keystore.
pub fn loaded_from(keystore: &BTreeMap<String, Secret>) -> BTreeMap<String, String> {
    keystore
        .iter()
        .map(|(k, s)| (k.clone(), secret_text(&s.value)))
        .collect()
}

/// A validation problem in a Cloud request body.
#[derive(Debug, Clone)]
pub struct BodyError {
    /// Error code.
    pub code: &'static str,
    /// Message.
    pub message: String,
    /// Offending fields.
    pub fields: Vec<String>,
}

fn body_error(field: String, message: String) -> BodyError {
    BodyError {
        code: "root.invalid_json_request",
        message,
        fields: vec![field],
    }
}

/// Validates and normalises a written `settings.trust` object (all three lists present, direct
/// `uid`s assigned, read-only fields dropped). `previous` keeps existing `uid`s stable.
pub fn normalize_trust(trust: &Value, _previous: Option<&Value>) -> Result<Value, BodyError> {
    let Some(obj) = trust.as_object() else {
        return Err(body_error(
            "settings.trust".into(),
            "settings.trust must be an object".into(),
        ));
    };
    let mut out = Map::new();
    for list in ["accounts", "external", "direct"] {
        let items = match obj.get(list) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => {
                return Err(body_error(
                    format!("settings.trust.{list}"),
                    format!("settings.trust.{list} must be an array"),
                ));
            }
        };
        let mut norm = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("settings.trust.{list}[{i}]");
            let Value::Object(mut e) = item else {
                return Err(body_error(
                    path.clone(),
                    format!("{path} must be an object"),
                ));
            };
            let required: &[&str] = match list {
                "accounts" => &["account_id", "trust_all"],
                "external" => &["trust_relationship_id", "trust_all"],
                _ => &["name", "trust_all", "certificates"],
            };
            for r in required {
                if e.get(*r).is_none_or(Value::is_null) {
                    return Err(body_error(
                        format!("{path}.{r}"),
                        format!(
                            "JSON request does not comply with schema: missing required field [{r}] in [{path}]"
                        ),
                    ));
                }
            }
            if !e.get("trust_all").is_some_and(Value::is_boolean) {
                return Err(body_error(
                    format!("{path}.trust_all"),
                    format!("{path}.trust_all must be a boolean"),
                ));
            }
            // `null` is what real Cloud sends for an empty allowlist (and the SDK sends back).
            if e.get("trust_allowlist").is_some_and(Value::is_null) {
                e.remove("trust_allowlist");
            }
            if let Some(al) = e.get("trust_allowlist")
                && !al
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string))
            {
                return Err(body_error(
                    format!("{path}.trust_allowlist"),
                    format!("{path}.trust_allowlist must be an array of strings"),
                ));
            }
            if list == "external" {
                e.remove("name");
            }
            if list == "direct" {
                validate_direct(&mut e, &path)?;
            }
            norm.push(Value::Object(e));
        }
        out.insert(list.to_string(), Value::Array(norm));
    }
    Ok(Value::Object(out))
}

fn validate_direct(e: &mut Map<String, Value>, path: &str) -> Result<(), BodyError> {
    let ty = e
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("generic")
        .to_string();
    if !["ECE", "ESS", "generic", "proxy"].contains(&ty.as_str()) {
        return Err(body_error(
            format!("{path}.type"),
            format!("{path}.type [{ty}] is not one of [ECE, ESS, generic, proxy]"),
        ));
    }
    let certs = e
        .get("certificates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if certs.is_empty() {
        return Err(body_error(
            format!("{path}.certificates"),
            format!("{path}.certificates must contain at least one certificate"),
        ));
    }
    let mut clean = Vec::new();
    for (i, c) in certs.iter().enumerate() {
        let Some(pem) = c.get("pem").and_then(Value::as_str) else {
            return Err(body_error(
                format!("{path}.certificates[{i}].pem"),
                format!(
                    "JSON request does not comply with schema: missing required field [pem] in [{path}.certificates[{i}]]"
                ),
            ));
        };
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(body_error(
                format!("{path}.certificates[{i}].pem"),
                format!("{path}.certificates[{i}].pem is not a PEM certificate"),
            ));
        }
        clean.push(json!({"pem": pem}));
    }
    e.insert("certificates".into(), Value::Array(clean));
    let trust_all = e.get("trust_all").and_then(Value::as_bool).unwrap_or(false);
    let allowlist = e
        .get("trust_allowlist")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let scope = e
        .get("scope_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(s) = &scope
        && (s.len() > 32
            || !s
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    {
        return Err(body_error(
            format!("{path}.scope_id"),
            format!("{path}.scope_id must be lowercase alphanumeric, at most 32 characters"),
        ));
    }
    if ty == "proxy" {
        if trust_all || allowlist || scope.is_some() || e.contains_key("additional_node_names") {
            return Err(body_error(
                path.to_string(),
                format!(
                    "{path}: a direct trust of type [proxy] must have trust_all false and no trust_allowlist, scope_id or additional_node_names"
                ),
            ));
        }
    } else if (trust_all || allowlist) && scope.is_none() {
        return Err(body_error(
            format!("{path}.scope_id"),
            format!(
                "{path}.scope_id is required when trust_all is true or trust_allowlist is not empty"
            ),
        ));
    } else if scope.is_none()
        && e.get("additional_node_names")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
    {
        return Err(body_error(
            format!("{path}.additional_node_names"),
            format!("{path}.additional_node_names is required when scope_id is not set"),
        ));
    }
    if let Some(names) = e.get("additional_node_names").and_then(Value::as_array)
        && names
            .iter()
            .any(|n| n.as_str().is_none_or(|s| s.contains('*')))
    {
        return Err(body_error(
            format!("{path}.additional_node_names"),
            format!("{path}.additional_node_names must be node names without wildcards"),
        ));
    }
    if !e.contains_key("uid") {
        e.insert("uid".into(), Value::String(util::fresh_uuid()));
    }
    Ok(())
}
