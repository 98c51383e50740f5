//! The fixture: organizations, deployments and their optional pre-existing state.
//!
//! The format is documented in `tests/simulator/README.md`; `fixtures/default.json` is the
//! built-in default.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The built-in default fixture (two organizations, four deployments).
pub const DEFAULT_FIXTURE: &str = include_str!("../fixtures/default.json");

/// A whole fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Elastic Cloud organizations.
    pub organizations: Vec<OrgFixture>,
    /// Deployments, each with one Elasticsearch resource.
    pub deployments: Vec<DeploymentFixture>,
    /// ECE-style environment trust relationships (`external[].trust_relationship_id`).
    #[serde(default)]
    pub trust_relationships: Vec<TrustRelationshipFixture>,
    /// Every deployment answers with the shapes real Elastic Cloud sends (see
    /// [`DeploymentFixture::real_shapes`]); a deployment's own setting wins.
    #[serde(default)]
    pub real_shapes: bool,
}

/// One organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFixture {
    /// Organization id (10 digits on Elastic Cloud).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Cloud API keys that authenticate as this organization (at least one).
    pub api_keys: Vec<String>,
    /// `GET /account` `trust.trust_all` (default true).
    #[serde(default = "yes")]
    pub trust_all: bool,
    /// `GET /trusted-environments` body (default: three empty lists).
    #[serde(default)]
    pub trusted_environments: Option<Value>,
    /// The ECE environment (installation id) this organization's deployments live in; none:
    /// Elastic Cloud. A `direct[]` trust of type `ECE` names the environment in `scope_id`, an
    /// `external[]` trust names a trust relationship whose `installation_id` is it.
    #[serde(default)]
    pub environment: Option<String>,
    /// Cloud API keys with role assignments (the `api_keys` above are Organization owners).
    #[serde(default)]
    pub role_api_keys: Vec<RoleKeyFixture>,
}

/// A Cloud API key with roles (`role_assignments` as Cloud's `POST /users/auth/keys` takes
/// them; `deployment_ids` may name deployments by fixture name).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleKeyFixture {
    /// The key (what `Authorization: ApiKey` carries).
    pub key: String,
    /// Role assignments.
    pub role_assignments: Value,
}

/// A native Elasticsearch user.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    /// Password.
    pub password: String,
    /// Role names (defined in `roles`, or `superuser`).
    #[serde(default)]
    pub roles: Vec<String>,
}

fn yes() -> bool {
    true
}

/// One deployment (one Elasticsearch resource).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFixture {
    /// Deployment id (32 lowercase hex); derived from the name when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Deployment name.
    pub name: String,
    /// Owning organization id.
    pub organization_id: String,
    /// Elasticsearch version, e.g. "9.1.0".
    pub version: String,
    /// Elasticsearch resource ref_id (default `main-elasticsearch`).
    #[serde(default)]
    pub ref_id: Option<String>,
    /// Elasticsearch cluster id (32 hex); derived when absent.
    #[serde(default)]
    pub cluster_id: Option<String>,
    /// Region (default `eu-west-1`).
    #[serde(default)]
    pub region: Option<String>,
    /// Endpoint host name (default `<cluster_id>.<region>.aws.found.io`).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Password of the `elastic` user; derived when absent.
    #[serde(default)]
    pub password: Option<String>,
    /// Pre-existing `settings.trust` (default: trust the own organization).
    #[serde(default)]
    pub trust: Option<Value>,
    /// The deployment's settings hold no `trust` object at all (as on deployments that never
    /// had their trust edited); what is in effect is the default: its own organization.
    #[serde(default)]
    pub trust_absent: bool,
    /// Answer with the shapes real Elastic Cloud sends: `null` for empty lists (trust lists,
    /// `trust_allowlist`, `services_urls`), `settings.metadata.hidden`/`system_owned`, a
    /// `plan.transient` section; before 8.0 `ports.https` 9243 and no `service_url` /
    /// `aliased_*`; with `ref_id` `elasticsearch` the legacy plan fields and a `null`
    /// `transport_passthrough` port. None: the fixture's `real_shapes`.
    #[serde(default)]
    pub real_shapes: Option<bool>,
    /// Pre-existing keystore entries (setting name to value); already loaded by the node.
    #[serde(default)]
    pub keystore: Map<String, Value>,
    /// Pre-existing cluster settings: `{"persistent": {...}, "transient": {...}}`.
    #[serde(default)]
    pub cluster_settings: Option<Value>,
    /// Node settings (`elasticsearch.yml`, on Cloud the user settings), flat or nested: the
    /// lowest layer under persistent and transient, shown under `defaults` by
    /// `GET /_cluster/settings?include_defaults`.
    #[serde(default)]
    pub node_settings: Option<Value>,
    /// Pre-existing roles (name to role body).
    #[serde(default)]
    pub roles: Map<String, Value>,
    /// Pre-existing REST API keys usable with `Authorization: ApiKey`.
    #[serde(default)]
    pub rest_api_keys: Vec<RestKeyFixture>,
    /// Native users (name to password and roles) besides `elastic`.
    #[serde(default)]
    pub users: std::collections::BTreeMap<String, UserFixture>,
    /// Network security on from the start, with no ruleset: API-key remote traffic into it is
    /// refused until a traffic filter admits the caller (`traffic_filter.rs`).
    #[serde(default)]
    pub network_security: bool,
}

