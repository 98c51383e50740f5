//! The typed model of the `crosscluster_eligible_remote_clusters` data source and its pure
//! conversion from the deployments Elastic Cloud lists.

use serde::{Deserialize, Serialize};

use crate::client::cloud::{Deployment, es_view_of};
use crate::framework::model::Model;
use crate::framework::value::Type;
use crate::provider::functions::{API_KEY_PORT, CERTIFICATE_PORT};

use super::schema;

/// The data source's configuration and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct EligibleModel {
    pub(super) deployment_id: String,
    pub(super) ref_id: Option<String>,
    pub(super) ids: Option<Vec<String>>,
    pub(super) deployments: Option<Vec<Candidate>>,
}

impl Model for EligibleModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// One eligible deployment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Candidate {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) alias: Option<String>,
    pub(super) healthy: Option<bool>,
    pub(super) ref_id: Option<String>,
    pub(super) cluster_id: Option<String>,
    pub(super) region: Option<String>,
    pub(super) version: Option<String>,
    pub(super) endpoint: Option<String>,
    pub(super) certificate_proxy_address: Option<String>,
    pub(super) api_key_proxy_address: Option<String>,
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.to_string()).filter(|s| !s.is_empty())
}

/// One entry per listed deployment (its first Elasticsearch resource), sorted by id, each id
/// once. Missing fields stay null: a search result may lack metadata a full read has.
pub(super) fn candidates(deployments: &[Deployment]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = deployments
        .iter()
        .filter(|d| !d.id().is_empty())
        .map(|d| {
            let view = d.es_resource(None).and_then(|r| es_view_of(r).ok());
            let endpoint = view
                .as_ref()
                .and_then(|v| v.endpoint.clone())
                .filter(|e| !e.is_empty());
            let passthrough = view
                .as_ref()
                .and_then(|v| v.transport_passthrough_port)
                .unwrap_or(u64::from(CERTIFICATE_PORT));
            Candidate {
                id: d.id().to_string(),
                name: non_empty(d.name()),
                alias: d
                    .raw
                    .get("alias")
                    .and_then(|a| a.as_str())
                    .and_then(non_empty),
                healthy: d.raw.get("healthy").and_then(|h| h.as_bool()),
                ref_id: view.as_ref().and_then(|v| non_empty(&v.ref_id)),
                cluster_id: view.as_ref().and_then(|v| non_empty(&v.cluster_id)),
                region: view.as_ref().and_then(|v| non_empty(&v.region)),
                version: view.as_ref().and_then(|v| v.version.clone()),
                certificate_proxy_address: endpoint.as_ref().map(|e| format!("{e}:{passthrough}")),
                api_key_proxy_address: endpoint.as_ref().map(|e| format!("{e}:{API_KEY_PORT}")),
                endpoint,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}
