//! hclog-style JSON logging on stderr, built on `tracing`.
//!
//! Terraform reads the provider's stderr line by line; a line that is a JSON object with
//! `@level`, `@message` and `@timestamp` (exactly `2006-01-02T15:04:05.000000Z07:00`) is
//! re-logged under the provider's name with its other keys as key/value pairs, and shown
//! according to `TF_LOG_PROVIDER` / `TF_LOG`. [`HclogLayer`] writes exactly such lines.
//!
//! Redaction, two independent rules:
//! - wrap secret values in [`Secret`]: its `Debug` and `Display` print `(sensitive value)`;
//! - any field whose name contains one of [`SENSITIVE_NAME_PARTS`] (case-insensitive) is
//!   written as `(sensitive value)` whatever its value, in events and in span fields.
//!
//! Targets of the provider's crates (its [`ProviderIdentity`]) map to `@module`
//! `provider.<type_name>` or `provider.<type_name>.<sub>`, see
//! [`ProviderIdentity::module_for_target`]. A custom target should therefore be written
//! `<crate>::<sub>`. Events of other crates (h2, hyper, tonic...) are only written at `warn`
//! and `error`.

use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber, span};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

use super::identity::ProviderIdentity;

/// What redacted values are replaced with (Terraform's own wording).
pub const REDACTED: &str = "(sensitive value)";
/// Field-name fragments that mark a field as sensitive (matched case-insensitively).
pub const SENSITIVE_NAME_PARTS: &[&str] = &[
    "password",
    "api_key",
    "apikey",
    "secret",
    "token",
    "encoded",
    "credentials",
    "authorization",
];

/// Whether a field with this name must never be logged in clear.
pub fn is_sensitive_field_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SENSITIVE_NAME_PARTS.iter().any(|p| lower.contains(p))
}

/// A value that must never appear in logs or error messages.
///
/// `Debug` and `Display` print `(sensitive value)`; use [`Secret::expose`] where the real
/// value is needed (e.g. to build an HTTP header).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value itself. Never log or format the result.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// hclog levels, from most to least verbose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// `trace`
    Trace,
    /// `debug`
    Debug,
    /// `info`
    Info,
    /// `warn`
    Warn,
    /// `error`
    Error,
}

impl LogLevel {
    /// The hclog name of the level (the `@level` value).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }

    fn from_tracing(level: &Level) -> Self {
        match *level {
            Level::TRACE => Self::Trace,
            Level::DEBUG => Self::Debug,
            Level::INFO => Self::Info,
            Level::WARN => Self::Warn,
            _ => Self::Error,
        }
    }

    fn to_filter(self) -> tracing::level_filters::LevelFilter {
        use tracing::level_filters::LevelFilter;
        match self {
            Self::Trace => LevelFilter::TRACE,
            Self::Debug => LevelFilter::DEBUG,
            Self::Info => LevelFilter::INFO,
            Self::Warn => LevelFilter::WARN,
            Self::Error => LevelFilter::ERROR,
        }
    }
}

/// The level a `TF_LOG`-style value asks for: `None` for unset, empty or `off`.
///
/// `trace`/`debug`/`info`/`warn`/`error` (any case) are themselves; `JSON` means trace;
/// any other value also means trace, as Terraform treats unknown levels.
pub fn parse_level(value: Option<&str>) -> Option<LogLevel> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match v.to_ascii_lowercase().as_str() {
        "off" => None,
        "debug" => Some(LogLevel::Debug),
        "info" => Some(LogLevel::Info),
        "warn" => Some(LogLevel::Warn),
        "error" => Some(LogLevel::Error),
        _ => Some(LogLevel::Trace),
    }
}

