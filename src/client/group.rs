//! Group commit: read-modify-writes of one document (a deployment's Elasticsearch settings, a
//! deployment's Cloud remote-clusters list) that arrive while another write of it is being
//! prepared, or while its plan is pending, are merged into the next single read-modify-write.
//!
//! Each caller (a *member*) joins the queue of its document and waits. One committer task per
//! document runs batches one after the other: it reads the document once, asks each member of
//! the batch in turn to apply its own edit — the edit runs in the member's own task, so it may
//! borrow the caller's data — writes once, waits once for the plan, and hands each member its
//! own result. A member's edit that fails fails that member only; a write the API rejects for a
//! batch of several changes is retried with each change alone, so every resource gets its own
//! error. A member's deadline is moved by the time it spent queued, so a queued change never
//! times out because other resources' plans were slow.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::cloud::Changed;
use super::{ClientError, Result};

/// The error an edit function returns.
pub(crate) type EditError = Box<dyn std::error::Error + Send + Sync>;

/// How long a committer gathers changes before a batch: after the first change of an idle
/// document arrives, it waits until no other change has arrived for `quiet` (Terraform starts
/// up to 10 operations at once), but not longer than `max` in all.
/// While fewer changes wait than the previous batch of the document had, the quiet time is
/// `patient` instead: Terraform's operations tend to come back in waves of the same size, and
/// a wave's straggler then joins its batch instead of making a batch of its own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) quiet: Duration,
    pub(crate) patient: Duration,
    pub(crate) max: Duration,
}

/// The window of writes followed by a plan (Cloud deployments): a plan takes seconds, so
/// waiting a little longer to gather more changes pays.
pub(crate) const PLAN_WINDOW: Window = Window {
    quiet: Duration::from_millis(50),
    patient: Duration::from_millis(50),
    max: Duration::from_millis(300),
};

/// How often a committer looks at the queue while announced changes have not arrived.
const POLL: Duration = Duration::from_millis(5);

/// Changes on their way: a caller announces its change when it starts the work that leads to
/// it (e.g. before the read it computes the change from), so the committer of a batch waits
/// for it instead of sending a batch without it. An announcement ends when a change of that
/// key joins the queue, or when its [`Intent`] is dropped (the caller found nothing to write,
/// failed, or was cancelled). The window's `max` bounds every wait.
#[derive(Debug, Default)]
pub(crate) struct Intents {
    next: AtomicU64,
    open: StdMutex<HashMap<u64, String>>,
}

impl Intents {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, String>> {
        match self.open.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Announce a change of `key`; it ends when the change arrives or the guard is dropped.
    pub(crate) fn announce(self: &Arc<Self>, key: &str) -> Intent {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, key.to_string());
        Intent {
            intents: Arc::clone(self),
            id,
        }
    }

    /// A change of `key` joined its queue: one announcement of `key` ends.
    fn arrived(&self, key: &str) {
        let mut open = self.lock();
        let first = open.iter().find(|(_, k)| *k == key).map(|(id, _)| *id);
        if let Some(id) = first {
            open.remove(&id);
        }
    }

    fn open(&self) -> usize {
        self.lock().len()
    }
}

/// One announced change (see [`Intents`]).
#[derive(Debug)]
pub(crate) struct Intent {
    intents: Arc<Intents>,
    id: u64,
}

impl Drop for Intent {
    fn drop(&mut self) {
        self.intents.lock().remove(&self.id);
    }
}

/// A request to a member: apply your edit to `doc` and send it back.
pub(crate) struct Ask<D> {
    doc: D,
    reply: oneshot::Sender<(D, std::result::Result<Changed, EditError>)>,
}

/// The committer's handle on one member.
pub(crate) struct Member<D, O> {
    asks: mpsc::UnboundedSender<Ask<D>>,
    done: Option<oneshot::Sender<Result<O>>>,
    /// What the member edits inside the document (the Elasticsearch `ref_id`).
    pub(crate) key: String,
    joined: Instant,
    /// When the member's plan wait must end (moved by its time in the queue).
    pub(crate) deadline: Instant,
    /// Run alone: a batch write with this change in it was rejected.
    solo: bool,
}

/// What an edit round made of a member's change.
pub(crate) enum Edited {
    /// The edit changed the document.
    Changed,
    /// The edit found nothing to change.
    Unchanged,
    /// The member left (cancelled) or its edit failed (it has its result already).
    Out,
}

