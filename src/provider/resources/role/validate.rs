//! Plan-time checks of `crosscluster_role`: reserved metadata keys, the privileges
//! `remote_cluster` accepts, and the version gates of the cluster.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value as Json;

use crate::client::elasticsearch::{ClusterInfo, Feature, Version};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, from_value};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;
use crate::provider::common::parse_json;

/// Privileges `remote_cluster` accepts.
pub(super) const REMOTE_CLUSTER_PRIVILEGES: &[&str] = &["monitor_enrich", "monitor_stats"];

/// First version with a role `description`.
pub(super) const DESCRIPTION_VERSION: Version = Version::new(8, 15, 0);

/// Metadata keys starting with `_` are Elasticsearch's own.
pub(super) struct ReservedMetadataKeys;

impl ValueRule for ReservedMetadataKeys {
    fn description(&self) -> String {
        "Keys starting with `_` are reserved.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(Json::Object(m)) = value.as_str().and_then(parse_json) else {
            return;
        };
        if let Some(k) = m.keys().find(|k| k.starts_with('_')) {
            diags.attribute_error(
                path.clone(),
                "Invalid metadata",
                format!(
                    "metadata key {k:?} starts with '_', which Elasticsearch reserves for itself."
                ),
            );
        }
    }
}

/// `remote_cluster` privileges are `monitor_enrich` and `monitor_stats` only.
pub(super) struct RemoteClusterPrivilegeNames;

impl ValueRule for RemoteClusterPrivilegeNames {
    fn description(&self) -> String {
        "Each of `monitor_enrich`, `monitor_stats`.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Value::List(items) = value else { return };
        for (i, item) in items.iter().enumerate() {
            if let Value::String(p) = item
                && !REMOTE_CLUSTER_PRIVILEGES.contains(&p.as_str())
            {
                diags.attribute_error(
                    path.clone().index(i64::try_from(i).unwrap_or(i64::MAX)),
                    "Invalid remote_cluster privilege",
                    format!("{p:?} is not allowed: remote_cluster accepts only monitor_enrich and monitor_stats (8.17+)."),
                );
            }
        }
    }
}

/// What the version gates look at, read leniently: any of it may still be unknown.
#[derive(Deserialize)]
struct GateView {
    #[serde(default)]
    remote_indices: Known<Vec<IgnoredAny>>,
    #[serde(default)]
    remote_cluster: Known<Vec<RemoteClusterGate>>,
    #[serde(default)]
    description: Known<IgnoredAny>,
}

#[derive(Deserialize)]
struct RemoteClusterGate {
    #[serde(default)]
    privileges: Known<Vec<Known<String>>>,
}

/// Version gates of a role configuration, with attribute paths (values may be unknown).
pub(super) fn version_problems(config: &Value, info: &ClusterInfo) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if info.is_serverless() {
        return diags;
    }
    let Ok(view) = from_value::<GateView>(config) else {
        return diags;
    };
    let root = AttributePath::root();
    let mut gate = |feature: Feature, path: AttributePath, what: &str| {
        if let Err(e) = info.require(feature) {
            diags.attribute_error(
                path,
                format!("{what} needs Elasticsearch {}", feature.min_version()),
                format!("{e}. Remove {what} from this role, or upgrade the cluster."),
            );
        }
    };
    if view.remote_indices.value().is_some_and(|l| !l.is_empty()) {
        gate(
            Feature::RemoteIndices,
            root.clone().attr("remote_indices"),
            "remote_indices",
        );
    }
    if let Some(blocks) = view.remote_cluster.value().filter(|l| !l.is_empty()) {
        let path = root.clone().attr("remote_cluster");
        gate(
            Feature::RemoteClusterPrivileges,
            path.clone(),
            "remote_cluster",
        );
        for (i, b) in blocks.iter().enumerate() {
            let stats = b.privileges.value().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p.value().map(String::as_str) == Some("monitor_stats"))
            });
            if stats {
                gate(
                    Feature::MonitorStats,
                    path.clone()
                        .index(i64::try_from(i).unwrap_or(i64::MAX))
                        .attr("privileges"),
                    "the monitor_stats privilege",
                );
            }
        }
    }
    if !view.description.is_null() && info.version < DESCRIPTION_VERSION {
        diags.attribute_error(
            root.attr("description"),
            format!("description needs Elasticsearch {DESCRIPTION_VERSION}"),
            format!(
                "Role descriptions require Elasticsearch {DESCRIPTION_VERSION} or later, but the cluster runs {}. Remove description from this role, or upgrade the cluster.",
                info.version
            ),
        );
    }
    diags
}
