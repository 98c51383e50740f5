//! HTTP clients for the Elastic Cloud (ESS / ECE) API and the Elasticsearch API.
//!
//! This layer knows nothing of Terraform. It offers typed calls with:
//! - one shared transport ([`HttpSettings`]): user agent, request timeout, custom CA (file or
//!   PEM), `insecure`, the retry policy of [`retry`], cancellation through a
//!   [`CancellationToken`] on every call;
//! - `tracing` debug logs of method, path, status and duration only (never headers, never bodies);
//! - errors as [`ClientError`], carrying status and the API's own codes/reasons, never secrets.

pub mod cloud;
pub mod elasticsearch;
pub mod error;
mod group;
pub mod retry;
mod shared;

pub use cloud::{CloudAuth, CloudClient, CloudConfig, DeploymentLocks};
pub use elasticsearch::{EsAuth, EsClient, EsConfig, Version};
pub use error::ClientError;
pub use retry::{Idempotency, RetryPolicy};

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use tokio_util::sync::CancellationToken;

use retry::{Attempts, Decision, Outcome};

/// Result of a client call.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// User agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "terraform-provider-crosscluster/",
    env!("CARGO_PKG_VERSION")
);

/// A secret string (API key, password, encoded key): `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself; use only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

/// Transport settings shared by both clients.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Timeout of one HTTP attempt (connect + response body).
    pub timeout: Duration,
    /// PEM file with extra trusted CA certificates.
    pub ca_file: Option<PathBuf>,
    /// PEM text with extra trusted CA certificates.
    pub ca_pem: Option<String>,
    /// Accept any server certificate (testing only).
    pub insecure: bool,
    /// Retry policy.
    pub retry: RetryPolicy,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(60),
            ca_file: None,
            ca_pem: None,
            insecure: false,
            retry: RetryPolicy::default(),
        }
    }
}

impl HttpSettings {
    /// Build the underlying `reqwest` client.
    fn build(&self) -> Result<reqwest::Client> {
        let mut b = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(30)));
        let mut certs = Vec::new();
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                ClientError::Config(format!("cannot read CA file {}: {e}", path.display()))
            })?;
            certs.extend(parse_pem_bundle(
                &pem,
                &format!("CA file {}", path.display()),
            )?);
        }
        if let Some(pem) = &self.ca_pem {
            certs.extend(parse_pem_bundle(pem.as_bytes(), "CA PEM")?);
        }
        if !certs.is_empty() {
            b = b.tls_certs_merge(certs);
        }
        if self.insecure {
            b = b.tls_danger_accept_invalid_certs(true);
        }
        b.build()
            .map_err(|e| ClientError::Config(format!("cannot build HTTP client: {e}")))
    }
}

fn parse_pem_bundle(pem: &[u8], what: &str) -> Result<Vec<reqwest::Certificate>> {
    let certs = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| ClientError::Config(format!("{what}: invalid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(ClientError::Config(format!(
            "{what}: no certificate found in PEM"
        )));
    }
    Ok(certs)
}

/// Percent-encode one path segment: RFC 3986 `pchar` characters (unreserved, `:`, `@` and the
/// sub-delimiters other than `+` and `&`) stay as they are, so patterns such as `alias:*` or
/// `a,b` reach the server literally; everything else (`/`, `?`, `#`, `%`, space, non-ASCII) is
/// escaped.
pub(crate) fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b':'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b','
                    | b';'
                    | b'='
            )
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parse and normalise a base URL (scheme http/https, no query, no trailing slash).
pub(crate) fn parse_base(url: &str, what: &str) -> Result<Url> {
    let trimmed = url.trim().trim_end_matches('/');
    let u = Url::parse(trimmed)
        .map_err(|e| ClientError::Config(format!("{what}: invalid URL {trimmed:?}: {e}")))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(ClientError::Config(format!(
            "{what}: URL {trimmed:?} must start with http:// or https://"
        )));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(ClientError::Config(format!(
            "{what}: credentials in the URL are not supported; use the credential attributes"
        )));
    }
    Ok(u)
}

