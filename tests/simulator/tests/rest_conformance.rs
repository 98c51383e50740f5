//! Elastic's own YAML REST tests (`../shared/specs/es-rest-tests/`) run against the simulator.
//!
//! A runner for the part of the YAML test language those files use: `setup`/`teardown`,
//! `skip`/`requires` (version ranges, `cluster_features: gte_vX.Y.Z`, runner features), `do`
//! (with `catch`, `headers`, `warnings`, `allowed_warnings`, `ignore`), `set` (including
//! `_arbitrary_key_`), `transform_and_set` (`#base64EncodeCredentials`), `match` (regexes in
//! `/.../`, stash references), `is_true`, `is_false`, `exists`, `length`, `gt`/`gte`/`lt`/`lte`
//! and `contains`. Every test runs on a fresh simulator holding one deployment of the version
//! the file was written for (and a peer deployment that plays the preset `my_remote_cluster`).
//!
//! Steps outside the simulator's scope (users, indices, search, cluster health, role queries)
//! are skipped with a printed reason, and so is every assertion on their answer; a test whose
//! steps are all skipped counts as skipped. The expected differences the specs README allows
//! are listed in `DIVERGENCES` and printed when they apply.
//!
//! Prints `rest conformance: N passed, N failed, N skipped` and exits non-zero on a failure.
//! Without `../shared` it prints one line and passes.

use crosscluster_sim::{Fixture, Options};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

const EVERY: &[&str] = &["7.5.2", "7.17.25", "8.12.2", "8.18.0", "9.1.0"];

/// Which deployment versions each file runs against (from the specs README).
const PLANS: &[(&str, &[&str])] = &[
    ("x-pack/api_key/50_cross_cluster.yml", &["9.1.0"]),
    ("x-pack/api_key/50_cross_cluster@27a1bafb.yml", &["8.12.2"]),
    ("x-pack/roles/10_basic.yml", &["8.18.0", "9.1.0"]),
    ("x-pack/roles/20_get_missing.yml", EVERY),
    ("x-pack/roles/50_remote_only.yml", &["8.18.0", "9.1.0"]),
    ("rest-api-spec/cluster.put_settings/10_basic.yml", EVERY),
    ("rest-api-spec/cluster.remote_info/10_info.yml", EVERY),
    (
        "rest-api-spec/indices.resolve_cluster/10_basic_resolve_cluster.yml",
        &["8.12.2", "8.18.0", "9.1.0"],
    ),
    (
        "rest-api-spec/nodes.reload_secure_settings/10_basic.yml",
        EVERY,
    ),
    // Connection modes (`cluster.remote.*.mode`) exist from 7.7, the versions this file is for.
    (
        "qa-multi-cluster-search/15_connection_mode_configuration.yml",
        &["7.17.25", "8.12.2", "8.18.0", "9.1.0"],
    ),
];

/// Runner features this runner implements (`skip.features` / `requires.test_runner_features`).
const FEATURES: &[&str] = &[
    "headers",
    "allowed_warnings",
    "warnings",
    "transform_and_set",
    "arbitrary_key",
    "stash_in_path",
    "fips_140", // the simulator is not a FIPS JVM: tests skipped only in FIPS mode run
];

/// APIs outside the simulator's scope, with the reason printed when a step calls one.
const OUT_OF_SCOPE: &[(&str, &str)] = &[
    (
        "security.put_user",
        "users are not simulated (the provider manages no users)",
    ),
    ("security.delete_user", "users are not simulated"),
    (
        "security.get_user_privileges",
        "user privileges are not simulated (users are not simulated)",
    ),
    (
        "security.query_role",
        "role queries (_security/_query/role) are not simulated",
    ),
    ("cluster.health", "cluster health is not simulated"),
    ("indices.create", "indices are not simulated"),
    ("indices.close", "indices are not simulated"),
    ("search", "search is not simulated"),
];

/// The differences the specs README allows, applied to one `do` step: when the simulator's
/// answer matches `when`, the step is reported as an expected difference (and the steps that
/// depend on its answer are skipped).
struct Divergence {
    file: &'static str,
    test: &'static str,
    api: &'static str,
    reason: &'static str,
    when: fn(&Resp) -> bool,
}

