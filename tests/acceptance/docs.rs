//! Docs are tests: every `hcl` / `terraform` fenced block of `README.md`, `docs/**` (guides
//! included) and `examples/**/README.md`, and every example directory, is validated with the
//! real provider; every complete configuration is applied against a fresh simulator, planned
//! again (no changes) and destroyed.
//!
//! A block is read according to the HTML comment right before its fence:
//!
//! | marker | what the test does |
//! |---|---|
//! | none | the block is a whole configuration: validate, apply, plan clean, destroy |
//! | `<!-- docs-test: with-layout -->` | the same, with the provider layout (`examples/provider/provider.tf`) beside it |
//! | `<!-- docs-test: validate-only (why) -->` | only `terraform validate` (`with-layout validate-only` adds the layout) |
//! | `<!-- docs-test: with-layout with-modules -->` | also copies `examples/modules` to `./modules` and runs `terraform init` first (a module call as a module's README shows it) |
//! | `<!-- docs-test: layout (...) -->` | the block must be the text of `examples/provider/provider.tf` |
//! | `<!-- docs-test: partial (why) -->` | deliberately partial: counted, not run |
//!
//! A block whose text is an example file (the generated pages show them) is run as that example
//! (`examples.rs`: harness providers and locals); an `import.tf` block is run by `imports.rs`.
//! Variables are filled from the simulator's ready document by name ([`variable_values`]);
//! `EC_ENDPOINT` points the Cloud connection at the simulator.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What one job gave: where it came from, its outcome and how long it took.
type JobResult = (String, Result<Outcome, String>, Duration);

use crate::examples::{Example, discover, exercise};
use crate::harness::{REQUIRED_PROVIDERS, Workdir};
use crate::sim::Sim;

/// Configurations run this many at a time (each with its own simulator).
const PARALLEL: usize = 4;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// How a block is run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// A whole configuration, with the layout (and the modules) beside it or not.
    Apply { layout: bool, modules: bool },
    /// Only validated.
    Validate { layout: bool, modules: bool },
    /// Must be the layout's text.
    Layout,
    /// Not run (the reason is in the marker).
    Partial(String),
    /// The text of an example file, run as that example (`examples/<kind>/<name>`), or an
    /// import block run by the import test.
    Example(String),
}

/// One fenced block of a Markdown file.
#[derive(Debug, Clone)]
struct Block {
    /// `README.md:42`.
    place: String,
    text: String,
    mode: Mode,
}

/// Every Markdown file the docs test reads: README.md, docs/**, examples/**.
fn markdown_files() -> Vec<PathBuf> {
    let mut out = vec![repo().join("README.md")];
    for dir in ["docs", "examples"] {
        walk(&repo().join(dir), &mut out);
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

/// The example files whose text a page may show: normalized text to the example's label.
fn example_texts() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let root = repo().join("examples");
    out.insert(
        norm(&read(&root.join("provider/provider.tf"))),
        "examples/provider/".to_string(),
    );
    for (kind, file) in [
        ("resources", "resource.tf"),
        ("resources", "import.tf"),
        ("data-sources", "data-source.tf"),
        ("functions", "function.tf"),
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(kind)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path().join(file);
            if let Ok(text) = std::fs::read_to_string(&path) {
                let name = e.file_name().to_string_lossy().into_owned();
                let label = if file == "import.tf" {
                    format!("import:{name}")
                } else {
                    format!("examples/{kind}/{name}")
                };
                out.insert(norm(&text), label);
            }
        }
    }
    out
}

fn norm(text: &str) -> String {
    text.trim().replace("\r\n", "\n")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The marker of the comment `line`, if it is one.
fn marker(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim()
        .strip_prefix("docs-test:")
        .map(str::trim)
}

fn mode_of(marker: Option<&str>, place: &str) -> Mode {
    let Some(m) = marker else {
        return Mode::Apply {
            layout: false,
            modules: false,
        };
    };
    let mut layout = false;
    let mut modules = false;
    let mut rest = m;
    loop {
        if let Some(r) = rest.strip_prefix("with-layout") {
            layout = true;
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix("with-modules") {
            modules = true;
            rest = r.trim_start();
        } else {
            break;
        }
    }
    if rest.is_empty() {
        Mode::Apply { layout, modules }
    } else if rest.starts_with("validate-only") {
        Mode::Validate { layout, modules }
    } else if rest.starts_with("layout") {
        Mode::Layout
    } else if let Some(why) = rest.strip_prefix("partial") {
        assert!(
            !why.trim().is_empty(),
            "{place}: say why the block is partial: <!-- docs-test: partial (why) -->"
        );
        Mode::Partial(why.trim().to_string())
    } else {
        panic!("{place}: unknown docs-test marker {m:?}")
    }
}

/// The `hcl` / `terraform` blocks of one Markdown text.
fn blocks_of(label: &str, text: &str, examples: &BTreeMap<String, String>) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_start();
        let lang = fence.strip_prefix("```").map(str::trim);
        if !matches!(lang, Some("hcl" | "terraform")) {
            i += 1;
            continue;
        }
        let start = i;
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            body.push(lines[i]);
            i += 1;
        }
        i += 1;
        let place = format!("{label}:{}", start + 1);
        let before = lines[..start]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .copied();
        let text = body.join("\n") + "\n";
        let mode = match examples.get(&norm(&text)) {
            Some(ex) => Mode::Example(ex.clone()),
            None => mode_of(before.and_then(marker), &place),
        };
        out.push(Block { place, text, mode });
    }
    out
}

