//! Unit tests of `crosscluster_keystore_api_key`: the reload rule, the ids, validation and
//! the plan and state the model derives.

use crate::framework::decode::{number_value, set_attr};
use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::model::Model;
use crate::framework::value::Value;
use crate::provider::alias::AliasRule;
use crate::provider::common::{DeploymentAliasId, IdError, format_alias_id};

use super::model::{KeystoreKeyModel, Reload};
use super::schema::schema;
use super::validate::validate;

fn model(v: &Value) -> KeystoreKeyModel {
    KeystoreKeyModel::from_value(v).unwrap()
}

fn value(m: &KeystoreKeyModel) -> Value {
    m.to_value().unwrap()
}

fn needs_restart(reload: Reload, version: Option<&str>) -> Result<bool, String> {
    reload.restart_needed(version)
}

/// `reload` as the model reads it from a state (null: the default).
fn parse_reload(s: Option<&str>) -> Result<Reload, Diagnostics> {
    let v = obj(&[
        ("deployment_id", Value::string(DEP)),
        ("alias", Value::string("r")),
        ("reload", s.map_or(Value::Null, Value::string)),
    ]);
    KeystoreKeyModel::from_value(&v)?.target().map(|t| t.reload)
}

fn parse_id(id: &str) -> Result<DeploymentAliasId, IdError> {
    DeploymentAliasId::parse(id, AliasRule::Keystore)
}

fn needs_rewrite(prior: &Value, planned: &Value) -> bool {
    model(planned).needs_rewrite(&model(prior))
}

fn derive_plan(prior: &Value, config: &Value, planned: &mut Value) {
    if planned.is_null() {
        return;
    }
    let (prior, config) = (opt_model(prior), opt_model(config));
    let mut m = model(planned);
    m.derive_plan(prior.as_ref(), config.as_ref());
    *planned = value(&m);
}

fn opt_model(v: &Value) -> Option<KeystoreKeyModel> {
    (!v.is_null()).then(|| model(v))
}

fn finish_state(base: Value, ref_id: &str) -> Value {
    value(&model(&base).finish(ref_id))
}

const DEP: &str = "0123456789abcdef0123456789abcdef";

fn obj(pairs: &[(&str, Value)]) -> Value {
    let mut v = schema().block.empty_value();
    for (k, x) in pairs {
        v = set_attr(v, k, x.clone());
    }
    v
}

#[test]
fn restart_only_below_8_14_with_auto() {
    let cases = [
        (Reload::Auto, Some("8.12.2"), Ok(true)),
        (Reload::Auto, Some("8.13.4"), Ok(true)),
        (Reload::Auto, Some("7.17.0"), Ok(true)),
        (Reload::Auto, Some("8.14.0"), Ok(false)),
        (Reload::Auto, Some("9.1.0"), Ok(false)),
        (Reload::None, Some("8.12.2"), Ok(false)),
        (Reload::None, None, Ok(false)),
    ];
    for (reload, version, want) in cases {
        assert_eq!(
            needs_restart(reload, version),
            want,
            "{reload:?} {version:?}"
        );
    }
    assert!(needs_restart(Reload::Auto, None).is_err());
    assert!(needs_restart(Reload::Auto, Some("banana")).is_err());
    assert_eq!(parse_reload(None).ok(), Some(Reload::Auto));
    assert_eq!(parse_reload(Some("none")).ok(), Some(Reload::None));
    assert!(parse_reload(Some("always")).is_err());
}

#[test]
fn ids_use_the_keystore_alias_rule() {
    let id = format_alias_id(DEP, "main-elasticsearch", "remote_1");
    assert_eq!(parse_id(&id).unwrap().alias, "remote_1");
    assert!(matches!(
        parse_id(&format!("{DEP}/main/Bad")),
        Err(IdError::Alias(_))
    ));
}

