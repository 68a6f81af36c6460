//! Shipping an order's units in parts and recording their arrival: what
//! each shipment may hold, the statuses it moves the order through, who
//! may send one, and the shop's rule on addresses.

use oms_app::orders::{ChangeStatus, ChangeStatusError, ItemInput, ShipOrder};
use oms_domain::order::OrderError;
use oms_domain::order::status::OrderStatus::*;
use oms_domain::user::{Actor, Permission, Role};

use crate::support::{World, order_for, staff, world};

/// A confirmed order of 3 mugs and 1 pot; returns their ids and the order's.
async fn confirmed(w: &World) -> (String, String, String) {
    let mug = w.product("Mug", 100, 10).await;
    let pot = w.product("Pot", 900, 10).await;
    let order = w
        .place("ann@example.com", &[(&mug, 3), (&pot, 1)])
        .await
        .unwrap();
    let id = order.id().to_string();
    let confirm = ChangeStatus {
        status: "confirmed".to_owned(),
        ..ChangeStatus::default()
    };
    w.orders.change_status(staff(), &id, confirm).await.unwrap();
    (mug, pot, id)
}

fn items(items: &[(&str, i64)]) -> ShipOrder {
    ShipOrder {
        items: Some(
            items
                .iter()
                .map(|&(p, q)| ItemInput {
                    product_id: p.to_owned(),
                    quantity: q,
                })
                .collect(),
        ),
        ..ShipOrder::default()
    }
}

fn field_names(error: &ChangeStatusError) -> Vec<String> {
    match error {
        ChangeStatusError::Invalid(invalid) => {
            invalid.errors().iter().map(|e| e.field.clone()).collect()
        }
        other => panic!("expected 422, got {other:?}"),
    }
}

#[tokio::test]
async fn two_shipments_ship_an_order_and_their_arrivals_deliver_it() {
    let w = world();
    let (mug, _pot, id) = confirmed(&w).await;
    let first = ShipOrder {
        carrier: Some("DHL".to_owned()),
        tracking_number: Some("JD0001".to_owned()),
        tracking_url: Some("https://dhl.example/t/JD0001".to_owned()),
        ..items(&[(&mug, 2)])
    };
    let order = w.orders.ship(staff(), &id, first).await.unwrap();
    assert_eq!(order.status(), PartiallyShipped);
    assert_eq!(
        order.shipments()[0].carrier.as_ref().unwrap().as_str(),
        "DHL"
    );
    let order = w
        .orders
        .ship(staff(), &id, ShipOrder::default())
        .await
        .unwrap();
    assert_eq!(order.status(), Shipped);
    assert_eq!(order.shipments().len(), 2);
    assert_eq!(order.unshipped().count(), 0);

    let order = w
        .orders
        .mark_delivered(staff(), &id, "1", None)
        .await
        .unwrap();
    assert_eq!(order.status(), Shipped, "one shipment still on its way");
    let again = w
        .orders
        .mark_delivered(staff(), &id, "1", None)
        .await
        .unwrap();
    assert_eq!(
        again.version(),
        order.version(),
        "marking again writes nothing"
    );
    let order = w
        .orders
        .mark_delivered(staff(), &id, "2", None)
        .await
        .unwrap();
    assert_eq!(order.status(), Delivered);
    let names: Vec<_> = w.events().await.iter().map(|e| e.name()).collect();
    assert_eq!(
        names,
        [
            "orderPlaced",
            "orderStatusUpdated",
            "orderShipped",
            "orderShipped",
            "orderShipmentDelivered",
            "orderShipmentDelivered"
        ]
    );
}

