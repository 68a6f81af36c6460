//! The event log: the `events` table, numbered in commit order by the one
//! writer. A position is this database's log id and the event's number,
//! both fixed-width hex (`"1a2b3c4d.0000000000000007"`), so positions
//! compare as strings in commit order and one from another database is
//! recognised as unknown. Followers in this process are woken after each
//! commit ([`WokenFeed`]).
//!
//! Retention: events older than the retention's `max_age` count as gone at
//! once, and are deleted at most once a minute by the writer, with the
//! idempotency keys older than theirs; `meta.pruned_through` remembers the
//! last event deleted.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use oms_commit::feed::WokenFeed;
use oms_ports::error::StoreError;
use oms_ports::events::{
    EventFeed, EventLog, EventPage, EventPosition, LoggedEvent, ReadEventsError,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::errors::{field, store_error};
use crate::rows::now_millis;
use crate::rows::{Fields, column, names};

/// How often the writer deletes what the retention no longer keeps.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// The most events one prune deletes.
const PRUNE_BATCH: i64 = 50_000;

fn last_seq(c: &Connection) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)",
        [],
        |row| row.get(0),
    )
    .map_err(store_error)
}

fn pruned_through(c: &Connection) -> Result<i64, StoreError> {
    let found: Option<String> = c
        .query_row(
            "SELECT value FROM meta WHERE key = 'pruned_through'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(store_error)?;
    found.map_or(Ok(0), |text| field("meta.pruned_through", text.parse()))
}

impl SqliteStore {
    fn position(&self, seq: i64) -> EventPosition {
        EventPosition::new(format!("{}.{seq:016x}", self.inner.log_id))
    }

    /// The number `position` stands for, if this database gave it out
    /// exactly so.
    fn seq_of(&self, position: &EventPosition) -> Option<i64> {
        let (_, seq) = position.as_str().split_once('.')?;
        let seq = i64::from_str_radix(seq, 16).ok()?;
        (seq >= 0 && self.position(seq) == *position).then_some(seq)
    }

    /// Starts deleting expired events and idempotency keys in a task of
    /// its own, when [`PRUNE_EVERY`] has passed since the last time (or
    /// since the store opened), so no commit's answers wait for it.
    pub(crate) fn prune_when_due(&self) {
        {
            let mut pruned = self.inner.pruned_at.lock();
            if pruned.elapsed() < PRUNE_EVERY {
                return;
            }
            *pruned = Instant::now();
        }
        let store = self.clone();
        tokio::spawn(async move { store.prune().await });
    }

    async fn prune(&self) {
        let now = now_millis();
        let cutoff = now - retention_millis(self.inner.retention.max_age);
        let keys_cutoff = now - retention_millis(self.inner.retention.idempotency_keys);
        let pruned = self
            .write(move |c| -> Result<(), StoreError> {
                let transaction = c.transaction().map_err(store_error)?;
                // At most PRUNE_BATCH events a time, so the writer is never
                // held long (the first prune after a long stop has weeks).
                let through: Option<i64> = transaction
                    .query_row(
                        "SELECT max(seq) FROM (SELECT seq FROM events WHERE logged_at < ?1
                         ORDER BY seq LIMIT ?2)",
                        [cutoff, PRUNE_BATCH],
                        |row| row.get(0),
                    )
                    .map_err(store_error)?;
                if let Some(through) = through {
                    transaction
                        .execute("DELETE FROM events WHERE seq <= ?1", [through])
                        .map_err(store_error)?;
                    transaction
                        .execute(
                            "INSERT INTO meta (key, value) VALUES ('pruned_through', ?1)
                             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [through.to_string()],
                        )
                        .map_err(store_error)?;
                }
                transaction
                    .execute(
                        "DELETE FROM idempotency_keys WHERE used_at < ?1",
                        [keys_cutoff],
                    )
                    .map_err(store_error)?;
                transaction.commit().map_err(store_error)
            })
            .await;
        if let Err(error) = pruned {
            tracing::warn!(%error, "expired events were not deleted; trying again later");
        }
    }
}

fn retention_millis(age: Duration) -> i64 {
    i64::try_from(age.as_millis()).unwrap_or(i64::MAX)
}

#[async_trait]
impl EventLog for SqliteStore {
    async fn tail(&self) -> Result<EventPosition, StoreError> {
        let seq = self.read_point(last_seq).await?;
        Ok(self.position(seq))
    }

