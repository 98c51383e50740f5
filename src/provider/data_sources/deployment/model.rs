//! The typed model of the `crosscluster_deployment` data source and its pure conversion from a
//! deployment read with settings and metadata (`GET /api/v1/deployments/{id}`).

use serde::{Deserialize, Serialize};

use crate::client::cloud::{
    AccountTrust, Deployment, DirectTrust, ExternalTrust, TrustSettings, es_view_of,
};
use crate::framework::model::Model;
use crate::framework::value::Type;
use crate::provider::functions::{API_KEY_PORT, CERTIFICATE_PORT};

use super::schema;

/// The data source's configuration and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct DeploymentModel {
    pub(super) id: String,
    pub(super) ref_id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) cluster_id: Option<String>,
    pub(super) region: Option<String>,
    pub(super) version: Option<String>,
    pub(super) organization_id: Option<String>,
    pub(super) endpoint: Option<String>,
    pub(super) elasticsearch_url: Option<String>,
    pub(super) certificate_proxy_address: Option<String>,
    pub(super) api_key_proxy_address: Option<String>,
    pub(super) trust: Option<TrustModel>,
}

impl Model for DeploymentModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// The read-only `trust` view.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct TrustModel {
    pub(super) accounts: Vec<AccountEntry>,
    pub(super) external: Vec<ExternalEntry>,
    pub(super) direct: Vec<DirectEntry>,
}

/// One `trust.accounts[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct AccountEntry {
    pub(super) account_id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) trust_all: bool,
    pub(super) trust_allowlist: Option<Vec<String>>,
}

/// One `trust.external[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ExternalEntry {
    pub(super) trust_relationship_id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) trust_all: bool,
    pub(super) trust_allowlist: Option<Vec<String>>,
}

/// One `trust.direct[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct DirectEntry {
    pub(super) uid: Option<String>,
    pub(super) name: Option<String>,
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) scope_id: Option<String>,
    pub(super) trust_all: bool,
    pub(super) trust_allowlist: Option<Vec<String>>,
    pub(super) additional_node_names: Option<Vec<String>>,
    pub(super) certificates: Vec<String>,
}

impl From<&AccountTrust> for AccountEntry {
    fn from(t: &AccountTrust) -> Self {
        Self {
            account_id: Some(t.account_id.clone()),
            name: t.name.clone(),
            trust_all: t.trust_all,
            trust_allowlist: t.trust_allowlist.clone(),
        }
    }
}

impl From<&ExternalTrust> for ExternalEntry {
    fn from(t: &ExternalTrust) -> Self {
        Self {
            trust_relationship_id: Some(t.trust_relationship_id.clone()),
            name: t.name.clone(),
            trust_all: t.trust_all,
            trust_allowlist: t.trust_allowlist.clone(),
        }
    }
}

impl From<&DirectTrust> for DirectEntry {
    fn from(t: &DirectTrust) -> Self {
        Self {
            uid: t.uid.clone(),
            // The client reads a missing name as empty: shown as null, as the API left it out.
            name: Some(t.name.clone()).filter(|n| !n.is_empty()),
            kind: t.kind.clone().unwrap_or_else(|| "generic".to_string()),
            scope_id: t.scope_id.clone(),
            trust_all: t.trust_all,
            trust_allowlist: t.trust_allowlist.clone(),
            additional_node_names: t.additional_node_names.clone(),
            certificates: t.certificates.iter().map(|c| c.pem.clone()).collect(),
        }
    }
}

/// The read-only `trust` view of a resource's trust settings (none: three empty lists).
pub(super) fn trust_of(trust: Option<&TrustSettings>) -> TrustModel {
    let Some(t) = trust else {
        return TrustModel::default();
    };
    TrustModel {
        accounts: t.accounts.iter().map(AccountEntry::from).collect(),
        external: t.external.iter().map(ExternalEntry::from).collect(),
        direct: t.direct.iter().map(DirectEntry::from).collect(),
    }
}

/// Why a deployment cannot be described.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum DescribeError {
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

/// The state for a deployment read with settings and metadata. The API-key model's port (9443)
/// is a fixed convention of Elastic Cloud, not in the API; the certificate model's is the
/// transport passthrough port the API reports, 9400 when it reports none.
pub(super) fn from_api(
    dep: &Deployment,
    ref_id: Option<&str>,
) -> Result<DeploymentModel, DescribeError> {
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
        .unwrap_or(u64::from(CERTIFICATE_PORT));
    let url = view
        .service_url
        .clone()
        .unwrap_or_else(|| match view.https_port {
            Some(443) | None => format!("https://{endpoint}"),
            Some(p) => format!("https://{endpoint}:{p}"),
        });
    Ok(DeploymentModel {
        id: dep.id().to_string(),
        ref_id: Some(view.ref_id.clone()),
        name: Some(dep.name().to_string()),
        cluster_id: Some(view.cluster_id.clone()),
        region: Some(view.region.clone()),
        version: view.version.clone(),
        organization_id: view.organization_id.clone(),
        certificate_proxy_address: Some(format!("{endpoint}:{passthrough}")),
        api_key_proxy_address: Some(format!("{endpoint}:{API_KEY_PORT}")),
        elasticsearch_url: Some(url),
        endpoint: Some(endpoint),
        trust: Some(trust_of(view.trust.as_ref())),
    })
}
