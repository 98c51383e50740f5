//! Actions (Terraform 1.14+): provider operations with no state, run from an
//! `action_trigger` in a resource's lifecycle or with `terraform apply -invoke=...`.
//!
//! An [`Action`] has a configuration schema, an optional plan-time check and an invoke
//! that may report progress lines (printed by Terraform) and ends with diagnostics: an
//! error diagnostic fails the run.

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::diag::Diagnostics;
use super::schema::Schema;
use super::traits::CallContext;
use super::value::Value;

/// Sends progress messages of a running action to Terraform.
#[derive(Debug, Clone)]
pub struct Progress {
    tx: Option<mpsc::UnboundedSender<String>>,
}

impl Progress {
    /// A sender feeding `tx`.
    pub fn new(tx: mpsc::UnboundedSender<String>) -> Self {
        Self { tx: Some(tx) }
    }

    /// A sender that drops every message (tests, direct calls).
    pub fn discard() -> Self {
        Self { tx: None }
    }

    /// Reports one progress line. Lost silently when Terraform stopped listening.
    pub fn send(&self, message: impl Into<String>) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(message.into());
        }
    }
}

/// An action type.
#[async_trait]
pub trait Action: Send + Sync + 'static {
    /// Full type name, e.g. `crosscluster_verify_connection`.
    fn type_name(&self) -> &str;

    /// Schema of the action's `config {}` block.
    fn schema(&self) -> Schema;

    /// Extra validation (schema validators already ran); values may be unknown.
    async fn validate_config(&self, _ctx: &CallContext, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Plan-time checks (values may be unknown). Default: nothing to check.
    async fn plan(&self, _ctx: &CallContext, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Runs the action; errors in the answer fail the Terraform run.
    async fn invoke(&self, ctx: &CallContext, config: Value, progress: Progress) -> Diagnostics;
}
