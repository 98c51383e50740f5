//! Resource identity, list resources and actions through the tfplugin6 bridge, in-process
//! with a tiny fake provider: schemas served, identities attached and stable, import by
//! identity, listing with a limit and optional resource objects, action progress streams.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use tfplugin::framework::action::{Action, Progress};
use tfplugin::framework::decode::{ObjectReader, set_attr};
use tfplugin::framework::diag::{Diagnostic, Diagnostics};
use tfplugin::framework::identity::IdentitySchema;
use tfplugin::framework::list::{ListRequest, ListResource, ListedObject};
use tfplugin::framework::schema::{Attribute, Block, Schema};
use tfplugin::framework::traits::*;
use tfplugin::framework::value::Value;
use tfplugin::plugin::provider_service::ProviderService;
use tfplugin::plugin::tfplugin6 as pb;
use tfplugin::plugin::tfplugin6::provider_server::Provider as _;
use tokio_stream::StreamExt;
use tonic::Request;

struct Fake;
struct Item;
struct Items;
struct Check;

#[async_trait]
impl Provider for Fake {
    fn metadata(&self) -> ProviderMetadata {
        ProviderMetadata {
            type_name: "fake".into(),
            version: "0.0.1".into(),
        }
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new())
    }
    async fn configure(&self, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse::with_data(())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Item)]
    }
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(Items)]
    }
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(Check)]
    }
}

fn item_schema() -> Schema {
    Schema::new(
        Block::new()
            .attribute(Attribute::string("id").computed().use_state_for_unknown())
            .attribute(Attribute::string("name").required().requires_replace())
            .attribute(Attribute::string("note").optional()),
    )
}

fn item_state(name: &str) -> Value {
    Value::object([
        ("id", Value::string(format!("i-{name}"))),
        ("name", Value::string(name)),
        ("note", Value::Null),
    ])
}

#[async_trait]
impl Resource for Item {
    fn type_name(&self) -> &str {
        "fake_item"
    }
    fn schema(&self) -> Schema {
        item_schema()
    }
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::new().required("name", "The item's name."))
    }
    fn import_id_from_identity(&self, identity: &Value) -> Result<String, Diagnostics> {
        let v = self.identity_schema().unwrap().read_import(identity)?;
        Ok(v.require("name")?.to_string())
    }
    async fn create(
        &self,
        _ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let name = ObjectReader::root(&req.planned_state)?.string("name")?;
        Ok(StateResponse::new(set_attr(
            req.planned_state,
            "id",
            Value::string(format!("i-{name}")),
        )))
    }
    async fn read(
        &self,
        _ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let name = ObjectReader::root(&req.current_state)?.string("name")?;
        if name == "gone" {
            return Ok(StateResponse::gone());
        }
        Ok(StateResponse::new(item_state(&name)))
    }
    async fn update(
        &self,
        _ctx: &CallContext,
        req: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        Ok(StateResponse::new(req.planned_state))
    }
    async fn delete(&self, _ctx: &CallContext, _req: DeleteRequest) -> Result<(), Diagnostics> {
        Ok(())
    }
    async fn import_state(
        &self,
        _ctx: &CallContext,
        id: &str,
    ) -> Result<StateResponse, Diagnostics> {
        Ok(StateResponse::new(import_by_id(&self.schema(), "name", id)))
    }
}

#[async_trait]
impl ListResource for Items {
    fn type_name(&self) -> &str {
        "fake_item"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new().attribute(Attribute::string("prefix").optional()))
    }
    async fn list(
        &self,
        _ctx: &CallContext,
        req: ListRequest,
    ) -> Result<Vec<ListedObject>, Diagnostics> {
        let prefix = ObjectReader::root(&req.config)?
            .opt_string("prefix")?
            .unwrap_or_default();
        if prefix == "fail" {
            return Err(Diagnostic::error("Listing failed", "the API said no").into());
        }
        Ok(["a1", "a2", "b1"]
            .iter()
            .filter(|n| n.starts_with(&prefix))
            .map(|n| ListedObject {
                display_name: format!("item {n}"),
                state: item_state(n),
            })
            .collect())
    }
}

