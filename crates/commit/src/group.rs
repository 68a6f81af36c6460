//! Group commit: writes that arrive while a store's atomic step is in
//! flight wait and share the next one, so a burst of buyers of one product
//! costs a few transactions instead of one each, and never conflicts with
//! itself. A lone write goes at once: nothing waits for company.
//!
//! At most one group is being committed per [`GroupCommit`]; it runs as its
//! own task, so a caller that gives up (a client that hangs up) cannot
//! leave the others of its group without an answer. That task runs on a
//! thread the queue owns, not on the runtime of whoever submitted first: a
//! server stopping its request workers one by one must not take the
//! commits queued by the others with the first that stops.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::FutureExt;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// What commits a group of jobs: one answer per job, in the jobs' order.
pub trait Committer: Clone + Send + Sync + 'static {
    /// One write.
    type Job: Send + 'static;
    /// Its answer.
    type Outcome: Send + 'static;
    /// Commits `jobs` together.
    fn commit(&self, jobs: Vec<Self::Job>) -> impl Future<Output = Vec<Self::Outcome>> + Send;
}

/// The queue of one store's writes.
pub struct GroupCommit<J, O> {
    shared: Arc<Mutex<Queue<J, O>>>,
    largest: usize,
    runner: Runner,
}

struct Queue<J, O> {
    waiting: Vec<(J, oneshot::Sender<O>)>,
    committing: bool,
}

/// The group a job was in ended without answering it (its commit panicked
/// or the runtime is shutting down); whether it was written is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the group this write was committed in ended without an answer")]
pub struct Unanswered;

impl<J: Send + 'static, O: Send + 'static> GroupCommit<J, O> {
    /// A queue whose groups hold at most `largest` jobs.
    pub fn new(largest: usize) -> Self {
        GroupCommit {
            shared: Arc::new(Mutex::new(Queue {
                waiting: Vec::new(),
                committing: false,
            })),
            largest: largest.max(1),
            runner: Runner::start(),
        }
    }

    /// Queues `job` and waits for its group's answer.
    ///
    /// # Errors
    /// [`Unanswered`] when the group ended without an answer.
    pub async fn submit<C>(&self, committer: &C, job: J) -> Result<O, Unanswered>
    where
        C: Committer<Job = J, Outcome = O>,
    {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut queue = lock(&self.shared);
            queue.waiting.push((job, answer));
            !std::mem::replace(&mut queue.committing, true)
        };
        // Spawned with the queue unlocked: a runtime that is shutting down
        // drops the task at once, and its drop takes the lock.
        if start {
            let drain = Drain {
                shared: Arc::clone(&self.shared),
                done: false,
            };
            self.runner
                .spawn(drain.run(committer.clone(), self.largest));
        }
        answered.await.map_err(|_| Unanswered)
    }
}

impl<J, O> std::fmt::Debug for GroupCommit<J, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("largest", &self.largest)
            .finish_non_exhaustive()
    }
}

/// The thread groups are committed on, with a runtime of its own (timers
/// and I/O enabled, for stores whose drivers need them). It stops once the
/// queue is dropped, which a running group prevents: it holds the store,
/// and so the queue, until it has answered.
struct Runner {
    /// `None` only if no thread could be started: then groups run on the
    /// submitter's runtime, as a last resort.
    handle: Option<Handle>,
    /// Dropped with the queue, which ends the thread.
    _stop: Option<oneshot::Sender<()>>,
}

impl Runner {
    fn start() -> Runner {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let Ok(runtime) = runtime else {
            return Runner {
                handle: None,
                _stop: None,
            };
        };
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("oms-group-commit".to_owned())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            });
        match thread {
            Ok(_) => Runner {
                handle: Some(handle),
                _stop: Some(stop),
            },
            Err(_) => Runner {
                handle: None,
                _stop: None,
            },
        }
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(&self, task: F) {
        match &self.handle {
            Some(handle) => drop(handle.spawn(task)),
            None => drop(tokio::spawn(task)),
        }
    }
}

/// The task committing groups until none is waiting.
struct Drain<J, O> {
    shared: Arc<Mutex<Queue<J, O>>>,
    /// Whether it stopped because nothing was waiting (else it was
    /// cancelled).
    done: bool,
}

impl<J: Send + 'static, O: Send + 'static> Drain<J, O> {
    async fn run<C: Committer<Job = J, Outcome = O>>(mut self, committer: C, largest: usize) {
        let mut committer = Some(committer);
        let mut group = self.next_group(largest);
        while let (Some(jobs), Some(committing)) = (group.take(), committer.as_ref()) {
            let (jobs, answers): (Vec<J>, Vec<_>) = jobs.into_iter().unzip();
            let committed = AssertUnwindSafe(committing.commit(jobs))
                .catch_unwind()
                .await;
            // The next group is taken before this one hears back; with none
            // waiting, the committer (a store handle) is let go first, so a
            // caller that drops its store on hearing back finds it released.
            group = self.next_group(largest);
            if group.is_none() {
                drop(committer.take());
            }
            // A panicked group drops its answers: each caller hears it
            // went unanswered, and the next group goes on.
            if let Ok(outcomes) = committed {
                for (answer, outcome) in answers.into_iter().zip(outcomes) {
                    let _ = answer.send(outcome);
                }
            }
        }
    }

    /// Up to `largest` waiting jobs, or `None` (and the queue marked idle)
    /// when none is waiting.
    fn next_group(&mut self, largest: usize) -> Option<Vec<(J, oneshot::Sender<O>)>> {
        let mut queue = lock(&self.shared);
        if queue.waiting.is_empty() {
            queue.committing = false;
            drop(queue);
            self.done = true;
            return None;
        }
        let take = queue.waiting.len().min(largest);
        Some(queue.waiting.drain(..take).collect())
    }
}

impl<J, O> Drop for Drain<J, O> {
    /// Cancelled with its runtime (the process is ending): nobody is left
    /// to commit what waits, so it is dropped unanswered.
    fn drop(&mut self) {
        if !self.done {
            let mut queue = lock(&self.shared);
            queue.waiting.clear();
            queue.committing = false;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The queue is consistent at every unlock; a panic elsewhere while
    // holding it poisons nothing worth refusing.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