/// The provider's log level from `TF_LOG_PROVIDER` (when set and non-empty) else `TF_LOG`.
pub fn level_from_values(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> Option<LogLevel> {
    match tf_log_provider.map(str::trim).filter(|v| !v.is_empty()) {
        Some(p) => parse_level(Some(p)),
        None => parse_level(tf_log),
    }
}

/// The provider's log level from the process environment.
pub fn level_from_env() -> Option<LogLevel> {
    level_from_values(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    )
}

/// Installs [`HclogLayer`] writing to stderr as the global `tracing` subscriber, at the level
/// from the environment. Installs nothing when logging is off. Returns the level in effect.
pub fn init_from_env(identity: ProviderIdentity) -> Option<LogLevel> {
    let level = level_from_env()?;
    let subscriber = tracing_subscriber::registry().with(HclogLayer::stderr(level, identity));
    // Fails only if a subscriber is already installed, which then stays in charge.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Some(level)
}

/// Formats a timestamp as hclog does: `2006-01-02T15:04:05.000000Z07:00`.
pub fn format_timestamp(t: time::OffsetDateTime) -> String {
    let offset = t.offset();
    let zone = if offset.is_utc() {
        "Z".to_owned()
    } else {
        let total = offset.whole_seconds();
        let sign = if total < 0 { '-' } else { '+' };
        let abs = total.unsigned_abs();
        format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond(),
    )
}

type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// A `tracing_subscriber` layer writing one hclog JSON object per event.
#[derive(Clone)]
pub struct HclogLayer {
    level: LogLevel,
    identity: ProviderIdentity,
    writer: SharedWriter,
}

impl fmt::Debug for HclogLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HclogLayer")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl HclogLayer {
    /// A layer writing to stderr at `level` and above.
    pub fn stderr(level: LogLevel, identity: ProviderIdentity) -> Self {
        Self::with_writer(level, identity, std::io::stderr())
    }

    /// A layer writing to any writer (tests use an in-memory buffer).
    pub fn with_writer(
        level: LogLevel,
        identity: ProviderIdentity,
        writer: impl Write + Send + 'static,
    ) -> Self {
        Self {
            level,
            identity,
            writer: Arc::new(Mutex::new(Box::new(writer))),
        }
    }

    fn allows(&self, meta: &Metadata<'_>) -> bool {
        let level = LogLevel::from_tracing(meta.level());
        let min = if self.identity.owns_target(meta.target()) {
            self.level
        } else {
            self.level.max(LogLevel::Warn)
        };
        level >= min
    }

    fn write_line(&self, object: &Map<String, Value>) {
        let Ok(mut line) = serde_json::to_vec(object) else {
            return;
        };
        line.push(b'\n');
        // A poisoned lock only means another thread panicked mid-write; keep logging.
        let mut w = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = w.write_all(&line);
        let _ = w.flush();
    }
}

/// Fields recorded on a span, kept in the span's extensions.
struct SpanFields(Vec<(String, Value)>);

/// Collects fields into JSON values, applying the field-name redaction rule.
struct FieldVisitor<'a> {
    fields: &'a mut Vec<(String, Value)>,
    message: Option<&'a mut Option<String>>,
}

impl FieldVisitor<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        if name.starts_with('@') {
            return;
        }
        let value = if is_sensitive_field_name(name) {
            Value::String(REDACTED.to_owned())
        } else {
            value
        };
        if let Some(slot) = self.fields.iter_mut().find(|(k, _)| k == name) {
            slot.1 = value;
        } else {
            self.fields.push((name.to_owned(), value));
        }
    }
}

