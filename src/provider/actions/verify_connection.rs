//! `crosscluster_verify_connection`: checks that a remote cluster alias of the provider's
//! Elasticsearch cluster connects now, and fails with the diagnosis of
//! `crosscluster_remote_cluster`'s `wait_for_connection` when it does not.

use std::time::Duration;

use async_trait::async_trait;

use crate::framework::action::{Action, Progress};
use crate::framework::decode::ObjectReader;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::traits::{CallContext, parse_duration};
use crate::framework::value::Value;
use crate::provider::resources::remote_cluster::verify_alias;

/// How long the check waits for the alias when no `timeout` is given.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The action type.
pub struct VerifyConnectionAction;

fn duration_validator() -> Validator {
    Validator::custom(|v, path, diags| {
        if let Value::String(s) = v {
            if let Err(e) = parse_duration(s) {
                diags.attribute_error(path.clone(), "Invalid timeout", format!("timeout: {e}"));
            }
        }
    })
}

/// `alias` and `timeout` of a configuration.
fn read(config: &Value) -> Result<(String, Duration), Diagnostics> {
    let r = ObjectReader::root(config)?;
    let alias = r.string("alias")?;
    let timeout = match r.opt_string("timeout")? {
        Some(s) => parse_duration(&s).map_err(|e| {
            Diagnostic::attribute_error(
                AttributePath::attr_path("timeout"),
                "Invalid timeout",
                format!("timeout: {e}"),
            )
        })?,
        None => DEFAULT_TIMEOUT,
    };
    Ok((alias, timeout))
}

#[async_trait]
impl Action for VerifyConnectionAction {
    fn type_name(&self) -> &str {
        "crosscluster_verify_connection"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .markdown_description(
                    "Checks that a remote cluster alias of the provider's Elasticsearch cluster connects now (`_resolve/cluster`, which also makes Elasticsearch try, then `_remote/info`), and fails with the same diagnosis as `wait_for_connection` of `crosscluster_remote_cluster` when it does not: the cause named first with its fix (port, `server_name`, credentials, trust, versions). It changes nothing. Run it after an apply from an `action_trigger` (e.g. `after_create`/`after_update` of the alias or of the key and trust it needs), or at any time with `terraform apply -invoke=action.crosscluster_verify_connection.<name>`. Needs Terraform 1.14 or later; older versions do not know actions.",
                )
                .attribute(
                    Attribute::string("alias")
                        .required()
                        .description("The alias to check (`cluster.remote.<alias>.*`)."),
                )
                .attribute(
                    Attribute::string("timeout")
                        .optional()
                        .description("How long to wait for the alias to connect, as a duration like \"30s\" or \"2m\" (default \"1m\"). Causes that waiting cannot fix fail at once.")
                        .validator(duration_validator()),
                ),
        )
    }

    async fn invoke(&self, ctx: &CallContext, config: Value, progress: Progress) -> Diagnostics {
        let (alias, timeout) = match read(&config) {
            Ok(v) => v,
            Err(d) => return d,
        };
        progress.send(format!("Checking remote cluster {alias:?}..."));
        match verify_alias(ctx, &alias, timeout).await {
            Ok(v) => {
                progress.send(format!(
                    "Remote cluster {alias:?} is connected ({} mode{}).",
                    v.mode,
                    v.address.map(|a| format!(", {a}")).unwrap_or_default()
                ));
                Diagnostics::new()
            }
            Err(d) => d,
        }
    }
}
