//! `wait_for_connection`: polling `_remote/info` (and `_resolve/cluster`, which also makes
//! Elasticsearch try to connect) until the alias is connected, and when it does not connect in
//! time, the reason and the alias's settings put back as they were.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::client::cloud::known_endpoint_version;
use crate::client::elasticsearch::{Feature, Version, remote_settings_diff};
use crate::client::{ClientError, EsClient};
use crate::framework::diag::Diagnostics;
use crate::framework::traits::cancelled;
use crate::provider::common::{Call, During, api_error};

use super::diagnose::{Observation, diagnose, not_connected_diagnostic};
use super::model::RemoteCluster;
use super::validate::parse_host_port;

/// Waits until the alias is connected; when it does not connect (or the wait fails), puts the
/// alias's settings back to `before` and returns the reason.
pub(super) async fn wait_or_restore(
    call: &Call<'_>,
    model: &RemoteCluster,
    before: &BTreeMap<String, Json>,
    timeout: Duration,
) -> Result<(), Diagnostics> {
    let es = call.es()?;
    let alias = &model.alias;
    let failure = match wait_connected(call, es, model, timeout).await {
        Ok(()) => return Ok(()),
        Err(failure) => failure,
    };
    let mut diags = match failure {
        Ok((obs, waited)) => Diagnostics::from(not_connected_diagnostic(model, &obs, waited)),
        Err(d) => d,
    };
    if let Err(e) = restore(es, alias, before).await {
        diags.push(api_error(
            &format!("to put the settings of remote cluster {alias:?} back"),
            &e,
        ));
    }
    Err(diags)
}

async fn observe(
    call: &Call<'_>,
    es: &EsClient,
    model: &RemoteCluster,
) -> Result<Observation, Diagnostics> {
    let alias = &model.alias;
    let mut obs = Observation {
        remote_version: known_remote_version(model),
        ..Observation::default()
    };
    match es.info(call.cancel()).await {
        Ok(info) if info.require(Feature::ResolveCluster).is_ok() => {
            obs.local_version = Some(info.version.clone());
            obs.local_cluster_name = Some(info.cluster_name.clone());
            match es
                .resolve_cluster(&format!("{alias}:*"), call.cancel())
                .await
            {
                Ok(m) => {
                    obs.resolved = m.contains_key(alias.as_str());
                    obs.resolve_error = m.get(alias).and_then(|r| r.error.clone());
                }
                Err(e) => obs.resolve_note = Some(format!("_resolve/cluster failed: {e}")),
            }
        }
        Ok(info) => {
            obs.local_version = Some(info.version.clone());
            obs.resolve_note = Some(format!(
                "(Elasticsearch {} has no _resolve/cluster, which needs 8.13, so the reason below comes from the provider's own checks only.)",
                info.version
            ));
        }
        Err(e) => return Err(api_error("to read the cluster version", &e).into()),
    }
    // A poll that waits for a change must not take an answer older than itself.
    let infos = es
        .remote_info_fresh(call.cancel())
        .await
        .during(|| "to read _remote/info".into())?;
    obs.info = infos.get(alias).cloned();
    Ok(obs)
}

/// Polls until connected; `Err(Ok(observation, waited))` on timeout, or at once when the
/// observed cause is one waiting cannot fix.
pub(super) async fn wait_connected(
    call: &Call<'_>,
    es: &EsClient,
    model: &RemoteCluster,
    timeout: Duration,
) -> Result<(), Result<(Observation, Duration), Diagnostics>> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        // `_resolve/cluster` also makes Elasticsearch try to (re)connect.
        let obs = observe(call, es, model).await.map_err(Err)?;
        if obs.info.as_ref().is_some_and(|i| i.connected) {
            return Ok(());
        }
        let elapsed = start.elapsed();
        let permanent = diagnose(model, &obs).filter(|(c, _)| c.permanent());
        if let Some((c, _)) = &permanent {
            tracing::debug!(alias = %model.alias, cause = c.name(), "not connected, and waiting cannot fix it");
        }
        if elapsed >= timeout || permanent.is_some() {
            return Err(Ok((obs, elapsed)));
        }
        let pause = delay.min(timeout - elapsed);
        tokio::select! {
            _ = call.cancel().cancelled() => return Err(Err(cancelled().into())),
            _ = tokio::time::sleep(pause) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

/// The remote's version, when the dialled host is the endpoint of a deployment this provider
/// process has read through the Cloud API (e.g. with the `crosscluster_deployment` data source).
pub(super) fn known_remote_version(model: &RemoteCluster) -> Option<Version> {
    let (host, _) = model.dial_address().and_then(|a| parse_host_port(a).ok())?;
    known_endpoint_version(&host).and_then(|v| Version::parse(&v))
}

/// Puts the alias's settings back to `before` (with a fresh token: a cancelled apply still
/// deserves the rollback).
async fn restore(
    es: &EsClient,
    alias: &str,
    before: &BTreeMap<String, Json>,
) -> Result<(), ClientError> {
    let token = tokio_util::sync::CancellationToken::new();
    let now = es.get_remote_cluster_settings(alias, &token).await?;
    let body = remote_settings_diff(alias, &now, before);
    if !body.is_empty() {
        es.put_remote_cluster(alias, &body, &token).await?;
    }
    Ok(())
}
