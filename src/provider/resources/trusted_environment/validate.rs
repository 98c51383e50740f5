//! Configuration checks of `crosscluster_trusted_environment` (pure): the schema's value rules,
//! the cross-attribute checks of [`validate`] and the plan of the computed `name`.
//!
//! The configuration may hold unknown values anywhere: a check that needs one is skipped.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::schema::ValueRule;
use crate::framework::value::{Type, Value};
use crate::provider::common::is_hex32;

use super::schema::{
    self, ADDITIONAL_NODE_NAMES, CERTIFICATES, DEFAULT_DIRECT_TYPE, DIRECT, NAME, ORGANIZATION_ID,
    REF_ID, SCOPE_ID, TRUST_ALL, TRUST_ALLOWLIST, TRUST_RELATIONSHIP_ID,
};

/// A list or set of strings whose elements may be unknown.
type Strings = Known<Vec<Known<String>>>;

/// The configuration (or a plan being built), every value possibly unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ConfigModel {
    pub(super) ref_id: Known<String>,
    pub(super) organization_id: Known<String>,
    pub(super) trust_relationship_id: Known<String>,
    pub(super) trust_all: Known<bool>,
    pub(super) trust_allowlist: Strings,
    pub(super) name: Known<String>,
    pub(super) direct: Known<DirectConfig>,
}

impl Model for ConfigModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// The `direct` block of [`ConfigModel`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct DirectConfig {
    pub(super) name: Known<String>,
    #[serde(rename = "type")]
    pub(super) kind: Known<String>,
    pub(super) scope_id: Known<String>,
    pub(super) certificates: Strings,
    pub(super) additional_node_names: Strings,
}

/// `trust_allowlist`: Elasticsearch cluster ids (32 lowercase hexadecimal characters).
pub(super) struct ClusterIdsRule;

impl ValueRule for ClusterIdsRule {
    fn description(&self) -> String {
        "Each element is an Elasticsearch cluster id: 32 lowercase hexadecimal characters.".into()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let (Value::Set(items) | Value::List(items)) = value else {
            return;
        };
        for item in items {
            if let Value::String(s) = item
                && !is_hex32(s)
            {
                diags.attribute_error(
                    path.clone(),
                    "Invalid cluster id",
                    format!("{s:?} is not an Elasticsearch cluster id: trust_allowlist takes the 32-character lowercase hexadecimal cluster id (resources.elasticsearch[].id, `cluster_id` of the crosscluster_deployment data source), not a deployment id or name."),
                );
            }
        }
    }
}

/// Why a certificate PEM is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum PemError {
    /// No BEGIN/END CERTIFICATE armour.
    #[error(
        "not a PEM certificate: expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----"
    )]
    NoCertificate,
    /// A private key in the text.
    #[error("contains a private key: give only the CA certificate")]
    PrivateKey,
    /// Base64 that does not decode.
    #[error("the certificate's base64 does not decode: {0}")]
    Decode(String),
    /// More than one certificate in one element.
    #[error("contains {0} certificates: give one certificate per element of the list")]
    Several(usize),
    /// The decoded bytes are not a DER SEQUENCE.
    #[error("the decoded certificate is not DER (it does not start with a SEQUENCE)")]
    NotDer,
}

/// Light structural check of one PEM CA certificate: armour, base64, a DER SEQUENCE.
pub(super) fn check_certificate_pem(pem: &str) -> Result<(), PemError> {
    if pem.contains("PRIVATE KEY-----") {
        return Err(PemError::PrivateKey);
    }
    if !pem.contains("-----BEGIN CERTIFICATE-----") || !pem.contains("-----END CERTIFICATE-----") {
        return Err(PemError::NoCertificate);
    }
    let mut certs = Vec::new();
    for item in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        certs.push(item.map_err(|e| PemError::Decode(e.to_string()))?);
    }
    match certs.as_slice() {
        [] => Err(PemError::NoCertificate),
        [one] => {
            let der: &[u8] = one.as_ref();
            // A SEQUENCE tag with a long-form length (certificates are longer than 127 bytes).
            if der.len() < 4 || der[0] != 0x30 {
                Err(PemError::NotDer)
            } else {
                Ok(())
            }
        }
        several => Err(PemError::Several(several.len())),
    }
}

