//! `make bench` (not part of `make test`): every row of issue 12's table, measured in one run,
//! ours side by side with a Go provider (terraform-plugin-framework, from PyPI; its path in
//! `BENCH_PEER`), the two alternated run by run. Prints one markdown table and writes it to
//! `target/bench/table.md`. Request counts come from the simulator's request log.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on surprises

#[path = "acceptance/harness.rs"]
mod harness;
#[path = "acceptance/sim.rs"]
mod sim;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use crosscluster::plugin::tfplugin6::get_provider_schema;
use crosscluster::plugin::tfplugin6::provider_client::ProviderClient;
use crosscluster::plugin::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use crosscluster_sim::{Fixture, Options};
use harness::{REQUIRED_PROVIDERS, Workdir, provider_binary};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use sim::Sim;
use tonic::transport::Channel;

const RUNS: usize = 20;
const LATENCY_MS: u64 = 20;

#[path = "support/client_cert.rs"]
mod client_cert;
use client_cert::{ClientCert, connect_tls};

/// A started plugin: the process and its handshake line.
struct Started {
    child: Child,
    line: String,
    elapsed: Duration,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Exec `bin` as Terraform does and time it until its handshake line is read.
fn start(bin: &Path, cert: Option<&str>) -> Started {
    let mut cmd = Command::new(bin);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000");
    if let Some(pem) = cert {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    let t = Instant::now();
    let mut child = cmd.spawn().expect("spawn plugin");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).expect("handshake line");
    let elapsed = t.elapsed();
    assert!(line.starts_with("1|"), "{}: {line:?}", bin.display());
    // Keep the pipe open (a closed stdout could stop the plugin).
    std::mem::forget(out);
    Started {
        child,
        line: line.trim().to_string(),
        elapsed,
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

async fn connect(line: &str, client: &ClientCert) -> Channel {
    let parts: Vec<&str> = line.split('|').collect();
    let socket = PathBuf::from(parts[3]);
    let pinned = CertificateDer::from(
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .expect("server certificate"),
    );
    connect_tls(
        &socket,
        pinned,
        Some((
            client.der.clone(),
            PrivateKeyDer::Pkcs8(client.key.clone_key()),
        )),
    )
    .await
    .expect("connect to plugin")
}

/// Resident memory after one GetProviderSchema, with the client certificate set.
fn rss_after_schema(rt: &tokio::runtime::Runtime, bin: &Path, client: &ClientCert) -> u64 {
    let p = start(bin, Some(&client.pem));
    rt.block_on(async {
        let channel = connect(&p.line, client).await;
        let mut c = ProviderClient::new(channel).max_decoding_message_size(64 << 20);
        c.get_provider_schema(get_provider_schema::Request {})
            .await
            .expect("GetProviderSchema");
    });
    rss_kib(p.child.id())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `f` for ours and the peer alternately, `RUNS` times; returns the two medians and the
/// median and worst of the pairwise ratios ours/peer.
fn paired(peer: Option<&Path>, mut f: impl FnMut(&Path) -> f64) -> (f64, Option<(f64, f64, f64)>) {
    let ours_bin = provider_binary();
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..RUNS {
        // Alternate which one goes first.
        let (a, b) = if i % 2 == 0 {
            let a = f(&ours_bin);
            (a, peer.map(&mut f))
        } else {
            let b = peer.map(&mut f);
            (f(&ours_bin), b)
        };
        ours.push(a);
        if let Some(b) = b {
            theirs.push(b);
            ratios.push(a / b);
        }
    }
    let m = median(&mut ours);
    if theirs.is_empty() {
        return (m, None);
    }
    let worst = ratios.iter().copied().fold(0.0, f64::max);
    (m, Some((median(&mut theirs), median(&mut ratios), worst)))
}

struct Row {
    measure: String,
    ours: String,
    peer: String,
    target: String,
    holds: bool,
    note: String,
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "**no**" }
}

fn workdir_for(sim: &Sim, body: &str, with_es: bool) -> Workdir {
    let mut wd = Workdir::new();
    // The provider's own default plan polling, not the tests' 50 ms.
    wd.env("CROSSCLUSTER_PLAN_POLL_INTERVAL", "250ms");
    let provider = sim.provider_block(None, Some("local"), with_es.then_some("local"));
    wd.config(&format!("{REQUIRED_PROVIDERS}{provider}\n{body}\n"));
    wd
}

fn count(log: &[Value], method: &str, path: impl Fn(&str) -> bool) -> usize {
    log.iter()
        .filter(|r| r["method"] == method && r["path"].as_str().is_some_and(&path))
        .count()
}

fn tainted(wd: &Workdir) -> usize {
    let state: Value = serde_json::from_str(&wd.state_file()).unwrap_or(Value::Null);
    state["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
                .filter(|i| i["status"] == "tainted")
                .count()
        })
        .unwrap_or(0)
}

/// 30 trust entries on one deployment in one apply: wall time, PUTs, GETs, tainted.
fn thirty_trust(plan_ms: u64, max_secs: f64) -> Row {
    let sim = Sim::with(
        &format!("bench-trust-{plan_ms}"),
        Fixture::default_fixture(),
        Options {
            plan_ms,
            latency_ms: LATENCY_MS,
        },
    );
    let dep = sim.id("local");
    let wd = workdir_for(
        &sim,
        &format!(
            "resource \"crosscluster_trusted_environment\" \"many\" {{\n  count = 30\n  deployment_id = \"{dep}\"\n  organization_id = format(\"3%09d\", count.index)\n  name = \"org ${{count.index}}\"\n}}\n"
        ),
        false,
    );
    sim.control("DELETE", "/_sim/requests", None);
    let t = Instant::now();
    let run = wd.apply();
    let secs = t.elapsed().as_secs_f64();
    let ok = run.code == 0;
    let log = sim.requests(Some("cloud"));
    let dep_path = format!("/api/v1/deployments/{dep}");
    let puts = count(&log, "PUT", |p| p == dep_path);
    let gets = count(&log, "GET", |p| p == dep_path);
    let tainted = tainted(&wd);
    Row {
        measure: format!(
            "30 `crosscluster_trusted_environment` on one deployment, `--plan-ms {plan_ms}`"
        ),
        ours: format!("{secs:.1} s, {puts} PUTs, {gets} GETs, {tainted} tainted"),
        peer: "-".into(),
        target: format!("<= {max_secs} s, <= 3 PUTs, nothing tainted"),
        holds: ok && secs <= max_secs && puts <= 3 && tainted == 0,
        note: if ok {
            String::new()
        } else {
            format!("apply failed: {}", run.flat())
        },
    }
}

/// The refresh of 40 roles (one `GET _security/role/<name>` each) at the bench latency: how
/// many requests the simulator handles at once (Terraform reads 10 resources at a time).
fn refresh_in_flight() -> Row {
    let sim = Sim::with(
        "bench-refresh-in-flight",
        Fixture::default_fixture(),
        Options {
            plan_ms: 2000,
            latency_ms: LATENCY_MS,
        },
    );
    let wd = workdir_for(
        &sim,
        "resource \"crosscluster_role\" \"many\" {\n  count = 40\n  name = \"reader-${count.index}\"\n  cluster = [\"monitor\"]\n}\n",
        true,
    );
    let applied = wd.apply();
    sim.control("DELETE", "/_sim/requests", None);
    let t = Instant::now();
    let run = wd.plan_code();
    let secs = t.elapsed().as_secs_f64();
    let c = sim.control("GET", "/_sim/concurrency", None);
    let max = c["max_in_flight"].as_u64().unwrap_or(0);
    let reads = count(&sim.requests(Some("es")), "GET", |p| {
        p.starts_with("/_security/role/")
    });
    Row {
        measure: "`terraform plan` refresh of 40 `crosscluster_role` (one GET each): requests in flight at once".into(),
        ours: format!("at most {max}; {reads} GETs in {secs:.1} s"),
        peer: "-".into(),
        target: "Terraform's 10 (not ~1.7)".into(),
        holds: applied.code == 0 && run.code == 0 && max >= 10,
        note: if run.code == 0 && applied.code == 0 {
            String::new()
        } else {
            format!("apply/plan failed: {} {}", applied.flat(), run.flat())
        },
    }
}

/// 200 aliases on one cluster: the apply (`wait_for_connection = false`), then the refresh of
/// `terraform plan`.
fn two_hundred_aliases() -> (Row, Row) {
    let sim = Sim::with(
        "bench-aliases",
        Fixture::default_fixture(),
        Options {
            plan_ms: 2000,
            latency_ms: LATENCY_MS,
        },
    );
    let wd = workdir_for(
        &sim,
        "resource \"crosscluster_remote_cluster\" \"many\" {\n  count = 200\n  alias = \"r${count.index}\"\n  proxy_address = \"remote.example.com:9400\"\n  server_name = \"remote.example.com\"\n  wait_for_connection = false\n}\n",
        true,
    );
    let is_settings = |p: &str| p == "/_cluster/settings";
    let is_info = |p: &str| p == "/_remote/info";
    sim.control("DELETE", "/_sim/requests", None);
    let t = Instant::now();
    let run = wd.apply();
    let apply_secs = t.elapsed().as_secs_f64();
    let apply_ok = run.code == 0;
    let log = sim.requests(Some("es"));
    let (puts, gets) = (
        count(&log, "PUT", is_settings),
        count(&log, "GET", is_settings),
    );
    let apply = Row {
        measure: "apply of 200 aliases, `wait_for_connection = false`".into(),
        ours: format!("{apply_secs:.1} s; {puts} PUT + {gets} GET `_cluster/settings`"),
        peer: "-".into(),
        target: "<= 3 s; <= 25 PUTs".into(),
        holds: apply_ok && apply_secs <= 3.0 && puts <= 25,
        note: if apply_ok {
            String::new()
        } else {
            format!("apply failed: {}", run.flat())
        },
    };
    sim.control("DELETE", "/_sim/requests", None);
    let t = Instant::now();
    let run = wd.plan_code();
    let plan_secs = t.elapsed().as_secs_f64();
    let log = sim.requests(Some("es"));
    let (settings, info) = (count(&log, "GET", is_settings), count(&log, "GET", is_info));
    let refresh = Row {
        measure: "`terraform plan` refresh of 200 `crosscluster_remote_cluster` on one cluster"
            .into(),
        ours: format!(
            "{plan_secs:.1} s; {settings} GET `_cluster/settings` + {info} GET `_remote/info`"
        ),
        peer: "-".into(),
        target: "<= 2 s; <= 2 of each".into(),
        holds: run.code == 0 && plan_secs <= 2.0 && settings <= 2 && info <= 2,
        note: if run.code == 0 {
            String::new()
        } else {
            format!("plan failed (exit {}): {}", run.code, run.flat())
        },
    };
    (refresh, apply)
}

#[test]
#[ignore = "benchmark: make bench"]
fn bench() {
    let peer = std::env::var_os("BENCH_PEER")
        .map(PathBuf::from)
        .filter(|p| p.exists());
    let peer = peer.as_deref();
    let client = ClientCert::generate();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let fmt_peer = |p: Option<(f64, f64, f64)>, unit: &str| match p {
        Some((m, r, w)) => format!("{m:.1} {unit} (ratio median {r:.2}, worst {w:.2})"),
        None => "n/a (BENCH_PEER not set)".into(),
    };

    let (ours, p) = paired(peer, |bin| ms(start(bin, Some(&client.pem)).elapsed));
    rows.push(Row {
        measure: format!("exec to handshake line, P-521 client cert set, median of {RUNS}"),
        ours: format!("{ours:.2} ms"),
        peer: fmt_peer(p, "ms"),
        target: "<= 2.5 ms and <= 0.25x the peer, pair by pair".into(),
        // Pair by pair: the worst of the pairwise ratios, not their median.
        holds: ours <= 2.5 && p.is_some_and(|(_, _, worst)| worst <= 0.25),
        note: String::new(),
    });
    let (ours, p) = paired(peer, |bin| ms(start(bin, None).elapsed));
    rows.push(Row {
        measure: "same, no client cert".into(),
        ours: format!("{ours:.2} ms"),
        peer: fmt_peer(p, "ms"),
        target: "<= 2 ms".into(),
        holds: ours <= 2.0,
        note: String::new(),
    });
    let (ours, p) = paired(peer, |bin| {
        rss_after_schema(&rt, bin, &client) as f64 / 1024.0
    });
    rows.push(Row {
        measure: "resident memory after GetProviderSchema".into(),
        ours: format!("{ours:.1} MiB"),
        peer: fmt_peer(p, "MiB"),
        target: "<= 8 MiB".into(),
        holds: ours <= 8.0,
        note: String::new(),
    });
    let mib = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
    let size = mib(&provider_binary());
    rows.push(Row {
        measure: "release binary".into(),
        ours: format!("{size:.1} MiB"),
        peer: peer.map_or("n/a".into(), |p| format!("{:.1} MiB", mib(p))),
        target: "<= 9 MiB".into(),
        holds: size <= 9.0,
        note: String::new(),
    });
    rows.push(thirty_trust(2000, 7.5));
    let skip_slow = std::env::var_os("BENCH_SKIP_SLOW").is_some();
    if !skip_slow {
        let mut r = thirty_trust(30000, 100.0);
        r.measure = "same with `--plan-ms 30000` (closer to real Cloud)".into();
        rows.push(r);
    }
    let (refresh, apply) = two_hundred_aliases();
    rows.push(refresh);
    rows.push(apply);
    rows.push(refresh_in_flight());

    let mut table = format!(
        "Simulator `--latency-ms {LATENCY_MS}`; Terraform {}; {RUNS} alternated runs per start-up row.\n\n\
         | measure | ours | Go peer | target | holds |\n|---|---|---|---|---|\n",
        harness::terraform_path().display()
    );
    for r in &rows {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.measure,
            r.ours,
            r.peer,
            r.target,
            yes(r.holds)
        ));
    }
    for r in rows.iter().filter(|r| !r.note.is_empty()) {
        let note: String = r.note.chars().take(600).collect();
        table.push_str(&format!("\n- {}: {note}\n", r.measure));
    }
    println!("\n{table}");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("table.md"), &table).unwrap();
}
