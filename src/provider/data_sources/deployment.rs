//! `crosscluster_deployment`: what the other resources need to know about an Elastic Cloud
//! deployment (`GET /api/v1/deployments/{id}` with settings and metadata, api-facts.md A.1): its
//! Elasticsearch cluster id, endpoint, the two proxy addresses (certificate model on the
//! transport passthrough port, API-key model on 9443) and its current trust entries.

use async_trait::async_trait;
use serde_json::Value as Json;

use crate::client::cloud::{Deployment, GetDeploymentParams, es_view_of};
use crate::framework::decode::ObjectReader;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, ObjectNesting, Schema};
use crate::framework::traits::{CallContext, DataSource, StateResponse};
use crate::framework::value::{Type, Value};

use crate::provider::common::{api_error, configured, hex32_validator};

/// The remote-cluster server port of the API-key model on Elastic Cloud: a fixed convention,
/// not in the API (api-facts.md A.1, C.1).
pub const API_KEY_PROXY_PORT: u64 = 9443;

/// The certificate model's port when the API does not report `transport_passthrough`.
pub const DEFAULT_TRANSPORT_PASSTHROUGH_PORT: u64 = 9400;

/// The data source type.
pub struct DeploymentDataSource;

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

fn allowlist_attr() -> Attribute {
    Attribute::list("trust_allowlist", Type::String)
        .computed()
        .description("Trusted Elasticsearch cluster ids (when `trust_all` is false).")
}

fn trust_all_attr() -> Attribute {
    Attribute::bool("trust_all")
        .computed()
        .description("Whether every cluster is trusted.")
}

fn trust_attribute() -> Attribute {
    Attribute::nested(
        "trust",
        ObjectNesting::Single,
        vec![
            Attribute::nested(
                "accounts",
                ObjectNesting::List,
                vec![
                    computed("account_id", "Trusted organization (account) id."),
                    computed("name", "Display name of the entry."),
                    trust_all_attr(),
                    allowlist_attr(),
                ],
            )
            .computed()
            .description("Trust with Elastic Cloud organizations (`trust.accounts[]`)."),
            Attribute::nested(
                "external",
                ObjectNesting::List,
                vec![
                    computed("trust_relationship_id", "Trusted ECE trust relationship id."),
                    computed("name", "Name of the trust relationship."),
                    trust_all_attr(),
                    allowlist_attr(),
                ],
            )
            .computed()
            .description("Trust with ECE environments (`trust.external[]`)."),
            Attribute::nested(
                "direct",
                ObjectNesting::List,
                vec![
                    computed("uid", "The entry's `uid` (the last part of a `crosscluster_trusted_environment` import id)."),
                    computed("name", "Name of the entry."),
                    computed("type", "`generic`, `ECE`, `ESS` or `proxy`."),
                    computed("scope_id", "Trusted scope (organization or environment id)."),
                    trust_all_attr(),
                    allowlist_attr(),
                    Attribute::list("additional_node_names", Type::String)
                        .computed()
                        .description("Extra trusted node names."),
                    Attribute::list("certificates", Type::String)
                        .computed()
                        .description("Trusted CA certificates (PEM)."),
                ],
            )
            .computed()
            .description("Trust with CA certificates given inline (`trust.direct[]`)."),
        ],
    )
    .computed()
    .description("The deployment's current trust entries (read-only view; manage entries with `crosscluster_trusted_environment`).")
}

