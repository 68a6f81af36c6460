//! Every store port and the event log on SQLite, in one database file: the
//! embedded default, durable with no server to run.
//!
//! Durability: WAL with `synchronous=FULL`, so a write acknowledged is on
//! disk. Speed comes from group commit, not weaker syncing: placements and
//! revisions that arrive while the writer is busy are decided one by one
//! against the running state and committed together, one fsync per group
//! (`orders/group.rs`). One connection writes; reads go through a fixed set
//! of read connections (`readers.rs`), which WAL lets run beside the
//! writer; a thread of its own copies the log back into the file
//! (`checkpoint.rs`). Writes and reads that may scan run on tokio's
//! blocking pool; a read of a few rows by key runs where it is asked.
//!
//! One process at a time: a lock file beside the database (`<file>.lock`)
//! is held while the store is open, and a second opener is refused. The
//! schema is versioned SQL under `migrations/sqlite/`, applied at open.
//!
//! Depends on `oms-domain`, `oms-ports` and `rusqlite`; never on `oms-app`.

mod background;
mod checkpoint;
mod customers;
mod errors;
mod event_rows;
mod events;
mod open;
mod orders;
mod paging;
mod products;
mod readers;
mod rows;
mod schema;
mod search_index;
mod users;
mod webhooks;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use oms_commit::group::GroupCommit;
use oms_ports::error::StoreError;
use oms_ports::events::EventRetention;
use oms_ports::store::StoreHealth;
use oms_rules::ledger::{Decision, Write};
use parking_lot::Mutex;
use rusqlite::Connection;
use tokio::sync::watch;

pub use errors::OpenError;
pub use schema::MIGRATIONS;
pub use users::SharedUsers;

/// The most writes one transaction carries.
const LARGEST_GROUP: usize = 256;

/// A store on one SQLite database. Clones share it.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// Shared with the search indexer, which writes between groups.
    writer: Arc<Mutex<Connection>>,
    readers: readers::Readers,
    /// The orders last read or written, decoded (`orders/recent.rs`).
    recent: orders::Recent,
    group: GroupCommit<Write, Decision>,
    /// Sent on after every commit that recorded events.
    committed: watch::Sender<()>,
    /// This database's own prefix of event positions.
    log_id: String,
    retention: EventRetention,
    /// When the writer last deleted expired events (at first, the open).
    pruned_at: Mutex<std::time::Instant>,
    /// Stopped and joined when the store is dropped (the indexer before
    /// the lock is let go, as it holds the writing connection).
    _indexer: background::Background,
    _checkpointer: background::Background,
    /// Held while the store is open: the lock that keeps others out.
    _lock: File,
    /// The runtime the store was opened on: its blocking pool runs every
    /// statement, whichever runtime asks (a background one at low
    /// priority must not hold the writer on a thread of its own).
    runtime: Option<tokio::runtime::Handle>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// The database file this store keeps its data in.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `work` on a read connection, on the blocking pool: for reads
    /// that may scan.
    async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let permit = self.inner.readers.take().await?;
        let inner = Arc::clone(&self.inner);
        blocking(self.inner.runtime.as_ref(), move || {
            inner.readers.run(permit, work)
        })
        .await
    }

    /// Runs `work`, a read of a few rows by key, on the caller's thread
    /// when a read connection is free: from the page cache it takes
    /// microseconds, less than the trip to the blocking pool and back.
    async fn read_point<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        // A lowered thread (background work) could sit on the connection
        // while busier threads wait: it reads through the pool.
        let free = (!oms_ports::background::lowered())
            .then(|| self.inner.readers.try_take())
            .flatten();
        match free {
            Some(permit) => self.inner.readers.run(permit, work),
            None => self.read(work).await,
        }
    }

    /// Runs `work` on the one writing connection, on the blocking pool.
    async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        blocking(self.inner.runtime.as_ref(), move || {
            work(&mut inner.writer.lock())
        })
        .await
    }
}

impl SqliteStore {
    /// As [`SqliteStore::write`], committed without waiting for the disk:
    /// for writes a power cut may undo without harm, because what they
    /// record is done again (webhook deliveries are at least once). A
    /// crash of the process loses nothing (the WAL is in the OS's cache),
    /// and the next synchronous commit makes these durable too.
    async fn write_unsynced<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        self.write(move |c| unsynced(c, work)).await
    }
}

/// Runs `work` on the writing connection `c` with commits not waited onto
/// the disk.
fn unsynced<T, E>(
    c: &mut Connection,
    work: impl FnOnce(&mut Connection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    c.execute_batch("PRAGMA synchronous = NORMAL")
        .map_err(errors::store_error)?;
    let done = work(c);
    c.execute_batch("PRAGMA synchronous = FULL")
        .map_err(errors::store_error)?;
    done
}

/// Runs `work` on the blocking pool of `runtime` (else the caller's); a
/// panic there is the store failing.
async fn blocking<T, E, F>(runtime: Option<&tokio::runtime::Handle>, work: F) -> Result<T, E>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    let spawned = match runtime {
        // The pool may start a thread for this job, which would inherit
        // the caller's lowered priority: it is asked from the runtime.
        Some(runtime) if oms_ports::background::lowered() => runtime
            .spawn(async move { tokio::task::spawn_blocking(work).await })
            .await
            .and_then(|inner| inner),
        Some(runtime) => runtime.spawn_blocking(work).await,
        None => tokio::task::spawn_blocking(work).await,
    };
    match spawned {
        Ok(result) => result,
        Err(e) => Err(StoreError::Internal(e.into()).into()),
    }
}

#[async_trait]
impl StoreHealth for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.read_point(|c| {
            c.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(errors::store_error)
        })
        .await?;
        // Reads go on beside a stalled writer; readiness is about writes too.
        let inner = Arc::clone(&self.inner);
        blocking(self.inner.runtime.as_ref(), move || {
            let Some(mut writer) = inner.writer.try_lock_for(WRITER_PROBE) else {
                return Err(StoreError::Unavailable(
                    "the database's writer has been busy for too long".into(),
                ));
            };
            open::probe_write_lock(&mut writer, WRITER_PROBE)
        })
        .await
    }

    async fn drain(&self) {
        self.inner.group.drain().await;
    }
}

/// How long readiness waits for the writer and the database's write lock.
const WRITER_PROBE: std::time::Duration = std::time::Duration::from_secs(1);

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::blocking;
    use oms_ports::error::StoreError;

    /// The calling thread's nice value, from `/proc`.
    fn nice() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 1..];
        after_name
            .split_whitespace()
            .nth(16)
            .unwrap()
            .parse()
            .unwrap()
    }

    #[test]
    fn statements_asked_from_a_lowered_thread_run_on_threads_of_normal_priority() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(4)
            .build()
            .unwrap();
        let handle = runtime.handle().clone();
        let (asker, ran_at) = std::thread::spawn(move || {
            thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min)
                .unwrap();
            oms_ports::background::mark_lowered();
            let asker = nice();
            let local = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            // The pool is empty: this job starts its first thread.
            let ran_at = local
                .block_on(blocking(Some(&handle), || Ok::<_, StoreError>(nice())))
                .unwrap();
            (asker, ran_at)
        })
        .join()
        .unwrap();
        assert_eq!(asker, 19, "the asking thread was lowered");
        assert_eq!(ran_at, 0, "the pool's thread kept normal priority");
    }
}
