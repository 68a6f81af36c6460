//! The event log on MongoDB, read through change streams on `events`.
//!
//! Commit order across every instance is the order a change stream reports,
//! and each change carries its commit's cluster time. A position is that
//! cluster time and the event's `seq` within its transaction, as 20
//! fixed-width hex digits (`"<seconds:8><increment:8><seq:4>"`), so
//! positions compare as strings in commit order. Reading after a position
//! opens a change stream at its cluster time and skips what is not after
//! it; no counter document is kept, which would make every order
//! transaction conflict with every other.
//!
//! Retention: events expire from the collection after `max_age` (a TTL
//! index), and a position older than that is refused as lost, as is one
//! the server's own change history no longer reaches.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures::{FutureExt, StreamExt};
use mongodb::bson::{Timestamp, doc};
use mongodb::change_stream::ChangeStream;
use mongodb::change_stream::event::ChangeStreamEvent;
use mongodb::options::ReadConcern;
use oms_domain::event::OrderEvent;
use oms_ports::error::StoreError;
use oms_ports::events::{EventFeed, EventLog, EventPosition, LoggedEvent, ReadEventsError};

use crate::MongoStore;
use crate::documents::corrupt;
use crate::documents::events::EventDoc;
use crate::errors::{code, store_error};

/// A change stream over inserted events.
type Changes = ChangeStream<ChangeStreamEvent<EventDoc>>;

/// Server codes for a change stream that cannot start where asked: history
/// lost (286), a fatal stream error (280), a capped position lost (136), a
/// start the server cannot parse (9).
const HISTORY_GONE: [i32; 4] = [286, 280, 136, 9];

/// How far ahead of this machine's clock a position may claim to be.
const CLOCK_SKEW: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    time: u32,
    increment: u32,
    seq: u16,
}

impl Position {
    fn parse(position: &EventPosition) -> Option<Position> {
        let text = position.as_str();
        let hex = |range: std::ops::Range<usize>| text.get(range);
        if text.len() != 20 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Position {
            time: u32::from_str_radix(hex(0..8)?, 16).ok()?,
            increment: u32::from_str_radix(hex(8..16)?, 16).ok()?,
            seq: u16::from_str_radix(hex(16..20)?, 16).ok()?,
        })
    }

    fn text(self) -> EventPosition {
        EventPosition::new(format!(
            "{:08x}{:08x}{:04x}",
            self.time, self.increment, self.seq
        ))
    }

    fn cluster_time(self) -> Timestamp {
        Timestamp {
            time: self.time,
            increment: self.increment,
        }
    }
}

impl MongoStore {
    /// `after` as a position to start from, if it is one this store could
    /// have given out and is within the retention.
    fn start_of(&self, after: &EventPosition) -> Result<Position, ReadEventsError> {
        let position = Position::parse(after).ok_or(ReadEventsError::Lost)?;
        // Cluster times count whole seconds: the commit may be up to one
        // second later than the position says.
        let written = UNIX_EPOCH + Duration::from_secs(u64::from(position.time) + 1);
        let now = SystemTime::now();
        let too_old = now
            .duration_since(written)
            .is_ok_and(|age| age > self.event_retention.max_age);
        let from_the_future = written
            .duration_since(now)
            .is_ok_and(|ahead| ahead > CLOCK_SKEW);
        if too_old || from_the_future {
            return Err(ReadEventsError::Lost);
        }
        Ok(position)
    }

    /// Inserted events from `from`'s cluster time on (that instant included).
    async fn changes_from(
        &self,
        from: Position,
        wait: Duration,
    ) -> Result<Changes, ReadEventsError> {
        self.events()
            .watch()
            .pipeline([doc! { "$match": { "operationType": "insert" } }])
            .start_at_operation_time(from.cluster_time())
            .max_await_time(wait)
            .await
            .map_err(read_error)
    }