const DIVERGENCES: &[Divergence] = &[Divergence {
    file: "x-pack/api_key/50_cross_cluster.yml",
    test: "Test create a cross-cluster API key",
    api: "security.create_cross_cluster_api_key",
    reason: "expected difference (specs README): 8.14+ reject a search `query`/`field_security` combined with replication (elastic/elasticsearch#108600), newer than this stored copy",
    when: |r| {
        r.status == 400
            && r.text.contains(
                "search does not support document or field level security if replication is assigned",
            )
    },
}];

/// Deprecation texts of a stored copy that differ from what released versions send.
const WARNING_TEXTS: &[(&str, &str, &str)] = &[(
    "[transientSettings removal] Updating cluster settings through transientSettings is deprecated. Prefer using persistent settings instead.",
    "[transient settings removal] Updating cluster settings through transient settings is deprecated. Some Elastic products may make use of transient settings and those should not be changed. Any custom use of transient settings should be replaced by persistent settings.",
    "expected difference: this stored copy predates the deprecation text that released 7.16+ send (RestClusterUpdateSettingsAction); the released text is required instead",
)];

#[derive(Debug, Clone)]
struct Resp {
    status: u16,
    body: Value,
    text: String,
    warnings: Vec<String>,
}

enum Step {
    Ok,
    /// Skipped (its reason is in `Ctx::skipped` or counted in `Ctx::dependent`).
    Skip,
}

struct Ctx {
    http: reqwest::Client,
    base: String,
    elastic: String,
    file: String,
    test: String,
    stash: Map<String, Value>,
    /// Stash variables whose value came from a skipped step, with that step's reason.
    unavailable: BTreeMap<String, String>,
    last: Option<Resp>,
    /// Set while the last `do` was skipped: assertions on its answer are skipped too.
    last_skipped: Option<String>,
    /// Authorization headers of test users whose creation was skipped, by user name.
    users: BTreeMap<String, String>,
    notes: Vec<String>,
    skipped: Vec<String>,
    /// Assertions and `set`s skipped because they read the answer of a skipped step.
    dependent: usize,
    ran_do: usize,
}

struct Section {
    name: String,
    steps: Vec<Value>,
}

struct TestFile {
    setup: Vec<Value>,
    teardown: Vec<Value>,
    tests: Vec<Section>,
}

fn load(text: &str) -> Result<TestFile, String> {
    let mut f = TestFile {
        setup: Vec::new(),
        teardown: Vec::new(),
        tests: Vec::new(),
    };
    for d in serde_norway::Deserializer::from_str(text) {
        let Value::Object(m) = Value::deserialize(d).map_err(|e| e.to_string())? else {
            continue;
        };
        for (name, steps) in m {
            let steps = steps.as_array().cloned().unwrap_or_default();
            match name.as_str() {
                "setup" => f.setup = steps,
                "teardown" => f.teardown = steps,
                _ => f.tests.push(Section { name, steps }),
            }
        }
    }
    Ok(f)
}

type V3 = (u32, u32, u32);

