//! Positions the event log cannot read after: one it never gave out, and
//! one whose events are past the retention.

use std::time::Duration;

use oms_ports::events::{EventPosition, EventRetention, ReadEventsError};
use oms_ports::store::Store;

use crate::fixtures::{draft, given_product, placed};

/// What the retention case builds its store with: events older than three
/// seconds are gone.
pub const SHORT_RETENTION: EventRetention = EventRetention {
    max_age: Duration::from_secs(3),
    max_events: 1_000,
    idempotency_keys: Duration::from_secs(7 * 24 * 60 * 60),
};

cases! {
    pub async fn an_unknown_position_is_lost<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let start = store.tail().await.unwrap();
        placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let real = store.read_after(&start, 1).await.unwrap().events[0]
            .position
            .clone();
        // A real position spelled otherwise would compare out of order.
        let respelled = [
            real.as_str().to_uppercase(),
            format!("{}0", real.as_str()),
            format!(" {}", real.as_str()),
        ];
        let made_up = [
            "",
            "nonsense",
            "00000000.0000000000000000",
            "ffffffffffffffffffff",
        ];
        // Upper-casing a position that holds no letters leaves it as it was.
        let respelled = respelled.into_iter().filter(|r| r != real.as_str());
        for bogus in made_up.iter().map(|s| (*s).to_owned()).chain(respelled) {
            let position = EventPosition::new(bogus.clone());
            assert!(
                matches!(
                    store.read_after(&position, 10).await,
                    Err(ReadEventsError::Lost)
                ),
                "{bogus:?}"
            );
            assert!(
                matches!(store.follow(position).await, Err(ReadEventsError::Lost)),
                "{bogus:?}"
            );
        }
    }

    /// Runs on a store built with [`SHORT_RETENTION`]. Nothing time-critical
    /// spans a store write, which may be slow on a loaded server.
    #[keeping(SHORT_RETENTION)]
    pub async fn a_position_past_the_retention_is_lost<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let before = store.tail().await.unwrap();
        let fresh_page = store.read_after(&before, 10).await.unwrap();
        assert_eq!(fresh_page.events, [], "fresh");
        placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        // Past the retention, plus the second a store may round positions to.
        tokio::time::sleep(SHORT_RETENTION.max_age + Duration::from_secs(2)).await;
        // A store that ages positions by its server's clock may see that clock
        // move only as writes land (a test server makes no writes of its own).
        given_product(&store, 2, "Plate", 100, 10).await;
        let page = store.read_after(&before, 10).await;
        assert!(
            matches!(page, Err(ReadEventsError::Lost)),
            "the event after it is past the retention: {page:?}"
        );
        let fresh = store.tail().await.unwrap();
        let own = store.read_after(&fresh, 10).await.unwrap();
        assert_eq!(own.events, [], "a fresh position still reads");
    }
}
