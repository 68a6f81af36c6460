//! What lists and summaries know of returns and refunds: the orders with a
//! return still open, and the refunds beside the takings, kept by every
//! revision and equal to a recount of the orders themselves.

use oms_domain::money::Money;
use oms_domain::note::Note;
use oms_domain::order::Order;
use oms_domain::order::returns::ReceivedItem;
use oms_domain::order::shipment::ShipmentRequest;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_ports::query::{OrderFilter, OrderQuery, OrderSummary};
use oms_ports::store::Store;

use crate::fixtures::{Change, actor, at, changed, draft, given_product, placed, qty};

fn money(minor: i64) -> Money {
    Money::from_minor(minor).unwrap()
}

fn note(text: &str) -> Note {
    Note::parse(text).unwrap()
}

/// The ids `filter` lists, newest first.
async fn listed<S: Store>(store: &S, open_return: Option<bool>) -> Vec<oms_domain::ids::OrderId> {
    let query = OrderQuery {
        filter: OrderFilter {
            open_return,
            ..OrderFilter::default()
        },
        ..OrderQuery::default()
    };
    let page = store.list_orders(&query).await.unwrap();
    page.items.iter().map(Order::id).collect()
}

/// The summary of `orders` as read back one by one, counted by the rule
/// every store shares.
async fn recount<S: Store>(store: &S, orders: &[&Order]) -> OrderSummary {
    let mut read = Vec::with_capacity(orders.len());
    for order in orders {
        read.push(store.get_order(order.id()).await.unwrap().unwrap());
    }
    crate::summaries::recount(&read, &OrderFilter::default())
}

cases! {
    pub async fn open_returns_are_listed_and_refunds_summarized_as_the_orders_say<S: Store>(store: S) {
        let staff = actor(1, Role::Staff);
        let mug = given_product(&store, 1, "Mug", 250, 100).await;
        let ship = || -> Vec<Change> {
            vec![
                Box::new(move |o| {
                    o.change_status(OrderStatus::Confirmed, staff, at(100)).unwrap();
                }),
                Box::new(move |o| assert!(o.set_payment_collected(true, staff, at(101)).unwrap())),
                Box::new(move |o| {
                    o.ship(ShipmentRequest::default(), staff, at(102)).unwrap();
                }),
            ]
        };
        let returned = placed(&store, draft(10, "ann@example.com", &[(mug, 2)])).await;
        let returned = changed(&store, &returned, ship()).await;
        let refunded = placed(&store, draft(20, "bob@example.com", &[(mug, 4)])).await;
        let refunded = changed(&store, &refunded, ship()).await;
        let unpaid = placed(&store, draft(30, "cy@example.com", &[(mug, 1)])).await;
        let cancelled = placed(&store, draft(40, "di@example.com", &[(mug, 3)])).await;
        let cancelled = changed(&store, &cancelled, vec![
            Box::new(move |o| assert!(o.set_payment_collected(true, staff, at(103)).unwrap())),
            Box::new(move |o| {
                    o.change_status(OrderStatus::Cancelled, staff, at(104)).unwrap();
                }),
            Box::new(move |o| {
                    o.refund(money(750), note("cancelled"), None, None, staff, at(105)).unwrap();
                }),
        ])
        .await;
        assert_eq!(listed(&store, Some(true)).await, vec![], "no return asked for yet");

        let customer = actor(2, Role::Customer);
        let returned = changed(&store, &returned, vec![Box::new(move |o| {
            o.request_return(vec![(mug, qty(1))], note("chipped"), customer, at(200), None)
                .unwrap();
        })])
        .await;
        let refunded = changed(&store, &refunded, vec![Box::new(move |o| {
            o.refund(money(300), note("late"), None, None, staff, at(201)).unwrap();
        })])
        .await;
        assert_eq!(listed(&store, Some(true)).await, vec![returned.id()]);
        assert_eq!(
            listed(&store, Some(false)).await,
            vec![cancelled.id(), unpaid.id(), refunded.id()]
        );
        assert_eq!(listed(&store, None).await.len(), 4);
        let read = store.get_order(returned.id()).await.unwrap().unwrap();
        assert_eq!(read.open_return_since(), Some(at(200)));

        let all = [&returned, &refunded, &unpaid, &cancelled];
        let mut summary = store.summarize_orders(&OrderFilter::default()).await.unwrap();
        summary.by_status.sort();
        assert_eq!(summary, recount(&store, &all).await);
        assert_eq!(summary.refunded, money(1_050), "the cancelled order's refund too");
        assert_eq!(summary.revenue, money(1_500), "two shipped, paid orders");
        assert_eq!(summary.net_revenue, money(1_200), "less the 300 paid back on them");
        let open = OrderFilter {
            open_return: Some(true),
            ..OrderFilter::default()
        };
        let open = store.summarize_orders(&open).await.unwrap();
        assert_eq!((open.orders(), open.refunded, open.revenue), (1, Money::ZERO, money(500)));

        let returned = changed(&store, &returned, vec![
            Box::new(move |o| {
                let back = vec![ReceivedItem { product: mug, quantity: qty(1), restock: true }];
                o.receive_return(1, back, staff, at(300)).unwrap();
            }),
            Box::new(move |o| {
                o.refund(money(250), note("returned"), Some(1), None, staff, at(301)).unwrap();
            }),
        ])
        .await;
        assert_eq!(listed(&store, Some(true)).await, vec![], "received, so no longer open");
        let mut summary = store.summarize_orders(&OrderFilter::default()).await.unwrap();
        summary.by_status.sort();
        assert_eq!(summary, recount(&store, &all).await);
        assert_eq!((summary.refunded, summary.net_revenue), (money(1_300), money(950)));
        drop(returned);
    }
}
