//! The examples under `examples/` (they become the registry docs' "Example Usage"), `make
//! install`'s local-mirror layout and `make release`'s packaging.
//!
//! Examples are found generically: every `examples/<kind>/<type>/` directory of kind
//! `resources`, `data-sources` or `functions`, plus `examples/provider/`. Each one is written,
//! with a `harness.tf` that declares the three provider blocks of the docs' layout
//! (`crosscluster`, `crosscluster.remote`, `crosscluster.remote_org`) pointing at a fresh simulator and the locals of
//! [`harness_locals`], into its own working directory; then it is validated, and applied (plan
//! clean afterwards, then destroyed) when it is self-contained. See `examples/README.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{REQUIRED_PROVIDERS, Workdir, provider_binary};
use crate::sim::Sim;

/// The marker that keeps an example to `terraform validate`.
const VALIDATE_ONLY: &str = "# example-test: validate-only";
/// The marker that makes an example with resources applied too.
const APPLY: &str = "# example-test: apply";
/// The marker that runs an example against a simulator whose `local` and `remote` run the
/// Elasticsearch version after it (for features of newer versions), e.g.
/// `# example-test: stack 9.3.0`.
const STACK: &str = "# example-test: stack ";

/// The simulator for an example whose files hold `text`: the default fixture, with `local` and
/// `remote` on the version of a [`STACK`] marker.
pub(crate) fn example_sim(name: &str, text: &str) -> Sim {
    let Some(version) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix(STACK))
        .map(str::trim)
    else {
        return Sim::start(name);
    };
    let mut f = crosscluster_sim::Fixture::default_fixture();
    for d in &mut f.deployments {
        if d.name == "local" || d.name == "remote" {
            d.version = version.to_string();
        }
    }
    Sim::with(
        name,
        f,
        crosscluster_sim::Options {
            plan_ms: 50,
            latency_ms: 0,
        },
    )
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `terraform fmt -check -recursive examples`: every example is formatted.
#[test]
fn examples_are_terraform_fmt_clean() {
    let dir = repo().join("examples");
    let dir = dir.to_str().expect("utf-8 path");
    let run = Workdir::new().run(&["fmt", "-check", "-recursive", "-diff", "-no-color", dir]);
    assert_eq!(
        run.code,
        0,
        "`terraform fmt -check -recursive examples` found unformatted files (run `terraform fmt -recursive examples`):\n{}",
        run.text()
    );
}

/// One example directory.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    /// `resources`, `data-sources`, `functions` or `provider`.
    pub(crate) kind: String,
    /// The type or function name (the directory's name).
    pub(crate) name: String,
    /// `(file name, content)` of its `.tf` files.
    pub(crate) files: Vec<(String, String)>,
}

impl Example {
    pub(crate) fn label(&self) -> String {
        format!("examples/{}/{}", self.kind, self.name)
    }

    pub(crate) fn text(&self) -> String {
        self.files.iter().map(|(_, c)| c.as_str()).collect()
    }

    /// Whether the example is applied (else only validated).
    pub(crate) fn applies(&self) -> bool {
        let text = self.text();
        if self.kind == "provider" || text.contains(VALIDATE_ONLY) {
            return false;
        }
        if text.contains(APPLY) {
            return true;
        }
        // Self-contained unless it manages objects: resource examples usually show one piece
        // of a larger setup, so they are validated unless they opt in.
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("resource \""))
    }
}

/// The `.tf` files of an example directory, but `import.tf` (an `import` block needs an
/// existing object: `tests/acceptance/imports.rs` runs it).
fn tf_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("read example dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .filter(|p| {
            p.file_name()
                .is_none_or(|n| n != "import.tf" && n != "import-by-identity.tf")
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("read example");
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// Every example directory, provider first.
pub(crate) fn discover() -> Vec<Example> {
    let root = repo().join("examples");
    let mut out = vec![Example {
        kind: "provider".into(),
        name: String::new(),
        files: tf_files(&root.join("provider")),
    }];
    for kind in ["data-sources", "functions", "resources"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            out.push(Example {
                kind: kind.into(),
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                files: tf_files(&dir),
            });
        }
    }
    out
}

/// The locals every example may use, with their values from the simulator's default fixture.
pub(crate) fn harness_locals(sim: &Sim) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (prefix, name) in [("local", "local"), ("remote", "remote")] {
        let (id, d) = sim.dep(name);
        out.push((format!("{prefix}_deployment_id"), id));
        out.push((format!("{prefix}_ref_id"), d.ref_id.clone()));
        out.push((format!("{prefix}_cluster_id"), d.cluster_id.clone()));
        out.push((format!("{prefix}_endpoint"), d.endpoint.clone()));
        out.push((
            format!("{prefix}_organization_id"),
            d.organization_id.clone(),
        ));
    }
    out
}