/// One request as the transport sees it. `Debug` shows the body's length only: bodies carry
/// secrets (keystore values).
pub(crate) struct Req {
    pub method: Method,
    /// Path after the base URL, already percent-encoded, starting with `/`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub idempotency: Idempotency,
}

impl Req {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Self {
        let idempotency = if method == Method::POST {
            Idempotency::NonIdempotent
        } else {
            Idempotency::Idempotent
        };
        Req {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotency,
        }
    }

    pub(crate) fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_string(), v.to_string()));
        self
    }

    pub(crate) fn json(mut self, body: &impl serde::Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ClientError::Unexpected(format!("cannot encode request body: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }

    pub(crate) fn idempotent(mut self, yes: bool) -> Self {
        self.idempotency = if yes {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        self
    }
}

impl std::fmt::Debug for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Req")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

/// A complete HTTP response. `Debug` shows the body's length only: bodies carry secrets
/// (a created key's `encoded`).
pub(crate) struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// For an error status: how the attempts went, when worth saying in the error.
    pub attempts: Option<Attempts>,
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resp")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Resp {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn decode<T: serde::de::DeserializeOwned>(&self, req: &Req) -> Result<T> {
        // serde_json's messages may quote the offending value: keep only where and what kind.
        serde_json::from_slice(&self.body).map_err(|e| ClientError::Decode {
            method: req.method.to_string(),
            path: req.path.clone(),
            message: format!(
                "{:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ),
        })
    }
}

/// Shared sending machinery: endpoints, auth header, retries, cancellation, logs.
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    retry: RetryPolicy,
    bases: Vec<Url>,
    current: AtomicUsize,
    auth: Option<HeaderValue>,
}

impl Transport {
    pub(crate) fn new(
        settings: &HttpSettings,
        bases: Vec<Url>,
        auth: Option<HeaderValue>,
    ) -> Result<Self> {
        if bases.is_empty() {
            return Err(ClientError::Config("no endpoint configured".into()));
        }
        Ok(Transport {
            http: settings.build()?,
            retry: settings.retry.clone(),
            bases,
            current: AtomicUsize::new(0),
            auth,
        })
    }

    #[cfg(test)]
    pub(crate) fn base_str(&self) -> String {
        self.bases
            .iter()
            .map(Url::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn url(&self, base: &Url, req: &Req) -> Result<Url> {
        let s = format!("{}{}", base.as_str().trim_end_matches('/'), req.path);
        let mut u =
            Url::parse(&s).map_err(|e| ClientError::Config(format!("invalid request URL: {e}")))?;
        if !req.query.is_empty() {
            u.query_pairs_mut().extend_pairs(req.query.iter());
        }
        Ok(u)
    }

    /// The HTTP request for `req` against endpoint `idx`, with credentials and body.
    fn request(&self, idx: usize, req: &Req) -> Result<reqwest::RequestBuilder> {
        let url = self.url(&self.bases[idx], req)?;
        let mut rb = self.http.request(req.method.clone(), url);
        if let Some(auth) = &self.auth {
            rb = rb.header(AUTHORIZATION, auth.clone());
        }
        if let Some(body) = &req.body {
            rb = rb
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        Ok(rb)
    }

    /// Send `req`, retrying as the policy says, and return the final response whatever its status.
    /// An error status or a transport error after retries carries [`Attempts`]: how many, over how
    /// long, why there was no other.
    pub(crate) async fn send(&self, req: &Req, cancel: &CancellationToken) -> Result<Resp> {
        let n = self.bases.len();
        let mut attempt: u32 = 0;
        let mut failed_endpoints = 0usize;
        let first_started = Instant::now();
        loop {
            if cancel.is_cancelled() {
                return Err(ClientError::Cancelled);
            }
            let idx = self.current.load(Ordering::Relaxed) % n;
            let rb = self.request(idx, req)?;
            let started = Instant::now();
            let result = tokio::select! {
                _ = cancel.cancelled() => return Err(ClientError::Cancelled),
                r = send_and_read(rb) => r,
            };
            let elapsed = started.elapsed().as_millis() as u64;
            let (outcome, last) = match result {
                Ok(resp) => (answered(req, &resp, elapsed, attempt), Ok(resp)),
                Err(e) => {
                    let connect = e.is_connect();
                    tracing::debug!(
                        method = %req.method,
                        path = %req.path,
                        duration_ms = elapsed,
                        attempt,
                        connect_error = connect,
                        timeout = e.is_timeout(),
                        "http request failed"
                    );
                    let message = describe_reqwest_error(&e);
                    let refused = tls_hint(&message).is_some();
                    let err = ClientError::Transport {
                        method: req.method.to_string(),
                        path: req.path.clone(),
                        message,
                        attempts: None,
                    };
                    if connect {
                        // Another endpoint may answer: move on at once, until each has failed.
                        let _ = self.current.compare_exchange(
                            idx,
                            (idx + 1) % n,
                            Ordering::Relaxed,
                            Ordering::Relaxed,
                        );
                        failed_endpoints += 1;
                        if failed_endpoints < n {
                            continue;
                        }
                        if refused {
                            (Outcome::CertificateRefused, Err(err))
                        } else {
                            (Outcome::ConnectFailed, Err(err))
                        }
                    } else {
                        (Outcome::TransportFailed, Err(err))
                    }
                }
            };
            failed_endpoints = 0;
            match self.retry.decide(attempt, req.idempotency, outcome) {
                Decision::Stop => {
                    let attempts = Attempts {
                        count: attempt + 1,
                        elapsed: first_started.elapsed(),
                        stop: self.retry.stop_reason(attempt, req.idempotency, outcome),
                    };
                    let attempts = attempts.worth_saying().then_some(attempts);
                    return match last {
                        Ok(mut resp) => {
                            if !resp.is_success() {
                                scrub_secrets(&mut resp.body, req, self.auth.as_ref());
                                resp.attempts = attempts;
                            }
                            Ok(resp)
                        }
                        Err(ClientError::Transport {
                            method,
                            path,
                            message,
                            ..
                        }) => Err(ClientError::Transport {
                            method,
                            path,
                            message,
                            attempts: attempts.map(Box::new),
                        }),
                        Err(other) => Err(other),
                    };
                }
                Decision::RetryAfter(delay) => {
                    tracing::debug!(
                        method = %req.method,
                        path = %req.path,
                        attempt = attempt + 1,
                        max_retries = self.retry.max_retries,
                        reason = %outcome.reason(),
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::select! {
                        _ = cancel.cancelled() => return Err(ClientError::Cancelled),
                        _ = tokio::time::sleep(delay) => {}
                    }
                    attempt += 1;
                }
            }
        }
    }
}

/// Logs an answered request and classifies it for the retry policy (status, `Retry-After`).
fn answered(req: &Req, resp: &Resp, elapsed_ms: u64, attempt: u32) -> Outcome {
    tracing::debug!(
        method = %req.method,
        path = %req.path,
        status = resp.status,
        duration_ms = elapsed_ms,
        attempt,
        "http request"
    );
    let retry_after = resp
        .header("retry-after")
        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
    Outcome::Status(resp.status, retry_after)
}

/// The secrets a request carries: the string values of its JSON body under a key that names a
/// secret (`password`, `api_key`, `secrets`, `credentials`, ... at any depth above the value, the
/// rule of the log redaction) and the credentials of its `Authorization` header. Names, ids and
/// patterns elsewhere in the body are not secrets and stay readable in error messages.
fn request_secrets(req: &Req, auth: Option<&HeaderValue>) -> Vec<String> {
    fn leaves(v: &serde_json::Value, secret: bool, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if secret => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| leaves(x, secret, out)),
            serde_json::Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| leaves(x, secret || is_secret_key(k), out)),
            _ => {}
        }
    }
    fn is_secret_key(k: &str) -> bool {
        tfplugin::plugin::logging::is_sensitive_field_name(k) || k == "secrets"
    }
    let mut out = Vec::new();
    if let Some(body) = &req.body
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
    {
        leaves(&v, false, &mut out);
    }
    if let Some(credential) = auth
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.split_once(' '))
        .map(|(_, c)| c.to_string())
    {
        use base64::Engine as _;
        if let Some(password) = base64::engine::general_purpose::STANDARD
            .decode(&credential)
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|userpass| userpass.split_once(':').map(|(_, p)| p.to_string()))
        {
            out.push(password);
        }
        out.push(credential);
    }
    // A very short value would mangle unrelated words of the message if replaced everywhere.
    out.retain(|s| s.len() >= 4);
    out
}

