//! Errors of the HTTP clients, and the readers that turn Cloud and Elasticsearch error bodies
//! into them.
//!
//! No variant ever carries a request header or a request body, so an API key, password or
//! encoded key sent by the client cannot leak through an error message.

use serde_json::Value;

use super::retry::Attempts;

/// One element of a Cloud API `BasicFailedReply` (`errors[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudErrorItem {
    /// Machine-readable code, e.g. `deployments.deployment_not_found`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Request fields the error refers to, when the API names them.
    pub fields: Vec<String>,
}

/// The interesting parts of an Elasticsearch `ErrorCause`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EsErrorCause {
    /// `error.type`, e.g. `illegal_argument_exception`.
    pub error_type: String,
    /// `error.reason`.
    pub reason: String,
    /// `error.root_cause[]` as `(type, reason)` pairs.
    pub root_cause: Vec<(String, String)>,
    /// `error.caused_by` as `(type, reason)`, when present.
    pub caused_by: Option<(String, String)>,
}

/// Everything that can go wrong in a client call.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The client configuration is unusable (bad URL, unreadable CA file, bad header value).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The caller's cancellation token fired.
    #[error("request cancelled")]
    Cancelled,
    /// No response could be obtained (connection refused, TLS failure, timeout, ...), after retries.
    #[error("{method} {path}: {message}{}", fmt_attempts(attempts))]
    Transport {
        /// HTTP method.
        method: String,
        /// Request path (no query, no host).
        path: String,
        /// What failed, without the URL.
        message: String,
        /// How the attempts went, when worth saying ([`Attempts::worth_saying`]).
        attempts: Option<Box<Attempts>>,
    },
    /// The Cloud API answered with an error status.
    #[error(
        "{method} {path}: HTTP {status}{}{}",
        fmt_cloud(errors),
        fmt_attempts(attempts)
    )]
    Cloud {
        /// HTTP method.
        method: String,
        /// Request path.
        path: String,
        /// HTTP status.
        status: u16,
        /// Parsed `errors[]` (or the `x-cloud-error-codes` header when the body had none).
        errors: Vec<CloudErrorItem>,
        /// How the attempts went, when worth saying ([`Attempts::worth_saying`]).
        attempts: Option<Box<Attempts>>,
    },
    /// Elasticsearch answered with an error status.
    #[error(
        "{method} {path}: HTTP {status}{}{}",
        fmt_es(cause),
        fmt_attempts(attempts)
    )]
    Elasticsearch {
        /// HTTP method.
        method: String,
        /// Request path.
        path: String,
        /// HTTP status.
        status: u16,
        /// Parsed `error` object; `None` when the body was not an ES error body.
        cause: Option<Box<EsErrorCause>>,
        /// How the attempts went, when worth saying ([`Attempts::worth_saying`]).
        attempts: Option<Box<Attempts>>,
    },
    /// A success response whose body could not be decoded.
    #[error("{method} {path}: unexpected response body: {message}")]
    Decode {
        /// HTTP method.
        method: String,
        /// Request path.
        path: String,
        /// Decoder message.
        message: String,
    },
    /// An argument given to the client is invalid (e.g. an alias with a dot).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A response is well formed but lacks something the operation needs.
    #[error("unexpected API response: {0}")]
    Unexpected(String),
    /// The deployment changed concurrently on every attempt of a read-modify-write.
    #[error(
        "deployment {deployment_id}: still conflicting after {attempts} attempts (the deployment is being changed concurrently)"
    )]
    VersionConflict {
        /// Deployment id.
        deployment_id: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The caller's edit function refused the current settings.
    #[error("{0}")]
    Edit(Box<dyn std::error::Error + Send + Sync>),
    /// A deployment plan change failed.
    #[error("deployment {deployment_id} ({ref_id}): plan failed: {message}")]
    PlanFailed {
        /// Deployment id.
        deployment_id: String,
        /// Elasticsearch resource ref_id.
        ref_id: String,
        /// Message of the failing step.
        message: String,
    },
    /// A deployment plan was still pending when the deadline passed.
    #[error(
        "deployment {deployment_id} ({ref_id}): timed out waiting for the pending plan to finish (last step: {last_step})"
    )]
    PlanTimeout {
        /// Deployment id.
        deployment_id: String,
        /// Elasticsearch resource ref_id.
        ref_id: String,
        /// Last step seen, or `unknown`.
        last_step: String,
    },
    /// The cluster is too old for a feature.
    #[error("{feature} requires Elasticsearch {required} or later, but the cluster runs {actual}")]
    VersionGate {
        /// Feature name.
        feature: String,
        /// Required version.
        required: String,
        /// Version the cluster runs.
        actual: String,
    },
}

