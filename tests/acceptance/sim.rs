//! The simulator for acceptance tests: started in-process on its own runtime, one per test, so
//! tests run in parallel without sharing state. When a test's [`Sim`] is dropped, its request
//! log is written to `target/contract-logs/{cloud,es}/<test>.jsonl` for `make contract`.

#![allow(dead_code)]

use std::path::PathBuf;

use crosscluster_sim::{Fixture, Options, Ready, ReadyDeployment, Running};
use serde_json::{Value, json};

/// A running simulator owned by one test.
pub(crate) struct Sim {
    rt: tokio::runtime::Runtime,
    running: Option<Running>,
    http: reqwest::Client,
    name: String,
    /// The ready document (URLs, ids, keys, passwords).
    pub ready: Ready,
}

impl Sim {
    /// The default fixture (organization 1: `local` 9.1.0, `old-local` 8.12.2, `legacy` 7.5.2;
    /// organization 2: `remote` 9.1.0) with fast plans. `name` names the request-log file.
    pub(crate) fn start(name: &str) -> Sim {
        Sim::with(
            name,
            Fixture::default_fixture(),
            Options {
                plan_ms: 50,
                latency_ms: 0,
            },
        )
    }

    /// A simulator with an explicit fixture and options.
    pub(crate) fn with(name: &str, fixture: Fixture, opts: Options) -> Sim {
        Sim::launch(name, fixture, opts, false)
    }

    /// The default fixture with fast plans, every API served over HTTPS (`crosscluster-sim
    /// --tls`): URLs are `https://127.0.0.1:<port>`, the CA's PEM is `ready.ca_pem`. The test's
    /// own control requests trust that CA; the provider trusts it only when told.
    pub(crate) fn start_tls(name: &str) -> Sim {
        Sim::launch(
            name,
            Fixture::default_fixture(),
            Options {
                plan_ms: 50,
                latency_ms: 0,
            },
            true,
        )
    }

