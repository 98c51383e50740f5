//! ECE platform trust relationships (`/platform/configuration/trust-relationships`,
//! api-facts-next 3.1): create, update and delete (the reads are in `mod.rs`).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{API, CloudClient, null_as_default};
use crate::client::{Req, Result, seg};

/// A trust relationship as read (`TrustRelationshipGetResponse`).
#[derive(Debug, Clone, Deserialize)]
pub struct TrustRelationship {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Trusted by default by every deployment of this environment.
    #[serde(default)]
    pub trust_by_default: bool,
    /// Whether it describes this environment itself.
    #[serde(default)]
    pub local: bool,
    /// Trusted accounts of the other environment.
    #[serde(default, deserialize_with = "null_as_default")]
    pub account_ids: Vec<String>,
    /// The other environment's CA (only with `include_certificate=true`).
    #[serde(default)]
    pub public_ca_cert: Option<String>,
    /// The other environment's id.
    #[serde(default)]
    pub installation_id: Option<String>,
}

/// The body of a create or update (`TrustRelationshipCreateRequest` / `UpdateRequest`).
#[derive(Debug, Clone, Serialize)]
pub struct TrustRelationshipRequest {
    /// Name.
    pub name: String,
    /// Trusted by default by every deployment of this environment.
    pub trust_by_default: bool,
    /// Trusted accounts (empty: sent as an empty list).
    pub account_ids: Vec<String>,
    /// PEM of the other environment's CA.
    pub public_ca_cert: String,
    /// The other environment's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installation_id: Option<String>,
}

fn path(id: Option<&str>) -> String {
    let base = format!("{API}/platform/configuration/trust-relationships");
    match id {
        Some(id) => format!("{base}/{}", seg(id)),
        None => base,
    }
}

impl CloudClient {
    /// ECE: `POST /platform/configuration/trust-relationships` (201). Not retried once sent.
    pub async fn create_trust_relationship(
        &self,
        body: &TrustRelationshipRequest,
        cancel: &CancellationToken,
    ) -> Result<TrustRelationship> {
        let req = Req::new(Method::POST, path(None)).json(body)?;
        self.fetch(&req, cancel).await
    }

    /// ECE: `GET /platform/configuration/trust-relationships/{id}?include_certificate=true`.
    pub async fn read_trust_relationship(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<TrustRelationship> {
        let req = Req::new(Method::GET, path(Some(id))).query("include_certificate", true);
        self.fetch(&req, cancel).await
    }

    /// ECE: `PUT /platform/configuration/trust-relationships/{id}`.
    pub async fn update_trust_relationship(
        &self,
        id: &str,
        body: &TrustRelationshipRequest,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = Req::new(Method::PUT, path(Some(id))).json(body)?;
        self.call(&req, cancel).await?;
        Ok(())
    }

    /// ECE: `DELETE /platform/configuration/trust-relationships/{id}`.
    pub async fn delete_trust_relationship(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Value> {
        let req = Req::new(Method::DELETE, path(Some(id)));
        self.fetch(&req, cancel).await
    }
}
