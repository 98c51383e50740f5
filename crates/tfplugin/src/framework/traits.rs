//! The traits a provider implements: [`Provider`], [`Resource`], [`DataSource`], [`Function`],
//! plus their request/response types, the call context (cancellation, configured
//! provider data), private state, import by id and the reusable [`Timeouts`] block.
//!
//! The gRPC bridge (`plugin::provider_service`) does the protocol work around these
//! traits: it decodes values, runs schema validators, applies the generic plan rules of
//! [`crate::framework::plan`] (defaults, unknown computed values, use-state-for-unknown,
//! requires-replace, write-only nulling) before calling [`Resource::modify_plan`], and turns
//! diagnostics into protocol diagnostics.
//!
//! # Implementing a resource
//!
//! ```
//! use async_trait::async_trait;
//! use tfplugin::framework::decode::{ObjectReader, set_attr};
//! use tfplugin::framework::diag::Diagnostics;
//! use tfplugin::framework::schema::{Attribute, Block, Schema};
//! use tfplugin::framework::traits::*;
//! use tfplugin::framework::value::Value;
//!
//! struct Greeting;
//!
//! #[async_trait]
//! impl Resource for Greeting {
//!     fn type_name(&self) -> &str { "crosscluster_greeting" }
//!     fn schema(&self) -> Schema {
//!         Schema::new(Block::new()
//!             .attribute(Attribute::string("id").computed().use_state_for_unknown())
//!             .attribute(Attribute::string("name").required().requires_replace())
//!             .block(Timeouts::block(&[TimeoutOp::Create])))
//!     }
//!     async fn create(&self, ctx: &CallContext, req: CreateRequest) -> Result<StateResponse, Diagnostics> {
//!         let plan = ObjectReader::root(&req.planned_state)?;
//!         let name = plan.string("name")?;
//!         let _deadline = Timeouts::from_object(&req.planned_state)?.create_or(std::time::Duration::from_secs(600));
//!         if ctx.is_cancelled() { return Err(Diagnostics::from(cancelled())); }
//!         // ... call the API with ctx.data::<MyClient>()? ...
//!         let state = set_attr(req.planned_state.clone(), "id", Value::String(format!("g-{name}")));
//!         Ok(StateResponse::new(state))
//!     }
//!     async fn read(&self, _ctx: &CallContext, req: ReadRequest) -> Result<StateResponse, Diagnostics> {
//!         // Return StateResponse::gone() when the remote object no longer exists.
//!         Ok(StateResponse::new(req.current_state).with_private(req.private))
//!     }
//!     async fn update(&self, _ctx: &CallContext, req: UpdateRequest) -> Result<StateResponse, Diagnostics> {
//!         Ok(StateResponse::new(req.planned_state))
//!     }
//!     async fn delete(&self, _ctx: &CallContext, _req: DeleteRequest) -> Result<(), Diagnostics> {
//!         Ok(())
//!     }
//!     async fn import_state(&self, _ctx: &CallContext, id: &str) -> Result<StateResponse, Diagnostics> {
//!         Ok(StateResponse::new(import_by_id(&self.schema(), "id", id)))
//!     }
//! }
//! ```
//!
//! # Implementing a function
//!
//! ```
//! use async_trait::async_trait;
//! use tfplugin::framework::traits::*;
//! use tfplugin::framework::value::{Type, Value};
//!
//! struct Upper;
//!
//! #[async_trait]
//! impl Function for Upper {
//!     fn name(&self) -> &str { "upper" }
//!     fn signature(&self) -> Signature {
//!         Signature::new(Type::String)
//!             .summary("Upper-cases a string")
//!             .parameter(Parameter::new("text", Type::String).description("the input"))
//!     }
//!     async fn call(&self, _ctx: &CallContext, args: Vec<Value>) -> Result<Value, FunctionError> {
//!         match args.first() {
//!             Some(Value::String(s)) if !s.is_empty() => Ok(Value::String(s.to_uppercase())),
//!             _ => Err(FunctionError::argument(0, "text must be a non-empty string")),
//!         }
//!     }
//! }
//! ```

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::action::Action;
use super::decode::ObjectReader;
use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::identity::IdentitySchema;
use super::list::ListResource;
use super::model::Model;
use super::schema::{Attribute, Block, Description, NestedBlock, Schema, Validator};
use super::value::{Type, Value};

