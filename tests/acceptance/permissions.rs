//! Issue 14, least privilege (must-show 2): `examples/quickstart` applied with identities that
//! have exactly the privileges `examples/permissions.json` documents, and nothing more: native
//! Elasticsearch users whose one role has the documented cluster and index privileges, and Cloud
//! API keys whose roles are the documented Viewer / Editor for the deployments each one acts on.
//! It applies, plans clean and destroys with no request refused. Then one privilege less: the
//! apply fails, and the message names the missing privilege (or Cloud role).
//!
//! The privileges come from the JSON; this file only says which part of the quickstart runs on
//! which identity and against which deployment (the quickstart's wiring, not the table).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use serde_json::{Value, json};

use crate::harness::Workdir;
use crate::modules::{copy_tf_tree, examples_dir};
use crate::quickstart::{tf, tfvars};
use crate::sim::Sim;

/// (identity, resource or data source type, the deployment it acts on): the quickstart's
/// provider blocks (`examples/quickstart/providers.tf`) and the modules' resources.
/// `cloud:<org of deployment>` is a Cloud API key, `es:<deployment>` an Elasticsearch user.
const USES: &[(&str, &str, &str)] = &[
    // The default block: organization 1's Cloud key and local's Elasticsearch.
    ("cloud:local", "crosscluster_organization", "local"),
    ("cloud:local", "crosscluster_deployment", "local"),
    ("cloud:local", "crosscluster_deployment", "legacy-remote"),
    ("cloud:local", "crosscluster_trusted_environment", "local"),
    ("es:local", "crosscluster_remote_cluster", "local"),
    ("es:local", "crosscluster_role", "local"),
    // `remote`: remote's Elasticsearch issues the key; the sealed delivery writes it into
    // local's keystore with organization 1's Cloud key.
    ("es:remote", "crosscluster_api_key", "remote"),
    ("cloud:local", "crosscluster_api_key", "local"),
    // `remote_org`: organization 2's Cloud key and remote's Elasticsearch.
    ("cloud:remote", "crosscluster_organization", "remote"),
    ("cloud:remote", "crosscluster_deployment", "remote"),
    ("cloud:remote", "crosscluster_trusted_environment", "remote"),
    ("es:remote", "crosscluster_remote_cluster", "remote"),
    // `legacy`: legacy's Elasticsearch.
    ("es:legacy", "crosscluster_remote_cluster", "legacy"),
];

/// The aliases each cluster gets (for the `<alias>` of index privilege names).
const ALIASES: &[(&str, &[&str])] = &[
    ("local", &["remote_api_key", "remote_cert"]),
    ("remote", &["local_cert"]),
    ("legacy", &["legacy_remote"]),
];

const USER: &str = "tf-quickstart";
const ROLE: &str = "tf-quickstart";

fn table() -> Value {
    let text = std::fs::read_to_string(examples_dir().join("permissions.json"))
        .expect("examples/permissions.json");
    serde_json::from_str(&text).expect("permissions.json is JSON")
}

/// The rows of a resource or data source type for one connection.
fn rows<'a>(t: &'a Value, ty: &str, connection: &str) -> Vec<&'a Value> {
    let list = t["resources"]
        .get(ty)
        .or_else(|| t["data_sources"].get(ty))
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{ty} is not in permissions.json"));
    list.iter()
        .filter(|r| r["connection"] == connection)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// An Elasticsearch role: the union of the documented privileges of every part that runs on it.
fn es_role(t: &Value, deployment: &str) -> Value {
    let me = format!("es:{deployment}");
    let aliases = ALIASES
        .iter()
        .find(|(d, _)| *d == deployment)
        .map(|(_, a)| *a)
        .unwrap_or(&[]);
    let mut cluster = BTreeSet::new();
    let mut indices: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (who, ty, _) in USES.iter().filter(|(w, _, _)| *w == me) {
        assert_eq!(who, &me);
        for row in rows(t, ty, "elasticsearch") {
            cluster.extend(strings(&row["cluster_privileges"]));
            for ip in row["index_privileges"].as_array().into_iter().flatten() {
                for name in strings(&ip["names"]) {
                    for alias in aliases {
                        indices
                            .entry(name.replace("<alias>", alias))
                            .or_default()
                            .extend(strings(&ip["privileges"]));
                    }
                }
            }
        }
    }
    let indices: Vec<Value> = indices
        .into_iter()
        .map(|(n, p)| json!({"names": [n], "privileges": p}))
        .collect();
    json!({"cluster": cluster, "indices": indices})
}

