//! The order event log: every committed change to an order, in commit
//! order, recorded by the store in the same atomic step as the change.
//!
//! Nothing publishes events. Each process follows the log of the store it
//! runs on ([`EventLog::follow`]), so an order placed through one instance
//! reaches the subscribers of every instance, and a subscriber that lost its
//! connection catches up from the log ([`EventLog::read_after`]).

use std::time::Duration;

use async_trait::async_trait;
use oms_domain::event::OrderEvent;

use crate::error::StoreError;

/// Where an event sits in a store's log.
///
/// Positions of one store compare, as strings, in commit order: a later
/// event's position is greater. What they look like is the store's
/// business; clients see them as opaque strings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventPosition(String);

impl EventPosition {
    /// A position as a store (or a client handing one back) wrote it.
    pub fn new(text: impl Into<String>) -> EventPosition {
        EventPosition(text.into())
    }

    /// The position's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An event and its place in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedEvent {
    /// Where it sits.
    pub position: EventPosition,
    /// What happened.
    pub event: OrderEvent,
}

/// One bounded read of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventPage {
    /// Events after the position read from, oldest first.
    pub events: Vec<LoggedEvent>,
    /// How far the read vouches: after the position read from and up to
    /// here, the log holds `events` and nothing else. The last event's
    /// position when the page is full; otherwise at least every commit the
    /// store knew of when it read. Reading on from it misses nothing.
    pub through: EventPosition,
}

/// Why events could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadEventsError {
    /// The position is not one this store gave out, or events after it are
    /// past the retention: whoever follows from it must reload its state.
    #[error("the position is unknown or older than the event retention")]
    Lost,
    /// The store failed; reading again later may work.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long a store keeps its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRetention {
    /// Events older than this may be dropped. Reading after a position is
    /// [`ReadEventsError::Lost`] once events after it may be missing; a
    /// store that cannot tell treats every position this old as lost.
    pub max_age: Duration,
    /// Stores that keep events in memory keep at most this many.
    pub max_events: usize,
    /// How long an idempotency key is remembered, whatever becomes of the
    /// events: a client retrying an order within it gets the first answer.
    pub idempotency_keys: Duration,
}

impl Default for EventRetention {
    /// A week, and 10,000 events in memory; keys for a week.
    fn default() -> Self {
        EventRetention {
            max_age: Duration::from_secs(7 * 24 * 60 * 60),
            max_events: 10_000,
            idempotency_keys: Duration::from_secs(7 * 24 * 60 * 60),
        }
    }
}

/// Reads the event log.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait EventLog: Send + Sync + 'static {
    /// A position after every event committed so far: reading or following
    /// from it yields only what commits later.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn tail(&self) -> Result<EventPosition, StoreError>;

    /// Up to `limit` events committed after `after`, oldest first, and how
    /// far the read vouches ([`EventPage::through`]). Fewer events, or none,
    /// when that is all there is now. `after` must be a position exactly as
    /// this store wrote it.
    ///
    /// # Errors
    /// [`ReadEventsError::Lost`] when `after` is not a position this store
    /// could have given out (malformed, another store's, from the future) or
    /// events after it may have been dropped ([`EventRetention`]);
    /// [`ReadEventsError::Store`] when the store fails.
    async fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError>;

    /// Follows the log from `after`: the feed hands out every event
    /// committed after it, in order, waiting for new ones as they commit.
    ///
    /// # Errors
    /// As [`EventLog::read_after`].
    async fn follow(&self, after: EventPosition) -> Result<Box<dyn EventFeed>, ReadEventsError>;
}

/// One reader's way along the log, from [`EventLog::follow`].
#[async_trait]
pub trait EventFeed: Send {
    /// The next events after those already handed out (at most `limit`),
    /// waiting until at least one has committed. Cancel-safe: dropping the
    /// future before it completes loses no event.
    ///
    /// # Errors
    /// [`ReadEventsError::Lost`] when the store dropped events this feed had
    /// not read yet; [`ReadEventsError::Store`] when the store fails. Either
    /// way the feed is spent: follow again from the last position read.
    async fn next_events(&mut self, limit: usize) -> Result<Vec<LoggedEvent>, ReadEventsError>;
}