#[async_trait]
impl Action for Check {
    fn type_name(&self) -> &str {
        "fake_check"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new().attribute(Attribute::string("target").required()))
    }
    async fn invoke(&self, _ctx: &CallContext, config: Value, progress: Progress) -> Diagnostics {
        let target = ObjectReader::root(&config)
            .and_then(|r| r.string("target"))
            .unwrap_or_default();
        progress.send(format!("checking {target}"));
        progress.send("still checking");
        if target == "bad" {
            Diagnostic::error("Check failed", format!("{target} is broken")).into()
        } else {
            Diagnostics::new()
        }
    }
}

fn dv(j: serde_json::Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: vec![],
        json: serde_json::to_vec(&j).unwrap(),
    })
}

fn identity(j: serde_json::Value) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: dv(j),
    })
}

/// The identity of a response as JSON (decoded through msgpack).
fn identity_json(d: &Option<pb::ResourceIdentityData>) -> serde_json::Value {
    let bytes = &d
        .as_ref()
        .and_then(|d| d.identity_data.as_ref())
        .expect("an identity")
        .msgpack;
    to_json(&rmpv::decode::read_value(&mut bytes.as_slice()).unwrap())
}

fn to_json(v: &rmpv::Value) -> serde_json::Value {
    match v {
        rmpv::Value::Nil => serde_json::Value::Null,
        rmpv::Value::String(s) => json!(s.as_str().unwrap()),
        rmpv::Value::Map(kv) => serde_json::Value::Object(
            kv.iter()
                .map(|(k, v)| (k.as_str().unwrap().to_string(), to_json(v)))
                .collect(),
        ),
        other => panic!("unexpected {other:?}"),
    }
}

async fn service() -> ProviderService {
    let svc = ProviderService::build(Arc::new(Fake));
    svc.configure_provider(Request::new(pb::configure_provider::Request {
        terraform_version: "1.15.5".into(),
        config: dv(json!({})),
        client_capabilities: None,
    }))
    .await
    .unwrap();
    svc
}

#[tokio::test]
async fn identity_schema_metadata_and_list_and_action_schemas_are_served() {
    let svc = service().await;
    let ids = svc
        .get_resource_identity_schemas(Request::new(pb::get_resource_identity_schemas::Request {}))
        .await
        .unwrap()
        .into_inner();
    let s = &ids.identity_schemas["fake_item"];
    assert_eq!(s.version, 0);
    assert_eq!(s.identity_attributes.len(), 1);
    assert_eq!(s.identity_attributes[0].name, "name");
    assert_eq!(s.identity_attributes[0].r#type, b"\"string\"");
    assert!(s.identity_attributes[0].required_for_import);
    let meta = svc
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(meta.list_resources[0].type_name, "fake_item");
    assert_eq!(meta.actions[0].type_name, "fake_check");
    let schema = svc
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert!(schema.list_resource_schemas.contains_key("fake_item"));
    assert!(schema.action_schemas["fake_check"].schema.is_some());
}

#[tokio::test]
async fn identities_follow_read_plan_apply_and_import() {
    let svc = service().await;
    // Read: the identity of the state.
    let r = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "fake_item".into(),
            current_state: dv(json!({"id": "i-x", "name": "x", "note": null})),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(identity_json(&r.new_identity), json!({"name": "x"}));
    // A gone object has no identity.
    let r = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "fake_item".into(),
            current_state: dv(json!({"id": "i-gone", "name": "gone", "note": null})),
            current_identity: identity(json!({"name": "gone"})),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.new_identity.is_none());
    // Plan of a create: known name, so a known identity.
    let p = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "fake_item".into(),
            prior_state: dv(json!(null)),
            proposed_new_state: dv(json!({"id": null, "name": "n", "note": null})),
            config: dv(json!({"id": null, "name": "n", "note": null})),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(identity_json(&p.planned_identity), json!({"name": "n"}));
    // Apply: the identity of the new state.
    let a = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "fake_item".into(),
            prior_state: dv(json!(null)),
            planned_state: p.planned_state.clone(),
            config: dv(json!({"id": null, "name": "n", "note": null})),
            planned_identity: p.planned_identity.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(identity_json(&a.new_identity), json!({"name": "n"}));
    // Import by identity: the id the resource builds from it, and the identity back.
    let i = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "fake_item".into(),
            id: String::new(),
            identity: identity(json!({"name": "imp"})),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(i.diagnostics.is_empty(), "{:?}", i.diagnostics);
    assert_eq!(i.imported_resources.len(), 1);
    assert_eq!(
        identity_json(&i.imported_resources[0].identity),
        json!({"name": "imp"})
    );
    // An identity without its required attribute: an error naming it.
    let i = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "fake_item".into(),
            id: String::new(),
            identity: identity(json!({"name": null})),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(i.imported_resources.is_empty());
    assert!(
        i.diagnostics[0].detail.contains("name"),
        "{:?}",
        i.diagnostics
    );
    // Stored identities of the current version are taken as they are; others are refused.
    let u = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: "fake_item".into(),
            version: 0,
            raw_identity: Some(pb::RawState {
                json: br#"{"name":"kept"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(identity_json(&u.upgraded_identity), json!({"name": "kept"}));
    let u = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: "fake_item".into(),
            version: 3,
            raw_identity: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(u.upgraded_identity.is_none());
    assert!(!u.diagnostics.is_empty());
}

async fn list(
    svc: &ProviderService,
    prefix: Option<&str>,
    include: bool,
    limit: i64,
) -> Vec<pb::list_resource::Event> {
    let stream = svc
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: "fake_item".into(),
            config: dv(json!({"prefix": prefix})),
            include_resource_object: include,
            limit,
        }))
        .await
        .unwrap()
        .into_inner();
    stream.map(|e| e.unwrap()).collect().await
}

