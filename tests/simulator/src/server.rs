//! HTTP plumbing shared by every listener: the shared simulator state, request parsing, the
//! fault rules, injected latency, and the request log.

use crate::state::World;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::HeaderValue;
use hyper::{HeaderMap, Request, Response, StatusCode};
use regex::Regex;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The mask that replaces every secret in the request log.
pub const MASK: &str = "::sim-masked::";

/// Which server a request reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The Elastic Cloud API (and the `/_sim` control API).
    Cloud,
    /// The Elasticsearch API of the deployment with this id.
    Es(String),
}

impl Target {
    /// The log label: `cloud` or the deployment id.
    pub fn label(&self) -> &str {
        match self {
            Target::Cloud => "cloud",
            Target::Es(id) => id,
        }
    }
}

/// A parsed request.
#[derive(Debug)]
pub struct Req {
    /// Upper-case method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// The JSON body (None when empty).
    pub body: Option<Value>,
    /// True when a non-empty body was not valid JSON.
    pub bad_json: bool,
}

impl Req {
    /// The last value of a query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// A boolean query flag (`?x`, `?x=true` are true).
    pub fn flag(&self, name: &str, default: bool) -> bool {
        match self.q(name) {
            None => default,
            Some(v) => v.is_empty() || v.eq_ignore_ascii_case("true"),
        }
    }
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The query as a JSON object (repeated names become lists).
    pub fn query_json(&self) -> Value {
        let mut m: Map<String, Value> = Map::new();
        for (k, v) in &self.query {
            match m.get_mut(k) {
                Some(Value::Array(a)) => a.push(Value::String(v.clone())),
                Some(old) => {
                    let first = old.clone();
                    *old = Value::Array(vec![first, Value::String(v.clone())]);
                }
                None => {
                    m.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        Value::Object(m)
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body (None: empty body).
    pub body: Option<Value>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// A raw text body (content type, text) that replaces `body` on the wire.
    pub raw: Option<(String, String)>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
            raw: None,
        }
    }
    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// A fault rule (`POST /_sim/faults`).
#[derive(Debug, Clone)]
pub struct Fault {
    /// Rule id.
    pub id: u64,
    /// Method to match (None: any).
    pub method: Option<String>,
    /// Path regex (None: any).
    pub path: Option<Regex>,
    /// Target: `cloud`, `es`, a deployment id or name (None: any).
    pub target: Option<String>,
    /// Status to answer with (None: serve normally after the delay).
    pub status: Option<u16>,
    /// `Retry-After` seconds.
    pub retry_after: Option<u64>,
    /// Delay before answering.
    pub delay_ms: u64,
    /// Remaining matches.
    pub count: u64,
    /// Matching requests still to let through before the rule applies (e.g. 1: the second
    /// matching request is the first one faulted).
    pub skip: u64,
    /// Drop the connection without a response.
    pub reset: bool,
    /// With `reset`: drop it after the request was handled (its change is made, its answer is
    /// lost) instead of before.
    pub after: bool,
    /// Handle the request, then send the status, the headers and half the body, and drop the
    /// connection (a truncated answer to a request whose change is made).
    pub truncate: bool,
    /// Error code / type override.
    pub code: Option<String>,
    /// Error message override.
    pub message: Option<String>,
}

impl Fault {
    /// The JSON form (for `GET /_sim/faults`).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "method": self.method,
            "path": self.path.as_ref().map(|r| r.as_str().to_string()),
            "target": self.target,
            "status": self.status,
            "retry_after": self.retry_after,
            "delay_ms": self.delay_ms,
            "count": self.count,
            "skip": self.skip,
            "reset": self.reset,
            "after": self.after,
            "truncate": self.truncate,
        })
    }

    /// What the fault does, for the log and the counters: `drop_before`, `drop_after`,
    /// `truncate`, `delay` or the status.
    pub fn kind(&self) -> String {
        if self.reset {
            if self.after {
                "drop_after"
            } else {
                "drop_before"
            }
            .to_string()
        } else if self.truncate {
            "truncate".to_string()
        } else if let Some(s) = self.status {
            s.to_string()
        } else {
            "delay".to_string()
        }
    }

