//! Checking an alias now, outside an apply (the `crosscluster_verify_connection` action):
//! the alias's current settings read back, then the same poll and the same diagnosis as
//! `wait_for_connection` ([`super::wait`], [`super::diagnose`]), without touching the settings.

use std::time::Duration;

use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::traits::CallContext;
use crate::provider::common::{Call, During};

use super::diagnose::not_connected_diagnostic;
use super::model::{RemoteCluster, from_api};
use super::wait::wait_connected;

/// What a successful check saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verified {
    /// `proxy` or `sniff` (the alias's mode).
    pub(crate) mode: String,
    /// The address dialled (`proxy_address` or the first seed), when set.
    pub(crate) address: Option<String>,
}

/// Checks that `alias` of the provider's Elasticsearch cluster connects within `timeout`
/// (at once when the cause is one waiting cannot fix). The failure is the diagnostic the
/// wait of `crosscluster_remote_cluster` gives, without attribute paths (they name
/// resource attributes, which an action does not have).
pub(crate) async fn verify_alias(
    ctx: &CallContext,
    alias: &str,
    timeout: Duration,
) -> Result<Verified, Diagnostics> {
    let call = Call::new(ctx)?;
    let es = call.es()?;
    let settings = es
        .get_remote_cluster_settings(alias, call.cancel())
        .await
        .during(|| format!("to read the settings of remote cluster {alias:?}"))?;
    if settings.is_empty() {
        return Err(Diagnostic::error(
            format!("Remote cluster {alias:?} is not configured"),
            format!(
                "no such remote cluster: [{alias}]: the cluster has no cluster.remote.{alias}.* settings. Create the alias (crosscluster_remote_cluster) before verifying it."
            ),
        )
        .into());
    }
    let state = from_api(alias, &settings, None, None);
    let model = RemoteCluster::from_plan(&state, &state)?;
    match wait_connected(&call, es, &model, timeout).await {
        Ok(()) => Ok(Verified {
            mode: model
                .mode
                .map(|m| m.as_str().to_string())
                .unwrap_or_else(|| "sniff".into()),
            address: model
                .dial_address()
                .map(str::to_owned)
                .or_else(|| model.seeds.as_ref().and_then(|s| s.first().cloned())),
        }),
        Err(Ok((obs, waited))) => {
            let mut d = not_connected_diagnostic(&model, &obs, waited);
            d.path = None;
            Err(d.into())
        }
        Err(Err(diags)) => Err(diags),
    }
}
