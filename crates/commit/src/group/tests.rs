use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::time::Instant;

use super::{Committer, GroupCommit, Limits, NotCommitted};

/// Doubles each job, slowly, counting groups and panicking on 13.
#[derive(Clone, Default)]
struct Doubler {
    groups: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl Committer for Doubler {
    type Job = u32;
    type Outcome = u32;
    async fn commit(&self, jobs: Vec<u32>, _: Instant) -> Vec<u32> {
        self.groups.lock().unwrap().push(jobs.len());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!jobs.contains(&13), "unlucky");
        jobs.into_iter().map(|j| j * 2).collect()
    }
    fn unreachable(_: &u32) -> bool {
        false
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

#[test]
fn writes_arriving_during_a_commit_share_the_next_one_and_each_gets_its_answer() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64, Limits::default()));
        let doubler = Doubler::default();
        let tasks: Vec<_> = (0..40u32)
            .map(|n| {
                let (group, doubler) = (Arc::clone(&group), doubler.clone());
                tokio::spawn(async move { group.submit(&doubler, 100 + n).await })
            })
            .collect();
        for (n, task) in (0..40u32).zip(tasks) {
            assert_eq!(task.await.unwrap(), Ok((100 + n) * 2));
        }
        let groups = doubler.groups.lock().unwrap().clone();
        assert_eq!(groups.iter().sum::<usize>(), 40);
        assert!(groups.len() < 10, "40 writes took {} groups", groups.len());
    });
}

#[test]
fn a_group_never_exceeds_its_size() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(4, Limits::default()));
        let doubler = Doubler::default();
        let tasks: Vec<_> = (0..20u32)
            .map(|n| {
                let (group, doubler) = (Arc::clone(&group), doubler.clone());
                tokio::spawn(async move { group.submit(&doubler, 100 + n).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let groups = doubler.groups.lock().unwrap().clone();
        assert!(groups.iter().all(|&n| n <= 4), "{groups:?}");
    });
}

#[test]
fn a_panicking_group_leaves_its_members_unanswered_and_the_next_group_goes_on() {
    runtime().block_on(async {
        let group = GroupCommit::new(64, Limits::default());
        let doubler = Doubler::default();
        assert_eq!(
            group.submit(&doubler, 13).await,
            Err(NotCommitted::Unanswered)
        );
        assert_eq!(group.submit(&doubler, 4).await, Ok(8));
    });
}

#[test]
fn a_caller_that_gives_up_does_not_stop_its_group() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64, Limits::default()));
        let doubler = Doubler::default();
        let quitter = {
            let (group, doubler) = (Arc::clone(&group), doubler.clone());
            tokio::spawn(async move { group.submit(&doubler, 1).await })
        };
        let stayer = {
            let (group, doubler) = (Arc::clone(&group), doubler.clone());
            tokio::spawn(async move { group.submit(&doubler, 2).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        quitter.abort();
        assert_eq!(stayer.await.unwrap(), Ok(4));
    });
}

#[test]
fn a_queue_outlives_the_runtime_it_first_ran_in() {
    let group = GroupCommit::new(64, Limits::default());
    let doubler = Doubler::default();
    runtime().block_on(async {
        assert_eq!(group.submit(&doubler, 1).await, Ok(2));
    });
    runtime().block_on(async {
        assert_eq!(group.submit(&doubler, 2).await, Ok(4));
    });
}

/// Commits slowly, counting the jobs whose commit finished.
#[derive(Clone, Default)]
struct Slow {
    finished: Arc<AtomicUsize>,
}

impl Committer for Slow {
    type Job = u32;
    type Outcome = u32;
    async fn commit(&self, jobs: Vec<u32>, _: Instant) -> Vec<u32> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.finished.fetch_add(jobs.len(), Ordering::SeqCst);
        jobs
    }
    fn unreachable(_: &u32) -> bool {
        false
    }
}

