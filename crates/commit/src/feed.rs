//! Following a store's event log in this process: read it again whenever
//! the store says something committed.

use std::time::Duration;

use async_trait::async_trait;
use oms_ports::error::StoreError;
use oms_ports::events::{EventFeed, EventLog, EventPosition, LoggedEvent, ReadEventsError};

/// Follows the log of a store in this process by reading it again whenever
/// the store says something committed (a `watch` channel it sends on after
/// each commit that recorded events).
///
/// Under a stream of commits it reads at most once per [`WokenFeed::GATHER`]:
/// each read then takes many events, where waking for every commit cost
/// the committing threads a cross-thread wake each and a reader holding the
/// store's lock between their writes. A commit after a quiet spell is read
/// at once.
#[derive(Debug)]
pub struct WokenFeed<L> {
    log: L,
    woken: tokio::sync::watch::Receiver<()>,
    after: EventPosition,
    last_read: Option<tokio::time::Instant>,
}

impl<L: EventLog> WokenFeed<L> {
    /// The least time between two reads while commits keep coming.
    pub const GATHER: Duration = Duration::from_millis(1);

    /// Follows `log` from `after`, checked already, woken by `woken`.
    pub fn new(log: L, woken: tokio::sync::watch::Receiver<()>, after: EventPosition) -> Self {
        WokenFeed {
            log,
            woken,
            after,
            last_read: None,
        }
    }
}

#[async_trait]
impl<L: EventLog> EventFeed for WokenFeed<L> {
    async fn next_events(&mut self, limit: usize) -> Result<Vec<LoggedEvent>, ReadEventsError> {
        loop {
            if let Some(last) = self.last_read {
                tokio::time::sleep_until(last + Self::GATHER).await;
            }
            // Marked seen before reading, so a commit after the read still
            // wakes the wait below.
            self.woken.borrow_and_update();
            let page = self.log.read_after(&self.after, limit).await?;
            // A full page means more is waiting: the next read need not wait.
            self.last_read = (page.events.len() < limit).then(tokio::time::Instant::now);
            if let Some(last) = page.events.last() {
                self.after = last.position.clone();
                return Ok(page.events);
            }
            // Nothing to hand out, but the read may vouch past rows it
            // skipped (ones this build cannot read): go on from there.
            if page.through > self.after {
                self.after = page.through;
                continue;
            }
            if self.woken.changed().await.is_err() {
                return Err(StoreError::Internal("the store went away".into()).into());
            }
        }
    }
}
