//! The typed model of `crosscluster_api_key` and the pure conversions between it and the API
//! bodies: the create and update bodies from a plan, the state from the API's answer.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::client::elasticsearch::{
    ApiKeyInfo, CreateCrossClusterApiKey, CrossClusterAccess, FieldSecurity, ReplicationAccess,
    SearchAccess, UpdateCrossClusterApiKey,
};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::value::Type;
use crate::provider::common::{canonical_json, is_empty_object, json_of, parse_json};

use super::super::reload;
use super::super::sensitive::Sensitive;

/// A list of strings as a plan holds it (the list or any element may be unknown).
pub(super) type Strings = Known<Vec<Known<String>>>;

/// One `access.search` block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct SearchModel {
    pub(super) names: Strings,
    pub(super) query: Known<String>,
    pub(super) allow_restricted_indices: Known<bool>,
    pub(super) field_security: Known<FieldSecurityModel>,
}

/// The `field_security` block of a search entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct FieldSecurityModel {
    pub(super) grant: Strings,
    pub(super) except: Strings,
}

/// One `access.replication` block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct ReplicationModel {
    pub(super) names: Strings,
}

/// The `access` block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct AccessModel {
    pub(super) search: Known<Vec<SearchModel>>,
    pub(super) replication: Known<Vec<ReplicationModel>>,
}

/// The `keystore` block (sealed delivery).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct KeystoreModel {
    pub(super) deployment_id: Known<String>,
    pub(super) ref_id: Known<String>,
    pub(super) alias: Known<String>,
}

/// The `timeouts` block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct TimeoutsModel {
    pub(super) create: Known<String>,
}

/// The resource's configuration, plan or state. Any configured value may be unknown at plan
/// time, so every attribute is a [`Known`]. `encoded` and `api_key` are [`Sensitive`]: `Debug`
/// hides them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct ApiKeyModel {
    pub(super) id: Known<String>,
    pub(super) name: Known<String>,
    pub(super) expiration: Known<String>,
    pub(super) metadata: Known<String>,
    pub(super) encoded: Known<Sensitive>,
    pub(super) api_key: Known<Sensitive>,
    pub(super) expiration_timestamp: Known<String>,
    pub(super) certificate_identity: Known<String>,
    pub(super) access: Known<AccessModel>,
    pub(super) keystore: Known<KeystoreModel>,
    pub(super) timeouts: Known<TimeoutsModel>,
}

impl Model for ApiKeyModel {
    fn object_type() -> Type {
        super::schema::schema().block.object_type()
    }
}

/// Where a sealed key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeystoreTarget {
    /// Local deployment id.
    pub(super) deployment_id: String,
    /// Elasticsearch resource (`None`: the deployment's first).
    pub(super) ref_id: Option<String>,
    /// Remote alias.
    pub(super) alias: String,
}

/// The metadata key in which sealed delivery records the keystore slot it filled, so that a
/// destroy can tell whether another live key of ours still claims that slot.
pub(super) const SLOT_KEY: &str = "crosscluster_keystore_slot";

/// The metadata key in which a create records its request marker (a random value, not a
/// secret), by which a retry after a lost answer finds the key that request made. Hidden from
/// `metadata` like [`SLOT_KEY`].
pub(super) const MARKER_KEY: &str = "crosscluster_request_marker";

impl KeystoreTarget {
    /// The slot as recorded in the key's metadata: `<deployment_id>/<alias>`, the same whether
    /// `ref_id` was configured or resolved (a deployment has one Elasticsearch keystore).
    pub(super) fn slot(&self) -> String {
        format!("{}/{}", self.deployment_id, self.alias)
    }
}

