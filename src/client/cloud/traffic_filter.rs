//! Traffic-filter rulesets and their associations with deployments
//! (`/deployments/traffic-filter/...`, api-facts-next 2.2). Calls only: which ruleset and
//! association belong to whom is the caller's business.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use super::{API, CloudClient, null_as_default};
use crate::client::{Req, Result, seg};

/// One rule of a ruleset (`TrafficFilterRule`). Fields this client does not model are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrafficFilterRule {
    /// Server-generated id (reissued when the rules change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// IP / CIDR / endpoint id (`ip`, `vpce` rulesets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `remote_cluster` rulesets: the Elasticsearch cluster id of the initiating cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_cluster_id: Option<String>,
    /// `remote_cluster` rulesets: the organization id of the initiating cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_cluster_org_id: Option<String>,
    /// Anything else the service sends.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An association of a ruleset (`FilterAssociation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterAssociation {
    /// `deployment` (or `cluster`).
    pub entity_type: String,
    /// The deployment (or cluster) id.
    pub id: String,
}

/// A ruleset as read (`TrafficFilterRulesetInfo`).
#[derive(Debug, Clone, Deserialize)]
pub struct TrafficFilterRuleset {
    /// Ruleset id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `ip`, `vpce`, `remote_cluster`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Region.
    pub region: String,
    /// Attached to new deployments of the region automatically.
    #[serde(default)]
    pub include_by_default: bool,
    /// Rules.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rules: Vec<TrafficFilterRule>,
    /// Associations (only with `include_associations=true`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub associations: Vec<FilterAssociation>,
}

impl TrafficFilterRuleset {
    /// Whether the ruleset is associated with deployment `deployment_id`.
    pub fn associated_with(&self, deployment_id: &str) -> bool {
        self.associations
            .iter()
            .any(|a| a.entity_type == "deployment" && a.id == deployment_id)
    }
}

/// The body of a create or (full) update (`TrafficFilterRulesetRequest`).
#[derive(Debug, Clone, Serialize)]
pub struct TrafficFilterRulesetRequest {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ruleset type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Region (the deployment's).
    pub region: String,
    /// Attach to new deployments automatically.
    pub include_by_default: bool,
    /// All rules: an update replaces the whole list.
    pub rules: Vec<TrafficFilterRule>,
}

fn rulesets_path() -> String {
    format!("{API}/deployments/traffic-filter/rulesets")
}

fn ruleset_path(id: &str) -> String {
    format!("{}/{}", rulesets_path(), seg(id))
}

impl CloudClient {
    /// `POST /deployments/traffic-filter/rulesets` (201 `{id}`). Not retried once sent: a
    /// repeat would create a second ruleset.
    pub async fn create_traffic_filter_ruleset(
        &self,
        body: &TrafficFilterRulesetRequest,
        cancel: &CancellationToken,
    ) -> Result<String> {
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        let req = Req::new(Method::POST, rulesets_path()).json(body)?;
        let c: Created = self.fetch(&req, cancel).await?;
        Ok(c.id)
    }

    /// `GET /deployments/traffic-filter/rulesets?region=`: the rulesets of the caller's
    /// organization in `region` (without associations).
    pub async fn list_traffic_filter_rulesets(
        &self,
        region: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<TrafficFilterRuleset>> {
        #[derive(Deserialize)]
        struct List {
            #[serde(default, deserialize_with = "null_as_default")]
            rulesets: Vec<TrafficFilterRuleset>,
        }
        let req = Req::new(Method::GET, rulesets_path())
            .query("region", region)
            .query("include_associations", false);
        let l: List = self.fetch(&req, cancel).await?;
        Ok(l.rulesets)
    }

    /// `GET /deployments/traffic-filter/rulesets/{id}?include_associations=`.
    pub async fn get_traffic_filter_ruleset(
        &self,
        id: &str,
        include_associations: bool,
        cancel: &CancellationToken,
    ) -> Result<TrafficFilterRuleset> {
        let req = Req::new(Method::GET, ruleset_path(id))
            .query("include_associations", include_associations);
        self.fetch(&req, cancel).await
    }

    /// `PUT /deployments/traffic-filter/rulesets/{id}` (the whole ruleset).
    pub async fn update_traffic_filter_ruleset(
        &self,
        id: &str,
        body: &TrafficFilterRulesetRequest,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = Req::new(Method::PUT, ruleset_path(id)).json(body)?;
        self.call(&req, cancel).await?;
        Ok(())
    }

    /// `DELETE /deployments/traffic-filter/rulesets/{id}?ignore_associations=false`: refused
    /// while the ruleset has associations.
    pub async fn delete_traffic_filter_ruleset(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = Req::new(Method::DELETE, ruleset_path(id)).query("ignore_associations", false);
        self.call(&req, cancel).await?;
        Ok(())
    }

    /// `POST .../rulesets/{id}/associations` for a deployment (201 new, 200 existing: a
    /// repeat changes nothing, so it is retried like an idempotent call).
    pub async fn associate_traffic_filter_ruleset(
        &self,
        id: &str,
        deployment_id: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = Req::new(Method::POST, format!("{}/associations", ruleset_path(id)))
            .idempotent(true)
            .json(&json!({"entity_type": "deployment", "id": deployment_id}))?;
        self.call(&req, cancel).await?;
        Ok(())
    }

    /// `DELETE .../rulesets/{id}/associations/deployment/{deployment_id}`.
    pub async fn dissociate_traffic_filter_ruleset(
        &self,
        id: &str,
        deployment_id: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = Req::new(
            Method::DELETE,
            format!(
                "{}/associations/deployment/{}",
                ruleset_path(id),
                seg(deployment_id)
            ),
        );
        self.call(&req, cancel).await?;
        Ok(())
    }

    /// `GET /deployments/traffic-filter/associations/deployment/{id}/rulesets`: the ids of the
    /// rulesets associated with a deployment (that the caller can see).
    pub async fn deployment_traffic_filter_rulesets(
        &self,
        deployment_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Settings {
            #[serde(default, deserialize_with = "null_as_default")]
            rulesets: Vec<String>,
        }
        let req = Req::new(
            Method::GET,
            format!(
                "{API}/deployments/traffic-filter/associations/deployment/{}/rulesets",
                seg(deployment_id)
            ),
        );
        let s: Settings = self.fetch(&req, cancel).await?;
        Ok(s.rulesets)
    }
}