#[tokio::test]
async fn a_shipment_the_order_cannot_send_is_refused_naming_each_item() {
    let w = world();
    let (mug, pot, id) = confirmed(&w).await;
    let stranger = w.product("Cup", 100, 10).await;
    let refused = w
        .orders
        .ship(
            staff(),
            &id,
            items(&[(&mug, 4), (&stranger, 1), (&mug, 1), (&pot, 0)]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_names(&refused),
        ["items[3].quantity"],
        "a zero quantity is refused before the order is read"
    );
    let refused = w
        .orders
        .ship(staff(), &id, items(&[(&mug, 4), (&stranger, 1), (&mug, 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        field_names(&refused),
        [
            "items[0].quantity",
            "items[1].productId",
            "items[2].productId"
        ]
    );
    let empty = w.orders.ship(staff(), &id, items(&[])).await.unwrap_err();
    assert_eq!(field_names(&empty), ["items"]);
    let long = ShipOrder {
        carrier: Some("x".repeat(101)),
        tracking_url: Some("http://dhl.example/1".to_owned()),
        ..ShipOrder::default()
    };
    let refused = w.orders.ship(staff(), &id, long).await.unwrap_err();
    assert_eq!(field_names(&refused), ["carrier", "trackingUrl"]);
    assert_eq!(
        w.orders.get(&id).await.unwrap().version(),
        2,
        "nothing written"
    );
}

#[tokio::test]
async fn only_staff_ship_and_only_confirmed_or_partly_shipped_orders() {
    let w = world();
    let (mug, _pot, id) = confirmed(&w).await;
    let customer = Actor {
        user: staff().user,
        role: Role::Customer,
    };
    let refused = w.orders.ship(customer, &id, ShipOrder::default()).await;
    assert!(matches!(
        refused,
        Err(ChangeStatusError::Forbidden(Permission::ChangeOrderStatus))
    ));
    let pending = w.place("bo@example.com", &[(&mug, 1)]).await.unwrap();
    let refused = w
        .orders
        .ship(staff(), &pending.id().to_string(), ShipOrder::default())
        .await;
    assert!(
        matches!(
            refused,
            Err(ChangeStatusError::Rejected(OrderError::IllegalTransition {
                from: Pending,
                to: Shipped
            }))
        ),
        "{refused:?}"
    );
    w.orders
        .ship(staff(), &id, items(&[(&mug, 1)]))
        .await
        .unwrap();
    let cancel = w.orders.cancel(staff(), &id, None).await;
    assert!(
        matches!(
            cancel,
            Err(ChangeStatusError::Rejected(OrderError::IllegalTransition {
                from: PartiallyShipped,
                to: Cancelled
            }))
        ),
        "an order with a shipment cannot be cancelled: {cancel:?}"
    );
    let unknown = w.orders.mark_delivered(staff(), &id, "7", None).await;
    assert!(matches!(unknown, Err(ChangeStatusError::ShipmentNotFound)));
    let stale = w.orders.mark_delivered(staff(), &id, "1", Some(2)).await;
    assert!(matches!(
        stale,
        Err(ChangeStatusError::VersionMismatch { current: 3 })
    ));
}

#[tokio::test]
async fn an_order_without_an_address_ships_only_where_the_shop_allows() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let mut request = order_for("ann@example.com", &[(&mug, 1)]);
    request.shipping_address = None;
    let order = w.orders.place(staff(), request).await.unwrap().order;
    let id = order.id().to_string();
    let confirm = ChangeStatus {
        status: "confirmed".to_owned(),
        ..ChangeStatus::default()
    };
    w.orders.change_status(staff(), &id, confirm).await.unwrap();
    let shipped = ChangeStatus {
        status: "shipped".to_owned(),
        ..ChangeStatus::default()
    };
    for refused in [
        w.orders.ship(staff(), &id, ShipOrder::default()).await,
        w.orders.change_status(staff(), &id, shipped.clone()).await,
    ] {
        assert!(
            matches!(refused, Err(ChangeStatusError::AddressRequired)),
            "{refused:?}"
        );
    }
    let lenient = w.orders.clone().with_address_required(false);
    let order = lenient.change_status(staff(), &id, shipped).await.unwrap();
    assert_eq!(order.status(), Shipped);
}