fn role_rank(role: &str) -> u8 {
    match role {
        "Viewer" => 1,
        "Editor" => 2,
        "Admin" => 3,
        other => {
            panic!("permissions.json names Cloud role {other:?}, which this test cannot grant")
        }
    }
}

/// A Cloud key's roles by deployment name: the highest documented role of every part that
/// acts on that deployment. An organization-scope role is met by any role in the
/// organization (permissions.json's note on `crosscluster_organization`), so it adds nothing
/// when the key already has one.
fn cloud_roles(t: &Value, org_of: &str) -> BTreeMap<String, String> {
    let me = format!("cloud:{org_of}");
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut org_wide = Vec::new();
    for (_, ty, dep) in USES.iter().filter(|(w, _, _)| *w == me) {
        for row in rows(t, ty, "cloud") {
            let role = row["cloud_role"]["role"].as_str().expect("cloud_role.role");
            match row["cloud_role"]["scope"].as_str() {
                Some("deployment") => {
                    let e = out
                        .entry(dep.to_string())
                        .or_insert_with(|| role.to_string());
                    if role_rank(role) > role_rank(e) {
                        *e = role.to_string();
                    }
                }
                Some("organization") => org_wide.push((dep.to_string(), role.to_string())),
                other => panic!("unknown scope {other:?}"),
            }
        }
    }
    for (dep, role) in org_wide {
        if out.is_empty() {
            out.insert(dep, role);
        }
    }
    out
}

/// The identities, minted on the simulator.
struct Identities {
    passwords: BTreeMap<String, String>,
    cloud_keys: BTreeMap<String, String>,
}

fn mint(
    sim: &Sim,
    roles: &BTreeMap<String, Value>,
    cloud: &BTreeMap<String, BTreeMap<String, String>>,
) -> Identities {
    let mut passwords = BTreeMap::new();
    for (dep, role) in roles {
        let es_url = sim.dep(dep).1.es_url;
        let (status, body) = sim.http(
            "PUT",
            &format!("{es_url}/_security/role/{ROLE}"),
            Some(&sim.es_auth(dep)),
            Some(role.clone()),
        );
        assert_eq!(status, 200, "{body}");
        let password = format!("pw-{dep}-{}", sim.id(dep).get(..8).unwrap_or("x"));
        sim.control(
            "POST",
            &format!("/_sim/deployments/{dep}/users/{USER}"),
            Some(json!({"password": password, "roles": [ROLE]})),
        );
        passwords.insert(dep.clone(), password);
    }
    let mut cloud_keys = BTreeMap::new();
    for (org_of, by_dep) in cloud {
        let org = sim.dep(org_of).1.organization_id;
        let assignments: Vec<Value> = by_dep
            .iter()
            .map(|(dep, role)| {
                json!({"role_id": format!("deployment-{}", role.to_lowercase()),
                       "organization_id": org, "deployment_ids": [sim.id(dep)]})
            })
            .collect();
        let key = sim.control(
            "POST",
            "/_sim/cloud_api_keys",
            Some(
                json!({"organization_id": org, "description": "quickstart, least privilege",
                        "role_assignments": {"deployment": assignments}}),
            ),
        );
        cloud_keys.insert(
            org_of.clone(),
            key["key"].as_str().expect("key").to_string(),
        );
    }
    Identities {
        passwords,
        cloud_keys,
    }
}

/// The documented identities: ES roles by deployment, Cloud roles by key and deployment.
#[allow(clippy::type_complexity)]
fn documented() -> (
    BTreeMap<String, Value>,
    BTreeMap<String, BTreeMap<String, String>>,
) {
    let t = table();
    let es: BTreeMap<String, Value> = ["local", "remote", "legacy"]
        .iter()
        .map(|d| (d.to_string(), es_role(&t, d)))
        .collect();
    let cloud = ["local", "remote"]
        .iter()
        .map(|o| (o.to_string(), cloud_roles(&t, o)))
        .collect();
    (es, cloud)
}