#[test]
fn a_group_is_committed_even_when_the_runtime_that_started_it_stops() {
    let group = Arc::new(GroupCommit::new(64, Limits::default()));
    let slow = Slow::default();
    let first = runtime();
    {
        let (group, slow) = (Arc::clone(&group), slow.clone());
        first.spawn(async move { group.submit(&slow, 0).await });
    }
    std::thread::sleep(Duration::from_millis(10));
    let others = runtime();
    let waiting: Vec<_> = (1..3u32)
        .map(|n| {
            let (group, slow) = (Arc::clone(&group), slow.clone());
            others.spawn(async move { group.submit(&slow, n).await })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(10));
    // As a request worker with no connections stops first at shutdown.
    first.shutdown_background();
    others.block_on(async {
        for (n, job) in (1..3u32).zip(waiting) {
            assert_eq!(
                job.await.unwrap(),
                Ok(n),
                "queued from a worker still running"
            );
        }
    });
    assert_eq!(
        slow.finished.load(Ordering::SeqCst),
        3,
        "the group in flight too"
    );
}

/// Holds each group until told, then answers with the jobs; counts what it
/// committed and keeps the deadlines it was given.
#[derive(Clone)]
struct Gate {
    open: Arc<tokio::sync::Semaphore>,
    committed: Arc<AtomicUsize>,
    deadlines: Arc<std::sync::Mutex<Vec<Instant>>>,
    down: bool,
}

impl Gate {
    fn new(down: bool) -> Gate {
        Gate {
            open: Arc::new(tokio::sync::Semaphore::new(0)),
            committed: Arc::new(AtomicUsize::new(0)),
            deadlines: Arc::default(),
            down,
        }
    }
}

impl Committer for Gate {
    type Job = u32;
    type Outcome = Result<u32, ()>;
    async fn commit(&self, jobs: Vec<u32>, deadline: Instant) -> Vec<Result<u32, ()>> {
        self.deadlines.lock().unwrap().push(deadline);
        self.open.acquire().await.unwrap().forget();
        if self.down {
            return jobs.iter().map(|_| Err(())).collect();
        }
        self.committed.fetch_add(jobs.len(), Ordering::SeqCst);
        jobs.into_iter().map(Ok).collect()
    }
    fn unreachable(outcome: &Result<u32, ()>) -> bool {
        outcome.is_err()
    }
}

fn limits(queue: usize, deadline_ms: u64) -> Limits {
    Limits {
        queue,
        deadline: Duration::from_millis(deadline_ms),
    }
}

#[test]
fn a_full_queue_refuses_at_once_and_takes_writes_again_once_it_drains() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64, limits(2, 10_000)));
        let gate = Gate::new(false);
        let submit = |n: u32| {
            let (group, gate) = (Arc::clone(&group), gate.clone());
            tokio::spawn(async move { group.submit(&gate, n).await })
        };
        let in_flight = submit(0);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let queued = [submit(1), submit(2)];
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Answered while the group ahead is still held: at once.
        assert_eq!(group.submit(&gate, 3).await, Err(NotCommitted::Busy));
        gate.open.add_permits(2);
        assert_eq!(in_flight.await.unwrap(), Ok(Ok(0)));
        for (n, job) in (1..3u32).zip(queued) {
            assert_eq!(job.await.unwrap(), Ok(Ok(n)));
        }
        gate.open.add_permits(1);
        assert_eq!(group.submit(&gate, 4).await, Ok(Ok(4)));
        assert_eq!(gate.committed.load(Ordering::SeqCst), 4);
    });
}