    fn launch(name: &str, fixture: Fixture, opts: Options, tls: bool) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let running = rt
            .block_on(async {
                if tls {
                    crosscluster_sim::start_tls(fixture, opts).await
                } else {
                    crosscluster_sim::start(fixture, opts).await
                }
            })
            .expect("simulator starts");
        let ready = running.ready.clone();
        let mut http = reqwest::Client::builder();
        if let Some(pem) = &ready.ca_pem {
            let ca = reqwest::Certificate::from_pem(pem.as_bytes()).expect("the simulator's CA");
            http = http.tls_certs_only([ca]);
        }
        Sim {
            rt,
            running: Some(running),
            http: http.build().expect("HTTP client"),
            name: name.to_string(),
            ready,
        }
    }

    /// A deployment by name: its id and ready entry.
    pub(crate) fn dep(&self, name: &str) -> (String, ReadyDeployment) {
        let (id, d) = self
            .ready
            .deployment(name)
            .unwrap_or_else(|| panic!("no deployment named {name}"));
        (id.to_string(), d.clone())
    }

    /// The id of a deployment by name.
    pub(crate) fn id(&self, name: &str) -> String {
        self.dep(name).0
    }

    /// The Cloud API key of the organization owning deployment `name`.
    pub(crate) fn cloud_key_for(&self, name: &str) -> String {
        let org = self.dep(name).1.organization_id;
        self.ready.organizations[&org].api_key.clone()
    }

    /// A `provider "crosscluster"` block (with optional alias) whose `cloud` connection is the
    /// organization of deployment `cloud_of` and whose `elasticsearch` connection is deployment
    /// `es_of` (either may be `None`).
    pub(crate) fn provider_block(
        &self,
        alias: Option<&str>,
        cloud_of: Option<&str>,
        es_of: Option<&str>,
    ) -> String {
        let mut s = String::from("provider \"crosscluster\" {\n");
        if let Some(a) = alias {
            s.push_str(&format!("  alias = \"{a}\"\n"));
        }
        if let Some(name) = cloud_of {
            s.push_str(&format!(
                "  cloud {{\n    endpoint = \"{}\"\n    api_key  = \"{}\"\n  }}\n",
                self.ready.cloud_url,
                self.cloud_key_for(name)
            ));
        }
        if let Some(name) = es_of {
            let d = self.dep(name).1;
            s.push_str(&format!(
                "  elasticsearch {{\n    endpoints = [\"{}\"]\n    username  = \"{}\"\n    password  = \"{}\"\n  }}\n",
                d.es_url, d.username, d.password
            ));
        }
        s.push_str("  request_timeout = \"10s\"\n}\n");
        s
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.ready.cloud_url, path)
    }

    /// A request to the simulator's control API; returns the JSON answer.
    pub(crate) fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.rt.block_on(async {
            let resp = req.send().await.expect("control request");
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            assert!(
                status.is_success(),
                "control {path} answered {status}: {body}"
            );
            body
        })
    }

    /// `GET /_sim/state`.
    pub(crate) fn state(&self) -> Value {
        self.control("GET", "/_sim/state", None)
    }

    /// The state of one deployment by name, as `/_sim/state` shows it.
    pub(crate) fn deployment_state(&self, name: &str) -> Value {
        let id = self.id(name);
        let state = self.state();
        let deployments = &state["deployments"];
        match deployments {
            Value::Object(map) => map.get(&id).cloned().unwrap_or(Value::Null),
            Value::Array(list) => list
                .iter()
                .find(|d| d["id"] == id.as_str())
                .cloned()
                .unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// The request log, optionally only `cloud`, `es` or one deployment.
    pub(crate) fn requests(&self, target: Option<&str>) -> Vec<Value> {
        let path = match target {
            Some(t) => format!("/_sim/requests?target={t}"),
            None => "/_sim/requests".to_string(),
        };
        match self.control("GET", &path, None) {
            Value::Array(list) => list,
            other => panic!("unexpected request log {other}"),
        }
    }

    /// Adds fault rules (`POST /_sim/faults`).
    pub(crate) fn faults(&self, rules: Value) {
        self.control("POST", "/_sim/faults", Some(rules));
    }

    /// Changes `plan_ms` / `latency_ms`.
    pub(crate) fn config(&self, plan_ms: Option<u64>, latency_ms: Option<u64>) {
        self.control(
            "POST",
            "/_sim/config",
            Some(json!({"plan_ms": plan_ms, "latency_ms": latency_ms})),
        );
    }

    /// Runs an async block on the simulator's runtime (for direct API calls in tests).
    pub(crate) fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// A raw HTTP call; returns status and JSON body.
    pub(crate) fn http(
        &self,
        method: &str,
        url: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.rt.block_on(async {
            let resp = req.send().await.expect("request");
            let status = resp.status().as_u16();
            (status, resp.json().await.unwrap_or(Value::Null))
        })
    }

    /// Basic auth header value of deployment `name`'s `elastic` user.
    pub(crate) fn es_auth(&self, name: &str) -> String {
        use base64::Engine as _;
        let d = self.dep(name).1;
        let raw = format!("{}:{}", d.username, d.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    /// White-box: the text of keystore entry `setting` of deployment `name`, read straight
    /// from the simulator's memory (the APIs never return keystore values). For tests that
    /// prove a secret went to the keystore and nowhere else.
    pub(crate) fn keystore_value(&self, name: &str, setting: &str) -> Option<String> {
        let id = self.id(name);
        let running = self.running.as_ref()?;
        let world = running.sim().world();
        let secret = world.deployments.get(&id)?.es.keystore.get(setting)?;
        Some(crosscluster_sim::state::secret_text(&secret.value))
    }

    /// White-box: the encoded form and the secret of every API key of deployment `name`
    /// (live, invalidated, and those whose create answer was lost), from the simulator's memory.
    pub(crate) fn api_key_secrets(&self, name: &str) -> Vec<(String, String)> {
        let id = self.id(name);
        let Some(running) = self.running.as_ref() else {
            return Vec::new();
        };
        let world = running.sim().world();
        let Some(d) = world.deployments.get(&id) else {
            return Vec::new();
        };
        d.es.api_keys
            .values()
            .flat_map(|k| {
                [
                    (format!("encoded key {}", k.id), k.encoded()),
                    (format!("secret of key {}", k.id), k.secret.clone()),
                ]
            })
            .collect()
    }

    /// Writes the request log for the contract check.
    fn save_log(&self) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/contract-logs");
        for spec in ["cloud", "es"] {
            let entries = self.requests(Some(spec));
            if entries.is_empty() {
                continue;
            }
            let dir = root.join(spec);
            if std::fs::create_dir_all(&dir).is_err() {
                return;
            }
            let text: String = entries.iter().map(|e| format!("{e}\n")).collect();
            let _ = std::fs::write(dir.join(format!("acceptance-{}.jsonl", self.name)), text);
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.save_log();
        }
        if let Some(running) = self.running.take() {
            self.rt.block_on(running.shutdown());
        }
    }
}
