//! The pages: provider index, one page per resource, data source and function, and the guides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crosscluster::framework::identity::IdentitySchema;
use crosscluster::framework::schema::{AttributeKind, Block, Description, Schema};
use crosscluster::framework::traits::{Provider, Signature};

use crate::diagram;
use crate::permissions::{self, PERMISSIONS_FILE, Permissions};
use crate::render::{SchemaKind, schema_markdown, signature_markdown};
use crate::{DocgenError, Docs};

/// Where the generator's own inputs live, relative to the repository root.
pub const TEMPLATES_DIR: &str = "tools/docgen/templates";
/// Hand-written guides, copied verbatim to `guides/`.
pub const GUIDES_DIR: &str = "tools/docgen/guides";
/// Diagram sources (`<name>.diagram`), rendered into the guides' `{{diagram:<name>}}`.
pub const DIAGRAMS_DIR: &str = "tools/docgen/diagrams";

/// The binary's name, used in page titles.
const PROVIDER_BINARY: &str = "terraform-provider-crosscluster";

/// What a page documents.
struct Entry {
    /// Full type name (`crosscluster_role`) or function name.
    name: String,
    /// Page name: the type name without the provider prefix, or the function name.
    short: String,
    schema: Option<Schema>,
    signature: Option<Signature>,
}

/// One run of the generator over a provider and a repository root.
pub struct Generator<'a> {
    provider: &'a dyn Provider,
    root: PathBuf,
    type_name: String,
    subcategories: BTreeMap<String, String>,
    permissions: Permissions,
}

impl<'a> Generator<'a> {
    /// Prepares a run: reads the subcategory list.
    pub fn new(provider: &'a dyn Provider, root: &Path) -> Result<Self, DocgenError> {
        let path = root.join(TEMPLATES_DIR).join("subcategories.txt");
        let text = read(&path)?;
        let subcategories = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let path = root.join(PERMISSIONS_FILE);
        let permissions = Permissions::parse(&read(&path)?)
            .map_err(|message| DocgenError::Permissions { path, message })?;
        Ok(Self {
            provider,
            root: root.to_path_buf(),
            type_name: provider.metadata().type_name,
            subcategories,
            permissions,
        })
    }

    fn short_name(&self, full: &str) -> String {
        full.strip_prefix(&format!("{}_", self.type_name))
            .unwrap_or(full)
            .to_string()
    }

    /// The entry of a type documented by its schema (resources, data sources, list resources,
    /// actions).
    fn schema_entry(&self, type_name: &str, schema: Schema) -> Entry {
        Entry {
            name: type_name.to_string(),
            short: self.short_name(type_name),
            schema: Some(schema),
            signature: None,
        }
    }