/// Whether a list is non-empty: `Some` when known (null is empty), `None` when unknown.
fn nonempty(v: &Strings) -> Option<bool> {
    match v {
        Known::Null => Some(false),
        Known::Value(items) => Some(!items.is_empty()),
        Known::Unknown => None,
    }
}

/// Whether a value is set: `Some` when known, `None` when unknown.
fn is_set<T>(v: &Known<T>) -> Option<bool> {
    match v {
        Known::Null => Some(false),
        Known::Value(_) => Some(true),
        Known::Unknown => None,
    }
}

fn known_strs(v: &Strings) -> impl Iterator<Item = (usize, &str)> {
    v.value()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, s)| s.value().map(|s| (i, s.as_str())))
}

/// Checks of the configuration beyond the schema validators. Every diagnostic carries the
/// attribute's path.
pub(super) fn validate(c: &ConfigModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let root = AttributePath::root();
    if c.trust_all == Known::Value(true) && nonempty(&c.trust_allowlist) == Some(true) {
        diags.attribute_error(
            root.clone().attr(TRUST_ALLOWLIST),
            "Conflicting trust settings",
            "trust_allowlist cannot be set when trust_all is true: trust_all trusts every cluster and the API ignores the allowlist. Remove one of them.",
        );
    }
    for (key, v) in [
        (ORGANIZATION_ID, &c.organization_id),
        (TRUST_RELATIONSHIP_ID, &c.trust_relationship_id),
    ] {
        if let Some(s) = v.value()
            && (s.trim().is_empty() || s.contains('/') || s.trim() != s)
        {
            diags.attribute_error(
                root.clone().attr(key),
                "Invalid identifier",
                format!("{key} must be a non-empty id without spaces or '/', got {s:?}."),
            );
        }
    }
    if let Some(r) = c.ref_id.value()
        && (r == "_main" || r.is_empty() || r.contains('/'))
    {
        diags.attribute_error(
            root.clone().attr(REF_ID),
            "Invalid ref_id",
            format!("ref_id must be the Elasticsearch resource's real ref_id (e.g. \"main-elasticsearch\"), got {r:?}; leave it unset to use the deployment's first Elasticsearch resource."),
        );
    }
    let name_set = !c.name.is_null();
    if name_set && !c.trust_relationship_id.is_null() {
        diags.attribute_error(
            root.clone().attr(NAME),
            "Read-only for external trust",
            "The name of an external trust entry comes from the ECE trust relationship and the API ignores it on write: remove name (it is shown as a computed value).",
        );
    }
    if name_set && !c.direct.is_null() {
        diags.attribute_error(
            root.clone().attr(NAME),
            "Use direct.name",
            "A direct trust entry is named by direct.name; the top-level name mirrors it. Remove the top-level name.",
        );
    }
    if let Known::Value(d) = &c.direct {
        validate_direct_values(d, &mut diags);
        validate_direct_kind(c, d, &mut diags);
    }
    diags
}