/// The schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "An Elastic Cloud deployment as the cross-cluster resources need it: the \
                 Elasticsearch `cluster_id` (for `trust_allowlist`), the `organization_id` (for \
                 `crosscluster_trusted_environment.organization_id` on the other side), the \
                 `endpoint` (the `server_name` of a remote alias) and ready-made proxy addresses \
                 for both security models: `api_key_proxy_address` = `<endpoint>:9443` and \
                 `certificate_proxy_address` = `<endpoint>:<transport passthrough port>` (9400), \
                 plus the deployment's current trust entries.\n\
                 \n\
                 Uses the provider's `cloud` connection (`GET /api/v1/deployments/<id>`) and \
                 changes nothing. The provider's Cloud API key must see the deployment: a \
                 deployment of another organization needs a provider block with that \
                 organization's key. The id is the full 32-character deployment id, not the \
                 shortened form the console shows.",
            )
            .attribute(
                Attribute::string("id")
                    .required()
                    .validator(hex32_validator("deployment id"))
                    .description("Deployment id (the full 32 lowercase hexadecimal characters)."),
            )
            .attribute(
                Attribute::string("ref_id")
                    .optional()
                    .computed()
                    .description("`ref_id` of the Elasticsearch resource to describe; default: the first one (e.g. `main-elasticsearch`)."),
            )
            .attribute(computed("name", "Deployment name."))
            .attribute(computed("cluster_id", "Elasticsearch cluster id (32 lowercase hexadecimal characters; what `trust_allowlist` takes). Not the deployment id."))
            .attribute(computed("region", "Region, e.g. `gcp-us-central1`."))
            .attribute(computed("version", "Elasticsearch version of the current plan."))
            .attribute(computed("organization_id", "Organization that owns the deployment (as its cluster sees it)."))
            .attribute(computed("endpoint", "Elasticsearch endpoint host name: the `server_name` of a remote cluster in proxy mode."))
            .attribute(computed("elasticsearch_url", "HTTPS URL of the Elasticsearch API."))
            .attribute(computed("certificate_proxy_address", "`<endpoint>:<transport passthrough port>` (9400): the proxy address for the certificate model."))
            .attribute(computed("api_key_proxy_address", "`<endpoint>:9443`: the proxy address for the API-key model."))
            .attribute(trust_attribute()),
    )
}

fn s(v: &Json, k: &str) -> Value {
    v.get(k)
        .and_then(Json::as_str)
        .map_or(Value::Null, |x| Value::String(x.to_string()))
}

fn strings(v: &Json, k: &str) -> Value {
    match v.get(k).and_then(Json::as_array) {
        Some(a) => Value::List(
            a.iter()
                .filter_map(Json::as_str)
                .map(|x| Value::String(x.to_string()))
                .collect(),
        ),
        None => Value::Null,
    }
}

fn trust_all(v: &Json) -> Value {
    Value::Bool(v.get("trust_all").and_then(Json::as_bool).unwrap_or(false))
}

fn list<'a>(trust: &'a Json, k: &str) -> impl Iterator<Item = &'a Json> {
    trust
        .get(k)
        .and_then(Json::as_array)
        .map(|a| a.iter())
        .into_iter()
        .flatten()
}

/// The read-only `trust` view of a raw `settings.trust` object (pure).
pub fn trust_value(trust: &Json) -> Value {
    let accounts = list(trust, "accounts")
        .map(|e| {
            Value::object([
                ("account_id", s(e, "account_id")),
                ("name", s(e, "name")),
                ("trust_all", trust_all(e)),
                ("trust_allowlist", strings(e, "trust_allowlist")),
            ])
        })
        .collect();
    let external = list(trust, "external")
        .map(|e| {
            Value::object([
                ("trust_relationship_id", s(e, "trust_relationship_id")),
                ("name", s(e, "name")),
                ("trust_all", trust_all(e)),
                ("trust_allowlist", strings(e, "trust_allowlist")),
            ])
        })
        .collect();
    let direct = list(trust, "direct")
        .map(|e| {
            let certs = list(e, "certificates")
                .filter_map(|c| c.get("pem").and_then(Json::as_str))
                .map(|p| Value::String(p.to_string()))
                .collect();
            Value::object([
                ("uid", s(e, "uid")),
                ("name", s(e, "name")),
                (
                    "type",
                    Value::String(
                        e.get("type")
                            .and_then(Json::as_str)
                            .unwrap_or("generic")
                            .to_string(),
                    ),
                ),
                ("scope_id", s(e, "scope_id")),
                ("trust_all", trust_all(e)),
                ("trust_allowlist", strings(e, "trust_allowlist")),
                ("additional_node_names", strings(e, "additional_node_names")),
                ("certificates", Value::List(certs)),
            ])
        })
        .collect();
    Value::object([
        ("accounts", Value::List(accounts)),
        ("external", Value::List(external)),
        ("direct", Value::List(direct)),
    ])
}