// ---------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------

/// Whatever the provider's `configure` produced (API clients, settings), shared with
/// every resource and data source call. Downcast with [`CallContext::data`].
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// What Terraform said it supports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientCapabilities {
    /// Terraform accepts deferred responses.
    pub deferral_allowed: bool,
    /// Terraform supports write-only attributes.
    pub write_only_attributes_allowed: bool,
}

/// Passed to every resource, data source and function call.
#[derive(Clone)]
pub struct CallContext {
    /// Cancelled when Terraform sends StopProvider: abandon work promptly.
    pub cancel: CancellationToken,
    /// The data returned by [`Provider::configure`], once configured.
    pub provider_data: Option<ProviderData>,
    /// Terraform's capabilities, when the request carried them.
    pub client_capabilities: ClientCapabilities,
}

impl CallContext {
    /// A context with a token and nothing configured.
    pub fn new(cancel: CancellationToken) -> Self {
        Self {
            cancel,
            provider_data: None,
            client_capabilities: ClientCapabilities::default(),
        }
    }

    /// This context with provider data.
    #[must_use]
    pub fn with_data(mut self, data: ProviderData) -> Self {
        self.provider_data = Some(data);
        self
    }

    /// The configured provider data as `T`, or an error diagnostic when the provider
    /// was not configured (or configured with another type).
    pub fn data<T: Any + Send + Sync>(&self) -> Result<Arc<T>, Diagnostic> {
        self.provider_data
            .clone()
            .and_then(|d| d.downcast::<T>().ok())
            .ok_or_else(|| {
                Diagnostic::error(
                    "Provider not configured",
                    "The provider has not been configured yet (its configuration may depend on values known only after apply).",
                )
            })
    }

    /// Whether StopProvider was received.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

/// The diagnostic to return when work stops because of StopProvider.
pub fn cancelled() -> Diagnostic {
    Diagnostic::error(
        "Operation cancelled",
        "Terraform asked the provider to stop; the operation was abandoned.",
    )
}

/// A snapshot of environment variables (injectable in tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    /// The process environment (variables that are not valid Unicode are skipped).
    pub fn from_process() -> Self {
        Self(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        )
    }

    /// An environment made of these pairs.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The variable's value; empty values count as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

// ---------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------

/// Name and version of the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// The provider's type name (prefix of its resource names), e.g. `crosscluster`.
    pub type_name: String,
    /// The provider's version.
    pub version: String,
}

/// What [`Provider::configure`] receives.
#[derive(Clone)]
pub struct ConfigureRequest {
    /// The provider block's value (may contain unknowns when it depends on other resources).
    pub config: Value,
    /// Terraform's version string.
    pub terraform_version: String,
    /// Environment variables.
    pub env: Env,
    /// Terraform's capabilities.
    pub client_capabilities: ClientCapabilities,
    /// Cancelled by StopProvider.
    pub cancel: CancellationToken,
}

/// What [`Provider::configure`] returns.
#[derive(Default)]
pub struct ConfigureResponse {
    /// Data handed to every later call through [`CallContext::data`].
    pub data: Option<ProviderData>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl ConfigureResponse {
    /// A successful configuration producing `data`.
    pub fn with_data<T: Any + Send + Sync>(data: T) -> Self {
        Self {
            data: Some(Arc::new(data)),
            diagnostics: Diagnostics::new(),
        }
    }

    /// A failed configuration.
    pub fn failed(diagnostics: Diagnostics) -> Self {
        Self {
            data: None,
            diagnostics,
        }
    }
}

/// A Terraform provider.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Name and version.
    fn metadata(&self) -> ProviderMetadata;

    /// Schema of the provider block.
    fn schema(&self) -> Schema;

    /// Extra validation of the provider block (schema validators already ran).
    async fn validate_config(&self, _config: &Value, _env: &Env) -> Diagnostics {
        Diagnostics::new()
    }

    /// Configures API clients from the provider block and the environment.
    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse;

    /// The environment used for validation and configuration (override in tests).
    fn env(&self) -> Env {
        Env::from_process()
    }

