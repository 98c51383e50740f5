//! Provider configuration: the `cloud` and `elasticsearch` blocks, their environment variables,
//! `request_timeout` and `max_retries`, resolved into typed settings.
//!
//! Resolution is a pure function of the configured values and an environment lookup, so the
//! rules (an attribute always wins over its variable; every problem names the attribute and, when
//! the value came from one, the variable) are unit-tested without Terraform.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::client::{CloudAuth, EsAuth, Secret};
use crate::framework::traits::parse_duration;

/// Values of the `cloud` block as written (`None` = not set). `Debug` hides the secrets.
#[derive(Clone, Default, PartialEq)]
pub struct RawCloud {
    pub endpoint: Option<String>,
    pub api_key: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub insecure: Option<bool>,
    pub ca_file: Option<String>,
}

/// Values of the `elasticsearch` block as written (`None` = not set). `Debug` hides the secrets.
#[derive(Clone, Default, PartialEq)]
pub struct RawElasticsearch {
    pub endpoints: Option<Vec<String>>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub api_key: Option<String>,
    pub bearer_token: Option<String>,
    pub ca_file: Option<String>,
    pub ca_pem: Option<String>,
    pub insecure: Option<bool>,
}

/// `Some(..)`/`None` for a secret without its value.
fn hidden(v: &Option<String>) -> &'static str {
    if v.is_some() {
        "Some(<redacted>)"
    } else {
        "None"
    }
}

impl std::fmt::Debug for RawCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawCloud")
            .field(
                "endpoint",
                &self.endpoint.as_ref().map(|e| {
                    if e.contains('@') {
                        "<redacted>"
                    } else {
                        e.as_str()
                    }
                }),
            )
            .field("api_key", &hidden(&self.api_key))
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("insecure", &self.insecure)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl std::fmt::Debug for RawElasticsearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawElasticsearch")
            .field("endpoints", &self.endpoints.as_ref().map(Vec::len))
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("api_key", &hidden(&self.api_key))
            .field("bearer_token", &hidden(&self.bearer_token))
            .field("ca_file", &self.ca_file)
            .field("ca_pem", &self.ca_pem.is_some())
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// The provider block as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawConfig {
    pub cloud: Option<RawCloud>,
    pub elasticsearch: Option<RawElasticsearch>,
    pub request_timeout: Option<String>,
    pub max_retries: Option<i64>,
}

/// The resolved `cloud` connection.
#[derive(Debug, Clone)]
pub struct CloudSettings {
    pub endpoint: Url,
    pub auth: CloudAuth,
    pub insecure: bool,
    pub ca_file: Option<PathBuf>,
}

/// The resolved `elasticsearch` connection.
#[derive(Debug, Clone)]
pub struct EsSettings {
    pub endpoints: Vec<Url>,
    pub auth: EsAuth,
    pub insecure: bool,
    pub ca_file: Option<PathBuf>,
    pub ca_pem: Option<String>,
}

/// The whole resolved provider configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `None` when neither the block nor any of its variables is set.
    pub cloud: Option<CloudSettings>,
    /// `None` when neither the block nor any of its variables is set.
    pub elasticsearch: Option<EsSettings>,
    pub request_timeout: Duration,
    pub max_retries: u32,
}

/// Default `request_timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Default `max_retries`.
pub const DEFAULT_MAX_RETRIES: u32 = 5;
/// Default Cloud endpoint when neither `endpoint` nor a variable is set.
pub const DEFAULT_CLOUD_ENDPOINT: &str = "https://api.elastic-cloud.com";

/// One configuration problem, located by attribute path and, when the value came from the
/// environment, by variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Attribute path inside the provider block, e.g. `["cloud", "endpoint"]`.
    pub path: Vec<&'static str>,
    /// The environment variable the bad value came from.
    pub env: Option<&'static str>,
    pub summary: String,
    pub detail: String,
}

/// A value together with where it came from.
struct Sourced<T> {
    value: T,
    env: Option<&'static str>,
}

