use std::sync::Arc;
use std::time::Duration;

use super::{Committer, GroupCommit, Unanswered};

/// Doubles each job, slowly, counting groups and panicking on 13.
#[derive(Clone, Default)]
struct Doubler {
    groups: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl Committer for Doubler {
    type Job = u32;
    type Outcome = u32;
    async fn commit(&self, jobs: Vec<u32>) -> Vec<u32> {
        self.groups.lock().unwrap().push(jobs.len());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!jobs.contains(&13), "unlucky");
        jobs.into_iter().map(|j| j * 2).collect()
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
        let group = Arc::new(GroupCommit::new(64));
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
        let group = Arc::new(GroupCommit::new(4));
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
        let group = GroupCommit::new(64);
        let doubler = Doubler::default();
        assert_eq!(group.submit(&doubler, 13).await, Err(Unanswered));
        assert_eq!(group.submit(&doubler, 4).await, Ok(8));
    });
}

#[test]
fn a_caller_that_gives_up_does_not_stop_its_group() {
    runtime().block_on(async {
        let group = Arc::new(GroupCommit::new(64));
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
    let group = GroupCommit::new(64);
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
    finished: Arc<std::sync::atomic::AtomicUsize>,
}

impl Committer for Slow {
    type Job = u32;
    type Outcome = u32;
    async fn commit(&self, jobs: Vec<u32>) -> Vec<u32> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.finished
            .fetch_add(jobs.len(), std::sync::atomic::Ordering::SeqCst);
        jobs
    }
}

#[test]
fn a_group_is_committed_even_when_the_runtime_that_queued_it_stops() {
    let group = Arc::new(GroupCommit::new(64));
    let slow = Slow::default();
    let submitter = runtime();
    for n in 0..3u32 {
        let (group, slow) = (Arc::clone(&group), slow.clone());
        submitter.spawn(async move { group.submit(&slow, n).await });
    }
    std::thread::sleep(Duration::from_millis(10));
    // As a request worker stops at shutdown, its tasks with it.
    submitter.shutdown_background();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        slow.finished.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "every queued job was committed"
    );
    runtime().block_on(async {
        assert_eq!(group.submit(&slow, 7).await, Ok(7), "and the queue goes on");
    });
}
