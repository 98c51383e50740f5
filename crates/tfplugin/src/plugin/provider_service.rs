//! The tfplugin6 `Provider` gRPC service over a framework [`Provider`].
//!
//! [`ProviderService`] owns the protocol work: schema conversion, DynamicValue decoding
//! (msgpack or JSON) and encoding (msgpack), schema validators, the generic plan rules
//! of [`crate::framework::plan`], write-only nulling, diagnostics with attribute paths,
//! and cancellation (StopProvider cancels the token every call context carries; the
//! server keeps running), resource identities (derived from states with
//! [`Resource::identity`], attached to Read/Plan/Apply/Import answers, import by
//! identity), list resources (streamed events, Terraform's limit) and actions (progress
//! and completion events). RPC families the provider does not offer (ephemeral
//! resources, state stores, config generation) answer `Unimplemented`. Terraform versions
//! that predate a family never call it, so they keep working unchanged.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # fn demo(provider: Arc<dyn tfplugin::framework::traits::Provider>) {
//! use tfplugin::plugin::provider_service::ProviderService;
//! let server = ProviderService::new(provider); // a tonic ProviderServer, 256 MiB limits
//! # let _ = server;
//! # }
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

use crate::framework::action::{Action, Progress};
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
use crate::framework::identity::IdentitySchema;
use crate::framework::list::{ListRequest, ListResource};
use crate::framework::plan;
use crate::framework::schema::{
    Attribute, AttributeKind, Block, BlockNesting, Description, ObjectNesting, Schema, StringKind,
};
use crate::framework::traits::{
    CallContext, ClientCapabilities, ConfigureRequest, CreateRequest, DataSource, DeleteRequest,
    Function, Parameter, PlanRequest, PlannedChange, Provider, ProviderData, ReadRequest, Resource,
    Signature, UpdateRequest,
};
use crate::framework::value::{Type, Value};

use super::tfplugin6 as pb;
use super::tfplugin6::provider_server::{Provider as PbProvider, ProviderServer};

use crate::framework::{json, msgpack, type_json};

/// gRPC message size limit, both directions (Terraform sends large states/schemas).
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// Serves a framework [`Provider`] as the tfplugin6 `Provider` service.
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    resources: BTreeMap<String, (Arc<dyn Resource>, Schema)>,
    data_sources: BTreeMap<String, (Arc<dyn DataSource>, Schema)>,
    functions: BTreeMap<String, Arc<dyn Function>>,
    identities: BTreeMap<String, IdentitySchema>,
    list_resources: BTreeMap<String, (Arc<dyn ListResource>, Schema)>,
    actions: BTreeMap<String, (Arc<dyn Action>, Schema)>,
    provider_data: RwLock<Option<ProviderData>>,
    cancel: CancellationToken,
}

impl ProviderService {
    /// The tonic server for `provider`, with 256 MiB encode/decode limits.
    pub fn new(provider: Arc<dyn Provider>) -> ProviderServer<ProviderService> {
        Self::build(provider).into_server()
    }

