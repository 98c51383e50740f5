//! Plan-time checks of `crosscluster_role`: reserved metadata keys, the privileges
//! `remote_cluster` accepts, and the version gates of the cluster.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::client::elasticsearch::{ClusterInfo, Feature, Version};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, from_value};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;

/// Privileges `remote_cluster` accepts.
pub(super) const REMOTE_CLUSTER_PRIVILEGES: &[&str] = &["monitor_enrich", "monitor_stats"];

/// First version with a role `description`.
pub(super) const DESCRIPTION_VERSION: Version = Version::new(8, 15, 0);

/// Elasticsearch's rule for role names: printable Basic Latin characters (letters, digits,
/// spaces, punctuation, symbols), without leading or trailing whitespace.
pub(super) struct RoleName;

impl ValueRule for RoleName {
    fn description(&self) -> String {
        "Printable ASCII characters, no leading or trailing space.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(name) = value.as_str() else { return };
        let problem = if let Some(c) = name.chars().find(|c| !(' '..='~').contains(c)) {
            Some(format!(
                "contains {c:?}; Elasticsearch accepts only printable ASCII characters (letters, digits, spaces, punctuation and symbols) in role names"
            ))
        } else if name.trim() != name {
            Some(
                "starts or ends with whitespace, which Elasticsearch does not accept in role names"
                    .to_owned(),
            )
        } else {
            None
        };
        if let Some(p) = problem {
            diags.attribute_error(
                path.clone(),
                "Invalid role name",
                format!("Attribute {path} {p}."),
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
