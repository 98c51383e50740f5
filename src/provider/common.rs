//! Pieces every resource and data source shares: reaching the configured clients, turning
//! client errors into diagnostics, and the identifier checks of the Elastic APIs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::client::cloud::{EsResourceView, GetDeploymentParams};
use crate::client::{ClientError, CloudClient, EsClient};
use crate::framework::decode::{DecodeError, ObjectReader, set_attr};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::plan::values_equal;
use crate::framework::schema::Validator;
use crate::framework::traits::{CallContext, TimeoutOp, Timeouts, cancelled};
use crate::framework::value::Value;

use super::alias::AliasRule;
use super::root::Configured;

/// The configured provider data, or the "provider not configured" diagnostic.
pub fn configured(ctx: &CallContext) -> Result<Arc<Configured>, Diagnostics> {
    ctx.data::<Configured>().map_err(Diagnostics::from)
}

/// The envelope of every CRUD call: the configured provider, its clients and the call's
/// cancellation, reached without repeating the preamble in each method.
pub(crate) struct Call<'a> {
    /// The framework's call context (cancellation, client capabilities).
    pub(crate) ctx: &'a CallContext,
    data: Arc<Configured>,
}

impl<'a> Call<'a> {
    /// The call's envelope, or "provider not configured".
    pub(crate) fn new(ctx: &'a CallContext) -> Result<Self, Diagnostics> {
        Ok(Self {
            ctx,
            data: configured(ctx)?,
        })
    }

    /// The Elastic Cloud client, or the diagnostic naming the missing `cloud` block.
    pub(crate) fn cloud(&self) -> Result<&CloudClient, Diagnostics> {
        self.data.cloud().map_err(Diagnostics::from)
    }

    /// The Elasticsearch client, or the diagnostic naming the missing `elasticsearch` block.
    pub(crate) fn es(&self) -> Result<&EsClient, Diagnostics> {
        self.data.elasticsearch().map_err(Diagnostics::from)
    }

    /// The call's cancellation token (StopProvider cancels it).
    pub(crate) fn cancel(&self) -> &tokio_util::sync::CancellationToken {
        &self.ctx.cancel
    }
}

/// Client results as diagnostics: `.during(|| format!("to read role {name:?}"))?` gives
/// "Failed to read role ..." with the API's message ([`api_error`]).
pub(crate) trait During<T> {
    /// The error as [`api_error`] for what was being done.
    fn during(self, what: impl FnOnce() -> String) -> Result<T, Diagnostics>;
}

impl<T> During<T> for Result<T, ClientError> {
    fn during(self, what: impl FnOnce() -> String) -> Result<T, Diagnostics> {
        self.map_err(|e| api_error(&what(), &e).into())
    }
}

/// A diagnostic for a failed API call: `what` says what was being done ("reading deployment
/// 1234..."); the client error text carries the API's code and message, never a secret.
pub fn api_error(what: &str, err: &ClientError) -> Diagnostic {
    let mut detail = err.to_string();
    if let Some(hint) = err.missing_privilege() {
        detail.push_str("\n\n");
        detail.push_str(&hint);
        detail.push_str(
            " The Permissions section of this resource's page lists what each operation needs.",
        );
    }
    Diagnostic::error(format!("Failed {what}"), detail)
}

/// Like [`api_error`], but a cancelled call gives the framework's "cancelled" diagnostic.
pub fn client_error(what: &str, err: &ClientError) -> Diagnostics {
    if matches!(err, ClientError::Cancelled) {
        return cancelled().into();
    }
    api_error(what, err).into()
}

/// When an operation must end: now plus the duration the `timeouts` block of `state` gives
/// `op`, or `default` when it gives none.
pub fn deadline(state: &Value, op: TimeoutOp, default: Duration) -> Result<Instant, Diagnostics> {
    let t = Timeouts::from_object(state)?;
    let d = match op {
        TimeoutOp::Create => t.create_or(default),
        TimeoutOp::Read => t.read_or(default),
        TimeoutOp::Update => t.update_or(default),
        TimeoutOp::Delete => t.delete_or(default),
    };
    Ok(Instant::now() + d)
}