    /// Managed resource types.
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }

    /// Data source types.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// Provider-defined functions (callable without configuring the provider).
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// List resource types (`terraform query`); each lists a managed resource type of the
    /// same name, which must declare an identity.
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    /// Action types.
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        Vec::new()
    }
}

// ---------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------

/// A state value with private bytes and warnings: what create/read/update/import return.
#[derive(Debug, Clone)]
pub struct StateResponse {
    /// The new state (an object of the schema; [`Value::Null`] from read when gone).
    pub state: Value,
    /// Opaque private state stored next to the state.
    pub private: Vec<u8>,
    /// Warnings to show.
    pub diagnostics: Diagnostics,
}

impl StateResponse {
    /// A response with this state and no private data.
    pub fn new(state: Value) -> Self {
        Self {
            state,
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
        }
    }

    /// From [`Resource::read`]: the remote object no longer exists.
    pub fn gone() -> Self {
        Self::new(Value::Null)
    }

    /// This response with private state bytes.
    #[must_use]
    pub fn with_private(mut self, private: Vec<u8>) -> Self {
        self.private = private;
        self
    }

    /// This response with an added warning.
    #[must_use]
    pub fn with_warning(mut self, d: Diagnostic) -> Self {
        self.diagnostics.push(d);
        self
    }

    /// A response whose state is the typed model `m`, written as its schema's object.
    pub fn from_model<M: Model>(m: &M) -> Result<Self, Diagnostics> {
        m.to_value().map(Self::new)
    }
}

impl CreateRequest {
    /// The planned state as the typed model.
    pub fn plan<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.planned_state)
    }

    /// The configuration as the typed model (write-only attributes are only here).
    pub fn config<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.config)
    }
}

impl ReadRequest {
    /// The current state as the typed model.
    pub fn state<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.current_state)
    }
}

impl UpdateRequest {
    /// The planned state as the typed model.
    pub fn plan<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.planned_state)
    }

    /// The state before the change as the typed model.
    pub fn prior<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.prior_state)
    }

    /// The configuration as the typed model.
    pub fn config<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.config)
    }
}

/// `None` for a null value (no configuration when destroying, no prior state when creating).
fn opt_model<M: Model>(v: &Value) -> Result<Option<M>, Diagnostics> {
    match v {
        Value::Null => Ok(None),
        v => M::from_value(v).map(Some),
    }
}

impl PlanRequest {
    /// The configuration as the typed model; `None` when destroying.
    pub fn config<M: Model>(&self) -> Result<Option<M>, Diagnostics> {
        opt_model(&self.config)
    }

    /// The prior state as the typed model; `None` when creating.
    pub fn prior<M: Model>(&self) -> Result<Option<M>, Diagnostics> {
        opt_model(&self.prior_state)
    }
}

impl PlannedChange {
    /// The planned state as the typed model; `None` when destroying.
    pub fn planned<M: Model>(&self) -> Result<Option<M>, Diagnostics> {
        opt_model(&self.planned_state)
    }

    /// Replaces the planned state with the typed model `m`.
    pub fn set_planned<M: Model>(&mut self, m: &M) -> Result<(), Diagnostics> {
        self.planned_state = m.to_value()?;
        Ok(())
    }
}

impl DeleteRequest {
    /// The state being destroyed as the typed model.
    pub fn state<M: Model>(&self) -> Result<M, Diagnostics> {
        M::from_value(&self.prior_state)
    }
}

/// Input of [`Resource::create`].
#[derive(Debug, Clone)]
pub struct CreateRequest {
    /// The configuration (write-only attributes are only here).
    pub config: Value,
    /// The planned state; the result must match its known values.
    pub planned_state: Value,
    /// Private bytes from the plan.
    pub planned_private: Vec<u8>,
}

/// Input of [`Resource::read`].
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The state as Terraform knows it.
    pub current_state: Value,
    /// Private bytes stored with it.
    pub private: Vec<u8>,
}

/// Input of [`Resource::update`].
#[derive(Debug, Clone)]
pub struct UpdateRequest {
    /// The configuration.
    pub config: Value,
    /// The state before the change.
    pub prior_state: Value,
    /// The planned state; the result must match its known values.
    pub planned_state: Value,
    /// Private bytes from the plan.
    pub planned_private: Vec<u8>,
}

