//! Copying the write-ahead log back into the database file off the
//! writer's path: a thread of its own, with a connection of its own, runs a
//! passive checkpoint (which never blocks the writer or readers) a few
//! times a second. Left to the writer alone, each checkpoint stalled the
//! commit that triggered it.

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::Connection;

use crate::background::{self, Background};

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(250);

/// Starts the checkpointer for the database at `path`.
pub(crate) fn start(path: PathBuf) -> Background {
    background::spawn(
        "oms-sqlite-checkpoint",
        "no checkpointer thread; the writer checkpoints instead",
        move |rounds| {
            let connection = match Connection::open(&path) {
                Ok(connection) => connection,
                Err(error) => {
                    tracing::error!(%error, "the checkpointer cannot open the database; the writer checkpoints instead");
                    return;
                }
            };
            while rounds.wait(EVERY) {
                let done = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                if let Err(error) = done {
                    tracing::warn!(%error, "a checkpoint failed; trying again");
                }
            }
        },
    )
}