/// Removes the request's secrets from an error body, which a proxy or gateway may echo back
/// and which the error parsers turn into diagnostics.
fn scrub_secrets(body: &mut Vec<u8>, req: &Req, auth: Option<&HeaderValue>) {
    let secrets = request_secrets(req, auth);
    if secrets.is_empty() {
        return;
    }
    let mut text = String::from_utf8_lossy(body).into_owned();
    let mut changed = false;
    for s in &secrets {
        if text.contains(s.as_str()) {
            text = text.replace(s.as_str(), "(redacted)");
            changed = true;
        }
    }
    if changed {
        *body = text.into_bytes();
    }
}

async fn send_and_read(rb: reqwest::RequestBuilder) -> std::result::Result<Resp, reqwest::Error> {
    let resp = rb.send().await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await?.to_vec();
    Ok(Resp {
        status,
        headers,
        body,
        attempts: None,
    })
}

/// Describe a reqwest error without its URL, following the source chain (TLS and I/O details).
fn describe_reqwest_error(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let kind = if e.is_timeout() {
        "request timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "reading the response failed"
    } else {
        "request failed"
    };
    let mut msg = kind.to_string();
    let mut src = e.source();
    let mut depth = 0;
    while let Some(s) = src {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        src = s.source();
        depth += 1;
        if depth > 6 {
            break;
        }
    }
    if let Some(hint) = tls_hint(&msg) {
        msg.push_str(". ");
        msg.push_str(hint);
    }
    msg
}

