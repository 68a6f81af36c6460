//! What opening the database and using it can fail with.

use std::path::PathBuf;

use oms_ports::error::StoreError;
use rusqlite::ErrorCode;

/// Why the store could not be opened. Each is a message for whoever runs
/// `oms`, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The directory for the database cannot be made or written.
    #[error("cannot use the data directory {path}: {reason}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// Another process has the database open.
    #[error("{path} is in use by another process (it holds {path}.lock); stop it first")]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// The database was written by a newer build.
    #[error(
        "{path} was written by a newer version of oms (schema version {found}; this build knows up to {known}); run that version or newer"
    )]
    Newer {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The database has an older schema than this build writes, and
    /// another process holds it.
    #[error(
        "{path} has schema version {found} and this build writes {known}: start this build's server on it (it migrates at start), then try again"
    )]
    Older {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The file is not a database, or is damaged.
    #[error("{path} is not a usable database: {reason}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// Anything else SQLite refused.
    #[error("cannot open {path}: {reason}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
}

impl OpenError {
    /// The error for `path` that SQLite's `error` means.
    pub(crate) fn from_sqlite(path: &std::path::Path, error: &rusqlite::Error) -> OpenError {
        let path = path.to_owned();
        let reason = error.to_string();
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                OpenError::Corrupt { path, reason }
            }
            Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
                let path = path.parent().map(ToOwned::to_owned).unwrap_or(path);
                OpenError::Directory { path, reason }
            }
            _ => OpenError::Sqlite { path, reason },
        }
    }
}

/// The store error a failed SQLite call is: the disk (full, failing,
/// read-only) or a lock timing out may mend (unavailable); anything else is
/// a bug or damage (internal).
pub(crate) fn store_error(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure
            | ErrorCode::ReadOnly
            | ErrorCode::CannotOpen,
        ) => StoreError::Unavailable(error.into()),
        _ => StoreError::Internal(error.into()),
    }
}

pub(crate) use oms_ports::error::{corrupt, field};
