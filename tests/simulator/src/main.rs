//! `crosscluster-sim [--fixture FILE] [--real-shapes] [--tls] [--ready-file PATH] [--plan-ms N] [--latency-ms N]`
//!
//! With `--tls` every listener serves HTTPS with a certificate signed by a CA generated at
//! start; the CA's PEM is written to `<ready file>.ca.pem` and named by `ca_file` in the ready
//! document (which also carries it as `ca_pem`).

use crosscluster_sim::{Fixture, Options, start, start_tls};
use std::process::ExitCode;

const USAGE: &str = "usage: crosscluster-sim [--fixture FILE] [--real-shapes] [--tls] [--ready-file PATH] [--plan-ms N] [--latency-ms N]";

struct Args {
    fixture: Option<String>,
    real_shapes: bool,
    tls: bool,
    ready_file: Option<String>,
    opts: Options,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fixture: None,
        real_shapes: false,
        tls: false,
        ready_file: None,
        opts: Options::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(USAGE.to_string());
        }
        if name == "--real-shapes" && inline.is_none() {
            args.real_shapes = true;
            continue;
        }
        if name == "--tls" && inline.is_none() {
            args.tls = true;
            continue;
        }
        if !["--fixture", "--ready-file", "--plan-ms", "--latency-ms"].contains(&name.as_str()) {
            return Err(format!("unknown argument {name}\n{USAGE}"));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?,
        };
        let num = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: not a non-negative integer: {v}"))
        };
        match name.as_str() {
            "--fixture" => args.fixture = Some(value),
            "--ready-file" => args.ready_file = Some(value),
            "--plan-ms" => args.opts.plan_ms = num(&value)?,
            "--latency-ms" => args.opts.latency_ms = num(&value)?,
            _ => return Err(format!("unknown argument {name}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn write_ready(path: &str, text: &str) -> std::io::Result<()> {
    // Write a temp file beside the target, then rename: readers never see a partial file.
    let tmp = format!("{path}.tmp-{}", std::process::id());
    std::fs::write(&tmp, format!("{text}\n"))?;
    std::fs::rename(&tmp, path)
}

/// Where `--tls` writes the CA next to the ready file: `<ready file>.ca.pem`, absolute.
fn ca_file_for(ready_file: &str) -> String {
    let file = format!("{ready_file}.ca.pem");
    match std::path::absolute(&file) {
        Ok(p) => p.display().to_string(),
        Err(_) => file,
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let fixture = match &args.fixture {
        None if args.real_shapes => Fixture::real_shapes_preset(),
        None => Fixture::default_fixture(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match Fixture::from_json(&text) {
                Ok(mut f) => {
                    f.real_shapes |= args.real_shapes;
                    f
                }
                Err(e) => {
                    eprintln!("crosscluster-sim: invalid fixture {path}: {e}");
                    return ExitCode::from(2);
                }
            },
            Err(e) => {
                eprintln!("crosscluster-sim: cannot read fixture {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let started = if args.tls {
        start_tls(fixture, args.opts).await
    } else {
        start(fixture, args.opts).await
    };
    let mut running = match started {
        Ok(r) => r,
        Err(e) => {
            eprintln!("crosscluster-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut ca_file = None;
    if let (Some(path), Some(pem)) = (&args.ready_file, running.ready.ca_pem.clone()) {
        let file = ca_file_for(path);
        if let Err(e) = write_ready(&file, pem.trim_end()) {
            eprintln!("crosscluster-sim: cannot write the CA file {file}: {e}");
            return ExitCode::FAILURE;
        }
        running.ready.ca_file = Some(file.clone());
        // `GET /_sim/ready` answers the same document.
        *crosscluster_sim::server::lock(&running.sim().ready) =
            serde_json::to_value(&running.ready).unwrap_or_default();
        ca_file = Some(file);
    }
    let text = match serde_json::to_string(&running.ready) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("crosscluster-sim: cannot encode the ready document: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.ready_file
        && let Err(e) = write_ready(path, &text)
    {
        eprintln!("crosscluster-sim: cannot write the ready file {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!("{text}");
    wait_for_signal().await;
    running.shutdown().await;
    if let Some(path) = &args.ready_file {
        let _ = std::fs::remove_file(path);
    }
    if let Some(file) = &ca_file {
        let _ = std::fs::remove_file(file);
    }
    ExitCode::SUCCESS
}
