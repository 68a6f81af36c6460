//! Driver errors in port terms: unreachable servers are `Unavailable` (the
//! API answers 503), everything else is `Internal`, and no driver message
//! ever reaches a client. The codes the adapter acts on are named here.

use mongodb::error::{Error, ErrorKind, WriteFailure};
use oms_ports::error::StoreError;

/// A unique index refused a second document with the same key.
pub(crate) const DUPLICATE_KEY: i32 = 11000;
/// `createCollection` on a collection that exists.
pub(crate) const NAMESPACE_EXISTS: i32 = 48;

/// The server's error code, wherever the driver put it.
pub(crate) fn code(err: &Error) -> Option<i32> {
    match err.kind.as_ref() {
        ErrorKind::Command(e) => Some(e.code),
        ErrorKind::Write(WriteFailure::WriteError(e)) => Some(e.code),
        ErrorKind::Write(WriteFailure::WriteConcernError(e)) => Some(e.code),
        ErrorKind::InsertMany(e) => e
            .write_errors
            .as_ref()
            .and_then(|w| w.first())
            .map(|w| w.code),
        _ => None,
    }
}

pub(crate) fn is_duplicate_key(err: &Error) -> bool {
    code(err) == Some(DUPLICATE_KEY)
}

/// Whether running the whole transaction again may succeed: a conflict
/// with another transaction, not a server that cannot be reached (waiting
/// for that again and again would hold the request for minutes).
pub(crate) fn is_transient(err: &Error) -> bool {
    err.contains_label(mongodb::error::TRANSIENT_TRANSACTION_ERROR) && !is_unreachable(err)
}

/// Whether the commit may or may not have happened (commit again).
pub(crate) fn is_unknown_commit(err: &Error) -> bool {
    err.contains_label(mongodb::error::UNKNOWN_TRANSACTION_COMMIT_RESULT)
}

/// Server codes that mean "not now" rather than "no": shutting down,
/// stepping down, no primary, unreachable hosts, timeouts, a write concern
/// not met in time.
const NOT_NOW: [i32; 12] = [
    6, 7, 64, 89, 91, 189, 262, 10107, 11600, 11602, 13435, 13436,
];

/// Whether the server could not be reached at all (as opposed to refusing).
pub(crate) fn is_unreachable(err: &Error) -> bool {
    matches!(
        err.kind.as_ref(),
        ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::DnsResolve { .. }
    )
}

/// Whether the request may work if sent again later.
fn is_temporary(err: &Error) -> bool {
    is_unreachable(err)
        || is_transient(err)
        || err.contains_label("RetryableWriteError")
        || code(err).is_some_and(|c| NOT_NOW.contains(&c))
}

/// The port error for a driver error.
pub(crate) fn store_error(err: Error) -> StoreError {
    if is_temporary(&err) {
        StoreError::Unavailable(Box::new(err))
    } else {
        StoreError::Internal(Box::new(err))
    }
}
