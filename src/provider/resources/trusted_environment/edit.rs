//! Pure edits of a deployment's trust settings, on the client's typed [`TrustSettings`]: find,
//! add, update or remove the one entry a resource owns.
//!
//! [`edit_trust`] reads `settings.trust` into the typed lists, runs the edit and writes the
//! lists back. Every entry the edit did not touch goes back exactly as it was read (the raw
//! JSON, not its typed round trip), the trust object keeps its other fields and their order,
//! and all three lists are always written: the API treats a list left out of an update as
//! emptied.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map as JsonMap, Value as Json};

use crate::client::cloud::{
    AccountTrust, Changed, DirectTrust, ExternalTrust, TrustSettings, TrustedCertificate,
};

use super::super::deployment_edit::EditError;
use super::id::{TrustId, TrustKey};
use super::model::{Desired, DirectSpec, Entry, Target, normalize_pem};
use super::schema::DEFAULT_DIRECT_TYPE;

/// The field of an Elasticsearch resource's `settings` that holds the trust lists.
const TRUST: &str = "trust";

/// A list that may come as `null` (read as empty).
fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Json>, D::Error> {
    Ok(Option::<Vec<Json>>::deserialize(d)?.unwrap_or_default())
}

/// The three trust lists entry by entry as the API sent them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RawLists {
    #[serde(default, deserialize_with = "null_as_empty")]
    accounts: Vec<Json>,
    #[serde(default, deserialize_with = "null_as_empty")]
    external: Vec<Json>,
    #[serde(default, deserialize_with = "null_as_empty")]
    direct: Vec<Json>,
}

fn shape(e: serde_json::Error) -> EditError {
    EditError::Shape(e.to_string())
}

/// A trust object as read: the object itself (missing or null: empty), its lists as sent,
/// and its typed form.
fn parse(
    trust: Option<&Json>,
) -> Result<(JsonMap<String, Json>, RawLists, TrustSettings), EditError> {
    let object = match trust {
        None | Some(Json::Null) => JsonMap::new(),
        Some(Json::Object(o)) => o.clone(),
        Some(_) => return Err(EditError::Shape("trust is not an object".into())),
    };
    let raw: RawLists = serde_json::from_value(Json::Object(object.clone())).map_err(shape)?;
    let mut normalized = object.clone();
    merge(&mut normalized, &raw)?;
    let typed = serde_json::from_value(Json::Object(normalized)).map_err(shape)?;
    Ok((object, raw, typed))
}

/// The typed trust settings of a raw trust object (missing or null: empty; null lists:
/// empty).
pub(super) fn parse_trust(trust: Option<&Json>) -> Result<TrustSettings, EditError> {
    parse(trust).map(|(_, _, typed)| typed)
}

/// Writes the three lists of `raw` into `object`, in place where they are (appended where
/// missing).
fn merge(object: &mut JsonMap<String, Json>, raw: &RawLists) -> Result<(), EditError> {
    let Json::Object(lists) = serde_json::to_value(raw).map_err(shape)? else {
        return Err(EditError::Shape("trust lists are not an object".into()));
    };
    for (k, v) in lists {
        object.insert(k, v);
    }
    Ok(())
}

/// The entries of `after` as JSON: an entry equal to one of `before` (each used once, in
/// order) is that entry's raw JSON as read, any other is serialized.
fn restore<T: PartialEq + Serialize>(
    raw: &[Json],
    before: &[T],
    after: &[T],
) -> Result<Vec<Json>, EditError> {
    let mut used = vec![false; before.len()];
    after
        .iter()
        .map(|e| {
            let found = (0..before.len()).find(|&j| !used[j] && before[j] == *e);
            match found.and_then(|j| raw.get(j).map(|r| (j, r))) {
                Some((j, r)) => {
                    used[j] = true;
                    Ok(r.clone())
                }
                None => serde_json::to_value(e).map_err(shape),
            }
        })
        .collect()
}