fn parse_v(s: &str) -> V3 {
    let mut it = s
        .trim()
        .split(['.', '-'])
        .map(|p| p.trim().parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

fn in_ranges(ranges: &str, v: V3) -> bool {
    if ranges.trim() == "all" {
        return true;
    }
    ranges.split(',').any(|r| {
        let (lo, hi) = r.split_once(" - ").unwrap_or((r, r));
        let lo = if lo.trim().is_empty() {
            (0, 0, 0)
        } else {
            parse_v(lo)
        };
        let hi = if hi.trim().is_empty() {
            (u32::MAX, 0, 0)
        } else {
            parse_v(hi)
        };
        lo <= v && v <= hi
    })
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn has_feature(cluster_feature: &str, v: V3) -> bool {
    cluster_feature
        .strip_prefix("gte_v")
        .is_some_and(|min| v >= parse_v(min))
}

/// Why the leading `skip`/`requires` steps of a section skip it on version `v`.
fn skip_reason(steps: &[Value], v: V3) -> Option<String> {
    for s in steps {
        let reason = |o: &Value| {
            o.get("reason")
                .and_then(Value::as_str)
                .unwrap_or("no reason given")
                .to_string()
        };
        if let Some(o) = s.get("skip") {
            if let Some(r) = o.get("version").and_then(Value::as_str)
                && in_ranges(r, v)
            {
                return Some(format!("skip rule for versions [{r}]: {}", reason(o)));
            }
            for f in list(o.get("features")) {
                if !FEATURES.contains(&f.as_str()) {
                    return Some(format!("needs runner feature [{f}]"));
                }
            }
            let cf = list(o.get("cluster_features"));
            if !cf.is_empty() && cf.iter().all(|f| has_feature(f, v)) {
                return Some(format!(
                    "skip rule for cluster features {cf:?}: {}",
                    reason(o)
                ));
            }
        } else if let Some(o) = s.get("requires") {
            for f in list(o.get("cluster_features")) {
                if !has_feature(&f, v) {
                    return Some(format!("requires [{f}]: {}", reason(o)));
                }
            }
            for f in list(o.get("test_runner_features")) {
                if !FEATURES.contains(&f.as_str()) {
                    return Some(format!("needs runner feature [{f}]"));
                }
            }
        } else {
            break;
        }
    }
    None
}

/// Splits a dotted path (`\.` escapes a dot).
fn split_path(p: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                if let Some(l) = out.last_mut() {
                    l.push('.');
                }
            }
            '.' => out.push(String::new()),
            c => {
                if let Some(l) = out.last_mut() {
                    l.push(c);
                }
            }
        }
    }
    if out.len() == 1 && out[0].is_empty() {
        return Vec::new();
    }
    out
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn same(a: &Value, e: &Value) -> bool {
    match (a, e) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && y.iter()
                    .all(|(k, ev)| x.get(k).is_some_and(|av| same(av, ev)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        _ => a == e,
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !(s.is_empty() || s == "false" || s == "0"),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(_) => true,
    }
}

fn warning_text(header: &str) -> Option<String> {
    // 299 Elasticsearch-<version>-<hash> "<text>" ["<date>"]
    let start = header.find('"')? + 1;
    let mut out = String::new();
    let mut chars = header[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return Some(out),
            c => out.push(c),
        }
    }
    None
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Method and path of an API given its path parts.
fn endpoint(api: &str, parts: &Map<String, Value>) -> Option<(&'static str, String)> {
    let part = |k: &str| {
        parts.get(k).map(|v| match v {
            Value::Array(a) => a.iter().map(text_of).collect::<Vec<_>>().join(","),
            other => text_of(other),
        })
    };
    let enc = |k: &str| part(k).map(|p| percent_encode(&p));
    Some(match api {
        "info" => ("GET", "/".to_string()),
        "security.put_role" => ("PUT", format!("/_security/role/{}", enc("name")?)),
        "security.get_role" => match enc("name") {
            Some(n) => ("GET", format!("/_security/role/{n}")),
            None => ("GET", "/_security/role".to_string()),
        },
        "security.delete_role" => ("DELETE", format!("/_security/role/{}", enc("name")?)),
        "security.create_cross_cluster_api_key" => {
            ("POST", "/_security/cross_cluster/api_key".to_string())
        }
        "security.update_cross_cluster_api_key" => (
            "PUT",
            format!("/_security/cross_cluster/api_key/{}", enc("id")?),
        ),
        "security.create_api_key" => ("PUT", "/_security/api_key".to_string()),
        "security.get_api_key" => ("GET", "/_security/api_key".to_string()),
        "security.invalidate_api_key" => ("DELETE", "/_security/api_key".to_string()),
        "security.authenticate" => ("GET", "/_security/_authenticate".to_string()),
        "cluster.put_settings" => ("PUT", "/_cluster/settings".to_string()),
        "cluster.get_settings" => ("GET", "/_cluster/settings".to_string()),
        "cluster.remote_info" => ("GET", "/_remote/info".to_string()),
        "indices.resolve_cluster" => match enc("name") {
            Some(n) => ("GET", format!("/_resolve/cluster/{n}")),
            None => ("GET", "/_resolve/cluster".to_string()),
        },
        "nodes.reload_secure_settings" => match enc("node_id") {
            Some(n) => ("POST", format!("/_nodes/{n}/reload_secure_settings")),
            None => ("POST", "/_nodes/reload_secure_settings".to_string()),
        },
        _ => return None,
    })
}

/// Path parts of each API (the rest of the params go to the query string).
const PATH_PARTS: &[&str] = &["name", "id", "node_id"];

impl Ctx {
    fn skip_step(&mut self, reason: String) -> Step {
        self.skipped.push(reason);
        Step::Skip
    }

    /// Replaces stash references; Err(reason) when one names a value from a skipped step.
    fn subst(&self, v: &Value) -> Result<Value, String> {
        Ok(match v {
            Value::String(s) => {
                if let Some(name) = s.strip_prefix('$')
                    && !name.starts_with('{')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                {
                    return self.lookup(name);
                }
                let mut out = String::new();
                let mut rest = s.as_str();
                while let Some(i) = rest.find("${") {
                    out.push_str(&rest[..i]);
                    let after = &rest[i + 2..];
                    let Some(j) = after.find('}') else {
                        out.push_str(&rest[i..]);
                        rest = "";
                        break;
                    };
                    out.push_str(&text_of(&self.lookup(&after[..j])?));
                    rest = &after[j + 1..];
                }
                out.push_str(rest);
                Value::String(out)
            }
            Value::Array(a) => {
                Value::Array(a.iter().map(|x| self.subst(x)).collect::<Result<_, _>>()?)
            }
            Value::Object(m) => {
                let mut o = Map::new();
                for (k, x) in m {
                    o.insert(k.clone(), self.subst(x)?);
                }
                Value::Object(o)
            }
            other => other.clone(),
        })
    }

    fn lookup(&self, name: &str) -> Result<Value, String> {
        if let Some(r) = self.unavailable.get(name) {
            return Err(format!("uses ${name}, set from a skipped step ({r})"));
        }
        if name == "body" {
            return Ok(self
                .last
                .as_ref()
                .map(|r| r.body.clone())
                .unwrap_or(Value::Null));
        }
        self.stash
            .get(name)
            .cloned()
            .ok_or_else(|| format!("stash has no ${name}"))
    }

    /// The value at `path` in the last answer (None: absent).
    fn at(&self, path: &str) -> Result<Option<Value>, String> {
        let mut cur = self
            .last
            .as_ref()
            .map(|r| r.body.clone())
            .unwrap_or(Value::Null);
        if path == "$body" {
            return Ok(Some(cur));
        }
        for seg in split_path(path) {
            let seg = match seg.strip_prefix('$') {
                Some(n) => text_of(&self.lookup(n)?),
                None => seg,
            };
            let next = match &cur {
                Value::Object(m) => m.get(&seg).cloned(),
                Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i).cloned()),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    async fn run_do(&mut self, spec: &Value) -> Result<Step, String> {
        self.last_skipped = None;
        let Some(obj) = spec.as_object() else {
            return Err("`do` is not a map".into());
        };
        let mut obj = obj.clone();
        let catch = obj.remove("catch").map(|c| text_of(&c));
        let headers = obj.remove("headers");
        let warnings = list(obj.remove("warnings").as_ref());
        let allowed = list(obj.remove("allowed_warnings").as_ref());
        obj.remove("node_selector");
        let Some((api, params)) = obj.into_iter().next() else {
            return Err("`do` names no API".into());
        };
        if let Some((_, why)) = OUT_OF_SCOPE.iter().find(|(a, _)| *a == api) {
            if api == "security.put_user"
                && let Some(user) = params.get("username").and_then(Value::as_str)
            {
                let body = match params.get("body") {
                    Some(Value::String(t)) => serde_json::from_str(t).unwrap_or(Value::Null),
                    Some(b) => b.clone(),
                    None => Value::Null,
                };
                if let Some(pw) = body.get("password").and_then(Value::as_str) {
                    let basic = format!("Basic {}", base64_encode(&format!("{user}:{pw}")));
                    self.users.insert(user.to_string(), basic);
                }
            }
            let r = format!("{api}: {why}");
            self.last_skipped = Some(r.clone());
            return Ok(self.skip_step(r));
        }
        let params = match self.subst(&params) {
            Ok(p) => p,
            Err(why) => {
                let r = format!("{api}: {why}");
                self.last_skipped = Some(r.clone());
                return Ok(self.skip_step(r));
            }
        };
        let mut params = params.as_object().cloned().unwrap_or_default();
        if api == "indices.resolve_cluster"
            && let Some(name) = params.get("name").map(text_of)
            && name.split(',').any(|e| !e.contains(':'))
        {
            let r = format!(
                "{api} [{name}]: resolves local index expressions, and indices are not simulated"
            );
            self.last_skipped = Some(r.clone());
            return Ok(self.skip_step(r));
        }
        let body = params.remove("body");
        let ignore: Vec<u16> = match params.remove("ignore") {
            Some(Value::Array(a)) => a.iter().filter_map(|x| num(x).map(|n| n as u16)).collect(),
            Some(x) => num(&x).map(|n| vec![n as u16]).unwrap_or_default(),
            None => Vec::new(),
        };
        let mut parts = Map::new();
        for p in PATH_PARTS {
            if let Some(v) = params.remove(*p) {
                parts.insert((*p).to_string(), v);
            }
        }
        if api == "security.get_api_key" {
            // `id` and `name` of get_api_key are query parameters.
            for p in ["id", "name"] {
                if let Some(v) = parts.remove(p) {
                    params.insert(p.to_string(), v);
                }
            }
        }
        let Some((method, path)) = endpoint(&api, &parts) else {
            return Err(format!("the runner does not know API [{api}]"));
        };
        let query: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| {
                let t = match v {
                    Value::Array(a) => a.iter().map(text_of).collect::<Vec<_>>().join(","),
                    other => text_of(other),
                };
                (k.clone(), t)
            })
            .collect();
        let body = match body {
            Some(Value::String(t)) => {
                let parsed: Value = serde_json::from_str(&t)
                    .map_err(|e| format!("body of {api} is not JSON: {e}"))?;
                match self.subst(&parsed) {
                    Ok(b) => Some(b),
                    Err(why) => {
                        let r = format!("{api}: {why}");
                        self.last_skipped = Some(r.clone());
                        return Ok(self.skip_step(r));
                    }
                }
            }
            other => other,
        };
        let mut auth = self.elastic.clone();
        let mut extra = Vec::new();
        if let Some(Value::Object(h)) = &headers {
            for (k, v) in h {
                let v = match self.subst(v) {
                    Ok(v) => text_of(&v),
                    Err(why) => {
                        let r = format!("{api}: {why}");
                        self.last_skipped = Some(r.clone());
                        return Ok(self.skip_step(r));
                    }
                };
                if k.eq_ignore_ascii_case("authorization") {
                    if let Some((user, _)) = self.users.iter().find(|(_, b)| **b == v) {
                        let note = format!(
                            "runs as `elastic` where the test authenticates as its user [{user}] (users are not simulated; [{user}]'s roles grant no more than `elastic` has)"
                        );
                        if !self.notes.contains(&note) {
                            self.notes.push(note);
                        }
                    } else {
                        auth = v;
                    }
                } else {
                    extra.push((k.clone(), v));
                }
            }
        }
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        let url = if qs.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{}", self.base, qs.join("&"))
        };
        let mut rb = self
            .http
            .request(method.parse().map_err(|_| "bad method".to_string())?, &url)
            .header("authorization", auth);
        for (k, v) in extra {
            rb = rb.header(k, v);
        }
        if let Some(b) = &body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = rb.send().await.map_err(|e| format!("{api}: {e}"))?;
        let status = resp.status().as_u16();
        let warn_headers: Vec<String> = resp
            .headers()
            .get_all("warning")
            .iter()
            .filter_map(|h| h.to_str().ok().and_then(warning_text))
            .collect();
        let text = resp.text().await.map_err(|e| format!("{api}: {e}"))?;
        let r = Resp {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text.clone())),
            text,
            warnings: warn_headers,
        };
        if let Some(d) = DIVERGENCES
            .iter()
            .find(|d| d.file == self.file && d.test == self.test && d.api == api)
            && (d.when)(&r)
        {
            let reason = format!("{api}: {}", d.reason);
            self.last_skipped = Some(reason.clone());
            return Ok(self.skip_step(reason));
        }
        match &catch {
            Some(c) => {
                let ok = match c.as_str() {
                    "bad_request" => status == 400,
                    "unauthorized" => status == 401,
                    "forbidden" => status == 403,
                    "missing" => status == 404,
                    "request_timeout" => status == 408,
                    "conflict" => status == 409,
                    "unavailable" => status == 503,
                    "request" => status >= 400,
                    re if re.starts_with('/') && re.ends_with('/') && re.len() > 1 => {
                        status >= 400
                            && regex::Regex::new(&format!("(?x){}", &re[1..re.len() - 1]))
                                .map_err(|e| e.to_string())?
                                .is_match(&r.text)
                    }
                    other => return Err(format!("unknown catch [{other}]")),
                };
                if !ok {
                    return Err(format!(
                        "{api} {method} {path}: expected catch [{c}], got {status}: {}",
                        r.text
                    ));
                }
            }
            None => {
                if status >= 400 && !ignore.contains(&status) {
                    return Err(format!("{api} {method} {path}: HTTP {status}: {}", r.text));
                }
                self.check_warnings(&api, &r, &warnings, &allowed)?;
            }
        }
        self.ran_do += 1;
        self.last = Some(r);
        Ok(Step::Ok)
    }

    fn check_warnings(
        &mut self,
        api: &str,
        r: &Resp,
        warnings: &[String],
        allowed: &[String],
    ) -> Result<(), String> {
        let mut expected = Vec::new();
        for w in warnings {
            match WARNING_TEXTS.iter().find(|(old, _, _)| old == w) {
                Some((_, released, why)) => {
                    let note = format!("{api}: {why}");
                    if !self.notes.contains(&note) {
                        self.notes.push(note);
                    }
                    expected.push((*released).to_string());
                }
                None => expected.push(w.clone()),
            }
        }
        for w in &expected {
            if !r.warnings.contains(w) {
                return Err(format!(
                    "{api}: expected warning header [{w}], got {:?}",
                    r.warnings
                ));
            }
        }
        for w in &r.warnings {
            if !expected.contains(w) && !allowed.contains(w) {
                return Err(format!("{api}: unexpected warning header [{w}]"));
            }
        }
        Ok(())
    }

    fn assertion(&mut self, kind: &str, arg: &Value) -> Result<Step, String> {
        if self.last_skipped.is_some() {
            self.dependent += 1;
            return Ok(Step::Skip);
        }
        let pairs: Vec<(String, Value)> = match arg {
            Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Value::String(s) => vec![(s.clone(), Value::Null)],
            other => return Err(format!("{kind}: unexpected argument {other}")),
        };
        for (path, expected) in pairs {
            let actual = match self.at(&path) {
                Ok(a) => a,
                Err(why) => return Ok(self.skip_step(format!("{kind} {path}: {why}"))),
            };
            let fail = |what: String| Err(format!("{kind} {path}: {what}"));
            match kind {
                "is_true" if !truthy(actual.as_ref()) => {
                    return fail(format!("expected a true value, got {actual:?}"));
                }
                "is_false" if truthy(actual.as_ref()) => {
                    return fail(format!("expected a false value, got {actual:?}"));
                }
                "exists" if actual.as_ref().is_none_or(Value::is_null) => {
                    return fail("expected a value, got none".into());
                }
                "match" | "length" | "gt" | "gte" | "lt" | "lte" | "contains" => {
                    let expected = match self.subst(&expected) {
                        Ok(e) => e,
                        Err(why) => return Ok(self.skip_step(format!("{kind} {path}: {why}"))),
                    };
                    let Some(actual) = actual else {
                        return fail(format!("no value (expected {expected})"));
                    };
                    let ok = match kind {
                        "match" => match &expected {
                            Value::String(s)
                                if s.trim().len() > 1
                                    && s.trim().starts_with('/')
                                    && s.trim().ends_with('/') =>
                            {
                                let t = s.trim();
                                regex::Regex::new(&format!("(?x){}", &t[1..t.len() - 1]))
                                    .map_err(|e| e.to_string())?
                                    .is_match(&text_of(&actual))
                            }
                            _ => same(&actual, &expected),
                        },
                        "length" => {
                            let n = match &actual {
                                Value::Array(a) => a.len(),
                                Value::Object(m) => m.len(),
                                Value::String(s) => s.chars().count(),
                                _ => usize::MAX,
                            };
                            num(&expected).is_some_and(|e| e as usize == n)
                        }
                        "contains" => match &actual {
                            Value::Array(a) => a.iter().any(|x| same(x, &expected)),
                            _ => false,
                        },
                        _ => match (num(&actual), num(&expected)) {
                            (Some(a), Some(e)) => match kind {
                                "gt" => a > e,
                                "gte" => a >= e,
                                "lt" => a < e,
                                _ => a <= e,
                            },
                            _ => false,
                        },
                    };
                    if !ok {
                        return fail(format!("expected {expected}, got {actual}"));
                    }
                }
                _ => {}
            }
        }
        Ok(Step::Ok)
    }

    fn set(&mut self, arg: &Value) -> Result<Step, String> {
        let Some(m) = arg.as_object() else {
            return Err("set: not a map".into());
        };
        for (path, var) in m {
            let var = text_of(var);
            if let Some(r) = self.last_skipped.clone() {
                self.unavailable.insert(var.clone(), r.clone());
                self.dependent += 1;
                return Ok(Step::Skip);
            }
            let mut segs = split_path(path);
            let value = if segs.last().map(String::as_str) == Some("_arbitrary_key_") {
                segs.pop();
                let prefix = segs.join(".");
                self.at(&prefix)?
                    .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()))
                    .map(Value::String)
            } else {
                self.at(path)?
            };
            let Some(value) = value else {
                return Err(format!("set ${var}: nothing at [{path}]"));
            };
            self.unavailable.remove(&var);
            self.stash.insert(var, value);
        }
        Ok(Step::Ok)
    }

    fn transform_and_set(&mut self, arg: &Value) -> Result<Step, String> {
        let Some(m) = arg.as_object() else {
            return Err("transform_and_set: not a map".into());
        };
        for (var, expr) in m {
            if let Some(r) = self.last_skipped.clone() {
                self.unavailable.insert(var.clone(), r.clone());
                self.dependent += 1;
                return Ok(Step::Skip);
            }
            let expr = text_of(expr);
            let Some(args) = expr
                .strip_prefix("#base64EncodeCredentials(")
                .and_then(|r| r.strip_suffix(')'))
            else {
                return Err(format!("transform_and_set: unknown transform [{expr}]"));
            };
            let vals: Vec<String> = args
                .split(',')
                .map(|p| {
                    self.at(p.trim())
                        .map(|v| v.map(|v| text_of(&v)).unwrap_or_default())
                })
                .collect::<Result<_, _>>()?;
            self.stash
                .insert(var.clone(), Value::String(base64_encode(&vals.join(":"))));
        }
        Ok(Step::Ok)
    }

    async fn step(&mut self, step: &Value) -> Result<Step, String> {
        let Some((kind, arg)) = step.as_object().and_then(|m| m.iter().next()) else {
            return Err(format!("malformed step {step}"));
        };
        match kind.as_str() {
            "skip" | "requires" => Ok(Step::Ok),
            "do" => self.run_do(arg).await,
            "set" => self.set(arg),
            "transform_and_set" => self.transform_and_set(arg),
            "match" | "is_true" | "is_false" | "exists" | "length" | "gt" | "gte" | "lt"
            | "lte" | "contains" => self.assertion(kind, arg),
            other => Err(format!("the runner does not implement step [{other}]")),
        }
    }
}

