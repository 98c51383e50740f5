//! `crosscluster-docgen`: writes the Terraform registry docs of the provider from its live
//! schema, read in-process through the framework's [`Provider`] trait.
//!
//! Inputs, all under the repository root:
//! - the schemas and signatures of [`Provider::schema`], [`Provider::resources`],
//!   [`Provider::data_sources`] and [`Provider::functions`];
//! - examples in the registry layout: `examples/provider/provider.tf`,
//!   `examples/resources/<type>/resource.tf` (+ optional `import.sh`, `import.tf`),
//!   `examples/data-sources/<type>/data-source.tf`, `examples/functions/<name>/function.tf`.
//!   A missing example is an error ([`DocgenError::MissingExamples`] lists all of them): every
//!   page shows one;
//! - `tools/docgen/templates/index.md` (the prose of the provider page, with placeholders),
//!   `tools/docgen/templates/subcategories.txt` and the guides in `tools/docgen/guides/`.
//!
//! Output ([`Docs`]): `index.md`, `resources/<name>.md`, `data-sources/<name>.md`,
//! `functions/<name>.md` and `guides/<name>.md`, relative to the docs directory. [`Docs::diff`]
//! compares them with a directory, for the drift check.

pub mod diagram;
pub mod pages;
pub mod permissions;
pub mod render;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crosscluster::framework::traits::Provider;

/// Why the docs cannot be generated or written.
#[derive(Debug, thiserror::Error)]
pub enum DocgenError {
    /// Examples that every page needs are missing.
    #[error(
        "missing examples: every resource, data source and function must ship one (see examples/README.md):\n{}",
        .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
    )]
    MissingExamples(Vec<String>),
    /// A file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file or directory could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The permissions table is malformed or does not match the provider.
    #[error("{}: {message}", .path.display())]
    Permissions {
        /// The table.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A diagram source cannot be rendered.
    #[error("{}: {message}", .path.display())]
    Diagram {
        /// The source.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A template names a placeholder the generator does not know.
    #[error("{}: unknown placeholder {{{{{name}}}}}", .template.display())]
    Template {
        /// The template file.
        template: PathBuf,
        /// The placeholder.
        name: String,
    },
}

/// One difference between generated docs and a docs directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Generated but absent from the directory.
    Missing(PathBuf),
    /// Present in both with other content.
    Changed(PathBuf),
    /// In the directory but not generated (a page of something that no longer exists).
    Extra(PathBuf),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(p) => write!(f, "missing: {}", p.display()),
            Difference::Changed(p) => write!(f, "changed: {}", p.display()),
            Difference::Extra(p) => write!(f, "not generated: {}", p.display()),
        }
    }
}

/// The generated pages, by path relative to the docs directory.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    /// Path (e.g. `resources/role.md`) to content.
    pub files: BTreeMap<PathBuf, String>,
}

impl Docs {
    /// Writes every page under `dir` and removes files there that are not generated (the
    /// docs directory belongs to the generator). Unchanged files are not rewritten.
    pub fn write_to(&self, dir: &Path) -> Result<(), DocgenError> {
        for d in self.diff(dir) {
            if let Difference::Extra(rel) = d {
                let path = dir.join(&rel);
                std::fs::remove_file(&path)
                    .map_err(|source| DocgenError::Write { path, source })?;
            }
        }
        for (rel, content) in &self.files {
            let path = dir.join(rel);
            if std::fs::read_to_string(&path).is_ok_and(|old| &old == content) {
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| DocgenError::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, content).map_err(|source| DocgenError::Write { path, source })?;
        }
        Ok(())
    }

    /// How `dir` differs from these pages (empty when it is up to date).
    pub fn diff(&self, dir: &Path) -> Vec<Difference> {
        let mut out = Vec::new();
        for (rel, content) in &self.files {
            match std::fs::read_to_string(dir.join(rel)) {
                Ok(old) if &old == content => {}
                Ok(_) => out.push(Difference::Changed(rel.clone())),
                Err(_) => out.push(Difference::Missing(rel.clone())),
            }
        }
        let mut existing = Vec::new();
        list_files(dir, Path::new(""), &mut existing);
        for rel in existing {
            if !self.files.contains_key(&rel) {
                out.push(Difference::Extra(rel));
            }
        }
        out
    }
}

fn list_files(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let child = rel.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            list_files(root, &child, out);
        } else {
            out.push(child);
        }
    }
}

/// The repository root this crate was built in (`tools/docgen/../..`).
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// Generates every page for `provider` from the examples and templates under `root`.
pub fn generate(provider: &dyn Provider, root: &Path) -> Result<Docs, DocgenError> {
    pages::Generator::new(provider, root)?.run()
}
