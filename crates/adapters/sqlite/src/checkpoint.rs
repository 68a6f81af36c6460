//! Copying the write-ahead log back into the database file off the
//! writer's path: a thread of its own, with a connection of its own, runs a
//! passive checkpoint (which never blocks the writer or readers) a few
//! times a second, and is stopped and joined when the store is dropped, so
//! nothing touches the files after that. Left to the writer alone, each
//! checkpoint stalled the commit that triggered it.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(250);

/// The running checkpointer; dropping it stops the thread and waits for it.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the checkpointer for the database at `path`.
pub(crate) fn start(path: PathBuf) -> Checkpointer {
    let (stop, stopped) = mpsc::channel::<()>();
    let spawned = std::thread::Builder::new()
        .name("oms-sqlite-checkpoint".into())
        .spawn(move || {
            let connection = match Connection::open(&path) {
                Ok(connection) => connection,
                Err(error) => {
                    tracing::error!(%error, "the checkpointer cannot open the database; the writer checkpoints instead");
                    return;
                }
            };
            loop {
                match stopped.recv_timeout(EVERY) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
                let done = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                if let Err(error) = done {
                    tracing::warn!(%error, "a checkpoint failed; trying again");
                }
            }
        });
    let thread = spawned
        .inspect_err(|error| {
            tracing::error!(%error, "no checkpointer thread; the writer checkpoints instead");
        })
        .ok();
    Checkpointer {
        stop: Some(stop),
        thread,
    }
}
