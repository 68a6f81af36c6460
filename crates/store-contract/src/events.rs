//! The event log port: one event per committed change, in commit order,
//! read after any position, followed as it grows, bounded by retention.

use std::time::Duration;

use oms_domain::event::OrderEvent;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_ports::draft::{IdempotencyClaim, OrderRevision};
use oms_ports::error::{PlaceError, ReviseError};
use oms_ports::events::{EventPosition, LoggedEvent};
use oms_ports::store::Store;

use crate::fixtures::{
    actor, at, draft, given_product, order_id, place_won, placed, product_id, revise_ok,
};

/// Everything after `from`, in pages of `page`, read on from each page's
/// `through` as a follower would.
pub(crate) async fn everything_after<S: Store>(
    store: &S,
    from: &EventPosition,
    page: usize,
) -> Vec<LoggedEvent> {
    let mut all: Vec<LoggedEvent> = Vec::new();
    let mut after = from.clone();
    loop {
        let read = store.read_after(&after, page).await.unwrap();
        assert!(read.events.len() <= page, "a page holds at most its limit");
        assert!(
            read.through >= after,
            "a page vouches from where it was read"
        );
        if let Some(last) = read.events.last() {
            assert!(
                read.through >= last.position,
                "a page vouches past its events"
            );
        }
        if read.events.is_empty() {
            return all;
        }
        after = read.through;
        all.extend(read.events);
    }
}

fn revised(order: &Order, to: OrderStatus, ms: i64) -> OrderRevision {
    let mut next = order.clone();
    next.change_status(to, actor(2, Role::Staff), at(ms))
        .unwrap();
    OrderRevision {
        expected_version: order.version(),
        order: next,
    }
}

fn paid(order: &Order, ms: i64) -> OrderRevision {
    let mut next = order.clone();
    next.set_payment_collected(true, actor(1, Role::Staff), at(ms))
        .unwrap();
    OrderRevision {
        expected_version: order.version(),
        order: next,
    }
}

