//! Unpaid holds running out: the system's cancellation is stored and read
//! back as the system's, races a payment so that an order ends paid or
//! expired but never both, and two instances expiring one order release
//! its stock once.

use std::time::Duration;

use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::{Actor, Role};
use oms_ports::draft::OrderRevision;
use oms_ports::error::ReviseError;
use oms_ports::store::Store;

use crate::fixtures::{actor, at, draft, given_product, placed, stock_of, until_won};

const HOLD: Duration = Duration::from_secs(60);

fn expired(order: &Order) -> OrderRevision {
    let mut next = order.clone();
    let late = at(order.created_at().unix_millis() + 61_000);
    assert!(next.expire(HOLD, late).unwrap());
    OrderRevision {
        expected_version: order.version(),
        order: next,
    }
}

fn paid(order: &Order) -> OrderRevision {
    let mut next = order.clone();
    let late = at(order.created_at().unix_millis() + 61_000);
    assert!(
        next.set_payment_collected(true, actor(1, Role::Staff), late)
            .unwrap()
    );
    OrderRevision {
        expected_version: order.version(),
        order: next,
    }
}

cases! {
    pub async fn an_expired_hold_is_the_systems_cancellation_and_reads_back_so<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 3)])).await;
        let start = store.tail().await.unwrap();
        let stored = until_won(|| store.revise(expired(&order))).await.unwrap();
        let read = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(read, stored);
        assert_eq!(read.status(), OrderStatus::Cancelled);
        let entry = read.history().last().unwrap();
        assert_eq!(entry.by, Actor::SYSTEM);
        assert_eq!(entry.reason.as_ref().map(|r| r.as_str()), Some("expired"));
        assert_eq!(stock_of(&store, mug).await, 10);
        let page = store.read_after(&start, 10).await.unwrap();
        match page.events.as_slice() {
            [logged] => match &logged.event {
                oms_domain::event::OrderEvent::StatusUpdated(moved) => {
                    assert_eq!(moved.by, Actor::SYSTEM, "the log names the system");
                }
                other => panic!("a status event, got {other:?}"),
            },
            other => panic!("one event, got {other:?}"),
        }
    }

    pub async fn an_expiry_racing_a_payment_leaves_the_order_paid_or_expired<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 100).await;
        let mut orders = Vec::new();
        for n in 1..=12u128 {
            orders.push(placed(&store, draft(n, &format!("r{n}@example.com"), &[(mug, 2)])).await);
        }
        let races = orders.iter().map(|order| {
            let (a, b) = (store.clone(), store.clone());
            let (expire, pay) = (expired(order), paid(order));
            tokio::spawn(async move {
                let expiry = tokio::spawn(async move { until_won(|| a.revise(expire.clone())).await });
                let payment = tokio::spawn(async move { until_won(|| b.revise(pay.clone())).await });
                (expiry.await.unwrap(), payment.await.unwrap())
            })
        });
        let mut expired_count = 0;
        for race in futures::future::join_all(races).await {
            match race.unwrap() {
                (Ok(_), Err(ReviseError::VersionMismatch { .. })) => expired_count += 1,
                (Err(ReviseError::VersionMismatch { .. }), Ok(_)) => {}
                other => panic!("exactly one of expiry and payment wins, got {other:?}"),
            }
        }
        for order in &orders {
            let read = store.get_order(order.id()).await.unwrap().unwrap();
            let cancelled = read.status() == OrderStatus::Cancelled;
            assert!(
                cancelled != read.payment_collected(),
                "paid or expired, never both nor neither: {read:?}"
            );
        }
        assert_eq!(stock_of(&store, mug).await, 100 - 24 + 2 * expired_count);
    }

    pub async fn two_instances_expiring_one_order_release_its_stock_once<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 4)])).await;
        let sweeps = (0..2).map(|_| {
            let store = store.clone();
            let revision = expired(&order);
            tokio::spawn(async move { until_won(|| store.revise(revision.clone())).await })
        });
        let mut won = 0;
        for sweep in futures::future::join_all(sweeps).await {
            match sweep.unwrap() {
                Ok(_) => won += 1,
                Err(ReviseError::VersionMismatch { current: 2 }) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(won, 1, "one instance's expiry is written");
        assert_eq!(stock_of(&store, mug).await, 10, "released once");
    }
}