    /// A fault of one random-mode kind (see [`RandomFaults`]).
    fn of_kind(id: u64, kind: &str, retry_after: Option<u64>) -> Fault {
        let mut f = Fault {
            id,
            method: None,
            path: None,
            target: None,
            status: None,
            retry_after: None,
            delay_ms: 0,
            count: 1,
            skip: 0,
            reset: false,
            after: false,
            truncate: false,
            code: None,
            message: None,
        };
        match kind {
            "drop_before" => f.reset = true,
            "drop_after" => {
                f.reset = true;
                f.after = true;
            }
            "truncate" => f.truncate = true,
            status => {
                f.status = status.parse().ok();
                if f.status == Some(429) {
                    f.retry_after = retry_after;
                }
            }
        }
        f
    }
}

/// The kinds of fault the random mode can inject.
pub const RANDOM_KINDS: [&str; 8] = [
    "429",
    "500",
    "502",
    "503",
    "504",
    "drop_before",
    "drop_after",
    "truncate",
];

/// Faults on a fraction of the requests (`POST /_sim/faults {"rate": ..}`): whether a request is
/// faulted, and how, is a function of the seed, the request's target, method and path, and how
/// many requests with the same target, method and path came before it. So the same seed gives
/// the same faults to the same sequence of requests whatever else runs concurrently, and the
/// retry of a faulted request gets a fresh draw.
#[derive(Debug, Clone)]
pub struct RandomFaults {
    /// Rule id (in the log's `fault` field).
    pub id: u64,
    /// Fraction of the matching requests that get a fault, in `[0, 1]`.
    pub rate: f64,
    /// Seed.
    pub seed: u64,
    /// Kinds to draw from (uniformly), from [`RANDOM_KINDS`].
    pub kinds: Vec<String>,
    /// `Retry-After` seconds on a 429.
    pub retry_after: Option<u64>,
    /// Method to match (None: any).
    pub method: Option<String>,
    /// Path regex (None: any).
    pub path: Option<Regex>,
    /// Target: `cloud`, `es` or a deployment id (None: any).
    pub target: Option<String>,
    /// Requests seen per `target method path`.
    seen: BTreeMap<String, u64>,
    /// Matching requests so far.
    pub matched: u64,
    /// Faults injected, per kind.
    pub injected: BTreeMap<String, u64>,
}