/// Deployment `deployment_id`'s Elasticsearch resource `ref_id` (`None`: the first one), read
/// with `params`; `Ok(None)` when the deployment or the resource is gone.
pub async fn find_es_resource(
    cloud: &CloudClient,
    ctx: &CallContext,
    deployment_id: &str,
    ref_id: Option<&str>,
    params: &GetDeploymentParams,
) -> Result<Option<EsResourceView>, Diagnostics> {
    match cloud
        .get_deployment(deployment_id, params, &ctx.cancel)
        .await
    {
        Ok(d) => Ok(d.es_view(ref_id).ok()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(client_error(
            &format!("to read deployment {deployment_id}"),
            &e,
        )),
    }
}

/// `ref_id` when given, else the ref_id of deployment `deployment_id`'s first Elasticsearch
/// resource (read with `params`); `Ok(None)` when the deployment or that resource is gone.
pub async fn ref_or_first(
    cloud: &CloudClient,
    ctx: &CallContext,
    deployment_id: &str,
    ref_id: Option<&str>,
    params: &GetDeploymentParams,
) -> Result<Option<String>, Diagnostics> {
    if let Some(r) = ref_id {
        return Ok(Some(r.to_string()));
    }
    let view = find_es_resource(cloud, ctx, deployment_id, None, params).await?;
    Ok(view.map(|v| v.ref_id))
}

/// The parts of a `<deployment_id>/<ref_id>/<alias>` id (or `<deployment_id>/<alias>` for the
/// first Elasticsearch resource), the id of the resources that own one alias of a deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentAliasId {
    /// Deployment id (32 hex).
    pub deployment_id: String,
    /// Elasticsearch resource ref_id; `None` for the two-part form (the first resource).
    pub ref_id: Option<String>,
    /// Alias.
    pub alias: String,
}

/// Why a [`DeploymentAliasId`] was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not `<deployment_id>/<ref_id>/<alias>` or `<deployment_id>/<alias>`.
    #[error(
        "expected \"<deployment_id>/<ref_id>/<alias>\" (or \"<deployment_id>/<alias>\" for the first Elasticsearch resource), got {0:?}"
    )]
    Shape(String),
    /// The deployment id is not 32 lowercase hex characters.
    #[error("{0:?} is not a deployment id (32 lowercase hexadecimal characters)")]
    DeploymentId(String),
    /// The alias is not valid.
    #[error("invalid alias: {0}")]
    Alias(String),
}

impl DeploymentAliasId {
    /// Parses `<deployment_id>/<ref_id>/<alias>` or `<deployment_id>/<alias>`; `rule` is the
    /// alias rule of the API the resource writes to.
    pub fn parse(id: &str, rule: AliasRule) -> Result<DeploymentAliasId, IdError> {
        let parts: Vec<&str> = id.split('/').collect();
        let (dep, ref_id, alias) = match parts.as_slice() {
            [d, r, a] if !r.is_empty() => (*d, Some((*r).to_string()), *a),
            [d, a] => (*d, None, *a),
            _ => return Err(IdError::Shape(id.to_string())),
        };
        if !is_hex32(dep) {
            return Err(IdError::DeploymentId(dep.to_string()));
        }
        rule.check(alias).map_err(IdError::Alias)?;
        Ok(DeploymentAliasId {
            deployment_id: dep.to_string(),
            ref_id,
            alias: alias.to_string(),
        })
    }

    /// [`DeploymentAliasId::parse`] for `import_state`: a rejected id is an "Invalid import
    /// id" error.
    pub fn parse_import(id: &str, rule: AliasRule) -> Result<DeploymentAliasId, Diagnostics> {
        Self::parse(id, rule)
            .map_err(|e| Diagnostic::error("Invalid import id", e.to_string()).into())
    }

    /// `state` (an empty resource object) with `deployment_id`, `ref_id` (null in the two-part
    /// form) and `alias` set, as an import starts.
    pub fn import_state(self, state: Value) -> Value {
        let state = set_attr(state, "deployment_id", Value::string(self.deployment_id));
        let state = set_attr(
            state,
            "ref_id",
            self.ref_id.map_or(Value::Null, Value::string),
        );
        set_attr(state, "alias", Value::string(self.alias))
    }
}

/// The state id `<deployment_id>/<ref_id>/<alias>`.
pub fn format_alias_id(deployment_id: &str, ref_id: &str, alias: &str) -> String {
    format!("{deployment_id}/{ref_id}/{alias}")
}

/// A string attribute that may still be unknown (a computed `ref_id` during apply): `None`
/// when unknown or null.
pub fn known_opt_string(r: &ObjectReader<'_>, name: &str) -> Result<Option<String>, DecodeError> {
    if r.is_unknown(name) {
        Ok(None)
    } else {
        r.opt_string(name)
    }
}

