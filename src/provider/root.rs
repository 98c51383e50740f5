//! The `crosscluster` provider: its schema, configuration and the list of what it offers.

use std::sync::Arc;

use async_trait::async_trait;

use crate::client::{
    CloudClient, CloudConfig, DeploymentLocks, EsClient, EsConfig, HttpSettings, RetryPolicy,
};
use crate::framework::decode::ObjectReader;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, NestedBlock, Schema};
use crate::framework::traits::{
    ConfigureRequest, ConfigureResponse, DataSource, Env, Function, Provider, ProviderMetadata,
    Resource,
};
use crate::framework::value::{Type, Value};

use super::config::{self, Problem, RawCloud, RawConfig, RawElasticsearch, Settings};
use super::functions;

/// The provider's type name.
pub const TYPE_NAME: &str = "crosscluster";

/// The provider's version (the crate's).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What `configure` hands to every resource and data source: the settings and the API
/// clients built from them (a client exists only when its block or variables are set).
#[derive(Debug)]
pub struct Configured {
    /// The resolved configuration.
    pub settings: Settings,
    cloud: Option<CloudClient>,
    elasticsearch: Option<EsClient>,
}

impl Configured {
    /// Builds the clients of `settings`. Deployment locks are shared process-wide, so that
    /// several provider instances (aliases) updating one deployment queue instead of racing.
    pub fn new(settings: Settings, env: &Env) -> Result<Self, Diagnostics> {
        let http = |insecure: bool, ca_file: Option<std::path::PathBuf>, ca_pem: Option<String>| {
            HttpSettings {
                timeout: settings.request_timeout,
                ca_file,
                ca_pem,
                insecure,
                retry: retry_policy(settings.max_retries, env),
            }
        };
        let cloud = match &settings.cloud {
            None => None,
            Some(c) => {
                let mut cfg =
                    CloudConfig::new(c.endpoint.as_str().trim_end_matches('/'), c.auth.clone());
                cfg.http = http(c.insecure, c.ca_file.clone(), None);
                if let Some(d) = plan_poll_interval_override(env) {
                    cfg.plan_poll_interval = d;
                }
                let client = CloudClient::with_locks(cfg, shared_locks()).map_err(|e| {
                    Diagnostics::from(Diagnostic::attribute_error(
                        AttributePath::root().attr("cloud"),
                        "Cannot set up the Cloud API client",
                        e.to_string(),
                    ))
                })?;
                Some(client)
            }
        };
        let elasticsearch = match &settings.elasticsearch {
            None => None,
            Some(es) => {
                let endpoints = es
                    .endpoints
                    .iter()
                    .map(|u| u.as_str().trim_end_matches('/').to_string())
                    .collect();
                let mut cfg = EsConfig::new(endpoints, es.auth.clone());
                cfg.http = http(es.insecure, es.ca_file.clone(), es.ca_pem.clone());
                let client = EsClient::new(cfg).map_err(|e| {
                    Diagnostics::from(Diagnostic::attribute_error(
                        AttributePath::root().attr("elasticsearch"),
                        "Cannot set up the Elasticsearch client",
                        e.to_string(),
                    ))
                })?;
                Some(client)
            }
        };
        Ok(Self {
            settings,
            cloud,
            elasticsearch,
        })
    }

    /// The Cloud API client, or a diagnostic saying how to configure it.
    pub fn cloud(&self) -> Result<&CloudClient, Diagnostic> {
        self.cloud.as_ref().ok_or_else(|| {
            Diagnostic::error(
                "Cloud API not configured",
                "This resource uses the Elastic Cloud API: add a cloud block to the provider (endpoint and api_key, or username and password for ECE), or set EC_API_KEY (and EC_ENDPOINT for ECE).",
            )
        })
    }

    /// The Elasticsearch client, or a diagnostic saying how to configure it.
    pub fn elasticsearch(&self) -> Result<&EsClient, Diagnostic> {
        self.elasticsearch.as_ref().ok_or_else(|| {
            Diagnostic::error(
                "Elasticsearch not configured",
                "This resource uses the Elasticsearch API: add an elasticsearch block to the provider (endpoints and credentials), or set ELASTICSEARCH_ENDPOINTS and ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD or ELASTICSEARCH_API_KEY.",
            )
        })
    }
}

