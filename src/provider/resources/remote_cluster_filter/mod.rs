//! `crosscluster_remote_cluster_filter`: one traffic-filter ruleset of type `remote_cluster`
//! and its association with one deployment (api-facts-next 2).
//!
//! Why one resource for both: the ruleset is created by this resource for this deployment
//! (`include_by_default` false), so the ruleset and its one association are one object that
//! nobody else owns; a separate association resource would let the ruleset exist without any
//! effect, and a rule-level resource would have to rewrite a shared `rules` array (the API
//! replaces it whole). Other rulesets and associations are never touched: destroy removes
//! only this deployment's association, and deletes the ruleset only when nothing else uses it.

mod identity;
mod model;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::client::ClientError;
use crate::client::cloud::{CloudClient, GetDeploymentParams, TrafficFilterRuleset};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::model::{Known, Model};
use crate::framework::schema::Schema;
use crate::framework::traits::{
    CallContext, CreateRequest, DeleteRequest, ReadRequest, Resource, StateResponse, UpdateRequest,
};
use crate::framework::value::Value;
use crate::provider::common::{Call, During, api_error};
use crate::provider::resources::recover::{may_have_landed, read_back};

use model::{
    RULESET_TYPE, RemoteClusterFilterModel, format_id, from_api, landed, parse_import_id,
    to_request,
};
use schema::DEPLOYMENT_ID;
use validate::{ConfigModel, validate};

/// The resource type name.
const TYPE_NAME: &str = "crosscluster_remote_cluster_filter";

/// The resource type.
pub struct RemoteClusterFilterResource;

/// Traffic-filter "not found" includes 403 (Elastic Cloud answers 403 for a ruleset of
/// another organization; api-facts-next 2.3).
fn gone(e: &ClientError) -> bool {
    matches!(e.status(), Some(404 | 403))
}

async fn read_ruleset(
    cloud: &CloudClient,
    call: &Call<'_>,
    id: &str,
) -> Result<Option<TrafficFilterRuleset>, Diagnostics> {
    match cloud
        .get_traffic_filter_ruleset(id, true, call.cancel())
        .await
    {
        Ok(r) => Ok(Some(r)),
        Err(e) if gone(&e) => Ok(None),
        Err(e) => Err(api_error(&format!("to read traffic filter ruleset {id}"), &e).into()),
    }
}

/// State after an accepted create whose later steps failed: what exists now.
fn partial(
    plan: &RemoteClusterFilterModel,
    id: &str,
    region: &str,
    associated: bool,
) -> RemoteClusterFilterModel {
    let dep = plan.deployment_id.as_deref().unwrap_or("");
    RemoteClusterFilterModel {
        ruleset_id: Known::Value(id.to_string()),
        deployment_id: if associated {
            plan.deployment_id.clone()
        } else {
            None
        },
        region: Known::Value(region.to_string()),
        id: Known::Value(format_id(dep, id)),
        ..plan.clone()
    }
}

fn with_error(m: &RemoteClusterFilterModel, d: Diagnostic) -> Result<StateResponse, Diagnostics> {
    let mut resp = StateResponse::from_model(m)?;
    resp.diagnostics.push(d);
    Ok(resp)
}

#[async_trait]
impl Resource for RemoteClusterFilterResource {
    fn identity_schema(&self) -> Option<crate::framework::identity::IdentitySchema> {
        Some(identity::schema())
    }

    fn import_id_from_identity(
        &self,
        identity: &crate::framework::value::Value,
    ) -> Result<String, crate::framework::diag::Diagnostics> {
        identity::import_id(identity)
    }