fn workdir(sim: &Sim, ids: &Identities) -> Workdir {
    let wd = Workdir::new();
    copy_tf_tree(&wd, &examples_dir().join("quickstart"), "quickstart");
    copy_tf_tree(&wd, &examples_dir().join("modules"), "modules");
    let mut vars = tfvars(sim);
    vars["es_username"] = json!(USER);
    vars["es_passwords"] = json!(ids.passwords);
    vars["local_org_api_key"] = json!(ids.cloud_keys["local"]);
    vars["remote_org_api_key"] = json!(ids.cloud_keys["remote"]);
    wd.write(
        "quickstart/terraform.tfvars.json",
        &serde_json::to_string_pretty(&vars).unwrap(),
    );
    tf(&wd, &["init", "-input=false", "-no-color"]).success();
    wd
}

/// The logged requests that no row of the parts in [`USES`] lists (as `METHOD path` templates,
/// `{x}` standing for one path segment).
fn unlisted_requests(sim: &Sim) -> BTreeSet<String> {
    let t = table();
    let mut templates = Vec::new();
    for (who, ty, _) in USES {
        let connection = if who.starts_with("es:") {
            "elasticsearch"
        } else {
            "cloud"
        };
        for row in rows(&t, ty, connection) {
            for r in strings(&row["requests"]) {
                let (method, path) = r.split_once(' ').expect("METHOD path");
                let segs: Vec<String> = path.split('/').map(str::to_string).collect();
                templates.push((method.to_string(), segs));
            }
        }
    }
    let matches = |method: &str, path: &str| {
        let segs: Vec<&str> = path.split('/').collect();
        templates.iter().any(|(m, t)| {
            m == method
                && t.len() == segs.len()
                && t.iter().zip(&segs).all(|(a, b)| segment_matches(a, b))
        })
    };
    sim.requests(None)
        .iter()
        .filter_map(|r| {
            let (m, p) = (r["method"].as_str()?, r["path"].as_str()?);
            (!matches(m, p)).then(|| format!("{} {m} {p}", r["target"]))
        })
        .collect()
}

/// A path segment against a template segment whose `{x}` parts stand for any non-empty text.
fn segment_matches(template: &str, seg: &str) -> bool {
    // Literal pieces between the placeholders, in order.
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        pieces.push(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    pieces.push(rest);
    if pieces.len() == 1 {
        return template == seg;
    }
    let Some(mut left) = seg.strip_prefix(pieces[0]) else {
        return false;
    };
    let last = pieces.len() - 1;
    for piece in &pieces[1..last] {
        match left.get(1..).and_then(|l| l.find(piece)) {
            Some(i) => left = &left[1 + i + piece.len()..],
            None => return false,
        }
    }
    left.len() > pieces[last].len() && left.ends_with(pieces[last])
}

fn refused(sim: &Sim) -> Vec<String> {
    sim.requests(None)
        .iter()
        .filter(|r| r["status"] == 403)
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            format!("{} {} {}", s("target"), s("method"), s("path"))
        })
        .collect()
}