/// Input of [`Resource::delete`].
#[derive(Debug, Clone)]
pub struct DeleteRequest {
    /// The state being destroyed.
    pub prior_state: Value,
    /// Private bytes stored with it.
    pub private: Vec<u8>,
}

/// Input of [`Resource::modify_plan`].
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// The configuration (null when destroying).
    pub config: Value,
    /// The prior state (null when creating).
    pub prior_state: Value,
    /// Terraform's proposed new state.
    pub proposed_new_state: Value,
    /// Private bytes of the prior state.
    pub prior_private: Vec<u8>,
}

/// A plan being built; [`Resource::modify_plan`] may change any part of it.
#[derive(Debug, Clone)]
pub struct PlannedChange {
    /// The planned state (null when destroying).
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Private bytes carried to apply.
    pub planned_private: Vec<u8>,
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// Full type name, e.g. `crosscluster_trust`.
    fn type_name(&self) -> &str;

    /// The schema (its version drives [`Resource::upgrade_state`]).
    fn schema(&self) -> Schema;

    /// Extra validation (schema validators already ran). Values may be unknown.
    async fn validate_config(&self, _ctx: &CallContext, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Adjusts the plan after the generic rules ran (also called for destroy, with a
    /// null planned state).
    async fn modify_plan(
        &self,
        _ctx: &CallContext,
        _req: &PlanRequest,
        _plan: &mut PlannedChange,
    ) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the remote object.
    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics>;

    /// Refreshes the state; [`StateResponse::gone`] when the object no longer exists.
    async fn read(&self, ctx: &CallContext, req: ReadRequest)
    -> Result<StateResponse, Diagnostics>;

    /// Updates the remote object in place.
    async fn update(
        &self,
        ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics>;

    /// Deletes the remote object.
    async fn delete(&self, ctx: &CallContext, req: DeleteRequest) -> Result<(), Diagnostics>;

    /// Imports by id: return a state that a following [`Resource::read`] can fill
    /// (see [`import_by_id`]).
    async fn import_state(
        &self,
        _ctx: &CallContext,
        _id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        Err(Diagnostic::error(
            "Import not supported",
            format!(
                "The resource type {} does not support import.",
                self.type_name()
            ),
        )
        .into())
    }

    /// The identity schema (Terraform 1.12+), when instances have an identity: the
    /// attributes that name the remote object. Keep it stable: a change needs a new
    /// identity version.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// The identity a state names (an object of [`Resource::identity_schema`]'s type).
    /// Default: the state attributes of the same names ([`IdentitySchema::project`]).
    /// Values still unknown in a plan stay unknown; the gRPC layer only reports a wholly
    /// known identity after Read, Apply and Import.
    fn identity(&self, state: &Value) -> Option<Value> {
        self.identity_schema().map(|s| s.project(state))
    }

    /// The import id that [`Resource::import_state`] accepts for this identity
    /// (`import { identity = {...} }`). Check it with [`IdentitySchema::read_import`].
    fn import_id_from_identity(&self, _identity: &Value) -> Result<String, Diagnostics> {
        Err(Diagnostic::error(
            "Import by identity not supported",
            format!(
                "The resource type {} cannot be imported by identity; import it by id.",
                self.type_name()
            ),
        )
        .into())
    }

    /// Upgrades a stored state of an older schema version (`raw_json` is the state's
    /// JSON as Terraform stored it). Only called when `from_version` is lower than the
    /// current schema version.
    async fn upgrade_state(
        &self,
        _ctx: &CallContext,
        from_version: i64,
        _raw_json: &[u8],
    ) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Unable to upgrade resource state",
            format!(
                "The resource type {} has no upgrade from schema version {from_version}.",
                self.type_name()
            ),
        )
        .into())
    }
}

/// A state for `schema` with every attribute null except `id_attribute` set to `id`.
pub fn import_by_id(schema: &Schema, id_attribute: &str, id: &str) -> Value {
    super::decode::set_attr(
        schema.block.empty_value(),
        id_attribute,
        Value::String(id.to_string()),
    )
}

