//! The Cloud calls of `crosscluster_deployment_remote_cluster`: resolving default ref_ids,
//! reading this alias's entry and the read-modify-write of the list.
//!
//! The remote-clusters API only replaces the whole list, so every write is a read-modify-write
//! under the deployment's lock ([`CloudClient::update_remote_clusters`]) that changes this
//! resource's alias and sends every other entry back as it was read.

use crate::client::cloud::{GetDeploymentParams, RemoteResourceRef};
use crate::client::{ClientError, CloudClient};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::traits::CallContext;
use crate::provider::common::{client_error, format_alias_id, ref_or_first};

use super::super::deployment_edit::EditError;
use super::model::{DeploymentRemoteClusterModel, add_entry, from_entry};
use super::schema::{ALIAS, DEPLOYMENT_ID, REMOTE_DEPLOYMENT_ID};

/// A client error as diagnostics; an existing alias is an error on `alias`.
pub(super) fn diag(what: &str, e: &ClientError) -> Diagnostics {
    if let ClientError::Edit(inner) = e
        && let Some(EditError::AliasExists { .. }) = inner.downcast_ref::<EditError>()
    {
        return Diagnostic::attribute_error(
            AttributePath::attr_path(ALIAS),
            "Remote cluster alias already exists",
            inner.to_string(),
        )
        .into();
    }
    client_error(what, e)
}

/// The deployment read that finds a default ref_id: no plans needed.
fn ref_params() -> GetDeploymentParams {
    GetDeploymentParams {
        show_plans: Some(false),
        ..Default::default()
    }
}

/// The local ref_id: configured, or else the first Elasticsearch resource's; `Ok(None)` when
/// the deployment or resource is gone.
pub(super) async fn local_ref(
    cloud: &CloudClient,
    ctx: &CallContext,
    m: &DeploymentRemoteClusterModel,
) -> Result<Option<String>, Diagnostics> {
    let (dep, r) = (&m.deployment_id, m.ref_id.value().map(String::as_str));
    ref_or_first(cloud, ctx, dep, r, &ref_params()).await
}

/// `configured`, or the ref_id of deployment `deployment_id`'s first Elasticsearch resource;
/// `missing` (summary, detail) on the attribute `attr` when there is none.
async fn configured_or_default_ref(
    cloud: &CloudClient,
    ctx: &CallContext,
    configured: Option<&String>,
    deployment_id: &str,
    attr: &str,
    missing: (&str, String),
) -> Result<String, Diagnostics> {
    ref_or_first(
        cloud,
        ctx,
        deployment_id,
        configured.map(String::as_str),
        &ref_params(),
    )
    .await?
    .ok_or_else(|| {
        Diagnostic::attribute_error(AttributePath::attr_path(attr), missing.0, missing.1).into()
    })
}

/// The ref_ids (local, remote) to use, resolving defaults; clear errors when a deployment is
/// missing.
async fn resolve_refs(
    cloud: &CloudClient,
    ctx: &CallContext,
    m: &DeploymentRemoteClusterModel,
) -> Result<(String, String), Diagnostics> {
    let remote_deployment_id = m.remote_deployment_id.clone().unwrap_or_default();
    let local = configured_or_default_ref(
        cloud,
        ctx,
        m.ref_id.value(),
        &m.deployment_id,
        DEPLOYMENT_ID,
        (
            "Deployment not found",
            format!(
                "Deployment {} does not exist, has no Elasticsearch resource, or is not visible to the provider's Cloud API key.",
                m.deployment_id
            ),
        ),
    )
    .await?;
    let remote = configured_or_default_ref(
        cloud,
        ctx,
        m.remote_ref_id.value(),
        &remote_deployment_id,
        REMOTE_DEPLOYMENT_ID,
        (
            "Remote deployment not found",
            format!(
                "Deployment {remote_deployment_id} does not exist or is not in the organization of the provider's Cloud API key. The Cloud remote-clusters API links deployments of one organization only; for other remotes use crosscluster_remote_cluster."
            ),
        ),
    )
    .await?;
    Ok((local, remote))
}

/// Reads the list and returns this alias's entry (`None`: alias or deployment gone).
pub(super) async fn read_entry(
    cloud: &CloudClient,
    ctx: &CallContext,
    deployment_id: &str,
    ref_id: &str,
    alias: &str,
) -> Result<Option<RemoteResourceRef>, Diagnostics> {
    match cloud
        .get_remote_clusters(deployment_id, ref_id, &ctx.cancel)
        .await
    {
        Ok(list) => Ok(list.resources.into_iter().find(|r| r.alias == alias)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(diag(
            &format!("to read the remote clusters of deployment {deployment_id}"),
            &e,
        )),
    }
}

async fn state_after_write(
    cloud: &CloudClient,
    ctx: &CallContext,
    m: &DeploymentRemoteClusterModel,
    ref_id: &str,
) -> Result<DeploymentRemoteClusterModel, Diagnostics> {
    let entry = read_entry(cloud, ctx, &m.deployment_id, ref_id, &m.alias)
        .await?
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Remote cluster missing after write",
                format!(
                    "The remote clusters of deployment {} do not list alias {:?} right after it was written; it may have been removed concurrently.",
                    m.deployment_id, m.alias
                ),
            ))
        })?;
    Ok(from_entry(&m.deployment_id, ref_id, &entry))
}

/// Create (`creating`: add the alias, refusing an existing one) and update (replace its
/// entry), then read back.
pub(super) async fn write(
    cloud: &CloudClient,
    ctx: &CallContext,
    m: &DeploymentRemoteClusterModel,
    creating: bool,
) -> Result<DeploymentRemoteClusterModel, Diagnostics> {
    let (ref_id, remote_ref) = resolve_refs(cloud, ctx, m).await?;
    let import_id = format_alias_id(&m.deployment_id, &ref_id, &m.alias);
    let entry = m.to_entry(remote_ref);
    let what = if creating {
        format!(
            "to add remote cluster {:?} to deployment {}",
            m.alias, m.deployment_id
        )
    } else {
        format!(
            "to update remote cluster {:?} of deployment {}",
            m.alias, m.deployment_id
        )
    };
    cloud
        .update_remote_clusters(
            &m.deployment_id,
            &ref_id,
            |list| {
                if creating {
                    add_entry(list, entry.clone(), &import_id)
                } else {
                    Ok(list.upsert(entry.clone()))
                }
            },
            &ctx.cancel,
        )
        .await
        .map_err(|e| diag(&what, &e))?;
    state_after_write(cloud, ctx, m, &ref_id).await
}
