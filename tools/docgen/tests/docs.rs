//! The committed `docs/` matches the live schema, and the generator renders every schema
//! feature (checked on a synthetic provider).

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use crosscluster::framework::diag::Diagnostics;
use crosscluster::framework::schema::{
    Attribute, Block, NestedBlock, ObjectNesting, PlanModifier, Schema,
};
use crosscluster::framework::traits::{
    CallContext, ConfigureRequest, ConfigureResponse, CreateRequest, DataSource, DeleteRequest,
    Function, FunctionError, Parameter, Provider, ProviderMetadata, ReadRequest, Resource,
    Signature, StateResponse, TimeoutOp, Timeouts, UpdateRequest,
};
use crosscluster::framework::value::{Type, Value};
use crosscluster::provider::{CrossclusterProvider, provider_schema};
use crosscluster_docgen::pages::env_vars;
use crosscluster_docgen::{Difference, DocgenError, default_root, generate};

/// `cargo test --workspace` catches drift: the committed docs equal a fresh generation.
#[test]
fn committed_docs_match_the_live_schema() {
    let root = default_root();
    let docs = generate(&CrossclusterProvider::new(), &root).unwrap_or_else(|e| panic!("{e}"));
    let diffs = docs.diff(&root.join("docs"));
    let list: Vec<String> = diffs.iter().map(ToString::to_string).collect();
    assert!(
        diffs.is_empty(),
        "docs/ is out of date: run make docs\n  {}",
        list.join("\n  ")
    );
}

/// Issue 14: no summary of the provider page's contents stops at an abbreviation ("... e.g.").
#[test]
fn index_summaries_are_whole_sentences() {
    let root = default_root();
    let docs = generate(&CrossclusterProvider::new(), &root).unwrap_or_else(|e| panic!("{e}"));
    let index = &docs.files[Path::new("index.md")];
    let contents = &index[index.find("## Contents").expect("contents")..];
    let mut summaries = 0;
    for line in contents.lines().filter(|l| l.starts_with("- [`")) {
        summaries += 1;
        for abbreviation in ["e.g.", "i.e.", "etc."] {
            assert!(
                !line.trim_end().ends_with(abbreviation),
                "summary cut at {abbreviation:?}: {line}"
            );
        }
    }
    assert!(summaries >= 10, "{contents}");
}

/// Every resource, data source and function of the provider has a page with an example.
#[test]
fn every_schema_has_a_page_with_an_example() {
    let root = default_root();
    let p = CrossclusterProvider::new();
    let docs = generate(&p, &root).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = vec!["index.md".to_string()];
    expected.extend(
        p.resources()
            .iter()
            .map(|r| format!("resources/{}.md", &r.type_name()["crosscluster_".len()..])),
    );
    expected.extend(p.data_sources().iter().map(|d| {
        format!(
            "data-sources/{}.md",
            &d.type_name()["crosscluster_".len()..]
        )
    }));
    expected.extend(
        p.functions()
            .iter()
            .map(|f| format!("functions/{}.md", f.name())),
    );
    assert!(expected.len() >= 4, "{expected:?}");
    for page in expected {
        let text = docs
            .files
            .get(Path::new(&page))
            .unwrap_or_else(|| panic!("no page {page}"));
        assert!(text.starts_with("---\npage_title: "), "{page}");
        assert!(
            text.contains("## Example Usage\n\n```terraform\n"),
            "{page}"
        );
    }
    let guide = &docs.files[Path::new("guides/cross-cluster-trust.md")];
    for needle in ["9443", "9400", "sniff", "8.14", "trust each other"] {
        assert!(guide.contains(needle), "guide lacks {needle:?}");
    }
}

/// The environment table of the index names every variable the configuration code reads.
#[test]
fn environment_table_covers_every_variable_the_provider_reads() {
    let config =
        std::fs::read_to_string(default_root().join("src/provider/config.rs")).expect("config.rs");
    let mut read_by_code: Vec<String> = config
        .split('"')
        .filter(|s| {
            (s.starts_with("EC_") || s.starts_with("ELASTICSEARCH_"))
                && s.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        })
        .map(str::to_string)
        .collect();
    read_by_code.sort();
    read_by_code.dedup();
    assert!(read_by_code.len() >= 10, "{read_by_code:?}");
    let documented: Vec<String> = env_vars(&provider_schema().block)
        .into_iter()
        .map(|v| v.name)
        .collect();
    for var in &read_by_code {
        assert!(
            documented.contains(var),
            "{var} is read by config.rs but no provider attribute description names it"
        );
    }
    let vars = env_vars(&provider_schema().block);
    let key = vars
        .iter()
        .find(|v| v.name == "EC_API_KEY")
        .expect("EC_API_KEY");
    assert_eq!(key.attribute, "cloud.api_key");
    assert!(key.sensitive);
}

