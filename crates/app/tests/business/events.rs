//! Every change a use case makes is one event in the store's log, recorded
//! with the change; a refused request records nothing.

use oms_app::orders::{ChangeStatus, ChangeStatusError, PlaceOrderError};
use oms_domain::event::OrderEvent;
use oms_domain::order::OrderError;
use oms_domain::order::status::OrderStatus;

use crate::support::{order_for, staff, world};

fn to(status: &str) -> ChangeStatus {
    ChangeStatus {
        status: status.to_owned(),
        ..ChangeStatus::default()
    }
}

#[tokio::test]
async fn placing_moving_and_paying_are_one_event_each_in_order() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let order = w.place("ann@example.com", &[(&mug, 2)]).await.unwrap();
    let id = order.id().to_string();
    w.orders
        .change_status(staff(), &id, to("confirmed"))
        .await
        .unwrap();
    w.orders
        .set_payment_collected(staff(), &id, true, None)
        .await
        .unwrap();
    let both = ChangeStatus {
        payment_collected: Some(false),
        ..to("shipped")
    };
    w.orders.change_status(staff(), &id, both).await.unwrap();

    let events = w.events().await;
    let names: Vec<_> = events.iter().map(OrderEvent::name).collect();
    assert_eq!(
        names,
        [
            "orderPlaced",
            "orderStatusUpdated",
            "orderPaymentUpdated",
            "orderShipped"
        ]
    );
    let versions: Vec<_> = events.iter().map(OrderEvent::version).collect();
    assert_eq!(
        versions,
        [1, 2, 3, 5],
        "payment and status in one request count twice"
    );
    let OrderEvent::Placed(placed) = &events[0] else {
        panic!("{:?}", events[0])
    };
    assert_eq!(placed.order, order, "the order as committed");
    let OrderEvent::Shipped(shipped) = &events[3] else {
        panic!("{:?}", events[3])
    };
    assert_eq!(
        (shipped.from, shipped.to, shipped.by),
        (OrderStatus::Confirmed, OrderStatus::Shipped, staff())
    );
    assert!(
        !shipped.payment_collected,
        "a status change tells the payment recorded with it"
    );
    assert!(events.iter().all(|e| e.order_id() == order.id()));
    assert!(events.iter().all(|e| e.placed_by() == staff().user));
}

#[tokio::test]
async fn refused_requests_record_nothing() {
    let w = world();
    let mug = w.product("Mug", 100, 1).await;
    let order = w.place("ann@example.com", &[(&mug, 1)]).await.unwrap();
    let id = order.id().to_string();
    let recorded = w.events().await.len();

    let short = w.place("bob@example.com", &[(&mug, 1)]).await;
    assert!(matches!(short, Err(PlaceOrderError::OutOfStock { .. })));
    let unknown = w
        .orders
        .place(
            staff(),
            order_for("bob@example.com", &[(&id, 1)]), // an order id is no product
        )
        .await;
    assert!(matches!(
        unknown,
        Err(PlaceOrderError::UnknownProduct { .. })
    ));
    let illegal = w.orders.change_status(staff(), &id, to("delivered")).await;
    assert!(matches!(
        illegal,
        Err(ChangeStatusError::Rejected(
            OrderError::IllegalTransition { .. }
        ))
    ));
    let stale = ChangeStatus {
        expected_version: Some(7),
        ..to("confirmed")
    };
    let stale = w.orders.change_status(staff(), &id, stale).await;
    assert!(matches!(
        stale,
        Err(ChangeStatusError::VersionMismatch { current: 1 })
    ));
    let unpaid = w
        .orders
        .set_payment_collected(staff(), &id, false, None)
        .await
        .unwrap();
    assert_eq!(
        unpaid.version(),
        1,
        "recording what is already so changes nothing"
    );

    assert_eq!(w.events().await.len(), recorded);
}