cases! {
    pub async fn every_change_is_one_event_in_commit_order<S: Store>(store: S) {
        let start = store.tail().await.unwrap();
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let first = placed(&store, draft(1, "ann@example.com", &[(mug, 2)])).await;
        let confirmed = revise_ok(&store, revised(&first, OrderStatus::Confirmed, 10)).await;
        let paid = revise_ok(&store, paid(&confirmed, 20)).await;
        let second = placed(&store, draft(2, "bob@example.com", &[(mug, 1)])).await;

        let events = everything_after(&store, &start, 100).await;
        let seen: Vec<_> = events
            .iter()
            .map(|e| (e.event.name(), e.event.order_id(), e.event.version()))
            .collect();
        assert_eq!(
            seen,
            [
                ("orderPlaced", first.id(), 1),
                ("orderStatusUpdated", first.id(), 2),
                ("orderPaymentUpdated", first.id(), 3),
                ("orderPlaced", second.id(), 1),
            ]
        );
        assert_eq!(
            events[0].event,
            OrderEvent::placed(&first),
            "the order as committed"
        );
        let OrderEvent::StatusUpdated(moved) = &events[1].event else {
            panic!("{:?}", events[1])
        };
        assert_eq!(
            (moved.from, moved.to, moved.by, moved.at),
            (
                OrderStatus::Pending,
                OrderStatus::Confirmed,
                actor(2, Role::Staff),
                at(10)
            )
        );
        let OrderEvent::PaymentUpdated(payment) = &events[2].event else {
            panic!("{:?}", events[2])
        };
        assert!(payment.payment_collected && payment.version == paid.version());
        let mut positions: Vec<_> = events.iter().map(|e| e.position.clone()).collect();
        assert!(positions[0] > start, "after the tail it was read from");
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        positions.dedup();
        assert_eq!(positions.len(), 4, "one position per event");
        assert!(
            store.tail().await.unwrap() >= positions[3],
            "the tail is past every event"
        );
    }

    pub async fn reading_after_a_position_is_paged_and_exact<S: Store>(store: S) {
        let start = store.tail().await.unwrap();
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        for n in 1..=5 {
            placed(&store, draft(n, "ann@example.com", &[(mug, 1)])).await;
        }
        let whole = everything_after(&store, &start, 100).await;
        assert_eq!(whole.len(), 5);
        assert_eq!(
            everything_after(&store, &start, 2).await,
            whole,
            "pages of two"
        );
        let from_third = store.read_after(&whole[2].position, 100).await.unwrap();
        assert_eq!(
            from_third.events,
            whole[3..],
            "exactly what follows, nothing of the third"
        );
        let full = store.read_after(&start, 2).await.unwrap();
        assert_eq!(
            full.through, whole[1].position,
            "a full page vouches to its last event"
        );
        let at_end = store.read_after(&whole[4].position, 100).await.unwrap();
        assert!(at_end.events.is_empty());
        assert!(at_end.through >= whole[4].position);
        let later = placed(&store, draft(6, "ann@example.com", &[(mug, 1)])).await;
        let resumed = store.read_after(&at_end.through, 100).await.unwrap();
        let ids: Vec<_> = resumed.events.iter().map(|e| e.event.order_id()).collect();
        assert_eq!(ids, [later.id()], "reading on from through misses nothing");
        let none = store.read_after(&start, 0).await.unwrap();
        assert!(none.events.is_empty(), "a limit of zero reads nothing");
    }

    pub async fn concurrent_changes_are_each_logged_once_in_commit_order<S: Store>(store: S) {
        let start = store.tail().await.unwrap();
        let mug = given_product(&store, 1, "Mug", 100, 1_000).await;
        let tasks = (1..=16u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let order = placed(
                    &store,
                    draft(n, &format!("buyer{n}@example.com"), &[(mug, 1)]),
                )
                .await;
                let confirmed = revise_ok(&store, revised(&order, OrderStatus::Confirmed, 1_000)).await;
                revise_ok(&store, revised(&confirmed, OrderStatus::Cancelled, 2_000)).await;
            })
        });
        for task in futures::future::join_all(tasks).await {
            task.unwrap();
        }
        let events = everything_after(&store, &start, 7).await;
        assert_eq!(events.len(), 48, "three changes for each of sixteen orders");
        assert!(events.windows(2).all(|w| w[0].position < w[1].position));
        for n in 1..=16 {
            let versions: Vec<u64> = events
                .iter()
                .filter(|e| e.event.order_id() == order_id(n))
                .map(|e| e.event.version())
                .collect();
            assert_eq!(versions, [1, 2, 3], "order {n} in the order it changed");
        }
    }

    pub async fn refused_changes_record_no_event<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 1).await;
        let mut keyed = draft(1, "ann@example.com", &[(mug, 1)]);
        keyed.idempotency = Some(IdempotencyClaim {
            key: IdempotencyKey::parse("key-1").unwrap(),
            fingerprint: RequestFingerprint::new("one".to_owned()),
        });
        let order = placed(&store, keyed.clone()).await;
        let start = store.tail().await.unwrap();

        let replay = place_won(&store, &keyed).await.unwrap();
        assert!(replay.replayed);
        let mut reused = keyed;
        reused.id = order_id(2);
        reused.idempotency.as_mut().unwrap().fingerprint = RequestFingerprint::new("two".to_owned());
        assert!(matches!(
            place_won(&store, &reused).await,
            Err(PlaceError::KeyReused)
        ));
        let short = place_won(&store, &draft(3, "bob@example.com", &[(mug, 1)])).await;
        assert!(matches!(short, Err(PlaceError::OutOfStock { .. })));
        let unknown = store
            .place(draft(4, "bob@example.com", &[(product_id(404), 1)]))
            .await;
        assert!(matches!(unknown, Err(PlaceError::UnknownProduct(_))));
        let mut stale = revised(&order, OrderStatus::Confirmed, 10);
        stale.expected_version = 7;
        assert!(matches!(
            store.revise(stale).await,
            Err(ReviseError::VersionMismatch { current: 1 })
        ));
        let mut nothing = revised(&order, OrderStatus::Confirmed, 10);
        nothing.order = order.clone();
        assert!(matches!(
            store.revise(nothing).await,
            Err(ReviseError::Store(_))
        ));

        assert_eq!(store.read_after(&start, 10).await.unwrap().events, []);
    }

    pub async fn a_follower_is_woken_by_each_commit<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let mut feed = store.follow(store.tail().await.unwrap()).await.unwrap();
        let waiting = tokio::spawn(async move {
            let first = feed.next_events(10).await.unwrap();
            (feed, first)
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "nothing to hand out yet");
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let (mut feed, first) = tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .expect("woken by the placement")
            .unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].event, OrderEvent::placed(&order));

        revise_ok(&store, revised(&order, OrderStatus::Confirmed, 10)).await;
        let next = tokio::time::timeout(Duration::from_secs(10), feed.next_events(10))
            .await
            .expect("woken by the revision")
            .unwrap();
        let versions: Vec<_> = next.iter().map(|e| e.event.version()).collect();
        assert_eq!(versions, [2], "the placement is not handed out again");
        assert!(next[0].position > first[0].position);
    }
}