    /// Brings the expiry index of `events` in line with the retention.
    ///
    /// # Errors
    /// [`StoreError`] when the server refuses or cannot be reached.
    pub async fn apply_event_retention(&self) -> Result<(), StoreError> {
        let seconds = i64::try_from(self.event_retention.max_age.as_secs()).unwrap_or(i64::MAX);
        let command = doc! {
            "collMod": "events",
            "index": { "name": "expiry", "expireAfterSeconds": seconds },
        };
        self.database()
            .run_command(command)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}

fn read_error(e: mongodb::error::Error) -> ReadEventsError {
    if code(&e).is_some_and(|c| HISTORY_GONE.contains(&c)) {
        ReadEventsError::Lost
    } else {
        ReadEventsError::Store(store_error(e))
    }
}

/// The event a change reports, with its position.
fn logged(change: ChangeStreamEvent<EventDoc>) -> Result<LoggedEvent, ReadEventsError> {
    let time = change
        .cluster_time
        .ok_or_else(|| corrupt("a change without its cluster time"))?;
    let doc = change
        .full_document
        .ok_or_else(|| corrupt("an inserted event without its document"))?;
    let seq = u16::try_from(doc.seq).map_err(|_| corrupt("event.seq out of range"))?;
    let position = Position {
        time: time.time,
        increment: time.increment,
        seq,
    };
    Ok(LoggedEvent {
        position: position.text(),
        event: OrderEvent::try_from(doc)?,
    })
}

#[async_trait]
impl EventLog for MongoStore {
    async fn tail(&self) -> Result<EventPosition, StoreError> {
        // The cluster time of a majority read: whatever committed before it
        // is visible to a stream started there, and whatever commits later
        // gets a later cluster time.
        let mut session = self.client.start_session().await.map_err(store_error)?;
        self.events()
            .find_one(doc! { "_id": "" })
            .read_concern(ReadConcern::majority())
            .session(&mut session)
            .await
            .map_err(store_error)?;
        let now = session.operation_time().ok_or_else(|| {
            StoreError::Internal(
                "the server reports no cluster time: the event log needs a replica set".into(),
            )
        })?;
        let position = Position {
            time: now.time,
            increment: now.increment,
            seq: u16::MAX,
        };
        Ok(position.text())
    }

    async fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<Vec<LoggedEvent>, ReadEventsError> {
        let from = self.start_of(after)?;
        let mut changes = self.changes_from(from, Duration::from_millis(10)).await?;
        let mut events = Vec::new();
        // The first batch of a new stream may be empty with more to come:
        // only two empty answers in a row mean "nothing more now".
        let mut empty = 0;
        while events.len() < limit && empty < 2 {
            match changes.next_if_any().await.map_err(read_error)? {
                Some(change) => {
                    empty = 0;
                    let event = logged(change)?;
                    if &event.position > after {
                        events.push(event);
                    }
                }
                None => empty += 1,
            }
        }
        Ok(events)
    }

    async fn follow(&self, after: EventPosition) -> Result<Box<dyn EventFeed>, ReadEventsError> {
        let from = self.start_of(&after)?;
        let changes = self.changes_from(from, Duration::from_secs(1)).await?;
        Ok(Box::new(MongoFeed {
            changes,
            after,
            failed: None,
        }))
    }
}

/// Follows `events` with one change stream.
struct MongoFeed {
    changes: Changes,
    after: EventPosition,
    /// A failure met while handing out buffered events, reported next time.
    failed: Option<ReadEventsError>,
}

impl MongoFeed {
    /// The change's event, unless the stream's inclusive start repeats one
    /// already handed out.
    fn fresh(
        &self,
        change: ChangeStreamEvent<EventDoc>,
    ) -> Result<Option<LoggedEvent>, ReadEventsError> {
        let event = logged(change)?;
        Ok((event.position > self.after).then_some(event))
    }
}

#[async_trait]
impl EventFeed for MongoFeed {
    async fn next_events(&mut self, limit: usize) -> Result<Vec<LoggedEvent>, ReadEventsError> {
        if let Some(failed) = self.failed.take() {
            return Err(failed);
        }
        let mut events = Vec::new();
        while events.is_empty() {
            let change = self.changes.next().await.ok_or_else(ended)?;
            events.extend(self.fresh(change.map_err(read_error)?)?);
        }
        // Then whatever the stream holds already, without asking the server
        // again: a poll that would wait leaves its request in the stream for
        // the next call.
        while events.len() < limit {
            match self.changes.next().now_or_never() {
                Some(Some(Ok(change))) => events.extend(self.fresh(change)?),
                Some(Some(Err(e))) => {
                    self.failed = Some(read_error(e));
                    break;
                }
                Some(None) => {
                    self.failed = Some(ended());
                    break;
                }
                None => break,
            }
        }
        if let Some(last) = events.last() {
            self.after = last.position.clone();
        }
        Ok(events)
    }
}

fn ended() -> ReadEventsError {
    ReadEventsError::Store(StoreError::Unavailable(
        "the change stream on events ended".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_fixed_width_hex_in_cluster_time_order() {
        let early = Position {
            time: 1_795_989_090,
            increment: 8,
            seq: 0,
        };
        let same_commit = Position { seq: 1, ..early };
        let later = Position {
            increment: 0x10,
            ..early
        };
        assert!(early.text() < same_commit.text() && same_commit.text() < later.text());
        for p in [early, same_commit, later] {
            assert_eq!(Position::parse(&p.text()), Some(p));
        }
        for bad in [
            "",
            "nonsense",
            "6b0c9e620000000800000",
            "6b0c9e62000000080000z",
        ] {
            assert_eq!(Position::parse(&EventPosition::new(bad)), None, "{bad}");
        }
    }
}
