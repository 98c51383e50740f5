//! `crosscluster_trusted_environment`: one trust relationship of one Elastic Cloud deployment
//! (the Cloud console's "Add trusted environment", certificate model).
//!
//! Trust has no endpoint of its own (api-facts.md A.2.1): every change is a read-modify-write of
//! `resources.elasticsearch[].settings.trust` through
//! [`CloudClient::update_elasticsearch_settings_and_wait`], under the deployment's lock, with the
//! 409 re-read of the client, followed by a wait for the deployment's plan. The edit functions of
//! this file work on the raw JSON of the settings and touch only the one entry the resource owns:
//! every other entry of `accounts`, `external` and `direct` goes back to the API exactly as it was
//! read (all three lists are always sent, A.2.3).
//!
//! Identity: `<deployment_id>/<ref_id>/organization/<organization id>`,
//! `<deployment_id>/<ref_id>/external/<trust relationship id>`, or
//! `<deployment_id>/<ref_id>/direct/<uid>` where `<uid>` is the `uid` the Cloud API generates for
//! each direct trust entry (it is what tells an update apart from a remove-and-add).

use std::time::Duration;

use async_trait::async_trait;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Map as JsonMap, Value as Json, json};

use crate::client::ClientError;
use crate::client::cloud::{Changed, CloudClient, GetDeploymentParams};
use crate::framework::decode::ObjectReader;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, PlanRequest, PlannedChange, ReadRequest, Resource,
    StateResponse, TimeoutOp, Timeouts, UpdateRequest, cancelled,
};
use crate::framework::value::{Type, Value};

use crate::provider::common::{
    api_error, configured, deadline, hex32_validator, is_hex32, known_opt_string,
};

/// Default wait for the deployment plan of a create, update or delete.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The resource type.
pub struct TrustedEnvironmentResource;

/// Direct trust types the API accepts (`generic` is the default).
pub const DIRECT_TYPES: [&str; 4] = ["generic", "ECE", "ESS", "proxy"];

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

/// The schema.
pub fn schema() -> Schema {
    let direct = Block::new()
        .description("Trust a CA certificate directly (self-managed clusters, ECE environments or clusters without environment-level trust): the deployment's `trust.direct[]`. Fields update in place (the entry keeps its `uid`).")
        .attribute(
            Attribute::string("name")
                .required()
                .description("Name of the direct trust entry (required by the API)."),
        )
        .attribute(
            Attribute::string("type")
                .optional()
                .computed()
                .default_value(Value::String("generic".into()))
                .validator(Validator::one_of(DIRECT_TYPES))
                .description("Kind of environment: `generic` (default, self-managed), `ECE`, `ESS` or `proxy`. With `proxy`, `trust_all` must be false and `trust_allowlist`, `scope_id` and `additional_node_names` must be unset."),
        )
        .attribute(
            Attribute::string("scope_id")
                .optional()
                .description("Scope of the trusted certificates (lowercase alphanumeric, at most 32 characters; usually an organization or environment id). Required when `trust_all` is true or `trust_allowlist` is set; node certificates match `*.node.<cluster_id>.cluster.<scope_id>`."),
        )
        .attribute(
            Attribute::list("certificates", Type::String)
                .required()
                .description("CA certificates in PEM form, one certificate per element (at least one; several allow rotation). Never a private key."),
        )
        .attribute(
            Attribute::set("additional_node_names", Type::String)
                .optional()
                .description("Extra trusted node names (no wildcards). Required when `scope_id` is not set."),
        );
    Schema::new(
        Block::new()
            .markdown_description(
                "One trust relationship of one Elastic Cloud deployment, for the **certificate** \
                 security model (the Cloud console's \"Add trusted environment\"): exactly one of \
                 `organization_id` (the deployments of another Elastic Cloud organization, \
                 `trust.accounts[]`), `trust_relationship_id` (an ECE environment, \
                 `trust.external[]`) or a `direct` block (clusters whose CA certificate you give, \
                 e.g. self-managed ones, `trust.direct[]`), narrowed by `trust_all` or \
                 `trust_allowlist`.\n\
                 \n\
                 Uses the provider's `cloud` connection (Elastic Cloud or ECE API). Trust has no \
                 endpoint of its own: each change reads the deployment's trust settings, changes \
                 only this resource's entry and writes them back (retrying when the deployment \
                 changed in between), then waits for the deployment's plan to finish (see \
                 `timeouts`; default 20 minutes). Every other trust entry, whether set in the \
                 console, by another tool or by another resource, goes back unchanged with its \
                 name, allowlist and certificates; destroy removes only this entry.\n\
                 \n\
                 One resource is one direction: this deployment trusts the other side. A \
                 certificate-model connection needs trust **both ways**, so the remote deployment \
                 needs its own `crosscluster_trusted_environment` for this one (for another \
                 organization, through a second provider block with that organization's Cloud API \
                 key). Deployments trust their own organization by default. The API-key model \
                 needs no trust resource on Elastic Cloud.\n\
                 \n\
                 Ids are always the full values: 32 lowercase hexadecimal characters for \
                 deployment and cluster ids (not the shortened forms the console shows); \
                 `trust_allowlist` takes Elasticsearch cluster ids (`cluster_id` of the \
                 `crosscluster_deployment` data source), not deployment ids.\n\
                 \n\
                 Import with `terraform import crosscluster_trusted_environment.example <id>`, the \
                 id being `<deployment_id>/<ref_id>/organization/<organization_id>`, \
                 `<deployment_id>/<ref_id>/external/<trust_relationship_id>` or \
                 `<deployment_id>/<ref_id>/direct/<uid>` (the `uid` the Cloud API generated for \
                 the direct entry, as `trust.direct[].uid` of the `crosscluster_deployment` data \
                 source shows it).",
            )
            .validator(Validator::exactly_one_of([
                "organization_id",
                "trust_relationship_id",
                "direct",
            ]))
            .attribute(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("`<deployment_id>/<ref_id>/organization/<organization_id>`, `<deployment_id>/<ref_id>/external/<trust_relationship_id>` or `<deployment_id>/<ref_id>/direct/<uid>`."),
            )
            .attribute(
                Attribute::string("deployment_id")
                    .required()
                    .requires_replace()
                    .validator(hex32_validator("deployment id"))
                    .description("Id of the deployment that trusts (the full 32 lowercase hexadecimal characters)."),
            )
            .attribute(
                Attribute::string("ref_id")
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .description("`ref_id` of the deployment's Elasticsearch resource; default: its first (usually only) one, e.g. `main-elasticsearch`."),
            )
            .attribute(
                Attribute::string("organization_id")
                    .optional()
                    .requires_replace()
                    .description("Trust the deployments of this Elastic Cloud organization (`trust.accounts[]`): the other side's `organization_id` from the `crosscluster_deployment` data source, or the `id` of its `crosscluster_organization`."),
            )
            .attribute(
                Attribute::string("trust_relationship_id")
                    .optional()
                    .requires_replace()
                    .description("Trust the clusters of this ECE environment trust relationship (`trust.external[]`)."),
            )
            .attribute(
                Attribute::bool("trust_all")
                    .optional()
                    .computed()
                    .default_value(Value::Bool(false))
                    .description("Trust every cluster of the organization, environment or scope. Cannot be combined with `trust_allowlist`."),
            )
            .attribute(
                Attribute::set("trust_allowlist", Type::String)
                    .optional()
                    .validator(allowlist_validator())
                    .description("Elasticsearch cluster ids to trust when `trust_all` is false: 32 lowercase hexadecimal characters, the cluster id (`cluster_id` of the `crosscluster_deployment` data source), not the deployment id."),
            )
            .attribute(
                Attribute::string("name")
                    .optional()
                    .computed()
                    .description("Display name of an organization entry (updated in place; leaving it unset keeps the current name). For an external entry it is read-only (the trust relationship's name); for a direct entry it mirrors `direct.name`."),
            )
            .block(NestedBlock::single("direct", direct))
            .block(Timeouts::block(&[
                TimeoutOp::Create,
                TimeoutOp::Update,
                TimeoutOp::Delete,
            ])),
    )
}

