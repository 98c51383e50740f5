//! The typed model of `crosscluster_remote_cluster_signing` and the pure conversions between it
//! and the cluster settings it owns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;

/// The settings (after `cluster.remote.<alias>.`) this resource owns.
pub(super) const OWNED: &[(&str, &str)] = &[
    ("certificate", "signing.certificate"),
    ("key", "signing.key"),
];

/// The resource's attributes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct SigningModel {
    pub(super) id: Known<String>,
    pub(super) alias: Known<String>,
    pub(super) certificate: Known<String>,
    pub(super) key: Known<String>,
}

impl Model for SigningModel {
    fn object_type() -> Type {
        super::schema::schema().block.object_type()
    }
}

impl SigningModel {
    /// The alias: `alias`, or `id` in a state that has only that.
    pub(super) fn alias(&self) -> Result<String, Diagnostics> {
        self.alias
            .value()
            .or_else(|| self.id.value())
            .cloned()
            .ok_or_else(|| {
                Diagnostic::attribute_error(
                    AttributePath::root().attr("alias"),
                    "Value not known",
                    "The alias is needed to write the signing settings.",
                )
                .into()
            })
    }
}

/// The full setting name of `suffix` for `alias`.
pub(super) fn setting(alias: &str, suffix: &str) -> String {
    format!("cluster.remote.{alias}.{suffix}")
}

/// The `persistent` body that sets both owned settings to the planned paths.
pub(super) fn to_settings(m: &SigningModel) -> Result<Map<String, Json>, Diagnostics> {
    let alias = m.alias()?;
    let mut out = Map::new();
    for (attr, suffix) in OWNED {
        let v = match *attr {
            "certificate" => &m.certificate,
            _ => &m.key,
        };
        let path = v.value().ok_or_else(|| {
            Diagnostics::from(Diagnostic::attribute_error(
                AttributePath::root().attr(*attr),
                "Value not known",
                "The path is needed to write the signing settings.",
            ))
        })?;
        out.insert(setting(&alias, suffix), Json::String(path.clone()));
    }
    Ok(out)
}

/// The `persistent` body that removes both owned settings (and nothing else).
pub(super) fn owned_nulls(alias: &str) -> Map<String, Json> {
    OWNED
        .iter()
        .map(|(_, suffix)| (setting(alias, suffix), Json::Null))
        .collect()
}

fn text(v: Option<&Json>) -> Known<String> {
    match v {
        Some(Json::String(s)) => Known::Value(s.clone()),
        Some(Json::Null) | None => Known::Null,
        Some(other) => Known::Value(other.to_string()),
    }
}

/// The state from the flat persistent settings; `None` when neither owned setting is set.
pub(super) fn from_settings(
    alias: &str,
    persistent: &BTreeMap<String, Json>,
) -> Option<SigningModel> {
    let certificate = text(persistent.get(&setting(alias, "signing.certificate")));
    let key = text(persistent.get(&setting(alias, "signing.key")));
    if certificate.is_null() && key.is_null() {
        return None;
    }
    Some(SigningModel {
        id: Known::Value(alias.to_owned()),
        alias: Known::Value(alias.to_owned()),
        certificate,
        key,
    })
}
