//! The hub and its follower without sockets: what each subscriber is
//! handed, in which order, and when it is dropped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use bytestring::ByteString;
use oms_domain::event::{OrderEvent, OrderPaymentUpdated};
use oms_domain::ids::{OrderId, UserId};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role};
use oms_domain::visibility::Audience;
use oms_memory::MemoryStore;
use oms_ports::events::{EventLog, EventPosition, EventRetention, LoggedEvent};
use oms_store_contract::fixtures::{draft, given_product, placed, user_id};
use oms_ws::admission::{Applicant, Refused};
use oms_ws::close::Closing;
use oms_ws::hub::{Attach, Attached, Hub, HubSettings, Resume};
use oms_ws::metrics::FeedMetrics;
use oms_ws::subscription::Subscription;
use oms_ws::wire::Wire;
use prometheus::{IntCounter, IntGauge};
use serde_json::{Value, json};

fn metrics() -> FeedMetrics {
    FeedMetrics {
        open: IntGauge::new("open", "open").unwrap(),
        delivered: IntCounter::new("delivered", "delivered").unwrap(),
        dropped_for_lag: IntCounter::new("dropped", "dropped").unwrap(),
    }
}

/// Writes each event as its position, its name and its order's id.
struct TestWire;

impl Wire for TestWire {
    fn event(&self, logged: &LoggedEvent, _: Audience) -> ByteString {
        let message = json!({
            "id": logged.position.as_str(),
            "event": logged.event.name(),
            "data": logged.event.order_id().to_string(),
        });
        ByteString::from(message.to_string())
    }