/// `harness.tf`: required_providers (unless the example has its own), the provider blocks
/// `crosscluster` (organization and Elasticsearch of `local`), `crosscluster.remote`
/// (Elasticsearch of `remote`, Cloud key of `local`'s organization) and
/// `crosscluster.remote_org` (organization and Elasticsearch of `remote`), and the harness locals.
pub(crate) fn harness_tf(sim: &Sim, example: &Example) -> String {
    let text = example.text();
    let mut s = String::new();
    if !text.contains("required_providers") {
        s.push_str(REQUIRED_PROVIDERS);
    }
    if example.kind == "provider" {
        return s;
    }
    // The docs' provider layout (examples/provider/provider.tf): local; the remote cluster with
    // the local organization's Cloud key (sealed delivery); the remote organization.
    s.push_str(&sim.provider_block(None, Some("local"), Some("local")));
    s.push_str(&sim.provider_block(Some("remote"), Some("local"), Some("remote")));
    s.push_str(&sim.provider_block(Some("remote_org"), Some("remote"), Some("remote")));
    s.push_str("locals {\n");
    for (k, v) in harness_locals(sim) {
        s.push_str(&format!("  {k} = \"{v}\"\n"));
    }
    s.push_str("}\n");
    s
}

/// Validates one example and, when it is self-contained, applies it, checks that a second
/// plan is empty and that every output has a value, and destroys it.
pub(crate) fn exercise(example: &Example) -> String {
    let sim = example_sim(
        &format!(
            "examples-{}-{}",
            example.kind,
            if example.name.is_empty() {
                "provider"
            } else {
                &example.name
            }
        ),
        &example.text(),
    );
    let wd = Workdir::new();
    wd.write("harness.tf", &harness_tf(&sim, example));
    for (name, text) in &example.files {
        wd.write(name, text);
    }
    wd.validate().success();
    if !example.applies() {
        return "validated".into();
    }
    wd.apply().success();
    wd.assert_no_changes();
    let outputs = wd.outputs();
    if let Some(map) = outputs.as_object() {
        for (k, v) in map {
            assert!(!v.is_null(), "output {k} of {} is null", example.label());
        }
    }
    check_known_outputs(&sim, example, &outputs);
    wd.destroy().success();
    "applied, plan clean, destroyed".into()
}

/// Extra checks for examples whose outputs the simulator lets us predict.
fn check_known_outputs(sim: &Sim, example: &Example, outputs: &serde_json::Value) {
    match example.name.as_str() {
        "crosscluster_organization" => {
            let ids = &outputs["organization_ids"];
            assert_eq!(ids["local"], sim.dep("local").1.organization_id.as_str());
            assert_eq!(ids["remote"], sim.dep("remote").1.organization_id.as_str());
        }
        "credentials_setting" => {
            let v = outputs["credentials_setting"].as_str().unwrap_or_default();
            assert!(
                v.starts_with("cluster.remote.") && v.ends_with(".credentials"),
                "{v}"
            );
        }
        "proxy_address" => {
            let api = outputs["api_key_proxy_address"]
                .as_str()
                .unwrap_or_default();
            let cert = outputs["certificate_proxy_address"]
                .as_str()
                .unwrap_or_default();
            assert!(
                api.ends_with(":9443") && cert.ends_with(":9400"),
                "{outputs}"
            );
        }
        _ => {}
    }
}

// Every example directory is validated and, when self-contained, applied by the docs test
// (`tests/acceptance/docs.rs`), together with every fenced block of the Markdown docs.

// ---------------------------------------------------------------------------------------------
// make install / make release
// ---------------------------------------------------------------------------------------------

fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

fn package(args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("tools/package.sh")).args(args);
    // Only the test decides whether the release is signed.
    for var in ["GPG_FINGERPRINT", "GPG_KEY_ID", "GPG_PASSPHRASE"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tools/package.sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "tools/package.sh {args:?} failed:\n{text}"
    );
    text
}

