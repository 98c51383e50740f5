//! Small helpers: stable ids, timestamps, versions, durations, base64.

use base64::Engine as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A 64-bit FNV-1a hash with a seed, the base of every stable id.
fn fnv(seed: u64, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// splitmix64 finaliser: spreads the bits of a hash.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 32 lowercase hex characters derived from `text` (same input, same id, every run).
pub fn hex32(text: &str) -> String {
    format!("{:016x}{:016x}", fnv(1, text), fnv(2, text))
}

/// An alphanumeric string of `len` characters derived from `text`.
pub fn alnum(text: &str, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut i = 0u64;
    while out.len() < len {
        let mut h = fnv(100 + i, text);
        for _ in 0..8 {
            if out.len() == len {
                break;
            }
            out.push(char::from(CHARS[(h % CHARS.len() as u64) as usize]));
            h /= CHARS.len() as u64;
        }
        i += 1;
    }
    out
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, unpredictable-enough token (for API key ids and secrets): not stable across runs.
pub fn fresh(len: usize) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    alnum(&format!("{t}-{n}-{:p}", &n), len)
}

/// A fresh uuid-shaped string (for direct trust `uid`s).
pub fn fresh_uuid() -> String {
    let h = hex32(&fresh(24));
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// RFC 3339 UTC timestamp with milliseconds for epoch milliseconds.
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// An Elasticsearch version as (major, minor, patch); unparsable parts are 0.
pub type Version = (u32, u32, u32);

/// Parses "9.1.0" (extra suffixes such as "-SNAPSHOT" are ignored).
pub fn parse_version(v: &str) -> Version {
    let mut it = v.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

/// True when `v` is at least `major.minor`.
pub fn at_least(v: Version, major: u32, minor: u32) -> bool {
    (v.0, v.1) >= (major, minor)
}

/// Parses an Elasticsearch time value ("30d", "1h", "500ms") into milliseconds.
pub fn parse_duration_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    let units: [(&str, i64); 7] = [
        ("nanos", 0),
        ("micros", 0),
        ("ms", 1),
        ("s", 1000),
        ("m", 60_000),
        ("h", 3_600_000),
        ("d", 86_400_000),
    ];
    for (suffix, factor) in units {
        if let Some(num) = t.strip_suffix(suffix) {
            if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let n: i64 = num.parse().ok()?;
            return Some(n.saturating_mul(factor));
        }
    }
    None
}

/// Standard base64 encoding.
pub fn b64(data: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(data.as_bytes())
}

/// Standard base64 decoding into text; None when not valid base64 or not UTF-8.
pub fn unb64(data: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim().as_bytes())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Decodes `%xx` escapes in a URL path segment (`+` stays a plus sign there).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(x) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Simple wildcard match (`*` matches any run of characters), as Elasticsearch's simple-match.
pub fn simple_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_shaped() {
        let a = hex32("x");
        assert_eq!(a, hex32("x"));
        assert_ne!(a, hex32("y"));
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(alnum("k", 22).len(), 22);
    }

    #[test]
    fn timestamps_and_durations() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(parse_duration_ms("30d"), Some(30 * 86_400_000));
        assert_eq!(parse_duration_ms("5ms"), Some(5));
        assert_eq!(parse_duration_ms("5x"), None);
        assert!(simple_match("cluster.remote.a.*", "cluster.remote.a.mode"));
        assert!(!simple_match(
            "cluster.remote.a.*",
            "cluster.remote.ab.mode"
        ));
        assert!(simple_match("*", "anything"));
        assert_eq!(parse_version("8.12.2"), (8, 12, 2));
    }
}
