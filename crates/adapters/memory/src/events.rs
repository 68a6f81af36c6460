//! The event log in memory: the latest events under the store's lock, each
//! appended in the same critical section as the change it reports, and a
//! watch channel that wakes followers after each append.
//!
//! A position is this store's random epoch and the event's sequence number,
//! both fixed-width hex (`"1a2b3c4d.0000000000000007"`), so positions
//! compare as strings in commit order and a position from another store,
//! or from this process's previous life, is recognised as unknown.

use std::collections::VecDeque;
use std::time::Instant;

use async_trait::async_trait;
use oms_commit::feed::WokenFeed;
use oms_domain::event::OrderEvent;
use oms_ports::error::StoreError;
use oms_ports::events::{
    EventFeed, EventLog, EventPage, EventPosition, EventRetention, LoggedEvent, ReadEventsError,
};

use crate::MemoryStore;

/// The retained events and where the numbering stands.
#[derive(Debug)]
pub(crate) struct Log {
    epoch: u32,
    /// The sequence number the next event gets; 0 means "before any event".
    next_seq: u64,
    events: VecDeque<Entry>,
    retention: EventRetention,
}

#[derive(Debug)]
struct Entry {
    seq: u64,
    logged_at: Instant,
    event: OrderEvent,
}

impl Log {
    pub(crate) fn new(retention: EventRetention) -> Log {
        Log {
            epoch: getrandom::u32().unwrap_or_else(|_| std::process::id()),
            next_seq: 1,
            events: VecDeque::new(),
            retention,
        }
    }

    /// Records `event`, dropping what the retention no longer keeps.
    pub(crate) fn append(&mut self, event: OrderEvent) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let now = Instant::now();
        self.events.push_back(Entry {
            seq,
            logged_at: now,
            event,
        });
        while self.events.len() > self.retention.max_events.max(1)
            || self.events.front().is_some_and(|e| self.expired(e, now))
        {
            self.events.pop_front();
        }
    }

    fn expired(&self, entry: &Entry, now: Instant) -> bool {
        now.duration_since(entry.logged_at) > self.retention.max_age
    }

    fn position(&self, seq: u64) -> EventPosition {
        EventPosition::new(format!("{:08x}.{seq:016x}", self.epoch))
    }

    fn tail(&self) -> EventPosition {
        self.position(self.next_seq - 1)
    }

    /// The sequence number `position` stands for, if this store gave it out
    /// exactly so: text that parses but is written otherwise (upper case, a
    /// sign) would compare out of order.
    fn seq_of(&self, position: &EventPosition) -> Option<u64> {
        let (_, seq) = position.as_str().split_once('.')?;
        let seq = u64::from_str_radix(seq, 16).ok()?;
        (seq < self.next_seq && self.position(seq) == *position).then_some(seq)
    }

    fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError> {
        let seq = self.seq_of(after).ok_or(ReadEventsError::Lost)?;
        // Events past their age count as dropped even before an append
        // evicts them, so how long a position stays good does not depend
        // on whether orders keep coming.
        let now = Instant::now();
        let first_kept = self
            .events
            .iter()
            .find(|e| !self.expired(e, now))
            .map_or(self.next_seq, |e| e.seq);
        if seq + 1 < first_kept {
            return Err(ReadEventsError::Lost);
        }
        // Sequence numbers are consecutive from the front, so the first
        // event after `seq` is found by arithmetic, not by a scan.
        let start = self.events.front().map_or(0, |front| {
            usize::try_from((seq + 1).saturating_sub(front.seq)).unwrap_or(usize::MAX)
        });
        let events: Vec<LoggedEvent> = self
            .events
            .range(start.min(self.events.len())..)
            .take(limit)
            .map(|e| LoggedEvent {
                position: self.position(e.seq),
                event: e.event.clone(),
            })
            .collect();
        let through = match events.last() {
            Some(last) if events.len() == limit => last.position.clone(),
            _ if limit == 0 => after.clone(),
            _ => self.tail(),
        };
        Ok(EventPage { events, through })
    }
}