fn allowlist_validator() -> Validator {
    Validator::custom(|value, path, diags| {
        if let Value::Set(items) | Value::List(items) = value {
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
    })
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/// Which entry of the trust settings a resource owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustKey {
    /// `accounts[]` entry by `account_id` (organization id).
    Organization(String),
    /// `external[]` entry by `trust_relationship_id`.
    External(String),
    /// `direct[]` entry by `uid`.
    Direct(String),
}

impl TrustKey {
    /// The kind word used in the resource id.
    pub fn kind(&self) -> &'static str {
        match self {
            TrustKey::Organization(_) => "organization",
            TrustKey::External(_) => "external",
            TrustKey::Direct(_) => "direct",
        }
    }

    /// The identifying value.
    pub fn value(&self) -> &str {
        match self {
            TrustKey::Organization(v) | TrustKey::External(v) | TrustKey::Direct(v) => v,
        }
    }
}

/// A parsed resource id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustId {
    /// Deployment id.
    pub deployment_id: String,
    /// Elasticsearch resource ref_id.
    pub ref_id: String,
    /// The owned entry.
    pub key: TrustKey,
}

/// Why a resource id cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not four `/`-separated non-empty parts.
    #[error(
        "{0:?} is not a trusted environment id: expected <deployment_id>/<ref_id>/organization/<organization_id>, <deployment_id>/<ref_id>/external/<trust_relationship_id> or <deployment_id>/<ref_id>/direct/<uid>"
    )]
    Format(String),
    /// The deployment id is not 32 lowercase hex characters.
    #[error("{0:?} is not a deployment id (32 lowercase hexadecimal characters)")]
    DeploymentId(String),
    /// The kind is not one of the three.
    #[error("unknown trust kind {0:?}: expected organization, external or direct")]
    Kind(String),
}

impl TrustId {
    /// Parses `<deployment_id>/<ref_id>/<kind>/<value>`.
    pub fn parse(id: &str) -> Result<TrustId, IdError> {
        let parts: Vec<&str> = id.trim().splitn(4, '/').collect();
        let [dep, ref_id, kind, value] = parts.as_slice() else {
            return Err(IdError::Format(id.to_string()));
        };
        if [dep, ref_id, kind, value].iter().any(|p| p.is_empty()) || value.contains('/') {
            return Err(IdError::Format(id.to_string()));
        }
        if !is_hex32(dep) {
            return Err(IdError::DeploymentId(dep.to_string()));
        }
        let key = match *kind {
            "organization" => TrustKey::Organization(value.to_string()),
            "external" => TrustKey::External(value.to_string()),
            "direct" => TrustKey::Direct(value.to_string()),
            other => return Err(IdError::Kind(other.to_string())),
        };
        Ok(TrustId {
            deployment_id: dep.to_string(),
            ref_id: ref_id.to_string(),
            key,
        })
    }
}

impl std::fmt::Display for TrustId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.deployment_id,
            self.ref_id,
            self.key.kind(),
            self.key.value()
        )
    }
}

/// The direct trust the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectSpec {
    /// `name`.
    pub name: String,
    /// `type`.
    pub kind: String,
    /// `scope_id`.
    pub scope_id: Option<String>,
    /// PEM certificates.
    pub certificates: Vec<String>,
    /// `additional_node_names` (`None`: unset).
    pub additional_node_names: Option<Vec<String>>,
}

/// What kind of entry the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An `accounts[]` entry.
    Organization {
        /// Organization (account) id.
        id: String,
        /// Display name (`None`: leave as is).
        name: Option<String>,
    },
    /// An `external[]` entry.
    External {
        /// Trust relationship id.
        id: String,
    },
    /// A `direct[]` entry.
    Direct(DirectSpec),
}

/// The entry the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desired {
    /// Kind and identity.
    pub target: Target,
    /// `trust_all`.
    pub trust_all: bool,
    /// `trust_allowlist` (`None`: unset).
    pub allowlist: Option<Vec<String>>,
}

