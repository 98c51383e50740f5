//! End-to-end tests of the go-plugin transport, driving the real provider binary the way
//! Terraform does: environment, handshake line on stdout, mTLS over the unix socket, gRPC
//! health, GRPCController.Shutdown, signals and `--debug` reattach mode.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use base64::Engine as _;
use crosscluster::plugin::go_plugin::grpc_controller_client::GrpcControllerClient;
use crosscluster::plugin::go_plugin::grpc_stdio_client::GrpcStdioClient;
use crosscluster::plugin::go_plugin::{Empty, StdioData};
use crosscluster::plugin::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::UnixStream;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::{Channel, Endpoint, Uri};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-crosscluster");
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
const RPC_TIMEOUT: Duration = Duration::from_secs(10);

#[path = "support/client_cert.rs"]
mod client_cert;
use client_cert::{ClientCert, connect_tls};

/// The parsed go-plugin handshake line.
#[derive(Debug)]
struct Handshake {
    network: String,
    address: String,
    cert: Option<CertificateDer<'static>>,
}

fn parse_handshake(line: &str) -> Handshake {
    let parts: Vec<&str> = line.split('|').collect();
    assert_eq!(parts.len(), 6, "handshake line {line:?}");
    assert_eq!(parts[0], "1", "core protocol");
    assert_eq!(parts[1], "6", "app protocol");
    assert_eq!(parts[4], "grpc");
    assert!(
        !parts[5].contains('='),
        "cert must be base64 without padding"
    );
    let cert = if parts[5].is_empty() {
        None
    } else {
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .expect("raw std base64");
        Some(CertificateDer::from(der))
    };
    Handshake {
        network: parts[2].to_owned(),
        address: parts[3].to_owned(),
        cert,
    }
}

/// A running provider process with its stdout lines and stderr text collected.
struct Plugin {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Plugin {
    fn spawn(args: &[&str], env: &[(&str, &str)], launched_by_terraform: bool) -> Self {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in [
            MAGIC_COOKIE_KEY,
            "PLUGIN_PROTOCOL_VERSIONS",
            "PLUGIN_CLIENT_CERT",
            "PLUGIN_MIN_PORT",
            "PLUGIN_MAX_PORT",
            "TF_LOG",
            "TF_LOG_PROVIDER",
        ] {
            cmd.env_remove(var);
        }
        if launched_by_terraform {
            cmd.env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
                .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
                .env("PLUGIN_MIN_PORT", "10000")
                .env("PLUGIN_MAX_PORT", "25000");
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn provider");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            child,
            stdout: rx,
            stderr,
        }
    }

    fn next_line(&self) -> String {
        self.stdout
            .recv_timeout(STARTUP_TIMEOUT)
            .unwrap_or_else(|_| panic!("no stdout line; stderr: {}", self.stderr()))
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "provider did not exit within {within:?}; stderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig}");
    }

    /// The stdout lines printed after the ones already read (after the process exited).
    fn remaining_stdout(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(l) = self.stdout.recv_timeout(Duration::from_millis(200)) {
            lines.push(l);
        }
        lines
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the binary to completion (for the failure cases).
fn run_to_exit(env: &[(&str, &str)], launched_by_terraform: bool) -> (ExitStatus, String, String) {
    let mut p = Plugin::spawn(&[], env, launched_by_terraform);
    let status = p.wait_exit(STARTUP_TIMEOUT);
    let stdout = p.remaining_stdout().join("\n");
    std::thread::sleep(Duration::from_millis(50));
    (status, stdout, p.stderr())
}

/// Opens a plaintext gRPC channel on the unix socket.
async fn connect_plain(socket: &Path) -> Result<Channel, String> {
    let socket = socket.to_path_buf();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            async move {
                let stream = UnixStream::connect(&socket).await?;
                Ok::<_, std::io::Error>(TokioIo::new(stream))
            }
        }))
        .await
        .map_err(|e| format!("connect: {e:?}"))
}

/// gRPC health Check for go-plugin's service name "plugin".
async fn health(channel: Channel) -> Result<ServingStatus, String> {
    let call = async move {
        let mut client = HealthClient::new(channel);
        let resp = client
            .check(HealthCheckRequest {
                service: "plugin".to_owned(),
            })
            .await
            .map_err(|s| format!("health: {s:?}"))?;
        ServingStatus::try_from(resp.into_inner().status).map_err(|e| e.to_string())
    };
    tokio::time::timeout(RPC_TIMEOUT, call)
        .await
        .map_err(|_| "health check timed out".to_owned())?
}