/// `make install`'s copy step (run here on the debug binary, with a temporary HOME) puts the
/// provider where `terraform init` finds it through the implied local mirror: no
/// `dev_overrides`, no `provider_installation` block.
#[test]
fn installed_provider_is_found_by_terraform_init_without_dev_overrides() {
    let home = tempfile::Builder::new()
        .prefix("tfhome-")
        .tempdir()
        .expect("temp home");
    let version = env!("CARGO_PKG_VERSION");
    let bin = provider_binary();
    package(
        &["install", bin.to_str().unwrap(), version],
        &[("HOME", home.path())],
    );
    let installed = home.path().join(format!(
        ".terraform.d/plugins/registry.terraform.io/crosscluster/crosscluster/{version}/{}/terraform-provider-crosscluster_v{version}",
        platform()
    ));
    assert!(installed.is_file(), "{} missing", installed.display());

    let cli_config = home.path().join("terraform.rc");
    std::fs::write(
        &cli_config,
        "# No provider_installation block: Terraform uses the implied local mirror.\n",
    )
    .unwrap();
    let mut wd = Workdir::new();
    wd.env("HOME", home.path().to_str().unwrap())
        .env("TF_CLI_CONFIG_FILE", cli_config.to_str().unwrap());
    wd.config(&format!(
        "terraform {{\n  required_providers {{\n    crosscluster = {{\n      source  = \"crosscluster/crosscluster\"\n      version = \"{version}\"\n    }}\n  }}\n}}\n\noutput \"setting\" {{\n  value = provider::crosscluster::credentials_setting(\"remote\")\n}}\n"
    ));
    let init = wd.init().success();
    let text = init.flat();
    assert!(
        text.contains(&format!("Installing crosscluster/crosscluster v{version}")),
        "{text}"
    );
    assert!(
        !text.contains("Provider development overrides"),
        "dev_overrides in effect: {text}"
    );
    let lock = std::fs::read_to_string(wd.path().join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains("registry.terraform.io/crosscluster/crosscluster")
            && lock.lines().any(|l| {
                let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
                l == format!("version = \"{version}\"")
            }),
        "{lock}"
    );
    let apply = wd.apply().success();
    assert!(!apply.flat().contains("Provider development overrides"));
    assert_eq!(wd.outputs()["setting"], "cluster.remote.remote.credentials");
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// `make release`'s packaging (on the debug binary): the registry's file names, a zip holding
/// `terraform-provider-crosscluster_v<version>`, sums that verify, and the manifest; both with
/// `zip` and with the python3 fallback.
#[test]
fn release_packaging_matches_the_registry_layout() {
    let version = env!("CARGO_PKG_VERSION");
    let bin = provider_binary();
    let bin_sum = sha256(&bin);
    let zip_tools: &[&str] = if Command::new("zip").arg("-v").output().is_ok() {
        &["zip", "python"]
    } else {
        &["python"]
    };
    for tool in zip_tools {
        let dist = tempfile::tempdir().expect("dist");
        let mut env: Vec<(&str, &Path)> = Vec::new();
        if *tool == "python" {
            env.push(("PACKAGE_ZIP", Path::new("python")));
        }
        package(
            &[
                "release",
                bin.to_str().unwrap(),
                version,
                dist.path().to_str().unwrap(),
            ],
            &env,
        );
        let prefix = format!("terraform-provider-crosscluster_{version}");
        let zip = format!("{prefix}_{}.zip", platform());
        let mut names: Vec<String> = std::fs::read_dir(dist.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut want = vec![
            format!("{prefix}_SHA256SUMS"),
            zip.clone(),
            format!("{prefix}_manifest.json"),
        ];
        want.sort();
        assert_eq!(names, want, "{tool}");

        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dist.path().join(format!("{prefix}_manifest.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            manifest,
            serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
        );

        let check = Command::new("sha256sum")
            .args(["-c", &format!("{prefix}_SHA256SUMS")])
            .current_dir(dist.path())
            .output()
            .expect("sha256sum -c");
        let text = String::from_utf8_lossy(&check.stdout);
        assert!(check.status.success(), "{text}");
        assert!(text.contains(&format!("{zip}: OK")), "{text}");

        // The archive holds exactly the versioned binary, byte for byte.
        let listing = Command::new("python3")
            .args([
                "-c",
                "import hashlib, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n    print(i.filename, oct(i.external_attr >> 16), hashlib.sha256(z.read(i)).hexdigest())",
            ])
            .arg(dist.path().join(&zip))
            .output()
            .expect("python3");
        let listing = String::from_utf8_lossy(&listing.stdout);
        let lines: Vec<&str> = listing.lines().collect();
        assert_eq!(lines.len(), 1, "{tool}: {listing}");
        let parts: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(
            parts[0],
            format!("terraform-provider-crosscluster_v{version}")
        );
        assert!(
            parts[1].ends_with("755"),
            "{tool}: not executable: {listing}"
        );
        assert_eq!(parts[2], bin_sum, "{tool}");
    }
}

/// The root `terraform-registry-manifest.json` is the registry's (protocol 6.0) and is the
/// manifest `make release` ships.
#[test]
fn registry_manifest_at_the_root() {
    let text = std::fs::read_to_string(repo().join("terraform-registry-manifest.json"))
        .expect("terraform-registry-manifest.json at the repository root");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );
}

fn gpg(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--batch", "--no-tty"])
        .args(args)
        .output()
        .expect("run gpg")
}

/// `make release` with a signing key (here a throwaway one in a temporary GNUPGHOME): a
/// detached signature of the sums file that `gpg --verify` accepts, and that fails once the
/// sums file changes. Skipped, saying so, where gpg is not installed.
#[test]
fn release_signs_the_sums_with_a_given_gpg_key() {
    if Command::new("gpg").arg("--version").output().is_err() {
        eprintln!("SKIPPED release_signs_the_sums_with_a_given_gpg_key: gpg is not installed");
        return;
    }
    let home = tempfile::Builder::new()
        .prefix("gpg-")
        .tempdir_in("/tmp")
        .expect("GNUPGHOME");
    let mut perms = std::fs::metadata(home.path()).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o700);
    std::fs::set_permissions(home.path(), perms).unwrap();
    let made = gpg(
        home.path(),
        &[
            "--passphrase",
            "",
            "--quick-gen-key",
            "crosscluster release test <release-test@example.invalid>",
            "ed25519",
            "sign",
            "1d",
        ],
    );
    assert!(
        made.status.success(),
        "gpg --quick-gen-key: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let listing = gpg(home.path(), &["--list-secret-keys", "--with-colons"]);
    let listing = String::from_utf8_lossy(&listing.stdout);
    let fingerprint = listing
        .lines()
        .find_map(|l| l.strip_prefix("fpr:"))
        .and_then(|r| r.split(':').find(|f| f.len() == 40))
        .expect("the new key's fingerprint")
        .to_string();

    let version = env!("CARGO_PKG_VERSION");
    let bin = provider_binary();
    let dist = tempfile::tempdir().expect("dist");
    let out = package(
        &[
            "release",
            bin.to_str().unwrap(),
            version,
            dist.path().to_str().unwrap(),
        ],
        &[
            ("GNUPGHOME", home.path()),
            ("GPG_FINGERPRINT", Path::new(&fingerprint)),
        ],
    );
    let prefix = format!("terraform-provider-crosscluster_{version}");
    let sums = dist.path().join(format!("{prefix}_SHA256SUMS"));
    let sig = dist.path().join(format!("{prefix}_SHA256SUMS.sig"));
    assert!(sig.is_file(), "no .sig:\n{out}");
    // A binary (not armored) detached signature, as the registry takes it.
    let raw = std::fs::read(&sig).unwrap();
    assert!(!raw.starts_with(b"-----BEGIN"), "armored signature");
    // The shipped manifest is the root one.
    assert_eq!(
        std::fs::read_to_string(dist.path().join(format!("{prefix}_manifest.json"))).unwrap(),
        std::fs::read_to_string(repo().join("terraform-registry-manifest.json")).unwrap()
    );

    let verify = gpg(
        home.path(),
        &["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&verify.stderr).into_owned();
    assert!(verify.status.success(), "gpg --verify: {text}");
    assert!(text.contains("Good signature"), "{text}");
    assert!(
        text.contains(&fingerprint[24..]),
        "signed by another key: {text}"
    );

    // A changed sums file no longer verifies.
    let mut changed = std::fs::read_to_string(&sums).unwrap();
    changed.push_str("0000  extra.zip\n");
    std::fs::write(&sums, changed).unwrap();
    let bad = gpg(
        home.path(),
        &["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()],
    );
    assert!(!bad.status.success(), "a tampered file verified");

    // Without a key there is no signature, and the output says how to get one.
    let unsigned = tempfile::tempdir().expect("dist");
    let out = package(
        &[
            "release",
            bin.to_str().unwrap(),
            version,
            unsigned.path().to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.contains("not signed: set GPG_FINGERPRINT"), "{out}");
    assert!(
        !unsigned
            .path()
            .join(format!("{prefix}_SHA256SUMS.sig"))
            .exists()
    );

    // Stop the agent gpg started for this keyring.
    let _ = Command::new("gpgconf")
        .env("GNUPGHOME", home.path())
        .args(["--kill", "gpg-agent"])
        .output();
}
