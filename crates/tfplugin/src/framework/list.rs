//! List resources (Terraform 1.14+ `terraform query`): enumerate the remote objects of a
//! managed resource type so that a user can adopt them (`-generate-config-out`).
//!
//! A [`ListResource`] has the type name of the managed resource it lists (Terraform looks
//! the resource schema and identity schema up by that name) and its own configuration
//! schema (what to list). It answers [`ListedObject`]s: a display name and the object's
//! state as the managed resource's read would write it. The gRPC layer derives each
//! identity from that state with the managed resource's
//! [`crate::framework::traits::Resource::identity`], sends the state only when Terraform
//! asked for resource objects, and stops at Terraform's limit.

use async_trait::async_trait;

use super::diag::Diagnostics;
use super::schema::Schema;
use super::traits::CallContext;
use super::value::Value;

/// What [`ListResource::list`] receives.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// The `config {}` block of the `list` block.
    pub config: Value,
    /// Terraform wants the resource objects (always true with `-generate-config-out`).
    pub include_resource: bool,
    /// At most this many objects are used (Terraform's default is 100).
    pub limit: i64,
}

/// One object found.
#[derive(Debug, Clone)]
pub struct ListedObject {
    /// Shown by `terraform query`.
    pub display_name: String,
    /// A state of the managed resource's schema naming the object (its identity is
    /// derived from it). When the object could not be read completely, a state whose
    /// identity attributes are set is enough for an import.
    pub state: Value,
}

/// A list resource type.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The managed resource type this lists, e.g. `crosscluster_role`.
    fn type_name(&self) -> &str;

    /// Schema of the `config {}` block.
    fn schema(&self) -> Schema;

    /// Extra validation of the configuration (schema validators already ran); values
    /// may be unknown.
    async fn validate_config(&self, _ctx: &CallContext, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// The objects, in a stable order.
    async fn list(
        &self,
        ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics>;
}