impl RandomFaults {
    /// A random mode with nothing seen yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: u64,
        rate: f64,
        seed: u64,
        kinds: Vec<String>,
        retry_after: Option<u64>,
        method: Option<String>,
        path: Option<Regex>,
        target: Option<String>,
    ) -> Self {
        RandomFaults {
            id,
            rate,
            seed,
            kinds,
            retry_after,
            method,
            path,
            target,
            seen: BTreeMap::new(),
            matched: 0,
            injected: BTreeMap::new(),
        }
    }

    /// The JSON form (for `GET /_sim/faults`), with the counters.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "rate": self.rate,
            "seed": self.seed,
            "kinds": self.kinds,
            "retry_after": self.retry_after,
            "method": self.method,
            "path": self.path.as_ref().map(|r| r.as_str().to_string()),
            "target": self.target,
            "matched": self.matched,
            "injected": self.injected,
        })
    }

    /// The fault for this request, if it draws one.
    fn draw(&mut self, method: &str, path: &str, target: &str) -> Option<Fault> {
        let matches = self
            .method
            .as_ref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_ref().is_none_or(|r| r.is_match(path))
            && self.target.as_ref().is_none_or(|t| match t.as_str() {
                "es" => target != "cloud",
                t => t == target,
            });
        if !matches || self.kinds.is_empty() {
            return None;
        }
        self.matched += 1;
        let key = format!("{target} {method} {path}");
        let n = self.seen.entry(key.clone()).or_insert(0);
        let nth = *n;
        *n += 1;
        let h = mix(fnv1a(key.as_bytes()) ^ mix(self.seed) ^ mix(nth.wrapping_add(1)));
        let u = (h >> 11) as f64 / (1u64 << 53) as f64;
        if u >= self.rate {
            return None;
        }
        let pick = (mix(h) % self.kinds.len() as u64) as usize;
        let kind = self.kinds[pick].clone();
        *self.injected.entry(kind.clone()).or_insert(0) += 1;
        Some(Fault::of_kind(self.id, &kind, self.retry_after))
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The splitmix64 finaliser.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The shared simulator.
#[derive(Debug)]
pub struct Sim {
    /// The world, behind one lock: every request is applied atomically.
    pub world: Mutex<World>,
    /// The request log.
    pub log: Mutex<Vec<Value>>,
    /// Fault rules.
    pub faults: Mutex<Vec<Fault>>,
    /// The random fault mode, when on (rules match first).
    pub random: Mutex<Option<RandomFaults>>,
    /// Plan duration in ms.
    pub plan_ms: AtomicU64,
    /// Extra latency per request in ms.
    pub latency_ms: AtomicU64,
    /// Sequence numbers for log entries and fault ids.
    pub seq: AtomicU64,
    /// The ready document (for `GET /_sim/ready`).
    pub ready: Mutex<Value>,
    /// API requests being handled now (control requests not counted).
    pub in_flight: AtomicU64,
    /// The most API requests handled at once since the log was last cleared.
    pub max_in_flight: AtomicU64,
}

/// Counts one API request as in flight until dropped.
struct InFlight<'a>(&'a Sim);

impl<'a> InFlight<'a> {
    fn enter(sim: &'a Sim) -> Self {
        let now = sim.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        sim.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(sim)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not wedge the sim).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sim {
    /// Creates the simulator around a world.
    pub fn new(world: World, plan_ms: u64, latency_ms: u64) -> Self {
        Sim {
            world: Mutex::new(world),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            random: Mutex::new(None),
            plan_ms: AtomicU64::new(plan_ms),
            latency_ms: AtomicU64::new(latency_ms),
            seq: AtomicU64::new(0),
            ready: Mutex::new(Value::Null),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
        }
    }

    /// Locks the world after completing due plans.
    pub fn world(&self) -> MutexGuard<'_, World> {
        let mut w = lock(&self.world);
        w.settle(crate::util::now_ms());
        w
    }

    fn take_fault(&self, req: &Req, target: &Target) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let dep_name = match target {
            Target::Es(id) => lock(&self.world)
                .deployments
                .get(id)
                .map(|d| d.name.clone()),
            Target::Cloud => None,
        };
        let Some(idx) = faults.iter().position(|f| {
            f.count > 0
                && f.method
                    .as_ref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(&req.method))
                && f.path.as_ref().is_none_or(|r| r.is_match(&req.path))
                && f.target.as_ref().is_none_or(|t| match target {
                    Target::Cloud => t == "cloud",
                    Target::Es(id) => t == "es" || t == id || Some(t) == dep_name.as_ref(),
                })
        }) else {
            drop(faults);
            return lock(&self.random)
                .as_mut()
                .and_then(|r| r.draw(&req.method, &req.path, target.label()));
        };
        let f = &mut faults[idx];
        if f.skip > 0 {
            f.skip -= 1;
            return None;
        }
        f.count -= 1;
        let out = f.clone();
        if f.count == 0 {
            faults.remove(idx);
        }
        Some(out)
    }

    fn record(
        &self,
        target: &Target,
        req: &Req,
        status: Option<u16>,
        response: Option<&Value>,
        fault: Option<&Fault>,
    ) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let mut e = json!({
            "seq": seq,
            "time": crate::util::rfc3339(crate::util::now_ms()),
            "target": target.label(),
            "method": req.method,
            "path": req.path,
            "query": req.query_json(),
            "body": req.body.as_ref().map(mask),
            "status": status,
            "response": response.map(mask),
        });
        if let Some(f) = fault {
            e["fault"] = json!(f.id);
            e["fault_kind"] = json!(f.kind());
        }
        lock(&self.log).push(e);
    }
}

