//! The follower: one task per process that reads the store's event log
//! from where the hub stands and hands every event to the hub, in order.
//! After any failure it follows again from the last position it delivered;
//! if the store lost events it never read, every subscriber is told to
//! reset and following starts again at the log's tail.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;

use oms_ports::events::{EventLog, ReadEventsError};

use crate::hub::Hub;

/// Events handed to the hub at once, at most.
const BATCH: usize = 256;

/// Pauses between attempts while the store fails: doubling from the first
/// to the last, so an outage costs the store little and a blip little time.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LAST_PAUSE: Duration = Duration::from_secs(5);

/// Follows `log` into `hub` until the task is dropped. Should following
/// ever panic, that is logged and following starts again where the hub
/// stands, rather than the feed going quiet unnoticed.
pub async fn follow<L: EventLog>(log: L, hub: Hub) {
    loop {
        let panicked = AssertUnwindSafe(follow_from_hub(&log, &hub))
            .catch_unwind()
            .await;
        if panicked.is_err() {
            tracing::error!("following the event log panicked; following again");
            tokio::time::sleep(LAST_PAUSE).await;
        }
    }
}

async fn follow_from_hub<L: EventLog>(log: &L, hub: &Hub) {
    let mut pause = FIRST_PAUSE;
    loop {
        let mut feed = match log.follow(hub.last()).await {
            Ok(feed) => feed,
            Err(error) => {
                recover(log, hub, error, &mut pause).await;
                continue;
            }
        };
        loop {
            match feed.next_events(BATCH).await {
                Ok(events) => {
                    pause = FIRST_PAUSE;
                    hub.deliver(events);
                }
                Err(error) => {
                    recover(log, hub, error, &mut pause).await;
                    break;
                }
            }
        }
    }
}

/// Waits out a failure; after lost events, restarts the hub at the tail.
/// The pause comes after a reset too: a store that keeps losing positions
/// must not flood every subscriber with resets.
async fn recover<L: EventLog>(log: &L, hub: &Hub, error: ReadEventsError, pause: &mut Duration) {
    match error {
        ReadEventsError::Lost => match log.tail().await {
            Ok(tail) => {
                tracing::warn!(
                    "the event log lost events the feed had not read: subscribers reset"
                );
                hub.reset(tail);
            }
            Err(error) => tracing::warn!(error = ?error, "the event log's tail cannot be read"),
        },
        ReadEventsError::Store(error) => {
            tracing::warn!(error = ?error, retry_in_ms = pause.as_millis(), "following the event log failed");
        }
    }
    tokio::time::sleep(*pause).await;
    *pause = (*pause * 2).min(LAST_PAUSE);
}
