//! `crosscluster_organization`: the Elastic Cloud organization the provider's `cloud` API key
//! belongs to (`GET /api/v1/organizations`). Its `id` is what another organization's
//! `crosscluster_trusted_environment.organization_id` needs.

use async_trait::async_trait;

use crate::client::cloud::Organization;
use crate::framework::diag::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::traits::{CallContext, DataSource, StateResponse};
use crate::framework::value::Value;

use crate::provider::common::{Call, During};

/// The data source type.
pub struct OrganizationDataSource;

/// The schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The Elastic Cloud organization of the provider's `cloud` credentials (`GET \
                 /api/v1/organizations`; not available on ECE). Use its `id` as the \
                 `organization_id` of a `crosscluster_trusted_environment` in the other \
                 organization.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("The organization id."),
            )
            .attribute(
                Attribute::string("name")
                    .computed()
                    .description("The organization name."),
            ),
    )
}

/// The state for one organization (pure; unit-tested).
pub fn to_state(org: &Organization) -> Value {
    Value::object([
        ("id", Value::String(org.id.clone())),
        ("name", Value::String(org.name.clone())),
    ])
}

/// Picks the caller's organization from the list the API returned.
pub fn pick(orgs: &[Organization]) -> Result<&Organization, Diagnostic> {
    match orgs {
        [one] => Ok(one),
        [] => Err(Diagnostic::error(
            "No organization",
            "The Cloud API returned no organization for these credentials (ECE has no organizations; this data source is for Elastic Cloud).",
        )),
        [first, ..] => Ok(first),
    }
}

#[async_trait]
impl DataSource for OrganizationDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_organization"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &CallContext, _config: Value) -> Result<StateResponse, Diagnostics> {
        let call = Call::new(ctx)?;
        let orgs = call
            .cloud()?
            .list_organizations(call.cancel())
            .await
            .during(|| "to list organizations".into())?;
        let org = pick(&orgs)?;
        tracing::debug!(organization_id = %org.id, "read organization");
        Ok(StateResponse::new(to_state(org)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, name: &str) -> Organization {
        Organization {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn picks_and_maps() {
        let one = [org("1000000001", "Org one")];
        let state = to_state(pick(&one).unwrap());
        assert_eq!(
            state.get_attr("id").and_then(Value::as_str),
            Some("1000000001")
        );
        assert_eq!(
            state.get_attr("name").and_then(Value::as_str),
            Some("Org one")
        );
        assert!(pick(&[]).is_err());
        let two = [org("1", "a"), org("2", "b")];
        assert_eq!(pick(&two).unwrap().id, "1");
    }
}
