//! Retry policy shared by the Cloud and Elasticsearch clients.
//!
//! Rules:
//! - HTTP 429 is retried for every request (the server refused it before doing any work), honouring
//!   `Retry-After` (seconds or HTTP date), capped at [`RetryPolicy::max_delay`].
//! - HTTP 500/502/503/504 and transport errors after the request may have reached the server are
//!   retried only for idempotent requests ([`Idempotency::Idempotent`]) (api-facts: "retry 429
//!   and 5xx on GET with backoff"; 501 and 505 say the request can never work).
//! - A connection that could not be established never reached the server and is always retried,
//!   unless the server's TLS certificate was refused: that will not change by retrying.
//! - The cross-cluster API key create is non-idempotent here, but its caller
//!   ([`crate::client::EsClient::create_cross_cluster_api_key_once`]) makes it safe to repeat by a
//!   look-up of the request's marker, then asks [`RetryPolicy::decide`] as for an idempotent
//!   request.
//! - When retrying stops, [`Attempts`] says how many attempts were made over how long and why
//!   it stopped; the clients put that into the error.
//! - Delays grow exponentially from [`RetryPolicy::base_delay`] to [`RetryPolicy::max_delay`],
//!   with "full jitter" between half the delay and the delay.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whether repeating a request that reached the server is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// GET, PUT, DELETE and POSTs that the API documents as repeatable.
    Idempotent,
    /// A POST whose repetition could have a second effect (e.g. creating an API key).
    NonIdempotent,
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP response with this status (and a parsed `Retry-After`, if any).
    Status(u16, Option<Duration>),
    /// The connection could not be established (the request was not sent).
    ConnectFailed,
    /// The request may have been sent, but no complete response arrived (timeout, reset).
    TransportFailed,
    /// The TLS handshake refused the server's certificate (the request was not sent).
    CertificateRefused,
}

impl Outcome {
    /// Short reason for logs and messages (never a header or a body).
    pub fn reason(&self) -> String {
        match self {
            Outcome::Status(status, Some(after)) => {
                format!("HTTP {status} (Retry-After {} s)", after.as_secs())
            }
            Outcome::Status(status, None) => format!("HTTP {status}"),
            Outcome::ConnectFailed => "connection failed".to_string(),
            Outcome::TransportFailed => "no complete response".to_string(),
            Outcome::CertificateRefused => "certificate refused".to_string(),
        }
    }
}

/// Why the sending of one request stopped without a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The outcome is not one that is retried (for this request).
    NotRetried(Outcome, Idempotency),
    /// The outcome would be retried, but `max_retries` retries were made already.
    Exhausted {
        /// The policy's `max_retries`.
        max_retries: u32,
    },
}

/// How the attempts of one request went, for the error after the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    /// Attempts made (1 = no retry).
    pub count: u32,
    /// From the start of the first attempt to the end of the last.
    pub elapsed: Duration,
    /// Why there was no further attempt.
    pub stop: Stop,
}

impl Attempts {
    /// Whether the error should say so: after retries, or when a failure that is retried for
    /// other requests was not (a POST that may have been handled, a refused certificate).
    /// A plain 4xx on the first attempt needs no note.
    pub fn worth_saying(&self) -> bool {
        self.count > 1
            || match self.stop {
                Stop::Exhausted { .. } => true,
                Stop::NotRetried(outcome, _) => matches!(
                    outcome,
                    Outcome::Status(500 | 502..=504, _)
                        | Outcome::TransportFailed
                        | Outcome::CertificateRefused
                ),
            }
    }
}

impl std::fmt::Display for Attempts {
    /// `gave up after 4 attempts over 6.2 s (max_retries = 3)`, or `not retried: ...`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        let plural = if self.count == 1 { "" } else { "s" };
        match self.stop {
            Stop::Exhausted { max_retries } => write!(
                f,
                "gave up after {} attempt{plural} over {secs:.1} s (max_retries = {max_retries})",
                self.count
            ),
            Stop::NotRetried(outcome, idempotency) => {
                let why = match outcome {
                    Outcome::CertificateRefused => {
                        "a refused certificate stays refused".to_string()
                    }
                    Outcome::Status(500 | 502..=504, _) | Outcome::TransportFailed
                        if idempotency == Idempotency::NonIdempotent =>
                    {
                        "the request may have been handled and is not safe to repeat".to_string()
                    }
                    other => format!("{} is not retried", other.reason()),
                };
                write!(
                    f,
                    "not retried: {why}; {} attempt{plural} over {secs:.1} s",
                    self.count
                )
            }
        }
    }
}

/// Retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Return this outcome to the caller.
    Stop,
    /// Wait this long, then try again.
    RetryAfter(Duration),
}

