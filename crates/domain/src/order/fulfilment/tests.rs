use uuid::Uuid;

use super::*;
use crate::order::OrderParts;
use crate::order::shipment::{TrackingText, TrackingUrl};
use crate::order::tests::{at, pending, staff};

fn product(n: u128) -> ProductId {
    ProductId::from_uuid(Uuid::from_u128(n))
}

fn qty(n: i64) -> Quantity {
    Quantity::new(n).unwrap()
}

/// Product 1 (2 units) and product 2 (1 unit), confirmed.
fn confirmed() -> Order {
    let mut order = pending();
    order
        .change_status(OrderStatus::Confirmed, staff(), at(2_000))
        .unwrap();
    order
}

fn items(items: &[(u128, i64)]) -> ShipmentRequest {
    ShipmentRequest {
        items: Some(items.iter().map(|&(p, q)| (product(p), qty(q))).collect()),
        ..ShipmentRequest::default()
    }
}

#[test]
fn a_shipment_leaving_units_behind_makes_the_order_partially_shipped() {
    let mut order = confirmed();
    let request = ShipmentRequest {
        carrier: Some(TrackingText::parse("DHL").unwrap()),
        tracking_url: Some(TrackingUrl::parse("https://dhl.example/1").unwrap()),
        ..items(&[(1, 1)])
    };
    let id = order.ship(request, staff(), at(3_000)).unwrap();
    assert_eq!(id, ShipmentId::FIRST);
    assert_eq!(order.status(), OrderStatus::PartiallyShipped);
    assert_eq!(order.shipped_units(product(1)), 1);
    assert_eq!(
        order.unshipped().collect::<Vec<_>>(),
        vec![(product(1), 1), (product(2), 1)]
    );
    assert_eq!(
        order.history().last().unwrap().to,
        OrderStatus::PartiallyShipped
    );
    assert_eq!(order.version(), 3);

    let second = order.ship(ShipmentRequest::default(), staff(), at(4_000));
    assert_eq!(second.unwrap().get(), 2);
    assert_eq!(order.status(), OrderStatus::Shipped);
    assert_eq!(
        order.shipments()[1].items,
        vec![(product(1), qty(1)), (product(2), qty(1))]
    );
    assert_eq!(order.unshipped().count(), 0);
    assert_eq!(Order::restore(OrderParts::from(&order)), Ok(order));
}

#[test]
fn items_the_order_cannot_send_are_each_named() {
    let mut order = confirmed();
    let before = order.clone();
    let refused = order.ship(items(&[(1, 3), (3, 1), (1, 1)]), staff(), at(3_000));
    assert_eq!(
        refused,
        Err(ShipError::Items(vec![
            ShipItemError::MoreThanLeft { index: 0, left: 2 },
            ShipItemError::NotOnOrder { index: 1 },
            ShipItemError::Repeated { index: 2 },
        ]))
    );
    assert_eq!(
        ShipItemError::MoreThanLeft { index: 0, left: 2 }.field(),
        "items[0].quantity"
    );
    assert_eq!(
        ShipItemError::NotOnOrder { index: 1 }.field(),
        "items[1].productId"
    );
    assert_eq!(order, before, "a refused shipment changes nothing");
}

#[test]
fn only_confirmed_or_partly_shipped_orders_ship() {
    let mut order = pending();
    assert_eq!(
        order.ship(ShipmentRequest::default(), staff(), at(3_000)),
        Err(ShipError::Order(OrderError::IllegalTransition {
            from: OrderStatus::Pending,
            to: OrderStatus::Shipped
        }))
    );
    let mut shipped = confirmed();
    shipped
        .ship(ShipmentRequest::default(), staff(), at(3_000))
        .unwrap();
    assert!(shipped.ship(items(&[(1, 1)]), staff(), at(4_000)).is_err());
}