impl<D, O> Member<D, O> {
    /// Ask the member to edit `doc`. On [`Edited::Changed`] `doc` is the edited document; else
    /// `doc` is left as it was (an edit that fails or changes nothing leaves no trace).
    pub(crate) async fn edit(&mut self, doc: &mut D) -> Edited
    where
        D: Clone,
    {
        if self.gone() {
            return Edited::Out;
        }
        let (tx, rx) = oneshot::channel();
        if self
            .asks
            .send(Ask {
                doc: doc.clone(),
                reply: tx,
            })
            .is_err()
        {
            return Edited::Out;
        }
        match rx.await {
            Ok((edited, Ok(Changed::Yes))) => {
                *doc = edited;
                Edited::Changed
            }
            Ok((_, Ok(Changed::No))) => Edited::Unchanged,
            Ok((_, Err(e))) => {
                self.finish(Err(ClientError::Edit(e)));
                Edited::Out
            }
            Err(_) => Edited::Out,
        }
    }

    /// Hand the member its result (once).
    pub(crate) fn finish(&mut self, result: Result<O>) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(result);
        }
    }

    /// Whether the member has its result or has stopped waiting for it.
    pub(crate) fn gone(&self) -> bool {
        self.done.as_ref().is_none_or(oneshot::Sender::is_closed)
    }

    /// Send this member back to the queue to be run alone.
    pub(crate) fn solo(mut self) -> Self {
        self.solo = true;
        self
    }
}

/// The member's side: its channels.
pub(crate) struct Ticket<D, O> {
    asks: mpsc::UnboundedReceiver<Ask<D>>,
    done: oneshot::Receiver<Result<O>>,
}

struct QueueState<D, O> {
    waiting: VecDeque<Member<D, O>>,
    running: bool,
    /// The size of the previous batch.
    last: usize,
    /// How far apart the first and the last change of the previous batch arrived.
    spread: Duration,
}

/// The queue of one document.
pub(crate) struct Queue<D, O> {
    state: StdMutex<QueueState<D, O>>,
    window: Window,
    intents: Option<Arc<Intents>>,
}

impl<D, O> Queue<D, O> {
    fn new(window: Window, intents: Option<Arc<Intents>>) -> Self {
        Queue {
            intents,
            state: StdMutex::new(QueueState {
                waiting: VecDeque::new(),
                running: false,
                last: 0,
                spread: Duration::ZERO,
            }),
            window,
        }
    }

    fn state(&self) -> MutexGuard<'_, QueueState<D, O>> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Add a member; `true` when no committer runs and the caller must start one.
    fn join(&self, key: &str, deadline: Instant) -> (Ticket<D, O>, bool) {
        let (asks_tx, asks_rx) = mpsc::unbounded_channel();
        let (done_tx, done_rx) = oneshot::channel();
        let mut st = self.state();
        st.waiting.push_back(Member {
            asks: asks_tx,
            done: Some(done_tx),
            key: key.to_string(),
            joined: Instant::now(),
            deadline,
            solo: false,
        });
        let start = !st.running;
        st.running = true;
        (
            Ticket {
                asks: asks_rx,
                done: done_rx,
            },
            start,
        )
    }

    fn waiting(&self) -> usize {
        self.state().waiting.len()
    }

    /// Changes announced ([`Intents`]) but not queued yet.
    fn coming(&self) -> usize {
        self.intents.as_ref().map_or(0, |i| i.open())
    }

    /// Put members back at the front of the queue (to be run alone).
    pub(crate) fn requeue(&self, members: Vec<Member<D, O>>) {
        let mut st = self.state();
        for m in members.into_iter().rev() {
            st.waiting.push_front(m.solo());
        }
    }

    /// Put members back at the front of the queue, in order, for the next batch (a change
    /// that must wait for an earlier one of the same key, or the rest of a batch from which
    /// the changes an error named were taken out).
    pub(crate) fn requeue_together(&self, members: Vec<Member<D, O>>) {
        let mut st = self.state();
        for m in members.into_iter().rev() {
            st.waiting.push_front(m);
        }
    }