    /// Generates every page, or fails listing every missing example.
    pub fn run(&self) -> Result<Docs, DocgenError> {
        let mut resources: Vec<Entry> = self
            .provider
            .resources()
            .iter()
            .map(|r| self.schema_entry(r.type_name(), r.schema()))
            .collect();
        let mut data_sources: Vec<Entry> = self
            .provider
            .data_sources()
            .iter()
            .map(|d| self.schema_entry(d.type_name(), d.schema()))
            .collect();
        let mut functions: Vec<Entry> = self
            .provider
            .functions()
            .iter()
            .map(|f| Entry {
                name: f.name().to_string(),
                short: f.name().to_string(),
                schema: None,
                signature: Some(f.signature()),
            })
            .collect();
        let mut list_resources: Vec<Entry> = self
            .provider
            .list_resources()
            .iter()
            .map(|l| self.schema_entry(l.type_name(), l.schema()))
            .collect();
        let mut actions: Vec<Entry> = self
            .provider
            .actions()
            .iter()
            .map(|a| self.schema_entry(a.type_name(), a.schema()))
            .collect();
        for list in [
            &mut resources,
            &mut data_sources,
            &mut functions,
            &mut list_resources,
            &mut actions,
        ] {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }

        // Every page needs its example: collect all that are missing before failing.
        let provider_example = "examples/provider/provider.tf".to_string();
        let mut needed = vec![provider_example.clone()];
        needed.extend(resources.iter().map(|e| resource_example(&e.name)));
        needed.extend(data_sources.iter().map(|e| data_source_example(&e.name)));
        needed.extend(functions.iter().map(|e| function_example(&e.name)));
        needed.extend(
            list_resources
                .iter()
                .map(|e| list_resource_example(&e.name)),
        );
        needed.extend(actions.iter().map(|e| action_example(&e.name)));
        let missing: Vec<String> = needed
            .into_iter()
            .filter(|p| !self.root.join(p).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(DocgenError::MissingExamples(missing));
        }
        // And its permissions: every resource and data source, nothing else.
        let mut problems = Vec::new();
        for (list, table, key) in [
            (&resources, &self.permissions.resources, "resources"),
            (
                &data_sources,
                &self.permissions.data_sources,
                "data_sources",
            ),
        ] {
            for e in list.iter() {
                if !table.contains_key(&e.name) {
                    problems.push(format!("{key}.{} is missing", e.name));
                }
            }
            for name in table.keys() {
                if !list.iter().any(|e| &e.name == name) {
                    problems.push(format!("{key}.{name} is not in the provider"));
                }
            }
        }
        if !problems.is_empty() {
            return Err(DocgenError::Permissions {
                path: self.root.join(PERMISSIONS_FILE),
                message: problems.join("; "),
            });
        }

        let mut docs = Docs::default();
        docs.files.insert(
            PathBuf::from("index.md"),
            self.index_page(
                &provider_example,
                &resources,
                &data_sources,
                &functions,
                &[&list_resources, &actions],
            )?,
        );
        for e in &resources {
            docs.files.insert(
                PathBuf::from(format!("resources/{}.md", e.short)),
                self.schema_page(e, SchemaKind::Resource)?,
            );
        }
        for e in &data_sources {
            docs.files.insert(
                PathBuf::from(format!("data-sources/{}.md", e.short)),
                self.schema_page(e, SchemaKind::DataSource)?,
            );
        }
        for e in &functions {
            docs.files.insert(
                PathBuf::from(format!("functions/{}.md", e.short)),
                self.function_page(e)?,
            );
        }
        for e in &list_resources {
            docs.files.insert(
                PathBuf::from(format!("list-resources/{}.md", e.short)),
                self.extra_page(
                    e,
                    "List Resource",
                    &list_resource_example(&e.name),
                    LIST_MARKER,
                )?,
            );
        }
        for e in &actions {
            docs.files.insert(
                PathBuf::from(format!("actions/{}.md", e.short)),
                self.extra_page(e, "Action", &action_example(&e.name), ACTION_MARKER)?,
            );
        }
        for (name, content) in self.guides()? {
            docs.files
                .insert(PathBuf::from(format!("guides/{name}")), content);
        }
        Ok(docs)
    }

    fn example(&self, rel: &str) -> Result<String, DocgenError> {
        Ok(read(&self.root.join(rel))?.trim_end().to_string())
    }

    fn subcategory(&self, name: &str) -> &str {
        self.subcategories.get(name).map_or("", String::as_str)
    }

