//! Group commit of remote-cluster writes: `PUT /_cluster/settings` bodies of several aliases
//! that arrive within a short window, or while a PUT of them is in flight, go out as one PUT.
//!
//! The queue machinery is [`crate::client::group`]'s: each caller (one alias) joins the queue of
//! the client's cluster; one committer task runs the batches one after the other. Here a
//! member's "edit" only hands over its own `cluster.remote.<alias>.*` keys (set, or `null` to
//! remove): nothing is read back and written again, so a batch never touches any other setting
//! and two provider processes writing other aliases at the same time cannot undo each other.
//!
//! - Each member gets its own result: the acknowledged echo of its own keys.
//! - Two writes of the same alias never share a PUT: the later waits for the next batch, so the
//!   order of one alias's writes is kept.
//! - A batch the cluster refuses (400) is split: the members whose keys the error names are
//!   run alone, the others together again; when the error names none, each member runs alone.
//!   So one bad alias fails alone, with the error of its own PUT.
//! - A member whose caller is cancelled before the PUT is sent leaves the batch; once sent, the
//!   PUT is not cancelled with any one caller (it runs on a token of its own), so the others'
//!   writes complete and get their results.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use super::super::group::{self, Edited, Member, Queue, Window};
use super::super::{ClientError, Req};
use super::{Core, flatten_settings};

/// What a member hands over: its `persistent` keys (`cluster.remote.<alias>.<key>`).
pub(super) type Body = Map<String, Value>;

/// The one queue of a client: its cluster's `_cluster/settings`.
pub(super) const QUEUE: &str = "_cluster/settings";

/// Terraform starts up to 10 operations at once and a settings PUT takes milliseconds, so the
/// window is short: a batch goes when no other write arrived for 15 ms and none is announced
/// (see [`crate::client::group::Intents`]), or after 500 ms. While fewer writes wait than the
/// previous batch had, the quiet time is 120 ms, or one and a half times the time the previous
/// batch took to gather if longer: Terraform starts the next wave of operations one by one as
/// the previous ones return (on a loaded machine 100 ms and more apart), and a wave's first
/// write would otherwise go out alone.
pub(super) const WINDOW: Window = Window {
    quiet: Duration::from_millis(15),
    patient: Duration::from_millis(120),
    max: Duration::from_millis(500),
};

type M = Member<Body, Value>;

/// The committer: runs batches until the queue is empty.
pub(super) async fn commit(core: Arc<Core>, queue: Arc<Queue<Body, Value>>) {
    while let Some(batch) = queue.next_batch().await {
        run(&core, batch, &queue).await;
    }
}

/// One PUT for `batch` (members of distinct aliases), each member's result handed back.
async fn run(core: &Core, batch: Vec<M>, queue: &Queue<Body, Value>) {
    let mut aliases = HashSet::new();
    let mut later = Vec::new();
    let mut parts: Vec<(M, Body)> = Vec::new();
    for mut m in batch {
        if !aliases.insert(m.key.clone()) {
            later.push(m);
            continue;
        }
        let mut body = Body::new();
        match m.edit(&mut body).await {
            Edited::Changed => parts.push((m, body)),
            Edited::Unchanged => m.finish(Ok(echo_of(&m.key, &json!({"acknowledged": true})))),
            Edited::Out => {}
        }
    }
    if !later.is_empty() {
        queue.requeue_together(later);
    }
    // A caller cancelled while the batch was gathered has left it: its keys are not sent.
    parts.retain(|(m, _)| !m.gone());
    if parts.is_empty() {
        return;
    }
    let mut persistent = Map::new();
    for (_, body) in &parts {
        persistent.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    tracing::debug!(
        aliases = parts.len(),
        keys = persistent.len(),
        "remote cluster settings batch"
    );
    // Not cancelled with any one caller: the others still wait for this PUT.
    let cancel = CancellationToken::new();
    let sent = match Req::new(Method::PUT, "/_cluster/settings")
        .json(&json!({ "persistent": persistent }))
    {
        Ok(req) => core.fetch::<Value>(&req, &cancel).await,
        Err(e) => Err(e),
    };
    match sent {
        Ok(echo) => {
            for (mut m, _) in parts {
                let mine = echo_of(&m.key, &echo);
                m.finish(Ok(mine));
            }
        }
        Err(e) if group::split_on(&e, parts.len()) => split(&e, parts, queue),
        Err(e) => {
            for (mut m, _) in parts {
                m.finish(Err(group::copy_error(&e)));
            }
        }
    }
}

/// A refused batch: the members whose keys the error names run alone, the rest together again
/// (each alone when the error names none of them, or all of them).
fn split(e: &ClientError, parts: Vec<(M, Body)>, queue: &Queue<Body, Value>) {
    let text = e.to_string();
    let (named, rest): (Vec<M>, Vec<M>) = parts
        .into_iter()
        .map(|(m, _)| m)
        .partition(|m| text.contains(&format!("cluster.remote.{}.", m.key)));
    tracing::debug!(
        named = named.len(),
        others = rest.len(),
        "remote cluster settings batch refused, splitting it"
    );
    if named.is_empty() || rest.is_empty() {
        queue.requeue(named.into_iter().chain(rest).collect());
    } else {
        // The named ones alone (after the others' batch, which goes first).
        queue.requeue(named);
        queue.requeue_together(rest);
    }
}

/// The acknowledged echo of `alias`'s own keys (flat): what its caller's write did.
fn echo_of(alias: &str, echo: &Value) -> Value {
    let prefix = format!("cluster.remote.{alias}.");
    let section = |name: &str| -> Map<String, Value> {
        echo.get(name)
            .map(flatten_settings)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .collect()
    };
    json!({
        "acknowledged": echo.get("acknowledged").cloned().unwrap_or(Value::Bool(false)),
        "persistent": section("persistent"),
        "transient": section("transient"),
    })
}
