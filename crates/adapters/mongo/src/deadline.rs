//! Reads wait for the server a bounded time. The driver has no socket
//! timeout: a server that stops answering (frozen, partitioned) keeps the
//! connection open, and a read would wait for as long. Writes have their
//! own deadline (the group commit's); a read past [`READ_DEADLINE`] is
//! answered as the store being unavailable, which the API says as 503.

use std::future::IntoFuture;
use std::time::Duration;

use oms_ports::error::StoreError;

use crate::errors::store_error;

/// The longest a read waits, well inside the write deadline's default
/// (10 s), so a request that reads and then writes still answers in time.
pub(crate) const READ_DEADLINE: Duration = Duration::from_secs(4);

/// The longest a page of the event log may take: a change stream opened
/// and read batch by batch, on a busy server several seconds, but still
/// answered inside the 10 s a request has.
pub(crate) const EVENT_PAGE_DEADLINE: Duration = Duration::from_secs(9);

/// One driver operation, by the deadline.
pub(crate) async fn read<T>(
    operation: impl IntoFuture<Output = Result<T, mongodb::error::Error>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(READ_DEADLINE, operation.into_future()).await {
        Ok(done) => done.map_err(store_error),
        Err(_) => Err(late()),
    }
}

/// Several steps (a query and its cursor), by `deadline` as a whole.
pub(crate) async fn read_all<T>(
    deadline: Duration,
    steps: impl IntoFuture<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(deadline, steps.into_future())
        .await
        .unwrap_or_else(|_| Err(late()))
}

pub(crate) fn late() -> StoreError {
    StoreError::Unavailable("MongoDB did not answer a read in time".into())
}