    fn schema_page(&self, e: &Entry, kind: SchemaKind) -> Result<String, DocgenError> {
        let Some(schema) = &e.schema else {
            return Ok(String::new());
        };
        let (label, example_path) = match kind {
            SchemaKind::DataSource => ("Data Source", data_source_example(&e.name)),
            _ => ("Resource", resource_example(&e.name)),
        };
        let description = &schema.block.description;
        let mut out = front_matter(
            &format!("{} {label} - {PROVIDER_BINARY}", e.name),
            self.subcategory(&e.name),
            &first_paragraph(description),
        );
        out.push_str(&format!("\n# {} ({label})\n\n", e.name));
        push_description(&mut out, description);
        out.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            self.example(&example_path)?
        ));
        out.push_str(&schema_markdown(&schema.block, kind));
        let grants = match kind {
            SchemaKind::DataSource => self.permissions.data_sources.get(&e.name),
            _ => self.permissions.resources.get(&e.name),
        };
        if let Some(grants) = grants {
            out.push('\n');
            out.push_str(&permissions::section(grants));
        }
        if kind == SchemaKind::Resource {
            let dir = format!("examples/resources/{}", e.name);
            let sh = self.root.join(&dir).join("import.sh");
            let tf = self.root.join(&dir).join("import.tf");
            let md = self.root.join(&dir).join("import.md");
            if sh.is_file() || tf.is_file() {
                out.push_str("\n## Import\n");
                if tf.is_file() {
                    out.push_str(&format!(
                        "\nIn Terraform 1.5 and later, use an `import` block:\n\n```terraform\n{}\n```\n",
                        self.example(&format!("{dir}/import.tf"))?
                    ));
                }
                if sh.is_file() {
                    out.push_str(&format!(
                        "\n{} using the following syntax:\n\n```shell\n{}\n```\n",
                        if tf.is_file() {
                            "Or, with any Terraform version, `terraform import`"
                        } else {
                            "Import is supported"
                        },
                        self.example(&format!("{dir}/import.sh"))?
                    ));
                }
                if md.is_file() {
                    out.push('\n');
                    out.push_str(&self.example(&format!("{dir}/import.md"))?);
                    out.push('\n');
                }
            }
            if let Some(identity) = self
                .provider
                .resources()
                .iter()
                .find(|r| r.type_name() == e.name)
                .and_then(|r| r.identity_schema())
            {
                out.push_str(&identity_section(
                    &identity,
                    &self.optional_example(&format!("{dir}/import-by-identity.tf"))?,
                ));
            }
        }
        Ok(out)
    }

    fn optional_example(&self, rel: &str) -> Result<Option<String>, DocgenError> {
        if self.root.join(rel).is_file() {
            self.example(rel).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A list resource or action page: description, example (with its docs-test marker),
    /// the configuration schema.
    fn extra_page(
        &self,
        e: &Entry,
        label: &str,
        example_path: &str,
        marker: &str,
    ) -> Result<String, DocgenError> {
        let Some(schema) = &e.schema else {
            return Ok(String::new());
        };
        let description = &schema.block.description;
        let mut out = front_matter(
            &format!("{} {label} - {PROVIDER_BINARY}", e.name),
            self.subcategory(&e.name),
            &first_paragraph(description),
        );
        out.push_str(&format!("\n# {} ({label})\n\n", e.name));
        push_description(&mut out, description);
        out.push_str(&format!(
            "## Example Usage\n\n{marker}\n```terraform\n{}\n```\n\n",
            self.example(example_path)?
        ));
        out.push_str(&schema_markdown(&schema.block, SchemaKind::DataSource));
        Ok(out)
    }

    fn function_page(&self, e: &Entry) -> Result<String, DocgenError> {
        let Some(sig) = &e.signature else {
            return Ok(String::new());
        };
        let summary = if sig.summary.is_empty() {
            first_paragraph(&sig.description)
        } else {
            sig.summary.clone()
        };
        let mut out = front_matter(
            &format!("{} function - {PROVIDER_BINARY}", e.name),
            self.subcategory(&e.name),
            &summary,
        );
        out.push_str(&format!("\n# function: {}\n\n", e.name));
        if sig.description.text.trim().is_empty() {
            push_description(&mut out, &Description::plain(summary));
        } else {
            push_description(&mut out, &sig.description);
        }
        if let Some(msg) = &sig.deprecation {
            out.push_str(&format!("~> **Deprecated:** {}\n\n", msg.trim()));
        }
        out.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            self.example(&function_example(&e.name))?
        ));
        out.push_str(&signature_markdown(&self.type_name, &e.name, sig));
        Ok(out)
    }

    fn index_page(
        &self,
        example: &str,
        resources: &[Entry],
        data_sources: &[Entry],
        functions: &[Entry],
        extra: &[&[Entry]; 2],
    ) -> Result<String, DocgenError> {
        let schema = self.provider.schema();
        let template_path = self.root.join(TEMPLATES_DIR).join("index.md");
        let template = read(&template_path)?;
        let mut values = BTreeMap::new();
        values.insert("provider_name", self.type_name.clone());
        values.insert(
            "description",
            schema.block.description.text.trim().to_string(),
        );
        values.insert("example", self.example(example)?);
        values.insert(
            "schema",
            schema_markdown(&schema.block, SchemaKind::Provider)
                .trim_end()
                .to_string(),
        );
        values.insert("environment_variables", env_table(&schema.block));
        values.insert(
            "contents",
            contents(resources, data_sources, functions, extra, &self.guides()?),
        );
        let short = |n: &str| self.short_name(n);
        values.insert(
            "permissions",
            permissions::summary(&self.permissions, short),
        );
        let body = fill(&template, &values, &template_path)?;
        let mut out = front_matter(
            &format!("Provider: {}", self.type_name),
            "",
            &first_paragraph(&schema.block.description),
        );
        out.push('\n');
        out.push_str(body.trim_end());
        out.push('\n');
        Ok(out)
    }

    /// `(file name, content)` of every guide, sorted.
    fn guides(&self) -> Result<Vec<(String, String)>, DocgenError> {
        let dir = self.root.join(GUIDES_DIR);
        let entries = std::fs::read_dir(&dir).map_err(|source| DocgenError::Read {
            path: dir.clone(),
            source,
        })?;
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        names.sort();
        let mut values = self.diagrams()?;
        values.insert(
            "example:provider".to_string(),
            self.example("examples/provider/provider.tf")?,
        );
        names
            .into_iter()
            .map(|n| {
                let path = dir.join(&n);
                let content = fill(&read(&path)?, &values, &path)?;
                Ok((n, content))
            })
            .collect()
    }

    /// `diagram:<name>` to the rendered text of every `<name>.diagram` source (none is fine).
    fn diagrams(&self) -> Result<BTreeMap<String, String>, DocgenError> {
        let dir = self.root.join(DIAGRAMS_DIR);
        let mut out = BTreeMap::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(out);
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".diagram") else {
                continue;
            };
            let path = dir.join(&name);
            let rendered = diagram::render(&read(&path)?)
                .map_err(|message| DocgenError::Diagram { path, message })?;
            out.insert(format!("diagram:{stem}"), rendered);
        }
        Ok(out)
    }
}

