//! After a write that failed: could the API have accepted it, and what is there now.
//!
//! A write can be accepted and still end in an error: the plan wait or the read-back fails, the
//! connection drops after the server handled the request, or Terraform is stopped (Ctrl-C). A
//! resource then returns the object as it now is, so Terraform saves it (on create, tainted)
//! instead of losing track of it. The read-back that finds out runs on a cancellation token
//! of its own with a short deadline, so it still runs after a stop and never holds Terraform
//! up for long.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::client::ClientError;
use crate::framework::diag::Diagnostic;
use crate::framework::traits::{StateResponse, cancelled};
use crate::framework::value::Value;

/// How long the read-back after a failed write may take.
pub(super) const READ_BACK: Duration = Duration::from_secs(3);

/// Whether the API may have accepted a write that ended in `e`. `false` only when the write
/// surely did not happen: the provider refused it (an edit error, a bad argument), it never
/// started (a version gate, a conflict on every attempt), or the API rejected the write request
/// itself with a 4xx (other than a 408 timeout: the server may have been working on it).
/// Everything else (5xx, dropped connections, timeouts, a failed plan wait, a stop) may
/// come after an accepted write.
pub(super) fn may_have_landed(e: &ClientError) -> bool {
    match e {
        ClientError::Config(_)
        | ClientError::InvalidArgument(_)
        | ClientError::Edit(_)
        | ClientError::VersionConflict { .. }
        | ClientError::VersionGate { .. } => false,
        ClientError::Cloud { method, status, .. }
        | ClientError::Elasticsearch { method, status, .. } => {
            method == "GET" || !(400..500).contains(status) || *status == 408
        }
        _ => true,
    }
}

/// Runs `read` on a token of its own, bounded by [`READ_BACK`].
pub(super) async fn read_back<T, F, Fut>(read: F) -> Result<T, ClientError>
where
    F: FnOnce(CancellationToken) -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let token = CancellationToken::new();
    match tokio::time::timeout(READ_BACK, read(token.clone())).await {
        Ok(r) => r,
        Err(_) => {
            token.cancel();
            Err(ClientError::Unexpected(format!(
                "the read-back did not finish within {} s",
                READ_BACK.as_secs()
            )))
        }
    }
}

/// The diagnostic of a failed write: `diag`, or "cancelled" when Terraform stopped the call.
pub(super) fn write_diag(e: &ClientError, stopped: bool, diag: Diagnostic) -> Diagnostic {
    if stopped || matches!(e, ClientError::Cancelled) {
        let mut d = cancelled();
        d.detail.push_str(
            " A change it had sent may have been accepted: the state records what the provider found.",
        );
        return d;
    }
    diag
}

/// `diag` with the note that the state holds the object as it was read back after the error.
pub(super) fn read_note(mut diag: Diagnostic) -> Diagnostic {
    diag.detail.push_str(
        "\n\nThe change was accepted: the state records the object as it is now, and the next apply finishes the change.",
    );
    diag
}

/// `diag` with the note that the read-back failed too, so the state holds what was written.
pub(super) fn planned_note(mut diag: Diagnostic, read_error: &ClientError) -> Diagnostic {
    diag.detail.push_str(&format!(
        "\n\nThe change may have been accepted, and reading it back failed too ({read_error}): the state records it as written, and the next plan reads it again."
    ));
    diag
}

/// `diag` with the note that the object could not be read back and is not in the state: the
/// next apply adopts it if it is exactly what the configuration asks for.
pub(super) fn adopt_note(mut diag: Diagnostic, read_error: &ClientError) -> Diagnostic {
    diag.detail.push_str(&format!(
        "\n\nThe change may have been accepted, and reading it back failed too ({read_error}): the next apply adopts the object if it is exactly what the configuration asks for."
    ));
    diag
}

/// A state response carrying the error `diag` (Terraform saves the state and reports the
/// error; after a create it marks the object tainted). A value still unknown (a computed
/// attribute of a write that could not be read back) is saved as null, for the next read to
/// fill in.
pub(super) fn with_error(mut r: StateResponse, diag: Diagnostic) -> StateResponse {
    r.state = known_or_null(std::mem::replace(&mut r.state, Value::Null));
    r.diagnostics.push(diag);
    r
}

/// `v` with every unknown value, at any depth, replaced by null.
pub(super) fn known_or_null(v: Value) -> Value {
    match v {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.into_iter().map(known_or_null).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(known_or_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(known_or_null).collect()),
        Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, known_or_null(v))).collect()),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, known_or_null(v))).collect())
        }
        Value::Dynamic(t, inner) => Value::Dynamic(t, Box::new(known_or_null(*inner))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::value::Refinements;

    fn cloud(method: &str, status: u16) -> ClientError {
        ClientError::Cloud {
            method: method.into(),
            path: "/api/v1/deployments/x".into(),
            status,
            errors: Vec::new(),
            attempts: None,
        }
    }

    /// Which failures may follow an accepted write (then the resource reads back before it
    /// answers) and which surely do not.
    #[test]
    fn may_have_landed_table() {
        let transport = ClientError::Transport {
            method: "PUT".into(),
            path: "/p".into(),
            message: "connection closed before message completed".into(),
            attempts: None,
        };
        let cases: Vec<(&str, ClientError, bool)> = vec![
            ("PUT 500", cloud("PUT", 500), true),
            ("PUT 503 after retries", cloud("PUT", 503), true),
            ("PUT 408", cloud("PUT", 408), true),
            ("PUT 400 rejected", cloud("PUT", 400), false),
            ("PUT 429 refused", cloud("PUT", 429), false),
            ("PUT 403", cloud("PUT", 403), false),
            ("plan-wait GET 500", cloud("GET", 500), true),
            ("plan-wait GET 401", cloud("GET", 401), true),
            ("dropped connection", transport, true),
            ("stopped", ClientError::Cancelled, true),
            (
                "plan timeout",
                ClientError::PlanTimeout {
                    deployment_id: "d".into(),
                    ref_id: "r".into(),
                    last_step: "s".into(),
                },
                true,
            ),
            ("edit refused", ClientError::edit("already exists"), false),
            (
                "conflict every time",
                ClientError::VersionConflict {
                    deployment_id: "d".into(),
                    attempts: 5,
                },
                false,
            ),
            (
                "bad argument",
                ClientError::InvalidArgument("x".into()),
                false,
            ),
        ];
        for (name, e, want) in cases {
            assert_eq!(may_have_landed(&e), want, "{name}");
        }
    }

    #[test]
    fn unknown_values_become_null_at_any_depth() {
        let unknown = || Value::Unknown(Refinements::default());
        let v = Value::Object(
            [
                ("a".to_string(), unknown()),
                (
                    "b".to_string(),
                    Value::List(vec![Value::Bool(true), unknown()]),
                ),
                ("c".to_string(), Value::String("x".into())),
            ]
            .into_iter()
            .collect(),
        );
        let want = Value::Object(
            [
                ("a".to_string(), Value::Null),
                (
                    "b".to_string(),
                    Value::List(vec![Value::Bool(true), Value::Null]),
                ),
                ("c".to_string(), Value::String("x".into())),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(known_or_null(v), want);
    }
}