/// Runs `edit` on the typed trust of `settings` (an Elasticsearch resource's settings in an
/// update payload) and, when it changed something, writes the trust back (see the module
/// docs).
pub(super) fn edit_trust(
    settings: &mut Json,
    edit: impl FnOnce(&mut TrustSettings) -> Result<Changed, EditError>,
) -> Result<Changed, EditError> {
    let Some(s) = settings.as_object_mut() else {
        return Err(EditError::Shape("settings is not an object".into()));
    };
    let (mut object, raw, before) = parse(s.get(TRUST))?;
    let mut after = before.clone();
    if edit(&mut after)? == Changed::No {
        return Ok(Changed::No);
    }
    let lists = RawLists {
        accounts: restore(&raw.accounts, &before.accounts, &after.accounts)?,
        external: restore(&raw.external, &before.external, &after.external)?,
        direct: restore(&raw.direct, &before.direct, &after.direct)?,
    };
    merge(&mut object, &lists)?;
    s.insert(TRUST.to_string(), Json::Object(object));
    Ok(Changed::Yes)
}

/// The entry `key` names, if present.
pub(super) fn find_entry<'a>(trust: &'a TrustSettings, key: &TrustKey) -> Option<Entry<'a>> {
    match key {
        TrustKey::Organization(id) => trust
            .accounts
            .iter()
            .find(|e| e.account_id == *id)
            .map(Entry::Account),
        TrustKey::External(id) => trust
            .external
            .iter()
            .find(|e| e.trust_relationship_id == *id)
            .map(Entry::External),
        TrustKey::Direct(uid) => trust
            .direct
            .iter()
            .find(|e| e.uid.as_deref() == Some(uid.as_str()))
            .map(Entry::Direct),
    }
}

fn fill_account(e: &mut AccountTrust, desired: &Desired) {
    if let Target::Organization { id, name } = &desired.target {
        e.account_id.clone_from(id);
        if let Some(n) = name {
            e.name = Some(n.clone());
        }
    }
    e.trust_all = desired.trust_all;
    e.trust_allowlist.clone_from(&desired.allowlist);
}

fn fill_external(e: &mut ExternalTrust, desired: &Desired) {
    if let Target::External { id } = &desired.target {
        e.trust_relationship_id.clone_from(id);
    }
    e.trust_all = desired.trust_all;
    e.trust_allowlist.clone_from(&desired.allowlist);
}

/// The certificates of `d`, each keeping the object as read (with its metadata) when its PEM
/// is unchanged.
fn certificates(old: &[TrustedCertificate], d: &DirectSpec) -> Vec<TrustedCertificate> {
    d.certificates
        .iter()
        .map(|pem| {
            old.iter()
                .find(|c| normalize_pem(&c.pem) == normalize_pem(pem))
                .cloned()
                .unwrap_or_else(|| TrustedCertificate {
                    pem: pem.clone(),
                    ..Default::default()
                })
        })
        .collect()
}

fn fill_direct(e: &mut DirectTrust, desired: &Desired) {
    if let Target::Direct(d) = &desired.target {
        e.name.clone_from(&d.name);
        e.kind = Some(d.kind.clone());
        e.scope_id.clone_from(&d.scope_id);
        e.certificates = certificates(&e.certificates, d);
        e.additional_node_names.clone_from(&d.additional_node_names);
    }
    e.trust_all = desired.trust_all;
    e.trust_allowlist.clone_from(&desired.allowlist);
}

/// Appends a new entry for `desired` to its list.
fn push_new(trust: &mut TrustSettings, desired: &Desired) {
    match &desired.target {
        Target::Organization { .. } => {
            let mut e = AccountTrust::default();
            fill_account(&mut e, desired);
            trust.accounts.push(e);
        }
        Target::External { .. } => {
            let mut e = ExternalTrust::default();
            fill_external(&mut e, desired);
            trust.external.push(e);
        }
        Target::Direct(_) => {
            let mut e = DirectTrust::default();
            fill_direct(&mut e, desired);
            trust.direct.push(e);
        }
    }
}