    /// The service itself (schemas collected once), e.g. to keep its cancellation
    /// token before turning it into a server, or to call RPCs in-process in tests.
    pub fn build(provider: Arc<dyn Provider>) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| (r.type_name().to_string(), (r.clone(), r.schema())))
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| (d.type_name().to_string(), (d.clone(), d.schema())))
            .collect();
        let functions = provider
            .functions()
            .into_iter()
            .map(|f| (f.name().to_string(), f))
            .collect();
        let identities = provider
            .resources()
            .into_iter()
            .filter_map(|r| Some((r.type_name().to_string(), r.identity_schema()?)))
            .collect();
        let list_resources = provider
            .list_resources()
            .into_iter()
            .map(|l| (l.type_name().to_string(), (l.clone(), l.schema())))
            .collect();
        let actions = provider
            .actions()
            .into_iter()
            .map(|a| (a.type_name().to_string(), (a.clone(), a.schema())))
            .collect();
        Self {
            identities,
            list_resources,
            actions,
            provider_schema: provider.schema(),
            provider,
            resources,
            data_sources,
            functions,
            provider_data: RwLock::new(None),
            cancel: CancellationToken::new(),
        }
    }

    /// The token StopProvider cancels (cancel it too on shutdown).
    pub fn cancellation_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Wraps the service in a tonic server with 256 MiB limits.
    pub fn into_server(self) -> ProviderServer<ProviderService> {
        ProviderServer::new(self)
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE)
    }

    fn ctx(&self, caps: Option<&pb::ClientCapabilities>) -> CallContext {
        let data = self.provider_data.read().ok().and_then(|g| g.clone());
        CallContext {
            cancel: self.cancel.clone(),
            provider_data: data,
            client_capabilities: caps.map(client_caps).unwrap_or_default(),
        }
    }

    fn resource(&self, name: &str) -> Result<&(Arc<dyn Resource>, Schema), Diagnostics> {
        self.resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no resource type {name:?}."),
            )
            .into()
        })
    }

    fn data_source(&self, name: &str) -> Result<&(Arc<dyn DataSource>, Schema), Diagnostics> {
        self.data_sources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown data source",
                format!("This provider has no data source {name:?}."),
            )
            .into()
        })
    }

    fn list_resource(&self, name: &str) -> Result<&(Arc<dyn ListResource>, Schema), Diagnostics> {
        self.list_resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown list resource type",
                format!("This provider has no list resource type {name:?}."),
            )
            .into()
        })
    }

    fn action(&self, name: &str) -> Result<&(Arc<dyn Action>, Schema), Diagnostics> {
        self.actions.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown action type",
                format!("This provider has no action type {name:?}."),
            )
            .into()
        })
    }

    /// The identity `state` names, encoded; `None` when the resource has no identity,
    /// the state is null, every identity attribute is null, or (with `known_only`) some
    /// value is still unknown.
    fn identity_of(
        &self,
        res: &Arc<dyn Resource>,
        state: &Value,
        known_only: bool,
    ) -> Option<(Value, pb::ResourceIdentityData)> {
        let schema = self.identities.get(res.type_name())?;
        if matches!(state, Value::Null) {
            return None;
        }
        let id = res.identity(state)?;
        let all_null = id
            .entries()
            .is_some_and(|m| m.values().all(|v| matches!(v, Value::Null)));
        if all_null || (known_only && !id.is_wholly_known()) {
            return None;
        }
        let dv = encode_dynamic(&id, &schema.object_type()).ok()?;
        Some((
            id,
            pb::ResourceIdentityData {
                identity_data: Some(dv),
            },
        ))
    }

    /// Decodes an identity sent by Terraform for `type_name`.
    fn decode_identity(
        &self,
        type_name: &str,
        data: Option<&pb::ResourceIdentityData>,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some(dv) = data.and_then(|d| d.identity_data.as_ref()) else {
            return Ok(None);
        };
        let Some(schema) = self.identities.get(type_name) else {
            return Ok(None);
        };
        match decode_dynamic(Some(dv), &schema.object_type())? {
            Value::Null => Ok(None),
            v => Ok(Some(v)),
        }
    }

    fn server_capabilities() -> pb::ServerCapabilities {
        pb::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: false,
            generate_resource_config: false,
        }
    }
}

impl ProviderService {
    /// The events of one ListResource call: one per object up to the limit, or a single
    /// event carrying the error diagnostics.
    async fn list_events(&self, req: pb::list_resource::Request) -> Vec<pb::list_resource::Event> {
        let mut diags = Diagnostics::new();
        let failed = |diags: &Diagnostics| {
            vec![pb::list_resource::Event {
                diagnostic: diagnostics_to_proto(diags),
                ..Default::default()
            }]
        };
        let Some((res, res_schema)) = ok_or_push(self.resource(&req.type_name), &mut diags) else {
            return failed(&diags);
        };
        if !self.identities.contains_key(&req.type_name) {
            diags.push(missing_list_identity(&req.type_name));
            return failed(&diags);
        }
        let found = self.list_resource(&req.type_name);
        let Some((list, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        else {
            return failed(&diags);
        };
        if !validated(&schema.block, &config, &mut diags) {
            return failed(&diags);
        }
        let limit = usize::try_from(req.limit.max(0)).unwrap_or(usize::MAX);
        let lreq = ListRequest {
            config,
            include_resource: req.include_resource_object,
            limit: req.limit,
        };
        let objects = match list.list(&self.ctx(None), lreq).await {
            Ok(o) => o,
            Err(e) => return failed(&e),
        };
        let mut out = Vec::new();
        for o in objects.into_iter().take(limit) {
            let Some((_, identity)) = self.identity_of(res, &o.state, true) else {
                diags.push(Diagnostic::error(
                    "Listed object without identity",
                    format!(
                        "The listed {} {:?} has no complete identity; this is a bug in the provider.",
                        req.type_name, o.display_name
                    ),
                ));
                return failed(&diags);
            };
            let resource_object = if req.include_resource_object {
                encode_state(&res_schema.block, &o.state, &mut diags)
            } else {
                None
            };
            if diags.has_errors() {
                return failed(&diags);
            }
            out.push(pb::list_resource::Event {
                identity: Some(identity),
                display_name: o.display_name,
                resource_object,
                diagnostic: Vec::new(),
            });
        }
        out
    }
}

fn missing_list_identity(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "List resource without identity",
        format!(
            "The managed resource type {type_name} has no identity schema, which Terraform needs to list it; this is a bug in the provider."
        ),
    )
}

/// Identity schema → protocol identity schema.
pub fn identity_schema_to_proto(s: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: type_json_bytes(&a.ty),
                required_for_import: a.required_for_import,
                optional_for_import: a.optional_for_import,
                description: a.description.clone(),
            })
            .collect(),
    }
}

fn client_caps(c: &pb::ClientCapabilities) -> ClientCapabilities {
    ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    }
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