/// Capped exponential backoff with jitter.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Delay before the first retry.
    pub base_delay: Duration,
    /// Upper bound of any delay, including one asked for by `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Decide what to do after attempt number `attempt` (0 = first attempt) ended in `outcome`.
    pub fn decide(&self, attempt: u32, idempotency: Idempotency, outcome: Outcome) -> Decision {
        if attempt >= self.max_retries || !retryable(idempotency, outcome) {
            return Decision::Stop;
        }
        let backoff = self.backoff(attempt, jitter_fraction());
        let delay = match outcome {
            Outcome::Status(_, Some(after)) => after.max(backoff).min(self.max_delay),
            _ => backoff,
        };
        Decision::RetryAfter(delay)
    }

    /// Why a request whose attempt number `attempt` ended in `outcome` got no further attempt
    /// (meaningful after [`Self::decide`] answered [`Decision::Stop`] for a failure).
    pub fn stop_reason(&self, attempt: u32, idempotency: Idempotency, outcome: Outcome) -> Stop {
        if retryable(idempotency, outcome) && attempt >= self.max_retries {
            Stop::Exhausted {
                max_retries: self.max_retries,
            }
        } else {
            Stop::NotRetried(outcome, idempotency)
        }
    }

    /// Backoff before retry number `attempt + 1`: `base * 2^attempt`, capped, scaled into
    /// `[delay/2, delay]` by `jitter` (a value in `[0, 1)`).
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(20));
        let raw = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let j = jitter.clamp(0.0, 1.0);
        raw.mul_f64(0.5 + 0.5 * j)
    }
}

/// Whether `outcome` is worth another attempt of a request of this idempotency.
fn retryable(idempotency: Idempotency, outcome: Outcome) -> bool {
    match outcome {
        Outcome::Status(429, _) => true,
        Outcome::Status(500 | 502..=504, _) => idempotency == Idempotency::Idempotent,
        Outcome::Status(_, _) => false,
        Outcome::ConnectFailed => true,
        Outcome::TransportFailed => idempotency == Idempotency::Idempotent,
        Outcome::CertificateRefused => false,
    }
}

/// A pseudo-random value in `[0, 1)` for jitter (no cryptographic quality needed).
fn jitter_fraction() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// 128 pseudo-random bits as 32 hex digits: unique enough for a request marker (the jitter
/// source, seeded by the clock and mixed with the process's random hasher keys).
pub fn random_hex128() -> String {
    use std::hash::{BuildHasher, Hasher};
    let keyed = std::collections::hash_map::RandomState::new();
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = keyed.build_hasher();
        h.write_u64(jitter_fraction().to_bits());
        h.write_usize(i);
        h.write_u32(std::process::id());
        *w = h.finish();
    }
    format!("{:016x}{:016x}", words[0], words[1])
}

