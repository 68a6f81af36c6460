//! A fixed set of threads for password hashing. Each hash takes megabytes
//! (Argon2's memory) and a core for milliseconds; the allocator keeps a
//! freed block for the next use by the same thread, so a fixed set of
//! threads holds at most one block each, where a growing pool of blocking
//! threads would hold one per thread it ever started.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

use oms_ports::passwords::HashingError;

type Job = Box<dyn FnOnce() + Send>;

/// One thread per core, started on first use; they stop when the last
/// handle is dropped. A burst of work queues rather than adding threads.
#[derive(Debug)]
pub(crate) struct HashingThreads {
    threads: usize,
    queue: OnceLock<Option<Sender<Job>>>,
}

impl HashingThreads {
    pub(crate) fn new() -> HashingThreads {
        HashingThreads {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            queue: OnceLock::new(),
        }
    }

    /// Runs `work` on one of the threads and gives its result.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashingError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // A caller that gave up (its client went away) costs no hash.
            if !done.is_closed() {
                let _ = done.send(work());
            }
        });
        let stopped = || HashingError("no password hashing thread is running".into());
        let queue = self.queue().ok_or_else(stopped)?;
        queue.send(job).map_err(|_| stopped())?;
        result
            .await
            .map_err(|_| HashingError("password hashing failed".into()))
    }

    fn queue(&self) -> Option<&Sender<Job>> {
        self.queue
            .get_or_init(|| {
                let (queue, jobs) = channel::<Job>();
                let jobs = Arc::new(Mutex::new(jobs));
                let started = (0..self.threads)
                    .filter(|n| {
                        let jobs = Arc::clone(&jobs);
                        std::thread::Builder::new()
                            .name(format!("oms-hashing-{n}"))
                            .spawn(move || work_through(&jobs))
                            .is_ok()
                    })
                    .count();
                (started > 0).then_some(queue)
            })
            .as_ref()
    }
}

/// A thread's loop: the next job, until every handle is gone. A job that
/// panics drops its answer (the caller sees an error) and the thread goes on.
fn work_through(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let next = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_named_threads_and_a_panic_is_an_error() {
        let threads = HashingThreads::new();
        let name = threads
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("oms-hashing-"));
        let failed = threads.run(|| panic!("a hash went wrong")).await;
        assert!(matches!(failed, Err(HashingError(_))));
        assert_eq!(
            threads.run(|| 2 + 2).await.unwrap(),
            4,
            "the thread survived"
        );
    }
}
