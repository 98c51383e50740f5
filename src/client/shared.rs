//! Shared reads: concurrent and closely following reads of one resource (a cluster's
//! `_cluster/settings`, its `_remote/info`) share one request.
//!
//! A read waits for the one in flight and takes its answer when that request was sent after the
//! read was called; an answer is reused for [`TTL`] after its request was *sent*, so a refresh of hundreds of resources (Terraform reads up to
//! 10 at a time) sends one or two requests instead of one per resource. Every write through the
//! same client bumps a generation and an answer fetched in an older generation is used only by
//! reads called before its request was sent: a read that starts after one of our writes
//! finished always sees it. Terraform starts a
//! new provider process for each command, so nothing is shared across commands.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::Result;

/// How long an answer is reused.
pub(crate) const TTL: Duration = Duration::from_secs(2);

/// One shared read.
#[derive(Debug)]
pub(crate) struct Shared<T> {
    generation: AtomicU64,
    slot: Mutex<Option<(Instant, u64, T)>>,
}

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Shared {
            generation: AtomicU64::new(0),
            slot: Mutex::new(None),
        }
    }
}

impl<T: Clone> Shared<T> {
    /// The current answer, or a fresh one from `fetch` (only one `fetch` runs at a time).
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.get_within(TTL, fetch).await
    }

    /// An answer whose request was sent after this call (shared with the reads waiting for the
    /// same request, never an older one): for polls that wait for a change.
    pub(crate) async fn get_fresh<F, Fut>(&self, fetch: F) -> Result<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.get_within(Duration::ZERO, fetch).await
    }

    /// [`Shared::get`] with answers reused for at most `ttl`.
    async fn get_within<F, Fut>(&self, ttl: Duration, fetch: F) -> Result<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let called = Instant::now();
        // The generation when this read was called: writes that finish later need not be seen
        // by it (it may have been answered before they finished anyway).
        let called_generation = self.generation.load(Ordering::Acquire);
        let mut slot = self.slot.lock().await;
        // An answer whose request was sent after this read was called is as fresh as a request
        // of its own (whatever was written meanwhile); an older answer is reused within the TTL
        // unless a write came between its request and this call. Writes that came while this
        // read waited for the slot do not count: comparing with the generation of now instead
        // made readers queued behind a slow fetch refetch one after the other while writes of
        // other resources went on, each with the slot held (a chain of serial reads).
        if let Some((sent, g, v)) = &*slot
            && (*sent >= called || (*g == called_generation && sent.elapsed() < ttl))
        {
            return Ok(v.clone());
        }
        let generation = self.generation.load(Ordering::Acquire);
        let sent = Instant::now();
        let v = fetch().await?;
        *slot = Some((sent, generation, v.clone()));
        Ok(v)
    }

    /// Forget every answer: called after (and before) a write that may change what is read.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn concurrent_reads_share_one_fetch_and_writes_invalidate() {
        let shared: Arc<Shared<usize>> = Arc::default();
        let fetches = Arc::new(AtomicUsize::new(0));
        let read = |shared: Arc<Shared<usize>>, fetches: Arc<AtomicUsize>| async move {
            shared
                .get(|| async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(fetches.fetch_add(1, Ordering::SeqCst) + 1)
                })
                .await
        };
        let tasks: Vec<_> = (0..10)
            .map(|_| tokio::spawn(read(shared.clone(), fetches.clone())))
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // After a write, the next read fetches again.
        shared.invalidate();
        assert_eq!(read(shared.clone(), fetches.clone()).await.unwrap(), 2);
        assert_eq!(read(shared.clone(), fetches.clone()).await.unwrap(), 2);
        // A write during a fetch: that answer is returned to its reader (and to readers waiting
        // for it), but a read called later fetches again.
        let s2 = shared.clone();
        shared.invalidate();
        let v = s2
            .get(|| async {
                shared.invalidate();
                Ok(99)
            })
            .await
            .unwrap();
        assert_eq!(v, 99);
        assert_eq!(read(shared.clone(), fetches.clone()).await.unwrap(), 3);
        // A fresh read never takes an answer fetched before it was called.
        let fresh = shared
            .get_fresh(|| async { Ok(fetches.fetch_add(1, Ordering::SeqCst) + 1) })
            .await
            .unwrap();
        assert_eq!(fresh, 4);
    }

    /// Reads queued behind a slow fetch take its answer even when writes finish while they
    /// wait (those writes came after they were called); a read called after a write finished
    /// fetches again.
    #[tokio::test]
    async fn queued_reads_share_a_slow_fetch_despite_later_writes() {
        let shared: Arc<Shared<usize>> = Arc::default();
        let fetches = Arc::new(AtomicUsize::new(0));
        let slow = |shared: Arc<Shared<usize>>, fetches: Arc<AtomicUsize>| async move {
            shared
                .get(|| async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(fetches.fetch_add(1, Ordering::SeqCst) + 1)
                })
                .await
        };
        let first = tokio::spawn(slow(shared.clone(), fetches.clone()));
        tokio::time::sleep(Duration::from_millis(5)).await;
        let queued: Vec<_> = (0..5)
            .map(|_| tokio::spawn(slow(shared.clone(), fetches.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(5)).await;
        // A write of another resource finishes while they wait.
        shared.invalidate();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        for q in queued {
            assert_eq!(q.await.unwrap().unwrap(), 1, "queued read fetched again");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // Called after that write: a fetch of its own.
        assert_eq!(slow(shared.clone(), fetches.clone()).await.unwrap(), 2);
    }
}
