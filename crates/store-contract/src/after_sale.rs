//! Returns and refunds: restocking is atomic with receiving and happens
//! once however many receive at once, refunds racing each other never pass
//! the total, each step is logged and read back, and stock is conserved
//! across placing, shipping, returning and restocking.

use oms_domain::event::OrderEvent;
use oms_domain::money::Money;
use oms_domain::note::Note;
use oms_domain::order::Order;
use oms_domain::order::returns::ReceivedItem;
use oms_domain::order::shipment::ShipmentRequest;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_ports::draft::OrderRevision;
use oms_ports::error::ReviseError;
use oms_ports::store::Store;

use crate::fixtures::{
    actor, at, draft, given_product, placed, qty, revise_ok, stock_of, until_won,
};

fn revision(from: &Order, to: Order) -> OrderRevision {
    OrderRevision {
        expected_version: from.version(),
        order: to,
    }
}

/// `order` confirmed, paid and fully shipped, stored.
async fn shipped_and_paid<S: Store>(store: &S, order: &Order) -> Order {
    let staff = actor(1, Role::Staff);
    let mut next = order.clone();
    next.change_status(OrderStatus::Confirmed, staff, at(10))
        .unwrap();
    let order = revise_ok(store, revision(order, next.clone())).await;
    next.set_payment_collected(true, staff, at(11)).unwrap();
    let order = revise_ok(store, revision(&order, next.clone())).await;
    next.ship(ShipmentRequest::default(), staff, at(12))
        .unwrap();
    revise_ok(store, revision(&order, next)).await
}

fn why() -> Note {
    Note::parse("Arrived chipped").unwrap()
}

cases! {
    pub async fn a_return_received_twice_at_once_restocks_once_and_is_logged<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 4)])).await;
        let order = shipped_and_paid(&store, &order).await;
        let start = store.tail().await.unwrap();
        let mut asked = order.clone();
        asked.request_return(vec![(mug, qty(3))], why(), actor(2, Role::Customer), at(20), None).unwrap();
        let asked = revise_ok(&store, revision(&order, asked)).await;
        assert_eq!(stock_of(&store, mug).await, 6, "asking moves no stock");

        let receipts = (0..4u128).map(|n| {
            let store = store.clone();
            let mut received = asked.clone();
            let items = vec![ReceivedItem { product: mug, quantity: qty(2), restock: true }];
            received.receive_return(1, items, actor(n + 1, Role::Staff), at(30)).unwrap();
            let revision = revision(&asked, received);
            tokio::spawn(async move { until_won(|| store.revise(revision.clone())).await })
        });
        let mut won = 0;
        for receipt in futures::future::join_all(receipts).await {
            match receipt.unwrap() {
                Ok(_) => won += 1,
                Err(ReviseError::VersionMismatch { .. }) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(won, 1, "one receipt is written");
        assert_eq!(stock_of(&store, mug).await, 8, "two units back on the shelf, once");
        let read = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(read.restocked_units(mug), 2);
        assert_eq!(read.returned_units(mug), 2);

        let page = store.read_after(&start, 10).await.unwrap();
        let names: Vec<_> = page.events.iter().map(|e| e.event.name()).collect();
        assert_eq!(names, ["returnRequested", "returnReceived"]);
        let OrderEvent::ReturnReceived(sale) = &page.events[1].event else {
            panic!("a receipt");
        };
        assert_eq!(Some(&sale.activity), read.activity().last(), "the log carries the step as stored");
    }

    pub async fn refunds_racing_each_other_never_pass_the_total<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 1_000, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 3)])).await;
        let order = shipped_and_paid(&store, &order).await;
        assert_eq!(order.total().minor(), 3_000);
        // Six clerks refund 1,000 each from what they read, again and
        // again as they lose races: the total holds three.
        let clerks = (0..6u128).map(|n| {
            let store = store.clone();
            let id = order.id();
            tokio::spawn(async move {
                for _ in 0..50 {
                    let stored = store.get_order(id).await.unwrap().unwrap();
                    let mut next = stored.clone();
                    let amount = Money::from_minor(1_000).unwrap();
                    if next.refund(amount, why(), None, None, actor(n + 1, Role::Staff), at(40)).is_err() {
                        return false;
                    }
                    match store.revise(revision(&stored, next)).await {
                        Ok(_) => return true,
                        Err(e) if oms_ports::error::LostRace::lost_race(&e) => {}
                        Err(ReviseError::VersionMismatch { .. }) => {}
                        Err(other) => panic!("unexpected {other:?}"),
                    }
                }
                panic!("a clerk lost fifty races in a row");
            })
        });
        let refunded = futures::future::join_all(clerks)
            .await
            .into_iter()
            .filter(|r| *r.as_ref().unwrap())
            .count();
        assert_eq!(refunded, 3, "three refunds fit the total");
        let read = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(read.refunded_total().minor(), 3_000);
        assert_eq!(read.refunds().count(), 3);
    }

    pub async fn stock_is_conserved_through_shipping_returns_and_restocking<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 5)])).await;
        let order = shipped_and_paid(&store, &order).await;
        assert_eq!(stock_of(&store, mug).await, 5, "shipping moves no stock: it was held");
        let mut asked = order.clone();
        asked.request_return(vec![(mug, qty(4))], why(), actor(1, Role::Staff), at(20), None).unwrap();
        let asked = revise_ok(&store, revision(&order, asked)).await;
        let mut received = asked.clone();
        let items = vec![
            ReceivedItem { product: mug, quantity: qty(3), restock: true },
        ];
        received.receive_return(1, items, actor(1, Role::Staff), at(30)).unwrap();
        let received = revise_ok(&store, revision(&asked, received)).await;
        // A second return of the unit not received, not restocked.
        let mut again = received.clone();
        again.request_return(vec![(mug, qty(2))], why(), actor(1, Role::Staff), at(40), None).unwrap();
        let again = revise_ok(&store, revision(&received, again)).await;
        let mut second = again.clone();
        let items = vec![ReceivedItem { product: mug, quantity: qty(2), restock: false }];
        second.receive_return(2, items, actor(1, Role::Staff), at(50)).unwrap();
        let second = revise_ok(&store, revision(&again, second)).await;
        let held: u64 = second.held().map(|(_, q)| u64::from(q.get())).sum();
        assert_eq!(held, 2);
        assert_eq!(stock_of(&store, mug).await, 8, "3 restocked; the 2 not restocked stay off the shelf");
        assert_eq!(stock_of(&store, mug).await + held, 10, "shelf and held units are what there was");
    }
}
