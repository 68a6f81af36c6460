//! The event log on MongoDB, read through change streams on `events`.
//!
//! Commit order across every instance is the order a change stream
//! reports, and each change carries its commit's cluster time: a position
//! ([`position::Position`]) is that time and the event's `seq` within its
//! transaction. Reading after a position opens a change stream at its
//! cluster time and skips what is not after it; no counter document is
//! kept, which would make every order transaction conflict with every
//! other. Positions are checked against the server's own clock (the tail),
//! never this machine's.
//!
//! A read that runs out of events vouches up to the tail taken before the
//! stream opened: a change stream answers with an empty batch only once it
//! has reached the end of the oplog. Two transactions never share a cluster
//! time on a replica set; on a sharded cluster two shards' commits could,
//! and positions would tie, so the log needs a replica set.
//!
//! Retention: events expire from the collection after `max_age` (a TTL
//! index), and a position older than that is lost, as is one the server's
//! own change history no longer reaches. An event this build cannot read
//! (a newer build's, a damaged one) is logged and skipped, not allowed to
//! stop every follower.

mod position;

use std::time::Duration;

use async_trait::async_trait;
use futures::{FutureExt, StreamExt};
use mongodb::bson::{Document, doc, from_document};
use mongodb::change_stream::ChangeStream;
use mongodb::change_stream::event::ChangeStreamEvent;
use mongodb::options::ReadConcern;
use oms_domain::event::OrderEvent;
use oms_ports::error::StoreError;
use oms_ports::events::{
    EventFeed, EventLog, EventPage, EventPosition, LoggedEvent, ReadEventsError,
};

use crate::MongoStore;
use crate::deadline::{EVENT_PAGE_DEADLINE, late, read_all};
use crate::documents::events::EventDoc;
use crate::errors::{code, store_error};
use position::Position;

/// A change stream over inserted events, as raw documents so that one that
/// does not decode can be skipped.
type Changes = ChangeStream<ChangeStreamEvent<Document>>;

/// Server codes for a change stream that cannot start where asked: history
/// lost (286), a fatal stream error (280), a capped position lost (136), a
/// start the server cannot parse (9).
const HISTORY_GONE: [i32; 4] = [286, 280, 136, 9];

impl MongoStore {
    /// Where the log ends now: the cluster time of a majority read, which
    /// every commit visible to a stream started there precedes, and every
    /// later commit follows.
    async fn tail_position(&self) -> Result<Position, StoreError> {
        read_all(EVENT_PAGE_DEADLINE, self.majority_time()).await
    }

    async fn majority_time(&self) -> Result<Position, StoreError> {
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
        Ok(Position::after_commit(now))
    }