/// `metadata` with the keystore slot recorded (sealed delivery), as the API stores it.
fn with_slot(metadata: Option<&Json>, keystore: Option<&KeystoreTarget>) -> Option<Json> {
    let Some(target) = keystore else {
        return metadata.cloned();
    };
    let mut m = match metadata.map(json_of) {
        Some(Json::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    m.insert(SLOT_KEY.to_owned(), Json::String(target.slot()));
    Some(Json::Object(m))
}

/// The keystore slot a key's metadata records, if any.
pub(super) fn recorded_slot(metadata: Option<&Json>) -> Option<&str> {
    metadata?.get(SLOT_KEY)?.as_str()
}

/// `metadata` as the user wrote it: without the recorded slot and request marker.
fn without_slot(metadata: Option<&Json>) -> Option<Json> {
    match metadata.map(json_of) {
        Some(Json::Object(mut m)) => {
            m.remove(SLOT_KEY);
            m.remove(MARKER_KEY);
            Some(Json::Object(m))
        }
        other => other,
    }
}

/// The key as the API takes it, from a plan or state (at apply time, when it is known).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct KeySpec {
    /// Name.
    pub(super) name: String,
    /// Access.
    pub(super) access: CrossClusterAccess,
    /// Expiration such as `30d`.
    pub(super) expiration: Option<String>,
    /// Metadata object.
    pub(super) metadata: Option<Json>,
    /// Sealed delivery target.
    pub(super) keystore: Option<KeystoreTarget>,
    /// DN pattern the signing certificate must match (strong identity, 9.3+).
    pub(super) certificate_identity: Option<String>,
}

fn not_known(path: AttributePath) -> Diagnostics {
    Diagnostic::attribute_error(
        path,
        "Value not known",
        "The value is not known yet; it is needed to write the key.",
    )
    .into()
}

fn known<T>(v: &Known<T>, path: impl FnOnce() -> AttributePath) -> Result<&T, Diagnostics> {
    v.value().ok_or_else(|| not_known(path()))
}

fn strings(v: &Strings, path: impl Fn() -> AttributePath) -> Result<Vec<String>, Diagnostics> {
    known(v, &path)?
        .iter()
        .map(|s| known(s, &path).cloned())
        .collect()
}

fn opt_strings(
    v: &Strings,
    path: impl Fn() -> AttributePath,
) -> Result<Option<Vec<String>>, Diagnostics> {
    match v {
        Known::Null => Ok(None),
        _ => strings(v, path).map(Some),
    }
}

/// A JSON string attribute parsed (`None` when null); invalid JSON is an error on it.
fn opt_json(
    v: &Known<String>,
    name: &str,
    path: AttributePath,
) -> Result<Option<Json>, Diagnostics> {
    let Some(s) = v.value() else {
        return Ok(None);
    };
    serde_json::from_str::<Json>(s).map(Some).map_err(|e| {
        Diagnostic::attribute_error(
            path,
            format!("Invalid {name}"),
            format!("not valid JSON: {e}"),
        )
        .into()
    })
}

fn access_path() -> AttributePath {
    AttributePath::root().attr("access")
}

/// The `access` block as the API body.
pub(super) fn access_to_api(m: &AccessModel) -> Result<CrossClusterAccess, Diagnostics> {
    let mut access = CrossClusterAccess::default();
    let search_path = |i: usize| access_path().attr("search").index(i as i64);
    for (i, s) in known(&m.search, || access_path().attr("search"))?
        .iter()
        .enumerate()
    {
        let fs_path = || search_path(i).attr("field_security");
        let field_security = match &s.field_security {
            Known::Null => None,
            fs => {
                let fs = known(fs, fs_path)?;
                Some(FieldSecurity {
                    grant: opt_strings(&fs.grant, || fs_path().attr("grant"))?,
                    except: opt_strings(&fs.except, || fs_path().attr("except"))?,
                })
            }
        };
        access.search.push(SearchAccess {
            names: strings(&s.names, || search_path(i).attr("names"))?,
            query: opt_json(&s.query, "query", search_path(i).attr("query"))?,
            field_security,
            allow_restricted_indices: s.allow_restricted_indices.value().copied(),
        });
    }
    let replication = known(&m.replication, || access_path().attr("replication"))?;
    for (i, r) in replication.iter().enumerate() {
        access.replication.push(ReplicationAccess {
            names: strings(&r.names, || {
                access_path()
                    .attr("replication")
                    .index(i as i64)
                    .attr("names")
            })?,
            allow_restricted_indices: None,
        });
    }
    Ok(access)
}

impl KeySpec {
    /// Reads a planned (or prior) state.
    pub(super) fn from_model(m: &ApiKeyModel) -> Result<KeySpec, Diagnostics> {
        let keystore = match &m.keystore {
            Known::Null => None,
            k => {
                let path = || AttributePath::root().attr("keystore");
                let k = known(k, path)?;
                Some(KeystoreTarget {
                    deployment_id: known(&k.deployment_id, || path().attr("deployment_id"))?
                        .clone(),
                    ref_id: k.ref_id.value().cloned(),
                    alias: known(&k.alias, || path().attr("alias"))?.clone(),
                })
            }
        };
        Ok(KeySpec {
            name: known(&m.name, || AttributePath::root().attr("name"))?.clone(),
            access: access_to_api(known(&m.access, access_path)?)?,
            expiration: m.expiration.value().cloned(),
            metadata: opt_json(
                &m.metadata,
                "metadata",
                AttributePath::root().attr("metadata"),
            )?,
            keystore,
            certificate_identity: m.certificate_identity.value().cloned(),
        })
    }

    /// The create body.
    pub(super) fn create_body(&self) -> CreateCrossClusterApiKey {
        CreateCrossClusterApiKey {
            name: self.name.clone(),
            access: self.access.clone(),
            expiration: self.expiration.clone(),
            metadata: with_slot(self.metadata.as_ref(), self.keystore.as_ref()),
            certificate_identity: self.certificate_identity.clone(),
        }
    }

    /// The update body from `prior` to `self`, or `None` when nothing the API stores changed.
    /// `expiration` is sent only when it changed (any expiration restarts the lifetime);
    /// `metadata` replaces the old one, so a removed metadata is sent as `{}`.
    pub(super) fn update_body(&self, prior: &KeySpec) -> Option<UpdateCrossClusterApiKey> {
        let access_changed = !access_equal(&self.access, &prior.access);
        let metadata_changed = !json_opt_equal(self.metadata.as_ref(), prior.metadata.as_ref());
        let expiration_changed = self.expiration != prior.expiration;
        let identity_changed = self.certificate_identity != prior.certificate_identity;
        if !(access_changed || metadata_changed || expiration_changed || identity_changed) {
            return None;
        }
        Some(UpdateCrossClusterApiKey {
            access: self.access.clone(),
            expiration: if expiration_changed {
                self.expiration.clone()
            } else {
                None
            },
            metadata: Some(
                with_slot(self.metadata.as_ref(), self.keystore.as_ref())
                    .unwrap_or_else(|| Json::Object(Default::default())),
            ),
            // A removed identity is cleared with an explicit null.
            certificate_identity: identity_changed.then(|| self.certificate_identity.clone()),
        })
    }
}

fn json_opt_equal(a: Option<&Json>, b: Option<&Json>) -> bool {
    let norm = |v: Option<&Json>| v.map(json_of).filter(|j| !is_empty_object(j));
    norm(a) == norm(b)
}

pub(super) fn access_equal(a: &CrossClusterAccess, b: &CrossClusterAccess) -> bool {
    let norm = |x: &CrossClusterAccess| {
        let mut x = x.clone();
        for s in &mut x.search {
            s.query = s.query.as_ref().map(json_of);
            s.allow_restricted_indices = Some(s.allow_restricted_indices.unwrap_or(false));
        }
        for r in &mut x.replication {
            r.allow_restricted_indices = None;
        }
        x
    };
    norm(a) == norm(b)
}

/// Whether the string attribute `attr` is JSON text meaning `v` (so its spelling, key order or
/// white space, is no change).
fn same_json(attr: &Known<String>, v: &Json) -> bool {
    attr.value().and_then(|s| parse_json(s)).as_ref() == Some(v)
}

/// A JSON string attribute from an API value: the prior string when it means the same JSON
/// (so formatting is never drift), else the canonical text. An absent or empty object reads as
/// null when the prior was null.
pub(super) fn json_attr(api: Option<&Json>, prior: &Known<String>) -> Known<String> {
    match api.map(json_of) {
        None if same_json(prior, &Json::Object(Default::default())) => prior.clone(),
        None => Known::Null,
        Some(a) if is_empty_object(&a) && prior.is_null() => Known::Null,
        Some(a) if same_json(prior, &a) => prior.clone(),
        Some(a) => Known::Value(canonical_json(&a)),
    }
}

fn string_list(v: &[String]) -> Strings {
    Known::Value(v.iter().cloned().map(Known::Value).collect())
}

fn list_or_null(api: Option<&Vec<String>>, prior: &Strings) -> Strings {
    match api {
        None => Known::Null,
        Some(v) if v.is_empty() && prior.is_null() => Known::Null,
        Some(v) => string_list(v),
    }
}

/// The `access` block from the API's `access`, keeping the prior block's spelling of
/// equivalent JSON queries and its nulls where the API fills defaults.
pub(super) fn access_from_api(api: &CrossClusterAccess, prior: &Known<AccessModel>) -> AccessModel {
    let prior_search = prior.value().and_then(|p| p.search.value());
    let search = api
        .search
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = prior_search.and_then(|ps| ps.get(i));
            let field_security = match &s.field_security {
                None => Known::Null,
                Some(fs) => {
                    let pfs = p.and_then(|p| p.field_security.value());
                    let null = Known::Null;
                    Known::Value(FieldSecurityModel {
                        grant: list_or_null(fs.grant.as_ref(), pfs.map_or(&null, |f| &f.grant)),
                        except: list_or_null(fs.except.as_ref(), pfs.map_or(&null, |f| &f.except)),
                    })
                }
            };
            let prior_query = p.map_or(Known::Null, |p| p.query.clone());
            SearchModel {
                names: string_list(&s.names),
                query: json_attr(s.query.as_ref(), &prior_query),
                allow_restricted_indices: Known::Value(s.allow_restricted_indices.unwrap_or(false)),
                field_security,
            }
        })
        .collect();
    let replication = api
        .replication
        .iter()
        .map(|r| ReplicationModel {
            names: string_list(&r.names),
        })
        .collect();
    AccessModel {
        search: Known::Value(search),
        replication: Known::Value(replication),
    }
}

