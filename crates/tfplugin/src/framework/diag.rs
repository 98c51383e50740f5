//! Diagnostics (errors and warnings shown to the user) and attribute paths.
//!
//! A [`Diagnostic`] may point at a part of the configuration through an [`AttributePath`];
//! Terraform then shows the offending line of the configuration next to the message.
//!
//! ```
//! use tfplugin::framework::diag::{AttributePath, Diagnostic, Diagnostics};
//! let path = AttributePath::root().attr("cloud").attr("endpoint");
//! let mut diags = Diagnostics::new();
//! diags.push(Diagnostic::error("Invalid endpoint", "must be a URL").with_path(path.clone()));
//! assert!(diags.has_errors());
//! assert_eq!(path.to_string(), "cloud.endpoint");
//! ```

use std::fmt;

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An attribute of an object or a nested block, by name.
    Attr(String),
    /// An element of a map, by key.
    Key(String),
    /// An element of a list or tuple, by zero-based index.
    Index(i64),
}

/// A path from the root of a configuration / state object to one of its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    steps: Vec<PathStep>,
}

impl AttributePath {
    /// The empty path (the whole object).
    pub fn root() -> Self {
        Self::default()
    }

    /// A path made of the given steps.
    pub fn from_steps(steps: Vec<PathStep>) -> Self {
        Self { steps }
    }

    /// Shorthand for a path of one attribute name.
    pub fn attr_path(name: impl Into<String>) -> Self {
        Self::root().attr(name)
    }

    /// This path extended by an attribute name.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>) -> Self {
        self.steps.push(PathStep::Attr(name.into()));
        self
    }

    /// This path extended by a map key.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.steps.push(PathStep::Key(key.into()));
        self
    }

    /// This path extended by a list index.
    #[must_use]
    pub fn index(mut self, index: i64) -> Self {
        self.steps.push(PathStep::Index(index));
        self
    }

    /// Appends a step in place.
    pub fn push(&mut self, step: PathStep) {
        self.steps.push(step);
    }

    /// The steps, from the root.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// Whether this is the root path.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// The path without its last step (root stays root).
    #[must_use]
    pub fn parent(&self) -> Self {
        let mut steps = self.steps.clone();
        steps.pop();
        Self { steps }
    }

    /// Whether `self` starts with all the steps of `prefix`.
    pub fn starts_with(&self, prefix: &AttributePath) -> bool {
        self.steps.starts_with(&prefix.steps)
    }
}

impl fmt::Display for AttributePath {
    /// Renders the path the way HCL would address it: `a.b[0]["key"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return f.write_str("(root)");
        }
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attr(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attr(name) => write!(f, ".{name}")?,
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
                PathStep::Index(idx) => write!(f, "[{idx}]")?,
            }
        }
        Ok(())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation went on; the user should know something.
    Warning,
}

/// An error or warning for the user, optionally tied to an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One-line summary.
    pub summary: String,
    /// Longer explanation (may be empty).
    pub detail: String,
    /// The attribute the diagnostic is about, if any.
    pub path: Option<AttributePath>,
}

impl Diagnostic {
    /// An error without a path.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }

    /// A warning without a path.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }

    /// An error about the attribute at `path`.
    pub fn attribute_error(
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self::error(summary, detail).with_path(path)
    }

    /// A warning about the attribute at `path`.
    pub fn attribute_warning(
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self::warning(summary, detail).with_path(path)
    }

    /// This diagnostic tied to `path`.
    #[must_use]
    pub fn with_path(mut self, path: AttributePath) -> Self {
        self.path = Some(path);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The detail as the user sees it: a diagnostic about an attribute always names it. When
    /// the detail does not mention the path already (as a whole word), it is prefixed with
    /// `Attribute <path>: `.
    pub fn detail_naming_path(&self) -> String {
        let Some(path) = self.path.as_ref().filter(|p| !p.is_root()) else {
            return self.detail.clone();
        };
        let name = path.to_string();
        if mentions(&self.detail, &name) {
            return self.detail.clone();
        }
        if self.detail.is_empty() {
            format!("Attribute {name}.")
        } else {
            format!("Attribute {name}: {}", self.detail)
        }
    }
}

/// Whether `text` contains `word` not glued to other identifier characters.
fn mentions(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.summary)?;
        if let Some(path) = self.path.as_ref().filter(|p| !p.is_root()) {
            write!(f, " (at {path})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An ordered collection of diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diag: Diagnostic) {
        self.0.push(diag);
    }

    /// Adds an error without a path.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::error(summary, detail));
    }

    /// Adds a warning without a path.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::warning(summary, detail));
    }

    /// Adds an error about the attribute at `path`.
    pub fn attribute_error(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::attribute_error(path, summary, detail));
    }

    /// Appends all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Whether there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The diagnostics in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// `Err(self)` when there is an error, else `Ok(self)` (warnings only).
    pub fn into_result(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Self(v)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.0.extend(iter);
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display_uses_hcl_form() {
        let p = AttributePath::root()
            .attr("remote")
            .index(2)
            .attr("labels")
            .key("env");
        assert_eq!(p.to_string(), "remote[2].labels[\"env\"]");
        assert_eq!(p.parent().to_string(), "remote[2].labels");
        assert!(p.starts_with(&AttributePath::attr_path("remote")));
        assert!(!p.starts_with(&AttributePath::attr_path("labels")));
    }

    #[test]
    fn attribute_diagnostics_name_their_attribute() {
        let seeds0 = AttributePath::attr_path("seeds").index(0);
        let name = AttributePath::attr_path("name");
        let cases = [
            // (path, detail, what the user reads)
            (
                Some(seeds0.clone()),
                "\"h:99999\" has an invalid port",
                "Attribute seeds[0]: \"h:99999\" has an invalid port",
            ),
            (
                Some(seeds0),
                "seeds[0] needs a port",
                "seeds[0] needs a port",
            ),
            (
                Some(name.clone()),
                "Attribute name is empty",
                "Attribute name is empty",
            ),
            // A longer word is not a mention.
            (
                Some(name.clone()),
                "node names must not be empty",
                "Attribute name: node names must not be empty",
            ),
            (
                Some(AttributePath::attr_path("alias")),
                "the alias \"a b\" contains ' '",
                "the alias \"a b\" contains ' '",
            ),
            (Some(name), "", "Attribute name."),
            (None, "no attribute here", "no attribute here"),
            (
                Some(AttributePath::root()),
                "about the whole object",
                "about the whole object",
            ),
        ];
        for (path, detail, want) in cases {
            let mut d = Diagnostic::error("Invalid value", detail);
            d.path = path;
            assert_eq!(d.detail_naming_path(), want);
        }
    }

    #[test]
    fn errors_and_warnings_are_told_apart() {
        let mut d = Diagnostics::new();
        d.warning("heads up", "");
        assert!(!d.has_errors());
        assert!(d.clone().into_result().is_ok());
        d.attribute_error(AttributePath::attr_path("name"), "bad", "why");
        assert!(d.has_errors());
        assert_eq!(d.len(), 2);
        let text = d.to_string();
        assert!(text.contains("error: bad (at name): why"), "{text}");
        assert!(d.into_result().is_err());
    }
}