/// Why a deployment cannot be described.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescribeError {
    /// No Elasticsearch resource with that ref_id.
    #[error("deployment {deployment_id} has no Elasticsearch resource {ref_id}")]
    NoResource {
        /// Deployment id.
        deployment_id: String,
        /// The ref_id asked for (or "(first)").
        ref_id: String,
    },
    /// The resource lacks its endpoint.
    #[error(
        "deployment {0} reports no Elasticsearch endpoint (info.metadata.endpoint); is it still being created?"
    )]
    NoEndpoint(String),
    /// The typed view could not be built.
    #[error("{0}")]
    Unreadable(String),
}

/// The data source state for a deployment read with settings and metadata (pure).
pub fn to_state(dep: &Deployment, ref_id: Option<&str>) -> Result<Value, DescribeError> {
    let r = dep
        .es_resource(ref_id)
        .ok_or_else(|| DescribeError::NoResource {
            deployment_id: dep.id().to_string(),
            ref_id: ref_id.unwrap_or("(first)").to_string(),
        })?;
    let view = es_view_of(r).map_err(|e| DescribeError::Unreadable(e.to_string()))?;
    let endpoint = view
        .endpoint
        .clone()
        .filter(|e| !e.is_empty())
        .ok_or_else(|| DescribeError::NoEndpoint(dep.id().to_string()))?;
    let passthrough = view
        .transport_passthrough_port
        .unwrap_or(DEFAULT_TRANSPORT_PASSTHROUGH_PORT);
    let url = view
        .service_url
        .clone()
        .unwrap_or_else(|| match view.https_port {
            Some(443) | None => format!("https://{endpoint}"),
            Some(p) => format!("https://{endpoint}:{p}"),
        });
    let trust = r
        .pointer("/info/settings/trust")
        .filter(|t| t.is_object())
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    let opt = |o: Option<String>| o.map_or(Value::Null, Value::String);
    Ok(Value::object([
        ("id", Value::String(dep.id().to_string())),
        ("ref_id", Value::String(view.ref_id.clone())),
        ("name", Value::String(dep.name().to_string())),
        ("cluster_id", Value::String(view.cluster_id.clone())),
        ("region", Value::String(view.region.clone())),
        ("version", opt(view.version.clone())),
        ("organization_id", opt(view.organization_id.clone())),
        ("endpoint", Value::String(endpoint.clone())),
        ("elasticsearch_url", Value::String(url)),
        (
            "certificate_proxy_address",
            Value::String(format!("{endpoint}:{passthrough}")),
        ),
        (
            "api_key_proxy_address",
            Value::String(format!("{endpoint}:{API_KEY_PROXY_PORT}")),
        ),
        ("trust", trust_value(&trust)),
    ]))
}