/// Masks secrets in a logged body.
pub fn mask(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, val) in m {
                let secret_key = matches!(
                    k.as_str(),
                    "api_key" | "encoded" | "password" | "secure_settings_password"
                );
                let nv = if secret_key && val.is_string() {
                    Value::String(MASK.into())
                } else if k == "secrets" && val.is_object() {
                    let mut s = Map::new();
                    for (name, entry) in val.as_object().into_iter().flatten() {
                        let masked = match entry {
                            Value::Object(em) => {
                                let mut em = em.clone();
                                if em.contains_key("value") {
                                    em.insert("value".into(), Value::String(MASK.into()));
                                }
                                Value::Object(em)
                            }
                            other => other.clone(),
                        };
                        s.insert(name.clone(), masked);
                    }
                    Value::Object(s)
                } else {
                    mask(val)
                };
                out.insert(k.clone(), nv);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(mask).collect()),
        other => other.clone(),
    }
}

/// Decodes `%xx` and `+` in a query component.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let h = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(q: Option<&str>) -> Vec<(String, String)> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The error that makes hyper drop a connection (the `reset` fault).
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by a simulated fault")]
pub struct Dropped;

/// A response body: whole, or cut short (the `truncate` fault): the first half of the bytes,
/// then an error, on which hyper drops the connection. Its size hint is the whole length, so
/// the `content-length` header promises more than arrives.
pub struct WireBody {
    data: Option<Bytes>,
    full_len: u64,
    truncated: bool,
    /// Truncated: a pause between the half body and the drop, so that both are on the wire
    /// before the connection goes (hyper flushes while the body is pending).
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl std::fmt::Debug for WireBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireBody")
            .field("full_len", &self.full_len)
            .field("truncated", &self.truncated)
            .finish()
    }
}

impl WireBody {
    fn whole(b: Bytes) -> Self {
        WireBody {
            full_len: b.len() as u64,
            data: Some(b),
            truncated: false,
            pause: None,
        }
    }

    fn truncate(mut self) -> Self {
        if let Some(b) = &self.data {
            let half = b.len() / 2;
            self.data = Some(b.slice(..half));
        }
        self.truncated = true;
        self.pause = Some(Box::pin(tokio::time::sleep(Duration::from_millis(20))));
        self
    }
}

impl hyper::body::Body for WireBody {
    type Data = Bytes;
    type Error = Dropped;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Dropped>>> {
        let this = self.get_mut();
        if let Some(b) = this.data.take()
            && !b.is_empty()
        {
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        if !this.truncated {
            return Poll::Ready(None);
        }
        if let Some(p) = this.pause.as_mut() {
            if p.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.pause = None;
        }
        Poll::Ready(Some(Err(Dropped)))
    }

    fn is_end_stream(&self) -> bool {
        !self.truncated && self.data.as_ref().is_none_or(Bytes::is_empty)
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.full_len)
    }
}

fn to_response(reply: Reply, es: bool) -> Response<WireBody> {
    let body = match &reply.raw {
        Some((_, text)) => Bytes::from(text.clone()),
        None => reply
            .body
            .as_ref()
            .map(|b| Bytes::from(b.to_string()))
            .unwrap_or_default(),
    };
    let mut resp = Response::new(WireBody::whole(body));
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if let Some((ct, _)) = &reply.raw {
        if let Ok(v) = HeaderValue::from_str(ct) {
            h.insert("content-type", v);
        }
    } else if reply.body.is_some() {
        h.insert("content-type", HeaderValue::from_static("application/json"));
    }
    if es {
        h.insert(
            "x-elastic-product",
            HeaderValue::from_static("Elasticsearch"),
        );
    }
    for (k, v) in reply.headers {
        if let (Ok(name), Ok(val)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.append(name, val);
        }
    }
    resp
}