#[tokio::test]
async fn list_streams_identities_up_to_the_limit() {
    let svc = service().await;
    let all = list(&svc, None, false, 100).await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].display_name, "item a1");
    assert_eq!(identity_json(&all[0].identity), json!({"name": "a1"}));
    assert!(all.iter().all(|e| e.resource_object.is_none()));
    let some = list(&svc, Some("a"), true, 1).await;
    assert_eq!(some.len(), 1, "the limit");
    assert!(
        some[0].resource_object.is_some(),
        "resource objects when asked"
    );
    let failed = list(&svc, Some("fail"), false, 100).await;
    assert_eq!(failed.len(), 1);
    assert!(failed[0].identity.is_none());
    assert_eq!(failed[0].diagnostic[0].summary, "Listing failed");
    let v = svc
        .validate_list_resource_config(Request::new(pb::validate_list_resource_config::Request {
            type_name: "fake_item".into(),
            config: dv(json!({"prefix": "a"})),
            include_resource_object: None,
            limit: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
}

async fn invoke(svc: &ProviderService, target: &str) -> Vec<pb::invoke_action::Event> {
    let stream = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "fake_check".into(),
            config: dv(json!({"target": target})),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    stream.map(|e| e.unwrap()).collect().await
}

#[tokio::test]
async fn actions_stream_progress_then_completion() {
    use pb::invoke_action::event::Type;
    let svc = service().await;
    let events = invoke(&svc, "good").await;
    let kinds: Vec<String> = events
        .iter()
        .map(|e| match e.r#type.as_ref().unwrap() {
            Type::Progress(p) => format!("progress: {}", p.message),
            Type::Completed(c) => format!("completed: {} diagnostics", c.diagnostics.len()),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "progress: checking good",
            "progress: still checking",
            "completed: 0 diagnostics"
        ]
    );
    let events = invoke(&svc, "bad").await;
    let Some(Type::Completed(c)) = events.last().and_then(|e| e.r#type.clone()) else {
        panic!("no completion: {events:?}")
    };
    assert_eq!(c.diagnostics[0].summary, "Check failed");
    let p = svc
        .plan_action(Request::new(pb::plan_action::Request {
            action_type: "fake_check".into(),
            config: dv(json!({"target": "x"})),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(p.diagnostics.is_empty());
    let v = svc
        .validate_action_config(Request::new(pb::validate_action_config::Request {
            type_name: "fake_nope".into(),
            config: dv(json!({})),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(v.diagnostics[0].summary, "Unknown action type");
}