fn string_kind(k: StringKind) -> i32 {
    match k {
        StringKind::Plain => pb::StringKind::Plain as i32,
        StringKind::Markdown => pb::StringKind::Markdown as i32,
    }
}

/// The cty type JSON bytes of `ty`.
pub fn type_json_bytes(ty: &Type) -> Vec<u8> {
    type_json::type_to_json_bytes(ty)
}

/// Schema → protocol schema.
pub fn schema_to_proto(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block, schema.version)),
    }
}

fn block_to_proto(block: &Block, version: i64) -> pb::schema::Block {
    pb::schema::Block {
        version,
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block
            .blocks
            .iter()
            .map(|b| pb::schema::NestedBlock {
                type_name: b.name.clone(),
                block: Some(block_to_proto(&b.block, 0)),
                nesting: match b.nesting {
                    BlockNesting::Single => pb::schema::nested_block::NestingMode::Single,
                    BlockNesting::Group => pb::schema::nested_block::NestingMode::Group,
                    BlockNesting::List => pb::schema::nested_block::NestingMode::List,
                    BlockNesting::Set => pb::schema::nested_block::NestingMode::Set,
                    BlockNesting::Map => pb::schema::nested_block::NestingMode::Map,
                } as i32,
                min_items: b.min_items,
                max_items: b.max_items,
            })
            .collect(),
        description: block.description.text.clone(),
        description_kind: string_kind(block.description.kind),
        deprecated: block.deprecated.is_some(),
        deprecation_message: block.deprecated.clone().unwrap_or_default(),
    }
}

#[allow(deprecated)] // Object.min_items/max_items are deprecated protocol fields, left 0.
fn attribute_to_proto(a: &Attribute) -> pb::schema::Attribute {
    let (ty, nested) = match &a.kind {
        AttributeKind::Type(t) => (type_json_bytes(t), None),
        AttributeKind::Nested(n) => (
            Vec::new(),
            Some(pb::schema::Object {
                attributes: n.attributes.iter().map(attribute_to_proto).collect(),
                nesting: match n.nesting {
                    ObjectNesting::Single => pb::schema::object::NestingMode::Single,
                    ObjectNesting::List => pb::schema::object::NestingMode::List,
                    ObjectNesting::Set => pb::schema::object::NestingMode::Set,
                    ObjectNesting::Map => pb::schema::object::NestingMode::Map,
                } as i32,
                min_items: 0,
                max_items: 0,
            }),
        ),
    };
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: ty,
        nested_type: nested,
        description: a.description.text.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: string_kind(a.description.kind),
        deprecated: a.deprecated.is_some(),
        write_only: a.write_only,
        deprecation_message: a.deprecated.clone().unwrap_or_default(),
    }
}

fn parameter_to_proto(p: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: p.name.clone(),
        r#type: type_json_bytes(&p.ty),
        allow_null_value: p.allow_null,
        allow_unknown_values: p.allow_unknown,
        description: p.description.text.clone(),
        description_kind: string_kind(p.description.kind),
    }
}

/// Function signature → protocol function.
pub fn function_to_proto(sig: &Signature) -> pb::Function {
    let Description { text, kind } = &sig.description;
    pb::Function {
        parameters: sig.parameters.iter().map(parameter_to_proto).collect(),
        variadic_parameter: sig.variadic.as_ref().map(parameter_to_proto),
        r#return: Some(pb::function::Return {
            r#type: type_json_bytes(&sig.return_type),
        }),
        summary: sig.summary.clone(),
        description: text.clone(),
        description_kind: string_kind(*kind),
        deprecation_message: sig.deprecation.clone().unwrap_or_default(),
    }
}

/// Attribute path → protocol path.
pub fn path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: path
            .steps()
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(n) => Selector::AttributeName(n.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

/// Diagnostics → protocol diagnostics.
pub fn diagnostics_to_proto(diags: &Diagnostics) -> Vec<pb::Diagnostic> {
    diags
        .iter()
        .map(|d| pb::Diagnostic {
            severity: match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error,
                Severity::Warning => pb::diagnostic::Severity::Warning,
            } as i32,
            summary: d.summary.clone(),
            detail: d.detail_naming_path(),
            attribute: d.path.as_ref().filter(|p| !p.is_root()).map(path_to_proto),
        })
        .collect()
}

/// Decodes a DynamicValue (msgpack preferred, else JSON) as type `ty`; absent or empty
/// means null.
pub fn decode_dynamic(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, Diagnostic> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let res = if !dv.msgpack.is_empty() {
        msgpack::decode(&dv.msgpack, ty).map_err(|e| e.to_string())
    } else if !dv.json.is_empty() {
        json::decode_json(&dv.json, ty).map_err(|e| e.to_string())
    } else {
        return Ok(Value::Null);
    };
    res.map_err(|e| Diagnostic::error("Unable to decode value from Terraform", e))
}

/// Encodes `value` of type `ty` as a msgpack DynamicValue.
pub fn encode_dynamic(value: &Value, ty: &Type) -> Result<pb::DynamicValue, Diagnostic> {
    msgpack::encode(value, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| Diagnostic::error("Unable to encode value for Terraform", e.to_string()))
}