/// Environment variable (of the configure request's environment) that overrides the shortest
/// delay between two polls of a pending deployment plan (a Go duration such as `100ms`; default
/// 250ms, rising with the plan's running time to 2s). Meant for tests against the simulator,
/// whose plans complete in milliseconds.
pub(super) const PLAN_POLL_INTERVAL_ENV: &str = "CROSSCLUSTER_PLAN_POLL_INTERVAL";

fn plan_poll_interval_override(env: &Env) -> Option<std::time::Duration> {
    let raw = env.get(PLAN_POLL_INTERVAL_ENV)?;
    match crate::framework::traits::parse_duration(raw.trim()) {
        Ok(d) if !d.is_zero() => Some(d),
        _ => {
            tracing::warn!(
                variable = PLAN_POLL_INTERVAL_ENV,
                "ignoring an invalid plan poll interval"
            );
            None
        }
    }
}

/// Environment variables that shorten the retry backoff (tests against a local simulator):
/// the first delay and the cap of any delay, `Retry-After` included.
pub(super) const RETRY_BASE_DELAY_ENV: &str = "CROSSCLUSTER_RETRY_BASE_DELAY";
pub(super) const RETRY_MAX_DELAY_ENV: &str = "CROSSCLUSTER_RETRY_MAX_DELAY";

fn retry_policy(max_retries: u32, env: &Env) -> RetryPolicy {
    let mut p = RetryPolicy {
        max_retries,
        ..RetryPolicy::default()
    };
    let read = |name: &str| {
        let raw = env.get(name)?;
        match crate::framework::traits::parse_duration(raw.trim()) {
            Ok(d) => Some(d),
            Err(_) => {
                tracing::warn!(variable = name, "ignoring an invalid retry delay");
                None
            }
        }
    };
    if let Some(d) = read(RETRY_BASE_DELAY_ENV) {
        p.base_delay = d;
    }
    if let Some(d) = read(RETRY_MAX_DELAY_ENV) {
        p.max_delay = d;
    }
    p
}

/// The process-wide per-deployment locks (see [`DeploymentLocks`]).
fn shared_locks() -> DeploymentLocks {
    static LOCKS: std::sync::OnceLock<DeploymentLocks> = std::sync::OnceLock::new();
    LOCKS.get_or_init(DeploymentLocks::new).clone()
}

/// The `crosscluster` provider.
#[derive(Debug, Default)]
pub struct CrossclusterProvider;

impl CrossclusterProvider {
    /// A new provider.
    pub fn new() -> Self {
        Self
    }
}

fn cloud_block() -> Block {
    Block::new()
        .description("The Elastic Cloud or Elastic Cloud Enterprise API, used by the Cloud-side resources and data sources.")
        .attribute(
            Attribute::string("endpoint")
                .optional()
                .description("URL of the Cloud API. Default https://api.elastic-cloud.com; environment EC_ENDPOINT, then EC_HOST."),
        )
        .attribute(
            Attribute::string("api_key")
                .optional()
                .sensitive()
                .description("Cloud API key. Environment EC_API_KEY."),
        )
        .attribute(Attribute::string("username").optional().description("ECE username. Environment EC_USERNAME."))
        .attribute(
            Attribute::string("password")
                .optional()
                .sensitive()
                .description("ECE password. Environment EC_PASSWORD."),
        )
        .attribute(
            Attribute::bool("insecure")
                .optional()
                .description("Skip TLS certificate verification. Environment EC_INSECURE. Only for tests."),
        )
        .attribute(Attribute::string("ca_file").optional().description("PEM file of a private CA (ECE)."))
}

fn elasticsearch_block() -> Block {
    Block::new()
        .description("One Elasticsearch cluster, used by the Elasticsearch-side resources. Use provider aliases for several clusters.")
        .attribute(
            Attribute::list("endpoints", Type::String)
                .optional()
                .description("Cluster URLs, tried in order. Environment ELASTICSEARCH_ENDPOINTS (comma separated)."),
        )
        .attribute(Attribute::string("username").optional().description("Basic-auth user. Environment ELASTICSEARCH_USERNAME."))
        .attribute(
            Attribute::string("password")
                .optional()
                .sensitive()
                .description("Basic-auth password. Environment ELASTICSEARCH_PASSWORD."),
        )
        .attribute(
            Attribute::string("api_key")
                .optional()
                .sensitive()
                .description("Elasticsearch API key (the encoded form). Environment ELASTICSEARCH_API_KEY."),
        )
        .attribute(
            Attribute::string("bearer_token")
                .optional()
                .sensitive()
                .description("Bearer token. Environment ELASTICSEARCH_BEARER_TOKEN."),
        )
        .attribute(Attribute::string("ca_file").optional().description("PEM file of the cluster's CA. Environment ELASTICSEARCH_CA_FILE."))
        .attribute(Attribute::string("ca_pem").optional().description("PEM text of the cluster's CA."))
        .attribute(
            Attribute::bool("insecure")
                .optional()
                .description("Skip TLS certificate verification. Environment ELASTICSEARCH_INSECURE. Only for tests."),
        )
}