fn resource_example(name: &str) -> String {
    format!("examples/resources/{name}/resource.tf")
}

fn list_resource_example(name: &str) -> String {
    format!("examples/list-resources/{name}/query.tfquery.hcl")
}

fn action_example(name: &str) -> String {
    format!("examples/actions/{name}/action.tf")
}

/// The docs-test marker of a list resource example (a query file, not a configuration).
const LIST_MARKER: &str = "<!-- docs-test: partial (a .tfquery.hcl file for terraform query; tests/acceptance/query.rs runs these files) -->";
/// The docs-test marker of an action example (it needs a connecting alias).
const ACTION_MARKER: &str = "<!-- docs-test: with-layout validate-only (the alias needs a remote and its credentials; tests/acceptance/action.rs invokes the action) -->";

/// The "Import by identity" part of a resource page: the example and the identity schema.
fn identity_section(identity: &IdentitySchema, example: &Option<String>) -> String {
    let mut out = String::from(
        "\n### Import by identity\n\nIn Terraform 1.12 and later, an `import` block can name the object by its identity instead of an id (`terraform query` writes such blocks):\n",
    );
    if let Some(ex) = example {
        out.push_str(&format!(
            "\n<!-- docs-test: partial (an import by identity; tests/acceptance/identity.rs imports every resource this way) -->\n```terraform\n{ex}\n```\n"
        ));
    }
    out.push_str("\n#### Identity Schema\n");
    for (title, required) in [("Required", true), ("Optional", false)] {
        let attrs: Vec<_> = identity
            .attributes
            .iter()
            .filter(|a| a.required_for_import == required)
            .collect();
        if attrs.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n\n"));
        for a in attrs {
            out.push_str(&format!("- `{}` (String) {}\n", a.name, a.description));
        }
    }
    out
}