// ---------------------------------------------------------------------------
// Data sources
// ---------------------------------------------------------------------------

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// Full type name, e.g. `crosscluster_trust_info`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Extra validation (schema validators already ran).
    async fn validate_config(&self, _ctx: &CallContext, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data: return the config with computed attributes filled in.
    async fn read(&self, ctx: &CallContext, config: Value) -> Result<StateResponse, Diagnostics>;
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

/// A function parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Display name.
    pub name: String,
    /// Type constraint.
    pub ty: Type,
    /// Description.
    pub description: Description,
    /// Null arguments are passed through (otherwise Terraform rejects them).
    pub allow_null: bool,
    /// Unknown arguments are passed through (otherwise Terraform skips the call).
    pub allow_unknown: bool,
}

impl Parameter {
    /// A parameter that accepts neither null nor unknown values.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self {
            name: name.into(),
            ty,
            description: Description::default(),
            allow_null: false,
            allow_unknown: false,
        }
    }

    /// Plain description.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::plain(text);
        self
    }

    /// Accept null arguments.
    #[must_use]
    pub fn allow_null(mut self) -> Self {
        self.allow_null = true;
        self
    }
}

/// Signature and documentation of a function.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Positional parameters.
    pub parameters: Vec<Parameter>,
    /// Optional trailing variadic parameter.
    pub variadic: Option<Parameter>,
    /// Type of the result.
    pub return_type: Type,
    /// One-line summary.
    pub summary: String,
    /// Longer description.
    pub description: Description,
    /// Deprecation message, when deprecated.
    pub deprecation: Option<String>,
}

impl Signature {
    /// A signature without parameters returning `return_type`.
    pub fn new(return_type: Type) -> Self {
        Self {
            parameters: Vec::new(),
            variadic: None,
            return_type,
            summary: String::new(),
            description: Description::default(),
            deprecation: None,
        }
    }

    /// Adds a positional parameter.
    #[must_use]
    pub fn parameter(mut self, p: Parameter) -> Self {
        self.parameters.push(p);
        self
    }

    /// Sets the summary.
    #[must_use]
    pub fn summary(mut self, s: impl Into<String>) -> Self {
        self.summary = s.into();
        self
    }

    /// Sets a Markdown description.
    #[must_use]
    pub fn markdown_description(mut self, s: impl Into<String>) -> Self {
        self.description = Description::markdown(s);
        self
    }

    /// Sets a plain description.
    #[must_use]
    pub fn description(mut self, s: impl Into<String>) -> Self {
        self.description = Description::plain(s);
        self
    }
}

/// A function call failure shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct FunctionError {
    /// Message.
    pub text: String,
    /// Zero-based index of the argument at fault, if any.
    pub argument: Option<i64>,
}

impl FunctionError {
    /// An error not tied to an argument.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            argument: None,
        }
    }

    /// An error about argument `index` (zero-based).
    pub fn argument(index: i64, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            argument: Some(index),
        }
    }
}

/// A provider-defined function (`provider::<name>::<function>(...)`).
#[async_trait]
pub trait Function: Send + Sync + 'static {
    /// Function name (without the `provider::<name>::` prefix).
    fn name(&self) -> &str;

    /// Parameters, return type, documentation.
    fn signature(&self) -> Signature;

    /// Runs the function on arguments already checked against the signature's types.
    async fn call(&self, ctx: &CallContext, args: Vec<Value>) -> Result<Value, FunctionError>;
}

// ---------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------

/// An operation a `timeouts` block can configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutOp {
    /// `create`
    Create,
    /// `read`
    Read,
    /// `update`
    Update,
    /// `delete`
    Delete,
}

impl TimeoutOp {
    /// The attribute name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// Durations from a resource's optional `timeouts { create = "20m" ... }` block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    /// `create`, when set.
    pub create: Option<Duration>,
    /// `read`, when set.
    pub read: Option<Duration>,
    /// `update`, when set.
    pub update: Option<Duration>,
    /// `delete`, when set.
    pub delete: Option<Duration>,
}

/// Name of the timeouts block.
pub const TIMEOUTS_BLOCK: &str = "timeouts";