// ---------------------------------------------------------------------------------------------
// A synthetic provider with every schema feature
// ---------------------------------------------------------------------------------------------

struct TestProvider {
    with_function: bool,
}

#[async_trait]
impl Provider for TestProvider {
    fn metadata(&self) -> ProviderMetadata {
        ProviderMetadata {
            type_name: "demo".into(),
            version: "0.0.1".into(),
        }
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new().description("Demo provider.").attribute(
                Attribute::string("token")
                    .optional()
                    .sensitive()
                    .description("Token. Environment DEMO_TOKEN."),
            ),
        )
    }
    async fn configure(&self, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse::failed(Diagnostics::new())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Info)]
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        if self.with_function {
            vec![Arc::new(Echo)]
        } else {
            vec![]
        }
    }
}

struct Thing;

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &str {
        "demo_thing"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .markdown_description("A **thing**.\n\nSecond paragraph.")
                .attribute(
                    Attribute::string("id")
                        .computed()
                        .use_state_for_unknown()
                        .description("The id"),
                )
                .attribute(
                    Attribute::string("name")
                        .required()
                        .requires_replace()
                        .description("The name."),
                )
                .attribute(
                    Attribute::string("mode")
                        .optional()
                        .computed()
                        .default_value(Value::String("fast".into()))
                        .description("The mode."),
                )
                .attribute(
                    Attribute::string("secret_wo")
                        .optional()
                        .write_only()
                        .sensitive()
                        .description("A secret."),
                )
                .attribute(
                    Attribute::string("old")
                        .optional()
                        .deprecated("Use mode instead.")
                        .description("Old knob."),
                )
                .attribute(
                    Attribute::string("maybe")
                        .optional()
                        .plan_modifier(PlanModifier::RequiresReplaceIf(Arc::new(|_, _| true))),
                )
                .attribute(
                    Attribute::nested(
                        "status",
                        ObjectNesting::List,
                        vec![Attribute::bool("ok").computed().description("Healthy.")],
                    )
                    .computed()
                    .description("Status entries."),
                )
                .block(
                    NestedBlock::list(
                        "access",
                        Block::new()
                            .description("Access.")
                            .attribute(
                                Attribute::list("names", Type::String)
                                    .required()
                                    .description("Index names."),
                            )
                            .block(NestedBlock::single(
                                "inner",
                                Block::new().attribute(Attribute::number("n").optional()),
                            )),
                    )
                    .min_items(1)
                    .max_items(1),
                )
                .block(Timeouts::block(&[TimeoutOp::Create])),
        )
    }
    async fn create(
        &self,
        _: &CallContext,
        _: CreateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        Ok(StateResponse::gone())
    }
    async fn read(&self, _: &CallContext, _: ReadRequest) -> Result<StateResponse, Diagnostics> {
        Ok(StateResponse::gone())
    }
    async fn update(
        &self,
        _: &CallContext,
        _: UpdateRequest,
    ) -> Result<StateResponse, Diagnostics> {
        Ok(StateResponse::gone())
    }
    async fn delete(&self, _: &CallContext, _: DeleteRequest) -> Result<(), Diagnostics> {
        Ok(())
    }
}

struct Info;

#[async_trait]
impl DataSource for Info {
    fn type_name(&self) -> &str {
        "demo_info"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new().description("Info.").attribute(
                Attribute::string("id")
                    .required()
                    .requires_replace()
                    .description("Which."),
            ),
        )
    }
    async fn read(&self, _: &CallContext, config: Value) -> Result<StateResponse, Diagnostics> {
        Ok(StateResponse::new(config))
    }
}

struct Echo;