/// A warning per connection whose TLS certificates are not verified (`insecure = true`).
fn insecure_warnings(settings: &Settings) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let insecure = [
        ("cloud", settings.cloud.as_ref().is_some_and(|c| c.insecure)),
        (
            "elasticsearch",
            settings.elasticsearch.as_ref().is_some_and(|e| e.insecure),
        ),
    ];
    for (block, on) in insecure {
        if on {
            let ca = if block == "elasticsearch" {
                "elasticsearch.ca_file or elasticsearch.ca_pem"
            } else {
                "cloud.ca_file"
            };
            diags.push(Diagnostic::attribute_warning(
                AttributePath::root().attr(block).attr("insecure"),
                "TLS certificate verification is off",
                format!(
                    "{block}.insecure = true: the provider accepts any certificate from the {block} endpoint, so anyone on the network path can read the credentials it sends. Give the endpoint's CA instead ({ca}) and remove insecure."
                ),
            ));
        }
    }
    diags
}

/// The provider block's schema.
pub fn provider_schema() -> Schema {
    Schema::new(
        Block::new()
            .description("Sets up Elasticsearch cross-cluster trust: trusted environments, keystore API keys and remote-cluster aliases.")
            .attribute(
                Attribute::string("request_timeout")
                    .optional()
                    .description("Timeout of one HTTP request, as a duration such as \"60s\". Default 60s."),
            )
            .attribute(
                Attribute::number("max_retries")
                    .optional()
                    .description("How often a request is retried: on 429 and connection errors, and for reads and other repeatable requests also on 500 and 502-504 and on a connection lost before the answer. An error after the last attempt says how many were made. Default 5."),
            )
            .block(NestedBlock::single("cloud", cloud_block()))
            .block(NestedBlock::single("elasticsearch", elasticsearch_block())),
    )
}

/// Whether the provider block can be checked now (no part depends on unknown values).
fn checkable(config: &Value) -> bool {
    config.is_wholly_known()
}

fn read_raw(config: &Value) -> Result<RawConfig, Diagnostic> {
    let root = ObjectReader::root(config).map_err(|e| e.to_diagnostic())?;
    let cloud = match root.opt_block("cloud").map_err(|e| e.to_diagnostic())? {
        None => None,
        Some(b) => Some(RawCloud {
            endpoint: b.opt_string("endpoint").map_err(|e| e.to_diagnostic())?,
            api_key: b.opt_string("api_key").map_err(|e| e.to_diagnostic())?,
            username: b.opt_string("username").map_err(|e| e.to_diagnostic())?,
            password: b.opt_string("password").map_err(|e| e.to_diagnostic())?,
            insecure: b.opt_bool("insecure").map_err(|e| e.to_diagnostic())?,
            ca_file: b.opt_string("ca_file").map_err(|e| e.to_diagnostic())?,
        }),
    };
    let elasticsearch = match root
        .opt_block("elasticsearch")
        .map_err(|e| e.to_diagnostic())?
    {
        None => None,
        Some(b) => Some(RawElasticsearch {
            endpoints: if b.is_null("endpoints") {
                None
            } else {
                Some(b.string_list("endpoints").map_err(|e| e.to_diagnostic())?)
            },
            username: b.opt_string("username").map_err(|e| e.to_diagnostic())?,
            password: b.opt_string("password").map_err(|e| e.to_diagnostic())?,
            api_key: b.opt_string("api_key").map_err(|e| e.to_diagnostic())?,
            bearer_token: b
                .opt_string("bearer_token")
                .map_err(|e| e.to_diagnostic())?,
            ca_file: b.opt_string("ca_file").map_err(|e| e.to_diagnostic())?,
            ca_pem: b.opt_string("ca_pem").map_err(|e| e.to_diagnostic())?,
            insecure: b.opt_bool("insecure").map_err(|e| e.to_diagnostic())?,
        }),
    };
    Ok(RawConfig {
        cloud,
        elasticsearch,
        request_timeout: root
            .opt_string("request_timeout")
            .map_err(|e| e.to_diagnostic())?,
        max_retries: root.opt_i64("max_retries").map_err(|e| e.to_diagnostic())?,
    })
}