#[test]
fn an_order_with_a_shipment_cannot_be_cancelled_or_asked_into_partially_shipped() {
    let mut order = confirmed();
    assert!(
        order
            .clone()
            .change_status(OrderStatus::PartiallyShipped, staff(), at(3_000))
            .is_err()
    );
    order.ship(items(&[(2, 1)]), staff(), at(3_000)).unwrap();
    assert_eq!(
        order.change_status(OrderStatus::Cancelled, staff(), at(4_000)),
        Err(OrderError::IllegalTransition {
            from: OrderStatus::PartiallyShipped,
            to: OrderStatus::Cancelled
        })
    );
}

#[test]
fn moving_to_shipped_sends_what_is_left_and_to_delivered_marks_every_shipment() {
    let mut order = confirmed();
    order.ship(items(&[(1, 2)]), staff(), at(3_000)).unwrap();
    let change = order
        .change_status(OrderStatus::Shipped, staff(), at(4_000))
        .unwrap();
    assert_eq!(change.to, OrderStatus::Shipped);
    assert_eq!(order.shipments()[1].items, vec![(product(2), qty(1))]);
    order
        .change_status(OrderStatus::Delivered, staff(), at(5_000))
        .unwrap();
    assert!(order.shipments().iter().all(|s| s.delivered.is_some()));
    assert_eq!(Order::restore(OrderParts::from(&order)), Ok(order));
}

#[test]
fn the_last_shipment_arriving_delivers_the_order() {
    let mut order = confirmed();
    order.ship(items(&[(1, 2)]), staff(), at(3_000)).unwrap();
    assert_eq!(
        order.mark_delivered(ShipmentId::FIRST, staff(), at(4_000)),
        Ok(true)
    );
    assert_eq!(
        order.status(),
        OrderStatus::PartiallyShipped,
        "a unit is still to go"
    );
    assert_eq!(
        order.mark_delivered(ShipmentId::FIRST, staff(), at(4_500)),
        Ok(false)
    );
    let second = order
        .ship(ShipmentRequest::default(), staff(), at(5_000))
        .unwrap();
    assert_eq!(order.status(), OrderStatus::Shipped);
    let unknown = ShipmentId::new(9).unwrap();
    assert_eq!(
        order.mark_delivered(unknown, staff(), at(6_000)),
        Err(DeliverError::UnknownShipment)
    );
    assert_eq!(order.mark_delivered(second, staff(), at(6_000)), Ok(true));
    assert_eq!(order.status(), OrderStatus::Delivered);
}

#[test]
fn an_order_shipped_before_shipments_were_kept_counts_every_unit_shipped() {
    let mut parts = OrderParts::from(&confirmed());
    parts.history.push(crate::order::StatusEntry {
        from: OrderStatus::Confirmed,
        to: OrderStatus::Shipped,
        at: at(3_000),
        by: staff(),
        reason: None,
    });
    parts.status = OrderStatus::Shipped;
    let legacy = Order::restore(parts).unwrap();
    assert_eq!(legacy.shipped_units(product(1)), 2);
    assert_eq!(legacy.unshipped().count(), 0);
}

#[test]
fn stored_shipments_that_break_the_rules_are_refused() {
    let mut order = confirmed();
    order.ship(items(&[(1, 1)]), staff(), at(3_000)).unwrap();
    let good = OrderParts::from(&order);

    let mut too_many = good.clone();
    too_many.shipments[0].items = vec![(product(1), qty(3))];
    let mut stray = good.clone();
    stray.shipments[0].items = vec![(product(7), qty(1))];
    let mut renumbered = good.clone();
    renumbered.shipments[0].id = ShipmentId::new(2).unwrap();
    let mut wrong_status = good.clone();
    wrong_status.status = OrderStatus::Confirmed;
    wrong_status.history.pop();
    for parts in [too_many, stray, renumbered, wrong_status] {
        assert!(matches!(
            Order::restore(parts),
            Err(OrderError::Inconsistent(_))
        ));
    }
}
