//! Copying the write-ahead log back into the database file off the
//! writer's path: a thread of its own, with a connection of its own, runs a
//! passive checkpoint (which never blocks the writer or readers) a few
//! times a second, and stops when the store is dropped. Left to the writer,
//! each checkpoint stalled the commit that triggered it.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(250);

/// Starts the checkpointer for the database at `path`; it runs until the
/// returned sender is dropped.
pub(crate) fn start(path: PathBuf) -> Sender<()> {
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
    if let Err(error) = spawned {
        tracing::error!(%error, "no checkpointer thread; the writer checkpoints instead");
    }
    stop
}