/// Sets attribute `name` of the object `obj` in place (nothing when it has no such attribute).
pub fn set_in_place(obj: &mut Value, name: &str, v: Value) {
    if let Some(slot) = obj.get_attr_mut(name) {
        *slot = v;
    }
}

fn attr_or_null(v: &Value, name: &str) -> Value {
    v.get_attr(name).cloned().unwrap_or(Value::Null)
}

/// Plans `ref_attr` unknown (to be resolved again) when the configuration leaves it out and
/// `deployment_attr` changes from `prior` (null on create: nothing to do).
pub fn plan_default_ref_id(
    prior: &Value,
    config: &Value,
    planned: &mut Value,
    deployment_attr: &str,
    ref_attr: &str,
) {
    if !prior.is_null()
        && attr_or_null(config, ref_attr).is_null()
        && !values_equal(
            &attr_or_null(prior, deployment_attr),
            &attr_or_null(planned, deployment_attr),
        )
    {
        set_in_place(planned, ref_attr, Value::unknown());
    }
}

/// Plans `id` as [`format_alias_id`] of the planned `deployment_id`, `ref_id` and `alias`, or
/// unknown while one of them is.
pub fn plan_alias_id(planned: &mut Value) {
    let id = match (
        attr_or_null(planned, "deployment_id").as_str(),
        attr_or_null(planned, "ref_id").as_str(),
        attr_or_null(planned, "alias").as_str(),
    ) {
        (Some(d), Some(r), Some(a)) => Value::string(format_alias_id(d, r, a)),
        _ => Value::unknown(),
    };
    set_in_place(planned, "id", id);
}

/// Validator: a known string value must be JSON text, and with `object_only` a JSON object
/// (what `jsonencode({...})` gives).
pub fn json_validator(what: &'static str, object_only: bool) -> Validator {
    Validator::custom(move |v, path, diags| {
        let Value::String(s) = v else { return };
        match serde_json::from_str::<Json>(s) {
            Ok(Json::Object(_)) => {}
            Ok(_) if object_only => diags.attribute_error(
                path.clone(),
                format!("Invalid {what}"),
                format!("{what} must be a JSON object: use jsonencode({{ ... }})."),
            ),
            Ok(_) => {}
            Err(e) => diags.attribute_error(
                path.clone(),
                format!("Invalid {what}"),
                format!("{what} is not valid JSON ({e}): use jsonencode(...)."),
            ),
        }
    })
}

/// The JSON string attribute `name` parsed (`None` when null); invalid JSON is an error on
/// the attribute.
pub fn opt_json_attr(r: &ObjectReader<'_>, name: &str) -> Result<Option<Json>, Diagnostic> {
    let Some(s) = r.opt_string(name)? else {
        return Ok(None);
    };
    serde_json::from_str::<Json>(&s).map(Some).map_err(|e| {
        Diagnostic::attribute_error(
            r.path_of(name),
            format!("Invalid {name}"),
            format!("not valid JSON: {e}"),
        )
    })
}

/// JSON text parsed, or `None` when it is not JSON.
pub fn parse_json(s: &str) -> Option<Json> {
    serde_json::from_str(s).ok()
}

/// The JSON a value means: the API may return an object (a query, say) as a JSON string
/// holding it; a string that is not JSON stays the string.
pub fn json_of(v: &Json) -> Json {
    match v {
        Json::String(s) => parse_json(s).unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

/// Whether `v` is `{}`.
pub fn is_empty_object(v: &Json) -> bool {
    matches!(v, Json::Object(m) if m.is_empty())
}

/// Whether the string attribute value `attr` is JSON text meaning `v` (so its spelling, key
/// order or white space, is no change).
pub fn same_json(attr: &Value, v: &Json) -> bool {
    attr.as_str().and_then(parse_json).as_ref() == Some(v)
}

/// JSON text with object keys sorted at every level (a stable form for the state).
pub fn canonical_json(v: &Json) -> String {
    fn sorted(v: &Json) -> Json {
        match v {
            Json::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Json::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&m[k])))
                        .collect(),
                )
            }
            Json::Array(a) => Json::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// Whether `s` is 32 lowercase hexadecimal characters (deployment and cluster ids).