/// Picks the attribute when set, else the first set variable of `vars`.
fn pick(
    attr: &Option<String>,
    vars: &[&'static str],
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Sourced<String>> {
    if let Some(v) = attr {
        return Some(Sourced {
            value: v.clone(),
            env: None,
        });
    }
    vars.iter().find_map(|var| {
        env(var).filter(|v| !v.is_empty()).map(|value| Sourced {
            value,
            env: Some(*var),
        })
    })
}

fn where_from(path: &[&'static str], env: Option<&'static str>) -> String {
    match env {
        Some(var) => format!(
            "the environment variable {var} (used because {} is not set)",
            path.join(".")
        ),
        None => format!("the attribute {}", path.join(".")),
    }
}

/// Parses a boolean the way the variables are documented (`true/false/1/0`, any case).
fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" | "" => Some(false),
        _ => None,
    }
}

fn pick_bool(
    attr: Option<bool>,
    path: Vec<&'static str>,
    var: &'static str,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
) -> bool {
    if let Some(b) = attr {
        return b;
    }
    match env(var) {
        None => false,
        Some(v) => parse_bool(&v).unwrap_or_else(|| {
            problems.push(Problem {
                detail: format!(
                    "{} must be true or false, got {v:?}.",
                    where_from(&path, Some(var))
                ),
                path,
                env: Some(var),
                summary: "Invalid boolean".into(),
            });
            false
        }),
    }
}

/// Parses an http(s) endpoint URL.
fn parse_endpoint(
    value: &str,
    path: Vec<&'static str>,
    env: Option<&'static str>,
) -> Result<Url, Problem> {
    let bad = |why: String| Problem {
        summary: "Invalid endpoint URL".into(),
        detail: format!(
            "{} must be an http:// or https:// URL such as https://api.elastic-cloud.com; {why}.",
            where_from(&path, env)
        ),
        path: path.clone(),
        env,
    };
    // A URL with `user:password@` must not be echoed: it would put the password in the output.
    let shown = if value.contains('@') {
        "the value (not shown: it contains credentials)".to_string()
    } else {
        format!("{value:?}")
    };
    let url = Url::parse(value.trim()).map_err(|e| bad(format!("{shown} is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(format!(
            "{shown} has credentials in it; set them with the credential attributes instead"
        )));
    }
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad(format!(
            "the scheme {:?} is not supported",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad(format!("{shown} has no host")));
    }
    Ok(url)
}

/// The Cloud credentials: an API key, or a username and password (ECE), never both.
fn cloud_auth(
    api_key: Option<Sourced<String>>,
    username: Option<Sourced<String>>,
    password: Option<Sourced<String>>,
    problems: &mut Vec<Problem>,
) -> Option<CloudAuth> {
    match (api_key, username, password) {
        (Some(key), None, None) => Some(CloudAuth::ApiKey(Secret::new(key.value))),
        (Some(key), Some(user), _) | (Some(key), None, Some(user)) => {
            let (key_from, user_from) = (
                where_from(&["cloud", "api_key"], key.env),
                where_from(&["cloud", "username"], user.env),
            );
            problems.push(Problem {
                path: vec!["cloud", "api_key"],
                env: key.env,
                summary: "Conflicting Cloud credentials".into(),
                detail: format!("Both {key_from} and {user_from} (or password) are set; use an API key or a username and password, not both."),
            });
            None
        }
        (None, Some(user), Some(pass)) => Some(CloudAuth::Basic {
            username: user.value,
            password: Secret::new(pass.value),
        }),
        (None, Some(user), None) => {
            problems.push(Problem {
                path: vec!["cloud", "password"],
                env: None,
                summary: "Missing Cloud password".into(),
                detail: format!(
                    "{} is set but cloud.password (EC_PASSWORD) is not.",
                    where_from(&["cloud", "username"], user.env)
                ),
            });
            None
        }
        (None, None, Some(pass)) => {
            problems.push(Problem {
                path: vec!["cloud", "username"],
                env: None,
                summary: "Missing Cloud username".into(),
                detail: format!(
                    "{} is set but cloud.username (EC_USERNAME) is not.",
                    where_from(&["cloud", "password"], pass.env)
                ),
            });
            None
        }
        (None, None, None) => {
            problems.push(Problem {
                path: vec!["cloud", "api_key"],
                env: None,
                summary: "Missing Cloud credentials".into(),
                detail: "The cloud block needs cloud.api_key (or EC_API_KEY), or cloud.username and cloud.password (or EC_USERNAME and EC_PASSWORD) for ECE.".into(),
            });
            None
        }
    }
}