#[test]
fn the_quickstart_applies_with_exactly_the_documented_privileges_and_fails_with_one_less() {
    let started = Instant::now();
    let (es, cloud) = documented();
    // What the table gives, as the test derived it (printed for the report).
    eprintln!("documented Elasticsearch roles: {}", json!(es));
    eprintln!("documented Cloud roles: {}", json!(cloud));
    assert_eq!(cloud["local"]["local"], "Editor");
    assert!(
        es["remote"]["cluster"]
            .as_array()
            .unwrap()
            .contains(&json!("manage_security"))
    );

    // 1. Exactly the documented privileges: apply, plan clean, destroy; nothing refused.
    let sim = Sim::start("permissions-exact");
    let ids = mint(&sim, &es, &cloud);
    let wd = workdir(&sim, &ids);
    tf(
        &wd,
        &["apply", "-input=false", "-no-color", "-auto-approve"],
    )
    .success();
    let out = tf(&wd, &["output", "-json", "-no-color"]).success();
    let out: Value = serde_json::from_str(&out.stdout).expect("output -json");
    assert_eq!(
        out["connected"]["value"],
        json!({"remote_api_key": true, "remote_cert": true, "local_cert": true, "legacy_remote": true}),
        "{out}"
    );
    let plan = tf(
        &wd,
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "expected an empty plan:\n{}", plan.text());
    tf(
        &wd,
        &["destroy", "-input=false", "-no-color", "-auto-approve"],
    )
    .success();
    assert_eq!(refused(&sim), Vec::<String>::new(), "requests refused");
    // And every request the provider made is one the table lists for these parts.
    let unlisted = unlisted_requests(&sim);
    assert!(
        unlisted.is_empty(),
        "requests permissions.json does not list: {unlisted:?}"
    );
    let (cloud_n, es_n) = {
        let all = sim.requests(None);
        let c = all.iter().filter(|r| r["target"] == "cloud").count();
        (c, all.len() - c)
    };
    eprintln!(
        "exact privileges: {cloud_n} Cloud and {es_n} Elasticsearch requests, none refused ({:?})",
        started.elapsed()
    );
    drop(sim);

    // 2. One privilege less on remote's user: manage_security. Creating the cross-cluster key
    //    fails, and the message names the privilege.
    let t0 = Instant::now();
    let mut es_less = es.clone();
    let cluster = es_less.get_mut("remote").unwrap()["cluster"]
        .as_array_mut()
        .unwrap();
    cluster.retain(|p| p != "manage_security");
    let sim = Sim::start("permissions-no-manage-security");
    let ids = mint(&sim, &es_less, &cloud);
    let wd = workdir(&sim, &ids);
    let run = tf(
        &wd,
        &["apply", "-input=false", "-no-color", "-auto-approve"],
    )
    .failure();
    let flat = run.flat();
    assert!(
        flat.contains("action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [tf-quickstart] with effective roles [tf-quickstart], this action is granted by the cluster privileges [manage_security,all]"),
        "{flat}"
    );
    assert!(
        flat.contains("The Elasticsearch credential needs the cluster privilege manage_security"),
        "{flat}"
    );
    let denied = refused(&sim);
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert!(
        denied[0].contains("/_security/cross_cluster/api_key"),
        "{denied:?}"
    );
    eprintln!(
        "without manage_security: apply failed naming it ({:?})",
        t0.elapsed()
    );
    drop(sim);

    // 3. One Cloud role less: organization 1's key is Viewer, not Editor, on local. The first
    //    change to local (its trust, or the sealed delivery into its keystore) fails, naming the
    //    role.
    let t0 = Instant::now();
    let mut cloud_less = cloud.clone();
    cloud_less
        .get_mut("local")
        .unwrap()
        .insert("local".into(), "Viewer".into());
    let sim = Sim::start("permissions-viewer-not-editor");
    let ids = mint(&sim, &es, &cloud_less);
    let wd = workdir(&sim, &ids);
    let run = tf(
        &wd,
        &[
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-var=connection_timeout=2s",
        ],
    )
    .failure();
    let flat = run.flat();
    let local = sim.id("local");
    assert!(
        flat.contains(&format!("root.permission_denied: To access the resource [r:/deployments/{local}], the user must have the required authorization.")),
        "{flat}"
    );
    assert!(
        flat.contains(&format!(
            "The Elastic Cloud API key needs the role Editor for deployment {local}"
        )),
        "{flat}"
    );
    let denied = refused(&sim);
    assert!(!denied.is_empty(), "nothing refused");
    assert!(
        denied
            .iter()
            .all(|d| d.starts_with("cloud ") && d.contains(&local) && !d.contains(" GET ")),
        "{denied:?}"
    );
    eprintln!(
        "Viewer instead of Editor on local: apply failed naming Editor, {} write(s) refused ({:?})",
        denied.len(),
        t0.elapsed()
    );
    drop(sim);

    // 4. The one optional privilege (index view_index_metadata on `<alias>:*`, for the reason
    //    of a connection wait) left out everywhere: the apply still works, as the table says;
    //    only `_resolve/cluster` is refused.
    let t0 = Instant::now();
    let mut es_optional = es.clone();
    for role in es_optional.values_mut() {
        role["indices"] = json!([]);
    }
    let sim = Sim::start("permissions-without-optional");
    let ids = mint(&sim, &es_optional, &cloud);
    let wd = workdir(&sim, &ids);
    tf(
        &wd,
        &["apply", "-input=false", "-no-color", "-auto-approve"],
    )
    .success();
    let denied = refused(&sim);
    assert!(
        denied.iter().all(|d| d.contains("GET /_resolve/cluster/")),
        "{denied:?}"
    );
    eprintln!(
        "without the optional index privilege: apply works, {} _resolve/cluster refused ({:?})",
        denied.len(),
        t0.elapsed()
    );
    eprintln!("total {:?}", started.elapsed());
}
