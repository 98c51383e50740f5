//! Shared test helpers: a scripted HTTP/1.1 server, client constructors and raw trust edits.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crosscluster::client::cloud::Changed;
use crosscluster::client::{
    CloudAuth, CloudClient, CloudConfig, EsAuth, EsClient, EsConfig, HttpSettings, RetryPolicy,
    Secret,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap()
    }
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

pub(crate) fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: body.to_string(),
        delay: Duration::ZERO,
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

pub(crate) struct Mock {
    pub url: String,
    pub log: Arc<Mutex<Vec<Recorded>>>,
}

impl Mock {
    pub(crate) async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = log.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let log = log2.clone();
                let handler = handler.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        let n = match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break p;
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let mut lines = head.split("\r\n");
                    let mut first = lines.next().unwrap().split(' ');
                    let method = first.next().unwrap().to_string();
                    let target = first.next().unwrap().to_string();
                    let headers: Vec<(String, String)> = lines
                        .filter_map(|l| l.split_once(": "))
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    let len: usize = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .map(|(_, v)| v.parse().unwrap())
                        .unwrap_or(0);
                    let mut body = buf[head_end + 4..].to_vec();
                    while body.len() < len {
                        let n = sock.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        body.extend_from_slice(&chunk[..n]);
                    }
                    let rec = Recorded {
                        method,
                        target,
                        headers,
                        body: String::from_utf8_lossy(&body).to_string(),
                    };
                    let index = {
                        let mut l = log.lock().unwrap();
                        l.push(rec.clone());
                        l.len() - 1
                    };
                    let r = handler(&rec, index);
                    tokio::time::sleep(r.delay).await;
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                        r.status,
                        r.body.len()
                    );
                    for (k, v) in &r.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    out.push_str(&r.body);
                    let _ = sock.write_all(out.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Mock { url, log }
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

pub(crate) fn fast_http() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(2),
        },
        ..Default::default()
    }
}

pub(crate) const API_KEY: &str = "essu_TOP_SECRET_CLOUD_KEY";

pub(crate) fn cloud(url: &str) -> CloudClient {
    let mut cfg = CloudConfig::new(url, CloudAuth::ApiKey(Secret::new(API_KEY)));
    cfg.http = fast_http();
    cfg.plan_poll_interval = Duration::from_millis(20);
    cfg.plan_settle_polls = 1;
    CloudClient::new(cfg).unwrap()
}

pub(crate) fn deployment(trust: Value, pending: Option<Value>) -> Value {
    json!({
        "id": "d1", "name": "prod", "healthy": true,
        "resources": {"elasticsearch": [
            {"ref_id": "main-elasticsearch", "id": "c1", "region": "us-east-1", "info": {
                "cluster_id": "c1", "cluster_name": "prod", "status": "started",
                "plan_info": {"healthy": true, "history": [], "pending": pending,
                    "current": {"plan": {"cluster_topology": [], "elasticsearch": {"version": "8.14.0"}},
                                "plan_attempt_log": [{"step_id": "plan-completed", "status": "success", "info_log": []}]}},
                "settings": {"metadata": {"organization_id": "111"}, "trust": trust}}},
            {"ref_id": "other", "region": "us-east-1", "info": {"cluster_name": "o",
                "plan_info": {"current": {"plan": {"cluster_topology": [], "elasticsearch": {"version": "8.14.0"}}}},
                "settings": {"trust": {"accounts": [{"account_id": "zzz", "trust_all": true}]}}}}
        ], "kibana": [], "apm": [], "appsearch": [], "enterprise_search": [], "integrations_server": []}
    })
}

pub(crate) fn es(urls: Vec<String>, auth: EsAuth) -> EsClient {
    let mut cfg = EsConfig::new(urls, auth);
    cfg.http = fast_http();
    EsClient::new(cfg).unwrap()
}

pub(crate) fn root(version: &str) -> Value {
    json!({"name": "n", "cluster_name": "c", "cluster_uuid": "u", "version": {"number": version, "build_flavor": "default"}})
}

/// A trust edit on raw Elasticsearch `settings`, as a caller of `update_elasticsearch_settings`
/// makes it: merge the fields of `entry` into the entry of `settings.trust.<list>` whose `key`
/// field equals the entry's, or append `entry` when none does (or it has no `key`). Every other
/// field and entry stays as it came. Reports whether anything changed.
pub(crate) fn upsert_trust_entry(
    settings: &mut Value,
    list: &str,
    key: &str,
    entry: Value,
) -> Result<Changed, String> {
    let Value::Object(fields) = entry else {
        return Err(format!("trust entry is not an object: {entry}"));
    };
    if settings.is_null() {
        *settings = json!({});
    }
    let settings = settings
        .as_object_mut()
        .ok_or("settings is not an object")?;
    let trust = settings.entry("trust").or_insert_with(|| json!({}));
    if trust.is_null() {
        *trust = json!({});
    }
    let entries = trust
        .as_object_mut()
        .ok_or("settings.trust is not an object")?
        .entry(list)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or_else(|| format!("settings.trust.{list} is not an array"))?;
    let existing = fields
        .get(key)
        .and_then(|k| entries.iter_mut().find(|e| e.get(key) == Some(k)));
    match existing.and_then(Value::as_object_mut) {
        Some(old) => {
            let mut changed = false;
            for (k, v) in fields {
                if old.get(&k) != Some(&v) {
                    old.insert(k, v);
                    changed = true;
                }
            }
            Ok(changed.into())
        }
        None => {
            entries.push(Value::Object(fields));
            Ok(Changed::Yes)
        }
    }
}

/// Trust every cluster of account `id` (see [`upsert_trust_entry`]).
pub(crate) fn add_account(settings: &mut Value, id: &str) -> Result<Changed, String> {
    upsert_trust_entry(
        settings,
        "accounts",
        "account_id",
        json!({"account_id": id, "trust_all": true}),
    )
}

/// `../shared/tools/check-contract`, when this checkout has it (a user's clone does not).
pub(crate) fn contract_tool() -> Option<std::path::PathBuf> {
    let tool =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/check-contract");
    if tool.exists() {
        Some(tool)
    } else {
        eprintln!("skipped: {} not found", tool.display());
        None
    }
}

/// Runs `tool --spec <spec>` on the simulator's request log for that spec (`cloud` or `es`) and
/// fails the test on any contract problem (skips when the checker itself is unusable).
pub(crate) async fn assert_contract(tool: &std::path::Path, cloud_url: &str, spec: &str) {
    let jsonl = reqwest::Client::new()
        .get(format!(
            "{cloud_url}/_sim/requests?target={spec}&format=jsonl"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.jsonl");
    std::fs::write(&file, &jsonl).unwrap();
    let out = std::process::Command::new(tool)
        .args(["--spec", spec, "--requests"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.code() == Some(2) {
        eprintln!(
            "skipped: check-contract unusable: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    eprintln!("{stdout}");
    assert!(out.status.success(), "contract problems:\n{stdout}");
}