#[async_trait]
impl DataSource for DeploymentDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_deployment"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &CallContext, config: Value) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let c = ObjectReader::root(&config)?;
        let id = c.string("id")?;
        let ref_id = c.opt_string("ref_id")?;
        let dep = cloud
            .get_deployment(&id, &GetDeploymentParams::for_read(), &ctx.cancel)
            .await
            .map_err(|e| {
                if e.is_not_found() {
                    Diagnostic::attribute_error(
                        AttributePath::root().attr("id"),
                        "Deployment not found",
                        format!("Deployment {id} does not exist or is not visible to the provider's Cloud API key: {e}"),
                    )
                } else {
                    api_error(&format!("to read deployment {id}"), &e)
                }
            })?;
        let state = to_state(&dep, ref_id.as_deref()).map_err(|e| {
            let path = match e {
                DescribeError::NoResource { .. } => AttributePath::root().attr("ref_id"),
                _ => AttributePath::root().attr("id"),
            };
            Diagnostic::attribute_error(path, "Cannot describe the deployment", e.to_string())
        })?;
        tracing::debug!(deployment_id = %id, "read deployment");
        Ok(StateResponse::new(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(ports: Json, service_url: Option<&str>) -> Deployment {
        let mut metadata = json!({"endpoint": "abc.eu-west-1.aws.found.io", "ports": ports});
        if let Some(u) = service_url {
            metadata["service_url"] = json!(u);
        }
        Deployment {
            raw: json!({
                "id": "0123456789abcdef0123456789abcdef",
                "name": "local",
                "resources": {"elasticsearch": [{
                    "ref_id": "main-elasticsearch", "id": "c0ffee00c0ffee00c0ffee00c0ffee00", "region": "eu-west-1",
                    "info": {
                        "cluster_id": "c0ffee00c0ffee00c0ffee00c0ffee00",
                        "metadata": metadata,
                        "plan_info": {"current": {"plan": {"elasticsearch": {"version": "9.1.0"}}}},
                        "settings": {
                            "metadata": {"organization_id": "1000000001"},
                            "trust": {
                                "accounts": [{"account_id": "1000000001", "trust_all": true, "name": "own"}],
                                "external": [{"trust_relationship_id": "r1", "trust_all": false, "trust_allowlist": ["a"]}],
                                "direct": [{"uid": "u1", "name": "sm", "trust_all": false, "additional_node_names": ["n1"],
                                            "certificates": [{"pem": "PEM", "metadata": {"fingerprint": "F"}}]}]
                            }
                        }
                    }
                }]}
            }),
            version: Some("3".into()),
        }
    }

    fn get<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
        v.get_attr(k).and_then(Value::as_str)
    }

    #[test]
    fn addresses_and_fields() {
        let cases = [
            (
                json!({"http": 9200, "https": 443, "transport_passthrough": 9400}),
                Some("https://x:443"),
                "abc.eu-west-1.aws.found.io:9400",
                "https://x:443",
            ),
            (
                json!({"https": 9243, "transport_passthrough": 9401}),
                None,
                "abc.eu-west-1.aws.found.io:9401",
                "https://abc.eu-west-1.aws.found.io:9243",
            ),
            (
                json!({}),
                None,
                "abc.eu-west-1.aws.found.io:9400",
                "https://abc.eu-west-1.aws.found.io",
            ),
        ];
        for (ports, url, cert, es_url) in cases {
            let st = to_state(&dep(ports, url), None).unwrap();
            assert_eq!(get(&st, "certificate_proxy_address"), Some(cert));
            assert_eq!(
                get(&st, "api_key_proxy_address"),
                Some("abc.eu-west-1.aws.found.io:9443")
            );
            assert_eq!(get(&st, "elasticsearch_url"), Some(es_url));
            assert_eq!(
                get(&st, "cluster_id"),
                Some("c0ffee00c0ffee00c0ffee00c0ffee00")
            );
            assert_eq!(get(&st, "ref_id"), Some("main-elasticsearch"));
            assert_eq!(get(&st, "organization_id"), Some("1000000001"));
            assert_eq!(get(&st, "version"), Some("9.1.0"));
            assert_eq!(get(&st, "region"), Some("eu-west-1"));
            assert_eq!(get(&st, "name"), Some("local"));
        }
        let d = dep(json!({}), None);
        assert!(matches!(
            to_state(&d, Some("nope")),
            Err(DescribeError::NoResource { .. })
        ));
        assert!(to_state(&d, Some("main-elasticsearch")).is_ok());
    }

    #[test]
    fn trust_view() {
        let st = to_state(&dep(json!({}), None), None).unwrap();
        let t = st.get_attr("trust").unwrap();
        let accounts = t.get_attr("accounts").and_then(Value::elements).unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(get(&accounts[0], "name"), Some("own"));
        assert_eq!(accounts[0].get_attr("trust_all"), Some(&Value::Bool(true)));
        assert_eq!(accounts[0].get_attr("trust_allowlist"), Some(&Value::Null));
        let ext = t.get_attr("external").and_then(Value::elements).unwrap();
        assert_eq!(
            ext[0].get_attr("trust_allowlist"),
            Some(&Value::List(vec![Value::String("a".into())]))
        );
        assert_eq!(ext[0].get_attr("name"), Some(&Value::Null));
        let direct = t.get_attr("direct").and_then(Value::elements).unwrap();
        assert_eq!(get(&direct[0], "uid"), Some("u1"));
        assert_eq!(get(&direct[0], "type"), Some("generic"));
        assert_eq!(
            direct[0].get_attr("certificates"),
            Some(&Value::List(vec![Value::String("PEM".into())]))
        );
        // No trust at all: three empty lists.
        let empty = trust_value(&json!({}));
        assert_eq!(empty.get_attr("direct"), Some(&Value::List(vec![])));
    }
}