    /// `after` as a start, checked against `tail`: written as this store
    /// writes positions, not from the future, within the retention (plus
    /// the second cluster times round to).
    fn start_of(&self, after: &EventPosition, tail: Position) -> Result<Position, ReadEventsError> {
        let position = Position::parse(after).ok_or(ReadEventsError::Lost)?;
        let too_old = position.age_at(tail) > self.event_retention.max_age + Duration::from_secs(1);
        if position > tail || too_old {
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
        self.database()
            .collection::<Document>("events")
            .watch()
            .pipeline([doc! { "$match": { "operationType": "insert" } }])
            .start_at_operation_time(from.cluster_time())
            .max_await_time(wait)
            .await
            .map_err(read_error)
    }

    /// Brings the expiry indexes of `events` and of `idempotency_keys` in
    /// line with the retention, each with its own age.
    ///
    /// # Errors
    /// [`StoreError`] when the server refuses or cannot be reached.
    pub async fn apply_retention(&self) -> Result<(), StoreError> {
        let retention = self.event_retention;
        for (collection, age) in [
            ("events", retention.max_age),
            ("idempotency_keys", retention.idempotency_keys),
        ] {
            let seconds = i64::try_from(age.as_secs()).unwrap_or(i64::MAX);
            let command = doc! {
                "collMod": collection,
                "index": { "name": "expiry", "expireAfterSeconds": seconds },
            };
            self.database()
                .run_command(command)
                .await
                .map_err(store_error)?;
        }
        Ok(())
    }
}

fn read_error(e: mongodb::error::Error) -> ReadEventsError {
    if code(&e).is_some_and(|c| HISTORY_GONE.contains(&c)) {
        ReadEventsError::Lost
    } else {
        ReadEventsError::Store(store_error(e))
    }
}

/// The event a change reports, with its position, if it is after `after`
/// and this build can read it.
fn logged(change: ChangeStreamEvent<Document>, after: &EventPosition) -> Option<LoggedEvent> {
    let time = change.cluster_time?;
    let document = change.full_document?;
    let id = document.get_str("_id").unwrap_or("?").to_owned();
    let seq = document
        .get_i32("seq")
        .ok()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(0);
    let position = Position {
        time: time.time,
        increment: time.increment,
        seq,
    }
    .text();
    if position <= *after {
        return None;
    }
    let decoded = from_document::<EventDoc>(document)
        .map_err(|e| e.to_string())
        .and_then(|doc| OrderEvent::try_from(doc).map_err(|e| format!("{e:?}")));
    match decoded {
        Ok(event) => Some(LoggedEvent { position, event }),
        Err(error) => {
            tracing::error!(event = %id, position = position.as_str(), %error, "an event this build cannot read is skipped");
            None
        }
    }
}

#[async_trait]
impl EventLog for MongoStore {
    async fn tail(&self) -> Result<EventPosition, StoreError> {
        Ok(self.tail_position().await?.text())
    }

    async fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError> {
        let page = tokio::time::timeout(EVENT_PAGE_DEADLINE, self.page_after(after, limit)).await;
        page.unwrap_or_else(|_| Err(ReadEventsError::Store(late())))
    }

    async fn follow(&self, after: EventPosition) -> Result<Box<dyn EventFeed>, ReadEventsError> {
        let tail = self.tail_position().await?;
        let from = self.start_of(&after, tail)?;
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

#[async_trait]
impl EventFeed for MongoFeed {
    async fn next_events(&mut self, limit: usize) -> Result<Vec<LoggedEvent>, ReadEventsError> {
        if let Some(failed) = self.failed.take() {
            return Err(failed);
        }
        let mut events = Vec::new();
        while events.is_empty() {
            let change = self.changes.next().await.ok_or_else(ended)?;
            events.extend(logged(change.map_err(read_error)?, &self.after));
        }
        // Then whatever the stream holds already, without asking the server
        // again: a poll that would wait leaves its request in the stream for
        // the next call.
        while events.len() < limit {
            match self.changes.next().now_or_never() {
                Some(Some(Ok(change))) => events.extend(logged(change, &self.after)),
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

impl MongoStore {
    /// Up to `limit` events after `after` ([`EventLog::read_after`]).
    async fn page_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError> {
        let tail = self.tail_position().await?;
        let from = self.start_of(after, tail)?;
        if limit == 0 {
            return Ok(EventPage {
                events: Vec::new(),
                through: after.clone(),
            });
        }
        let mut changes = self.changes_from(from, Duration::from_millis(10)).await?;
        let mut events: Vec<LoggedEvent> = Vec::new();
        // The first batch of a new stream may be empty with more to come:
        // only two empty answers in a row mean the end of the oplog.
        let mut empty = 0;
        while events.len() < limit && empty < 2 {
            match changes.next_if_any().await.map_err(read_error)? {
                Some(change) => {
                    empty = 0;
                    events.extend(logged(change, after));
                }
                None => empty += 1,
            }
        }
        let through = match events.last() {
            Some(last) if events.len() == limit => last.position.clone(),
            Some(last) => last.position.clone().max(tail.text()),
            None => tail.text(),
        };
        Ok(EventPage { events, through })
    }
}