/// What to do about a certificate the client refused, from the error text rustls gives.
fn tls_hint(msg: &str) -> Option<&'static str> {
    let untrusted = [
        "UnknownIssuer",
        "unknown issuer",
        "BadSignature",
        "self-signed",
        "self signed",
    ];
    if untrusted.iter().any(|t| msg.contains(t)) {
        return Some(
            "The server's certificate is not signed by a CA the provider trusts: give that CA's certificate (ca_file or ca_pem) or, for tests only, turn verification off (insecure = true)",
        );
    }
    if msg.contains("NotValidForName") || msg.contains("not valid for name") {
        return Some(
            "The server's certificate does not name the host of the endpoint URL: use the host name the certificate was issued for",
        );
    }
    if msg.contains("Expired") || msg.contains("expired") {
        return Some(
            "The server's certificate has expired (or the clock of this machine is wrong)",
        );
    }
    None
}

/// Build a sensitive `Authorization` header value.
pub(crate) fn auth_header(value: String) -> Result<HeaderValue> {
    let mut hv = HeaderValue::from_str(&value).map_err(|_| {
        ClientError::Config("credentials contain characters not allowed in an HTTP header".into())
    })?;
    hv.set_sensitive(true);
    Ok(hv)
}

/// `Basic base64(user:password)`.
pub(crate) fn basic_auth(username: &str, password: &str) -> Result<HeaderValue> {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    auth_header(format!("Basic {token}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seg_encodes_reserved() {
        let cases = [
            ("abc-DEF_1.2~", "abc-DEF_1.2~"),
            ("a/b", "a%2Fb"),
            ("my role", "my%20role"),
            ("x?y#z", "x%3Fy%23z"),
            ("rem:*,other:logs*", "rem:*,other:logs*"),
            ("a+b&c%", "a%2Bb%26c%25"),
            ("é", "%C3%A9"),
        ];
        for (i, want) in cases {
            assert_eq!(seg(i), want);
        }
    }

    #[test]
    fn tls_failures_say_what_to_do() {
        let cases = [
            (
                "invalid peer certificate: UnknownIssuer",
                Some("ca_file or ca_pem"),
            ),
            (
                "invalid peer certificate: NotValidForName",
                Some("host name"),
            ),
            ("invalid peer certificate: Expired", Some("expired")),
            ("connection refused", None),
        ];
        for (text, want) in cases {
            match (tls_hint(text), want) {
                (Some(h), Some(w)) => assert!(h.contains(w), "{text}: {h}"),
                (None, None) => {}
                (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            parse_base("https://h:9243/", "x").unwrap().as_str(),
            "https://h:9243/"
        );
        assert_eq!(
            parse_base("http://h/prefix/", "x").unwrap().as_str(),
            "http://h/prefix"
        );
        assert!(parse_base("ftp://h", "x").is_err());
        assert!(parse_base("not a url", "x").is_err());
        let e = parse_base("https://u:secretpw@h", "x").unwrap_err();
        assert!(!e.to_string().contains("secretpw"));
    }

    #[test]
    fn error_bodies_lose_the_request_secrets() {
        let req = Req::new(Method::PATCH, "/keystore")
            .json(&serde_json::json!({"secrets": {"cluster.remote.r.credentials": {"value": "ENCODED-KEY-VALUE-123"}}}))
            .unwrap();
        let auth = basic_auth("elastic", "hunter2-password").unwrap();
        let cases = [
            // A gateway page echoing the request body and the credentials.
            (
                "<html>bad gateway: ENCODED-KEY-VALUE-123 sent by hunter2-password</html>",
                "<html>bad gateway: (redacted) sent by (redacted)</html>",
            ),
            // A JSON error quoting the basic-auth header.
            (
                r#"{"error":"bad header Basic ZWxhc3RpYzpodW50ZXIyLXBhc3N3b3Jk"}"#,
                r#"{"error":"bad header Basic (redacted)"}"#,
            ),
            // Nothing secret: unchanged, short values (names) are left alone.
            (
                r#"{"error":"cluster.remote.r is unknown"}"#,
                r#"{"error":"cluster.remote.r is unknown"}"#,
            ),
        ];
        for (body, want) in cases {
            let mut b = body.as_bytes().to_vec();
            scrub_secrets(&mut b, &req, Some(&auth));
            assert_eq!(String::from_utf8(b).unwrap(), want);
        }
        // Names and patterns of a body without secrets stay readable, however long.
        let role = Req::new(Method::PUT, "/_security/role/remote-search")
            .json(&serde_json::json!({"indices": [{"names": ["logs-production-*"], "privileges": ["read_cross_cluster"]}], "metadata": {"password_policy": "rotated-monthly"}}))
            .unwrap();
        let mut b = br#"{"error":"unknown privilege [read_cross_cluster] for [logs-production-*]; rotated-monthly"}"#.to_vec();
        scrub_secrets(&mut b, &role, None);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            r#"{"error":"unknown privilege [read_cross_cluster] for [logs-production-*]; (redacted)"}"#
        );
        // Debug never shows bodies.
        assert!(!format!("{req:?}").contains("ENCODED"));
        let resp = Resp {
            status: 200,
            headers: HeaderMap::new(),
            body: b"{\"encoded\":\"SECRET\"}".to_vec(),
            attempts: None,
        };
        assert!(!format!("{resp:?}").contains("SECRET"));
    }

    #[test]
    fn auth_headers_are_sensitive() {
        let h = basic_auth("elastic", "changeme").unwrap();
        assert!(h.is_sensitive());
        assert_eq!(h.to_str().unwrap(), "Basic ZWxhc3RpYzpjaGFuZ2VtZQ==");
        assert!(!format!("{h:?}").contains("ZWxhc3RpYzpjaGFuZ2VtZQ"));
        assert!(auth_header("ApiKey bad\nvalue".into()).is_err());
    }

    #[test]
    fn ca_pem_must_contain_a_certificate() {
        let s = HttpSettings {
            ca_pem: Some("garbage".into()),
            ..Default::default()
        };
        assert!(matches!(s.build(), Err(ClientError::Config(_))));
        let s = HttpSettings {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        assert!(matches!(s.build(), Err(ClientError::Config(_))));
    }

    #[test]
    fn user_agent_has_version() {
        assert!(USER_AGENT.starts_with("terraform-provider-crosscluster/"));
        assert!(USER_AGENT.ends_with(env!("CARGO_PKG_VERSION")));
    }
}
