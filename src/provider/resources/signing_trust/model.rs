//! The typed model of `crosscluster_signing_trust` and the pure conversions between it and the
//! one cluster setting it owns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;

/// The setting this resource owns.
pub(super) const SETTING: &str = "cluster.remote.signing.certificate_authorities";

/// The id (and import id): a cluster has one such setting.
pub(super) const ID: &str = "cluster.remote.signing";

/// The resource's attributes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct TrustModel {
    pub(super) id: Known<String>,
    pub(super) certificate_authorities: Known<Vec<Known<String>>>,
}

impl Model for TrustModel {
    fn object_type() -> Type {
        super::schema::schema().block.object_type()
    }
}

fn not_known() -> Diagnostics {
    Diagnostic::attribute_error(
        AttributePath::root().attr("certificate_authorities"),
        "Value not known",
        "The paths are needed to write the setting.",
    )
    .into()
}

/// The `persistent` body that sets the owned setting to the planned list.
pub(super) fn to_settings(m: &TrustModel) -> Result<Map<String, Json>, Diagnostics> {
    let list = m.certificate_authorities.value().ok_or_else(not_known)?;
    let paths = list
        .iter()
        .map(|p| p.value().cloned().map(Json::String).ok_or_else(not_known))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Map::new();
    out.insert(SETTING.to_owned(), Json::Array(paths));
    Ok(out)
}

/// The state from the flat persistent settings; `None` when the setting is not set.
pub(super) fn from_settings(persistent: &BTreeMap<String, Json>) -> Option<TrustModel> {
    let paths: Vec<String> = match persistent.get(SETTING)? {
        Json::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Json::String(s) if !s.is_empty() => s.split(',').map(|p| p.trim().to_owned()).collect(),
        _ => return None,
    };
    Some(TrustModel {
        id: Known::Value(ID.to_owned()),
        certificate_authorities: Known::Value(paths.into_iter().map(Known::Value).collect()),
    })
}
