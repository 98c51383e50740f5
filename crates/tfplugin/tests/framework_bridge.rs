//! The tfplugin6 bridge exercised in-process with a tiny fake provider.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use tfplugin::framework::decode::{ObjectReader, set_attr};
use tfplugin::framework::diag::Diagnostics;
use tfplugin::framework::schema::{Attribute, Block, NestedBlock, Schema, Validator};
use tfplugin::framework::traits::*;
use tfplugin::framework::value::{Type, Value};
use tfplugin::plugin::provider_service::ProviderService;
use tfplugin::plugin::tfplugin6 as pb;
use tfplugin::plugin::tfplugin6::provider_server::Provider as _;
use tonic::Request;

struct Fake;
struct Thing;
struct Upper;

/// What configure stores for resources.
struct Client {
    prefix: String,
}

#[async_trait]
impl Provider for Fake {
    fn metadata(&self) -> ProviderMetadata {
        ProviderMetadata {
            type_name: "fake".into(),
            version: "0.0.1".into(),
        }
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new().block(
            NestedBlock::single(
                "cloud",
                Block::new().attribute(
                    Attribute::string("endpoint").optional().validator(
                        Validator::regex("^https?://", "must be an http(s) URL").unwrap(),
                    ),
                ),
            ),
        ))
    }
    fn env(&self) -> Env {
        Env::from_pairs([("FAKE_PREFIX", "env")])
    }
    async fn validate_config(&self, _config: &Value, env: &Env) -> Diagnostics {
        let mut d = Diagnostics::new();
        if env.get("FAKE_PREFIX").is_none() {
            d.error("no prefix", "");
        }
        d
    }
    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse {
        let prefix = req.env.get("FAKE_PREFIX").unwrap_or("none").to_string();
        ConfigureResponse::with_data(Client { prefix })
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Upper)]
    }
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &str {
        "fake_thing"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("id").computed().use_state_for_unknown())
                .attribute(Attribute::string("name").required().requires_replace())
                .attribute(
                    Attribute::string("secret")
                        .optional()
                        .sensitive()
                        .write_only(),
                )
                .attribute(Attribute::string("status").computed()),
        )
        .version(1)
    }
    async fn create(
        &self,
        ctx: &CallContext,
        req: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let client = ctx.data::<Client>()?;
        let name = ObjectReader::root(&req.planned_state)?.string("name")?;
        let secret = ObjectReader::root(&req.config)?.opt_string("secret")?;
        if name == "slow" {
            tokio::select! {
                () = ctx.cancel.cancelled() => return Err(cancelled().into()),
                () = tokio::time::sleep(Duration::from_secs(30)) => {}
            }
        }
        let mut state = set_attr(
            req.planned_state,
            "id",
            Value::String(format!("{}-{name}", client.prefix)),
        );
        state = set_attr(state, "status", Value::String("ready".into()));
        // Echo the write-only value into state: the bridge must drop it.
        state = set_attr(state, "secret", secret.map_or(Value::Null, Value::String));
        Ok(StateResponse::new(state).with_private(b"p1".to_vec()))
    }
    async fn read(
        &self,
        _ctx: &CallContext,
        req: ReadRequest,
    ) -> Result<StateResponse, Diagnostics> {
        let id = ObjectReader::root(&req.current_state)?.string("id")?;
        if id.ends_with("gone") {
            return Ok(StateResponse::gone());
        }
        Ok(StateResponse::new(req.current_state).with_private(req.private))
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
        Ok(StateResponse::new(import_by_id(&self.schema(), "id", id)))
    }
}

#[async_trait]
impl Function for Upper {
    fn name(&self) -> &str {
        "upper"
    }
    fn signature(&self) -> Signature {
        Signature::new(Type::String).parameter(Parameter::new("text", Type::String))
    }
    async fn call(&self, _ctx: &CallContext, args: Vec<Value>) -> Result<Value, FunctionError> {
        match args.first() {
            Some(Value::String(s)) if !s.is_empty() => Ok(Value::String(s.to_uppercase())),
            _ => Err(FunctionError::argument(0, "text must not be empty")),
        }
    }
}

fn service() -> ProviderService {
    ProviderService::build(Arc::new(Fake))
}

fn dv(j: serde_json::Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: vec![],
        json: serde_json::to_vec(&j).unwrap(),
    })
}

fn null_dv() -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: vec![0xc0],
        json: vec![],
    })
}