impl Timeouts {
    /// The `timeouts` nested block (single nesting) with one optional string
    /// attribute per operation, validated as a Go-style duration.
    pub fn block(ops: &[TimeoutOp]) -> NestedBlock {
        let mut b = Block::new().description(
            "Timeouts for operations, as durations like \"30s\", \"20m\" or \"1h30m\".",
        );
        for op in ops {
            b = b.attribute(
                Attribute::string(op.name())
                    .optional()
                    .description(format!("How long to wait for {} to finish.", op.name()))
                    .validator(Validator::custom(|v, path, diags| {
                        if let Value::String(s) = v {
                            if let Err(e) = parse_duration(s) {
                                diags.attribute_error(
                                    path.clone(),
                                    "Invalid timeout",
                                    e.to_string(),
                                );
                            }
                        }
                    })),
            );
        }
        NestedBlock::single(TIMEOUTS_BLOCK, b)
    }

    /// Reads the `timeouts` block of a resource object (absent block: all `None`).
    pub fn from_object(resource: &Value) -> Result<Self, Diagnostics> {
        let root = ObjectReader::root(resource)?;
        let Some(block) = root.opt_block(TIMEOUTS_BLOCK)? else {
            return Ok(Self::default());
        };
        let get = |op: TimeoutOp| -> Result<Option<Duration>, Diagnostics> {
            if !block.has(op.name()) {
                return Ok(None);
            }
            match block.opt_string(op.name())? {
                None => Ok(None),
                Some(s) => parse_duration(&s).map(Some).map_err(|e| {
                    Diagnostic::attribute_error(
                        block.path_of(op.name()),
                        "Invalid timeout",
                        e.to_string(),
                    )
                    .into()
                }),
            }
        };
        Ok(Self {
            create: get(TimeoutOp::Create)?,
            read: get(TimeoutOp::Read)?,
            update: get(TimeoutOp::Update)?,
            delete: get(TimeoutOp::Delete)?,
        })
    }

    /// `create`, or `default` when unset.
    pub fn create_or(&self, default: Duration) -> Duration {
        self.create.unwrap_or(default)
    }

    /// `read`, or `default` when unset.
    pub fn read_or(&self, default: Duration) -> Duration {
        self.read.unwrap_or(default)
    }

    /// `update`, or `default` when unset.
    pub fn update_or(&self, default: Duration) -> Duration {
        self.update.unwrap_or(default)
    }

    /// `delete`, or `default` when unset.
    pub fn delete_or(&self, default: Duration) -> Duration {
        self.delete.unwrap_or(default)
    }
}

/// Why a duration string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Empty, or not of the `<number><unit>...` form.
    #[error("invalid duration {0:?}: expected a sequence like \"1h30m\", \"20m\" or \"45s\"")]
    Invalid(String),
    /// A number without a unit (other than a lone "0").
    #[error("missing unit in duration {0:?} (use ns, us, ms, s, m or h)")]
    MissingUnit(String),
    /// An unknown unit.
    #[error("unknown unit {unit:?} in duration {input:?} (use ns, us, ms, s, m or h)")]
    UnknownUnit {
        /// The unit found.
        unit: String,
        /// The whole input.
        input: String,
    },
    /// Negative durations are not timeouts.
    #[error("negative duration {0:?}")]
    Negative(String),
    /// Too large to represent.
    #[error("duration {0:?} is too large")]
    Overflow(String),
}