fn collect_blocks() -> Vec<Block> {
    let examples = example_texts();
    let mut out = Vec::new();
    for path in markdown_files() {
        let label = path
            .strip_prefix(repo())
            .unwrap_or(&path)
            .display()
            .to_string();
        out.extend(blocks_of(&label, &read(&path), &examples));
    }
    out
}

/// Values for the variables a docs configuration may declare, from the simulator.
fn variable_values(sim: &Sim) -> BTreeMap<&'static str, String> {
    let d = |n: &str| sim.dep(n).1;
    BTreeMap::from([
        ("local_ec_api_key", sim.cloud_key_for("local")),
        ("remote_ec_api_key", sim.cloud_key_for("remote")),
        ("local_elasticsearch_url", d("local").es_url),
        ("remote_elasticsearch_url", d("remote").es_url),
        ("local_elastic_password", d("local").password),
        ("remote_elastic_password", d("remote").password),
        ("local_deployment_id", sim.id("local")),
        ("remote_deployment_id", sim.id("remote")),
        // A deployment of the local organization (the guide's same-organization example).
        ("logs_deployment_id", sim.id("legacy-remote")),
        (
            "logs_api_key",
            "docs-test-encoded-cross-cluster-key".to_string(),
        ),
    ])
}

/// Names of the variables declared in `text`.
fn declared_variables(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("variable \""))
        .filter_map(|r| r.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Runs one block; returns what was done.
fn run_block(block: &Block, layout: &str) -> Outcome {
    let (apply, with_layout, with_modules) = match &block.mode {
        Mode::Apply { layout, modules } => (true, *layout, *modules),
        Mode::Validate { layout, modules } => (false, *layout, *modules),
        Mode::Layout => {
            assert_eq!(
                norm(&block.text),
                norm(layout),
                "{}: a layout block must be examples/provider/provider.tf, word for word",
                block.place
            );
            return Outcome::Validated;
        }
        Mode::Partial(_) | Mode::Example(_) => return Outcome::Partial,
    };
    let sim = Sim::start(&format!(
        "docs-{}",
        block.place.replace(['/', ':', '.'], "-")
    ));
    let mut wd = Workdir::new();
    wd.env("EC_ENDPOINT", &sim.ready.cloud_url);
    let mut all = block.text.clone();
    wd.write("main.tf", &block.text);
    if with_layout {
        wd.write("layout.tf", layout);
        all.push_str(layout);
    }
    if !all.contains("required_providers") {
        wd.write("versions.tf", REQUIRED_PROVIDERS);
    }
    let values = variable_values(&sim);
    let mut tfvars = serde_json::Map::new();
    for v in declared_variables(&all) {
        if let Some(val) = values.get(v.as_str()) {
            tfvars.insert(v, serde_json::Value::String(val.clone()));
        }
    }
    wd.write(
        "terraform.tfvars.json",
        &serde_json::Value::Object(tfvars).to_string(),
    );
    if with_modules {
        crate::modules::copy_tf_tree(&wd, &repo().join("examples/modules"), "modules");
        wd.init().success();
    }
    wd.validate().success();
    if !apply {
        return Outcome::Validated;
    }
    wd.apply().success();
    wd.assert_no_changes();
    if let Some(map) = wd.outputs().as_object() {
        for (k, v) in map {
            assert!(!v.is_null(), "output {k} of {} is null", block.place);
        }
    }
    wd.destroy().success();
    Outcome::Applied
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Validated,
    Applied,
    Partial,
}

enum Job {
    Example(Example),
    Block(Block),
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".into())
}

/// Must-show 1: every block and example, with the counts.
#[test]
fn every_docs_block_and_example_validates_and_complete_ones_apply() {
    let started = Instant::now();
    let layout = read(&repo().join("examples/provider/provider.tf"));
    let blocks = collect_blocks();
    let examples = discover();

    // Sanity: the sources are all there and every example a page shows is a known example.
    let labels: Vec<String> = examples.iter().map(Example::label).collect();
    for b in &blocks {
        if let Mode::Example(ex) = &b.mode {
            assert!(
                ex.starts_with("import:") || labels.contains(ex),
                "{}: shows {ex}, which the examples test does not run",
                b.place
            );
        }
    }
    for required in [
        "README.md:",
        "docs/index.md:",
        "docs/guides/cross-cluster-trust.md:",
    ] {
        assert!(
            blocks.iter().any(|b| b.place.starts_with(required)),
            "no block found in {required}"
        );
    }

    let mut jobs: Vec<Job> = examples.iter().cloned().map(Job::Example).collect();
    jobs.extend(blocks.iter().cloned().map(Job::Block));
    jobs.reverse();
    let queue = Mutex::new(jobs);
    let results: Mutex<Vec<JobResult>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                loop {
                    let Some(job) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let t = Instant::now();
                    let (label, outcome) = match &job {
                        Job::Example(e) => (
                            e.label(),
                            std::panic::catch_unwind(AssertUnwindSafe(|| {
                                exercise(e);
                                if e.applies() {
                                    Outcome::Applied
                                } else {
                                    Outcome::Validated
                                }
                            })),
                        ),
                        Job::Block(b) => (
                            b.place.clone(),
                            std::panic::catch_unwind(AssertUnwindSafe(|| run_block(b, &layout))),
                        ),
                    };
                    results
                        .lock()
                        .unwrap()
                        .push((label, outcome.map_err(panic_text), t.elapsed()));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let by_label: BTreeMap<&str, &Result<Outcome, String>> =
        results.iter().map(|(l, o, _)| (l.as_str(), o)).collect();

    let mut failures = Vec::new();
    for (label, outcome, took) in &results {
        match outcome {
            Ok(Outcome::Partial) => {}
            Ok(o) => eprintln!("{label}: {o:?} ({:.1}s)", took.as_secs_f64()),
            Err(msg) => {
                eprintln!("{label}: FAILED ({:.1}s)", took.as_secs_f64());
                failures.push(format!("{label}: {msg}"));
            }
        }
    }
    // Counts: blocks (a block shown from an example counts with its example's outcome).
    let (mut validated, mut applied_blocks, mut partial, mut imports) = (0, 0, 0, 0);
    for b in &blocks {
        match &b.mode {
            Mode::Partial(why) => {
                partial += 1;
                eprintln!("{}: partial, not run {why}", b.place);
            }
            Mode::Example(ex) if ex.starts_with("import:") => imports += 1,
            Mode::Example(ex) => match by_label.get(ex.as_str()) {
                Some(Ok(Outcome::Applied)) => {
                    validated += 1;
                    applied_blocks += 1;
                }
                Some(Ok(_)) => validated += 1,
                _ => {}
            },
            _ => match by_label.get(b.place.as_str()) {
                Some(Ok(Outcome::Applied)) => {
                    validated += 1;
                    applied_blocks += 1;
                }
                Some(Ok(Outcome::Validated)) => validated += 1,
                _ => {}
            },
        }
    }
    let configurations_applied = results
        .iter()
        .filter(|(_, o, _)| matches!(o, Ok(Outcome::Applied)))
        .count();
    let configurations_validated = results
        .iter()
        .filter(|(_, o, _)| matches!(o, Ok(Outcome::Applied | Outcome::Validated)))
        .count();
    eprintln!(
        "docs test: {} fenced blocks in {} Markdown files: {validated} validated ({applied_blocks} of them applied), {imports} import blocks (run by the import test), {partial} partial; {configurations_validated} configurations validated, {configurations_applied} applied (plan clean, destroyed); {} failures; {:.1}s",
        blocks.len(),
        markdown_files().len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(configurations_applied > 0 && validated > 0);
}

#[test]
fn markers_are_read_from_the_comment_before_the_fence() {
    let examples = BTreeMap::from([(
        "output \"x\" {}".to_string(),
        "examples/functions/x".to_string(),
    )]);
    let md = "intro\n\n```hcl\nresource \"a\" \"b\" {}\n```\n\n<!-- docs-test: with-layout -->\n\n```terraform\nx = 1\n```\n<!-- docs-test: partial (a fragment) -->\n```hcl\ny\n```\n<!-- docs-test: with-layout validate-only (own CA) -->\n```hcl\nz\n```\n<!-- docs-test: with-layout with-modules -->\n```hcl\nm\n```\n```terraform\noutput \"x\" {}\n```\n```sh\nmake test\n```\n";
    let b = blocks_of("t.md", md, &examples);
    let modes: Vec<Mode> = b.iter().map(|b| b.mode.clone()).collect();
    assert_eq!(
        modes,
        vec![
            Mode::Apply {
                layout: false,
                modules: false
            },
            Mode::Apply {
                layout: true,
                modules: false
            },
            Mode::Partial("(a fragment)".into()),
            Mode::Validate {
                layout: true,
                modules: false
            },
            Mode::Apply {
                layout: true,
                modules: true
            },
            Mode::Example("examples/functions/x".into()),
        ]
    );
    assert_eq!(b[0].place, "t.md:3");
    assert_eq!(b[0].text, "resource \"a\" \"b\" {}\n");
    assert_eq!(
        declared_variables("variable \"a\" {\n}\n  variable \"b_c\" {}\n"),
        vec!["a", "b_c"]
    );
}