    /// The next batch, after a short window for more changes to arrive; `None` (and the
    /// committer must end) when nothing is waiting.
    pub(crate) async fn next_batch(&self) -> Option<Vec<Member<D, O>>> {
        let started = Instant::now();
        let (last, spread) = {
            let st = self.state();
            (st.last, st.spread)
        };
        // On a loaded machine Terraform's operations come back further apart: be as patient as
        // the previous batch took to gather, and a half more.
        let patient = self.window.patient.max(spread + spread / 2);
        let mut count = self.waiting();
        let mut since = started;
        while count > 0 {
            let quiet = if count < last {
                patient
            } else {
                self.window.quiet
            };
            // While changes are announced but not queued yet, look again soon.
            let nap = if self.coming() > 0 {
                POLL
            } else {
                quiet.saturating_sub(since.elapsed()).max(POLL)
            };
            tokio::time::sleep(nap).await;
            if started.elapsed() >= self.window.max {
                break;
            }
            let now = self.waiting();
            if now != count {
                count = now;
                since = Instant::now();
            } else if self.coming() == 0 && since.elapsed() >= quiet {
                break;
            }
        }
        let now = Instant::now();
        let mut st = self.state();
        st.waiting.retain(|m| !m.gone());
        let mut batch = Vec::new();
        if st.waiting.front().is_some_and(|m| m.solo) {
            batch.extend(st.waiting.pop_front());
        } else {
            let (solo, together): (VecDeque<_>, VecDeque<_>) =
                st.waiting.drain(..).partition(|m| m.solo);
            st.waiting = solo;
            batch.extend(together);
        }
        if batch.is_empty() {
            st.running = false;
            return None;
        }
        if batch.len() > 1 || batch.first().is_some_and(|m| !m.solo) {
            st.last = batch.len();
            let first = batch.iter().map(|m| m.joined).min();
            let latest = batch.iter().map(|m| m.joined).max();
            if let (Some(a), Some(b)) = (first, latest) {
                st.spread = b.saturating_duration_since(a).min(self.window.max);
            }
        }
        drop(st);
        for m in &mut batch {
            // Time spent queued (behind other batches' plans) does not count against it.
            m.deadline += now.saturating_duration_since(m.joined);
        }
        Some(batch)
    }
}

/// Queues by document key, each with its committer.
pub(crate) struct Groups<D, O> {
    queues: StdMutex<HashMap<String, Arc<Queue<D, O>>>>,
    window: Window,
    intents: Option<Arc<Intents>>,
}

impl<D, O> std::fmt::Debug for Groups<D, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Groups")
    }
}

impl<D, O> Default for Groups<D, O> {
    fn default() -> Self {
        Self::with_window(PLAN_WINDOW)
    }
}

impl<D, O> Groups<D, O> {
    /// Queues whose committers gather changes for `window` before each batch.
    pub(crate) fn with_window(window: Window) -> Self {
        Groups {
            queues: StdMutex::new(HashMap::new()),
            window,
            intents: None,
        }
    }

    /// Committers that also wait (within the window's `max`) for the changes announced in
    /// `intents` to arrive.
    pub(crate) fn expecting(mut self, intents: Arc<Intents>) -> Self {
        self.intents = Some(intents);
        self
    }
}

impl<D: Send + 'static, O: Send + 'static> Groups<D, O> {
    /// Join the queue of `doc`; `commit` is started (as a task) when no committer runs for it.
    /// Then take part: apply this member's `edit` whenever asked, until the result comes.
    pub(crate) async fn submit<F, E, C, Fut>(
        &self,
        doc: &str,
        key: &str,
        deadline: Instant,
        mut edit: F,
        commit: C,
        cancel: &CancellationToken,
    ) -> Result<O>
    where
        F: FnMut(&mut D) -> std::result::Result<Changed, E>,
        E: Into<EditError>,
        C: FnOnce(Arc<Queue<D, O>>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let queue = {
            let mut map = match self.queues.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            let window = self.window;
            let intents = self.intents.clone();
            map.entry(doc.to_string())
                .or_insert_with(|| Arc::new(Queue::new(window, intents)))
                .clone()
        };
        let (mut ticket, start) = queue.join(key, deadline);
        if let Some(intents) = &self.intents {
            intents.arrived(key);
        }
        if start {
            tokio::spawn(commit(queue));
        }
        let mut asks_open = true;
        loop {
            tokio::select! {
                biased;
                r = &mut ticket.done => {
                    return r.unwrap_or_else(|_| Err(ClientError::Unexpected(
                        "the write of this change ended without a result".into(),
                    )));
                }
                a = ticket.asks.recv(), if asks_open => match a {
                    Some(Ask { mut doc, reply }) => {
                        let r = edit(&mut doc).map_err(Into::into);
                        let _ = reply.send((doc, r));
                    }
                    None => asks_open = false,
                },
                _ = cancel.cancelled() => return Err(ClientError::Cancelled),
            }
        }
    }
}

