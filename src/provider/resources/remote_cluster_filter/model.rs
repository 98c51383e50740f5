//! The typed model of `crosscluster_remote_cluster_filter` and the pure conversions between
//! it and the Cloud API's traffic-filter ruleset.

use serde::{Deserialize, Serialize};

use crate::client::cloud::{TrafficFilterRule, TrafficFilterRuleset, TrafficFilterRulesetRequest};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;

use super::schema;

/// The ruleset type this resource manages.
pub(super) const RULESET_TYPE: &str = "remote_cluster";

/// The resource's plan and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct RemoteClusterFilterModel {
    /// Null in state when the ruleset is no longer associated with the deployment.
    pub(super) deployment_id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
    pub(super) rule: Vec<RuleModel>,
    pub(super) region: Known<String>,
    pub(super) ruleset_id: Known<String>,
    pub(super) id: Known<String>,
}

/// One `rule` block.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct RuleModel {
    pub(super) organization_id: Option<String>,
    pub(super) cluster_id: Option<String>,
    pub(super) description: Option<String>,
}

impl Model for RemoteClusterFilterModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|x| !x.is_empty()).cloned()
}

/// The body of a create or update, in `region`.
pub(super) fn to_request(
    m: &RemoteClusterFilterModel,
    region: &str,
) -> TrafficFilterRulesetRequest {
    let mut rules: Vec<RuleModel> = m.rule.clone();
    rules.sort();
    TrafficFilterRulesetRequest {
        name: m.name.clone().unwrap_or_default(),
        description: non_empty(&m.description),
        kind: RULESET_TYPE.to_string(),
        region: region.to_string(),
        include_by_default: false,
        rules: rules
            .iter()
            .map(|r| TrafficFilterRule {
                description: non_empty(&r.description),
                remote_cluster_org_id: non_empty(&r.organization_id),
                remote_cluster_id: non_empty(&r.cluster_id),
                ..Default::default()
            })
            .collect(),
    }
}

/// The resource id `<deployment_id>/<ruleset_id>`.
pub(super) fn format_id(deployment_id: &str, ruleset_id: &str) -> String {
    format!("{deployment_id}/{ruleset_id}")
}

/// The state for ruleset `r` (read with its associations) of `deployment_id`: the deployment
/// is kept only while the ruleset is associated with it. Empty strings read as unset.
pub(super) fn from_api(r: &TrafficFilterRuleset, deployment_id: &str) -> RemoteClusterFilterModel {
    let mut rule: Vec<RuleModel> = r
        .rules
        .iter()
        .map(|x| RuleModel {
            organization_id: non_empty(&x.remote_cluster_org_id),
            cluster_id: non_empty(&x.remote_cluster_id),
            description: non_empty(&x.description),
        })
        .collect();
    rule.sort();
    RemoteClusterFilterModel {
        deployment_id: r
            .associated_with(deployment_id)
            .then(|| deployment_id.to_string()),
        name: Some(r.name.clone()),
        description: non_empty(&r.description),
        rule,
        region: Known::Value(r.region.clone()),
        ruleset_id: Known::Value(r.id.clone()),
        id: Known::Value(format_id(deployment_id, &r.id)),
    }
}

/// The import id `<deployment_id>/<ruleset_id>`, split.
pub(super) fn parse_import_id(id: &str) -> Option<(String, String)> {
    let (dep, rs) = id.split_once('/')?;
    let hex = |s: &str| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    };
    (hex(dep) && !rs.is_empty() && !rs.contains('/')).then(|| (dep.to_string(), rs.to_string()))
}

/// After a create whose answer was lost: the rulesets that were not there before it
/// (`before`, the ids listed just before the POST) and look like ours (its name, type
/// `remote_cluster`). One is the create that landed; none, it did not.
pub(super) fn landed<'a>(
    before: &std::collections::BTreeSet<String>,
    after: &'a [TrafficFilterRuleset],
    name: &str,
) -> Vec<&'a TrafficFilterRuleset> {
    after
        .iter()
        .filter(|r| !before.contains(&r.id) && r.name == name && r.kind == RULESET_TYPE)
        .collect()
}
