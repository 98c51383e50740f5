//! Eligible remote clusters (api-facts-next 4): `POST /deployments/{id}/elasticsearch/{ref_id}/eligible-remote-clusters`
//! and the version-based `POST /deployments/eligible-remote-clusters?version=`.
//!
//! What "eligible" means is not documented; the simulator answers with the deployments the
//! caller's key can see (its organization) whose Elasticsearch version the given version can
//! search, by the cross-cluster search compatibility table (api-facts-next 6.4), leaving out the
//! deployment asked about. Paged like Cloud's deployment search: `size` (default 100) and an opaque
//! `cursor` that every non-empty page carries, so a client stops on an empty page.

use serde_json::{Value, json};

use crate::server::{Reply, Req};
use crate::state::World;
use crate::util::{self, Version};

/// Whether a cluster of version `local` can search one of version `remote` (api-facts-next 6.4).
/// Below 7.17 (outside the table) a 7.x cluster searches 6.8 to 7.17 (inferred from the older
/// rule "the previous major's last minor and the own major").
pub fn ccs_compatible(local: Version, remote: Version) -> bool {
    let (l, r) = ((local.0, local.1), (remote.0, remote.1));
    let within = |lo: (u32, u32), hi: (u32, u32)| r >= lo && r <= hi;
    match l {
        (7, 17) | (8, 0) => within((7, 17), (8, 19)),
        (7, _) => within((6, 8), (7, 17)),
        (8, n @ 1..=17) => within((8, n - 1), (8, 19)),
        (8, 18) => within((8, 17), (9, 0)),
        (8, _) => within((8, 18), (9, u32::MAX)),
        (9, 0) => within((8, 18), (9, u32::MAX)),
        (m @ 9.., n) => within((m, n.saturating_sub(1)), (m, u32::MAX)),
        _ => l.0 == r.0,
    }
}

fn search_error(status: u16, code: &str, message: &str) -> Reply {
    crate::cloud::error(status, code, message)
}

/// One page of the deployments of `org_id` that a `version` cluster can search, without `exclude`.
pub fn search(
    w: &World,
    org_id: &str,
    version: Version,
    exclude: Option<&str>,
    req: &Req,
) -> Reply {
    let body = req.body.clone().unwrap_or(Value::Null);
    let size = match body.get("size") {
        None | Some(Value::Null) => 100,
        Some(v) => match v.as_u64() {
            Some(n) if n <= 10_000 => n as usize,
            _ => {
                return search_error(
                    400,
                    "root.invalid_json_request",
                    "size: must be an integer between 0 and 10000",
                );
            }
        },
    };
    // A cursor is "the offset of the next page" here; Cloud's is opaque and so is this to clients.
    let from = match body.get("cursor").and_then(Value::as_str) {
        Some(c) => match util::unb64(c).and_then(|s| {
            s.strip_prefix("eligible:")
                .and_then(|n| n.parse::<usize>().ok())
        }) {
            Some(n) => n,
            None => {
                return search_error(400, "root.invalid_json_request", "cursor: invalid cursor");
            }
        },
        None => 0,
    };
    let mut all: Vec<_> = w
        .deployments
        .values()
        .filter(|d| d.org_id == org_id && Some(d.id.as_str()) != exclude)
        .filter(|d| !d.es.version.is_empty() && ccs_compatible(version, d.version()))
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    let page: Vec<Value> = all
        .iter()
        .skip(from)
        .take(size)
        .map(|d| crate::cloud::deployment_json(w, d, req))
        .collect();
    let mut out = json!({
        "return_count": page.len(),
        "match_count": all.len(),
        "deployments": page,
    });
    if !out["deployments"].as_array().is_some_and(Vec::is_empty) {
        out["cursor"] = json!(util::b64(&format!("eligible:{}", from + size)));
    }
    Reply::json(200, out)
}

/// `POST /deployments/eligible-remote-clusters?version=<es version>`.
pub fn search_by_version(w: &World, org_id: &str, req: &Req) -> Reply {
    let Some(v) = req.q("version").filter(|v| {
        let mut parts = v.split('.');
        parts.next().is_some_and(|p| p.parse::<u32>().is_ok())
            && parts.all(|p| p.parse::<u32>().is_ok())
    }) else {
        return search_error(
            400,
            "stackpack.invalid_version",
            "The version parameter is missing or is not a valid Elastic Stack version",
        );
    };
    search(w, org_id, util::parse_version(v), None, req)
}

/// `POST /deployments/{id}/elasticsearch/{ref_id}/eligible-remote-clusters` (the resource exists).
pub fn search_for(w: &World, org_id: &str, deployment_id: &str, req: &Req) -> Reply {
    let d = &w.deployments[deployment_id];
    if d.es.version.is_empty() {
        return search_error(
            400,
            "deployments.resource_does_not_have_a_valid_version",
            "The resource specified doesn't yet have a valid version for the current plan or the pending plan.",
        );
    }
    search(w, org_id, d.version(), Some(deployment_id), req)
}

#[cfg(test)]
mod tests {
    use super::ccs_compatible;
    use crate::util::parse_version;

    #[test]
    fn compatibility_table() {
        // (local, remote, compatible): the rows of api-facts-next 6.4 at their edges.
        let rows = [
            ("7.17.25", "8.19.0", true),
            ("7.17.25", "9.0.0", false),
            ("8.0.0", "7.17.0", true),
            ("8.12.2", "8.11.4", true),
            ("8.12.2", "8.10.0", false),
            ("8.12.2", "7.17.25", false),
            ("8.12.2", "9.0.0", false),
            ("8.18.1", "9.0.0", true),
            ("8.18.1", "9.1.0", false),
            ("8.19.0", "9.3.0", true),
            ("8.19.0", "8.17.0", false),
            ("9.0.0", "8.18.0", true),
            ("9.1.0", "9.0.0", true),
            ("9.1.0", "8.19.0", false),
            ("9.3.0", "9.1.0", false),
            ("9.3.0", "9.2.0", true),
            ("7.5.2", "7.17.25", true),
            ("7.5.2", "6.8.0", true),
            ("7.5.2", "8.0.0", false),
        ];
        for (local, remote, want) in rows {
            assert_eq!(
                ccs_compatible(parse_version(local), parse_version(remote)),
                want,
                "{local} -> {remote}"
            );
        }
    }
}
