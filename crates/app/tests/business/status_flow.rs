//! Moving orders through their statuses: who may, what is legal, what it
//! does to stock, and what subscribers hear.

use oms_app::orders::{ChangeStatus, ChangeStatusError};
use oms_domain::event::OrderEvent;
use oms_domain::order::status::OrderStatus::{self, *};
use oms_domain::order::{Order, OrderError};
use oms_domain::user::Permission;

use crate::support::{ADMIN, World, staff, world};

fn to(status: &str) -> ChangeStatus {
    ChangeStatus {
        status: status.to_owned(),
        ..ChangeStatus::default()
    }
}

async fn setup() -> (World, String, Order) {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let order = w.place("ann@example.com", &[(&mug, 4)]).await.unwrap();
    (w, mug, order)
}

#[tokio::test]
async fn an_order_walks_from_pending_to_delivered_with_its_history() {
    let (w, mug, order) = setup().await;
    let id = order.id().to_string();
    let mut last = order;
    for next in ["confirmed", "shipped", "delivered"] {
        last = w
            .orders
            .change_status(staff(), &id, to(next))
            .await
            .unwrap();
    }
    assert_eq!(last.status(), Delivered);
    assert_eq!(last.version(), 4);
    let steps: Vec<_> = last
        .history()
        .iter()
        .map(|e| (e.from, e.to, e.by))
        .collect();
    assert_eq!(
        steps,
        vec![
            (Pending, Confirmed, staff()),
            (Confirmed, Shipped, staff()),
            (Shipped, Delivered, staff())
        ]
    );
    let moves: Vec<_> = w
        .events()
        .await
        .into_iter()
        .filter_map(|e| match &e {
            OrderEvent::StatusUpdated(u) => Some((e.name(), u.from, u.to, u.version)),
            OrderEvent::Shipped(s) => Some((e.name(), s.from, s.to, s.version)),
            OrderEvent::ShipmentDelivered(d) => Some((e.name(), d.from, d.to, d.version)),
            _ => None,
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("orderStatusUpdated", Pending, Confirmed, 2),
            ("orderShipped", Confirmed, Shipped, 3),
            ("orderShipmentDelivered", Shipped, Delivered, 4)
        ]
    );
    assert_eq!(last.shipments().len(), 1, "shipped in one shipment");
    assert!(last.shipments()[0].delivered.is_some());
    assert_eq!(w.stock(&mug).await, 6, "delivery keeps the stock taken");
}

#[tokio::test]
async fn cancelling_a_pending_or_confirmed_order_puts_its_stock_back() {
    for path in [vec!["cancelled"], vec!["confirmed", "cancelled"]] {
        let (w, mug, order) = setup().await;
        let id = order.id().to_string();
        assert_eq!(w.stock(&mug).await, 6);
        for next in path {
            w.orders
                .change_status(staff(), &id, to(next))
                .await
                .unwrap();
        }
        assert_eq!(w.stock(&mug).await, 10);
    }
}

#[tokio::test]
async fn an_illegal_move_is_refused_and_changes_nothing() {
    let (w, mug, order) = setup().await;
    let id = order.id().to_string();
    let cases = [
        ("shipped", Pending),
        ("delivered", Pending),
        ("pending", Pending),
    ];
    for (next, from) in cases {
        let err = w
            .orders
            .change_status(staff(), &id, to(next))
            .await
            .unwrap_err();
        let wanted: OrderStatus = next.parse().unwrap();
        assert!(
            matches!(err, ChangeStatusError::Rejected(OrderError::IllegalTransition { from: f, to: t }) if f == from && t == wanted),
            "{next}: {err:?}"
        );
    }
    w.orders.cancel(staff(), &id, None).await.unwrap();
    let by_another = w.orders.cancel(ADMIN, &id, None).await.unwrap_err();
    assert!(matches!(
        by_another,
        ChangeStatusError::Rejected(OrderError::IllegalTransition {
            from: Cancelled,
            to: Cancelled
        })
    ));
    assert_eq!(w.stock(&mug).await, 10, "released once");
    assert_eq!(w.orders.get(&id).await.unwrap().version(), 2);
}

#[tokio::test]
async fn a_change_sent_again_by_whoever_made_it_is_answered_with_the_order_and_writes_nothing() {
    let (w, mug, order) = setup().await;
    let id = order.id().to_string();
    let first = w.orders.cancel(staff(), &id, Some(1)).await.unwrap();
    for expected in [None, Some(1)] {
        let again = w.orders.cancel(staff(), &id, expected).await.unwrap();
        assert_eq!(again, first, "sent again with {expected:?}");
    }
    assert_eq!(w.stock(&mug).await, 10, "released once");
    assert_eq!(w.events().await.len(), 2, "placed and cancelled, once each");
    let stale = w.orders.cancel(ADMIN, &id, Some(1)).await.unwrap_err();
    assert!(
        matches!(stale, ChangeStatusError::VersionMismatch { current: 2 }),
        "{stale:?}"
    );
}

#[tokio::test]
async fn a_change_sent_again_after_someone_else_changed_the_order_is_stale() {
    let (w, _, order) = setup().await;
    let id = order.id().to_string();
    let confirm = ChangeStatus {
        expected_version: Some(1),
        ..to("confirmed")
    };
    w.orders
        .change_status(staff(), &id, confirm.clone())
        .await
        .unwrap();
    w.orders
        .set_payment_collected(ADMIN, &id, true, Some(2))
        .await
        .unwrap();
    let again = w
        .orders
        .change_status(staff(), &id, confirm)
        .await
        .unwrap_err();
    assert!(
        matches!(again, ChangeStatusError::VersionMismatch { current: 3 }),
        "{again:?}"
    );
    let unpaid_again = ChangeStatus {
        payment_collected: Some(false),
        ..to("confirmed")
    };
    let other_payment = w.orders.change_status(staff(), &id, unpaid_again).await;
    assert!(
        !other_payment.unwrap().payment_collected(),
        "a different payment is a change, not a repeat"
    );
}