/// Path of the first unknown value inside `v`, if any.
fn first_unknown(v: &Value, path: &AttributePath) -> Option<AttributePath> {
    match v {
        Value::Unknown(_) => Some(path.clone()),
        Value::Object(m) => m
            .iter()
            .find_map(|(k, e)| first_unknown(e, &path.clone().attr(k))),
        Value::Map(m) => m
            .iter()
            .find_map(|(k, e)| first_unknown(e, &path.clone().key(k))),
        Value::List(i) | Value::Tuple(i) => i
            .iter()
            .enumerate()
            .find_map(|(n, e)| first_unknown(e, &path.clone().index(n as i64))),
        Value::Set(i) => i.iter().find_map(|e| first_unknown(e, path)),
        Value::Dynamic(_, inner) => first_unknown(inner, path),
        _ => None,
    }
}

/// Errors for write-only attributes set in `config` when Terraform cannot handle them.
fn write_only_not_allowed(block: &Block, config: &Value, diags: &mut Diagnostics) {
    let Value::Object(m) = config else { return };
    for a in &block.attributes {
        if a.write_only && m.get(&a.name).is_some_and(|v| !matches!(v, Value::Null)) {
            diags.attribute_error(
                AttributePath::attr_path(&a.name),
                "Write-only attribute not supported",
                format!(
                    "The attribute {} is write-only, which needs Terraform 1.11 or later.",
                    a.name
                ),
            );
        }
    }
}

/// Drops top-level keys of a JSON state object that the current schema does not know
/// (attributes removed without a version bump), as Terraform's own SDKs do.
fn prune_unknown_json_keys(raw: &[u8], block: &Block) -> Vec<u8> {
    let Ok(serde_json::Value::Object(mut m)) = serde_json::from_slice::<serde_json::Value>(raw)
    else {
        return raw.to_vec();
    };
    m.retain(|k, _| block.get_attribute(k).is_some() || block.get_block(k).is_some());
    serde_json::to_vec(&serde_json::Value::Object(m)).unwrap_or_else(|_| raw.to_vec())
}

fn unimplemented(what: &str) -> Status {
    Status::unimplemented(format!("{what} is not supported by this provider"))
}

/// Collects errors of a step into `diags`, giving `None` on failure.
fn ok_or_push<T>(r: Result<T, impl Into<Diagnostics>>, diags: &mut Diagnostics) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            diags.extend(e.into());
            None
        }
    }
}

/// Decodes each DynamicValue of `dvs` as type `ty`, stopping at the first failure, which
/// goes into `diags`.
fn decode_all<const N: usize>(
    dvs: [Option<&pb::DynamicValue>; N],
    ty: &Type,
    diags: &mut Diagnostics,
) -> Option<[Value; N]> {
    let mut out: [Value; N] = std::array::from_fn(|_| Value::Null);
    for (slot, dv) in out.iter_mut().zip(dvs) {
        *slot = ok_or_push(decode_dynamic(dv, ty), diags)?;
    }
    Some(out)
}

/// A looked-up resource or data source with `dvs` decoded against its schema; a failed
/// lookup or decoding goes into `diags`.
fn found_with_values<'a, T: ?Sized, const N: usize>(
    found: Result<&'a (Arc<T>, Schema), Diagnostics>,
    dvs: [Option<&pb::DynamicValue>; N],
    diags: &mut Diagnostics,
) -> Option<(&'a Arc<T>, &'a Schema, [Value; N])> {
    let (it, schema) = ok_or_push(found, diags)?;
    let values = decode_all(dvs, &schema.block.object_type(), diags)?;
    Some((it, schema, values))
}

/// Runs the schema's validators on `config`; `true` when no error has been found so far.
fn validated(block: &Block, config: &Value, diags: &mut Diagnostics) -> bool {
    block.validate(config, &AttributePath::root(), diags);
    !diags.has_errors()
}

/// Nulls the write-only attributes of `value` and encodes it as a state of `block`,
/// collecting an encoding failure into `diags`.
fn encode_state(block: &Block, value: &Value, diags: &mut Diagnostics) -> Option<pb::DynamicValue> {
    let v = plan::null_write_only(block, value);
    ok_or_push(encode_dynamic(&v, &block.object_type()), diags)
}

/// Adds an error at the first unknown value inside `value`; `true` when there was one.
fn reject_unknown(value: &Value, summary: &str, detail: &str, diags: &mut Diagnostics) -> bool {
    let Some(p) = first_unknown(value, &AttributePath::root()) else {
        return false;
    };
    diags.push(Diagnostic::error(summary, format!("The value of {p} {detail}")).with_path(p));
    true
}

// ---------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------