/// The entry that stands in the way of creating `desired`: what it is and its key.
fn clash(trust: &TrustSettings, desired: &Desired) -> Option<(String, TrustKey)> {
    match &desired.target {
        Target::Organization { id, .. } => {
            let key = TrustKey::Organization(id.clone());
            find_entry(trust, &key).map(|_| (format!("Trust of organization {id}"), key))
        }
        Target::External { id } => {
            let key = TrustKey::External(id.clone());
            find_entry(trust, &key).map(|_| (format!("Trust of trust relationship {id}"), key))
        }
        Target::Direct(d) => trust.direct.iter().find(|e| e.name == d.name).map(|e| {
            let uid = e.uid.clone().unwrap_or_else(|| "<uid>".to_string());
            (
                format!("A direct trust named {:?}", d.name),
                TrustKey::Direct(uid),
            )
        }),
    }
}

/// A list attribute compared as a set: order and an empty list versus none do not matter.
fn same_set(a: &Option<Vec<String>>, b: &Option<Vec<String>>) -> bool {
    let norm = |v: &Option<Vec<String>>| {
        let mut v = v.clone().unwrap_or_default();
        v.sort();
        v.dedup();
        v
    };
    norm(a) == norm(b)
}

/// Whether the existing `entry` is exactly what `desired` asks for: same kind, same identity and
/// the same fields (lists compared as sets, certificates by their PEM text), so a create may
/// adopt it instead of failing. An organization entry's name only counts when the
/// configuration sets one.
pub(super) fn is_identical(entry: Entry<'_>, desired: &Desired) -> bool {
    let same_trust = |trust_all: bool, allowlist: &Option<Vec<String>>| {
        trust_all == desired.trust_all && same_set(allowlist, &desired.allowlist)
    };
    match (entry, &desired.target) {
        (Entry::Account(e), Target::Organization { id, name }) => {
            e.account_id == *id
                && name.as_ref().is_none_or(|n| e.name.as_ref() == Some(n))
                && same_trust(e.trust_all, &e.trust_allowlist)
        }
        (Entry::External(e), Target::External { id }) => {
            e.trust_relationship_id == *id && same_trust(e.trust_all, &e.trust_allowlist)
        }
        (Entry::Direct(e), Target::Direct(d)) => {
            let pems = |certs: Vec<String>| {
                let mut v: Vec<String> = certs.iter().map(|c| normalize_pem(c)).collect();
                v.sort();
                v
            };
            e.name == d.name
                && e.kind.as_deref().unwrap_or(DEFAULT_DIRECT_TYPE) == d.kind
                && e.scope_id == d.scope_id
                && pems(e.certificates.iter().map(|c| c.pem.clone()).collect())
                    == pems(d.certificates.clone())
                && same_set(&e.additional_node_names, &d.additional_node_names)
                && same_trust(e.trust_all, &e.trust_allowlist)
        }
        _ => false,
    }
}

/// The existing entry that stands in the way of creating `desired`, if any.
fn clashing_entry<'a>(trust: &'a TrustSettings, desired: &Desired) -> Option<Entry<'a>> {
    match &desired.target {
        Target::Organization { id, .. } => find_entry(trust, &TrustKey::Organization(id.clone())),
        Target::External { id } => find_entry(trust, &TrustKey::External(id.clone())),
        Target::Direct(d) => trust
            .direct
            .iter()
            .find(|e| e.name == d.name)
            .map(Entry::Direct),
    }
}

