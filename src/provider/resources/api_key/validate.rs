//! Validators and plan-time checks of `crosscluster_api_key` (pure): the expiration syntax, the
//! `access` block, what a plan replaces, and the explanation of a refused create.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::client::{ClientError, EsAuth};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, from_value};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;
use crate::provider::common::api_error;

use super::model::{ApiKeyModel, keystore_identity};

/// `expiration`: an Elasticsearch time value ([`check_expiration`]).
pub(super) struct ExpirationRule;

impl ValueRule for ExpirationRule {
    fn description(&self) -> String {
        "An Elasticsearch duration: a positive whole number and a unit (`d`, `h`, `m`, `s`, `ms`)."
            .to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && let Err(e) = check_expiration(s)
        {
            diags.attribute_error(path.clone(), "Invalid expiration", e);
        }
    }
}

/// Checks an Elasticsearch time value such as `30d`, `12h`, `90m` (units d, h, m, s, ms,
/// micros, nanos; a positive whole number before the unit).
pub(super) fn check_expiration(s: &str) -> Result<(), String> {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let (num, unit) = s.split_at(digits);
    let units = ["d", "h", "m", "s", "ms", "micros", "nanos"];
    if num.is_empty() || !units.contains(&unit) {
        return Err(format!(
            "{s:?} is not an Elasticsearch duration: use a whole number followed by a unit, e.g. \"30d\", \"12h\" or \"90m\" (units: d, h, m, s, ms)"
        ));
    }
    if num.trim_start_matches('0').is_empty() {
        return Err(format!("{s:?} must be longer than zero"));
    }
    Ok(())
}

/// `certificate_identity`: a DN pattern Elasticsearch can compile ([`check_identity`]).
pub(super) struct CertificateIdentityRule;

impl ValueRule for CertificateIdentityRule {
    fn description(&self) -> String {
        "A regular expression (Java syntax) that the whole subject DN of the local cluster's signing certificate must match, e.g. `CN=.*\\.node\\.<cluster id>\\.cluster\\..*`."
            .to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && let Err(e) = check_identity(s)
        {
            diags.attribute_error(path.clone(), "Invalid certificate_identity", e);
        }
    }
}