    async fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError> {
        let seq = self.seq_of(after).ok_or(ReadEventsError::Lost)?;
        let max_age = retention_millis(self.inner.retention.max_age);
        let (events, last) = self
            .read(move |c| -> Result<_, ReadEventsError> {
                // One read transaction: the events and the end agree.
                let transaction = c.unchecked_transaction().map_err(store_error)?;
                let last = last_seq(&transaction)?;
                if seq > last || seq < pruned_through(&transaction)? {
                    return Err(ReadEventsError::Lost);
                }
                // Past their age, events count as gone before they are
                // deleted, so how long a position stays good does not
                // depend on when the writer last pruned.
                let next_logged: Option<i64> = transaction
                    .query_row(
                        "SELECT logged_at FROM events WHERE seq > ?1 ORDER BY seq LIMIT 1",
                        [seq],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(store_error)?;
                if next_logged.is_some_and(|at| at < now_millis() - max_age) {
                    return Err(ReadEventsError::Lost);
                }
                let mut statement = transaction
                    .prepare_cached(
                        "SELECT e.seq, e.name, e.order_id, e.placed_by, e.version, e.at,
                         e.from_status, e.to_status, e.by_user, e.by_role, e.payment_collected,
                         e.detail,
                         o.number, o.customer_id, o.customer_name, o.customer_email, o.lines,
                         o.placed_by_role, o.shipping_address, o.placed
                         FROM events e LEFT JOIN orders o ON o.id = e.order_id
                         WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2",
                    )
                    .map_err(store_error)?;
                let wanted = i64::try_from(limit).unwrap_or(i64::MAX);
                let names = names(&statement);
                let mut found = statement.query(params![seq, wanted]).map_err(store_error)?;
                let (mut events, mut rows, mut last_row) = (Vec::new(), 0, seq);
                while let Some(row) = found.next().map_err(store_error)? {
                    let row = &Fields::new(row, &names);
                    let at: i64 = column(row, "seq")?;
                    (rows, last_row) = (rows + 1, at);
                    match crate::event_rows::event(row) {
                        Ok(event) => events.push((at, event)),
                        // One bad row must not stop every follower.
                        Err(error) => tracing::error!(seq = at, %error, "an event this build cannot read is skipped"),
                    }
                }
                // A page full of rows vouches up to its last row, read or
                // skipped; a short one up to the end.
                let through = if rows == limit && limit > 0 { last_row } else { last };
                Ok((events, through))
            })
            .await?;
        let events: Vec<LoggedEvent> = events
            .into_iter()
            .map(|(seq, event)| LoggedEvent {
                position: self.position(seq),
                event,
            })
            .collect();
        let through = if limit == 0 {
            after.clone()
        } else {
            self.position(last)
        };
        Ok(EventPage { events, through })
    }

    async fn follow(&self, after: EventPosition) -> Result<Box<dyn EventFeed>, ReadEventsError> {
        // Refuse an unknown position now rather than at the first read.
        self.read_after(&after, 0).await?;
        let woken = self.inner.committed.subscribe();
        Ok(Box::new(WokenFeed::new(self.clone(), woken, after)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use oms_store_contract::fixtures::{draft, given_product, placed};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_prune_deletes_expired_events_and_positions_before_them_are_lost() {
        let dir = std::env::temp_dir().join(format!("oms-sqlite-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let retention = oms_ports::events::EventRetention {
            max_age: Duration::from_millis(1),
            max_events: 0,
            idempotency_keys: Duration::from_secs(3600),
        };
        let store = SqliteStore::open(dir.join("oms.db"), retention).unwrap();
        let start = store.tail().await.unwrap();
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        placed(&store, draft(1, "a@example.com", &[(mug, 1)])).await;
        placed(&store, draft(2, "b@example.com", &[(mug, 1)])).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        store.prune().await;
        let (events, through) = store
            .read(|c| -> Result<_, StoreError> {
                let events: i64 = c
                    .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
                    .map_err(store_error)?;
                Ok((events, pruned_through(c)?))
            })
            .await
            .unwrap();
        assert_eq!((events, through), (0, 2));
        assert!(matches!(
            store.read_after(&start, 10).await,
            Err(ReadEventsError::Lost)
        ));
        let tail = store.tail().await.unwrap();
        assert_eq!(store.read_after(&tail, 10).await.unwrap().events, []);
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn idempotency_keys_are_pruned_by_their_own_retention_not_the_events() {
        for (keep, left) in [
            (Duration::from_secs(3600), 1),
            (Duration::from_millis(1), 0),
        ] {
            let dir =
                std::env::temp_dir().join(format!("oms-sqlite-keys-{}-{left}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let retention = oms_ports::events::EventRetention {
                max_age: Duration::from_millis(1),
                max_events: 0,
                idempotency_keys: keep,
            };
            let store = SqliteStore::open(dir.join("oms.db"), retention).unwrap();
            let mug = given_product(&store, 1, "Mug", 100, 10).await;
            let mut keyed = draft(1, "a@example.com", &[(mug, 1)]);
            keyed.idempotency = Some(oms_ports::draft::IdempotencyClaim {
                key: oms_domain::idempotency::IdempotencyKey::parse("checkout-1").unwrap(),
                fingerprint: oms_domain::idempotency::RequestFingerprint::new("a".to_owned()),
            });
            placed(&store, keyed).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            store.prune().await;
            let (events, keys) = store
                .read(|c| -> Result<(i64, i64), StoreError> {
                    let count = |table: &str| {
                        c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                            .map_err(store_error)
                    };
                    Ok((count("events")?, count("idempotency_keys")?))
                })
                .await
                .unwrap();
            assert_eq!((events, keys), (0, left), "keys kept {keep:?}");
            drop(store);
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}