    fn identity(
        &self,
        state: &crate::framework::value::Value,
    ) -> Option<crate::framework::value::Value> {
        Some(identity::of_state(state))
    }

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn validate_config(&self, _ctx: &CallContext, config: &Value) -> Diagnostics {
        match ConfigModel::from_value(config) {
            Ok(c) => validate(&c),
            Err(d) => d,
        }
    }

    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let plan: RemoteClusterFilterModel = req.plan()?;
        let dep_id = plan.deployment_id.clone().unwrap_or_default();
        let dep = cloud
            .get_deployment(&dep_id, &GetDeploymentParams::for_read(), call.cancel())
            .await
            .during(|| format!("to read deployment {dep_id} (for its region)"))?;
        let region = dep
            .es_view(None)
            .during(|| format!("to read the region of deployment {dep_id}"))?
            .region;
        let body = to_request(&plan, &region);
        let what = || format!("to create the remote cluster filter {:?}", body.name);
        // The POST is not repeatable: what existed before it tells a create that landed
        // without an answer from one that did not.
        let before: BTreeSet<String> = cloud
            .list_traffic_filter_rulesets(&region, call.cancel())
            .await
            .during(|| format!("to list the traffic filter rulesets of region {region}"))?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let id = match cloud
            .create_traffic_filter_ruleset(&body, call.cancel())
            .await
        {
            Ok(id) => id,
            Err(e) if may_have_landed(&e) => {
                let after = read_back(|t| {
                    let region = region.clone();
                    async move { cloud.list_traffic_filter_rulesets(&region, &t).await }
                })
                .await;
                let found = match &after {
                    Ok(list) => landed(&before, list, &body.name),
                    Err(le) => {
                        let mut d = api_error(&what(), &e);
                        d.detail = format!(
                            "{}\n\nThe ruleset may have been created, and looking for it failed too ({le}): list the rulesets (GET /api/v1/deployments/traffic-filter/rulesets?region={region}) and delete one named {:?} that no deployment uses, or import it.",
                            d.detail, body.name
                        );
                        return Err(d.into());
                    }
                };
                match found.as_slice() {
                    [] => return Err(api_error(&what(), &e).into()),
                    [r] => {
                        tracing::debug!(ruleset = %r.id, "the create's answer was lost; the ruleset it made is adopted");
                        r.id.clone()
                    }
                    many => {
                        let ids: Vec<&str> = many.iter().map(|r| r.id.as_str()).collect();
                        let mut d = api_error(&what(), &e);
                        d.detail = format!(
                            "{}\n\nRulesets named {:?} appeared meanwhile ({}): another process may be creating them; none was taken into the state.",
                            d.detail,
                            body.name,
                            ids.join(", ")
                        );
                        return Err(d.into());
                    }
                }
            }
            Err(e) => return Err(api_error(&what(), &e).into()),
        };
        // From here on the ruleset exists: every answer carries it in the state.
        if let Err(e) = cloud
            .associate_traffic_filter_ruleset(&id, &dep_id, call.cancel())
            .await
        {
            return with_error(
                &partial(&plan, &id, &region, false),
                api_error(
                    &format!(
                        "to associate traffic filter ruleset {id} with deployment {dep_id} (the ruleset was created; the next apply replaces it)"
                    ),
                    &e,
                ),
            );
        }
        match read_ruleset(cloud, &call, &id).await {
            Ok(Some(r)) => StateResponse::from_model(&from_api(&r, &dep_id)),
            Ok(None) => with_error(
                &partial(&plan, &id, &region, true),
                Diagnostic::error(
                    "Remote cluster filter disappeared",
                    format!(
                        "Traffic filter ruleset {id} was created and associated with deployment {dep_id}, but reading it back found nothing."
                    ),
                ),
            ),
            Err(d) => {
                let mut resp = StateResponse::from_model(&partial(&plan, &id, &region, true))?;
                resp.diagnostics.extend(d);
                Ok(resp)
            }
        }
    }

    async fn read(
        &self,
        ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let m: RemoteClusterFilterModel = req.state()?;
        let Some(id) = m.ruleset_id.value().cloned() else {
            return Ok(StateResponse::gone());
        };
        let Some(r) = read_ruleset(cloud, &call, &id).await? else {
            return Ok(StateResponse::gone());
        };
        if r.kind != RULESET_TYPE {
            return Err(Diagnostic::error(
                "Not a remote cluster filter",
                format!("Traffic filter ruleset {id} has type {:?}; crosscluster_remote_cluster_filter manages rulesets of type {RULESET_TYPE:?} only.", r.kind),
            )
            .into());
        }
        // The deployment of the id, so that a lost association still names it.
        let of_id =
            m.id.value()
                .and_then(|i| i.split_once('/'))
                .map(|(d, _)| d.to_string());
        let dep = m.deployment_id.clone().or(of_id).unwrap_or_default();
        Ok(StateResponse::from_model(&from_api(&r, &dep))?.with_private(req.private))
    }

    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let plan: RemoteClusterFilterModel = req.plan()?;
        let prior: RemoteClusterFilterModel = req.prior()?;
        let id = prior.ruleset_id.value().cloned().unwrap_or_default();
        let region = prior.region.value().cloned().unwrap_or_default();
        let dep_id = plan.deployment_id.clone().unwrap_or_default();
        cloud
            .update_traffic_filter_ruleset(&id, &to_request(&plan, &region), call.cancel())
            .await
            .during(|| format!("to update traffic filter ruleset {id}"))?;
        match read_ruleset(cloud, &call, &id).await? {
            Some(r) => StateResponse::from_model(&from_api(&r, &dep_id)),
            None => Err(Diagnostic::error(
                "Remote cluster filter disappeared",
                format!(
                    "Traffic filter ruleset {id} was updated, but reading it back found nothing."
                ),
            )
            .into()),
        }
    }

    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics> {
        let call = Call::new(ctx)?;
        let cloud = call.cloud()?;
        let m: RemoteClusterFilterModel = req.state()?;
        let Some(id) = m.ruleset_id.value().cloned() else {
            return Ok(());
        };
        let Some(r) = read_ruleset(cloud, &call, &id).await? else {
            return Ok(());
        };
        if let Some(dep) = m.deployment_id.as_deref()
            && r.associated_with(dep)
        {
            match cloud
                .dissociate_traffic_filter_ruleset(&id, dep, call.cancel())
                .await
            {
                Ok(()) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => {
                    return Err(api_error(
                        &format!("to remove the association of traffic filter ruleset {id} with deployment {dep}"),
                        &e,
                    )
                    .into());
                }
            }
        }
        let others: Vec<String> = r
            .associations
            .iter()
            .filter(|a| Some(a.id.as_str()) != m.deployment_id.as_deref())
            .map(|a| format!("{} {}", a.entity_type, a.id))
            .collect();
        if !others.is_empty() {
            return Err(Diagnostic::error(
                "Remote cluster filter still in use",
                format!(
                    "Traffic filter ruleset {id} is also associated with {} (outside this resource), so it was not deleted (only its association with this resource's deployment was removed). Remove those associations, or remove the resource from the state with terraform state rm.",
                    others.join(", ")
                ),
            )
            .with_path(AttributePath::attr_path(DEPLOYMENT_ID))
            .into());
        }
        match cloud
            .delete_traffic_filter_ruleset(&id, call.cancel())
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if gone(&e) => Ok(()),
            Err(e) => Err(api_error(&format!("to delete traffic filter ruleset {id}"), &e).into()),
        }
    }

    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        let Some((dep, rs)) = parse_import_id(id) else {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("The import id of {TYPE_NAME} is <deployment_id>/<ruleset_id> (deployment id: 32 lowercase hexadecimal characters); got {id:?}."),
            )
            .into());
        };
        StateResponse::from_model(&RemoteClusterFilterModel {
            id: Known::Value(format_id(&dep, &rs)),
            deployment_id: Some(dep),
            ruleset_id: Known::Value(rs),
            ..Default::default()
        })
    }
}