#[async_trait]
impl EventLog for MemoryStore {
    async fn tail(&self) -> Result<EventPosition, StoreError> {
        Ok(self.state.read().log.tail())
    }

    async fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError> {
        self.state.read().log.read_after(after, limit)
    }

    async fn follow(&self, after: EventPosition) -> Result<Box<dyn EventFeed>, ReadEventsError> {
        // Refuse an unknown position now rather than at the first read.
        self.read_after(&after, 0).await?;
        let woken = self.appended.subscribe();
        Ok(Box::new(WokenFeed::new(self.clone(), woken, after)))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use oms_domain::event::OrderPaymentUpdated;
    use oms_domain::ids::{OrderId, UserId};
    use oms_domain::timestamp::Timestamp;

    use super::*;

    fn paid(version: u64) -> OrderEvent {
        OrderEvent::PaymentUpdated(OrderPaymentUpdated {
            order_id: OrderId::MIN,
            number: oms_domain::order::number::OrderNumber::FIRST,
            placed_by: UserId::MIN,
            payment_collected: true,
            at: Timestamp::UNIX_EPOCH,
            version,
        })
    }

    fn log(max_events: usize) -> Log {
        Log::new(EventRetention {
            max_age: Duration::from_secs(60),
            max_events,
            idempotency_keys: Duration::from_secs(60),
        })
    }

    #[test]
    fn only_the_latest_events_are_kept() {
        let mut log = log(3);
        let start = log.tail();
        for version in 1..=5 {
            log.append(paid(version));
        }
        assert!(matches!(
            log.read_after(&start, 10),
            Err(ReadEventsError::Lost)
        ));
        let second = log.position(2);
        let page = log.read_after(&second, 10).unwrap();
        let kept: Vec<u64> = page.events.iter().map(|e| e.event.version()).collect();
        assert_eq!(
            kept,
            [3, 4, 5],
            "right after a dropped event is still whole"
        );
        assert_eq!(page.through, log.tail());
        let full = log.read_after(&second, 2).unwrap();
        assert_eq!(
            full.through,
            log.position(4),
            "a full page vouches to its last event"
        );
    }

    #[test]
    fn a_position_is_lost_once_what_follows_it_has_aged_out() {
        let mut log = Log::new(EventRetention {
            max_age: Duration::from_millis(50),
            max_events: 10,
            idempotency_keys: Duration::from_secs(60),
        });
        let before = log.tail();
        log.append(paid(1));
        let own = log.position(1);
        assert_eq!(
            log.read_after(&before, 10).map(|p| p.events.len()).ok(),
            Some(1)
        );
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            matches!(log.read_after(&before, 10), Err(ReadEventsError::Lost)),
            "the event after it is past its age"
        );
        assert!(
            log.read_after(&own, 10).is_ok(),
            "nothing after the newest event is missing, however old it is"
        );
    }

    #[test]
    fn positions_of_another_store_or_the_future_are_unknown() {
        let mut ours = log(10);
        let theirs = log(10);
        for version in 1..=10 {
            ours.append(paid(version));
        }
        let first = ours.position(1);
        // Sequence 10 is written `...a`: its upper-case spelling differs
        // whatever the random epoch looks like.
        let tenth = ours.position(10);
        for foreign in [
            theirs.position(0),
            ours.position(11),
            EventPosition::new("nonsense"),
            EventPosition::new(format!("{:08x}.1", ours.epoch)),
            EventPosition::new(tenth.as_str().to_uppercase()),
            EventPosition::new(first.as_str().replace(".0", ".+")),
            EventPosition::new(format!("{}x", first.as_str())),
        ] {
            assert!(
                matches!(ours.read_after(&foreign, 1), Err(ReadEventsError::Lost)),
                "{foreign:?}"
            );
        }
        assert!(ours.position(9) > ours.position(1), "hex is fixed-width");
    }
}
