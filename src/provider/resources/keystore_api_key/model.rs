//! The typed model of `crosscluster_keystore_api_key` and the pure decisions on it: what the
//! plan derives, when an update writes the key again, when a write needs a restart.

use serde::{Deserialize, Serialize};

use crate::client::Secret;
use crate::client::cloud::credentials_setting;
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;
use crate::provider::common::{DeploymentAliasId, format_alias_id};

use super::super::reload;
use super::super::sensitive::Sensitive;

/// What `reload` asks for after a keystore write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Reload {
    /// Restart the Elasticsearch resource when it runs below 8.14.
    Auto,
    /// Never restart.
    None,
}

impl Reload {
    /// Whether a keystore write must be followed by a restart: `auto` on a deployment whose
    /// Elasticsearch does not reload the keystore itself ([`reload::needs_restart`]). `Err`
    /// when `auto` cannot decide because the version is unknown.
    pub(super) fn restart_needed(self, version: Option<&str>) -> Result<bool, String> {
        if self == Reload::None {
            return Ok(false);
        }
        reload::needs_restart(version).ok_or_else(|| {
            format!(
                "the Elasticsearch version of the deployment is unknown ({}), so reload = \"auto\" cannot tell whether a restart is needed; none was done",
                version.unwrap_or("not reported")
            )
        })
    }
}

/// The `timeouts` block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct TimeoutsModel {
    pub(super) create: Known<String>,
    pub(super) update: Known<String>,
    pub(super) delete: Known<String>,
}

/// The resource's configuration, plan or state. Any configured value may be unknown at plan
/// time, so every attribute is a [`Known`]. The key values are [`Sensitive`]: `Debug` hides
/// them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct KeystoreKeyModel {
    pub(super) deployment_id: Known<String>,
    pub(super) ref_id: Known<String>,
    pub(super) alias: Known<String>,
    pub(super) api_key: Known<Sensitive>,
    pub(super) api_key_wo: Known<Sensitive>,
    pub(super) api_key_wo_version: Known<f64>,
    pub(super) reload: Known<Reload>,
    pub(super) setting_name: Known<String>,
    pub(super) id: Known<String>,
    pub(super) timeouts: Known<TimeoutsModel>,
}

impl Model for KeystoreKeyModel {
    fn object_type() -> Type {
        super::schema::schema().block.object_type()
    }
}

/// What the key operations need from a plan or state (at apply time, when the configured
/// values are known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) deployment_id: String,
    /// `None`: not resolved yet (unknown or null), so the deployment's first resource.
    pub(super) ref_id: Option<String>,
    pub(super) alias: String,
    pub(super) reload: Reload,
}

impl Target {
    pub(super) fn setting(&self) -> String {
        credentials_setting(&self.alias)
    }
}

fn known_string(v: &Known<String>, what: &str) -> Result<String, Diagnostics> {
    v.value().cloned().ok_or_else(|| {
        Diagnostic::error(
            "Value not known",
            format!("{what} is not known yet; it is needed to reach the keystore."),
        )
        .into()
    })
}

impl KeystoreKeyModel {
    /// The key operations' view of this plan or state; `reload` null means `auto`.
    pub(super) fn target(&self) -> Result<Target, Diagnostics> {
        Ok(Target {
            deployment_id: known_string(&self.deployment_id, "deployment_id")?,
            ref_id: self.ref_id.value().cloned(),
            alias: known_string(&self.alias, "alias")?,
            reload: self.reload.value().copied().unwrap_or(Reload::Auto),
        })
    }

    /// The key value from the configuration: `api_key` or `api_key_wo`.
    pub(super) fn secret(&self) -> Result<Secret, Diagnostics> {
        self.api_key
            .value()
            .or(self.api_key_wo.value())
            .map(Sensitive::to_secret)
            .ok_or_else(|| {
                Diagnostic::error(
                    "No API key",
                    "Exactly one of api_key and api_key_wo must be set.",
                )
                .into()
            })
    }

    /// Whether an update from `prior` to this plan must write the key again: `api_key` or
    /// `api_key_wo_version` differs (a switch between the two forms changes both).
    pub(super) fn needs_rewrite(&self, prior: &KeystoreKeyModel) -> bool {
        self.api_key != prior.api_key || self.api_key_wo_version != prior.api_key_wo_version
    }

    /// Fills the plan's derived values: `setting_name` from `alias`, `id` when its parts are
    /// known; `ref_id` (when not configured) is re-resolved when the deployment changes.
    pub(super) fn derive_plan(
        &mut self,
        prior: Option<&KeystoreKeyModel>,
        config: Option<&KeystoreKeyModel>,
    ) {
        if let Some(prior) = prior
            && config.is_none_or(|c| c.ref_id.is_null())
            && prior.deployment_id != self.deployment_id
        {
            self.ref_id = Known::Unknown;
        }
        self.setting_name = match self.alias.value() {
            Some(a) => Known::Value(credentials_setting(a)),
            None => Known::Unknown,
        };
        self.id = match (
            self.deployment_id.value(),
            self.ref_id.value(),
            self.alias.value(),
        ) {
            (Some(d), Some(r), Some(a)) => Known::Value(format_alias_id(d, r, a)),
            _ => Known::Unknown,
        };
    }

    /// The state after a successful write or read: this plan or prior state with the resolved
    /// `ref_id` and the derived attributes; `reload` defaults to `auto` (import).
    pub(super) fn finish(mut self, ref_id: &str) -> KeystoreKeyModel {
        self.ref_id = Known::Value(ref_id.to_owned());
        if self.reload.is_null() {
            self.reload = Known::Value(Reload::Auto);
        }
        self.derive_plan(None, None);
        self
    }

    /// The state an import starts from: the id's parts, `reload = "auto"`, the rest null.
    pub(super) fn imported(id: DeploymentAliasId) -> KeystoreKeyModel {
        KeystoreKeyModel {
            deployment_id: Known::Value(id.deployment_id),
            ref_id: id.ref_id.into(),
            alias: Known::Value(id.alias),
            reload: Known::Value(Reload::Auto),
            ..KeystoreKeyModel::default()
        }
    }
}
