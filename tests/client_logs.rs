//! Logs of the clients: method, path, status and duration, never a secret. In its own test
//! binary so that the scoped subscriber is not disturbed by tests running in parallel.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

mod client_common;
use client_common::*;

use std::sync::{Arc, Mutex};

use crosscluster::client::elasticsearch::{
    CreateCrossClusterApiKey, CrossClusterAccess, SearchAccess,
};
use crosscluster::client::{EsAuth, Secret};
use serde_json::json;
use tokio_util::sync::CancellationToken;

// ---- logs never carry secrets -------------------------------------------------------------

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Visitor<'a>(&'a mut String);
impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut line = String::new();
        event.record(&mut Visitor(&mut line));
        self.0.lock().unwrap().push(line);
    }
}

#[test]
fn logs_have_method_path_status_and_no_secrets() {
    use tracing_subscriber::layer::SubscriberExt;
    let cap = Capture::default();
    let subscriber = tracing_subscriber::registry().with(cap.clone());
    let _g = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let keystore_calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mock = Mock::start(move |r, _| match r.path() {
            "/" => reply(200, root("9.1.0")),
            "/_security/cross_cluster/api_key" => reply(200, json!({"id": "kid", "name": "k", "api_key": "RAW_SECRET_PART", "encoded": "ENCODED_SECRET_VALUE"})),
            _ if keystore_calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => reply(503, json!({})),
            _ => reply(200, json!({"secrets": {}})),
        })
        .await;
        let cancel = CancellationToken::new();
        let c = es(vec![mock.url.clone()], EsAuth::Basic { username: "elastic".into(), password: Secret::new("PASSWORD_XYZ") });
        let body = CreateCrossClusterApiKey {
            name: "k".into(),
            access: CrossClusterAccess { search: vec![SearchAccess { names: vec!["*".into()], ..Default::default() }], ..Default::default() },
            ..Default::default()
        };
        let created = c.create_cross_cluster_api_key(&body, &cancel).await.unwrap();
        assert_eq!(created.encoded.expose(), "ENCODED_SECRET_VALUE");
        let cl = cloud(&mock.url);
        cl.set_keystore_secret("d", "m", "cluster.remote.a.credentials", created.encoded.clone(), &cancel)
            .await
            .unwrap();
    });
    let lines = cap.0.lock().unwrap().clone();
    let all = lines.join("\n");
    assert!(all.contains("/_security/cross_cluster/api_key"), "{all}");
    assert!(all.contains("status=200"), "{all}");
    assert!(
        all.contains("status=503") && all.contains("retrying"),
        "{all}"
    );
    // The retry says which one, of how many, why and after how long.
    let retry = lines
        .iter()
        .find(|l| l.contains("retrying"))
        .expect("a retry line");
    for field in [
        "attempt=1 ",
        "max_retries=",
        "reason=HTTP 503 ",
        "delay_ms=",
    ] {
        assert!(retry.contains(field), "{field} missing: {retry}");
    }
    assert!(all.contains("duration_ms="), "{all}");
    for secret in [
        "PASSWORD_XYZ",
        "RAW_SECRET_PART",
        "ENCODED_SECRET_VALUE",
        API_KEY,
        "ZWxhc3RpYz",
        "uthorization",
    ] {
        assert!(!all.contains(secret), "log leaks {secret}: {all}");
    }
}
