//! The read connections: a fixed number, opened once and kept, so a read
//! never pays for opening a connection and parsing the schema, and its
//! prepared statements stay cached. A read that finds none free waits for
//! one rather than opening another.

use std::path::PathBuf;
use std::sync::Arc;

use oms_ports::error::StoreError;
use parking_lot::Mutex;
use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::open;

/// Read connections at most: enough for every core to read while as many
/// again wait on the disk.
pub(crate) fn most() -> usize {
    std::thread::available_parallelism().map_or(4, |n| (n.get() * 2).max(4))
}

pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(most())),
        }
    }

    /// A connection now, if one is free.
    pub(crate) fn try_take(&self) -> Option<Permit> {
        self.permits
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|held| Permit { _held: held })
    }

    /// A connection, once one is free.
    pub(crate) async fn take(&self) -> Result<Permit, StoreError> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map(|held| Permit { _held: held })
            .map_err(|e| StoreError::Internal(e.into()))
    }

    /// Runs `work` on a connection `permit` allows.
    pub(crate) fn run<T, E>(
        &self,
        permit: Permit,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let connection = match self.idle.lock().pop() {
            Some(connection) => connection,
            None => open::reader(&self.path)?,
        };
        let result = work(&connection);
        // Only an idle connection goes back: one left inside a read
        // transaction would serve that old snapshot from then on.
        if connection.is_autocommit() {
            self.idle.lock().push(connection);
        }
        drop(permit);
        result
    }
}

/// Leave to use one read connection.
pub(crate) struct Permit {
    _held: OwnedSemaphorePermit,
}