/// The values of the `direct` block on their own: certificates, scope id, node names.
fn validate_direct_values(d: &DirectConfig, diags: &mut Diagnostics) {
    let dp = AttributePath::root().attr(DIRECT);
    if nonempty(&d.certificates) == Some(false) && !d.certificates.is_null() {
        diags.attribute_error(
            dp.clone().attr(CERTIFICATES),
            "No certificate",
            "direct.certificates needs at least one PEM CA certificate.",
        );
    }
    for (i, pem) in known_strs(&d.certificates) {
        if let Err(e) = check_certificate_pem(pem) {
            diags.attribute_error(
                dp.clone().attr(CERTIFICATES).index(i as i64),
                "Invalid certificate",
                format!("direct.certificates[{i}] {e}."),
            );
        }
    }
    if let Some(s) = d.scope_id.value()
        && (s.is_empty()
            || s.len() > 32
            || !s
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    {
        diags.attribute_error(
            dp.clone().attr(SCOPE_ID),
            "Invalid scope id",
            format!(
                "scope_id must be 1 to 32 lowercase letters or digits (an organization or environment id), got {s:?}."
            ),
        );
    }
    for (_, s) in known_strs(&d.additional_node_names) {
        if s.is_empty() || s.contains('*') {
            diags.attribute_error(
                dp.clone().attr(ADDITIONAL_NODE_NAMES),
                "Invalid node name",
                format!(
                    "additional_node_names takes exact node names without wildcards, got {s:?}."
                ),
            );
        }
    }
}

/// What the `direct` block's type requires of the other values: a proxy trust has no
/// narrowing, any other needs a scope or node names.
fn validate_direct_kind(c: &ConfigModel, d: &DirectConfig, diags: &mut Diagnostics) {
    let root = AttributePath::root();
    let dp = root.clone().attr(DIRECT);
    let kind = match &d.kind {
        Known::Unknown => return,
        Known::Null => DEFAULT_DIRECT_TYPE,
        Known::Value(k) => k.as_str(),
    };
    let trust_all = match c.trust_all {
        Known::Value(b) => Some(b),
        Known::Null => Some(false),
        Known::Unknown => None,
    };
    let allowlist_set = nonempty(&c.trust_allowlist);
    let scope_set = is_set(&d.scope_id);
    if kind == "proxy" {
        let offenders = [
            (
                trust_all == Some(true),
                "trust_all",
                root.clone().attr(TRUST_ALL),
            ),
            (
                allowlist_set == Some(true),
                "trust_allowlist",
                root.clone().attr(TRUST_ALLOWLIST),
            ),
            (
                scope_set == Some(true),
                "direct.scope_id",
                dp.clone().attr(SCOPE_ID),
            ),
            (
                matches!(d.additional_node_names, Known::Value(_)),
                "direct.additional_node_names",
                dp.clone().attr(ADDITIONAL_NODE_NAMES),
            ),
        ];
        for (bad, what, path) in offenders {
            if bad {
                diags.attribute_error(
                    path,
                    "Not allowed for a proxy trust",
                    format!("A direct trust of type \"proxy\" must have trust_all false and no trust_allowlist, scope_id or additional_node_names; remove {what}."),
                );
            }
        }
        return;
    }
    let wants_scope = match (trust_all, allowlist_set) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    if wants_scope == Some(true) && scope_set == Some(false) {
        diags.attribute_error(
            dp.attr(SCOPE_ID),
            "Missing scope id",
            "direct.scope_id is required when trust_all is true or trust_allowlist is set: it is the scope (organization or environment id) whose clusters are trusted.",
        );
    } else if scope_set == Some(false)
        && nonempty(&d.additional_node_names) == Some(false)
        && wants_scope.is_some()
    {
        diags.attribute_error(
            dp.attr(ADDITIONAL_NODE_NAMES),
            "Missing node names",
            "A direct trust without scope_id must list the trusted nodes in direct.additional_node_names.",
        );
    }
}

/// The planned `name` when the configuration leaves it unset: for a direct entry it is
/// `direct.name`; another entry keeps its current name (the resource never writes it then).
/// `None`: leave the plan as it is.
pub(super) fn planned_name(
    config: Option<&ConfigModel>,
    planned: &ConfigModel,
    prior: Option<&ConfigModel>,
) -> Option<Known<String>> {
    if config.is_some_and(|c| !c.name.is_null()) {
        return None;
    }
    match &planned.direct {
        Known::Value(d) => Some(d.name.clone()),
        _ => prior.map(|p| p.name.clone()),
    }
}

/// Validator: an Elastic Cloud organization (account) id: letters, digits, `-` and `_`, at most
/// 64 characters (Elastic Cloud organization ids are digits; ECE account ids 32 hex characters).
pub(super) struct AccountId;

impl ValueRule for AccountId {
    fn description(&self) -> String {
        "An organization id: letters, digits, `-` and `_`, at most 64 characters.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(id) = value.as_str() else { return };
        let ok = (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            diags.attribute_error(
                path.clone(),
                "Invalid organization id",
                format!(
                    "Attribute {path} is {id:?}: an organization id is made of letters, digits, '-' and '_' (Elastic Cloud's are usually 10 digits), at most 64 characters; use the id of crosscluster_organization or of the crosscluster_deployment data source."
                ),
            );
        }
    }
}