/// Reads the desired entry from a planned state (all values known).
pub fn desired_from(value: &Value) -> Result<Desired, Diagnostics> {
    let r = ObjectReader::root(value)?;
    let set_or_none =
        |name: &str, r: &ObjectReader<'_>| -> Result<Option<Vec<String>>, Diagnostics> {
            if r.is_null(name) {
                return Ok(None);
            }
            let mut v = r.string_list(name)?;
            v.sort();
            Ok(Some(v))
        };
    let target = if let Some(org) = r.opt_string("organization_id")? {
        Target::Organization {
            id: org,
            // Unset (computed, unknown in the plan): the resource leaves the name alone.
            name: if r.is_unknown("name") {
                None
            } else {
                r.opt_string("name")?
            },
        }
    } else if let Some(ext) = r.opt_string("trust_relationship_id")? {
        Target::External { id: ext }
    } else if let Some(d) = r.opt_block("direct")? {
        Target::Direct(DirectSpec {
            name: d.string("name")?,
            kind: d
                .opt_string("type")?
                .unwrap_or_else(|| "generic".to_string()),
            scope_id: d.opt_string("scope_id")?,
            certificates: d.string_list("certificates")?,
            additional_node_names: set_or_none("additional_node_names", &d)?,
        })
    } else {
        return Err(Diagnostic::attribute_error(
            AttributePath::root(),
            "Invalid attribute combination",
            "Exactly one of organization_id, trust_relationship_id or a direct block must be configured.",
        )
        .into());
    };
    Ok(Desired {
        target,
        trust_all: r.opt_bool("trust_all")?.unwrap_or(false),
        allowlist: set_or_none("trust_allowlist", &r)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Plan-time validation
// ---------------------------------------------------------------------------------------------

/// Why a certificate PEM is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
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
pub fn check_certificate_pem(pem: &str) -> Result<(), PemError> {
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

fn known_str(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// `Some(true/false)` for a known value, `None` for unknown.
fn known_set_nonempty(v: &Value) -> Option<bool> {
    match v {
        Value::Null => Some(false),
        Value::Set(items) | Value::List(items) => Some(!items.is_empty()),
        _ => None,
    }
}

/// Checks of the configuration beyond the schema validators (values may be unknown: those
/// checks are skipped). Every diagnostic carries the attribute's path.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Value::Object(fields) = config else {
        return diags;
    };
    let get = |n: &str| fields.get(n).unwrap_or(&Value::Null);
    let root = AttributePath::root();
    let trust_all = get("trust_all");
    let allowlist_set = known_set_nonempty(get("trust_allowlist"));
    if matches!(trust_all, Value::Bool(true)) && allowlist_set == Some(true) {
        diags.attribute_error(
            root.clone().attr("trust_allowlist"),
            "Conflicting trust settings",
            "trust_allowlist cannot be set when trust_all is true: trust_all trusts every cluster and the API ignores the allowlist. Remove one of them.",
        );
    }
    for key in ["organization_id", "trust_relationship_id"] {
        if let Some(s) = known_str(get(key))
            && (s.trim().is_empty() || s.contains('/') || s.trim() != s)
        {
            diags.attribute_error(
                root.clone().attr(key),
                "Invalid identifier",
                format!("{key} must be a non-empty id without spaces or '/', got {s:?}."),
            );
        }
    }
    if let Some(r) = known_str(get("ref_id"))
        && (r == "_main" || r.is_empty() || r.contains('/'))
    {
        diags.attribute_error(
            root.clone().attr("ref_id"),
            "Invalid ref_id",
            format!("ref_id must be the Elasticsearch resource's real ref_id (e.g. \"main-elasticsearch\"), got {r:?}; leave it unset to use the deployment's first Elasticsearch resource."),
        );
    }
    let name_set = !matches!(get("name"), Value::Null);
    if name_set && !matches!(get("trust_relationship_id"), Value::Null) {
        diags.attribute_error(
            root.clone().attr("name"),
            "Read-only for external trust",
            "The name of an external trust entry comes from the ECE trust relationship and the API ignores it on write: remove name (it is shown as a computed value).",
        );
    }
    let direct = get("direct");
    if name_set && !matches!(direct, Value::Null) {
        diags.attribute_error(
            root.clone().attr("name"),
            "Use direct.name",
            "A direct trust entry is named by direct.name; the top-level name mirrors it. Remove the top-level name.",
        );
    }
    if let Value::Object(d) = direct {
        let dp = root.clone().attr("direct");
        let dget = |n: &str| d.get(n).unwrap_or(&Value::Null);
        if let Value::List(certs) = dget("certificates") {
            if certs.is_empty() {
                diags.attribute_error(
                    dp.clone().attr("certificates"),
                    "No certificate",
                    "direct.certificates needs at least one PEM CA certificate.",
                );
            }
            for (i, c) in certs.iter().enumerate() {
                if let Value::String(pem) = c
                    && let Err(e) = check_certificate_pem(pem)
                {
                    diags.attribute_error(
                        dp.clone().attr("certificates").index(i as i64),
                        "Invalid certificate",
                        format!("direct.certificates[{i}] {e}."),
                    );
                }
            }
        }
        let scope = dget("scope_id");
        if let Some(s) = known_str(scope)
            && (s.is_empty()
                || s.len() > 32
                || !s
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        {
            diags.attribute_error(
                dp.clone().attr("scope_id"),
                "Invalid scope id",
                format!(
                    "scope_id must be 1 to 32 lowercase letters or digits (an organization or environment id), got {s:?}."
                ),
            );
        }
        let names = dget("additional_node_names");
        if let Value::Set(items) | Value::List(items) = names {
            for n in items {
                if let Some(s) = known_str(n)
                    && (s.is_empty() || s.contains('*'))
                {
                    diags.attribute_error(
                        dp.clone().attr("additional_node_names"),
                        "Invalid node name",
                        format!("additional_node_names takes exact node names without wildcards, got {s:?}."),
                    );
                }
            }
        }
        let names_set = known_set_nonempty(names);
        let kind = known_str(dget("type")).unwrap_or("generic");
        let kind_known = !matches!(dget("type"), Value::Unknown(_));
        let trust_all_known = match trust_all {
            Value::Bool(b) => Some(*b),
            Value::Null => Some(false),
            _ => None,
        };
        let scope_known = match scope {
            Value::Null => Some(false),
            Value::String(_) => Some(true),
            _ => None,
        };
        if kind_known && kind == "proxy" {
            let offenders = [
                (
                    trust_all_known == Some(true),
                    "trust_all",
                    root.clone().attr("trust_all"),
                ),
                (
                    allowlist_set == Some(true),
                    "trust_allowlist",
                    root.clone().attr("trust_allowlist"),
                ),
                (
                    scope_known == Some(true),
                    "direct.scope_id",
                    dp.clone().attr("scope_id"),
                ),
                (
                    !matches!(names, Value::Null | Value::Unknown(_)),
                    "direct.additional_node_names",
                    dp.clone().attr("additional_node_names"),
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
        } else if kind_known {
            let wants_scope = match (trust_all_known, allowlist_set) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            if wants_scope == Some(true) && scope_known == Some(false) {
                diags.attribute_error(
                    dp.clone().attr("scope_id"),
                    "Missing scope id",
                    "direct.scope_id is required when trust_all is true or trust_allowlist is set: it is the scope (organization or environment id) whose clusters are trusted.",
                );
            } else if scope_known == Some(false)
                && names_set == Some(false)
                && wants_scope.is_some()
            {
                diags.attribute_error(
                    dp.clone().attr("additional_node_names"),
                    "Missing node names",
                    "A direct trust without scope_id must list the trusted nodes in direct.additional_node_names.",
                );
            }
        }
    }
    diags
}

// ---------------------------------------------------------------------------------------------
// Pure edits of the raw settings JSON
// ---------------------------------------------------------------------------------------------

/// Why an edit of the trust settings was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// `settings.trust` or one of its lists has an unexpected shape.
    #[error("the deployment's settings.trust has an unexpected shape: {0}")]
    Shape(String),
    /// Creating an entry that is already there (not managed by this resource).
    #[error(
        "{what} already exists on deployment {deployment_id}: to manage it with Terraform, import it (terraform import <address> {import_id})"
    )]
    AlreadyExists {
        /// What exists.
        what: String,
        /// Deployment id.
        deployment_id: String,
        /// The id to import it with.
        import_id: String,
    },
    /// Updating an entry that is no longer there.
    #[error(
        "the direct trust entry with uid {uid} no longer exists on deployment {deployment_id}: run terraform apply again to create it anew"
    )]
    DirectGone {
        /// The entry's uid.
        uid: String,
        /// Deployment id.
        deployment_id: String,
    },
}

const LISTS: [&str; 3] = ["accounts", "external", "direct"];

/// `settings.trust` as an object holding all three lists (missing lists are added empty; the
/// order and content of existing lists are untouched).
pub fn trust_lists_mut(settings: &mut Json) -> Result<&mut JsonMap<String, Json>, EditError> {
    let Some(s) = settings.as_object_mut() else {
        return Err(EditError::Shape("settings is not an object".into()));
    };
    let trust = s.entry("trust").or_insert_with(|| json!({}));
    if trust.is_null() {
        *trust = json!({});
    }
    let Some(t) = trust.as_object_mut() else {
        return Err(EditError::Shape("trust is not an object".into()));
    };
    for l in LISTS {
        let v = t.entry(l).or_insert_with(|| json!([]));
        if v.is_null() {
            *v = json!([]);
        }
        if !v.is_array() {
            return Err(EditError::Shape(format!("trust.{l} is not a list")));
        }
    }
    Ok(t)
}

fn list_mut<'a>(
    t: &'a mut JsonMap<String, Json>,
    name: &str,
) -> Result<&'a mut Vec<Json>, EditError> {
    match t.get_mut(name) {
        Some(Json::Array(a)) => Ok(a),
        _ => Err(EditError::Shape(format!("trust.{name} is not a list"))),
    }
}

fn str_field<'a>(e: &'a Json, k: &str) -> Option<&'a str> {
    e.get(k).and_then(Json::as_str)
}

/// Whether the raw entry `e` of list `list` is the one `key` names.
fn matches_key(list: &str, e: &Json, key: &TrustKey) -> bool {
    match (list, key) {
        ("accounts", TrustKey::Organization(id)) => str_field(e, "account_id") == Some(id),
        ("external", TrustKey::External(id)) => str_field(e, "trust_relationship_id") == Some(id),
        ("direct", TrustKey::Direct(uid)) => str_field(e, "uid") == Some(uid),
        _ => false,
    }
}

fn list_of(key: &TrustKey) -> &'static str {
    match key {
        TrustKey::Organization(_) => "accounts",
        TrustKey::External(_) => "external",
        TrustKey::Direct(_) => "direct",
    }
}

/// The raw entry `key` names in a `trust` object, if present.
pub fn find_entry<'a>(trust: &'a Json, key: &TrustKey) -> Option<&'a Json> {
    let list = list_of(key);
    trust
        .get(list)?
        .as_array()?
        .iter()
        .find(|e| matches_key(list, e, key))
}

fn set_opt_list(o: &mut JsonMap<String, Json>, k: &str, v: &Option<Vec<String>>) {
    match v {
        Some(items) => {
            o.insert(k.to_string(), json!(items));
        }
        None => {
            o.remove(k);
        }
    }
}

fn set_opt_str(o: &mut JsonMap<String, Json>, k: &str, v: &Option<String>) {
    match v {
        Some(s) => {
            o.insert(k.to_string(), json!(s));
        }
        None => {
            o.remove(k);
        }
    }
}