fn resolve_cloud(
    raw: Option<&RawCloud>,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
) -> Option<CloudSettings> {
    let empty = RawCloud::default();
    let block = raw.unwrap_or(&empty);
    let endpoint = pick(&block.endpoint, &["EC_ENDPOINT", "EC_HOST"], env);
    let api_key = pick(&block.api_key, &["EC_API_KEY"], env);
    let username = pick(&block.username, &["EC_USERNAME"], env);
    let password = pick(&block.password, &["EC_PASSWORD"], env);
    let any_env = [
        "EC_ENDPOINT",
        "EC_HOST",
        "EC_API_KEY",
        "EC_USERNAME",
        "EC_PASSWORD",
    ]
    .iter()
    .any(|v| env(v).is_some_and(|s| !s.is_empty()));
    if raw.is_none() && !any_env {
        return None;
    }
    let before = problems.len();
    let insecure = pick_bool(
        block.insecure,
        vec!["cloud", "insecure"],
        "EC_INSECURE",
        env,
        problems,
    );
    let endpoint = match endpoint {
        Some(s) => parse_endpoint(&s.value, vec!["cloud", "endpoint"], s.env)
            .map_err(|p| problems.push(p))
            .ok(),
        None => Url::parse(DEFAULT_CLOUD_ENDPOINT).ok(),
    };
    let auth = cloud_auth(api_key, username, password, problems);
    let ca_file = block.ca_file.as_ref().map(PathBuf::from);
    if problems.len() > before {
        return None;
    }
    Some(CloudSettings {
        endpoint: endpoint?,
        auth: auth?,
        insecure,
        ca_file,
    })
}

