//! Group commit: writes that arrive while a store's atomic step is in
//! flight wait and share the next one, so a burst of buyers of one product
//! costs a few transactions instead of one each, and never conflicts with
//! itself. A lone write goes at once: nothing waits for company.
//!
//! At most one group is being committed per [`GroupCommit`]; it runs as its
//! own task on a thread the queue owns (`runner.rs`), not on the runtime of
//! whoever submitted first, so neither a caller that gives up nor a request
//! worker that stops at shutdown takes the others' writes with it.
//!
//! Every write is answered once, in time ([`Limits`]): a full queue refuses
//! at once, a write not started by its deadline is refused and never
//! written, a write whose caller has gone is skipped, and once a group
//! finds the store unreachable the writes queued behind it are refused
//! rather than each waiting its turn to find the same.

mod runner;

use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::FutureExt;
use oms_ports::error::StoreError;
use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;

use crate::caller::{self, StillWaiting};
use runner::Runner;

/// What commits a group of jobs: one answer per job, in the jobs' order.
pub trait Committer: Clone + Send + Sync + 'static {
    /// One write.
    type Job: Send + 'static;
    /// Its answer.
    type Outcome: Send + 'static;
    /// Commits `jobs` together, answering by `deadline`: a store that
    /// cannot start the group by then writes none of it and answers every
    /// job as unavailable.
    fn commit(
        &self,
        jobs: Vec<Self::Job>,
        deadline: Instant,
    ) -> impl Future<Output = Vec<Self::Outcome>> + Send;
    /// Whether `outcome` says the store could not be reached: the writes
    /// queued behind its group are then refused at once.
    fn unreachable(outcome: &Self::Outcome) -> bool;
}

/// How much waits, and how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Writes waiting for a group; one more is refused as busy.
    pub queue: usize,
    /// From a write's arrival to its answer.
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            queue: 4096,
            deadline: Duration::from_secs(10),
        }
    }
}

/// Why a write got no outcome from its store. Every case but
/// [`NotCommitted::Unanswered`] means it was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotCommitted {
    /// The queue was full.
    #[error("too many writes are waiting for the store")]
    Busy,
    /// It was not started within its deadline.
    #[error("the write was not started within its deadline")]
    Expired,
    /// A group ahead of it found the store unreachable.
    #[error("the store could not be reached by the writes ahead of this one")]
    StoreDown,
    /// Its caller had gone before its group formed.
    #[error("the caller had gone before the write was started")]
    CallerGone,
    /// The store is draining its queue (the server is stopping).
    #[error("the store is finishing its queued writes and takes no new ones")]
    Closed,
    /// The group it was in ended without an answer (its commit panicked,
    /// or the process is ending): whether it was written is unknown.
    #[error("the group this write was committed in ended without an answer")]
    Unanswered,
}

impl From<NotCommitted> for StoreError {
    /// What a write's caller hears.
    fn from(not: NotCommitted) -> StoreError {
        match not {
            NotCommitted::Busy => StoreError::Busy,
            NotCommitted::Expired
            | NotCommitted::StoreDown
            | NotCommitted::CallerGone
            | NotCommitted::Closed => StoreError::Unavailable(not.into()),
            NotCommitted::Unanswered => StoreError::OutcomeUnknown(not.into()),
        }
    }
}

type Answer<O> = oneshot::Sender<Result<O, NotCommitted>>;

/// The queue of one store's writes.
pub struct GroupCommit<J, O> {
    shared: Arc<Shared<J, O>>,
    largest: usize,
    limits: Limits,
    runner: Runner,
}

struct Shared<J, O> {
    queue: Mutex<Queue<J, O>>,
    /// Told when the last group is done and none is left.
    idle: Notify,
}

struct Queue<J, O> {
    waiting: VecDeque<Pending<J, O>>,
    committing: bool,
    closed: bool,
    tickets: u64,
}

struct Pending<J, O> {
    ticket: u64,
    job: J,
    answer: Answer<O>,
    /// Set when the server can tell whether its client is still there.
    caller: Option<StillWaiting>,
    /// When the store must have started it (a little before its caller's
    /// deadline, see [`answer_allowance`]).
    cutoff: Instant,
}

impl<J, O> Pending<J, O> {
    /// Whether nobody waits for its answer any more.
    fn gone(&self) -> bool {
        self.answer.is_closed() || self.caller.as_ref().is_some_and(|waiting| !waiting())
    }
}

/// The store is cut off this long before a write's deadline, so the
/// answer reaches its caller by the deadline rather than just after.
fn answer_allowance(deadline: Duration) -> Duration {
    (deadline / 10).min(Duration::from_millis(500))
}