/// Checks a `certificate_identity` pattern as far as it can be checked without a Java regex
/// engine: not empty (an empty pattern matches no DN), no dangling escape, and balanced
/// groups and character classes, which Elasticsearch rejects with "Invalid
/// certificate_identity format: [<v>]. Must be a valid regex."
pub(super) fn check_identity(pattern: &str) -> Result<(), String> {
    let invalid = |why: &str| {
        Err(format!(
            "certificate_identity = {pattern:?} is not a valid regular expression ({why}); Elasticsearch would refuse it (\"Invalid certificate_identity format\"). It is matched against the whole DN of the signing certificate, e.g. \"CN=.*\\\\.node\\\\.<cluster id>\\\\.cluster\\\\..*\""
        ))
    };
    if pattern.is_empty() {
        return Err(
            "certificate_identity must not be empty: an empty pattern matches no certificate DN, so every request would be rejected; remove the attribute to accept any signing certificate".to_owned(),
        );
    }
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.next().is_none() => {
                return invalid("it ends with an unescaped backslash");
            }
            '\\' => {}
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                if depth == 0 {
                    return invalid("a ')' has no matching '('");
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    if in_class {
        return invalid("a '[' is not closed");
    }
    if depth > 0 {
        return invalid("a '(' is not closed");
    }
    Ok(())
}

/// The diagnostic of `certificate_identity` on a cluster before 9.3 (plan time).
pub(super) fn identity_version_error(err: &ClientError) -> Diagnostic {
    Diagnostic::attribute_error(
        AttributePath::root().attr("certificate_identity"),
        "certificate_identity not supported by this cluster",
        format!(
            "{err}. Strong identity verification needs Elasticsearch 9.3 or later on both clusters: upgrade the remote cluster (the one this key is created on), or remove certificate_identity."
        ),
    )
}

/// What [`check_access`] looks at in a search entry: whether each is set.
#[derive(Deserialize)]
struct SearchSecurity {
    #[serde(default)]
    query: Known<IgnoredAny>,
    #[serde(default)]
    field_security: Known<IgnoredAny>,
}

/// What [`check_access`] looks at in the `access` block.
#[derive(Deserialize)]
struct AccessShape {
    #[serde(default)]
    search: Known<Vec<SearchSecurity>>,
    #[serde(default)]
    replication: Known<Vec<IgnoredAny>>,
}

/// How many entries a block list has; `None` while unknown (a null list has none).
fn count<T>(list: &Known<Vec<T>>) -> Option<usize> {
    match list {
        Known::Value(items) => Some(items.len()),
        Known::Unknown => None,
        Known::Null => Some(0),
    }
}

/// Block check of `access` (plan time, with the path of the block): at least one `search` or
/// `replication` entry, and no document or field level security next to replication.
pub(super) fn check_access(value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
    let Ok(access) = from_value::<AccessShape>(value) else {
        return;
    };
    let (search, replication) = (count(&access.search), count(&access.replication));
    if let (Some(0), Some(0)) = (search, replication) {
        diags.attribute_error(
            path.clone(),
            "Empty access",
            "access needs at least one search or replication block: Elasticsearch rejects a cross-cluster API key that grants nothing (\"must specify non-empty access for either [search] or [replication]\").",
        );
    }
    // Elasticsearch (8.14+) rejects document/field level security next to replication.
    let Known::Value(entries) = &access.search else {
        return;
    };
    if replication.is_some_and(|n| n > 0) {
        for (i, entry) in entries.iter().enumerate() {
            let set = [
                ("query", !entry.query.is_null()),
                ("field_security", !entry.field_security.is_null()),
            ];
            for (name, _) in set.into_iter().filter(|(_, set)| *set) {
                diags.attribute_error(
                    path.clone().attr("search").index(i as i64).attr(name),
                    "Document or field level security with replication",
                    "Elasticsearch rejects query and field_security in search access when the key also has replication access (\"search does not support document or field level security if replication is assigned\"): use two keys, or drop one of them.",
                );
            }
        }
    }
}

/// What an update from `prior` to `planned` must replace: a changed `keystore` block (a
/// `ref_id` that is only being resolved again is no change), and a removed `expiration`.
pub(super) fn replacements(prior: &ApiKeyModel, planned: &ApiKeyModel) -> Vec<AttributePath> {
    let mut out = Vec::new();
    let (was, now) = (keystore_identity(prior), keystore_identity(planned));
    let ref_resolving = matches!(&now, Some((_, Known::Unknown, _)))
        && was.as_ref().map(|(d, _, a)| (d, a)) == now.as_ref().map(|(d, _, a)| (d, a));
    if was != now && !ref_resolving {
        out.push(AttributePath::root().attr("keystore"));
    }
    if !prior.expiration.is_null() && planned.expiration.is_null() {
        out.push(AttributePath::root().attr("expiration"));
    }
    out
}

/// The diagnostic a missing cloud connection gives a sealed delivery at plan time.
pub(super) fn sealed_needs_cloud(detail: &str) -> Diagnostic {
    Diagnostic::attribute_error(
        AttributePath::root().attr("keystore"),
        "Sealed delivery needs the cloud connection",
        format!(
            "{detail} The keystore block writes the key through the cloud connection of the same provider instance as the elasticsearch connection."
        ),
    )
}

/// Whether the connection authenticates with an API key.
pub(super) fn uses_api_key(auth: Option<&EsAuth>) -> bool {
    matches!(auth, Some(EsAuth::ApiKey(_)))
}

/// The diagnostic of a failed create: the version gate names the version; an API-key-
/// authenticated connection gets Elasticsearch's reason plus the hint to use a user or token.
pub(super) fn create_error(err: &ClientError, api_key_auth: bool) -> Diagnostic {
    if let ClientError::VersionGate { feature, .. } = err
        && feature == crate::client::elasticsearch::Feature::CertificateIdentity.name()
    {
        return identity_version_error(err);
    }
    if let ClientError::VersionGate { .. } = err {
        return Diagnostic::attribute_error(
            AttributePath::root().attr("access"),
            "Cross-cluster API keys not supported by this cluster",
            format!(
                "{err}. Upgrade the remote cluster, or use the certificate model (crosscluster_trusted_environment) for older versions."
            ),
        );
    }
    let reason = err.es_reason().unwrap_or_default();
    if api_key_auth || reason.contains("authentication via API key not supported") {
        return Diagnostic::error(
            "Cannot create a cross-cluster API key with API key authentication",
            format!(
                "Elasticsearch refused: {err}\n\nElasticsearch does not let an API key create or update cross-cluster API keys. Configure this provider's elasticsearch connection for the remote cluster with username and password (basic) or bearer_token credentials of a user with the manage_security privilege."
            ),
        );
    }
    api_error("to create the cross-cluster API key", err)
}