fn fault_reply(f: &Fault, target: &Target, status: u16) -> Reply {
    let msg = f
        .message
        .clone()
        .unwrap_or_else(|| format!("simulated fault: HTTP {status}"));
    let mut reply = match target {
        Target::Cloud => {
            let code = f.code.clone().unwrap_or_else(|| match status {
                429 => "root.rate_limited".to_string(),
                503 => "root.service_unavailable".to_string(),
                _ => "root.unexpected_error".to_string(),
            });
            crate::cloud::error(status, &code, &msg)
        }
        Target::Es(_) => {
            let ty = f.code.clone().unwrap_or_else(|| match status {
                429 => "es_rejected_execution_exception".to_string(),
                503 => "cluster_block_exception".to_string(),
                _ => "simulated_fault_exception".to_string(),
            });
            crate::es::error(status, &ty, &msg)
        }
    };
    if let Some(s) = f.retry_after {
        reply = reply.with_header("retry-after", s.to_string());
    }
    reply
}

async fn handle(
    sim: Arc<Sim>,
    target: Target,
    req: Request<Incoming>,
) -> Result<Response<WireBody>, Dropped> {
    let (parts, body) = req.into_parts();
    let bytes = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return Err(Dropped),
    };
    let (body, bad_json) = if bytes.iter().all(u8::is_ascii_whitespace) {
        (None, false)
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => (Some(v), false),
            Err(_) => (None, true),
        }
    };
    let req = Req {
        method: parts.method.as_str().to_ascii_uppercase(),
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query()),
        headers: parts.headers,
        body,
        bad_json,
    };
    let es = matches!(target, Target::Es(_));
    if target == Target::Cloud && (req.path == "/_sim" || req.path.starts_with("/_sim/")) {
        return Ok(to_response(crate::control::handle(&sim, &req), false));
    }
    let _in_flight = InFlight::enter(&sim);
    let fault = sim.take_fault(&req, &target);
    if let Some(f) = &fault {
        if f.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
        }
        if f.reset && !f.after {
            sim.record(&target, &req, None, None, Some(f));
            return Err(Dropped);
        }
        if let Some(status) = f.status {
            let reply = fault_reply(f, &target, status);
            sim.record(&target, &req, Some(status), reply.body.as_ref(), Some(f));
            return Ok(to_response(reply, es));
        }
    }
    let latency = sim.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let reply = match &target {
        Target::Cloud => crate::cloud::handle(&sim, &req),
        Target::Es(id) => crate::es::handle(&sim, id, &req),
    };
    sim.record(
        &target,
        &req,
        Some(reply.status),
        reply.body.as_ref(),
        fault.as_ref(),
    );
    match &fault {
        // The change is made; the answer never arrives.
        Some(f) if f.reset && f.after => Err(Dropped),
        Some(f) if f.truncate => {
            let resp = to_response(reply, es);
            let (parts, body) = resp.into_parts();
            Ok(Response::from_parts(parts, body.truncate()))
        }
        _ => Ok(to_response(reply, es)),
    }
}

/// Serves `listener` until `shutdown` changes (or its sender is dropped); with `tls`, each
/// connection is a TLS handshake first (a failed handshake just closes that connection).
pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    sim: Arc<Sim>,
    target: Target,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let sim = sim.clone();
                let target = target.clone();
                let tls = tls.clone();
                conns.spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        handle(sim.clone(), target.clone(), req)
                    });
                    let mut http = hyper::server::conn::http1::Builder::new();
                    http.keep_alive(true);
                    match tls {
                        None => {
                            let io = hyper_util::rt::TokioIo::new(stream);
                            let _ = http.serve_connection(io, svc).await;
                        }
                        Some(acceptor) => {
                            let Ok(stream) = acceptor.accept(stream).await else {
                                return;
                            };
                            let io = hyper_util::rt::TokioIo::new(stream);
                            let _ = http.serve_connection(io, svc).await;
                        }
                    }
                });
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}