impl<J: Send + 'static, O: Send + 'static> GroupCommit<J, O> {
    /// A queue whose groups hold at most `largest` jobs.
    pub fn new(largest: usize, limits: Limits) -> Self {
        GroupCommit {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue {
                    waiting: VecDeque::new(),
                    committing: false,
                    closed: false,
                    tickets: 0,
                }),
                idle: Notify::new(),
            }),
            largest: largest.max(1),
            limits: Limits {
                queue: limits.queue.max(1),
                ..limits
            },
            runner: Runner::start(),
        }
    }

    /// The limits it was made with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Queues `job` and waits for its group's answer.
    ///
    /// # Errors
    /// [`NotCommitted`]: why the job has no outcome.
    pub async fn submit<C>(&self, committer: &C, job: J) -> Result<O, NotCommitted>
    where
        C: Committer<Job = J, Outcome = O>,
    {
        let (answer, mut answered) = oneshot::channel();
        let deadline = Instant::now() + self.limits.deadline;
        let cutoff = deadline - answer_allowance(self.limits.deadline);
        let (ticket, start) = {
            let mut queue = lock(&self.shared.queue);
            if queue.closed {
                return Err(NotCommitted::Closed);
            }
            if queue.waiting.len() >= self.limits.queue {
                // Callers that left still hold places until a group forms.
                let (gone, kept): (VecDeque<_>, VecDeque<_>) = std::mem::take(&mut queue.waiting)
                    .into_iter()
                    .partition(Pending::gone);
                queue.waiting = kept;
                for pending in gone {
                    let _ = pending.answer.send(Err(NotCommitted::CallerGone));
                }
                if queue.waiting.len() >= self.limits.queue {
                    return Err(NotCommitted::Busy);
                }
            }
            queue.tickets += 1;
            let ticket = queue.tickets;
            queue.waiting.push_back(Pending {
                ticket,
                job,
                answer,
                caller: caller::current(),
                cutoff,
            });
            (ticket, !std::mem::replace(&mut queue.committing, true))
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
        // Not taken by the cut-off, it would not be started in time.
        if let Ok(answer) = tokio::time::timeout_at(cutoff, &mut answered).await {
            return answer.unwrap_or(Err(NotCommitted::Unanswered));
        }
        let withdrawn = {
            let mut queue = lock(&self.shared.queue);
            let at = queue.waiting.iter().position(|p| p.ticket == ticket);
            at.and_then(|at| queue.waiting.remove(at)).is_some()
        };
        if withdrawn {
            return Err(NotCommitted::Expired);
        }
        // Taken into a group, which answers by this job's deadline.
        answered.await.unwrap_or(Err(NotCommitted::Unanswered))
    }

    /// Takes no new writes until every queued one is answered, then
    /// returns (and takes writes again).
    pub async fn drain(&self) {
        lock(&self.shared.queue).closed = true;
        loop {
            let idle = self.shared.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            {
                let mut queue = lock(&self.shared.queue);
                if !queue.committing {
                    queue.closed = false;
                    return;
                }
            }
            idle.await;
        }
    }
}

impl<J, O> std::fmt::Debug for GroupCommit<J, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("largest", &self.largest)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The task committing groups until none is waiting.
struct Drain<J, O> {
    shared: Arc<Shared<J, O>>,
    /// Whether it stopped because nothing was waiting (else it was
    /// cancelled).
    done: bool,
}

impl<J: Send + 'static, O: Send + 'static> Drain<J, O> {
    async fn run<C: Committer<Job = J, Outcome = O>>(mut self, committer: C, largest: usize) {
        let mut committer = Some(committer);
        let mut group = self.next_group(largest);
        while let (Some((jobs, deadline)), Some(committing)) = (group.take(), committer.as_ref()) {
            let (jobs, answers): (Vec<J>, Vec<_>) = jobs.into_iter().unzip();
            let committed = AssertUnwindSafe(committing.commit(jobs, deadline))
                .catch_unwind()
                .await;
            if let Ok(outcomes) = &committed
                && outcomes.iter().any(C::unreachable)
            {
                self.refuse_waiting(NotCommitted::StoreDown);
            }
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
                    let _ = answer.send(Ok(outcome));
                }
            }
        }
    }

    /// Up to `largest` waiting jobs whose callers still wait, with the
    /// earliest of their cut-offs; `None` (and the queue marked idle)
    /// when none is left. Jobs past their cut-off are refused here.
    #[allow(clippy::type_complexity)]
    fn next_group(&mut self, largest: usize) -> Option<(Vec<(J, Answer<O>)>, Instant)> {
        let now = Instant::now();
        let mut queue = lock(&self.shared.queue);
        let mut group = Vec::new();
        let mut earliest: Option<Instant> = None;
        while group.len() < largest {
            let Some(pending) = queue.waiting.pop_front() else {
                break;
            };
            if pending.gone() {
                let _ = pending.answer.send(Err(NotCommitted::CallerGone));
                continue;
            }
            if pending.cutoff <= now {
                let _ = pending.answer.send(Err(NotCommitted::Expired));
                continue;
            }
            earliest = Some(earliest.map_or(pending.cutoff, |e| e.min(pending.cutoff)));
            group.push((pending.job, pending.answer));
        }
        match earliest {
            Some(deadline) => Some((group, deadline)),
            None => {
                queue.committing = false;
                drop(queue);
                self.done = true;
                self.shared.idle.notify_waiters();
                None
            }
        }
    }

    fn refuse_waiting(&self, why: NotCommitted) {
        let refused: Vec<_> = lock(&self.shared.queue).waiting.drain(..).collect();
        for pending in refused {
            let _ = pending.answer.send(Err(why));
        }
    }
}

impl<J, O> Drop for Drain<J, O> {
    /// Cancelled with its runtime (the process is ending): nobody is left
    /// to commit what waits, so it is dropped unanswered.
    fn drop(&mut self) {
        if !self.done {
            let mut queue = lock(&self.shared.queue);
            queue.waiting.clear();
            queue.committing = false;
            drop(queue);
            self.shared.idle.notify_waiters();
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