#[test]
fn validation_paths_and_secrecy() {
    let s = Value::string;
    let check = |v: &Value| -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        schema().block.validate(v, &AttributePath::root(), &mut d);
        d.extend(validate(v));
        d.iter()
            .map(|x| {
                (
                    x.path.clone().map(|p| p.to_string()).unwrap_or_default(),
                    format!("{} {}", x.summary, x.detail),
                )
            })
            .collect()
    };
    let base = [("deployment_id", s(DEP)), ("alias", s("r"))];
    // Neither form.
    let none = check(&obj(&base));
    assert_eq!(none.len(), 1, "{none:?}");
    // Both forms.
    let mut both = base.to_vec();
    both.extend([
        ("api_key", s("k1")),
        ("api_key_wo", s("k2")),
        ("api_key_wo_version", number_value(1)),
    ]);
    let got = check(&obj(&both));
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        paths.contains(&"api_key") && paths.contains(&"api_key_wo"),
        "{got:?}"
    );
    // Write-only without a version, version without write-only.
    let mut wo = base.to_vec();
    wo.push(("api_key_wo", s("secret-value-1")));
    let got = check(&obj(&wo));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "api_key_wo_version");
    let mut ver = base.to_vec();
    ver.extend([("api_key", s("k")), ("api_key_wo_version", number_value(2))]);
    let got = check(&obj(&ver));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "api_key_wo_version");
    // Bad values, and messages never echo the key.
    let bad = check(&obj(&[
        ("deployment_id", s("nope")),
        ("alias", s("Bad.Alias")),
        ("api_key", s("abc def-secret")),
        ("reload", s("always")),
    ]));
    let paths: Vec<&str> = bad.iter().map(|(p, _)| p.as_str()).collect();
    for p in ["deployment_id", "alias", "api_key", "reload"] {
        assert!(paths.contains(&p), "{p} missing in {bad:?}");
    }
    assert!(
        bad.iter().all(|(_, m)| !m.contains("def-secret")),
        "{bad:?}"
    );
    // Unknown key values (from another resource) pass.
    let mut unk = base.to_vec();
    unk.push(("api_key", Value::unknown()));
    assert!(check(&obj(&unk)).is_empty());
}

#[test]
fn rewrite_decision() {
    let s = Value::string;
    let prior = obj(&[("api_key", s("a")), ("reload", s("auto"))]);
    assert!(!needs_rewrite(
        &prior,
        &obj(&[("api_key", s("a")), ("reload", s("none"))])
    ));
    assert!(needs_rewrite(&prior, &obj(&[("api_key", s("b"))])));
    // Switching to the write-only form.
    assert!(needs_rewrite(
        &prior,
        &obj(&[("api_key_wo_version", number_value(1))])
    ));
    let wo = obj(&[("api_key_wo_version", number_value(1))]);
    assert!(!needs_rewrite(&wo, &wo.clone()));
    assert!(needs_rewrite(
        &wo,
        &obj(&[("api_key_wo_version", number_value(2))])
    ));
    // Imported state has neither: the first apply writes.
    assert!(needs_rewrite(&obj(&[]), &obj(&[("api_key", s("a"))])));
}

#[test]
fn plan_derives_setting_and_id() {
    let s = Value::string;
    let config = obj(&[("deployment_id", s(DEP)), ("alias", s("r"))]);
    // Create without ref_id: id unknown, setting known.
    let mut planned = set_attr(config.clone(), "ref_id", Value::unknown());
    derive_plan(&Value::Null, &config, &mut planned);
    assert_eq!(
        planned.get_attr("setting_name"),
        Some(&s("cluster.remote.r.credentials"))
    );
    assert!(!planned.get_attr("id").unwrap().is_known());
    // Update with a known ref_id: id known.
    let prior = finish_state(config.clone(), "main-elasticsearch");
    let mut planned = prior.clone();
    derive_plan(&prior, &config, &mut planned);
    assert_eq!(
        planned.get_attr("id"),
        Some(&Value::string(format!("{DEP}/main-elasticsearch/r")))
    );
    // Another deployment: ref_id resolved again.
    let other = "fedcba9876543210fedcba9876543210";
    let mut planned = set_attr(prior.clone(), "deployment_id", s(other));
    derive_plan(&prior, &config, &mut planned);
    assert!(!planned.get_attr("ref_id").unwrap().is_known());
    assert!(!planned.get_attr("id").unwrap().is_known());
    // Destroy stays null.
    let mut null = Value::Null;
    derive_plan(&prior, &Value::Null, &mut null);
    assert!(null.is_null());
    assert_eq!(prior.get_attr("reload"), Some(&s("auto")));
}

#[test]
fn model_round_trips_a_plan_and_hides_the_key() {
    let s = Value::string;
    let plan = obj(&[
        ("deployment_id", Value::unknown()),
        ("alias", s("r")),
        ("api_key", s("secret-key-value")),
        ("api_key_wo_version", number_value(3)),
        ("reload", s("none")),
        ("id", Value::unknown()),
        (
            "timeouts",
            Value::object([
                ("create", s("5m")),
                ("update", Value::Null),
                ("delete", Value::unknown()),
            ]),
        ),
    ]);
    let m = model(&plan);
    assert!(m.deployment_id.is_unknown());
    assert_eq!(m.reload.value(), Some(&Reload::None));
    assert_eq!(m.api_key_wo_version.value(), Some(&3.0));
    assert_eq!(value(&m), plan);
    assert!(!format!("{m:?}").contains("secret-key-value"));
    assert_eq!(m.secret().unwrap().expose(), "secret-key-value");
    // A wrong value keeps its attribute path.
    let bad = obj(&[("reload", s("always"))]);
    let err = KeystoreKeyModel::from_value(&bad).unwrap_err();
    assert_eq!(
        err.iter()
            .next()
            .and_then(|d| d.path.clone())
            .map(|p| p.to_string())
            .as_deref(),
        Some("reload")
    );
}