/// A REST API key that exists from the start.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RestKeyFixture {
    /// Key id.
    pub id: String,
    /// Key secret.
    pub api_key: String,
    /// Key name.
    #[serde(default)]
    pub name: Option<String>,
    /// Role descriptors limiting the key (empty: the owner's privileges).
    #[serde(default)]
    pub role_descriptors: Map<String, Value>,
}

/// An ECE trust relationship.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustRelationshipFixture {
    /// Relationship id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Organizations whose deployments this environment covers (empty: all).
    #[serde(default)]
    pub account_ids: Vec<String>,
    /// Trusted by default.
    #[serde(default)]
    pub trust_by_default: bool,
    /// The other environment's id (ECE installation id).
    #[serde(default)]
    pub installation_id: Option<String>,
}

impl Fixture {
    /// Parses a fixture from JSON text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The built-in default fixture; with `CROSSCLUSTER_SIM_PRESET=real_shapes` in the
    /// environment, the [`Fixture::real_shapes_preset`] instead (so a whole test suite can be
    /// run against the real shapes without changing a test).
    pub fn default_fixture() -> Self {
        if std::env::var("CROSSCLUSTER_SIM_PRESET").as_deref() == Ok("real_shapes") {
            return Self::real_shapes_preset();
        }
        Self::plain_default()
    }

    /// The built-in default fixture, whatever the environment says.
    pub fn plain_default() -> Self {
        // The embedded file is part of this crate and is checked by a unit test.
        Self::from_json(DEFAULT_FIXTURE).unwrap_or(Fixture {
            organizations: Vec::new(),
            deployments: Vec::new(),
            trust_relationships: Vec::new(),
            real_shapes: false,
        })
    }

    /// The `real_shapes` preset: the default fixture (same names, ids and versions) answering
    /// with real Cloud shapes; `legacy` (7.5.2) has the legacy `ref_id` `elasticsearch`, and
    /// an extra deployment `bare` (9.1.0, organization 1) has no `trust` object.
    pub fn real_shapes_preset() -> Self {
        let mut f = Self::plain_default();
        f.real_shapes = true;
        let mut bare = None;
        for d in &mut f.deployments {
            if d.name == "legacy" {
                d.ref_id = Some("elasticsearch".to_string());
            }
            if d.name == "local" {
                let mut b = d.clone();
                b.name = "bare".to_string();
                b.id = None;
                b.cluster_id = None;
                b.endpoint = None;
                b.password = None;
                b.trust_absent = true;
                bare = Some(b);
            }
        }
        f.deployments.extend(bare);
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fixture_parses() {
        let f = Fixture::from_json(DEFAULT_FIXTURE).unwrap();
        assert_eq!(f.organizations.len(), 2);
        let names: Vec<_> = f.deployments.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["local", "old-local", "legacy", "legacy-remote", "remote"]
        );
    }
}