/// Epoch milliseconds as RFC 3339 UTC.
pub(super) fn rfc3339_ms(ms: i64) -> Option<String> {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
}

/// The state after a read: the API's view of `name`, `access`, `metadata` and the expiration
/// time over `prior` (which keeps what the API cannot return: `expiration`, `keystore`,
/// `encoded`, `api_key`, `timeouts`).
pub(super) fn state_from_api(key: &ApiKeyInfo, prior: &ApiKeyModel) -> ApiKeyModel {
    let access = key.access.clone().unwrap_or_default();
    ApiKeyModel {
        id: Known::Value(key.id.clone()),
        name: Known::Value(key.name.clone()),
        access: Known::Value(access_from_api(&access, &prior.access)),
        metadata: json_attr(
            without_slot(key.metadata.as_ref()).as_ref(),
            &prior.metadata,
        ),
        expiration_timestamp: key.expiration.and_then(rfc3339_ms).into(),
        certificate_identity: key.certificate_identity.clone().into(),
        ..prior.clone()
    }
}

/// Whether a sealed delivery to a deployment running `version` must restart it
/// ([`reload::needs_restart`]); an unknown version is assumed recent.
pub(super) fn restart_after_delivery(version: Option<&str>) -> bool {
    reload::needs_restart(version).unwrap_or(false)
}

/// The keystore block's identity for the replace decision: `None` without a block.
pub(super) fn keystore_identity(
    m: &ApiKeyModel,
) -> Option<(Known<String>, Known<String>, Known<String>)> {
    match &m.keystore {
        Known::Null => None,
        Known::Unknown => Some((Known::Null, Known::Null, Known::Null)),
        Known::Value(k) => Some((k.deployment_id.clone(), k.ref_id.clone(), k.alias.clone())),
    }
}

/// The state after a sealed create: no secret; the resolved `ref_id` in the keystore block.
pub(super) fn sealed(mut m: ApiKeyModel, ref_id: &str) -> ApiKeyModel {
    m.encoded = Known::Null;
    m.api_key = Known::Null;
    if let Known::Value(k) = &mut m.keystore {
        k.ref_id = Known::Value(ref_id.to_owned());
    }
    m
}
