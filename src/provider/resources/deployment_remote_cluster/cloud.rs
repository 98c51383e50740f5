//! The Cloud calls of `crosscluster_deployment_remote_cluster`: resolving default ref_ids,
//! reading this alias's entry and the read-modify-write of the list.
//!
//! The remote-clusters API only replaces the whole list, so every write is a read-modify-write
//! under the deployment's lock ([`CloudClient::update_remote_clusters`]) that changes this
//! resource's alias and sends every other entry back as it was read.

use crate::client::cloud::{GetDeploymentParams, RemoteResourceRef};
use crate::client::{ClientError, CloudClient};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::traits::{CallContext, StateResponse};
use crate::provider::common::{api_error, client_error, format_alias_id, ref_or_first};
use crate::provider::resources::recover::{
    may_have_landed, planned_note, read_back, read_note, with_error, write_diag,
};
use tokio_util::sync::CancellationToken;

use super::super::deployment_edit::EditError;
use super::model::{DeploymentRemoteClusterModel, add_entry, from_entry, planned_state};
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
    fetch_entry(cloud, &ctx.cancel, deployment_id, ref_id, alias)
        .await
        .map_err(|e| {
            diag(
                &format!("to read the remote clusters of deployment {deployment_id}"),
                &e,
            )
        })
}

/// [`read_entry`] with the client's error.
async fn fetch_entry(
    cloud: &CloudClient,
    cancel: &CancellationToken,
    deployment_id: &str,
    ref_id: &str,
    alias: &str,
) -> Result<Option<RemoteResourceRef>, ClientError> {
    match cloud
        .get_remote_clusters(deployment_id, ref_id, cancel)
        .await
    {
        Ok(list) => Ok(list.resources.into_iter().find(|r| r.alias == alias)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Create (`creating`: add the alias, adopting an identical one and refusing any other) and
/// update (replace its entry), then read back. When anything fails once the write may have
/// been accepted, the entry as it now is (read on a token of its own) or, when even that read
/// fails, as written goes into the state with the error, so Terraform never loses an alias it
/// wrote (a new one is saved tainted).
pub(super) async fn write(
    cloud: &CloudClient,
    ctx: &CallContext,
    m: &DeploymentRemoteClusterModel,
    creating: bool,
) -> Result<StateResponse, Diagnostics> {
    let (ref_id, remote_ref) = resolve_refs(cloud, ctx, m).await?;
    let import_id = format_alias_id(&m.deployment_id, &ref_id, &m.alias);
    let entry = m.to_entry(remote_ref.clone());
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
    // Whether the edit ran and went into a write (or adopted an identical alias): only then
    // can an alias found after an error be this resource's.
    let mut edited = false;
    let written = cloud
        .update_remote_clusters(
            &m.deployment_id,
            &ref_id,
            |list| {
                let r = if creating {
                    add_entry(list, entry.clone(), &import_id)
                } else {
                    Ok(list.upsert(entry.clone()))
                };
                edited |= r.is_ok();
                r
            },
            &ctx.cancel,
        )
        .await;
    let (e, diagnostic) = match written {
        Ok(_) => match fetch_entry(cloud, &ctx.cancel, &m.deployment_id, &ref_id, &m.alias).await {
            Ok(Some(entry)) => {
                return StateResponse::from_model(&from_entry(&m.deployment_id, &ref_id, &entry));
            }
            Ok(None) => return Err(missing_after_write(m)),
            Err(e) => {
                let d = api_error(
                    &format!(
                        "to read the remote clusters of deployment {}",
                        m.deployment_id
                    ),
                    &e,
                );
                (e, d)
            }
        },
        Err(e) => {
            let d = match diag(&what, &e).iter().next() {
                Some(d) => d.clone(),
                None => api_error(&what, &e),
            };
            (e, d)
        }
    };
    let diagnostic = write_diag(&e, ctx.is_cancelled(), diagnostic);
    if (creating && !edited) || !may_have_landed(&e) {
        return Err(diagnostic.into());
    }
    let (dep, alias, r) = (m.deployment_id.as_str(), m.alias.as_str(), ref_id.as_str());
    match read_back(|t| async move { fetch_entry(cloud, &t, dep, r, alias).await }).await {
        Ok(Some(entry)) => Ok(with_error(
            StateResponse::from_model(&from_entry(dep, r, &entry))?,
            read_note(diagnostic),
        )),
        Ok(None) => Err(diagnostic.into()),
        Err(read_error) => Ok(with_error(
            StateResponse::from_model(&planned_state(m, r, &remote_ref))?,
            planned_note(diagnostic, &read_error),
        )),
    }
}

fn missing_after_write(m: &DeploymentRemoteClusterModel) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(
        "Remote cluster missing after write",
        format!(
            "The remote clusters of deployment {} do not list alias {:?} right after it was written; it may have been removed concurrently.",
            m.deployment_id, m.alias
        ),
    ))
}