#[tonic::async_trait]
impl PbProvider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        use pb::get_metadata as m;
        Ok(Response::new(m::Response {
            server_capabilities: Some(Self::server_capabilities()),
            diagnostics: Vec::new(),
            data_sources: self
                .data_sources
                .keys()
                .map(|k| m::DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            resources: self
                .resources
                .keys()
                .map(|k| m::ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|k| m::FunctionMetadata { name: k.clone() })
                .collect(),
            list_resources: self
                .list_resources
                .keys()
                .map(|k| m::ListResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            actions: self
                .actions
                .keys()
                .map(|k| m::ActionMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(&self.provider_schema)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(k, (_, s))| (k.clone(), schema_to_proto(s)))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(k, (_, s))| (k.clone(), schema_to_proto(s)))
                .collect(),
            functions: self
                .functions
                .iter()
                .map(|(k, f)| (k.clone(), function_to_proto(&f.signature())))
                .collect(),
            list_resource_schemas: self
                .list_resources
                .iter()
                .map(|(k, (_, s))| (k.clone(), schema_to_proto(s)))
                .collect(),
            action_schemas: self
                .actions
                .iter()
                .map(|(k, (_, s))| {
                    (
                        k.clone(),
                        pb::ActionSchema {
                            schema: Some(schema_to_proto(s)),
                        },
                    )
                })
                .collect(),
            server_capabilities: Some(Self::server_capabilities()),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .identities
                .iter()
                .map(|(k, s)| (k.clone(), identity_schema_to_proto(s)))
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self
                .functions
                .iter()
                .map(|(k, f)| (k.clone(), function_to_proto(&f.signature())))
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let block = &self.provider_schema.block;
        if let Some([config]) = decode_all([req.config.as_ref()], &block.object_type(), &mut diags)
        {
            if validated(block, &config, &mut diags) {
                diags.extend(
                    self.provider
                        .validate_config(&config, &self.provider.env())
                        .await,
                );
            }
        }
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let found = self.resource(&req.type_name);
        if let Some((res, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        {
            let ctx = self.ctx(req.client_capabilities.as_ref());
            if !ctx.client_capabilities.write_only_attributes_allowed {
                write_only_not_allowed(&schema.block, &config, &mut diags);
            }
            if validated(&schema.block, &config, &mut diags) {
                diags.extend(res.validate_config(&ctx, &config).await);
            }
        }
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let found = self.data_source(&req.type_name);
        if let Some((ds, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        {
            if validated(&schema.block, &config, &mut diags) {
                diags.extend(ds.validate_config(&self.ctx(None), &config).await);
            }
        }
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut upgraded = None;
        if let Some((res, schema)) = ok_or_push(self.resource(&req.type_name), &mut diags) {
            let ty = schema.block.object_type();
            let raw = req.raw_state.map(|r| r.json).unwrap_or_default();
            let value = if raw.is_empty() {
                Err(Diagnostic::error(
                    "Unable to upgrade resource state",
                    "The stored state is in the legacy flatmap format, which this provider does not read.",
                )
                .into())
            } else if req.version == schema.version {
                json::decode_json(&prune_unknown_json_keys(&raw, &schema.block), &ty).map_err(|e| {
                    Diagnostics::from(Diagnostic::error(
                        "Unable to read stored resource state",
                        e.to_string(),
                    ))
                })
            } else if req.version > schema.version {
                Err(Diagnostic::error(
                    "Unable to upgrade resource state",
                    format!(
                        "The state was written with schema version {} by a newer provider; this provider knows version {}.",
                        req.version, schema.version
                    ),
                )
                .into())
            } else {
                res.upgrade_state(&self.ctx(None), req.version, &raw).await
            };
            if let Some(v) = ok_or_push(value, &mut diags) {
                upgraded = encode_state(&schema.block, &v, &mut diags);
            }
        }
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut upgraded = None;
        match self.identities.get(&req.type_name) {
            None => diags.push(Diagnostic::error(
                "Unable to upgrade resource identity",
                format!("The resource type {} has no identity.", req.type_name),
            )),
            Some(s) if s.version != req.version => diags.push(Diagnostic::error(
                "Unable to upgrade resource identity",
                format!(
                    "The identity of {} was stored with version {}; this provider knows version {} and no upgrade between them.",
                    req.type_name, req.version, s.version
                ),
            )),
            Some(s) => {
                let raw = req.raw_identity.map(|r| r.json).unwrap_or_default();
                let ty = s.object_type();
                let v = json::decode_json(&raw, &ty).map_err(|e| {
                    Diagnostic::error("Unable to read stored resource identity", e.to_string())
                });
                if let Some(v) = ok_or_push(v, &mut diags) {
                    upgraded = ok_or_push(encode_dynamic(&v, &ty), &mut diags).map(|dv| {
                        pb::ResourceIdentityData {
                            identity_data: Some(dv),
                        }
                    });
                }
            }
        }
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity: upgraded,
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let ty = self.provider_schema.block.object_type();
        if let Some([config]) = decode_all([req.config.as_ref()], &ty, &mut diags) {
            let resp = self
                .provider
                .configure(ConfigureRequest {
                    config,
                    terraform_version: req.terraform_version,
                    env: self.provider.env(),
                    client_capabilities: req
                        .client_capabilities
                        .as_ref()
                        .map(client_caps)
                        .unwrap_or_default(),
                    cancel: self.cancel.clone(),
                })
                .await;
            diags.extend(resp.diagnostics);
            if let Some(data) = resp.data {
                if let Ok(mut slot) = self.provider_data.write() {
                    *slot = Some(data);
                }
            }
        }
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::read_resource::Response::default();
        let found = self.resource(&req.type_name);
        if let Some((res, schema, [state])) =
            found_with_values(found, [req.current_state.as_ref()], &mut diags)
        {
            let ctx = self.ctx(req.client_capabilities.as_ref());
            let r = res
                .read(
                    &ctx,
                    ReadRequest {
                        current_state: state,
                        private: req.private,
                    },
                )
                .await;
            if let Some(r) = ok_or_push(r, &mut diags) {
                diags.extend(r.diagnostics);
                out.new_state = encode_state(&schema.block, &r.state, &mut diags);
                out.new_identity = self
                    .identity_of(res, &r.state, true)
                    .map(|(_, d)| d)
                    .or_else(|| {
                        // Keep what Terraform knows while the state cannot name the
                        // object yet; a gone object has no identity.
                        (!matches!(r.state, Value::Null))
                            .then_some(req.current_identity)
                            .flatten()
                    });
                out.private = r.private;
            }
        }
        out.diagnostics = diagnostics_to_proto(&diags);
        Ok(Response::new(out))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::plan_resource_change::Response::default();
        let found = self.resource(&req.type_name);
        let dvs = [
            req.prior_state.as_ref(),
            req.proposed_new_state.as_ref(),
            req.config.as_ref(),
        ];
        if let Some((res, schema, [prior, proposed, config])) =
            found_with_values(found, dvs, &mut diags)
        {
            let block = &schema.block;
            let generic = plan::plan_resource_change(block, &prior, &proposed, &config);
            let mut change = PlannedChange {
                planned_state: generic.planned_state,
                requires_replace: generic.requires_replace,
                planned_private: req.prior_private.clone(),
            };
            let ctx = self.ctx(req.client_capabilities.as_ref());
            let prior_known = !matches!(prior, Value::Null);
            let preq = PlanRequest {
                config,
                prior_state: prior,
                proposed_new_state: proposed,
                prior_private: req.prior_private,
            };
            diags.extend(res.modify_plan(&ctx, &preq, &mut change).await);
            if !diags.has_errors() {
                out.planned_state = encode_state(block, &change.planned_state, &mut diags);
                let replacing = !change.requires_replace.is_empty();
                // A wholly known identity, else: an update keeps the object and its identity;
                // a create or replace plans none (Terraform accepts unknown values there, but
                // cannot render them in `show -json`).
                out.planned_identity = match self.identity_of(res, &change.planned_state, true) {
                    Some((_, d)) => Some(d),
                    None if prior_known && !replacing => req.prior_identity,
                    None => None,
                };
                change.requires_replace.sort();
                change.requires_replace.dedup();
                out.requires_replace = change.requires_replace.iter().map(path_to_proto).collect();
                out.planned_private = change.planned_private;
            }
        }
        out.diagnostics = diagnostics_to_proto(&diags);
        Ok(Response::new(out))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::apply_resource_change::Response::default();
        let found = self.resource(&req.type_name);
        let dvs = [
            req.prior_state.as_ref(),
            req.planned_state.as_ref(),
            req.config.as_ref(),
        ];
        if let Some((res, schema, [prior, planned, config])) =
            found_with_values(found, dvs, &mut diags)
        {
            let block = &schema.block;
            let ty = block.object_type();
            let ctx = self.ctx(None);
            let private = req.planned_private;
            let result = if matches!(planned, Value::Null) {
                res.delete(
                    &ctx,
                    DeleteRequest {
                        prior_state: prior.clone(),
                        private,
                    },
                )
                .await
                .map(|()| None)
            } else if matches!(prior, Value::Null) {
                res.create(
                    &ctx,
                    CreateRequest {
                        config,
                        planned_state: planned,
                        planned_private: private,
                    },
                )
                .await
                .map(Some)
            } else {
                res.update(
                    &ctx,
                    UpdateRequest {
                        config,
                        prior_state: prior.clone(),
                        planned_state: planned,
                        planned_private: private,
                    },
                )
                .await
                .map(Some)
            };
            match result {
                Ok(None) => {
                    out.new_state = ok_or_push(encode_dynamic(&Value::Null, &ty), &mut diags);
                }
                Ok(Some(r)) => {
                    diags.extend(r.diagnostics);
                    let v = plan::null_write_only(block, &r.state);
                    if !reject_unknown(
                        &v,
                        "Provider returned invalid result object after apply",
                        "is still unknown after apply; this is a bug in the provider.",
                        &mut diags,
                    ) {
                        out.new_state = ok_or_push(encode_dynamic(&v, &ty), &mut diags);
                        out.new_identity = self
                            .identity_of(res, &v, true)
                            .map(|(_, d)| d)
                            .or(req.planned_identity);
                        out.private = r.private;
                    }
                }
                Err(e) => {
                    diags.extend(e);
                    // Keep the prior state so Terraform does not lose track of the object.
                    out.new_state = encode_state(block, &prior, &mut diags);
                    out.new_identity = self.identity_of(res, &prior, true).map(|(_, d)| d);
                }
            }
        }
        out.diagnostics = diagnostics_to_proto(&diags);
        Ok(Response::new(out))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::import_resource_state::Response::default();
        if let Some((res, schema)) = ok_or_push(self.resource(&req.type_name), &mut diags) {
            let ctx = self.ctx(req.client_capabilities.as_ref());
            let given = ok_or_push(
                self.decode_identity(&req.type_name, req.identity.as_ref()),
                &mut diags,
            )
            .flatten();
            let id = match &given {
                Some(identity) => ok_or_push(res.import_id_from_identity(identity), &mut diags),
                None if req.id.is_empty() && req.identity.is_some() => {
                    diags.push(Diagnostic::error(
                        "Import by identity not supported",
                        format!(
                            "The resource type {} has no identity; import it by id.",
                            req.type_name
                        ),
                    ));
                    None
                }
                None => Some(req.id.clone()),
            };
            let imported = match id {
                Some(id) => ok_or_push(res.import_state(&ctx, &id).await, &mut diags),
                None => None,
            };
            if let Some(r) = imported {
                diags.extend(r.diagnostics);
                let identity = self
                    .identity_of(res, &r.state, true)
                    .map(|(_, d)| d)
                    .or_else(|| {
                        // The state cannot name the object yet: answer the identity given.
                        given.as_ref().and_then(|v| {
                            let s = self.identities.get(&req.type_name)?;
                            let dv = encode_dynamic(v, &s.object_type()).ok()?;
                            Some(pb::ResourceIdentityData {
                                identity_data: Some(dv),
                            })
                        })
                    });
                if let Some(state) = encode_state(&schema.block, &r.state, &mut diags) {
                    out.imported_resources
                        .push(pb::import_resource_state::ImportedResource {
                            type_name: req.type_name.clone(),
                            state: Some(state),
                            private: r.private,
                            identity,
                        });
                }
            }
        }
        out.diagnostics = diagnostics_to_proto(&diags);
        Ok(Response::new(out))
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = request.into_inner();
        let diags = Diagnostics::from(Diagnostic::error(
            "Unable to move resource state",
            format!(
                "The resource type {} does not support moving state from {}.",
                req.target_type_name, req.source_type_name
            ),
        ));
        Ok(Response::new(pb::move_resource_state::Response {
            diagnostics: diagnostics_to_proto(&diags),
            ..Default::default()
        }))
    }

    async fn generate_resource_config(
        &self,
        _request: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        Err(unimplemented("Resource configuration generation"))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let mut out = pb::read_data_source::Response::default();
        let found = self.data_source(&req.type_name);
        if let Some((ds, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        {
            let ty = schema.block.object_type();
            let ctx = self.ctx(req.client_capabilities.as_ref());
            if let Some(r) = ok_or_push(ds.read(&ctx, config).await, &mut diags) {
                diags.extend(r.diagnostics);
                if !reject_unknown(
                    &r.state,
                    "Provider returned invalid data source result",
                    "is unknown; this is a bug in the provider.",
                    &mut diags,
                ) {
                    out.state = ok_or_push(encode_dynamic(&r.state, &ty), &mut diags);
                }
            }
        }
        out.diagnostics = diagnostics_to_proto(&diags);
        Ok(Response::new(out))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        Err(unimplemented("Ephemeral resources"))
    }

    async fn open_ephemeral_resource(
        &self,
        _request: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        Err(unimplemented("Ephemeral resources"))
    }

    async fn renew_ephemeral_resource(
        &self,
        _request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Err(unimplemented("Ephemeral resources"))
    }

    async fn close_ephemeral_resource(
        &self,
        _request: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Err(unimplemented("Ephemeral resources"))
    }

    async fn list_resource(
        &self,
        request: Request<pb::list_resource::Request>,
    ) -> Result<Response<BoxStream<pb::list_resource::Event>>, Status> {
        let req = request.into_inner();
        let events = self.list_events(req).await;
        Ok(Response::new(Box::pin(tokio_stream::iter(
            events.into_iter().map(Ok),
        ))))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        if !self.identities.contains_key(&req.type_name) {
            diags.push(missing_list_identity(&req.type_name));
        }
        let found = self.list_resource(&req.type_name);
        if let Some((l, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        {
            if validated(&schema.block, &config, &mut diags) {
                diags.extend(l.validate_config(&self.ctx(None), &config).await);
            }
        }
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = request.into_inner();
        let fail = |text: String, arg: Option<i64>| {
            Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text,
                    function_argument: arg,
                }),
            }))
        };
        let Some(f) = self.functions.get(&req.name) else {
            return fail(
                format!("This provider has no function {:?}.", req.name),
                None,
            );
        };
        let sig = f.signature();
        let n = req.arguments.len();
        if n < sig.parameters.len() || (sig.variadic.is_none() && n > sig.parameters.len()) {
            return fail(
                format!(
                    "Function {} takes {} argument(s), got {n}.",
                    req.name,
                    sig.parameters.len()
                ),
                None,
            );
        }
        let mut args = Vec::with_capacity(n);
        for (i, dv) in req.arguments.iter().enumerate() {
            let ty = sig
                .parameters
                .get(i)
                .or(sig.variadic.as_ref())
                .map(|p| p.ty.clone())
                .unwrap_or(Type::Dynamic);
            match decode_dynamic(Some(dv), &ty) {
                Ok(v) => args.push(v),
                Err(d) => return fail(format!("{}: {}", d.summary, d.detail), Some(i as i64)),
            }
        }
        match f.call(&self.ctx(None), args).await {
            Ok(v) => match encode_dynamic(&v, &sig.return_type) {
                Ok(dv) => Ok(Response::new(pb::call_function::Response {
                    result: Some(dv),
                    error: None,
                })),
                Err(d) => fail(format!("{}: {}", d.summary, d.detail), None),
            },
            Err(e) => fail(e.text, e.argument),
        }
    }

    async fn validate_state_store_config(
        &self,
        _request: Request<pb::validate_state_store::Request>,
    ) -> Result<Response<pb::validate_state_store::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn configure_state_store(
        &self,
        _request: Request<pb::configure_state_store::Request>,
    ) -> Result<Response<pb::configure_state_store::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn read_state_bytes(
        &self,
        _request: Request<pb::read_state_bytes::Request>,
    ) -> Result<Response<BoxStream<pb::read_state_bytes::Response>>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn write_state_bytes(
        &self,
        _request: Request<Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<pb::write_state_bytes::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn lock_state(
        &self,
        _request: Request<pb::lock_state::Request>,
    ) -> Result<Response<pb::lock_state::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn unlock_state(
        &self,
        _request: Request<pb::unlock_state::Request>,
    ) -> Result<Response<pb::unlock_state::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn get_states(
        &self,
        _request: Request<pb::get_states::Request>,
    ) -> Result<Response<pb::get_states::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn delete_state(
        &self,
        _request: Request<pb::delete_state::Request>,
    ) -> Result<Response<pb::delete_state::Response>, Status> {
        Err(unimplemented("State stores"))
    }

    async fn validate_action_config(
        &self,
        request: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let found = self.action(&req.type_name);
        if let Some((a, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        {
            if validated(&schema.block, &config, &mut diags) {
                diags.extend(a.validate_config(&self.ctx(None), &config).await);
            }
        }
        Ok(Response::new(pb::validate_action_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn plan_action(
        &self,
        request: Request<pb::plan_action::Request>,
    ) -> Result<Response<pb::plan_action::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::new();
        let found = self.action(&req.action_type);
        if let Some((a, schema, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        {
            if validated(&schema.block, &config, &mut diags) {
                let ctx = self.ctx(req.client_capabilities.as_ref());
                diags.extend(a.plan(&ctx, &config).await);
            }
        }
        Ok(Response::new(pb::plan_action::Response {
            diagnostics: diagnostics_to_proto(&diags),
            deferred: None,
        }))
    }

    async fn invoke_action(
        &self,
        request: Request<pb::invoke_action::Request>,
    ) -> Result<Response<BoxStream<pb::invoke_action::Event>>, Status> {
        use pb::invoke_action::event::{Completed, Progress as PbProgress, Type};
        let req = request.into_inner();
        let completed = |diags: &Diagnostics| pb::invoke_action::Event {
            r#type: Some(Type::Completed(Completed {
                diagnostics: diagnostics_to_proto(diags),
            })),
        };
        let mut diags = Diagnostics::new();
        let found = self.action(&req.action_type);
        let Some((action, _, [config])) =
            found_with_values(found, [req.config.as_ref()], &mut diags)
        else {
            let done = completed(&diags);
            return Ok(Response::new(Box::pin(tokio_stream::iter([Ok(done)]))));
        };
        let action = action.clone();
        let ctx = self.ctx(req.client_capabilities.as_ref());
        let (events, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let (ptx, mut prx) = tokio::sync::mpsc::unbounded_channel::<String>();
            let forward = events.clone();
            let forwarder = tokio::spawn(async move {
                while let Some(message) = prx.recv().await {
                    let event = pb::invoke_action::Event {
                        r#type: Some(Type::Progress(PbProgress { message })),
                    };
                    if forward.send(Ok(event)).is_err() {
                        break;
                    }
                }
            });
            let diags = action.invoke(&ctx, config, Progress::new(ptx)).await;
            // The progress sender was moved into invoke and is gone now: the forwarder
            // drains what is left and ends.
            let _ = forwarder.await;
            let _ = events.send(Ok(completed(&diags)));
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::UnboundedReceiverStream::new(rx),
        )))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!("StopProvider received: cancelling in-flight operations");
        self.cancel.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

// ---------------------------------------------------------------------------
