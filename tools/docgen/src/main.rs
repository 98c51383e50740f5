//! `crosscluster-docgen [--root DIR] [--out DIR] [--check]`
//!
//! Writes the registry docs of the crosscluster provider into `--out` (default `<root>/docs`),
//! or with `--check` only compares them with it and exits 1 when they differ. `--root` is the
//! repository (examples, templates, guides); default: the one this binary was built from.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crosscluster::provider::CrossclusterProvider;

const USAGE: &str = "usage: crosscluster-docgen [--root DIR] [--out DIR] [--check]";

fn main() -> ExitCode {
    let mut root = None;
    let mut out = None;
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from),
            "--out" => out = args.next().map(PathBuf::from),
            "--check" => check = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("crosscluster-docgen: unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let root = root.unwrap_or_else(crosscluster_docgen::default_root);
    let out = out.unwrap_or_else(|| root.join("docs"));

    let started = Instant::now();
    let docs = match crosscluster_docgen::generate(&CrossclusterProvider::new(), &root) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("crosscluster-docgen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        let diffs = docs.diff(&out);
        if diffs.is_empty() {
            eprintln!(
                "crosscluster-docgen: {} is up to date ({} pages, {} ms)",
                out.display(),
                docs.files.len(),
                started.elapsed().as_millis()
            );
            return ExitCode::SUCCESS;
        }
        for d in &diffs {
            eprintln!("  {d}");
        }
        eprintln!("docs/ is out of date: run make docs");
        return ExitCode::FAILURE;
    }
    if let Err(e) = docs.write_to(&out) {
        eprintln!("crosscluster-docgen: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "crosscluster-docgen: wrote {} pages to {} in {} ms",
        docs.files.len(),
        out.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}