pub fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Validator: a known string value must be 32 lowercase hex characters.
pub fn hex32_validator(what: &'static str) -> Validator {
    Validator::custom(
        move |value: &Value, path: &AttributePath, diags: &mut Diagnostics| {
            if let Value::String(s) = value
                && !is_hex32(s)
            {
                diags.push(Diagnostic::attribute_error(
                path.clone(),
                format!("Invalid {what}"),
                format!("{s:?} is not a {what}: expected the full 32-character lowercase hexadecimal id, as shown in the Cloud console or API (not the deployment name or a shortened id)."),
            ));
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex32() {
        for (s, ok) in [
            ("0123456789abcdef0123456789abcdef", true),
            ("0123456789ABCDEF0123456789abcdef", false),
            ("0123456789abcdef0123456789abcde", false),
            ("0123456789abcdef0123456789abcdeg", false),
            ("", false),
        ] {
            assert_eq!(is_hex32(s), ok, "{s}");
        }
    }

    const DEP: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn alias_ids_parse_and_format() {
        let id = format_alias_id(DEP, "main-elasticsearch", "remote_1");
        assert_eq!(id, format!("{DEP}/main-elasticsearch/remote_1"));
        assert_eq!(
            DeploymentAliasId::parse(&id, AliasRule::Keystore),
            Ok(DeploymentAliasId {
                deployment_id: DEP.into(),
                ref_id: Some("main-elasticsearch".into()),
                alias: "remote_1".into()
            })
        );
        let short = DeploymentAliasId::parse(&format!("{DEP}/r"), AliasRule::Keystore).unwrap();
        assert_eq!((short.ref_id, short.alias.as_str()), (None, "r"));
        for bad in ["", "x", &format!("{DEP}//r"), &format!("{DEP}/a/b/c")] {
            assert!(
                matches!(
                    DeploymentAliasId::parse(bad, AliasRule::Keystore),
                    Err(IdError::Shape(_))
                ),
                "{bad}"
            );
        }
        for bad in ["abc/r", "abc/main/r"] {
            assert!(matches!(
                DeploymentAliasId::parse(bad, AliasRule::Keystore),
                Err(IdError::DeploymentId(_))
            ));
        }
        assert!(matches!(
            DeploymentAliasId::parse(&format!("{DEP}/m/a:b"), AliasRule::Keystore),
            Err(IdError::Alias(_))
        ));
        let diags = DeploymentAliasId::parse_import("nope", AliasRule::Keystore).unwrap_err();
        assert!(diags.to_string().contains("Invalid import id"), "{diags}");
    }

    #[test]
    fn import_state_sets_the_id_parts() {
        let empty = Value::object([
            ("deployment_id", Value::Null),
            ("ref_id", Value::Null),
            ("alias", Value::Null),
            ("id", Value::Null),
        ]);
        let st = DeploymentAliasId::parse(&format!("{DEP}/r"), AliasRule::Keystore)
            .unwrap()
            .import_state(empty);
        assert_eq!(st.get_attr("deployment_id"), Some(&Value::string(DEP)));
        assert_eq!(st.get_attr("ref_id"), Some(&Value::Null));
        assert_eq!(st.get_attr("alias"), Some(&Value::string("r")));
        assert_eq!(st.get_attr("id"), Some(&Value::Null));
    }

    #[test]
    fn plan_helpers() {
        let obj = |dep: Value, r: Value| {
            Value::object([
                ("deployment_id", dep),
                ("ref_id", r),
                ("alias", Value::string("a")),
                ("id", Value::Null),
            ])
        };
        let s = Value::string;
        let other = "00000000000000000000000000000001";
        let prior = obj(s(DEP), s("main"));
        let unconfigured = obj(s(other), Value::Null);
        // Deployment changed, ref_id not configured: re-resolved, so the id is unknown.
        let mut planned = obj(s(other), s("main"));
        plan_default_ref_id(
            &prior,
            &unconfigured,
            &mut planned,
            "deployment_id",
            "ref_id",
        );
        assert!(!planned.get_attr("ref_id").unwrap().is_known());
        plan_alias_id(&mut planned);
        assert!(!planned.get_attr("id").unwrap().is_known());
        // Configured ref_id, or the same deployment: kept, and the id is known.
        for (config, dep) in [
            (obj(s(other), s("main")), other),
            (obj(s(DEP), Value::Null), DEP),
        ] {
            let mut planned = obj(s(dep), s("main"));
            plan_default_ref_id(&prior, &config, &mut planned, "deployment_id", "ref_id");
            plan_alias_id(&mut planned);
            assert_eq!(planned.get_attr("ref_id"), Some(&s("main")));
            assert_eq!(
                planned.get_attr("id"),
                Some(&Value::string(format!("{dep}/main/a")))
            );
        }
        // Create: nothing to re-resolve.
        let mut planned = obj(s(other), s("main"));
        plan_default_ref_id(
            &Value::Null,
            &unconfigured,
            &mut planned,
            "deployment_id",
            "ref_id",
        );
        assert_eq!(planned.get_attr("ref_id"), Some(&s("main")));
        // set_in_place never adds attributes.
        set_in_place(&mut planned, "nope", s("x"));
        assert_eq!(planned.get_attr("nope"), None);
    }

    #[test]
    fn json_helpers() {
        use serde_json::json;
        assert_eq!(
            canonical_json(&json!({"b": 1, "a": {"d": [2, {"f": 1, "e": 0}], "c": null}})),
            r#"{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}"#
        );
        assert_eq!(json_of(&json!("{\"a\": 1}")), json!({"a": 1}));
        assert_eq!(json_of(&json!("not json")), json!("not json"));
        assert_eq!(json_of(&json!([1])), json!([1]));
        assert!(is_empty_object(&json!({})));
        assert!(!is_empty_object(&json!({"a": 1})) && !is_empty_object(&json!([])));
        assert!(same_json(
            &Value::string("{ \"b\": 1,\n \"a\": 2 }"),
            &json!({"a": 2, "b": 1})
        ));
        assert!(!same_json(&Value::string("{\"a\": 1}"), &json!({"a": 2})));
        assert!(!same_json(&Value::Null, &json!({})));
        assert!(!same_json(&Value::string("{"), &json!({})));
    }

    #[test]
    fn json_validator_and_attr() {
        use crate::framework::schema::{Attribute, Block};
        let block = Block::new()
            .attribute(
                Attribute::string("metadata")
                    .optional()
                    .validator(json_validator("metadata", true)),
            )
            .attribute(
                Attribute::string("query")
                    .optional()
                    .validator(json_validator("query", false)),
            );
        let check = |meta: &str, query: &str| {
            let obj = Value::object([
                ("metadata", Value::string(meta)),
                ("query", Value::string(query)),
            ]);
            let mut diags = Diagnostics::new();
            block.validate(&obj, &AttributePath::root(), &mut diags);
            diags
                .iter()
                .map(|d| {
                    (
                        d.path.clone().map(|p| p.to_string()).unwrap_or_default(),
                        d.detail.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert!(check("{\"a\": 1}", "\"a string\"").is_empty());
        let bad = check("[1]", "{nope");
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(bad[0].0, "metadata");
        assert!(bad[0].1.contains("must be a JSON object"), "{bad:?}");
        assert_eq!(bad[1].0, "query");
        assert!(bad[1].1.contains("not valid JSON"), "{bad:?}");

        let v = Value::object([
            ("metadata", Value::string("{\"a\":1}")),
            ("query", Value::string("{")),
        ]);
        let r = ObjectReader::root(&v).unwrap();
        assert_eq!(
            opt_json_attr(&r, "metadata").unwrap(),
            Some(serde_json::json!({"a": 1}))
        );
        let err = opt_json_attr(&r, "query").unwrap_err();
        assert_eq!(err.path.map(|p| p.to_string()).as_deref(), Some("query"));
        let null = Value::object([("metadata", Value::Null)]);
        assert_eq!(
            opt_json_attr(&ObjectReader::root(&null).unwrap(), "metadata").unwrap(),
            None
        );
    }

    #[test]
    fn validators_report_paths() {
        use crate::framework::schema::{Attribute, Block};
        let block = Block::new()
            .attribute(
                Attribute::string("deployment_id")
                    .required()
                    .validator(hex32_validator("deployment id")),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .validator(AliasRule::Keystore.validator()),
            );
        let check = |dep: Value, alias: Value| {
            let obj = Value::object([("deployment_id", dep), ("alias", alias)]);
            let mut diags = Diagnostics::new();
            block.validate(&obj, &AttributePath::root(), &mut diags);
            diags
                .iter()
                .map(|d| (d.path.clone().map(|p| p.to_string()), d.detail.clone()))
                .collect::<Vec<_>>()
        };
        let bad = check(
            Value::String("my-deployment".into()),
            Value::String("Bad".into()),
        );
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(bad[0].0.as_deref(), Some("deployment_id"));
        assert!(bad[0].1.contains("32-character"));
        assert_eq!(bad[1].0.as_deref(), Some("alias"));
        let ok = check(
            Value::Unknown(Default::default()),
            Value::String("ok_alias-1".into()),
        );
        assert!(ok.is_empty(), "{ok:?}");
    }
}