fn fmt_attempts(attempts: &Option<Box<Attempts>>) -> String {
    match attempts {
        Some(a) => format!("; {a}"),
        None => String::new(),
    }
}

fn fmt_cloud(errors: &[CloudErrorItem]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| {
            if e.message.is_empty() {
                e.code.clone()
            } else {
                format!("{}: {}", e.code, e.message)
            }
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join("; "))
    }
}

fn fmt_es(cause: &Option<Box<EsErrorCause>>) -> String {
    match cause {
        None => String::new(),
        Some(c) => {
            let mut s = format!(": {}: {}", c.error_type, c.reason);
            if let Some((t, r)) = c.root_cause.first()
                && (t != &c.error_type || r != &c.reason)
            {
                s.push_str(&format!(" (root cause: {t}: {r})"));
            }
            s
        }
    }
}

impl ClientError {
    /// HTTP status of an API error, if this is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Cloud { status, .. } | ClientError::Elasticsearch { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// True for an HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for an HTTP 409.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Cloud error codes of this error (empty for anything else).
    pub fn cloud_codes(&self) -> Vec<&str> {
        match self {
            ClientError::Cloud { errors, .. } => errors.iter().map(|e| e.code.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// True when the Cloud error carries `code`.
    pub fn has_cloud_code(&self, code: &str) -> bool {
        self.cloud_codes().contains(&code)
    }

    /// Elasticsearch `error.type`, if this is an Elasticsearch error with a parsed body.
    pub fn es_type(&self) -> Option<&str> {
        match self {
            ClientError::Elasticsearch { cause: Some(c), .. } => Some(c.error_type.as_str()),
            _ => None,
        }
    }

    /// Elasticsearch `error.reason`, if any.
    pub fn es_reason(&self) -> Option<&str> {
        match self {
            ClientError::Elasticsearch { cause: Some(c), .. } => Some(c.reason.as_str()),
            _ => None,
        }
    }

    /// For a 403 that was a missing privilege or role: what to grant, in words, or `None`.
    /// Elasticsearch names the privileges that grant the refused action ("this action is granted
    /// by the cluster privileges [manage_security,all]"); Elastic Cloud only says the key lacks
    /// authorization, so the role follows from the request (reads need Viewer, changes Editor).
    pub fn missing_privilege(&self) -> Option<String> {
        match self {
            ClientError::Elasticsearch {
                status: 403,
                cause: Some(c),
                ..
            } if c.error_type == "security_exception" => es_missing_privilege(&c.reason),
            ClientError::Cloud {
                method,
                path,
                status: 403,
                errors,
                ..
            } if errors.iter().any(|e| {
                e.code == "root.permission_denied" || e.code.starts_with("root.unauthorized")
            }) =>
            {
                let role = if method == "GET" { "Viewer" } else { "Editor" };
                let deployment = path
                    .strip_prefix("/api/v1/deployments/")
                    .and_then(|rest| rest.split('/').next())
                    .filter(|id| !id.is_empty());
                Some(match deployment {
                    Some(id) => format!(
                        "The Elastic Cloud API key needs the role {role} for deployment {id} (deployment scope) for {method} {path}."
                    ),
                    None => {
                        format!("The Elastic Cloud API key's roles do not allow {method} {path}.")
                    }
                })
            }
            _ => None,
        }
    }

    /// Wrap an edit-function error.
    pub fn edit(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ClientError::Edit(e.into())
    }
}

/// The privilege an Elasticsearch denial names: the `[...]` list after "this action is granted
/// by the cluster (or index) privileges", without `all`, least first.
fn es_missing_privilege(reason: &str) -> Option<String> {
    let (kind, rest) = ["cluster", "index"].iter().find_map(|k| {
        let marker = format!("this action is granted by the {k} privileges [");
        reason
            .find(&marker)
            .map(|i| (*k, &reason[i + marker.len()..]))
    })?;
    let list: Vec<&str> = rest
        .split(']')
        .next()?
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "all")
        .collect();
    let action = reason
        .strip_prefix("action [")
        .and_then(|r| r.split(']').next())
        .unwrap_or("this request");
    let on = if kind == "index" {
        reason
            .find(" on indices [")
            .and_then(|i| reason[i + 13..].split(']').next())
            .map(|n| format!(" on [{n}]"))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let what = match list.as_slice() {
        [] => return None,
        [one] => format!("the {kind} privilege {one}"),
        [first, other] => format!("the {kind} privilege {first} (or {other})"),
        [first, more @ ..] => format!(
            "the {kind} privilege {first} (or one of {})",
            more.join(", ")
        ),
    };
    Some(format!(
        "The Elasticsearch credential needs {what}{on} for action [{action}] (`all` grants it too)."
    ))
}

/// Longest message kept from an error body (a guard against huge HTML error pages).
const MAX_MESSAGE: usize = 2000;

fn clip(s: &str) -> String {
    if s.len() <= MAX_MESSAGE {
        return s.to_string();
    }
    let mut end = MAX_MESSAGE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn str_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => clip(s),
        Some(Value::Null) | None => String::new(),
        Some(other) => clip(&other.to_string()),
    }
}

/// Read a Cloud error from its body and the `x-cloud-error-codes` header value.
///
/// Body `{"errors":[{"code","message","fields"?}]}` wins; when it has no items, each code of the
/// comma-separated header becomes an item with an empty message; when both are empty and the
/// body is non-empty text, it becomes one item with code `unknown`.
pub fn parse_cloud_errors(body: &[u8], header_codes: Option<&str>) -> Vec<CloudErrorItem> {
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice::<Value>(body)
        && let Some(items) = v.get("errors").and_then(Value::as_array)
    {
        for item in items {
            let fields = item
                .get("fields")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            out.push(CloudErrorItem {
                code: str_of(item.get("code")),
                message: str_of(item.get("message")),
                fields,
            });
        }
    }
    if out.is_empty()
        && let Some(h) = header_codes
    {
        out.extend(
            h.split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| CloudErrorItem {
                    code: c.to_string(),
                    message: String::new(),
                    fields: Vec::new(),
                }),
        );
    }
    if out.is_empty() {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        if !text.is_empty() {
            out.push(CloudErrorItem {
                code: "unknown".to_string(),
                message: clip(text),
                fields: Vec::new(),
            });
        }
    }
    out
}

fn type_reason(v: &Value) -> (String, String) {
    (str_of(v.get("type")), str_of(v.get("reason")))
}

/// Read an Elasticsearch error body (`{"error": ErrorCause | string, "status": N}`).
///
/// Returns `None` when the body is not an ES error body (e.g. the `{"api_keys":[]}` 404 or
/// the `{}` 404 of a missing role).
pub fn parse_es_error(body: &[u8]) -> Option<EsErrorCause> {
    let v: Value = serde_json::from_slice(body).ok()?;
    match v.get("error")? {
        Value::String(s) => Some(EsErrorCause {
            error_type: String::new(),
            reason: clip(s),
            root_cause: Vec::new(),
            caused_by: None,
        }),
        e @ Value::Object(_) => {
            let (error_type, reason) = type_reason(e);
            let root_cause = e
                .get("root_cause")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(type_reason).collect())
                .unwrap_or_default();
            let caused_by = e.get("caused_by").map(type_reason);
            Some(EsErrorCause {
                error_type,
                reason,
                root_cause,
                caused_by,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_errors_table() {
        struct Case {
            body: &'static str,
            header: Option<&'static str>,
            want: Vec<(&'static str, &'static str)>,
        }
        let cases = vec![
            Case {
                body: r#"{"errors":[{"code":"deployments.deployment_not_found","message":"Deployment not found","fields":null}]}"#,
                header: Some("deployments.deployment_not_found"),
                want: vec![("deployments.deployment_not_found", "Deployment not found")],
            },
            Case {
                body: r#"{"errors":[{"code":"a","message":"x","fields":["body.p"]},{"code":"b","message":"y"}]}"#,
                header: None,
                want: vec![("a", "x"), ("b", "y")],
            },
            Case {
                body: "",
                header: Some("root.unauthorized, clusters.cluster_plan_state_error"),
                want: vec![
                    ("root.unauthorized", ""),
                    ("clusters.cluster_plan_state_error", ""),
                ],
            },
            Case {
                body: "<html>bad gateway</html>",
                header: None,
                want: vec![("unknown", "<html>bad gateway</html>")],
            },
            Case {
                body: "",
                header: None,
                want: vec![],
            },
        ];
        for c in cases {
            let got = parse_cloud_errors(c.body.as_bytes(), c.header);
            let got: Vec<(&str, &str)> = got
                .iter()
                .map(|e| (e.code.as_str(), e.message.as_str()))
                .collect();
            assert_eq!(got, c.want, "body {}", c.body);
        }
        let fields = parse_cloud_errors(
            br#"{"errors":[{"code":"a","message":"x","fields":["body.p"]}]}"#,
            None,
        );
        assert_eq!(fields[0].fields, vec!["body.p".to_string()]);
    }

    #[test]
    fn es_errors_table() {
        type Want = Option<(&'static str, &'static str, usize, bool)>;
        let cases: Vec<(&str, Want)> = vec![
            (
                r#"{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"r1"}],"type":"illegal_argument_exception","reason":"r1"},"status":400}"#,
                Some(("illegal_argument_exception", "r1", 1, false)),
            ),
            (
                r#"{"error":{"type":"security_exception","reason":"missing authentication","header":{"WWW-Authenticate":["Basic"]},"caused_by":{"type":"x","reason":"y"}},"status":401}"#,
                Some(("security_exception", "missing authentication", 0, true)),
            ),
            (
                r#"{"error":"no handler found","status":400}"#,
                Some(("", "no handler found", 0, false)),
            ),
            (r#"{"api_keys":[]}"#, None),
            (r#"{}"#, None),
            ("not json", None),
        ];
        for (body, want) in cases {
            let got = parse_es_error(body.as_bytes());
            match (got, want) {
                (None, None) => {}
                (Some(g), Some((t, r, n, cb))) => {
                    assert_eq!(g.error_type, t, "{body}");
                    assert_eq!(g.reason, r, "{body}");
                    assert_eq!(g.root_cause.len(), n, "{body}");
                    assert_eq!(g.caused_by.is_some(), cb, "{body}");
                }
                (g, w) => panic!("{body}: got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn a_403_names_the_missing_privilege_or_role() {
        let es = |reason: &str| ClientError::Elasticsearch {
            method: "POST".into(),
            path: "/_security/cross_cluster/api_key".into(),
            status: 403,
            cause: Some(Box::new(EsErrorCause {
                error_type: "security_exception".into(),
                reason: reason.into(),
                ..Default::default()
            })),
            attempts: None,
        };
        let e = es(
            "action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [tf] with effective roles [r], this action is granted by the cluster privileges [manage_security,all]",
        );
        assert_eq!(
            e.missing_privilege().as_deref(),
            Some(
                "The Elasticsearch credential needs the cluster privilege manage_security for action [cluster:admin/xpack/security/cross_cluster/api_key/create] (`all` grants it too)."
            )
        );
        let e = es(
            "action [cluster:monitor/main] is unauthorized for API key id [k] of user [tf], this action is granted by the cluster privileges [monitor,manage,all]",
        );
        assert!(
            e.missing_privilege()
                .unwrap()
                .contains("the cluster privilege monitor (or manage)")
        );
        let e = es(
            "action [indices:admin/resolve/cluster] is unauthorized for user [tf] with effective roles [] on indices [r:*], this action is granted by the index privileges [view_index_metadata,manage,all]",
        );
        assert!(
            e.missing_privilege()
                .unwrap()
                .contains("the index privilege view_index_metadata (or manage) on [r:*]")
        );
        assert_eq!(
            es("missing authentication credentials").missing_privilege(),
            None
        );
        let cloud = |method: &str| {
            ClientError::Cloud {
            method: method.into(),
            path: "/api/v1/deployments/abc/elasticsearch/main/keystore".into(),
            status: 403,
            errors: vec![CloudErrorItem {
                code: "root.permission_denied".into(),
                message: "To access the resource [r:/deployments/abc], the user must have the required authorization.".into(),
                fields: Vec::new(),
            }],
            attempts: None,
        }
        };
        assert!(
            cloud("PATCH")
                .missing_privilege()
                .unwrap()
                .contains("needs the role Editor for deployment abc")
        );
        assert!(
            cloud("GET")
                .missing_privilege()
                .unwrap()
                .contains("needs the role Viewer for deployment abc")
        );
    }

    #[test]
    fn display_names_code_and_reason() {
        let e = ClientError::Cloud {
            method: "GET".into(),
            path: "/api/v1/deployments/x".into(),
            status: 404,
            errors: vec![CloudErrorItem {
                code: "deployments.deployment_not_found".into(),
                message: "not found".into(),
                fields: vec![],
            }],
            attempts: None,
        };
        assert_eq!(
            e.to_string(),
            "GET /api/v1/deployments/x: HTTP 404: deployments.deployment_not_found: not found"
        );
        assert!(e.is_not_found());
        assert!(e.has_cloud_code("deployments.deployment_not_found"));
        let e = ClientError::Elasticsearch {
            method: "PUT".into(),
            path: "/_cluster/settings".into(),
            status: 400,
            cause: Some(Box::new(EsErrorCause {
                error_type: "illegal_argument_exception".into(),
                reason: "top".into(),
                root_cause: vec![("parse_exception".into(), "inner".into())],
                caused_by: None,
            })),
            attempts: None,
        };
        assert_eq!(
            e.to_string(),
            "PUT /_cluster/settings: HTTP 400: illegal_argument_exception: top (root cause: parse_exception: inner)"
        );
        assert_eq!(e.es_type(), Some("illegal_argument_exception"));
        // After retries the error says how many attempts over how long and why it stopped.
        let e = ClientError::Elasticsearch {
            method: "GET".into(),
            path: "/_remote/info".into(),
            status: 500,
            cause: Some(Box::new(EsErrorCause {
                error_type: "exception".into(),
                reason: "boom".into(),
                root_cause: vec![],
                caused_by: None,
            })),
            attempts: Some(Box::new(Attempts {
                count: 3,
                elapsed: std::time::Duration::from_millis(2_450),
                stop: super::super::retry::Stop::Exhausted { max_retries: 2 },
            })),
        };
        assert_eq!(
            e.to_string(),
            "GET /_remote/info: HTTP 500: exception: boom; gave up after 3 attempts over 2.5 s (max_retries = 2)"
        );
    }
}