/// Create: add the desired entry. An entry with the same organization / trust relationship
/// id, or a direct entry with the same name, that is exactly what the configuration asks for
/// ([`is_identical`]) is adopted as it is (nothing to change: e.g. the entry an earlier apply
/// wrote before it failed); any other is an error (it is not this resource's: import it
/// instead).
pub(super) fn add_entry(
    trust: &mut TrustSettings,
    desired: &Desired,
    deployment_id: &str,
    ref_id: &str,
) -> Result<Changed, EditError> {
    if clashing_entry(trust, desired).is_some_and(|e| is_identical(e, desired)) {
        return Ok(Changed::No);
    }
    if let Some((what, key)) = clash(trust, desired) {
        return Err(EditError::AlreadyExists {
            what,
            deployment_id: deployment_id.to_string(),
            import_id: TrustId {
                deployment_id: deployment_id.to_string(),
                ref_id: ref_id.to_string(),
                key,
            }
            .to_string(),
        });
    }
    push_new(trust, desired);
    Ok(Changed::Yes)
}

/// Fills the entry `key` names with `desired`; whether it was there.
fn fill_existing(trust: &mut TrustSettings, key: &TrustKey, desired: &Desired) -> Option<Changed> {
    fn edit<T: Clone + PartialEq>(e: &mut T, fill: impl FnOnce(&mut T)) -> Changed {
        let before = e.clone();
        fill(e);
        (*e != before).into()
    }
    Some(match key {
        TrustKey::Organization(id) => {
            let e = trust.accounts.iter_mut().find(|e| e.account_id == *id)?;
            edit(e, |e| fill_account(e, desired))
        }
        TrustKey::External(id) => {
            let e = trust
                .external
                .iter_mut()
                .find(|e| e.trust_relationship_id == *id)?;
            edit(e, |e| fill_external(e, desired))
        }
        TrustKey::Direct(uid) => {
            let e = trust
                .direct
                .iter_mut()
                .find(|e| e.uid.as_deref() == Some(uid.as_str()))?;
            edit(e, |e| fill_direct(e, desired))
        }
    })
}

/// Update: edit the entry `key` in place (an organization or external entry that vanished is
/// added again; a vanished direct entry is an error, since its uid cannot be recreated).
pub(super) fn update_entry(
    trust: &mut TrustSettings,
    key: &TrustKey,
    desired: &Desired,
    deployment_id: &str,
) -> Result<Changed, EditError> {
    if let Some(changed) = fill_existing(trust, key, desired) {
        return Ok(changed);
    }
    if let TrustKey::Direct(uid) = key {
        return Err(EditError::DirectGone {
            uid: uid.clone(),
            deployment_id: deployment_id.to_string(),
        });
    }
    push_new(trust, desired);
    Ok(Changed::Yes)
}

/// Delete: remove the entry `key` (nothing to do when it is already gone).
pub(super) fn remove_entry(
    trust: &mut TrustSettings,
    key: &TrustKey,
) -> Result<Changed, EditError> {
    let before = (
        trust.accounts.len(),
        trust.external.len(),
        trust.direct.len(),
    );
    match key {
        TrustKey::Organization(id) => trust.accounts.retain(|e| e.account_id != *id),
        TrustKey::External(id) => trust.external.retain(|e| e.trust_relationship_id != *id),
        TrustKey::Direct(uid) => trust
            .direct
            .retain(|e| e.uid.as_deref() != Some(uid.as_str())),
    }
    let after = (
        trust.accounts.len(),
        trust.external.len(),
        trust.direct.len(),
    );
    Ok((after != before).into())
}

/// The uids of the direct entries (before a create, to spot the new one after).
pub(super) fn direct_uids(trust: &TrustSettings) -> Vec<String> {
    trust.direct.iter().filter_map(|e| e.uid.clone()).collect()
}

/// The uid of the direct entry a create added: named `name`, not among `before`.
pub(super) fn new_direct_uid(
    trust: &TrustSettings,
    name: &str,
    before: &[String],
) -> Option<String> {
    trust
        .direct
        .iter()
        .filter(|e| e.name == name)
        .filter_map(|e| e.uid.as_deref())
        .find(|uid| !before.iter().any(|b| b == uid))
        .map(str::to_string)
}