fn base64_encode(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One organization with the deployment under test and a peer of the same version, whose
/// endpoint on port 9400 is the preset remote `my_remote_cluster` of Elasticsearch's test
/// clusters; both carry the node settings those clusters are started with.
fn fixture(version: &str) -> Fixture {
    let peer_endpoint = "peer0000000000000000000000000001.eu-west-1.aws.found.io";
    let text = json!({
        "organizations": [{"id": "3000000003", "name": "Conformance", "api_keys": ["essu_conformance"]}],
        "deployments": [
            {"name": "target", "organization_id": "3000000003", "version": version,
             "node_settings": {
                 "node.attr.testattr": "test",
                 "cluster.remote.my_remote_cluster.seeds": [format!("{peer_endpoint}:9400")]
             }},
            {"name": "peer", "organization_id": "3000000003", "version": version,
             "endpoint": peer_endpoint}
        ]
    })
    .to_string();
    Fixture::from_json(&text).unwrap()
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    skip_reasons: BTreeMap<String, usize>,
    failures: Vec<String>,
}

async fn run_test(file_name: &str, f: &TestFile, t: &Section, version: &str, tally: &mut Tally) {
    let v = parse_v(version);
    if let Some(r) = skip_reason(&f.setup, v).or_else(|| skip_reason(&t.steps, v)) {
        println!("  SKIP  {}: {r}", t.name);
        tally.skipped += 1;
        *tally.skip_reasons.entry(r).or_default() += 1;
        return;
    }
    let sim = crosscluster_sim::start(
        fixture(version),
        Options {
            plan_ms: 0,
            latency_ms: 0,
        },
    )
    .await
    .unwrap();
    let (_, dep) = sim.ready.deployment("target").unwrap();
    let mut ctx = Ctx {
        http: reqwest::Client::new(),
        base: dep.es_url.clone(),
        elastic: format!(
            "Basic {}",
            base64_encode(&format!("elastic:{}", dep.password))
        ),
        file: file_name.to_string(),
        test: t.name.clone(),
        stash: Map::new(),
        unavailable: BTreeMap::new(),
        last: None,
        last_skipped: None,
        users: BTreeMap::new(),
        notes: Vec::new(),
        skipped: Vec::new(),
        dependent: 0,
        ran_do: 0,
    };
    let mut failure: Option<String> = None;
    let mut all_skipped = false;
    for (phase, steps) in [
        ("setup", &f.setup),
        ("test", &t.steps),
        ("teardown", &f.teardown),
    ] {
        if phase == "test" {
            ctx.ran_do = 0;
        }
        if phase == "teardown" {
            ctx.last_skipped = None;
        } else if failure.is_some() {
            // Teardown still runs after a failure, as in Elasticsearch's runner.
            continue;
        }
        for s in steps {
            if let Err(e) = ctx.step(s).await {
                failure.get_or_insert(format!("{phase}: {e}"));
                break;
            }
        }
        if phase == "test" && failure.is_none() && ctx.ran_do == 0 {
            all_skipped = true;
        }
    }
    let steps_skipped = ctx.skipped.len() + ctx.dependent;
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &ctx.skipped {
        *reasons.entry(r.as_str()).or_default() += 1;
    }
    match failure {
        Some(e) => {
            println!("  FAIL  {}: {e}", t.name);
            tally.failed += 1;
            tally
                .failures
                .push(format!("{file_name} @ {version}: {}: {e}", t.name));
        }
        None if all_skipped => {
            let r = "no step ran: each was skipped (reasons below)".to_string();
            println!("  SKIP  {}: {r}", t.name);
            tally.skipped += 1;
            *tally.skip_reasons.entry(r).or_default() += 1;
        }
        None => {
            if steps_skipped == 0 {
                println!("  PASS  {}", t.name);
            } else {
                println!("  PASS  {} ({steps_skipped} steps skipped)", t.name);
            }
            tally.passed += 1;
        }
    }
    for (r, n) in reasons {
        println!("          skipped x{n}: {r}");
    }
    if ctx.dependent > 0 {
        println!(
            "          skipped x{}: assertions/sets on the answers of those steps",
            ctx.dependent
        );
    }
    for n in &ctx.notes {
        println!("          note: {n}");
    }
    sim.shutdown().await;
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs/es-rest-tests");
    if !dir.is_dir() {
        println!("rest conformance: skipped, ../shared/specs/es-rest-tests is absent");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    rt.block_on(async {
        for (file_name, versions) in PLANS {
            let path = dir.join(file_name);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    println!("rest conformance: {file_name}: cannot read: {e}");
                    tally.failed += 1;
                    tally
                        .failures
                        .push(format!("{file_name}: cannot read: {e}"));
                    continue;
                }
            };
            let f = match load(&text) {
                Ok(f) => f,
                Err(e) => {
                    tally.failed += 1;
                    tally.failures.push(format!("{file_name}: not YAML: {e}"));
                    continue;
                }
            };
            for version in *versions {
                println!("rest conformance: {file_name} @ {version}");
                for t in &f.tests {
                    run_test(file_name, &f, t, version, &mut tally).await;
                }
            }
        }
    });
    println!("rest conformance: skip reasons:");
    for (r, n) in &tally.skip_reasons {
        println!("  {n} x {r}");
    }
    for f in &tally.failures {
        println!("rest conformance: FAILED {f}");
    }
    println!(
        "rest conformance ({:.1}s):",
        started.elapsed().as_secs_f64()
    );
    println!(
        "conformance: {} passed, {} failed, {} skipped",
        tally.passed, tally.failed, tally.skipped
    );
    if tally.failed > 0 {
        std::process::exit(1);
    }
}