    fn reset(&self) -> ByteString {
        ByteString::from_static(r#"{"event":"reset"}"#)
    }
}

fn hub_at(start: &str, settings: HubSettings) -> Hub {
    Hub::new(
        EventPosition::new(start),
        Arc::new(TestWire),
        settings,
        metrics(),
    )
}

fn small(recent: usize, queue: usize) -> HubSettings {
    HubSettings {
        recent,
        queue,
        max_connections: 2,
        max_per_client: 2,
    }
}

const STAFF: Subscription = Subscription::Orders {
    viewer: Actor {
        user: UserId::MIN,
        role: Role::Staff,
    },
};

/// Event number `n`: a payment change of version `n`, at position `"{n:04}"`.
fn event(n: u64, placed_by: UserId) -> LoggedEvent {
    LoggedEvent {
        position: EventPosition::new(format!("{n:04}")),
        event: OrderEvent::PaymentUpdated(OrderPaymentUpdated {
            order_id: OrderId::MIN,
            number: oms_domain::order::number::OrderNumber::FIRST,
            placed_by,
            payment_collected: true,
            at: Timestamp::UNIX_EPOCH,
            version: n,
        }),
    }
}

fn events(numbers: impl IntoIterator<Item = u64>) -> Vec<LoggedEvent> {
    numbers.into_iter().map(|n| event(n, UserId::MIN)).collect()
}

fn attached(outcome: Attach) -> Attached {
    match outcome {
        Attach::Attached(attached) => attached,
        other => panic!("not attached: {other:?}"),
    }
}

fn ids(texts: &[ByteString]) -> Vec<String> {
    texts
        .iter()
        .map(|t| {
            let v: Value = serde_json::from_str(t).unwrap();
            v["id"].as_str().unwrap_or("reset").to_owned()
        })
        .collect()
}

fn drain(attached: &mut Attached) -> Vec<ByteString> {
    let mut out = Vec::new();
    while let Ok(text) = attached.queue.try_recv() {
        out.push(text);
    }
    out
}

#[test]
fn a_live_subscriber_gets_each_later_event_once_in_order() {
    let hub = hub_at("0000", small(8, 16));
    let mut live = attached(hub.attach(STAFF, Resume::Live));
    hub.deliver(events(1..=3));
    hub.deliver(events(2..=4));
    assert_eq!(ids(&drain(&mut live)), ["0001", "0002", "0003", "0004"]);
    assert_eq!(hub.last(), EventPosition::new("0004"));
}

#[test]
fn resuming_inside_the_window_replays_the_rest_then_goes_live() {
    let hub = hub_at("0000", small(8, 16));
    hub.deliver(events(1..=5));
    let since = EventPosition::new("0002");
    let mut resumed = attached(hub.attach(STAFF, Resume::Claimed(&since)));
    hub.deliver(events(6..=6));
    assert_eq!(ids(&resumed.replay), ["0003", "0004", "0005"]);
    assert_eq!(ids(&drain(&mut resumed)), ["0006"]);
}

#[test]
fn a_position_the_hub_does_not_hold_exactly_needs_the_store() {
    let hub = hub_at("0000", small(2, 16));
    hub.deliver(events(1..=5));
    for claimed in ["00025", "0001", "0009", "nonsense"] {
        let claimed = EventPosition::new(claimed);
        assert!(
            matches!(hub.attach(STAFF, Resume::Claimed(&claimed)), Attach::Behind),
            "{claimed:?}"
        );
    }
}

#[test]
fn a_vouched_position_before_the_window_reads_on_and_inside_it_replays() {
    let hub = hub_at("0000", small(2, 16));
    hub.deliver(events(1..=5));
    let old = EventPosition::new("0002");
    assert!(matches!(
        hub.attach(STAFF, Resume::Vouched(&old)),
        Attach::Behind
    ));
    let floor = EventPosition::new("0003");
    let whole = attached(hub.attach(STAFF, Resume::Vouched(&floor)));
    assert_eq!(ids(&whole.replay), ["0004", "0005"]);
}

#[test]
fn resuming_ahead_of_the_follower_skips_what_the_store_already_gave() {
    let hub = hub_at("0000", small(8, 16));
    hub.deliver(events(1..=2));
    let ahead = EventPosition::new("0004");
    assert!(
        matches!(hub.attach(STAFF, Resume::Claimed(&ahead)), Attach::Behind),
        "a position the hub has not seen is read from the store first"
    );
    let mut sub = attached(hub.attach(STAFF, Resume::Vouched(&ahead)));
    hub.deliver(events(3..=6));
    assert_eq!(ids(&drain(&mut sub)), ["0005", "0006"]);
}

#[test]
fn a_customer_hears_only_of_its_own_orders() {
    let hub = hub_at("0000", small(8, 16));
    let ann = Actor {
        user: user_id(1),
        role: Role::Customer,
    };
    let mut own = attached(hub.attach(Subscription::Orders { viewer: ann }, Resume::Live));
    hub.deliver(vec![
        event(1, user_id(2)),
        event(2, ann.user),
        event(3, user_id(3)),
    ]);
    assert_eq!(ids(&drain(&mut own)), ["0002"]);
}

#[test]
fn a_full_queue_drops_that_subscriber_only() {
    let hub = hub_at("0000", small(64, 4));
    let mut slow = attached(hub.attach(STAFF, Resume::Live));
    let mut quick = attached(hub.attach(STAFF, Resume::Live));
    for n in 1..=10 {
        hub.deliver(events([n]));
        drain(&mut quick);
    }
    assert_eq!(ids(&drain(&mut slow)), ["0001", "0002", "0003", "0004"]);
    assert!(slow.queue.try_recv().is_err() && slow.queue.is_closed());
    assert_eq!(slow.ended(), Closing::Lagging);
    assert_eq!(hub.metrics().dropped_for_lag.get(), 1);
    hub.deliver(events([11]));
    assert_eq!(ids(&drain(&mut quick)), ["0011"], "the other goes on");
}

#[test]
fn a_reset_reaches_everyone_and_restarts_the_window() {
    let hub = hub_at("0000", small(8, 16));
    hub.deliver(events(1..=3));
    let mut sub = attached(hub.attach(STAFF, Resume::Live));
    hub.reset(EventPosition::new("0100"));
    hub.deliver(events([50, 101]));
    assert_eq!(ids(&drain(&mut sub)), ["reset", "0101"]);
    let old = EventPosition::new("0002");
    assert!(matches!(
        hub.attach(STAFF, Resume::Vouched(&old)),
        Attach::Behind
    ));
}

#[test]
fn stopping_closes_every_queue_and_refuses_newcomers() {
    let hub = hub_at("0000", small(8, 16));
    let mut sub = attached(hub.attach(STAFF, Resume::Live));
    hub.stop();
    assert!(sub.queue.try_recv().is_err() && sub.queue.is_closed());
    assert_eq!(sub.ended(), Closing::Stopping);
    assert!(matches!(hub.attach(STAFF, Resume::Live), Attach::Stopping));
}

#[test]
fn connections_are_admitted_up_to_the_limit() {
    let hub = hub_at("0000", small(8, 16));
    let staff = |n: u8| Applicant {
        client: std::net::IpAddr::from([192, 0, 2, n]),
        staff: true,
    };
    let first = hub.admit(staff(1)).unwrap();
    let _second = hub.admit(staff(2)).unwrap();
    assert_eq!(hub.admit(staff(3)).unwrap_err(), Refused::Full);
    assert_eq!(hub.metrics().open.get(), 2);
    drop(first);
    assert!(hub.admit(staff(3)).is_ok());
}

#[tokio::test]
async fn the_follower_delivers_commits_and_resets_after_lost_events() {
    let store = MemoryStore::with_event_retention(EventRetention {
        max_events: 2,
        ..EventRetention::default()
    });
    let mug = given_product(&store, 1, "Mug", 100, 100).await;
    let start = store.tail().await.unwrap();
    let hub = Hub::new(start, Arc::new(TestWire), small(8, 64), metrics());
    let mut sub = attached(hub.attach(STAFF, Resume::Live));
    // Three orders before the follower runs: the log kept two, so the
    // follower finds its start gone and resets everyone.
    for n in 1..=3 {
        placed(&store, draft(n, "ann@example.com", &[(mug, 1)])).await;
    }
    let follower = tokio::spawn(oms_ws::follower::follow(store.clone(), hub.clone()));
    let first = tokio::time::timeout(Duration::from_secs(10), sub.queue.recv())
        .await
        .unwrap();
    assert_eq!(ids(&[first.unwrap()]), ["reset"]);
    let order = placed(&store, draft(4, "ann@example.com", &[(mug, 1)])).await;
    let next = tokio::time::timeout(Duration::from_secs(10), sub.queue.recv())
        .await
        .unwrap();
    let value: Value = serde_json::from_str(&next.unwrap()).unwrap();
    assert_eq!(value["event"], "orderPlaced");
    assert_eq!(value["data"], order.id().to_string());
    follower.abort();
}