/// A copy of `e` for each member of a batch that shares it.
pub(crate) fn copy_error(e: &ClientError) -> ClientError {
    match e {
        ClientError::Config(s) => ClientError::Config(s.clone()),
        ClientError::Cancelled => ClientError::Cancelled,
        ClientError::Transport {
            method,
            path,
            message,
            attempts,
        } => ClientError::Transport {
            method: method.clone(),
            path: path.clone(),
            message: message.clone(),
            attempts: attempts.clone(),
        },
        ClientError::Cloud {
            method,
            path,
            status,
            errors,
            attempts,
        } => ClientError::Cloud {
            method: method.clone(),
            path: path.clone(),
            status: *status,
            errors: errors.clone(),
            attempts: attempts.clone(),
        },
        ClientError::Elasticsearch {
            method,
            path,
            status,
            cause,
            attempts,
        } => ClientError::Elasticsearch {
            method: method.clone(),
            path: path.clone(),
            status: *status,
            cause: cause.clone(),
            attempts: attempts.clone(),
        },
        ClientError::Decode {
            method,
            path,
            message,
        } => ClientError::Decode {
            method: method.clone(),
            path: path.clone(),
            message: message.clone(),
        },
        ClientError::InvalidArgument(s) => ClientError::InvalidArgument(s.clone()),
        ClientError::Unexpected(s) => ClientError::Unexpected(s.clone()),
        ClientError::VersionConflict {
            deployment_id,
            attempts,
        } => ClientError::VersionConflict {
            deployment_id: deployment_id.clone(),
            attempts: *attempts,
        },
        ClientError::Edit(inner) => ClientError::Unexpected(inner.to_string()),
        ClientError::PlanFailed {
            deployment_id,
            ref_id,
            message,
        } => ClientError::PlanFailed {
            deployment_id: deployment_id.clone(),
            ref_id: ref_id.clone(),
            message: message.clone(),
        },
        ClientError::PlanTimeout {
            deployment_id,
            ref_id,
            last_step,
        } => ClientError::PlanTimeout {
            deployment_id: deployment_id.clone(),
            ref_id: ref_id.clone(),
            last_step: last_step.clone(),
        },
        ClientError::VersionGate {
            feature,
            required,
            actual,
        } => ClientError::VersionGate {
            feature: feature.clone(),
            required: required.clone(),
            actual: actual.clone(),
        },
    }
}

/// Whether a rejected batch write should be tried again with each change alone: the API
/// refused the request's content, which one of several changes may have caused.
pub(crate) fn split_on(e: &ClientError, changed: usize) -> bool {
    changed > 1 && matches!(e.status(), Some(400 | 422))
}

/// The delay before the next poll of a pending plan: an eighth of the time the plan has run
/// so far, between `min` and `max` (250 ms rising to 2 s by default).
pub(crate) fn poll_delay(min: Duration, max: Duration, running: Duration) -> Duration {
    (running / 8).clamp(min, max.max(min))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A committer waits (within the window's `max`) for announced changes before a batch, and
    /// a dropped announcement stops the wait.
    #[tokio::test]
    async fn batches_wait_for_announced_changes() {
        let window = Window {
            quiet: Duration::from_millis(10),
            patient: Duration::from_millis(10),
            max: Duration::from_secs(5),
        };
        let intents = Arc::new(Intents::default());
        let queue: Arc<Queue<(), ()>> = Arc::new(Queue::new(window, Some(intents.clone())));
        let late = intents.announce("b");
        let gone = intents.announce("c");
        let far = Instant::now() + Duration::from_secs(60);
        let (_a, start) = queue.join("a", far);
        assert!(start);
        let q = queue.clone();
        let batch = tokio::spawn(async move { q.next_batch().await.map(|b| b.len()) });
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(!batch.is_finished(), "went without the announced changes");
        let (_b, _) = queue.join("b", far);
        intents.arrived("b");
        drop(late);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(
            !batch.is_finished(),
            "went without the change still announced"
        );
        drop(gone);
        assert_eq!(batch.await.unwrap(), Some(2));
        assert_eq!(intents.open(), 0);
    }
}