/// The Elasticsearch credentials: basic, API key or bearer token, at most one kind.
fn es_auth(
    username: Option<Sourced<String>>,
    password: Option<Sourced<String>>,
    api_key: Option<Sourced<String>>,
    bearer: Option<Sourced<String>>,
    problems: &mut Vec<Problem>,
) -> Option<EsAuth> {
    let kinds = [
        username.is_some() || password.is_some(),
        api_key.is_some(),
        bearer.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() > 1 {
        problems.push(Problem {
            path: vec!["elasticsearch", "api_key"],
            env: None,
            summary: "Conflicting Elasticsearch credentials".into(),
            detail: "Set only one of elasticsearch.username/password, elasticsearch.api_key and elasticsearch.bearer_token (or their ELASTICSEARCH_* variables).".into(),
        });
        None
    } else if let Some(k) = api_key {
        Some(EsAuth::ApiKey(Secret::new(k.value)))
    } else if let Some(t) = bearer {
        Some(EsAuth::Bearer(Secret::new(t.value)))
    } else {
        match (username, password) {
            (Some(u), Some(p)) => Some(EsAuth::Basic {
                username: u.value,
                password: Secret::new(p.value),
            }),
            (Some(u), None) => {
                problems.push(Problem {
                    path: vec!["elasticsearch", "password"],
                    env: None,
                    summary: "Missing Elasticsearch password".into(),
                    detail: format!(
                        "{} is set but elasticsearch.password (ELASTICSEARCH_PASSWORD) is not.",
                        where_from(&["elasticsearch", "username"], u.env)
                    ),
                });
                None
            }
            (None, Some(p)) => {
                problems.push(Problem {
                    path: vec!["elasticsearch", "username"],
                    env: None,
                    summary: "Missing Elasticsearch username".into(),
                    detail: format!(
                        "{} is set but elasticsearch.username (ELASTICSEARCH_USERNAME) is not.",
                        where_from(&["elasticsearch", "password"], p.env)
                    ),
                });
                None
            }
            (None, None) => Some(EsAuth::None),
        }
    }
}

fn resolve_elasticsearch(
    raw: Option<&RawElasticsearch>,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
) -> Option<EsSettings> {
    let empty = RawElasticsearch::default();
    let block = raw.unwrap_or(&empty);
    let vars = [
        "ELASTICSEARCH_ENDPOINTS",
        "ELASTICSEARCH_USERNAME",
        "ELASTICSEARCH_PASSWORD",
        "ELASTICSEARCH_API_KEY",
        "ELASTICSEARCH_BEARER_TOKEN",
    ];
    if raw.is_none() && !vars.iter().any(|v| env(v).is_some_and(|s| !s.is_empty())) {
        return None;
    }
    let before = problems.len();
    let (endpoint_texts, endpoints_env) = match &block.endpoints {
        Some(list) => (list.clone(), None),
        None => match env("ELASTICSEARCH_ENDPOINTS").filter(|s| !s.trim().is_empty()) {
            Some(s) => (
                s.split(',')
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect(),
                Some("ELASTICSEARCH_ENDPOINTS"),
            ),
            None => (Vec::new(), None),
        },
    };
    if endpoint_texts.is_empty() {
        problems.push(Problem {
            path: vec!["elasticsearch", "endpoints"],
            env: None,
            summary: "Missing Elasticsearch endpoints".into(),
            detail: "Set elasticsearch.endpoints (or ELASTICSEARCH_ENDPOINTS, comma separated) to the cluster's URL, e.g. https://my-deployment.es.eu-west-1.aws.found.io.".into(),
        });
    }
    let endpoints: Vec<Url> = endpoint_texts
        .iter()
        .filter_map(|e| {
            parse_endpoint(e, vec!["elasticsearch", "endpoints"], endpoints_env)
                .map_err(|p| problems.push(p))
                .ok()
        })
        .collect();
    let username = pick(&block.username, &["ELASTICSEARCH_USERNAME"], env);
    let password = pick(&block.password, &["ELASTICSEARCH_PASSWORD"], env);
    let api_key = pick(&block.api_key, &["ELASTICSEARCH_API_KEY"], env);
    let bearer = pick(&block.bearer_token, &["ELASTICSEARCH_BEARER_TOKEN"], env);
    let auth = es_auth(username, password, api_key, bearer, problems);
    let insecure = pick_bool(
        block.insecure,
        vec!["elasticsearch", "insecure"],
        "ELASTICSEARCH_INSECURE",
        env,
        problems,
    );
    let ca_file =
        pick(&block.ca_file, &["ELASTICSEARCH_CA_FILE"], env).map(|s| PathBuf::from(s.value));
    if ca_file.is_some() && block.ca_pem.is_some() {
        problems.push(Problem {
            path: vec!["elasticsearch", "ca_pem"],
            env: None,
            summary: "Conflicting CA settings".into(),
            detail: "Set elasticsearch.ca_file (ELASTICSEARCH_CA_FILE) or elasticsearch.ca_pem, not both.".into(),
        });
    }
    if problems.len() > before {
        return None;
    }
    Some(EsSettings {
        endpoints,
        auth: auth?,
        insecure,
        ca_file,
        ca_pem: block.ca_pem.clone(),
    })
}

/// Resolves the provider block against the environment. Every problem is reported, not only
/// the first.
pub fn resolve(
    raw: &RawConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, Vec<Problem>> {
    let mut problems = Vec::new();
    let cloud = resolve_cloud(raw.cloud.as_ref(), env, &mut problems);
    let elasticsearch = resolve_elasticsearch(raw.elasticsearch.as_ref(), env, &mut problems);
    let request_timeout = match &raw.request_timeout {
        None => DEFAULT_REQUEST_TIMEOUT,
        Some(t) => match parse_duration(t) {
            Ok(d) if !d.is_zero() => d,
            _ => {
                problems.push(Problem {
                    path: vec!["request_timeout"],
                    env: None,
                    summary: "Invalid duration".into(),
                    detail: format!("request_timeout must be a positive duration such as \"60s\" or \"2m\", got {t:?}."),
                });
                DEFAULT_REQUEST_TIMEOUT
            }
        },
    };
    let max_retries = match raw.max_retries {
        None => DEFAULT_MAX_RETRIES,
        Some(n) if (0..=100).contains(&n) => n as u32,
        Some(n) => {
            problems.push(Problem {
                path: vec!["max_retries"],
                env: None,
                summary: "Invalid max_retries".into(),
                detail: format!("max_retries must be between 0 and 100, got {n}."),
            });
            DEFAULT_MAX_RETRIES
        }
    };
    if problems.is_empty() {
        Ok(Settings {
            cloud,
            elasticsearch,
            request_timeout,
            max_retries,
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn cloud(endpoint: Option<&str>, api_key: Option<&str>) -> RawConfig {
        RawConfig {
            cloud: Some(RawCloud {
                endpoint: endpoint.map(str::to_string),
                api_key: api_key.map(str::to_string),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn attribute_wins_over_environment() {
        let env = env_of(&[("EC_ENDPOINT", "not a url"), ("EC_API_KEY", "from-env")]);
        let s = resolve(
            &cloud(Some("https://cloud.example.com"), Some("from-attr")),
            &env,
        )
        .unwrap();
        let c = s.cloud.unwrap();
        assert_eq!(c.endpoint.as_str(), "https://cloud.example.com/");
        assert!(matches!(&c.auth, CloudAuth::ApiKey(k) if k.expose() == "from-attr"));
    }

    #[test]
    fn environment_used_when_attribute_absent() {
        let env = env_of(&[("EC_HOST", "http://127.0.0.1:9"), ("EC_API_KEY", "k")]);
        let s = resolve(&RawConfig::default(), &env).unwrap();
        assert_eq!(s.cloud.unwrap().endpoint.as_str(), "http://127.0.0.1:9/");
        // EC_ENDPOINT comes before EC_HOST.
        let env = env_of(&[
            ("EC_ENDPOINT", "http://a.example"),
            ("EC_HOST", "http://b.example"),
            ("EC_API_KEY", "k"),
        ]);
        assert_eq!(
            resolve(&RawConfig::default(), &env)
                .unwrap()
                .cloud
                .unwrap()
                .endpoint
                .host_str(),
            Some("a.example")
        );
    }

    /// A configuration, its environment, and the attribute path, variable and text its first
    /// problem must name.
    type ProblemCase = (
        RawConfig,
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
        Option<&'static str>,
        &'static str,
    );

    #[test]
    fn problems_name_attribute_and_variable() {
        let cases: &[ProblemCase] = &[
            (
                cloud(Some("not-a-url"), Some("k")),
                &[],
                &["cloud", "endpoint"],
                None,
                "the attribute cloud.endpoint",
            ),
            (
                cloud(None, Some("k")),
                &[("EC_ENDPOINT", "ftp://x")],
                &["cloud", "endpoint"],
                Some("EC_ENDPOINT"),
                "EC_ENDPOINT",
            ),
            (
                cloud(Some("https://x"), None),
                &[],
                &["cloud", "api_key"],
                None,
                "cloud.api_key",
            ),
            (
                RawConfig {
                    request_timeout: Some("soon".into()),
                    ..Default::default()
                },
                &[],
                &["request_timeout"],
                None,
                "request_timeout",
            ),
            (
                RawConfig {
                    max_retries: Some(-1),
                    ..Default::default()
                },
                &[],
                &["max_retries"],
                None,
                "max_retries",
            ),
            (
                RawConfig {
                    elasticsearch: Some(RawElasticsearch::default()),
                    ..Default::default()
                },
                &[],
                &["elasticsearch", "endpoints"],
                None,
                "ELASTICSEARCH_ENDPOINTS",
            ),
            (
                RawConfig::default(),
                &[
                    ("ELASTICSEARCH_ENDPOINTS", "http://a:9200,::bad"),
                    ("ELASTICSEARCH_USERNAME", "u"),
                ],
                &["elasticsearch", "endpoints"],
                Some("ELASTICSEARCH_ENDPOINTS"),
                "ELASTICSEARCH_ENDPOINTS",
            ),
            (
                RawConfig {
                    elasticsearch: Some(RawElasticsearch {
                        endpoints: Some(vec!["http://a".into()]),
                        api_key: Some("k".into()),
                        bearer_token: Some("t".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                &[],
                &["elasticsearch", "api_key"],
                None,
                "only one of",
            ),
        ];
        for (raw, env, path, var, needle) in cases {
            let problems = resolve(raw, &env_of(env)).expect_err("must fail");
            let p = &problems[0];
            assert_eq!(&p.path[..], *path, "{problems:?}");
            assert_eq!(p.env, *var, "{problems:?}");
            assert!(p.detail.contains(needle), "{:?} lacks {needle:?}", p.detail);
        }
    }

    #[test]
    fn secrets_never_in_problems_or_debug() {
        let raw = RawConfig {
            cloud: Some(RawCloud {
                api_key: Some("SECRET-KEY".into()),
                username: Some("u".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!format!("{raw:?}").contains("SECRET-KEY"));
        let problems = resolve(&raw, &env_of(&[])).unwrap_err();
        assert!(!format!("{problems:?}").contains("SECRET-KEY"));
        // A URL with credentials is refused without echoing the password.
        let problems = resolve(
            &cloud(
                Some("https://user:PASSWORD-XYZ@cloud.example.com"),
                Some("k"),
            ),
            &env_of(&[]),
        )
        .unwrap_err();
        assert_eq!(problems[0].path, ["cloud", "endpoint"]);
        assert!(
            !format!("{problems:?}").contains("PASSWORD-XYZ"),
            "{problems:?}"
        );
        let s = resolve(&cloud(Some("https://x"), Some("SECRET-KEY")), &env_of(&[])).unwrap();
        assert!(!format!("{s:?}").contains("SECRET-KEY"));
    }

    #[test]
    fn blocks_absent_without_variables() {
        let s = resolve(&RawConfig::default(), &env_of(&[])).unwrap();
        assert!(s.cloud.is_none() && s.elasticsearch.is_none());
        assert_eq!(
            (s.request_timeout, s.max_retries),
            (DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_RETRIES)
        );
    }
}