/// Parse a `Retry-After` header value: delta-seconds, or an IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) relative to `now`. A date in the past gives zero.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn parse_http_date(v: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = v.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    if parts.len() != 5 || parts[4] != "GMT" {
        return None;
    }
    let day: u64 = parts[0].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[1])? as u64
        + 1;
    let year: i64 = parts[2].parse().ok()?;
    // HTTP dates are four-digit years; anything else is garbage (and would overflow below).
    if !(1970..=9999).contains(&year) {
        return None;
    }
    let hms: Vec<u64> = parts[3]
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u64>>>()?;
    if hms.len() != 3 || day == 0 || day > 31 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if days < 0 {
        return None;
    }
    let secs = days as u64 * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        }
    }

    #[test]
    fn decisions_table() {
        use Idempotency::*;
        use Outcome::*;
        let p = policy();
        let cases = [
            (0, Idempotent, Status(429, None), true),
            (0, NonIdempotent, Status(429, None), true),
            (0, Idempotent, Status(503, None), true),
            (0, Idempotent, Status(502, None), true),
            (0, Idempotent, Status(504, None), true),
            (0, NonIdempotent, Status(503, None), false),
            (0, Idempotent, Status(500, None), true),
            (0, NonIdempotent, Status(500, None), false),
            (0, Idempotent, Status(501, None), false),
            (0, Idempotent, Status(505, None), false),
            (0, Idempotent, CertificateRefused, false),
            (0, NonIdempotent, CertificateRefused, false),
            (0, Idempotent, Status(409, None), false),
            (0, Idempotent, Status(200, None), false),
            (0, NonIdempotent, ConnectFailed, true),
            (0, Idempotent, TransportFailed, true),
            (0, NonIdempotent, TransportFailed, false),
            (2, Idempotent, Status(503, None), true),
            (3, Idempotent, Status(503, None), false),
            (3, Idempotent, ConnectFailed, false),
        ];
        for (attempt, idem, outcome, want) in cases {
            let got = matches!(p.decide(attempt, idem, outcome), Decision::RetryAfter(_));
            assert_eq!(got, want, "{attempt} {idem:?} {outcome:?}");
        }
    }

    #[test]
    fn attempts_say_how_many_over_how_long_and_why() {
        use Idempotency::*;
        use Outcome::*;
        let p = policy();
        let secs = |ms| Duration::from_millis(ms);
        let cases = [
            // (attempt index of the last, idempotency, outcome, elapsed, worth saying, text)
            (
                3,
                Idempotent,
                Status(500, None),
                secs(6_240),
                true,
                "gave up after 4 attempts over 6.2 s (max_retries = 3)",
            ),
            (
                3,
                NonIdempotent,
                ConnectFailed,
                secs(700),
                true,
                "gave up after 4 attempts over 0.7 s (max_retries = 3)",
            ),
            (
                0,
                NonIdempotent,
                Status(503, None),
                secs(40),
                true,
                "not retried: the request may have been handled and is not safe to repeat; 1 attempt over 0.0 s",
            ),
            (
                0,
                Idempotent,
                CertificateRefused,
                secs(10),
                true,
                "not retried: a refused certificate stays refused; 1 attempt over 0.0 s",
            ),
            (
                2,
                Idempotent,
                Status(404, None),
                secs(1_500),
                true,
                "not retried: HTTP 404 is not retried; 3 attempts over 1.5 s",
            ),
            (
                0,
                Idempotent,
                Status(404, None),
                secs(5),
                false,
                "not retried: HTTP 404 is not retried; 1 attempt over 0.0 s",
            ),
        ];
        for (attempt, idem, outcome, elapsed, worth, text) in cases {
            assert_eq!(p.decide(attempt, idem, outcome), Decision::Stop);
            let a = Attempts {
                count: attempt + 1,
                elapsed,
                stop: p.stop_reason(attempt, idem, outcome),
            };
            assert_eq!(a.worth_saying(), worth, "{a}");
            assert_eq!(a.to_string(), text);
        }
        assert_eq!(
            Status(429, Some(Duration::from_secs(2))).reason(),
            "HTTP 429 (Retry-After 2 s)"
        );
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let p = policy();
        assert_eq!(p.backoff(0, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(50));
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(2, 1.0), Duration::from_millis(400));
        assert_eq!(p.backoff(10, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(100, 0.0), Duration::from_millis(500));
        for attempt in 0..3 {
            match p.decide(attempt, Idempotency::Idempotent, Outcome::ConnectFailed) {
                Decision::RetryAfter(d) => {
                    let full = p.backoff(attempt, 1.0);
                    assert!(d >= full / 2 && d <= full, "{d:?} vs {full:?}");
                }
                Decision::Stop => panic!("should retry"),
            }
        }
    }

    #[test]
    fn retry_after_honoured_and_capped() {
        let p = policy();
        let d = p.decide(
            0,
            Idempotency::Idempotent,
            Outcome::Status(429, Some(Duration::from_millis(700))),
        );
        assert_eq!(d, Decision::RetryAfter(Duration::from_millis(700)));
        let d = p.decide(
            0,
            Idempotency::Idempotent,
            Outcome::Status(429, Some(Duration::from_secs(60))),
        );
        assert_eq!(d, Decision::RetryAfter(Duration::from_secs(1)));
    }

    #[test]
    fn parse_retry_after_table() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770); // 1994-11-06 08:49:30 GMT
        let cases = [
            ("3", Some(Duration::from_secs(3))),
            (" 0 ", Some(Duration::ZERO)),
            (
                "Sun, 06 Nov 1994 08:49:37 GMT",
                Some(Duration::from_secs(7)),
            ),
            ("Sun, 06 Nov 1994 08:49:00 GMT", Some(Duration::ZERO)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(Duration::ZERO)),
            ("soon", None),
            ("-1", None),
            // Far-future or absurd years must not overflow (they once panicked).
            ("Sun, 06 Nov 300000000000 08:49:37 GMT", None),
            ("Sun, 06 Nov 9223372036854775807 08:49:37 GMT", None),
            ("Sun, 06 Nov 99999 08:49:37 GMT", None),
            ("Sun, 06 Foo 1994 08:49:37 GMT", None),
        ];
        for (v, want) in cases {
            assert_eq!(parse_retry_after(v, now), want, "{v}");
        }
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:10 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(10))
        );
        assert_eq!(
            parse_http_date("Sat, 29 Feb 2020 12:00:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_582_977_600))
        );
    }
}