fn problem_to_diagnostic(p: Problem) -> Diagnostic {
    let mut path = AttributePath::root();
    for step in &p.path {
        path = path.attr(*step);
    }
    Diagnostic::attribute_error(path, p.summary, p.detail)
}

/// Resolves a wholly known provider block, turning problems into located diagnostics.
fn resolve(config: &Value, env: &Env) -> Result<Settings, Diagnostics> {
    let raw = read_raw(config).map_err(Diagnostics::from)?;
    let lookup = |name: &str| env.get(name).map(str::to_string);
    config::resolve(&raw, &lookup)
        .map_err(|problems| problems.into_iter().map(problem_to_diagnostic).collect())
}

#[async_trait]
impl Provider for CrossclusterProvider {
    fn metadata(&self) -> ProviderMetadata {
        ProviderMetadata {
            type_name: TYPE_NAME.to_string(),
            version: VERSION.to_string(),
        }
    }

    fn schema(&self) -> Schema {
        provider_schema()
    }

    async fn validate_config(&self, config: &Value, env: &Env) -> Diagnostics {
        if !checkable(config) {
            return Diagnostics::new();
        }
        match resolve(config, env) {
            Ok(_) => Diagnostics::new(),
            Err(diags) => diags,
        }
    }

    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse {
        if !checkable(&req.config) {
            return ConfigureResponse::failed(
                Diagnostic::error(
                    "Provider configuration depends on unknown values",
                    "The crosscluster provider block uses values that are known only after apply; apply those first (e.g. with -target).",
                )
                .into(),
            );
        }
        match resolve(&req.config, &req.env) {
            Ok(settings) => {
                tracing::debug!(
                    cloud = settings.cloud.is_some(),
                    elasticsearch = settings.elasticsearch.is_some(),
                    request_timeout_ms = settings.request_timeout.as_millis() as u64,
                    max_retries = settings.max_retries,
                    "provider configured"
                );
                let warnings = insecure_warnings(&settings);
                match Configured::new(settings, &req.env) {
                    Ok(configured) => {
                        let mut resp = ConfigureResponse::with_data(configured);
                        resp.diagnostics = warnings;
                        resp
                    }
                    Err(diags) => ConfigureResponse::failed(diags),
                }
            }
            Err(diags) => ConfigureResponse::failed(diags),
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(super::resources::keystore_api_key::KeystoreApiKeyResource),
            Arc::new(super::resources::deployment_remote_cluster::DeploymentRemoteClusterResource),
            Arc::new(super::resources::api_key::ApiKeyResource),
            Arc::new(super::resources::remote_cluster::RemoteClusterResource),
            Arc::new(super::resources::remote_cluster_filter::RemoteClusterFilterResource),
            Arc::new(super::resources::ece_trust_relationship::EceTrustRelationshipResource),
            Arc::new(super::resources::role::RoleResource),
            Arc::new(super::resources::remote_cluster_signing::RemoteClusterSigningResource),
            Arc::new(super::resources::signing_trust::SigningTrustResource),
            Arc::new(super::resources::trusted_environment::TrustedEnvironmentResource),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(super::data_sources::organization::OrganizationDataSource),
            Arc::new(super::data_sources::remote_info::RemoteInfoDataSource),
            Arc::new(super::data_sources::deployment::DeploymentDataSource),
            Arc::new(
                super::data_sources::eligible_remote_clusters::EligibleRemoteClustersDataSource,
            ),
        ]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        functions::all()
    }

    fn list_resources(&self) -> Vec<Arc<dyn tfplugin::framework::list::ListResource>> {
        use super::resources as r;
        vec![
            Arc::new(r::trusted_environment::TrustedEnvironmentList),
            Arc::new(r::remote_cluster::RemoteClusterList),
            Arc::new(r::api_key::ApiKeyList),
            Arc::new(r::keystore_api_key::KeystoreApiKeyList),
            Arc::new(r::role::RoleList),
        ]
    }

    fn actions(&self) -> Vec<Arc<dyn tfplugin::framework::action::Action>> {
        vec![Arc::new(
            super::actions::verify_connection::VerifyConnectionAction,
        )]
    }
}