async fn tls_health(
    socket: &Path,
    pinned: CertificateDer<'static>,
    client: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<ServingStatus, String> {
    let channel = tokio::time::timeout(RPC_TIMEOUT, connect_tls(socket, pinned, client))
        .await
        .map_err(|_| "connect timed out".to_owned())??;
    health(channel).await
}

#[test]
fn running_directly_prints_the_plugin_message_and_exits_1() {
    let (status, stdout, stderr) = run_to_exit(&[], false);
    assert_eq!(status.code(), Some(1));
    assert!(stdout.is_empty(), "stdout must stay empty: {stdout:?}");
    assert!(
        stderr.contains("is a Terraform provider plugin")
            && stderr.contains("not meant to be executed directly"),
        "stderr: {stderr}"
    );

    // A wrong cookie is no better than none.
    let (status, _, stderr) = run_to_exit(&[(MAGIC_COOKIE_KEY, "nope")], false);
    assert_eq!(status.code(), Some(1));
    assert!(stderr.contains("not meant to be executed directly"));
}

#[test]
fn protocol_versions_without_6_exit_1_with_a_message() {
    let (status, stdout, stderr) = run_to_exit(&[("PLUGIN_PROTOCOL_VERSIONS", "4,5")], true);
    assert_eq!(status.code(), Some(1));
    assert!(stdout.is_empty(), "stdout must stay empty: {stdout:?}");
    assert!(
        stderr.contains("protocol version 6") && stderr.contains("\"4,5\""),
        "stderr: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtls_accepts_only_the_plugin_client_cert_and_shutdown_exits_0() {
    let client = ClientCert::generate();
    let mut plugin = Plugin::spawn(
        &[],
        &[
            ("PLUGIN_CLIENT_CERT", client.pem.as_str()),
            ("TF_LOG_PROVIDER", "trace"),
        ],
        true,
    );
    let hs = parse_handshake(&plugin.next_line());
    assert_eq!(hs.network, "unix");
    let socket = PathBuf::from(&hs.address);
    assert!(socket.exists(), "socket {socket:?} missing");
    let server_cert = hs.cert.clone().expect("server cert in handshake line");
    let own = || {
        Some((
            client.der.clone(),
            PrivateKeyDer::Pkcs8(client.key.clone_key()),
        ))
    };

    // The certificate from PLUGIN_CLIENT_CERT is accepted; the server presents exactly the
    // certificate from the handshake line (the verifier pins it byte for byte).
    assert_eq!(
        tls_health(&socket, server_cert.clone(), own()).await,
        Ok(ServingStatus::Serving)
    );

    // Pinning is meaningful: expecting any other server certificate fails.
    let other = ClientCert::generate();
    let wrong_pin = tls_health(&socket, other.der.clone(), own()).await;
    assert!(wrong_pin.is_err(), "wrong pin accepted: {wrong_pin:?}");

    // No client certificate: refused.
    let none = tls_health(&socket, server_cert.clone(), None).await;
    assert!(
        none.is_err(),
        "client without certificate accepted: {none:?}"
    );

    // Another P-521 certificate of the same shape: refused.
    let stranger = tls_health(
        &socket,
        server_cert.clone(),
        Some((
            other.der.clone(),
            PrivateKeyDer::Pkcs8(other.key.clone_key()),
        )),
    )
    .await;
    assert!(
        stranger.is_err(),
        "foreign certificate accepted: {stranger:?}"
    );

    // Plaintext against the TLS socket: refused.
    let plain = match connect_plain(&socket).await {
        Ok(ch) => health(ch).await,
        Err(e) => Err(e),
    };
    assert!(plain.is_err(), "plaintext client accepted: {plain:?}");

    // Still serving the right client after the refusals.
    let channel = connect_tls(&socket, server_cert.clone(), own())
        .await
        .unwrap();
    assert_eq!(health(channel.clone()).await, Ok(ServingStatus::Serving));

    // GRPCStdio stays open (and empty) until shutdown.
    let mut stdio = GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();

    // Shutdown through GRPCController, with a request larger than tonic's default 4 MiB
    // limit: the 256 MiB limit accepts it, and Empty ignores the unknown field.
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.unwrap();
    let big = StdioData {
        channel: 1,
        data: vec![7u8; 8 << 20],
    };
    let resp: tonic::Response<Empty> = grpc
        .unary(
            tonic::Request::new(big),
            PathAndQuery::from_static("/plugin.GRPCController/Shutdown"),
            tonic_prost::ProstCodec::default(),
        )
        .await
        .expect("8 MiB Shutdown request accepted");
    drop(resp);

    let ended = tokio::time::timeout(RPC_TIMEOUT, stdio.message()).await;
    assert!(
        matches!(ended, Ok(Ok(None)) | Ok(Err(_))),
        "stdio stream did not end on shutdown: {ended:?}"
    );

    let status = plugin.wait_exit(Duration::from_secs(5));
    assert_eq!(status.code(), Some(0), "stderr: {}", plugin.stderr());
    assert!(!socket.exists(), "socket not removed");
    assert!(
        !socket.parent().unwrap().exists(),
        "socket directory not removed"
    );

    // Nothing but the handshake line on stdout; logs are hclog JSON on stderr.
    assert_eq!(plugin.remaining_stdout(), Vec::<String>::new());
    let stderr = plugin.stderr();
    let mut saw_shutdown = false;
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(
            v["@level"].is_string() && v["@message"].is_string(),
            "{line}"
        );
        assert!(
            v["@module"]
                .as_str()
                .is_some_and(|m| m.starts_with("provider.crosscluster")),
            "{line}"
        );
        saw_shutdown |= v["@message"] == "shutdown requested by the host";
    }
    assert!(saw_shutdown, "stderr: {stderr}");
    // The refusals above happened in the server's TLS layer, for the right reasons.
    assert!(
        stderr.contains(
            "refused a TLS client presenting a certificate other than PLUGIN_CLIENT_CERT"
        ),
        "stderr: {stderr}"
    );
    assert!(
        stderr.contains("TLS handshake with a client failed")
            && stderr.to_lowercase().contains("no certificate"),
        "stderr: {stderr}"
    );
    assert!(!stderr.contains(client.pem.trim()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_shutdown_with_generated_client() {
    let client = ClientCert::generate();
    let mut plugin = Plugin::spawn(&[], &[("PLUGIN_CLIENT_CERT", client.pem.as_str())], true);
    let hs = parse_handshake(&plugin.next_line());
    let channel = connect_tls(
        Path::new(&hs.address),
        hs.cert.unwrap(),
        Some((
            client.der.clone(),
            PrivateKeyDer::Pkcs8(client.key.clone_key()),
        )),
    )
    .await
    .unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert_eq!(plugin.wait_exit(Duration::from_secs(5)).code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_is_ignored_and_sigterm_stops() {
    let mut plugin = Plugin::spawn(&[], &[], true);
    let hs = parse_handshake(&plugin.next_line());
    // Without PLUGIN_CLIENT_CERT (TF_DISABLE_PLUGIN_TLS) the server speaks plaintext and the
    // certificate field is empty.
    assert!(hs.cert.is_none());
    let socket = PathBuf::from(&hs.address);

    plugin.signal("INT");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        plugin.child.try_wait().unwrap().is_none(),
        "SIGINT killed it"
    );
    let channel = connect_plain(&socket).await.unwrap();
    assert_eq!(health(channel).await, Ok(ServingStatus::Serving));

    plugin.signal("TERM");
    assert_eq!(plugin.wait_exit(Duration::from_secs(5)).code(), Some(0));
    assert!(!socket.exists(), "socket not removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_mode_prints_reattach_line_and_stops_on_ctrl_c() {
    let mut plugin = Plugin::spawn(&["--debug"], &[], false);
    let human = plugin.next_line();
    assert!(human.contains("debug mode"), "{human}");
    let line = plugin.next_line();
    let json = line
        .strip_prefix("TF_REATTACH_PROVIDERS=")
        .unwrap_or_else(|| panic!("reattach line: {line}"));
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let entry = &v["registry.terraform.io/crosscluster/crosscluster"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], plugin.child.id());
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().unwrap());

    let channel = connect_plain(&socket).await.unwrap();
    assert_eq!(health(channel).await, Ok(ServingStatus::Serving));

    plugin.signal("INT");
    assert_eq!(plugin.wait_exit(Duration::from_secs(5)).code(), Some(0));
    assert!(!socket.exists(), "socket not removed");
}

/// Startup-to-handshake time and resident memory of the binary, median of 20 runs with a
/// client certificate set. Run against the release build:
/// `cargo test --release --test plugin_transport -- --ignored --nocapture handshake_bench`
#[test]
#[ignore = "benchmark; run explicitly with --release"]
fn handshake_bench() {
    const RUNS: usize = 20;
    let client = ClientCert::generate();
    let mut times = Vec::with_capacity(RUNS);
    let mut rss_kib = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut plugin = Plugin::spawn(&[], &[("PLUGIN_CLIENT_CERT", client.pem.as_str())], true);
        let line = plugin.next_line();
        times.push(start.elapsed());
        parse_handshake(&line);
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", plugin.child.id())).unwrap();
        let rss = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .expect("VmRSS");
        rss_kib.push(rss);
        plugin.signal("TERM");
        plugin.wait_exit(Duration::from_secs(5));
    }
    times.sort();
    rss_kib.sort_unstable();
    let size = std::fs::metadata(BIN).map(|m| m.len()).unwrap_or_default();
    println!(
        "handshake_bench: {RUNS} runs, median spawn-to-handshake {:.1} ms (min {:.1}, max {:.1}), \
         median VmRSS {} KiB, binary {} bytes ({})",
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
        rss_kib[RUNS / 2],
        size,
        BIN
    );
    assert!(times[RUNS / 2] < Duration::from_secs(5));
}