/// Writes the desired fields into an entry object, keeping every field it does not own (and,
/// for certificates whose PEM is unchanged, the certificate object as read).
fn fill_entry(o: &mut JsonMap<String, Json>, desired: &Desired) {
    match &desired.target {
        Target::Organization { id, name } => {
            o.insert("account_id".into(), json!(id));
            if let Some(n) = name {
                o.insert("name".into(), json!(n));
            }
        }
        Target::External { id } => {
            o.insert("trust_relationship_id".into(), json!(id));
        }
        Target::Direct(d) => {
            o.insert("name".into(), json!(d.name));
            o.insert("type".into(), json!(d.kind));
            set_opt_str(o, "scope_id", &d.scope_id);
            let old: Vec<Json> = o
                .get("certificates")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            let certs: Vec<Json> = d
                .certificates
                .iter()
                .map(|pem| {
                    old.iter()
                        .find(|c| {
                            c.get("pem")
                                .and_then(Json::as_str)
                                .is_some_and(|p| normalize_pem(p) == normalize_pem(pem))
                        })
                        .cloned()
                        .unwrap_or_else(|| json!({ "pem": pem }))
                })
                .collect();
            o.insert("certificates".into(), Json::Array(certs));
            set_opt_list(o, "additional_node_names", &d.additional_node_names);
        }
    }
    o.insert("trust_all".into(), json!(desired.trust_all));
    set_opt_list(o, "trust_allowlist", &desired.allowlist);
}

