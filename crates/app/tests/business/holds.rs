//! Unpaid holds: the sweep cancels, as the system and with the reason
//! `expired`, exactly the pending orders nobody paid for within the hold,
//! once however many instances sweep at the same moment.

use std::time::Duration;

use oms_app::orders::{ChangeStatus, OrderService};
use oms_domain::event::OrderEvent;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Actor;

use crate::support::{order_for, staff, world};

const HOLD: Duration = Duration::from_secs(60);

#[tokio::test]
async fn two_instances_sweeping_at_once_expire_each_unpaid_order_once() {
    let w = world();
    let mug = w.product("Mug", 100, 20).await;
    let unpaid = w.place("ann@example.com", &[(&mug, 3)]).await.unwrap();
    let mut paid = order_for("bob@example.com", &[(&mug, 2)]);
    paid.payment_collected = true;
    let paid = w.orders.place(staff(), paid).await.unwrap().order;
    let confirmed = w.place("cy@example.com", &[(&mug, 1)]).await.unwrap();
    let confirm = ChangeStatus {
        status: "confirmed".to_owned(),
        ..ChangeStatus::default()
    };
    w.orders
        .change_status(staff(), &confirmed.id().to_string(), confirm)
        .await
        .unwrap();
    assert_eq!(
        w.orders.expire_unpaid(HOLD).await.unwrap(),
        0,
        "no hold has run out yet"
    );

    w.clock.advance(61_000);
    let fresh = w.place("dee@example.com", &[(&mug, 4)]).await.unwrap();
    let other = OrderService::new(w.store.clone(), w.clock.clone(), w.ids.clone());
    let (one, two) = tokio::join!(w.orders.expire_unpaid(HOLD), other.expire_unpaid(HOLD));
    let seen = one.unwrap() + two.unwrap();
    assert!(
        (1..=2).contains(&seen),
        "each sweep reports the one expired order if it saw it pending: {seen}"
    );

    let read = |id: oms_domain::ids::OrderId| {
        let orders = w.orders.clone();
        async move { orders.get(&id.to_string()).await.unwrap() }
    };
    let expired = read(unpaid.id()).await;
    assert_eq!(expired.status(), OrderStatus::Cancelled);
    let entry = expired.history().last().unwrap();
    assert_eq!(entry.by, Actor::SYSTEM);
    assert_eq!(entry.reason.as_ref().map(|r| r.as_str()), Some("expired"));
    for kept in [paid.id(), confirmed.id(), fresh.id()] {
        assert_ne!(read(kept).await.status(), OrderStatus::Cancelled);
    }
    assert_eq!(
        w.stock(&mug).await,
        20 - 2 - 1 - 4,
        "the expired order's units are back, once"
    );
    let cancellations = w
        .events()
        .await
        .into_iter()
        .filter(|e| matches!(e, OrderEvent::StatusUpdated(m) if m.to == OrderStatus::Cancelled))
        .count();
    assert_eq!(cancellations, 1, "one event for one expiry");
}

#[tokio::test]
async fn payment_recorded_before_the_sweep_saves_the_order() {
    let w = world();
    let mug = w.product("Mug", 100, 5).await;
    let order = w.place("ann@example.com", &[(&mug, 2)]).await.unwrap();
    w.clock.advance(61_000);
    w.orders
        .set_payment_collected(staff(), &order.id().to_string(), true, None)
        .await
        .unwrap();
    assert_eq!(w.orders.expire_unpaid(HOLD).await.unwrap(), 0);
    let kept = w.orders.get(&order.id().to_string()).await.unwrap();
    assert_eq!(
        (kept.status(), kept.payment_collected()),
        (OrderStatus::Pending, true)
    );
    assert_eq!(w.stock(&mug).await, 3);
}