#[async_trait]
impl Function for Echo {
    fn name(&self) -> &str {
        "echo"
    }
    fn signature(&self) -> Signature {
        let mut s = Signature::new(Type::List(Box::new(Type::String)))
            .summary("Echoes")
            .parameter(Parameter::new("first", Type::String).description("First"));
        s.variadic = Some(Parameter::new("rest", Type::Number).allow_null());
        s
    }
    async fn call(&self, _: &CallContext, args: Vec<Value>) -> Result<Value, FunctionError> {
        Ok(Value::List(args))
    }
}

fn synthetic_root(with_examples: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "tools/docgen/templates/index.md",
        "# {{provider_name}}\n\n{{description}}\n\n{{environment_variables}}\n\n{{contents}}\n\n{{schema}}\n",
    );
    w(
        "tools/docgen/templates/subcategories.txt",
        "# comment\ndemo_thing = Things\n",
    );
    w(
        "tools/docgen/guides/intro.md",
        "---\npage_title: \"Intro\"\n---\n\nHello.\n",
    );
    w("examples/provider/provider.tf", "provider \"demo\" {}\n");
    w(
        "examples/permissions.json",
        r#"{"cloud_roles": {"Editor": "writes"}, "resources": {"demo_thing": [{"operations": ["create"], "connection": "cloud", "target": "it", "cloud_role": {"role": "Editor", "scope": "deployment"}, "requests": ["PUT /x"]}]}, "data_sources": {"demo_info": [{"operations": ["read"], "connection": "elasticsearch", "target": "it", "cluster_privileges": ["monitor"], "requests": ["GET /"]}]}}"#,
    );
    if with_examples {
        w(
            "examples/resources/demo_thing/resource.tf",
            "resource \"demo_thing\" \"x\" {}\n",
        );
        w(
            "examples/resources/demo_thing/import.sh",
            "terraform import demo_thing.x abc\n",
        );
        w(
            "examples/data-sources/demo_info/data-source.tf",
            "data \"demo_info\" \"x\" {}\n",
        );
        w("examples/functions/echo/function.tf", "output \"x\" {}\n");
    }
    dir
}

#[test]
fn renders_every_schema_feature() {
    let root = synthetic_root(true);
    let docs = generate(
        &TestProvider {
            with_function: true,
        },
        root.path(),
    )
    .expect("generate");
    let thing = &docs.files[Path::new("resources/thing.md")];
    let expect = [
        "page_title: \"demo_thing Resource - terraform-provider-crosscluster\"",
        "subcategory: \"Things\"",
        "description: |-\n  A **thing**.\n---",
        "# demo_thing (Resource)\n\nA **thing**.\n\nSecond paragraph.\n",
        "```terraform\nresource \"demo_thing\" \"x\" {}\n```",
        // Alphabetical within each group, attributes and blocks together, as the registry shows them.
        "### Required\n\n- `access` (Block List, Min: 1, Max: 1) Access. (see [below for nested schema](#nestedblock--access))\n- `name` (String) The name. Changing this forces a new resource.\n",
        "## Permissions\n",
        "| create | `cloud`: it | Cloud API key with role **Editor** for this deployment (deployment scope) | `PUT /x` |",
        "- `mode` (String) The mode. Defaults to `\"fast\"`.",
        "- `secret_wo` (String, Sensitive, [Write-only](",
        "Write-only (Terraform 1.11 and later)",
        "- `old` (String, Deprecated) Old knob. **Deprecated:** Use mode instead.",
        "- `maybe` (String) Changing this may force a new resource",
        "### Read-Only\n\n- `id` (String) The id.\n- `status` (Attributes List) Status entries. (see [below for nested schema](#nestedatt--status))",
        "<a id=\"nestedblock--access\"></a>\n### Nested Schema for `access`\n\nRequired:\n\n- `names` (List of String) Index names.\n\nOptional:\n\n- `inner` (Block)",
        "<a id=\"nestedblock--access--inner\"></a>\n### Nested Schema for `access.inner`\n\nOptional:\n\n- `n` (Number)",
        "<a id=\"nestedatt--status\"></a>\n### Nested Schema for `status`\n\nRead-Only:\n\n- `ok` (Boolean) Healthy.",
        "<a id=\"nestedblock--timeouts\"></a>",
        "## Import\n\nImport is supported using the following syntax:\n\n```shell\nterraform import demo_thing.x abc\n```\n",
    ];
    for e in expect {
        assert!(thing.contains(e), "missing {e:?} in:\n{thing}");
    }
    // `id` is computed only: it must not be listed as optional.
    assert!(!thing.contains("### Optional\n\n- `id`"));

    // Data sources: no replace sentences, no import section.
    let info = &docs.files[Path::new("data-sources/info.md")];
    assert!(info.contains("# demo_info (Data Source)"), "{info}");
    assert!(info.contains("- `id` (String) Which.\n"), "{info}");
    assert!(
        !info.contains("forces a new resource") && !info.contains("## Import"),
        "{info}"
    );

    let echo = &docs.files[Path::new("functions/echo.md")];
    for e in [
        "# function: echo",
        "provider::demo::echo(first string, rest... number) list(string)",
        "1. `first` (String) First.",
        "2. `rest` (Number, Variadic, Nullable)",
        "description: |-\n  Echoes\n",
    ] {
        assert!(echo.contains(e), "missing {e:?} in:\n{echo}");
    }

    let index = &docs.files[Path::new("index.md")];
    for e in [
        "page_title: \"Provider: demo\"",
        "# demo\n\nDemo provider.",
        "| `DEMO_TOKEN` | `token` | yes |",
        "- [`demo_thing`](resources/thing.md): A **thing**.",
        "- [`echo`](functions/echo.md): Echoes.",
        "- [Intro](guides/intro.md)",
        "- `token` (String, Sensitive) Token.",
    ] {
        assert!(index.contains(e), "missing {e:?} in:\n{index}");
    }
    assert_eq!(
        docs.files[Path::new("guides/intro.md")],
        "---\npage_title: \"Intro\"\n---\n\nHello.\n"
    );
}

