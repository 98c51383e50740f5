//! Sealed delivery of `crosscluster_api_key`: the new key's encoded form written straight into
//! the local deployment's keystore through the Cloud client (restarting a deployment before
//! 8.14 so it loads it), and invalidation of a key that could not be delivered.

use std::time::Instant;

use crate::client::cloud::{GetDeploymentParams, credentials_setting};
use crate::client::{CloudClient, EsClient, Secret};
use crate::framework::diag::Diagnostic;
use crate::provider::common::api_error;

use super::model::{KeystoreTarget, recorded_slot, restart_after_delivery};
use super::schema::{keystore_deployment_id_path, keystore_ref_id_path};

/// A resolved keystore destination.
pub(super) struct Delivery {
    pub(super) deployment_id: String,
    pub(super) ref_id: String,
    setting: String,
    restart: bool,
}

pub(super) async fn resolve_delivery(
    cloud: &CloudClient,
    target: &KeystoreTarget,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<Delivery, Diagnostic> {
    let params = GetDeploymentParams {
        show_plans: Some(true),
        ..Default::default()
    };
    let dep = cloud
        .get_deployment(&target.deployment_id, &params, cancel)
        .await
        .map_err(|e| {
            api_error(
                &format!(
                    "to read deployment {} for the keystore (sealed delivery; the provider's cloud connection must see that deployment)",
                    target.deployment_id
                ),
                &e,
            )
            .with_path(keystore_deployment_id_path())
        })?;
    let view = dep.es_view(target.ref_id.as_deref()).map_err(|e| {
        Diagnostic::attribute_error(
            keystore_ref_id_path(),
            "Elasticsearch resource not found",
            e.to_string(),
        )
    })?;
    Ok(Delivery {
        deployment_id: target.deployment_id.clone(),
        ref_id: view.ref_id,
        setting: credentials_setting(&target.alias),
        restart: restart_after_delivery(view.version.as_deref()),
    })
}

pub(super) async fn deliver(
    cloud: &CloudClient,
    d: &Delivery,
    encoded: Secret,
    deadline: Instant,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<(), Diagnostic> {
    cloud
        .set_keystore_secret(&d.deployment_id, &d.ref_id, &d.setting, encoded, cancel)
        .await
        .map_err(|e| {
            api_error(
                &format!(
                    "to write {} to the keystore of deployment {}",
                    d.setting, d.deployment_id
                ),
                &e,
            )
        })?;
    tracing::info!(
        deployment_id = %d.deployment_id,
        ref_id = %d.ref_id,
        setting = %d.setting,
        "cross-cluster API key written to the keystore"
    );
    if d.restart {
        let _guard = cloud.locks().lock(&d.deployment_id).await;
        cloud
            .restart_elasticsearch(&d.deployment_id, &d.ref_id, cancel)
            .await
            .map_err(|e| {
                api_error(
                    &format!(
                        "to restart deployment {} so it loads the keystore (it runs a version before 8.14)",
                        d.deployment_id
                    ),
                    &e,
                )
            })?;
        cloud
            .wait_for_plan(&d.deployment_id, &d.ref_id, deadline, cancel)
            .await
            .map_err(|e| {
                api_error(
                    &format!("waiting for the restart of deployment {}", d.deployment_id),
                    &e,
                )
            })?;
    }
    Ok(())
}

pub(super) async fn invalidate(
    es: &EsClient,
    id: &str,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<(), String> {
    match es.invalidate_api_keys(&[id.to_string()], cancel).await {
        Ok(r) if r.error_count == 0 => Ok(()),
        Ok(r) => Err(format!(
            "Elasticsearch reported {} error(s) invalidating key {id}: {}",
            r.error_count,
            r.error_details
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// After the key `id` was invalidated: removes the keystore entry its sealed delivery filled,
/// unless another active key of ours records the same slot in its metadata, as the new key of
/// a `create_before_destroy` rotation does. Returns whether the entry was removed.
pub(super) async fn release_slot(
    es: &EsClient,
    cloud: &CloudClient,
    target: &KeystoreTarget,
    id: &str,
    now_ms: i64,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<bool, Diagnostic> {
    let slot = target.slot();
    let keys = es
        .get_active_api_keys(cancel)
        .await
        .map_err(|e| api_error("to list the active API keys", &e))?;
    let claimed = keys.iter().any(|k| {
        k.id != id
            && !k.invalidated
            && k.expiration.is_none_or(|t| t > now_ms)
            && recorded_slot(k.metadata.as_ref()) == Some(slot.as_str())
    });
    if claimed {
        tracing::info!(key_id = %id, slot = %slot, "keystore entry kept: another live key fills it");
        return Ok(false);
    }
    let d = resolve_delivery(cloud, target, cancel).await?;
    cloud
        .remove_keystore_secret(&d.deployment_id, &d.ref_id, &d.setting, cancel)
        .await
        .map_err(|e| {
            api_error(
                &format!(
                    "to remove {} from the keystore of deployment {} (the key itself is invalidated)",
                    d.setting, d.deployment_id
                ),
                &e,
            )
        })?;
    tracing::info!(deployment_id = %d.deployment_id, setting = %d.setting, "keystore entry of the destroyed key removed");
    Ok(true)
}