/// Create: add the desired entry to the `settings` of an update payload. An entry with the same
/// organization / trust relationship id, or a direct entry with the same name, is an error (it
/// is not this resource's: import it instead).
pub fn add_entry(
    settings: &mut Json,
    desired: &Desired,
    deployment_id: &str,
    ref_id: &str,
) -> Result<Changed, EditError> {
    let t = trust_lists_mut(settings)?;
    let (list, clash) = match &desired.target {
        Target::Organization { id, .. } => (
            "accounts",
            Some((
                TrustKey::Organization(id.clone()),
                format!("Trust of organization {id}"),
            )),
        ),
        Target::External { id } => (
            "external",
            Some((
                TrustKey::External(id.clone()),
                format!("Trust of trust relationship {id}"),
            )),
        ),
        Target::Direct(d) => {
            let existing = list_mut(t, "direct")?
                .iter()
                .find(|e| str_field(e, "name") == Some(d.name.as_str()))
                .map(|e| str_field(e, "uid").unwrap_or("<uid>").to_string());
            if let Some(uid) = existing {
                return Err(EditError::AlreadyExists {
                    what: format!("A direct trust named {:?}", d.name),
                    deployment_id: deployment_id.to_string(),
                    import_id: TrustId {
                        deployment_id: deployment_id.to_string(),
                        ref_id: ref_id.to_string(),
                        key: TrustKey::Direct(uid),
                    }
                    .to_string(),
                });
            }
            ("direct", None)
        }
    };
    let entries = list_mut(t, list)?;
    if let Some((key, what)) = clash
        && entries.iter().any(|e| matches_key(list, e, &key))
    {
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
    let mut o = JsonMap::new();
    fill_entry(&mut o, desired);
    entries.push(Json::Object(o));
    Ok(Changed::Yes)
}

/// Update: edit the entry `key` in place (an organization or external entry that vanished is
/// added again; a vanished direct entry is an error, since its uid cannot be recreated).
pub fn update_entry(
    settings: &mut Json,
    key: &TrustKey,
    desired: &Desired,
    deployment_id: &str,
) -> Result<Changed, EditError> {
    let t = trust_lists_mut(settings)?;
    let list = list_of(key);
    let entries = list_mut(t, list)?;
    match entries.iter_mut().find(|e| matches_key(list, e, key)) {
        Some(e) => {
            let before = e.clone();
            let Some(o) = e.as_object_mut() else {
                return Err(EditError::Shape(format!(
                    "an entry of trust.{list} is not an object"
                )));
            };
            fill_entry(o, desired);
            Ok((*e != before).into())
        }
        None => match key {
            TrustKey::Direct(uid) => Err(EditError::DirectGone {
                uid: uid.clone(),
                deployment_id: deployment_id.to_string(),
            }),
            _ => {
                let mut o = JsonMap::new();
                fill_entry(&mut o, desired);
                entries.push(Json::Object(o));
                Ok(Changed::Yes)
            }
        },
    }
}

/// Delete: remove the entry `key` (nothing to do when it is already gone).
pub fn remove_entry(settings: &mut Json, key: &TrustKey) -> Result<Changed, EditError> {
    let t = trust_lists_mut(settings)?;
    let list = list_of(key);
    let entries = list_mut(t, list)?;
    let before = entries.len();
    entries.retain(|e| !matches_key(list, e, key));
    Ok((entries.len() != before).into())
}

/// The uids of the direct entries of `settings` (before a create, to spot the new one after).
pub fn direct_uids(settings: &Json) -> Vec<String> {
    settings
        .pointer("/trust/direct")
        .and_then(Json::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|e| str_field(e, "uid").map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The uid of the direct entry a create added: named `name`, not among `before`.
pub fn new_direct_uid(trust: &Json, name: &str, before: &[String]) -> Option<String> {
    trust
        .get("direct")?
        .as_array()?
        .iter()
        .filter(|e| str_field(e, "name") == Some(name))
        .filter_map(|e| str_field(e, "uid"))
        .find(|uid| !before.iter().any(|b| b == uid))
        .map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// State from an entry
// ---------------------------------------------------------------------------------------------

/// PEM text compared without line-ending and surrounding-whitespace differences.
pub fn normalize_pem(p: &str) -> String {
    p.replace("\r\n", "\n").trim().to_string()
}

fn strings(e: &Json, k: &str) -> Option<Vec<String>> {
    e.get(k).and_then(Json::as_array).map(|a| {
        a.iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    })
}

/// A set attribute from an API list: empty or absent is null, unless the prior state held an
/// empty set (then it stays empty, so `[]` in the configuration plans no change).
fn set_value(items: Option<Vec<String>>, prior: Option<&Value>) -> Value {
    match items {
        Some(v) if !v.is_empty() => Value::Set(v.into_iter().map(Value::String).collect()),
        _ => match prior {
            Some(Value::Set(p)) if p.is_empty() => Value::Set(Vec::new()),
            _ => Value::Null,
        },
    }
}

fn opt_str_value(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_string()))
}

/// The resource state for the raw entry `entry` of the deployment's trust (pure). `prior` is the
/// prior state (or null), for the timeouts and for representation choices.
pub fn state_from_entry(id: &TrustId, entry: &Json, prior: &Value) -> Value {
    let prior_attr = |n: &str| prior.get_attr(n);
    let trust_all = entry
        .get("trust_all")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let allowlist = set_value(
        strings(entry, "trust_allowlist"),
        prior_attr("trust_allowlist"),
    );
    let name_of = |e: &Json| opt_str_value(str_field(e, "name"));
    let (org, ext, direct, name) = match &id.key {
        TrustKey::Organization(v) => (
            Value::String(v.clone()),
            Value::Null,
            Value::Null,
            name_of(entry),
        ),
        TrustKey::External(v) => (
            Value::Null,
            Value::String(v.clone()),
            Value::Null,
            name_of(entry),
        ),
        TrustKey::Direct(_) => {
            let prior_direct = prior_attr("direct");
            let prior_certs: Vec<String> = prior_direct
                .and_then(|d| d.get_attr("certificates"))
                .and_then(Value::elements)
                .map(|l| {
                    l.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let api_certs: Vec<String> = entry
                .get("certificates")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.get("pem").and_then(Json::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            // Keep the configuration's spelling when the API returns the same certificates.
            let same = prior_certs.len() == api_certs.len()
                && prior_certs
                    .iter()
                    .zip(&api_certs)
                    .all(|(a, b)| normalize_pem(a) == normalize_pem(b));
            let certs = if same { prior_certs } else { api_certs };
            let d = Value::object([
                ("name", name_of(entry)),
                (
                    "type",
                    Value::String(str_field(entry, "type").unwrap_or("generic").to_string()),
                ),
                ("scope_id", opt_str_value(str_field(entry, "scope_id"))),
                (
                    "certificates",
                    Value::List(certs.into_iter().map(Value::String).collect()),
                ),
                (
                    "additional_node_names",
                    set_value(
                        strings(entry, "additional_node_names"),
                        prior_direct.and_then(|d| d.get_attr("additional_node_names")),
                    ),
                ),
            ]);
            (Value::Null, Value::Null, d, name_of(entry))
        }
    };
    Value::object([
        ("id", Value::String(id.to_string())),
        ("deployment_id", Value::String(id.deployment_id.clone())),
        ("ref_id", Value::String(id.ref_id.clone())),
        ("organization_id", org),
        ("trust_relationship_id", ext),
        ("direct", direct),
        ("trust_all", Value::Bool(trust_all)),
        ("trust_allowlist", allowlist),
        ("name", name),
        (
            "timeouts",
            prior_attr("timeouts").cloned().unwrap_or(Value::Null),
        ),
    ])
}

// ---------------------------------------------------------------------------------------------
// CRUD
// ---------------------------------------------------------------------------------------------

fn is_deployment_missing(e: &ClientError) -> bool {
    e.is_not_found()
        && e.cloud_codes()
            .contains(&"deployments.deployment_not_found")
}

fn is_resource_missing(e: &ClientError) -> bool {
    e.cloud_codes()
        .contains(&"deployments.deployment_resource_not_found")
}

/// The diagnostic for a failed write: a missing deployment or Elasticsearch resource gets a
/// clear message on the attribute at fault.
fn write_error(what: &str, deployment_id: &str, ref_id: &str, e: &ClientError) -> Diagnostic {
    if is_deployment_missing(e) {
        return Diagnostic::attribute_error(
            AttributePath::root().attr("deployment_id"),
            "Deployment not found",
            format!(
                "Deployment {deployment_id} does not exist (it may have been deleted) or is not visible to the provider's Cloud API key, so its trust cannot be changed. Check deployment_id, or remove this resource from the configuration."
            ),
        );
    }
    if is_resource_missing(e) {
        return Diagnostic::attribute_error(
            AttributePath::root().attr("ref_id"),
            "Elasticsearch resource not found",
            format!("Deployment {deployment_id} has no Elasticsearch resource {ref_id:?}: {e}"),
        );
    }
    if let ClientError::Edit(inner) = e {
        return Diagnostic::error(format!("Cannot {what}"), inner.to_string());
    }
    api_error(&format!("to {what}"), e)
}

/// Reads the deployment and returns `(resolved ref_id, trust object)`, or `None` when the
/// deployment or its Elasticsearch resource is gone.
async fn read_trust(
    cloud: &CloudClient,
    deployment_id: &str,
    ref_id: &str,
    ctx: &CallContext,
) -> Result<Option<(String, Json)>, ClientError> {
    let dep = match cloud
        .get_deployment(deployment_id, &GetDeploymentParams::for_read(), &ctx.cancel)
        .await
    {
        Ok(d) => d,
        Err(e) if is_deployment_missing(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(r) = dep.es_resource(Some(ref_id)) else {
        return Ok(None);
    };
    let resolved = r
        .get("ref_id")
        .and_then(Json::as_str)
        .unwrap_or(ref_id)
        .to_string();
    let trust = r
        .pointer("/info/settings/trust")
        .cloned()
        .unwrap_or_else(|| json!({}));
    Ok(Some((resolved, trust)))
}

/// Reads the state of `id` back; `Ok(None)` when the entry is gone.
async fn read_state(
    cloud: &CloudClient,
    id: &TrustId,
    prior: &Value,
    ctx: &CallContext,
) -> Result<Option<Value>, ClientError> {
    let Some((resolved, trust)) = read_trust(cloud, &id.deployment_id, &id.ref_id, ctx).await?
    else {
        return Ok(None);
    };
    let Some(entry) = find_entry(&trust, &id.key) else {
        return Ok(None);
    };
    let id = TrustId {
        ref_id: resolved,
        ..id.clone()
    };
    Ok(Some(state_from_entry(&id, entry, prior)))
}

fn key_of(desired: &Desired, uid: Option<String>) -> Option<TrustKey> {
    match &desired.target {
        Target::Organization { id, .. } => Some(TrustKey::Organization(id.clone())),
        Target::External { id } => Some(TrustKey::External(id.clone())),
        Target::Direct(_) => uid.map(TrustKey::Direct),
    }
}

fn id_from_state(state: &Value) -> Result<TrustId, Diagnostics> {
    let id = ObjectReader::root(state)?.string("id")?;
    TrustId::parse(&id).map_err(|e| {
        Diagnostic::attribute_error(
            AttributePath::root().attr("id"),
            "Invalid trusted environment id",
            e.to_string(),
        )
        .into()
    })
}

/// After a failed plan or a plan timeout the change was accepted by the API: read the entry back
/// so Terraform records it (as tainted) together with the error, and the next apply replaces it.
async fn state_after_failure(
    cloud: &CloudClient,
    id: Option<TrustId>,
    prior: &Value,
    ctx: &CallContext,
) -> Option<Value> {
    let id = id?;
    read_state(cloud, &id, prior, ctx).await.ok().flatten()
}

#[async_trait]
impl Resource for TrustedEnvironmentResource {
    fn type_name(&self) -> &str {
        "crosscluster_trusted_environment"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        validate(config)
    }

    async fn modify_plan(
        &self,
        _ctx: &CallContext,
        req: &PlanRequest,
        plan: &mut PlannedChange,
    ) -> Diagnostics {
        // `name` is computed: for a direct entry it is direct.name; an unset name of another
        // entry keeps its current value (the resource never writes it then).
        let Value::Object(planned) = &mut plan.planned_state else {
            return Diagnostics::new();
        };
        if !matches!(req.config.get_attr("name"), None | Some(Value::Null)) {
            return Diagnostics::new();
        }
        let direct_name = planned
            .get("direct")
            .and_then(|d| d.get_attr("name"))
            .cloned();
        if let Some(n) = direct_name {
            planned.insert("name".into(), n);
        } else if let Some(prior_name) = req.prior_state.get_attr("name") {
            planned.insert("name".into(), prior_name.clone());
        }
        Diagnostics::new()
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let plan = ObjectReader::root(&req.planned_state)?;
        let deployment_id = plan.string("deployment_id")?;
        let ref_id = known_opt_string(&plan, "ref_id")?;
        let ref_arg = ref_id.clone().unwrap_or_else(|| "_main".to_string());
        let desired = desired_from(&req.planned_state)?;
        let deadline = deadline(&req.planned_state, TimeoutOp::Create, DEFAULT_TIMEOUT)?;
        let mut before_uids: Vec<String> = Vec::new();
        let result = cloud
            .update_elasticsearch_settings_and_wait(
                &deployment_id,
                &ref_arg,
                |settings: &mut Json| {
                    before_uids = direct_uids(settings);
                    add_entry(settings, &desired, &deployment_id, &ref_arg)
                },
                deadline,
                &ctx.cancel,
            )
            .await;
        let direct_name = match &desired.target {
            Target::Direct(d) => Some(d.name.clone()),
            _ => None,
        };
        let locate = |trust: &Json| -> Option<TrustKey> {
            let uid = direct_name
                .as_deref()
                .and_then(|n| new_direct_uid(trust, n, &before_uids));
            key_of(&desired, uid)
        };
        match result {
            Ok(out) => {
                let Some((resolved, trust)) = read_trust(cloud, &deployment_id, &out.ref_id, ctx)
                    .await
                    .map_err(|e| {
                        Diagnostics::from(write_error(
                            "read the trust back",
                            &deployment_id,
                            &out.ref_id,
                            &e,
                        ))
                    })?
                else {
                    return Err(Diagnostic::error(
                        "Deployment vanished",
                        format!("Deployment {deployment_id} could not be read after its trust was updated."),
                    )
                    .into());
                };
                let key = locate(&trust).ok_or_else(|| {
                    Diagnostics::from(Diagnostic::error(
                        "Trust entry not found after create",
                        format!("The new trust entry was accepted by deployment {deployment_id} but is not in its trust settings when read back."),
                    ))
                })?;
                let id = TrustId {
                    deployment_id: deployment_id.clone(),
                    ref_id: resolved,
                    key,
                };
                let entry = find_entry(&trust, &id.key).ok_or_else(|| {
                    Diagnostics::from(Diagnostic::error(
                        "Trust entry not found after create",
                        format!("Trust entry {id} is not in the deployment's trust settings when read back."),
                    ))
                })?;
                tracing::debug!(id = %id, attempts = out.attempts, "created trusted environment");
                Ok(StateResponse::new(state_from_entry(
                    &id,
                    entry,
                    &req.planned_state,
                )))
            }
            Err(e) => {
                let diag = write_error("add the trust entry", &deployment_id, &ref_arg, &e);
                if matches!(
                    e,
                    ClientError::PlanFailed { .. } | ClientError::PlanTimeout { .. }
                ) {
                    let ref_for_read = ref_id.unwrap_or_else(|| "_main".to_string());
                    let found = match read_trust(cloud, &deployment_id, &ref_for_read, ctx).await {
                        Ok(Some((resolved, trust))) => locate(&trust).and_then(|key| {
                            let id = TrustId {
                                deployment_id: deployment_id.clone(),
                                ref_id: resolved,
                                key,
                            };
                            find_entry(&trust, &id.key)
                                .map(|entry| state_from_entry(&id, entry, &req.planned_state))
                        }),
                        _ => None,
                    };
                    if let Some(state) = found {
                        return Ok(StateResponse::new(state).with_warning(diag));
                    }
                }
                if ctx.is_cancelled() {
                    return Err(Diagnostics::from(cancelled()));
                }
                Err(diag.into())
            }
        }
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let id = id_from_state(&req.current_state)?;
        match read_state(cloud, &id, &req.current_state, ctx).await {
            Ok(Some(state)) => Ok(StateResponse::new(state).with_private(req.private)),
            Ok(None) => {
                tracing::debug!(id = %id, "trusted environment gone");
                Ok(StateResponse::gone())
            }
            Err(e) => {
                Err(api_error(&format!("to read deployment {}", id.deployment_id), &e).into())
            }
        }
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let id = id_from_state(&req.prior_state)?;
        let desired = desired_from(&req.planned_state)?;
        let deadline = deadline(&req.planned_state, TimeoutOp::Update, DEFAULT_TIMEOUT)?;
        let result = cloud
            .update_elasticsearch_settings_and_wait(
                &id.deployment_id,
                &id.ref_id,
                |settings: &mut Json| update_entry(settings, &id.key, &desired, &id.deployment_id),
                deadline,
                &ctx.cancel,
            )
            .await;
        if let Err(e) = result {
            let diag = write_error("update the trust entry", &id.deployment_id, &id.ref_id, &e);
            if matches!(
                e,
                ClientError::PlanFailed { .. } | ClientError::PlanTimeout { .. }
            ) && let Some(state) =
                state_after_failure(cloud, Some(id.clone()), &req.planned_state, ctx).await
            {
                return Ok(StateResponse::new(state).with_warning(diag));
            }
            return Err(diag.into());
        }
        match read_state(cloud, &id, &req.planned_state, ctx).await {
            Ok(Some(state)) => Ok(StateResponse::new(state)),
            Ok(None) => Err(Diagnostic::error(
                "Trust entry not found after update",
                format!(
                    "Trust entry {id} is not in the deployment's trust settings when read back."
                ),
            )
            .into()),
            Err(e) => {
                Err(api_error(&format!("to read deployment {}", id.deployment_id), &e).into())
            }
        }
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let data = configured(ctx)?;
        let cloud = data.cloud()?;
        let id = id_from_state(&req.prior_state)?;
        let deadline = deadline(&req.prior_state, TimeoutOp::Delete, DEFAULT_TIMEOUT)?;
        match cloud
            .update_elasticsearch_settings_and_wait(
                &id.deployment_id,
                &id.ref_id,
                |settings: &mut Json| remove_entry(settings, &id.key),
                deadline,
                &ctx.cancel,
            )
            .await
        {
            Ok(out) => {
                tracing::debug!(id = %id, changed = out.changed, "deleted trusted environment");
                Ok(())
            }
            // Nothing left to remove.
            Err(e) if is_deployment_missing(&e) || is_resource_missing(&e) => Ok(()),
            Err(e) => {
                Err(write_error("remove the trust entry", &id.deployment_id, &id.ref_id, &e).into())
            }
        }
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let parsed = TrustId::parse(id).map_err(|e| {
            Diagnostics::from(Diagnostic::error("Invalid import id", e.to_string()))
        })?;
        let mut state = schema().block.empty_value();
        if let Value::Object(m) = &mut state {
            m.insert("id".into(), Value::String(parsed.to_string()));
            m.insert(
                "deployment_id".into(),
                Value::String(parsed.deployment_id.clone()),
            );
            m.insert("ref_id".into(), Value::String(parsed.ref_id.clone()));
        }
        Ok(StateResponse::new(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEP: &str = "0123456789abcdef0123456789abcdef";
    const CLUSTER: &str = "fedcba9876543210fedcba9876543210";

    fn pem() -> String {
        rcgen::generate_simple_self_signed(vec!["ca.example.com".to_string()])
            .unwrap()
            .cert
            .pem()
    }

    fn org(id: &str, name: Option<&str>, trust_all: bool, allow: Option<Vec<&str>>) -> Desired {
        Desired {
            target: Target::Organization {
                id: id.into(),
                name: name.map(str::to_string),
            },
            trust_all,
            allowlist: allow.map(|v| v.into_iter().map(str::to_string).collect()),
        }
    }

    fn settings() -> Json {
        json!({
            "trust": {
                "accounts": [
                    {"account_id": "1000000001", "trust_all": true, "name": "Default trust for own organization"},
                    {"account_id": "3000000003", "trust_all": false, "trust_allowlist": [CLUSTER], "name": "Partner", "future_field": 1}
                ],
                "external": [{"trust_relationship_id": "rel1", "trust_all": true, "name": "ECE prod"}],
                "direct": [{"uid": "u-1", "name": "Self-managed", "type": "generic", "trust_all": false,
                            "additional_node_names": ["n1.example.com"],
                            "certificates": [{"pem": "PEM-A", "metadata": {"fingerprint": "AA"}}]}]
            },
            "snapshot": {"enabled": true},
            "curation": {"specs": []}
        })
    }

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        for (s, key) in [
            (
                format!("{DEP}/main-elasticsearch/organization/2000000002"),
                TrustKey::Organization("2000000002".into()),
            ),
            (
                format!("{DEP}/main-elasticsearch/external/abc"),
                TrustKey::External("abc".into()),
            ),
            (
                format!("{DEP}/main-elasticsearch/direct/9a2d84bb-1"),
                TrustKey::Direct("9a2d84bb-1".into()),
            ),
        ] {
            let id = TrustId::parse(&s).unwrap();
            assert_eq!(id.key, key);
            assert_eq!(id.to_string(), s);
        }
        for (bad, want) in [
            ("nope".to_string(), "not a trusted environment id"),
            (
                format!("{DEP}/main/organization/"),
                "not a trusted environment id",
            ),
            (format!("{DEP}/main/org/1"), "unknown trust kind"),
            ("XYZ/main/organization/1".to_string(), "not a deployment id"),
            (
                format!("{DEP}/main/direct/a/b"),
                "not a trusted environment id",
            ),
        ] {
            let e = TrustId::parse(&bad).unwrap_err().to_string();
            assert!(e.contains(want), "{bad}: {e}");
        }
    }

    #[test]
    fn pem_check() {
        assert_eq!(check_certificate_pem(&pem()), Ok(()));
        let two = format!("{}{}", pem(), pem());
        assert_eq!(check_certificate_pem(&two), Err(PemError::Several(2)));
        assert_eq!(check_certificate_pem("hello"), Err(PemError::NoCertificate));
        assert!(matches!(
            check_certificate_pem(
                "-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n"
            ),
            Err(PemError::Decode(_))
        ));
        // Valid base64 that is not DER.
        assert_eq!(
            check_certificate_pem(
                "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n"
            ),
            Err(PemError::NotDer)
        );
        let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            check_certificate_pem(&format!("{}{key}", pem())),
            Err(PemError::PrivateKey)
        );
    }

    fn cfg(pairs: Vec<(&str, Value)>) -> Value {
        let mut base = schema().block.empty_value();
        if let Value::Object(m) = &mut base {
            m.insert("deployment_id".into(), Value::String(DEP.into()));
            for (k, v) in pairs {
                m.insert(k.into(), v);
            }
        }
        base
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|x| x.path.clone().map(|p| p.to_string()).unwrap_or_default())
            .collect()
    }

    fn direct_block(pairs: Vec<(&str, Value)>) -> Value {
        let mut m = std::collections::BTreeMap::new();
        for k in [
            "name",
            "type",
            "scope_id",
            "certificates",
            "additional_node_names",
        ] {
            m.insert(k.to_string(), Value::Null);
        }
        m.insert("name".into(), Value::String("sm".into()));
        for (k, v) in pairs {
            m.insert(k.into(), v);
        }
        Value::Object(m)
    }

    #[test]
    fn validation_paths() {
        let s = |x: &str| Value::String(x.into());
        let set =
            |v: Vec<&str>| Value::Set(v.into_iter().map(|x| Value::String(x.into())).collect());
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                cfg(vec![
                    ("organization_id", s("1")),
                    ("trust_all", Value::Bool(false)),
                    ("trust_allowlist", set(vec![CLUSTER])),
                ]),
                vec![],
            ),
            (
                cfg(vec![
                    ("organization_id", s("1")),
                    ("trust_all", Value::Bool(true)),
                    ("trust_allowlist", set(vec![CLUSTER])),
                ]),
                vec!["trust_allowlist"],
            ),
            (
                cfg(vec![("organization_id", s("a/b"))]),
                vec!["organization_id"],
            ),
            (
                cfg(vec![("organization_id", s("1")), ("ref_id", s("_main"))]),
                vec!["ref_id"],
            ),
            (
                cfg(vec![("trust_relationship_id", s("r")), ("name", s("x"))]),
                vec!["name"],
            ),
            (
                cfg(vec![(
                    "direct",
                    direct_block(vec![
                        ("certificates", Value::List(vec![s("junk")])),
                        ("additional_node_names", set(vec!["n1"])),
                    ]),
                )]),
                vec!["direct.certificates[0]"],
            ),
            (
                cfg(vec![(
                    "direct",
                    direct_block(vec![
                        ("certificates", Value::List(vec![s(&pem())])),
                        ("additional_node_names", set(vec!["n1"])),
                    ]),
                )]),
                vec![],
            ),
            (
                cfg(vec![(
                    "direct",
                    direct_block(vec![
                        ("certificates", Value::List(vec![])),
                        ("additional_node_names", set(vec!["n1"])),
                    ]),
                )]),
                vec!["direct.certificates"],
            ),
            (
                cfg(vec![(
                    "direct",
                    direct_block(vec![("certificates", Value::List(vec![s(&pem())]))]),
                )]),
                vec!["direct.additional_node_names"],
            ),
            (
                cfg(vec![
                    ("trust_all", Value::Bool(true)),
                    (
                        "direct",
                        direct_block(vec![("certificates", Value::List(vec![s(&pem())]))]),
                    ),
                ]),
                vec!["direct.scope_id"],
            ),
            (
                cfg(vec![(
                    "direct",
                    direct_block(vec![
                        ("scope_id", s("Bad-Scope")),
                        ("certificates", Value::List(vec![s(&pem())])),
                    ]),
                )]),
                vec!["direct.scope_id"],
            ),
            (
                cfg(vec![(
                    "direct",
                    direct_block(vec![
                        ("type", s("proxy")),
                        ("scope_id", s("abc")),
                        ("certificates", Value::List(vec![s(&pem())])),
                    ]),
                )]),
                vec!["direct.scope_id"],
            ),
            (
                cfg(vec![
                    ("name", s("n")),
                    (
                        "direct",
                        direct_block(vec![
                            ("scope_id", s("abc")),
                            ("certificates", Value::List(vec![s(&pem())])),
                            ("additional_node_names", set(vec!["n*"])),
                        ]),
                    ),
                ]),
                vec!["name", "direct.additional_node_names"],
            ),
            // Unknown values skip the checks that need them.
            (
                cfg(vec![
                    ("organization_id", s("1")),
                    ("trust_all", Value::Unknown(Default::default())),
                    ("trust_allowlist", set(vec![CLUSTER])),
                ]),
                vec![],
            ),
        ];
        for (i, (c, want)) in cases.into_iter().enumerate() {
            let d = validate(&c);
            assert_eq!(paths(&d), want, "case {i}: {d:?}");
        }
        // The schema's own validators: exactly one kind, 32-hex ids in the allowlist.
        let block = schema().block;
        let mut d = Diagnostics::new();
        block.validate(&cfg(vec![]), &AttributePath::root(), &mut d);
        assert_eq!(d.len(), 1, "{d:?}");
        let mut d = Diagnostics::new();
        block.validate(
            &cfg(vec![
                ("organization_id", s("1")),
                ("trust_relationship_id", s("2")),
                ("trust_allowlist", set(vec!["my-deployment"])),
            ]),
            &AttributePath::root(),
            &mut d,
        );
        let mut p = paths(&d);
        p.sort();
        assert_eq!(
            p,
            vec![
                "organization_id",
                "trust_allowlist",
                "trust_relationship_id"
            ],
            "{d:?}"
        );
    }

    #[test]
    fn add_keeps_every_other_entry_and_refuses_duplicates() {
        let mut s = settings();
        let before = s.clone();
        let d = org("2000000002", Some("Remote"), false, Some(vec![CLUSTER]));
        assert_eq!(add_entry(&mut s, &d, DEP, "main").unwrap(), Changed::Yes);
        let accounts = s["trust"]["accounts"].as_array().unwrap();
        assert_eq!(accounts.len(), 3);
        assert_eq!(
            accounts[..2],
            before["trust"]["accounts"].as_array().unwrap()[..]
        );
        assert_eq!(
            accounts[2],
            json!({"account_id": "2000000002", "name": "Remote", "trust_all": false, "trust_allowlist": [CLUSTER]})
        );
        assert_eq!(s["trust"]["external"], before["trust"]["external"]);
        assert_eq!(s["trust"]["direct"], before["trust"]["direct"]);
        assert_eq!(s["snapshot"], before["snapshot"]);

        let e = add_entry(&mut s, &org("1000000001", None, true, None), DEP, "main").unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("{DEP}/main/organization/1000000001")),
            "{e}"
        );
        let direct = Desired {
            target: Target::Direct(DirectSpec {
                name: "Self-managed".into(),
                kind: "generic".into(),
                scope_id: None,
                certificates: vec!["PEM-B".into()],
                additional_node_names: Some(vec!["x".into()]),
            }),
            trust_all: false,
            allowlist: None,
        };
        let e = add_entry(&mut s, &direct, DEP, "main").unwrap_err();
        assert!(e.to_string().contains("direct/u-1"), "{e}");
    }

    #[test]
    fn add_creates_missing_lists() {
        for mut s in [
            json!({}),
            json!({"trust": null}),
            json!({"trust": {"accounts": []}}),
        ] {
            add_entry(
                &mut s,
                &Desired {
                    target: Target::External { id: "r9".into() },
                    trust_all: true,
                    allowlist: None,
                },
                DEP,
                "m",
            )
            .unwrap();
            assert_eq!(s["trust"]["accounts"], json!([]));
            assert_eq!(s["trust"]["direct"], json!([]));
            assert_eq!(
                s["trust"]["external"],
                json!([{"trust_relationship_id": "r9", "trust_all": true}])
            );
        }
        assert!(
            add_entry(
                &mut json!({"trust": {"accounts": 3}}),
                &org("1", None, true, None),
                DEP,
                "m"
            )
            .is_err()
        );
    }

    #[test]
    fn update_edits_only_its_entry() {
        let mut s = settings();
        let before = s.clone();
        let key = TrustKey::Organization("3000000003".into());
        // Same values: nothing to send.
        let same = org("3000000003", None, false, Some(vec![CLUSTER]));
        assert_eq!(update_entry(&mut s, &key, &same, DEP).unwrap(), Changed::No);
        assert_eq!(s, before);
        let d = org("3000000003", Some("Renamed"), true, None);
        assert_eq!(update_entry(&mut s, &key, &d, DEP).unwrap(), Changed::Yes);
        let e = &s["trust"]["accounts"][1];
        assert_eq!(
            e,
            &json!({"account_id": "3000000003", "trust_all": true, "name": "Renamed", "future_field": 1})
        );
        assert_eq!(s["trust"]["accounts"][0], before["trust"]["accounts"][0]);
        assert_eq!(s["trust"]["direct"], before["trust"]["direct"]);

        // Direct: in place by uid; an unchanged certificate keeps its object (metadata).
        let key = TrustKey::Direct("u-1".into());
        let d = Desired {
            target: Target::Direct(DirectSpec {
                name: "Renamed SM".into(),
                kind: "generic".into(),
                scope_id: Some("abc".into()),
                certificates: vec!["PEM-A\n".into(), "PEM-B".into()],
                additional_node_names: None,
            }),
            trust_all: true,
            allowlist: None,
        };
        assert_eq!(update_entry(&mut s, &key, &d, DEP).unwrap(), Changed::Yes);
        assert_eq!(
            s["trust"]["direct"][0],
            json!({"uid": "u-1", "name": "Renamed SM", "type": "generic", "trust_all": true, "scope_id": "abc",
                   "certificates": [{"pem": "PEM-A", "metadata": {"fingerprint": "AA"}}, {"pem": "PEM-B"}]})
        );
        let e = update_entry(&mut s, &TrustKey::Direct("gone".into()), &d, DEP).unwrap_err();
        assert!(matches!(e, EditError::DirectGone { .. }));
        // A vanished organization entry is added again.
        let mut s2 = settings();
        let key = TrustKey::Organization("4".into());
        assert_eq!(
            update_entry(&mut s2, &key, &org("4", None, true, None), DEP).unwrap(),
            Changed::Yes
        );
        assert_eq!(s2["trust"]["accounts"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn remove_only_its_entry() {
        let mut s = settings();
        let before = s.clone();
        assert_eq!(
            remove_entry(&mut s, &TrustKey::External("nope".into())).unwrap(),
            Changed::No
        );
        assert_eq!(s, before);
        assert_eq!(
            remove_entry(&mut s, &TrustKey::Direct("u-1".into())).unwrap(),
            Changed::Yes
        );
        assert_eq!(s["trust"]["direct"], json!([]));
        assert_eq!(s["trust"]["accounts"], before["trust"]["accounts"]);
        assert_eq!(s["trust"]["external"], before["trust"]["external"]);
    }

    #[test]
    fn new_uid_is_found() {
        let trust = json!({"direct": [{"uid": "a", "name": "x"}, {"uid": "b", "name": "y"}, {"uid": "c", "name": "y"}]});
        assert_eq!(
            new_direct_uid(&trust, "y", &["a".into(), "b".into()]).as_deref(),
            Some("c")
        );
        assert_eq!(new_direct_uid(&trust, "x", &["a".into()]), None);
        assert_eq!(direct_uids(&json!({"trust": trust})), vec!["a", "b", "c"]);
    }

    #[test]
    fn state_from_entries() {
        let s = settings();
        let trust = &s["trust"];
        let id =
            TrustId::parse(&format!("{DEP}/main-elasticsearch/organization/3000000003")).unwrap();
        let st = state_from_entry(&id, find_entry(trust, &id.key).unwrap(), &Value::Null);
        assert_eq!(
            st.get_attr("id").and_then(Value::as_str),
            Some(id.to_string().as_str())
        );
        assert_eq!(
            st.get_attr("organization_id").and_then(Value::as_str),
            Some("3000000003")
        );
        assert_eq!(st.get_attr("name").and_then(Value::as_str), Some("Partner"));
        assert_eq!(st.get_attr("trust_all"), Some(&Value::Bool(false)));
        assert_eq!(
            st.get_attr("trust_allowlist"),
            Some(&Value::Set(vec![Value::String(CLUSTER.into())]))
        );
        assert_eq!(st.get_attr("direct"), Some(&Value::Null));

        // An empty allowlist is null, unless the prior state said [].
        let id =
            TrustId::parse(&format!("{DEP}/main-elasticsearch/organization/1000000001")).unwrap();
        let e = find_entry(trust, &id.key).unwrap();
        assert_eq!(
            state_from_entry(&id, e, &Value::Null).get_attr("trust_allowlist"),
            Some(&Value::Null)
        );
        let prior = Value::object([("trust_allowlist", Value::Set(vec![]))]);
        assert_eq!(
            state_from_entry(&id, e, &prior).get_attr("trust_allowlist"),
            Some(&Value::Set(vec![]))
        );

        let id = TrustId::parse(&format!("{DEP}/main-elasticsearch/external/rel1")).unwrap();
        let st = state_from_entry(&id, find_entry(trust, &id.key).unwrap(), &Value::Null);
        assert_eq!(
            st.get_attr("name").and_then(Value::as_str),
            Some("ECE prod")
        );
        assert_eq!(
            st.get_attr("trust_relationship_id").and_then(Value::as_str),
            Some("rel1")
        );

        let id = TrustId::parse(&format!("{DEP}/main-elasticsearch/direct/u-1")).unwrap();
        let prior = Value::object([(
            "direct",
            Value::object([(
                "certificates",
                Value::List(vec![Value::String("PEM-A\r\n".into())]),
            )]),
        )]);
        let st = state_from_entry(&id, find_entry(trust, &id.key).unwrap(), &prior);
        let d = st.get_attr("direct").unwrap();
        assert_eq!(
            d.get_attr("name").and_then(Value::as_str),
            Some("Self-managed")
        );
        assert_eq!(
            st.get_attr("name").and_then(Value::as_str),
            Some("Self-managed")
        );
        assert_eq!(d.get_attr("type").and_then(Value::as_str), Some("generic"));
        assert_eq!(d.get_attr("scope_id"), Some(&Value::Null));
        // The prior spelling of an equal certificate is kept.
        assert_eq!(
            d.get_attr("certificates"),
            Some(&Value::List(vec![Value::String("PEM-A\r\n".into())]))
        );
        assert_eq!(
            d.get_attr("additional_node_names"),
            Some(&Value::Set(vec![Value::String("n1.example.com".into())]))
        );
    }

    #[test]
    fn desired_reads_the_plan() {
        let s = |x: &str| Value::String(x.into());
        let plan = cfg(vec![
            ("organization_id", s("2")),
            ("name", s("n")),
            ("trust_all", Value::Bool(false)),
            ("trust_allowlist", Value::Set(vec![s("b"), s("a")])),
        ]);
        assert_eq!(
            desired_from(&plan).unwrap(),
            org("2", Some("n"), false, Some(vec!["a", "b"]))
        );
        let plan = cfg(vec![(
            "direct",
            direct_block(vec![
                ("type", s("ECE")),
                ("certificates", Value::List(vec![s("P")])),
            ]),
        )]);
        let d = desired_from(&plan).unwrap();
        assert_eq!(
            d.target,
            Target::Direct(DirectSpec {
                name: "sm".into(),
                kind: "ECE".into(),
                scope_id: None,
                certificates: vec!["P".into()],
                additional_node_names: None
            })
        );
        assert!(desired_from(&cfg(vec![])).is_err());
        // An unset (unknown) name leaves the entry's name alone.
        let plan = cfg(vec![
            ("organization_id", s("2")),
            ("name", Value::Unknown(Default::default())),
        ]);
        assert_eq!(desired_from(&plan).unwrap(), org("2", None, false, None));
    }
}