#[test]
fn a_write_not_started_by_its_deadline_is_refused_and_never_written() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64, limits(64, 200)));
        let gate = Gate::new(false);
        let stalled = {
            let (group, gate) = (Arc::clone(&group), gate.clone());
            tokio::spawn(async move { group.submit(&gate, 0).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = Instant::now();
        assert_eq!(group.submit(&gate, 1).await, Err(NotCommitted::Expired));
        // Answered while the group ahead is still held, at its deadline.
        assert!(started.elapsed() >= Duration::from_millis(180));
        gate.open.add_permits(1);
        assert_eq!(stalled.await.unwrap(), Ok(Ok(0)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(gate.committed.load(Ordering::SeqCst), 1, "only the first");
        // The store was told to answer before the caller's deadline.
        let first = gate.deadlines.lock().unwrap()[0];
        assert!(first <= started + Duration::from_millis(200));
    });
}

#[test]
fn a_write_whose_caller_left_is_skipped() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64, limits(64, 10_000)));
        let gate = Gate::new(false);
        let submit = |n: u32| {
            let (group, gate) = (Arc::clone(&group), gate.clone());
            tokio::spawn(async move { group.submit(&gate, n).await })
        };
        let first = submit(0);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let quitter = submit(1);
        let stayer = submit(2);
        tokio::time::sleep(Duration::from_millis(20)).await;
        quitter.abort();
        tokio::time::sleep(Duration::from_millis(20)).await;
        gate.open.add_permits(2);
        assert_eq!(first.await.unwrap(), Ok(Ok(0)));
        assert_eq!(stayer.await.unwrap(), Ok(Ok(2)));
        assert_eq!(gate.committed.load(Ordering::SeqCst), 2, "not the quitter");
    });
}

#[test]
fn once_a_group_finds_the_store_unreachable_the_writes_behind_it_are_refused_at_once() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(1, limits(64, 10_000)));
        let gate = Gate::new(true);
        let submit = |n: u32| {
            let (group, gate) = (Arc::clone(&group), gate.clone());
            tokio::spawn(async move { group.submit(&gate, n).await })
        };
        let first = submit(0);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let behind: Vec<_> = (1..5).map(submit).collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        gate.open.add_permits(1);
        assert_eq!(first.await.unwrap(), Ok(Err(())));
        for job in behind {
            assert_eq!(job.await.unwrap(), Err(NotCommitted::StoreDown));
        }
        assert_eq!(gate.deadlines.lock().unwrap().len(), 1, "one group tried");
    });
}

#[test]
fn draining_answers_everything_queued_and_refuses_what_comes_meanwhile() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(2, limits(64, 10_000)));
        let gate = Gate::new(false);
        let jobs: Vec<_> = (0..5u32)
            .map(|n| {
                let (group, gate) = (Arc::clone(&group), gate.clone());
                tokio::spawn(async move { group.submit(&gate, n).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let closing = {
            let group = Arc::clone(&group);
            tokio::spawn(async move { group.drain().await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(group.submit(&gate, 9).await, Err(NotCommitted::Closed));
        assert!(!closing.is_finished(), "groups are still waiting");
        gate.open.add_permits(5);
        closing.await.unwrap();
        assert_eq!(gate.committed.load(Ordering::SeqCst), 5);
        for (n, job) in (0..5u32).zip(jobs) {
            assert_eq!(job.await.unwrap(), Ok(Ok(n)));
        }
        gate.open.add_permits(1);
        assert_eq!(
            group.submit(&gate, 10).await,
            Ok(Ok(10)),
            "drained, it serves again"
        );
    });
}

#[test]
fn a_write_whose_caller_hung_up_is_skipped_though_its_task_still_waits() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64, limits(64, 10_000)));
        let gate = Gate::new(false);
        let first = {
            let (group, gate) = (Arc::clone(&group), gate.clone());
            tokio::spawn(async move { group.submit(&gate, 0).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let hung_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let left = {
            let (group, gate) = (Arc::clone(&group), gate.clone());
            let hung_up = Arc::clone(&hung_up);
            let waiting: crate::caller::StillWaiting =
                Arc::new(move || !hung_up.load(Ordering::SeqCst));
            tokio::spawn(crate::caller::scope(waiting, async move {
                group.submit(&gate, 1).await
            }))
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        hung_up.store(true, Ordering::SeqCst);
        gate.open.add_permits(2);
        assert_eq!(first.await.unwrap(), Ok(Ok(0)));
        assert_eq!(left.await.unwrap(), Err(NotCommitted::CallerGone));
        assert_eq!(gate.committed.load(Ordering::SeqCst), 1, "only the first");
    });
}
