//! Generic plan rules, applied by the bridge to every PlanResourceChange before the
//! resource's own [`crate::framework::traits::Resource::modify_plan`]:
//!
//! 1. destroy (proposed new state null) plans null;
//! 2. defaults: an attribute with a default whose configuration is null plans the default;
//! 3. write-only attributes plan null;
//! 4. when the plan differs from the prior state (always on create), computed attributes
//!    whose configuration is null and that have no default are planned unknown;
//! 5. plan modifiers in declaration order: `UseStateForUnknown` puts the prior state's
//!    value back in place of an unknown; `RequiresReplace(If)` records the attribute's
//!    path when its planned value differs from the prior state's (not on create).
//!
//! Elements of list blocks / list nested attributes are paired with the prior state
//! and configuration by index, map elements by key. Set elements are paired with the
//! configuration by position and never with the prior state (set elements have no
//! identity), so use-state-for-unknown does not apply inside sets.

use std::collections::BTreeMap;

use super::diag::AttributePath;
use super::schema::{AttributeKind, AttributePlan, Block, ObjectNesting, PlanModifier};
use super::value::{Refinements, Value};

static NULL: Value = Value::Null;

/// Callback of [`map_paired`]: (planned element, config element, prior element, path).
type PairFn<'f> = dyn FnMut(&Value, &Value, Option<&Value>, &AttributePath) -> Value + 'f;

/// Result of the generic plan rules.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOutcome {
    /// The planned state.
    pub planned_state: Value,
    /// Paths whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
}