impl Visit for FieldVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            if let Some(slot) = self.message.as_mut() {
                **slot = Some(format!("{value:?}"));
                return;
            }
        }
        self.put(field, Value::String(format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            if let Some(slot) = self.message.as_mut() {
                **slot = Some(value.to_owned());
                return;
            }
        }
        self.put(field, Value::String(value.to_owned()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::String(value.to_string()));
    }
}

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, _meta: &'static Metadata<'static>) -> Interest {
        // Decided per event in `enabled`, so that several subscribers (tests) can coexist.
        Interest::sometimes()
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.allows(meta)
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(self.level.to_filter())
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut fields = Vec::new();
        attrs.record(&mut FieldVisitor {
            fields: &mut fields,
            message: None,
        });
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields));
        }
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut ext = span.extensions_mut();
            if let Some(SpanFields(fields)) = ext.get_mut::<SpanFields>() {
                values.record(&mut FieldVisitor {
                    fields,
                    message: None,
                });
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        if !self.allows(meta) {
            return;
        }
        let mut fields: Vec<(String, Value)> = Vec::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(span_fields)) = span.extensions().get::<SpanFields>() {
                    for (k, v) in span_fields {
                        if let Some(slot) = fields.iter_mut().find(|(name, _)| name == k) {
                            slot.1 = v.clone();
                        } else {
                            fields.push((k.clone(), v.clone()));
                        }
                    }
                }
            }
        }
        let mut message = None;
        event.record(&mut FieldVisitor {
            fields: &mut fields,
            message: Some(&mut message),
        });

        let mut object = Map::new();
        object.insert(
            "@level".to_owned(),
            Value::String(LogLevel::from_tracing(meta.level()).as_str().to_owned()),
        );
        object.insert(
            "@message".to_owned(),
            Value::String(message.unwrap_or_default()),
        );
        object.insert(
            "@module".to_owned(),
            Value::String(self.identity.module_for_target(meta.target())),
        );
        object.insert(
            "@timestamp".to_owned(),
            Value::String(format_timestamp(time::OffsetDateTime::now_utc())),
        );
        for (k, v) in fields {
            object.insert(k, v);
        }
        self.write_line(&object);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::identity::TEST_IDENTITY;

    /// An in-memory writer shared with the test.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn lines(&self) -> Vec<Map<String, Value>> {
            let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
            text.lines()
                .map(|l| match serde_json::from_str::<Value>(l).unwrap() {
                    Value::Object(m) => m,
                    other => panic!("not an object: {other}"),
                })
                .collect()
        }
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn capture(level: LogLevel, f: impl FnOnce()) -> Buffer {
        let buf = Buffer::default();
        let subscriber = tracing_subscriber::registry().with(HclogLayer::with_writer(
            level,
            TEST_IDENTITY,
            buf.clone(),
        ));
        tracing::subscriber::with_default(subscriber, f);
        buf
    }

    fn is_hclog_timestamp(s: &str) -> bool {
        let re =
            regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$")
                .unwrap();
        re.is_match(s)
    }

    #[test]
    fn secret_formats_redacted() {
        let s = Secret::new("hunter2".to_owned());
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&s)), format!("Some({REDACTED})"));
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn sensitive_field_names() {
        for name in [
            "password",
            "es_Password",
            "api_key",
            "APIKEY",
            "client_secret",
            "token",
            "bearer_token",
            "encoded",
            "encoded_key",
            "credentials",
            "Authorization",
        ] {
            assert!(is_sensitive_field_name(name), "{name}");
        }
        for name in ["endpoint", "alias", "deployment_id", "key_id", "name"] {
            assert!(!is_sensitive_field_name(name), "{name}");
        }
    }

    #[test]
    fn secrets_never_appear_in_log_lines() {
        let buf = capture(LogLevel::Trace, || {
            let span = tracing::info_span!(
                target: "crosscluster::client",
                "request",
                token = "span-token-value",
                endpoint = "https://example.test"
            );
            let _g = span.enter();
            tracing::info!(
                target: "crosscluster::client",
                password = "pw-value-1",
                api_key = %"ak-value-2",
                encoded = ?"enc-value-3",
                Authorization = "ApiKey auth-value-4",
                credentials_json = "cred-value-5",
                secret_number = 424242,
                wrapped = %Secret::new("wrapped-value-6"),
                deployment = "dep-1",
                "calling with {}",
                Secret::new("msg-value-7")
            );
            tracing::trace!(target: "crosscluster", client_secret = true, "trace line");
        });
        let text = buf.text();
        for secret in [
            "span-token-value",
            "pw-value-1",
            "ak-value-2",
            "enc-value-3",
            "auth-value-4",
            "cred-value-5",
            "424242",
            "wrapped-value-6",
            "msg-value-7",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        let lines = buf.lines();
        assert_eq!(lines.len(), 2);
        let first = &lines[0];
        assert_eq!(first["@level"], "info");
        assert_eq!(first["@module"], "provider.crosscluster.client");
        assert_eq!(first["@message"], format!("calling with {REDACTED}"));
        assert_eq!(first["password"], REDACTED);
        assert_eq!(first["token"], REDACTED);
        assert_eq!(first["secret_number"], REDACTED);
        assert_eq!(first["wrapped"], REDACTED);
        assert_eq!(first["deployment"], "dep-1");
        assert_eq!(first["endpoint"], "https://example.test");
        assert!(is_hclog_timestamp(first["@timestamp"].as_str().unwrap()));
        // Key order: the hclog keys come first.
        let keys: Vec<&str> = first.keys().map(String::as_str).take(4).collect();
        assert_eq!(keys, ["@level", "@message", "@module", "@timestamp"]);
        assert_eq!(lines[1]["@level"], "trace");
        assert_eq!(lines[1]["@module"], "provider.crosscluster");
        assert_eq!(lines[1]["client_secret"], REDACTED);
    }

    #[test]
    fn level_filtering_and_foreign_crates() {
        let buf = capture(LogLevel::Info, || {
            tracing::debug!(target: "crosscluster::provider", "hidden debug");
            tracing::info!(target: "crosscluster::provider::resources::trust", n = 3, "shown");
            tracing::info!(target: "h2::codec", "hidden foreign info");
            tracing::warn!(target: "h2::codec", "shown foreign warn");
        });
        let lines = buf.lines();
        assert_eq!(lines.len(), 2, "{}", buf.text());
        assert_eq!(lines[0]["@message"], "shown");
        assert_eq!(lines[0]["@module"], "provider.crosscluster.resources");
        assert_eq!(lines[0]["n"], 3);
        assert_eq!(lines[1]["@message"], "shown foreign warn");
        assert_eq!(lines[1]["@level"], "warn");
        assert_eq!(lines[1]["@module"], "provider.crosscluster.h2");
    }

    #[test]
    fn levels_from_environment_values() {
        assert_eq!(level_from_values(None, None), None);
        assert_eq!(level_from_values(None, Some("")), None);
        assert_eq!(
            level_from_values(None, Some("DEBUG")),
            Some(LogLevel::Debug)
        );
        assert_eq!(level_from_values(None, Some("json")), Some(LogLevel::Trace));
        assert_eq!(
            level_from_values(None, Some("bogus")),
            Some(LogLevel::Trace)
        );
        assert_eq!(
            level_from_values(Some("warn"), Some("trace")),
            Some(LogLevel::Warn)
        );
        assert_eq!(level_from_values(Some("off"), Some("trace")), None);
        assert_eq!(
            level_from_values(Some(" "), Some("error")),
            Some(LogLevel::Error)
        );
    }

    fn at(ymd: (i32, u8, u8), hms_micro: (u8, u8, u8, u32), offset: (i8, i8)) -> String {
        let date =
            time::Date::from_calendar_date(ymd.0, time::Month::try_from(ymd.1).unwrap(), ymd.2)
                .unwrap();
        let dt = date
            .with_hms_micro(hms_micro.0, hms_micro.1, hms_micro.2, hms_micro.3)
            .unwrap();
        let off = time::UtcOffset::from_hms(offset.0, offset.1, 0).unwrap();
        format_timestamp(dt.assume_offset(off))
    }

    #[test]
    fn timestamp_format_matches_hclog() {
        assert_eq!(
            at((2006, 1, 2), (15, 4, 5, 123), (0, 0)),
            "2006-01-02T15:04:05.000123Z"
        );
        assert_eq!(
            at((2024, 11, 9), (8, 7, 6, 500_000), (1, 0)),
            "2024-11-09T08:07:06.500000+01:00"
        );
        assert_eq!(
            at((2024, 11, 9), (8, 7, 6, 0), (-9, -30)),
            "2024-11-09T08:07:06.000000-09:30"
        );
        assert!(is_hclog_timestamp(&format_timestamp(
            time::OffsetDateTime::now_utc()
        )));
    }

    #[test]
    fn module_names() {
        const MODULE: &str = "provider.crosscluster";
        let module_for_target = |t: &str| TEST_IDENTITY.module_for_target(t);
        assert_eq!(module_for_target("crosscluster"), MODULE);
        assert_eq!(module_for_target("crosscluster::provider"), MODULE);
        assert_eq!(module_for_target("terraform_provider_crosscluster"), MODULE);
        assert_eq!(
            module_for_target("crosscluster::plugin::server"),
            "provider.crosscluster.plugin"
        );
        assert_eq!(
            module_for_target("tonic::transport"),
            "provider.crosscluster.tonic"
        );
    }
}