/// Parses a Go-style duration (`"300ms"`, `"1.5h"`, `"2h45m"`, `"0"`) into a [`Duration`].
pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let invalid = || DurationError::Invalid(input.to_string());
    let mut s = input;
    if let Some(rest) = s.strip_prefix('-') {
        if rest
            .trim_start_matches(['0', '.'])
            .chars()
            .any(|c| c.is_ascii_digit() && c != '0')
        {
            return Err(DurationError::Negative(input.to_string()));
        }
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total_nanos: u128 = 0;
    while !s.is_empty() {
        let num_end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let num = &s[..num_end];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(invalid());
        }
        s = &s[num_end..];
        let unit_end = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_end];
        s = &s[unit_end..];
        let unit_nanos: u128 = match unit {
            "" => return Err(DurationError::MissingUnit(input.to_string())),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => {
                return Err(DurationError::UnknownUnit {
                    unit: other.to_string(),
                    input: input.to_string(),
                });
            }
        };
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        let overflow = || DurationError::Overflow(input.to_string());
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| overflow())?
        };
        let mut nanos = int.checked_mul(unit_nanos).ok_or_else(overflow)?;
        // Fraction: digits beyond what the unit can resolve are dropped, as Go does.
        let mut scale = unit_nanos;
        for d in frac_part.chars() {
            scale /= 10;
            if scale == 0 {
                break;
            }
            let digit = u128::from(d.to_digit(10).ok_or_else(invalid)?);
            nanos += digit * scale;
        }
        total_nanos = total_nanos.checked_add(nanos).ok_or_else(overflow)?;
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000)
        .map_err(|_| DurationError::Overflow(input.to_string()))?;
    // The remainder is below 1e9, so it fits in u32.
    let sub = (total_nanos % 1_000_000_000) as u32;
    Ok(Duration::new(secs, sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_duration("20m"), Ok(Duration::from_secs(1200)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("2us"), Ok(Duration::from_micros(2)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration(".5s"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("+10s"), Ok(Duration::from_secs(10)));
        assert!(matches!(
            parse_duration("10"),
            Err(DurationError::MissingUnit(_))
        ));
        assert!(matches!(
            parse_duration("10d"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(parse_duration(""), Err(DurationError::Invalid(_))));
        assert!(matches!(
            parse_duration("m"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_duration("-5m"),
            Err(DurationError::Negative(_))
        ));
        assert!(matches!(
            parse_duration("1..2s"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_duration("99999999999999999999999999999999999999h"),
            Err(DurationError::Overflow(_))
        ));
    }

    #[test]
    fn timeouts_block_reads_and_validates() {
        let schema = Schema::new(
            Block::new().block(Timeouts::block(&[TimeoutOp::Create, TimeoutOp::Delete])),
        );
        let mut obj = BTreeMap::new();
        obj.insert("create".to_string(), Value::String("20m".into()));
        obj.insert("delete".to_string(), Value::Null);
        let mut root = BTreeMap::new();
        root.insert(TIMEOUTS_BLOCK.to_string(), Value::Object(obj.clone()));
        let value = Value::Object(root.clone());
        let t = Timeouts::from_object(&value).unwrap();
        assert_eq!(t.create, Some(Duration::from_secs(1200)));
        assert_eq!(t.delete_or(Duration::from_secs(7)), Duration::from_secs(7));
        assert_eq!(t.update, None);

        let mut diags = Diagnostics::new();
        schema
            .block
            .validate(&value, &AttributePath::root(), &mut diags);
        assert!(diags.is_empty(), "{diags}");
        obj.insert("create".to_string(), Value::String("soon".into()));
        root.insert(TIMEOUTS_BLOCK.to_string(), Value::Object(obj));
        schema.block.validate(
            &Value::Object(root.clone()),
            &AttributePath::root(),
            &mut diags,
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags
                .iter()
                .next()
                .and_then(|d| d.path.clone())
                .map(|p| p.to_string())
                .as_deref(),
            Some("timeouts.create")
        );
        let err = Timeouts::from_object(&Value::Object(root)).unwrap_err();
        assert!(err.has_errors());

        // Absent block.
        let none = Timeouts::from_object(&schema.block.empty_value()).unwrap();
        assert_eq!(none, Timeouts::default());
    }

    #[test]
    fn context_data_downcasts() {
        let ctx = CallContext::new(CancellationToken::new());
        assert!(ctx.data::<String>().is_err());
        let ctx = ctx.with_data(Arc::new(String::from("client")));
        assert_eq!(
            ctx.data::<String>()
                .map(|s| s.as_str().to_owned())
                .ok()
                .as_deref(),
            Some("client")
        );
        assert!(ctx.data::<u32>().is_err());
        assert!(!ctx.is_cancelled());
        ctx.cancel.cancel();
        assert!(ctx.is_cancelled());
    }

    #[test]
    fn env_treats_empty_as_unset() {
        let env = Env::from_pairs([("A", "1"), ("B", "")]);
        assert_eq!(env.get("A"), Some("1"));
        assert_eq!(env.get("B"), None);
        assert_eq!(env.get("C"), None);
    }
}