/// Decodes a msgpack DynamicValue into (key, rmpv value) pairs.
fn fields(v: &Option<pb::DynamicValue>) -> Vec<(String, rmpv::Value)> {
    let bytes = &v.as_ref().expect("a value").msgpack;
    let m = rmpv::decode::read_value(&mut bytes.as_slice()).unwrap();
    let rmpv::Value::Map(kv) = m else {
        panic!("not a map: {m:?}")
    };
    kv.into_iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v))
        .collect()
}

fn field(v: &Option<pb::DynamicValue>, name: &str) -> rmpv::Value {
    fields(v)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .expect(name)
}

fn is_unknown(v: &rmpv::Value) -> bool {
    matches!(v, rmpv::Value::Ext(0, _))
}

fn steps(d: &pb::Diagnostic) -> Vec<String> {
    use pb::attribute_path::step::Selector;
    d.attribute
        .as_ref()
        .map(|a| {
            a.steps
                .iter()
                .map(|s| match s.selector.clone().unwrap() {
                    Selector::AttributeName(n) => n,
                    Selector::ElementKeyString(k) => format!("[{k}]"),
                    Selector::ElementKeyInt(i) => format!("[{i}]"),
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn configure(svc: &ProviderService) {
    let r = svc
        .configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: dv(json!({"cloud": null})),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[tokio::test]
async fn schema_metadata_and_capabilities() {
    let svc = service();
    let s = svc
        .get_provider_schema(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let caps = s.server_capabilities.unwrap();
    assert!(caps.plan_destroy && caps.get_provider_schema_optional);
    assert_eq!(s.resource_schemas["fake_thing"].version, 1);
    assert!(s.functions.contains_key("upper"));
    assert_eq!(
        s.provider.unwrap().block.unwrap().block_types[0].type_name,
        "cloud"
    );

    let m = svc
        .get_metadata(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.resources[0].type_name, "fake_thing");
    assert_eq!(m.functions[0].name, "upper");

    let ids = svc
        .get_resource_identity_schemas(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(ids.identity_schemas.is_empty() && ids.diagnostics.is_empty());
    // No list resources: the one event of the stream carries the error.
    let mut list = svc
        .list_resource(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let event = tokio_stream::StreamExt::next(&mut list)
        .await
        .unwrap()
        .unwrap();
    assert!(event.identity.is_none());
    assert_eq!(event.diagnostic[0].summary, "Unknown resource type");
    assert!(tokio_stream::StreamExt::next(&mut list).await.is_none());
}

#[tokio::test]
async fn validation_diagnostics_name_the_attribute() {
    let svc = service();
    let r = svc
        .validate_provider_config(Request::new(pb::validate_provider_config::Request {
            config: dv(json!({"cloud": {"endpoint": "not a url"}})),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(
        r.diagnostics[0].severity,
        pb::diagnostic::Severity::Error as i32
    );
    assert_eq!(steps(&r.diagnostics[0]), vec!["cloud", "endpoint"]);
    assert!(r.diagnostics[0].detail.contains("http(s) URL"));

    let ok = svc
        .validate_provider_config(Request::new(pb::validate_provider_config::Request {
            config: dv(json!({"cloud": {"endpoint": "https://x"}})),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);

    // Write-only attribute set while Terraform says it cannot handle them.
    let r = svc
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "fake_thing".into(),
            config: dv(json!({"name": "a", "secret": "s"})),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed: false,
                write_only_attributes_allowed: false,
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(steps(&r.diagnostics[0]), vec!["secret"]);
}

#[tokio::test]
async fn plan_and_apply_lifecycle() {
    let svc = service();
    configure(&svc).await;
    let config = json!({"id": null, "name": "a", "secret": "hunter2", "status": null});
    let plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "fake_thing".into(),
            prior_state: null_dv(),
            proposed_new_state: dv(config.clone()),
            config: dv(config.clone()),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    assert!(is_unknown(&field(&plan.planned_state, "id")));
    assert!(is_unknown(&field(&plan.planned_state, "status")));
    assert_eq!(
        field(&plan.planned_state, "secret"),
        rmpv::Value::Nil,
        "write-only not planned"
    );
    assert!(plan.requires_replace.is_empty());

    let applied = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "fake_thing".into(),
            prior_state: null_dv(),
            planned_state: plan.planned_state.clone(),
            config: dv(config.clone()),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    assert_eq!(
        field(&applied.new_state, "id").as_str(),
        Some("env-a"),
        "provider data from configure"
    );
    assert_eq!(
        field(&applied.new_state, "secret"),
        rmpv::Value::Nil,
        "write-only not stored"
    );
    assert_eq!(applied.private, b"p1");

    // Renaming forces replacement; id keeps its state value.
    let prior = applied.new_state.clone();
    let new_cfg = json!({"id": null, "name": "b", "secret": null, "status": null});
    let proposed = json!({"id": "env-a", "name": "b", "secret": null, "status": "ready"});
    let plan2 = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "fake_thing".into(),
            prior_state: prior.clone(),
            proposed_new_state: dv(proposed),
            config: dv(new_cfg),
            prior_private: b"p1".to_vec(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(field(&plan2.planned_state, "id").as_str(), Some("env-a"));
    assert!(is_unknown(&field(&plan2.planned_state, "status")));
    assert_eq!(plan2.requires_replace.len(), 1);
    assert_eq!(
        plan2.planned_private, b"p1",
        "private carried through the plan"
    );

    // Destroy: plan null, apply null.
    let destroy_plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "fake_thing".into(),
            prior_state: prior.clone(),
            proposed_new_state: null_dv(),
            config: null_dv(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(destroy_plan.planned_state.unwrap().msgpack, vec![0xc0]);
    let destroyed = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "fake_thing".into(),
            prior_state: prior,
            planned_state: null_dv(),
            config: null_dv(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(destroyed.diagnostics.is_empty());
    assert_eq!(destroyed.new_state.unwrap().msgpack, vec![0xc0]);
}

#[tokio::test]
async fn read_gone_import_and_upgrade() {
    let svc = service();
    let r = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "fake_thing".into(),
            current_state: dv(
                json!({"id": "x-gone", "name": "a", "secret": null, "status": "ready"}),
            ),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.new_state.unwrap().msgpack,
        vec![0xc0],
        "gone reads as null"
    );

    let imp = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "fake_thing".into(),
            id: "abc".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(imp.imported_resources.len(), 1);
    assert_eq!(
        field(&imp.imported_resources[0].state, "id").as_str(),
        Some("abc")
    );
    assert_eq!(
        field(&imp.imported_resources[0].state, "name"),
        rmpv::Value::Nil
    );

    // Same version: JSON decoded with the current schema, unknown keys dropped.
    let up = svc
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "fake_thing".into(),
            version: 1,
            raw_state: Some(pb::RawState {
                json: br#"{"id":"i","name":"n","status":"ready","removed_attr":1}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(up.diagnostics.is_empty(), "{:?}", up.diagnostics);
    assert_eq!(field(&up.upgraded_state, "name").as_str(), Some("n"));
    assert_eq!(field(&up.upgraded_state, "secret"), rmpv::Value::Nil);

    // Older version without an upgrader: error diagnostic.
    let up = svc
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "fake_thing".into(),
            version: 0,
            raw_state: Some(pb::RawState {
                json: b"{}".to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(up.diagnostics.len(), 1);
    assert!(up.diagnostics[0].detail.contains("version 0"));
}

#[tokio::test]
async fn functions_return_results_and_argument_errors() {
    let svc = service();
    let call = |arg: serde_json::Value| pb::call_function::Request {
        name: "upper".into(),
        arguments: vec![dv(arg).unwrap()],
    };
    let ok = svc
        .call_function(Request::new(call(json!("abc"))))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.error.is_none());
    let bytes = ok.result.unwrap().msgpack;
    assert_eq!(
        rmpv::decode::read_value(&mut bytes.as_slice())
            .unwrap()
            .as_str(),
        Some("ABC")
    );

    let bad = svc
        .call_function(Request::new(call(json!(""))))
        .await
        .unwrap()
        .into_inner();
    let e = bad.error.unwrap();
    assert_eq!(e.function_argument, Some(0));
    assert_eq!(e.text, "text must not be empty");

    let wrong_count = svc
        .call_function(Request::new(pb::call_function::Request {
            name: "upper".into(),
            arguments: vec![],
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(wrong_count.error.unwrap().text.contains("takes 1 argument"));
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_work_and_keeps_serving() {
    let svc = Arc::new(service());
    configure(&svc).await;
    let config = json!({"id": null, "name": "slow", "secret": null, "status": null});
    let planned = json!({"id": null, "name": "slow", "secret": null, "status": null});
    let svc2 = svc.clone();
    let started = std::time::Instant::now();
    let task = tokio::spawn(async move {
        svc2.apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "fake_thing".into(),
            prior_state: null_dv(),
            planned_state: dv(planned),
            config: dv(config),
            ..Default::default()
        }))
        .await
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let stop = svc
        .stop_provider(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(stop.error.is_empty());
    let resp = task.await.unwrap().unwrap().into_inner();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "cancelled promptly"
    );
    assert_eq!(resp.diagnostics.len(), 1);
    assert_eq!(resp.diagnostics[0].summary, cancelled().summary);
    // The service still answers.
    let s = svc
        .get_provider_schema(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(s.resource_schemas.contains_key("fake_thing"));
}