#[test]
fn permissions_must_cover_every_resource_and_data_source() {
    let root = synthetic_root(true);
    std::fs::write(
        root.path().join("examples/permissions.json"),
        r#"{"resources": {"demo_gone": [{"operations": ["read"], "connection": "elasticsearch", "cluster_privileges": ["monitor"]}]}, "data_sources": {}}"#,
    )
    .unwrap();
    let err = generate(
        &TestProvider {
            with_function: true,
        },
        root.path(),
    )
    .unwrap_err()
    .to_string();
    for want in [
        "permissions.json",
        "resources.demo_thing is missing",
        "data_sources.demo_info is missing",
        "resources.demo_gone is not in the provider",
    ] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
}

#[test]
fn missing_examples_are_all_listed() {
    let root = synthetic_root(false);
    let err = generate(
        &TestProvider {
            with_function: true,
        },
        root.path(),
    )
    .unwrap_err();
    let DocgenError::MissingExamples(list) = &err else {
        panic!("unexpected error {err}");
    };
    assert_eq!(
        list,
        &[
            "examples/resources/demo_thing/resource.tf",
            "examples/data-sources/demo_info/data-source.tf",
            "examples/functions/echo/function.tf",
        ]
    );
    let text = err.to_string();
    assert!(
        text.contains("must ship one") && text.contains("  - examples/functions/echo/function.tf"),
        "{text}"
    );
}

#[test]
fn write_removes_stale_pages_and_diff_sees_every_kind_of_drift() {
    let root = synthetic_root(true);
    let docs = generate(
        &TestProvider {
            with_function: true,
        },
        root.path(),
    )
    .expect("generate");
    let out = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(out.path().join("resources")).unwrap();
    std::fs::write(out.path().join("resources/gone.md"), "old").unwrap();
    docs.write_to(out.path()).expect("write");
    assert!(docs.diff(out.path()).is_empty());
    assert!(!out.path().join("resources/gone.md").exists());

    // A function removed from the provider leaves an extra page; an edited page is changed.
    let fewer = generate(
        &TestProvider {
            with_function: false,
        },
        root.path(),
    )
    .expect("generate");
    std::fs::write(out.path().join("index.md"), "edited by hand").unwrap();
    std::fs::remove_file(out.path().join("data-sources/info.md")).unwrap();
    let diffs = fewer.diff(out.path());
    assert!(
        diffs.contains(&Difference::Changed("index.md".into())),
        "{diffs:?}"
    );
    assert!(
        diffs.contains(&Difference::Missing("data-sources/info.md".into())),
        "{diffs:?}"
    );
    assert!(
        diffs.contains(&Difference::Extra("functions/echo.md".into())),
        "{diffs:?}"
    );
}
