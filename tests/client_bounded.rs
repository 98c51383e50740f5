//! Bounded property tests of the readers `make fuzz` fuzzes without bounds: the Cloud and
//! Elasticsearch error-body parsers, the `_cluster/settings` reader and the trust-settings
//! reader. Each runs a fixed number of mutated inputs from real-shaped seeds (deterministic, so
//! a failure reproduces) and checks that nothing panics and that the round-trip properties hold.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use crosscluster::client::cloud::TrustSettings;
use crosscluster::client::elasticsearch::{
    flatten_settings, remote_aliases, remote_settings_diff, remote_settings_of,
};
use crosscluster::client::error::{parse_cloud_errors, parse_es_error};

const ROUNDS: usize = 4_000;

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap()
    }
}

const TOKENS: &[&[u8]] = &[
    b"null",
    b"[]",
    b"{}",
    b"\"\"",
    b"-1",
    b"1e999",
    b"true",
    b"\"\\u0000\"",
    b",",
    b":",
    b"{\"a\":",
    b"[[[[[[[[",
    b"\"cluster.remote.\"",
    b"\xff\xfe",
];

/// One mutation of `input`: a flipped byte, an inserted token, a cut, or a splice of `other`.
fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(v.len() + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(i..i, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let a = rng.below(v.len());
                let b = (a + rng.below(16)).min(v.len());
                v.drain(a..b);
            }
            3 if !other.is_empty() => {
                let i = rng.below(v.len() + 1);
                let a = rng.below(other.len());
                let b = (a + rng.below(64)).min(other.len());
                v.splice(i..i, other[a..b].iter().copied());
            }
            _ => v.truncate(rng.below(v.len() + 1)),
        }
    }
    v
}

/// Runs `check` on the seeds and on `ROUNDS` mutations of them.
fn run(seeds: &[&[u8]], mut check: impl FnMut(&[u8])) -> usize {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for s in seeds {
        check(s);
    }
    for _ in 0..ROUNDS {
        let a = seeds[rng.below(seeds.len())];
        let b = seeds[rng.below(seeds.len())];
        check(&mutate(&mut rng, a, b));
    }
    seeds.len() + ROUNDS
}

#[test]
fn error_bodies_never_panic() {
    let seeds: &[&[u8]] = &[
        br#"{"errors":[{"code":"deployments.deployment_not_found","message":"Deployment [x] cannot be found","fields":["id"]}]}"#,
        br#"{"error":{"root_cause":[{"type":"security_exception","reason":"action [cluster:admin/settings/update] is unauthorized"}],"type":"security_exception","reason":"unauthorized","caused_by":{"type":"x","reason":"y"}},"status":403}"#,
        b"<html><body>502 Bad Gateway</body></html>",
        br#"{"error":"no handler found for uri [/x]"}"#,
    ];
    let mut parsed = 0;
    let n = run(seeds, |body| {
        if !parse_cloud_errors(body, Some("deployments.deployment_not_found")).is_empty() {
            parsed += 1;
        }
        let _ = parse_cloud_errors(body, None);
        let _ = parse_es_error(body);
    });
    // The header code alone always gives one item, so every input parsed to something.
    assert_eq!(parsed, n);
    assert_eq!(
        parse_es_error(seeds[1]).map(|c| c.error_type),
        Some("security_exception".to_string())
    );
}

#[test]
fn cluster_settings_reader_is_total_and_self_diff_is_empty() {
    let seeds: &[&[u8]] = &[
        br#"{"persistent":{"cluster":{"remote":{"eu":{"mode":"proxy","proxy_address":"eu.example:9443","server_name":"eu.example"},"us":{"seeds":["10.0.0.1:9300"],"skip_unavailable":"true"}}}},"transient":{}}"#,
        br#"{"persistent":{"cluster.remote.eu.proxy_address":"h:9400","cluster.remote.eu.mode":"proxy"},"transient":{"cluster.remote.x.seeds":null}}"#,
        br#"{"persistent":{},"transient":{},"defaults":{"cluster":{"remote":{"connect":"true"}}}}"#,
    ];
    let mut aliases = 0;
    run(seeds, |body| {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return;
        };
        let flat = flatten_settings(v.get("persistent").unwrap_or(&v));
        for alias in remote_aliases(&flat) {
            aliases += 1;
            let own = remote_settings_of(&flat, &alias);
            assert!(
                remote_settings_diff(&alias, &own, &own).is_empty(),
                "{alias}"
            );
        }
    });
    assert!(aliases > 0, "no input reached the alias checks");
}

#[test]
fn trust_settings_round_trip_keeps_unknown_fields() {
    let seeds: &[&[u8]] = &[
        br#"{"accounts":[{"account_id":"1053523734","trust_all":true,"name":"Default trust for own organization"}],"external":[],"direct":[]}"#,
        br#"{"accounts":[{"account_id":"2","trust_all":false,"trust_allowlist":["cf659f7fe6164d9691b284ae36811be1"],"future":1}],"direct":[{"uid":"u1","name":"ece","type":"ECE","scope_id":"abc","trust_all":false,"certificates":[{"pem":"-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----","metadata":{"fingerprint":"f","valid_from":"2024-01-01T00:00:00Z","valid_to":"2034-01-01T00:00:00Z"}}]}],"other":{"x":[1,2]}}"#,
        br#"{"external":[{"trust_relationship_id":"rel","trust_all":true,"name":"ECE env"}]}"#,
    ];
    let mut read = 0;
    run(seeds, |body| {
        let Ok(t) = serde_json::from_slice::<TrustSettings>(body) else {
            return;
        };
        read += 1;
        let written = serde_json::to_vec(&t).unwrap();
        let back: TrustSettings = serde_json::from_slice(&written).unwrap();
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&t).unwrap()
        );
    });
    assert!(read >= 3, "only {read} inputs read as trust settings");
}