/// Applies the generic rules (see the module docs) for a resource of schema `block`.
pub fn plan_resource_change(
    block: &Block,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> PlanOutcome {
    if matches!(proposed, Value::Null) {
        return PlanOutcome {
            planned_state: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let mut planned = apply_defaults(block, config, proposed);
    planned = null_write_only(block, &planned);
    let creating = matches!(prior, Value::Null);
    if creating || !values_equal(&planned, prior) {
        planned = mark_computed_unknown(block, config, &planned);
    }
    let mut requires_replace = Vec::new();
    let prior_obj = if creating { None } else { Some(prior) };
    planned = apply_modifiers(
        block,
        prior_obj,
        config,
        &planned,
        &AttributePath::root(),
        !creating,
        &mut requires_replace,
    );
    requires_replace.sort();
    requires_replace.dedup();
    PlanOutcome {
        planned_state: planned,
        requires_replace,
    }
}

fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    match v {
        Value::Object(m) => m.get(name).unwrap_or(&NULL),
        _ => &NULL,
    }
}

/// Walks collection elements of `planned` paired with `config` (and optionally prior)
/// elements, rebuilding the collection from `f`'s results.
fn map_paired(
    planned: &Value,
    config: &Value,
    prior: Option<&Value>,
    path: &AttributePath,
    f: &mut PairFn<'_>,
) -> Value {
    match planned {
        Value::Object(_) => f(
            planned,
            config,
            prior.filter(|p| !matches!(p, Value::Null)),
            path,
        ),
        Value::List(items) => {
            let cfg = as_items(config);
            let pri = prior.map(as_items);
            Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let c = cfg.and_then(|c| c.get(i)).unwrap_or(&NULL);
                        let p = pri.flatten().and_then(|p| p.get(i));
                        f(e, c, p, &path.clone().index(i as i64))
                    })
                    .collect(),
            )
        }
        Value::Set(items) => {
            let cfg = as_items(config);
            Value::Set(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let c = cfg.and_then(|c| c.get(i)).unwrap_or(&NULL);
                        f(e, c, None, path)
                    })
                    .collect(),
            )
        }
        Value::Map(m) => {
            let cfg = match config {
                Value::Map(c) => Some(c),
                _ => None,
            };
            let pri = match prior {
                Some(Value::Map(p)) => Some(p),
                _ => None,
            };
            Value::Map(
                m.iter()
                    .map(|(k, e)| {
                        let c = cfg.and_then(|c| c.get(k)).unwrap_or(&NULL);
                        let p = pri.and_then(|p| p.get(k));
                        (k.clone(), f(e, c, p, &path.clone().key(k)))
                    })
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

fn as_items(v: &Value) -> Option<&Vec<Value>> {
    match v {
        Value::List(i) | Value::Set(i) | Value::Tuple(i) => Some(i),
        _ => None,
    }
}

/// Nested attribute sets as blocks, computed once per call site.
fn nested_block(kind: &AttributeKind) -> Option<(Block, ObjectNesting)> {
    match kind {
        AttributeKind::Nested(n) => Some((n.as_block(), n.nesting)),
        AttributeKind::Type(_) => None,
    }
}

/// Rule 2: defaults for attributes whose configuration is null.
pub fn apply_defaults(block: &Block, config: &Value, planned: &Value) -> Value {
    let Value::Object(fields) = planned else {
        return planned.clone();
    };
    let mut out = fields.clone();
    for a in &block.attributes {
        let cfg = field(config, &a.name);
        if let (Some(d), Value::Null) = (&a.default, cfg) {
            out.insert(a.name.clone(), d.clone());
            continue;
        }
        if let Some((nb, _)) = nested_block(&a.kind) {
            if let Some(v) = out.get(&a.name) {
                let nv = map_paired(v, cfg, None, &AttributePath::root(), &mut |e, c, _, _| {
                    apply_defaults(&nb, c, e)
                });
                out.insert(a.name.clone(), nv);
            }
        }
    }
    for b in &block.blocks {
        if let Some(v) = out.get(&b.name) {
            let cfg = field(config, &b.name);
            let nv = map_paired(v, cfg, None, &AttributePath::root(), &mut |e, c, _, _| {
                apply_defaults(&b.block, c, e)
            });
            out.insert(b.name.clone(), nv);
        }
    }
    Value::Object(out)
}

/// Rule 3 (and for every response): write-only attributes set to null, at any depth.
pub fn null_write_only(block: &Block, value: &Value) -> Value {
    let Value::Object(fields) = value else {
        return value.clone();
    };
    let mut out = fields.clone();
    for a in &block.attributes {
        if a.write_only {
            if out.contains_key(&a.name) {
                out.insert(a.name.clone(), Value::Null);
            }
            continue;
        }
        if let Some((nb, _)) = nested_block(&a.kind) {
            if let Some(v) = out.get(&a.name) {
                let nv = map_paired(v, &NULL, None, &AttributePath::root(), &mut |e, _, _, _| {
                    null_write_only(&nb, e)
                });
                out.insert(a.name.clone(), nv);
            }
        }
    }
    for b in &block.blocks {
        if let Some(v) = out.get(&b.name) {
            let nv = map_paired(v, &NULL, None, &AttributePath::root(), &mut |e, _, _, _| {
                null_write_only(&b.block, e)
            });
            out.insert(b.name.clone(), nv);
        }
    }
    Value::Object(out)
}

/// Whether the block has any write-only attribute at any depth.
pub fn has_write_only(block: &Block) -> bool {
    block
        .attributes
        .iter()
        .any(|a| a.write_only || nested_block(&a.kind).is_some_and(|(nb, _)| has_write_only(&nb)))
        || block.blocks.iter().any(|b| has_write_only(&b.block))
}

/// Rule 4: computed attributes with null configuration and no default become unknown.
pub fn mark_computed_unknown(block: &Block, config: &Value, planned: &Value) -> Value {
    let Value::Object(fields) = planned else {
        return planned.clone();
    };
    let mut out = fields.clone();
    for a in &block.attributes {
        let cfg = field(config, &a.name);
        if a.computed && a.default.is_none() && !a.write_only && matches!(cfg, Value::Null) {
            out.insert(a.name.clone(), Value::Unknown(Refinements::default()));
            continue;
        }
        if let Some((nb, _)) = nested_block(&a.kind) {
            if let Some(v) = out.get(&a.name) {
                let nv = map_paired(v, cfg, None, &AttributePath::root(), &mut |e, c, _, _| {
                    mark_computed_unknown(&nb, c, e)
                });
                out.insert(a.name.clone(), nv);
            }
        }
    }
    for b in &block.blocks {
        if let Some(v) = out.get(&b.name) {
            let cfg = field(config, &b.name);
            let nv = map_paired(v, cfg, None, &AttributePath::root(), &mut |e, c, _, _| {
                mark_computed_unknown(&b.block, c, e)
            });
            out.insert(b.name.clone(), nv);
        }
    }
    Value::Object(out)
}

/// Rule 5: plan modifiers, recursively. `prior` is the prior object at this level
/// (`None` when there is none); `replace_allowed` is false while creating.
fn apply_modifiers(
    block: &Block,
    prior: Option<&Value>,
    config: &Value,
    planned: &Value,
    path: &AttributePath,
    replace_allowed: bool,
    replace: &mut Vec<AttributePath>,
) -> Value {
    let Value::Object(fields) = planned else {
        return planned.clone();
    };
    let mut out: BTreeMap<String, Value> = fields.clone();
    for a in &block.attributes {
        let p = path.clone().attr(&a.name);
        let prior_v = prior.map(|o| field(o, &a.name));
        let cfg = field(config, &a.name);
        let Some(mut v) = out.get(&a.name).cloned() else {
            continue;
        };
        for m in &a.plan_modifiers {
            match m {
                PlanModifier::UseStateForUnknown => {
                    if let Some(pv) = prior_v {
                        if matches!(v, Value::Unknown(_))
                            && !matches!(pv, Value::Null | Value::Unknown(_))
                            && !matches!(cfg, Value::Unknown(_))
                        {
                            v = pv.clone();
                        }
                    }
                }
                PlanModifier::RequiresReplace => {
                    if replace_allowed && !values_equal(&v, prior_v.unwrap_or(&NULL)) {
                        replace.push(p.clone());
                    }
                }
                PlanModifier::RequiresReplaceIf(f) => {
                    let pv = prior_v.unwrap_or(&NULL);
                    if replace_allowed && !values_equal(&v, pv) && f(pv, &v) {
                        replace.push(p.clone());
                    }
                }
                PlanModifier::Rule(rule) => {
                    let mut ap = AttributePlan {
                        config: cfg,
                        prior: prior_v,
                        planned: v,
                        requires_replace: false,
                    };
                    rule.modify(&mut ap);
                    v = ap.planned;
                    if replace_allowed && ap.requires_replace {
                        replace.push(p.clone());
                    }
                }
            }
        }
        if let Some((nb, _)) = nested_block(&a.kind) {
            v = map_paired(&v, cfg, prior_v, &p, &mut |e, c, pr, ep| {
                apply_modifiers(&nb, pr, c, e, ep, replace_allowed, replace)
            });
        }
        out.insert(a.name.clone(), v);
    }
    for b in &block.blocks {
        let p = path.clone().attr(&b.name);
        let prior_v = prior.map(|o| field(o, &b.name));
        let cfg = field(config, &b.name);
        let Some(v) = out.get(&b.name).cloned() else {
            continue;
        };
        let v = map_paired(&v, cfg, prior_v, &p, &mut |e, c, pr, ep| {
            apply_modifiers(&b.block, pr, c, e, ep, replace_allowed, replace)
        });
        out.insert(b.name.clone(), v);
    }
    Value::Object(out)
}

/// Value equality where set element order does not matter and unknown equals unknown.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Unknown(_), Value::Unknown(_)) => true,
        (Value::Set(x), Value::Set(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|e| {
                for (i, f) in y.iter().enumerate() {
                    if !used[i] && values_equal(e, f) {
                        used[i] = true;
                        return true;
                    }
                }
                false
            })
        }
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(e, f)| values_equal(e, f))
        }
        (Value::Map(x), Value::Map(y)) | (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, e)| y.get(k).is_some_and(|f| values_equal(e, f)))
        }
        (Value::Dynamic(t1, v1), Value::Dynamic(t2, v2)) => t1 == t2 && values_equal(v1, v2),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, NestedBlock};

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn sets_compare_without_order() {
        assert!(values_equal(
            &Value::Set(vec![s("a"), s("b")]),
            &Value::Set(vec![s("b"), s("a")])
        ));
        assert!(!values_equal(
            &Value::Set(vec![s("a"), s("a")]),
            &Value::Set(vec![s("a"), s("b")])
        ));
        assert!(!values_equal(
            &Value::List(vec![s("a"), s("b")]),
            &Value::List(vec![s("b"), s("a")])
        ));
    }

    #[test]
    fn list_block_elements_use_state_by_index() {
        let block = Block::new()
            .attribute(Attribute::string("name").required())
            .block(NestedBlock::list(
                "item",
                Block::new()
                    .attribute(Attribute::string("k").required())
                    .attribute(Attribute::string("id").computed().use_state_for_unknown()),
            ));
        let prior = obj(vec![
            ("name", s("old")),
            (
                "item",
                Value::List(vec![obj(vec![("k", s("a")), ("id", s("id-a"))])]),
            ),
        ]);
        let config = obj(vec![
            ("name", s("new")),
            (
                "item",
                Value::List(vec![
                    obj(vec![("k", s("a")), ("id", Value::Null)]),
                    obj(vec![("k", s("b")), ("id", Value::Null)]),
                ]),
            ),
        ]);
        let proposed = obj(vec![
            ("name", s("new")),
            (
                "item",
                Value::List(vec![
                    obj(vec![("k", s("a")), ("id", s("id-a"))]),
                    obj(vec![("k", s("b")), ("id", Value::Null)]),
                ]),
            ),
        ]);
        let out = plan_resource_change(&block, &prior, &proposed, &config);
        let Value::Object(m) = &out.planned_state else {
            panic!()
        };
        let Value::List(items) = &m["item"] else {
            panic!()
        };
        assert_eq!(field(&items[0], "id"), &s("id-a"));
        assert!(matches!(field(&items[1], "id"), Value::Unknown(_)));
        assert!(out.requires_replace.is_empty());
    }
}
