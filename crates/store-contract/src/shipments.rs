//! Shipments: sent in parts, read back and logged as sent, never more
//! than an order holds, and never rewritten once sent.

use oms_domain::event::OrderEvent;
use oms_domain::order::shipment::{ShipmentId, ShipmentRequest, TrackingText, TrackingUrl};
use oms_domain::order::status::OrderStatus;
use oms_domain::order::{Order, OrderParts};
use oms_domain::user::Role;
use oms_ports::draft::OrderRevision;
use oms_ports::error::ReviseError;
use oms_ports::store::Store;

use crate::fixtures::{actor, at, draft, given_product, placed, qty, revise_ok, revise_won};

/// `order` confirmed by staff and stored.
async fn confirmed<S: Store>(store: &S, order: &Order) -> Order {
    let mut next = order.clone();
    next.change_status(OrderStatus::Confirmed, actor(1, Role::Staff), at(10))
        .unwrap();
    revise_ok(store, revision(order, next)).await
}

fn revision(from: &Order, to: Order) -> OrderRevision {
    OrderRevision {
        order: to,
        expected_version: from.version(),
    }
}

cases! {
    pub async fn shipments_are_kept_through_reads_the_log_and_deliveries<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let pot = given_product(&store, 2, "Pot", 900, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 3), (pot, 1)])).await;
        let order = confirmed(&store, &order).await;
        let start = store.tail().await.unwrap();
        let staff = actor(1, Role::Staff);

        let mut partly = order.clone();
        let request = ShipmentRequest {
            items: Some(vec![(mug, qty(2))]),
            carrier: Some(TrackingText::parse("DHL").unwrap()),
            tracking_number: Some(TrackingText::parse("JD0001").unwrap()),
            tracking_url: Some(TrackingUrl::parse("https://dhl.example/t/JD0001").unwrap()),
        };
        partly.ship(request, staff, at(20)).unwrap();
        let partly = revise_ok(&store, revision(&order, partly)).await;
        assert_eq!(partly.status(), OrderStatus::PartiallyShipped);
        assert_eq!(store.get_order(order.id()).await.unwrap().as_ref(), Some(&partly));

        let mut rest = partly.clone();
        rest.ship(ShipmentRequest::default(), staff, at(30)).unwrap();
        let rest = revise_ok(&store, revision(&partly, rest)).await;
        let mut arrived = rest.clone();
        arrived.mark_delivered(ShipmentId::FIRST, staff, at(40)).unwrap();
        let arrived = revise_ok(&store, revision(&rest, arrived)).await;
        let stored = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(stored, arrived, "shipments and arrivals read back as written");
        assert_eq!(stored.status(), OrderStatus::Shipped);
        assert_eq!(stored.shipped_units(mug), 3);

        let page = store.read_after(&start, 10).await.unwrap();
        let events: Vec<_> = page.events.into_iter().map(|e| e.event).collect();
        let [OrderEvent::Shipped(first), OrderEvent::Shipped(second), OrderEvent::ShipmentDelivered(delivered)] =
            events.as_slice()
        else {
            panic!("two shipments and an arrival, got {events:?}");
        };
        assert_eq!(first.shipment, partly.shipments()[0], "the event carries the shipment");
        assert_eq!((first.from, first.to), (OrderStatus::Confirmed, OrderStatus::PartiallyShipped));
        assert_eq!((second.from, second.to), (OrderStatus::PartiallyShipped, OrderStatus::Shipped));
        assert_eq!(delivered.shipments, vec![ShipmentId::FIRST]);
        assert_eq!(delivered.by, staff);
        assert_eq!(delivered.version, arrived.version());
    }

    pub async fn two_shipments_of_the_last_units_from_one_version_send_them_once<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 2)])).await;
        let order = confirmed(&store, &order).await;
        let send = |n: i64| {
            let mut next = order.clone();
            next.ship(ShipmentRequest::default(), actor(1, Role::Staff), at(20 + n)).unwrap();
            revision(&order, next)
        };
        let (one, two) = (send(1), send(2));
        let (a, b) = futures::join!(revise_won(&store, &one), revise_won(&store, &two));
        let won = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "{a:?} {b:?}");
        let lost = if a.is_err() { a } else { b };
        assert!(matches!(lost, Err(ReviseError::VersionMismatch { .. })), "{lost:?}");
        let stored = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(stored.shipments().len(), 1);
        assert_eq!(stored.shipped_units(mug), 2, "never more than the line");
    }

    pub async fn a_revision_may_not_rewrite_a_sent_shipment<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 2)])).await;
        let order = confirmed(&store, &order).await;
        let mut sent = order.clone();
        sent.ship(ShipmentRequest::default(), actor(1, Role::Staff), at(20)).unwrap();
        let sent = revise_ok(&store, revision(&order, sent)).await;

        let mut rewritten = OrderParts::from(&sent);
        rewritten.shipments[0].carrier = Some(TrackingText::parse("Other").unwrap());
        rewritten.payment_collected = true;
        rewritten.version += 1;
        let err = store
            .revise(revision(&sent, Order::restore(rewritten).unwrap()))
            .await
            .unwrap_err();
        assert!(matches!(err, ReviseError::Store(_)), "{err:?}");
        assert_eq!(store.get_order(order.id()).await.unwrap(), Some(sent));
    }
}
