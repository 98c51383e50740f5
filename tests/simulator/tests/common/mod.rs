//! Shared helpers for the simulator's HTTP-level tests.
#![allow(dead_code)]

use base64::Engine as _;
use crosscluster_sim::{Fixture, Options, ReadyDeployment, Running, start};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub struct T {
    pub sim: Running,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

pub fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

impl T {
    pub async fn new() -> T {
        T::with(
            Fixture::default_fixture(),
            Options {
                plan_ms: 0,
                latency_ms: 0,
            },
        )
        .await
    }

    /// The default fixture plus `local-b` (9.1.0, organization 1), `old-remote` (8.18.0,
    /// organization 2) and `legacy-b` (7.6.2, organization 1), so that every version has a
    /// wire-compatible peer.
    pub async fn extended(plan_ms: u64) -> T {
        let mut f = Fixture::default_fixture();
        let org1 = f.deployments[0].organization_id.clone();
        let org2 = f
            .deployments
            .iter()
            .find(|d| d.name == "remote")
            .unwrap()
            .organization_id
            .clone();
        let extra = json!([
            {"name": "local-b", "organization_id": org1, "version": "9.1.0"},
            {"name": "old-remote", "organization_id": org2, "version": "8.18.0"},
            {"name": "legacy-b", "organization_id": org1, "version": "7.6.2"}
        ]);
        for e in extra.as_array().unwrap() {
            f.deployments
                .push(serde_json::from_value(e.clone()).unwrap());
        }
        T::with(
            f,
            Options {
                plan_ms,
                latency_ms: 0,
            },
        )
        .await
    }

    pub async fn with(fixture: Fixture, opts: Options) -> T {
        let sim = start(fixture, opts).await.unwrap();
        T {
            sim,
            http: reqwest::Client::new(),
        }
    }

    pub fn dep(&self, name: &str) -> (String, ReadyDeployment) {
        let (id, d) = self.sim.ready.deployment(name).unwrap();
        (id.to_string(), d.clone())
    }

    pub fn id(&self, name: &str) -> String {
        self.dep(name).0
    }

    /// The API key of the organization that owns deployment `name`.
    pub fn key_for(&self, name: &str) -> String {
        let org = self.dep(name).1.organization_id;
        self.sim.ready.organizations[&org].api_key.clone()
    }

    pub async fn send(
        &self,
        method: &str,
        url: String,
        auth: Option<String>,
        body: Option<Value>,
    ) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self.http.request(m, url);
        if let Some(a) = auth {
            rb = rb.header("authorization", a);
        }
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    /// A Cloud API call (path below /api/v1) authenticated as the organization of `as_dep`.
    pub async fn cloud(&self, method: &str, path: &str, as_dep: &str, body: Option<Value>) -> Resp {
        let url = format!("{}/api/v1{}", self.sim.ready.cloud_url, path);
        self.send(
            method,
            url,
            Some(format!("ApiKey {}", self.key_for(as_dep))),
            body,
        )
        .await
    }

    /// An Elasticsearch call on deployment `name` as `elastic`.
    pub async fn es(&self, name: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
        let d = self.dep(name).1;
        let auth = format!("Basic {}", b64(&format!("elastic:{}", d.password)));
        self.send(method, format!("{}{}", d.es_url, path), Some(auth), body)
            .await
    }

    pub async fn es_as(
        &self,
        name: &str,
        method: &str,
        path: &str,
        auth: Option<String>,
        body: Option<Value>,
    ) -> Resp {
        let d = self.dep(name).1;
        self.send(method, format!("{}{}", d.es_url, path), auth, body)
            .await
    }

    pub async fn ctl(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let url = format!("{}{}", self.sim.ready.cloud_url, path);
        self.send(method, url, None, body).await
    }

    /// GET deployment with settings; returns (trust, version header).
    pub async fn trust(&self, name: &str) -> (Value, String) {
        let r = self
            .cloud(
                "GET",
                &format!("/deployments/{}?show_settings=true", self.id(name)),
                name,
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.headers["x-cloud-resource-version"]
            .to_str()
            .unwrap()
            .to_string();
        (
            r.body["resources"]["elasticsearch"][0]["info"]["settings"]["trust"].clone(),
            v,
        )
    }

    /// Builds an update payload from a GET (the SDK's way) with `trust` replaced.
    pub async fn update_body(&self, name: &str, trust: Option<Value>) -> Value {
        let r = self
            .cloud(
                "GET",
                &format!(
                    "/deployments/{}?show_settings=true&show_plans=true&clear_transient=true",
                    self.id(name)
                ),
                name,
                None,
            )
            .await;
        let es = &r.body["resources"]["elasticsearch"][0];
        let mut settings = json!({});
        if let Some(t) = trust {
            settings["trust"] = t;
        }
        json!({
            "name": r.body["name"],
            "prune_orphans": false,
            "resources": {"elasticsearch": [{
                "display_name": es["info"]["cluster_name"],
                "ref_id": es["ref_id"],
                "region": es["region"],
                "plan": es["info"]["plan_info"]["current"]["plan"],
                "settings": settings
            }]}
        })
    }

    /// PUTs trust for deployment `name` (no version).
    pub async fn put_trust(&self, name: &str, trust: Value) -> Resp {
        let body = self.update_body(name, Some(trust)).await;
        self.cloud(
            "PUT",
            &format!("/deployments/{}", self.id(name)),
            name,
            Some(body),
        )
        .await
    }

    /// Creates a cross-cluster key on `name`; returns the create response.
    pub async fn ccs_key(&self, name: &str, key_name: &str) -> Value {
        let r = self
            .es(
                name,
                "POST",
                "/_security/cross_cluster/api_key",
                Some(json!({"name": key_name, "access": {"search": [{"names": ["logs-*"]}]}})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    }

    /// Stores `encoded` in `name`'s keystore as the credentials of `alias`.
    pub async fn store_key(&self, name: &str, alias: &str, encoded: &str) -> Resp {
        let (id, d) = self.dep(name);
        self.cloud(
            "PATCH",
            &format!("/deployments/{id}/elasticsearch/{}/keystore", d.ref_id),
            name,
            Some(json!({"secrets": {format!("cluster.remote.{alias}.credentials"): {"value": encoded}}})),
        )
        .await
    }

    /// Configures a proxy-mode alias on `local` pointing at `remote`'s endpoint and `port`.
    pub async fn proxy_alias(&self, local: &str, alias: &str, remote: &str, port: u16) -> Resp {
        let ep = self.dep(remote).1.endpoint;
        self.es(
            local,
            "PUT",
            "/_cluster/settings",
            Some(json!({"persistent": {"cluster": {"remote": {alias: {
                "mode": "proxy", "proxy_address": format!("{ep}:{port}"), "server_name": ep
            }}}}})),
        )
        .await
    }

    /// `_remote/info` entry of `alias` on `local`.
    pub async fn remote_info(&self, local: &str, alias: &str) -> Value {
        let r = self.es(local, "GET", "/_remote/info", None).await;
        assert_eq!(r.status, 200);
        r.body[alias].clone()
    }

    /// `_resolve/cluster/<alias>:*` entry.
    pub async fn resolve(&self, local: &str, alias: &str) -> Value {
        let r = self
            .es(local, "GET", &format!("/_resolve/cluster/{alias}:*"), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body[alias].clone()
    }
}