fn data_source_example(name: &str) -> String {
    format!("examples/data-sources/{name}/data-source.tf")
}

fn function_example(name: &str) -> String {
    format!("examples/functions/{name}/function.tf")
}

fn read(path: &Path) -> Result<String, DocgenError> {
    std::fs::read_to_string(path).map_err(|source| DocgenError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// YAML front matter with a literal block description.
fn front_matter(title: &str, subcategory: &str, description: &str) -> String {
    let mut out = format!(
        "---\npage_title: {}\nsubcategory: {}\ndescription: |-\n",
        yaml_string(title),
        yaml_string(subcategory)
    );
    for line in description.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if description.is_empty() {
        out.push_str("  \n");
    }
    out.push_str("---\n");
    out
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The first paragraph of a description, as one line.
fn first_paragraph(d: &Description) -> String {
    d.text
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn push_description(out: &mut String, d: &Description) {
    let text = d.text.trim();
    if !text.is_empty() {
        out.push_str(text);
        out.push_str("\n\n");
    }
}

/// Replaces `{{name}}` placeholders; an unknown name is an error.
fn fill<K: std::borrow::Borrow<str> + Ord>(
    template: &str,
    values: &BTreeMap<K, String>,
    path: &Path,
) -> Result<String, DocgenError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = after[..end].trim();
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => {
                return Err(DocgenError::Template {
                    template: path.to_path_buf(),
                    name: name.to_string(),
                });
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One environment variable the provider block's descriptions name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// `EC_API_KEY`.
    pub name: String,
    /// `cloud.api_key`.
    pub attribute: String,
    /// Whether the attribute is sensitive.
    pub sensitive: bool,
}

/// Environment variables named in the descriptions of `block`'s attributes (recursively), in
/// schema order, each with the attribute it stands for. A variable is an upper-case word with
/// an underscore (`EC_HOST`, `ELASTICSEARCH_CA_FILE`).
pub fn env_vars(block: &Block) -> Vec<EnvVar> {
    let mut out = Vec::new();
    collect_env(block, "", &mut out);
    out
}

fn collect_env(block: &Block, prefix: &str, out: &mut Vec<EnvVar>) {
    for a in &block.attributes {
        let path = format!("{prefix}{}", a.name);
        for word in a
            .description
            .text
            .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        {
            let is_var = word.len() >= 4
                && word.contains('_')
                && word.starts_with(|c: char| c.is_ascii_uppercase())
                && !word.ends_with('_');
            if is_var && !out.iter().any(|v: &EnvVar| v.name == word) {
                out.push(EnvVar {
                    name: word.to_string(),
                    attribute: path.clone(),
                    sensitive: a.sensitive,
                });
            }
        }
        if let AttributeKind::Nested(n) = &a.kind {
            collect_env(&n.as_block_public(), &format!("{path}."), out);
        }
    }
    for b in &block.blocks {
        collect_env(&b.block, &format!("{prefix}{}.", b.name), out);
    }
}

/// Nested attributes seen as a block (the framework keeps its own conversion crate-private).
trait AsBlock {
    fn as_block_public(&self) -> Block;
}

impl AsBlock for crosscluster::framework::schema::NestedAttributes {
    fn as_block_public(&self) -> Block {
        Block {
            attributes: self.attributes.clone(),
            ..Block::default()
        }
    }
}

fn env_table(block: &Block) -> String {
    let vars = env_vars(block);
    let mut out = String::from("| Variable | Provider attribute | Sensitive |\n|---|---|---|\n");
    for v in vars {
        out.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            v.name,
            v.attribute,
            if v.sensitive { "yes" } else { "no" }
        ));
    }
    out.trim_end().to_string()
}

fn contents(
    resources: &[Entry],
    data_sources: &[Entry],
    functions: &[Entry],
    extra: &[&[Entry]; 2],
    guides: &[(String, String)],
) -> String {
    let mut out = String::new();
    let mut section = |title: &str, dir: &str, entries: &[Entry]| {
        if entries.is_empty() {
            return;
        }
        out.push_str(&format!("### {title}\n\n"));
        for e in entries {
            let summary = match (&e.schema, &e.signature) {
                (Some(s), _) => first_sentence(&s.block.description.text),
                (_, Some(sig)) if !sig.summary.is_empty() => terminate(sig.summary.clone()),
                (_, Some(sig)) => first_sentence(&sig.description.text),
                _ => String::new(),
            };
            out.push_str(&format!(
                "- [`{}`]({dir}/{}.md): {summary}\n",
                e.name, e.short
            ));
        }
        out.push('\n');
    };
    section("Resources", "resources", resources);
    section("Data sources", "data-sources", data_sources);
    section("Functions", "functions", functions);
    section(
        "List resources (`terraform query`)",
        "list-resources",
        extra[0],
    );
    section("Actions", "actions", extra[1]);
    if !guides.is_empty() {
        out.push_str("### Guides\n\n");
        for (name, content) in guides {
            let title = guide_title(content).unwrap_or_else(|| name.trim_end_matches(".md").into());
            out.push_str(&format!("- [{title}](guides/{name})\n"));
        }
    }
    out.trim_end().to_string()
}

/// The `page_title` of a guide's front matter.
fn guide_title(content: &str) -> Option<String> {
    content
        .lines()
        .find_map(|l| l.strip_prefix("page_title:"))
        .map(|t| t.trim().trim_matches('"').to_string())
}

/// Abbreviations whose period does not end a sentence (`etc.` only when a lower-case word
/// follows it).
const ABBREVIATIONS: &[&str] = &["e.g.", "i.e.", "cf.", "vs.", "etc."];

/// The first sentence of `text`, as one line: up to the first `. ` that is not the period of
/// an abbreviation such as `e.g.`.
pub fn first_sentence(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        out.push(*w);
        let Some(next) = words.get(i + 1) else {
            break;
        };
        if !w.ends_with('.') {
            continue;
        }
        let bare = w
            .trim_start_matches(['(', '"', '`', '*'])
            .to_ascii_lowercase();
        let abbreviation = ABBREVIATIONS.iter().any(|a| bare == *a);
        let lower_next = next.starts_with(|c: char| c.is_lowercase());
        if !abbreviation || (bare == "etc." && !lower_next) {
            return out.join(" ");
        }
    }
    terminate(out.join(" "))
}

fn terminate(mut s: String) -> String {
    if s.chars()
        .last()
        .is_some_and(|c| !matches!(c, '.' | '!' | '?'))
    {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_fail() {
        let mut v = BTreeMap::new();
        v.insert("a", "1".to_string());
        let p = Path::new("t.md");
        assert_eq!(fill("x {{a}} y {{ a }}", &v, p).unwrap(), "x 1 y 1");
        let err = fill("{{b}}", &v, p).unwrap_err().to_string();
        assert!(err.contains("unknown placeholder {{b}}"), "{err}");
    }

    #[test]
    fn front_matter_is_yaml() {
        let fm = front_matter("a \"b\"", "", "line one");
        assert_eq!(
            fm,
            "---\npage_title: \"a \\\"b\\\"\"\nsubcategory: \"\"\ndescription: |-\n  line one\n---\n"
        );
    }

    #[test]
    fn sentences() {
        assert_eq!(first_sentence("One two. Three."), "One two.");
        assert_eq!(first_sentence("No period"), "No period.");
        // Abbreviations do not end the sentence.
        assert_eq!(
            first_sentence("Trusts clusters whose CA you give, e.g. self-managed ones. Then more."),
            "Trusts clusters whose CA you give, e.g. self-managed ones."
        );
        assert_eq!(
            first_sentence("One key (i.e. the encoded form) per alias. Next."),
            "One key (i.e. the encoded form) per alias."
        );
        assert_eq!(
            first_sentence("Trust, aliases, etc. are kept. Next."),
            "Trust, aliases, etc. are kept."
        );
        assert_eq!(
            first_sentence("Trust, aliases etc. Next one."),
            "Trust, aliases etc."
        );
        assert_eq!(
            first_paragraph(&Description::plain("a\nb\n\nc")),
            "a b".to_string()
        );
    }
}