#[tokio::test]
async fn an_unknown_status_names_the_field_and_an_unknown_order_is_not_found() {
    let (w, _, order) = setup().await;
    let err = w
        .orders
        .change_status(staff(), &order.id().to_string(), to("lost"))
        .await
        .unwrap_err();
    assert!(matches!(err, ChangeStatusError::Invalid(e) if e.names("status")));
    for id in [
        "00000000-0000-0000-0000-000000000001",
        "not-an-id",
        "{\"$ne\": null}",
    ] {
        let err = w
            .orders
            .change_status(staff(), id, to("confirmed"))
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeStatusError::NotFound), "{id}: {err:?}");
    }
}

#[tokio::test]
async fn a_customer_may_cancel_only_its_own_pending_order() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let zoe = w.customer_user("Zoe", "zoe@example.com").await;
    let max = w.customer_user("Max", "max@example.com").await;
    let place = |who| {
        let mut cmd = crate::support::order_for("x@example.com", &[(&mug, 2)]);
        cmd.customer = None;
        let orders = w.orders.clone();
        async move { orders.place(who, cmd).await.unwrap().order.id().to_string() }
    };
    let first = place(zoe).await;
    let second = place(zoe).await;

    let not_theirs = w.orders.cancel(max, &first, None).await.unwrap_err();
    assert!(matches!(
        not_theirs,
        ChangeStatusError::Forbidden(Permission::ChangeOrderStatus)
    ));
    let not_a_cancel = w
        .orders
        .change_status(zoe, &first, to("confirmed"))
        .await
        .unwrap_err();
    assert!(matches!(
        not_a_cancel,
        ChangeStatusError::Forbidden(Permission::ChangeOrderStatus)
    ));

    let cancelled = w.orders.cancel(zoe, &first, None).await.unwrap();
    assert_eq!(cancelled.status(), Cancelled);
    assert_eq!(cancelled.history()[0].by, zoe);

    w.orders
        .change_status(staff(), &second, to("confirmed"))
        .await
        .unwrap();
    let too_late = w.orders.cancel(zoe, &second, None).await.unwrap_err();
    assert!(matches!(too_late, ChangeStatusError::Forbidden(_)));
    assert_eq!(w.stock(&mug).await, 8);
}

#[tokio::test]
async fn a_stale_expected_version_is_refused_and_writes_nothing() {
    let (w, _, order) = setup().await;
    let id = order.id().to_string();
    let stale = ChangeStatus {
        expected_version: Some(5),
        ..to("confirmed")
    };
    let err = w
        .orders
        .change_status(staff(), &id, stale)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ChangeStatusError::VersionMismatch { current: 1 }
    ));
    assert_eq!(w.orders.get(&id).await.unwrap().status(), Pending);

    let fresh = ChangeStatus {
        expected_version: Some(1),
        ..to("confirmed")
    };
    assert_eq!(
        w.orders
            .change_status(staff(), &id, fresh)
            .await
            .unwrap()
            .version(),
        2
    );
}

#[tokio::test]
async fn payment_is_recorded_alone_or_with_a_move() {
    let (w, _, order) = setup().await;
    let id = order.id().to_string();
    let paid = ChangeStatus {
        payment_collected: Some(true),
        ..to("pending")
    };
    let order = w.orders.change_status(staff(), &id, paid).await.unwrap();
    assert!(order.payment_collected());
    assert!(
        order.history().is_empty(),
        "the current status with a payment is no move"
    );
    assert_eq!(order.version(), 2);

    w.orders
        .change_status(staff(), &id, to("confirmed"))
        .await
        .unwrap();
    w.orders
        .change_status(staff(), &id, to("shipped"))
        .await
        .unwrap();
    let both = ChangeStatus {
        payment_collected: Some(false),
        ..to("delivered")
    };
    let order = w.orders.change_status(staff(), &id, both).await.unwrap();
    assert_eq!(
        (order.status(), order.payment_collected()),
        (Delivered, false)
    );

    let unchanged = w
        .orders
        .set_payment_collected(staff(), &id, false, None)
        .await
        .unwrap();
    assert_eq!(
        unchanged.version(),
        order.version(),
        "no change, no new version"
    );
}

#[tokio::test]
async fn payment_is_staff_business_and_never_on_a_cancelled_order() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let zoe = w.customer_user("Zoe", "zoe@example.com").await;
    let mut cmd = crate::support::order_for("zoe@example.com", &[(&mug, 1)]);
    cmd.customer = None;
    let id = w
        .orders
        .place(zoe, cmd)
        .await
        .unwrap()
        .order
        .id()
        .to_string();

    let err = w
        .orders
        .set_payment_collected(zoe, &id, true, None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ChangeStatusError::Forbidden(Permission::CollectPayment)
    ));

    w.orders.cancel(staff(), &id, None).await.unwrap();
    let err = w
        .orders
        .set_payment_collected(staff(), &id, true, None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ChangeStatusError::Rejected(OrderError::PaymentOnCancelled)
    ));
}
