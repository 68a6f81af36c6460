//! The use cases under contention, on a multi-threaded runtime.

use oms_app::orders::{ChangeStatus, ChangeStatusError, PlaceOrderError};
use oms_domain::ids::UserId;
use oms_domain::order::OrderError;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::{Actor, Role};
use uuid::Uuid;

use crate::support::{order_for, staff, world};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_buyers_for_fifty_units_make_exactly_fifty_orders() {
    let w = world();
    let mug = w.product("Mug", 100, 50).await;
    let buyers = (0..200).map(|n| {
        let orders = w.orders.clone();
        let cmd = order_for(&format!("buyer{n}@example.com"), &[(&mug, 1)]);
        tokio::spawn(async move { orders.place(staff(), cmd).await })
    });
    let mut placed = 0;
    for result in futures::future::join_all(buyers).await {
        match result.unwrap() {
            Ok(_) => placed += 1,
            Err(PlaceOrderError::OutOfStock {
                available: 0,
                requested: 1,
                ..
            }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(placed, 50);
    assert_eq!(w.stock(&mug).await, 0);
    assert_eq!(
        w.events().await.len(),
        50,
        "one event per order, none for refusals"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_cancellations_release_the_stock_once() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let id = w
        .place("ann@example.com", &[(&mug, 7)])
        .await
        .unwrap()
        .id()
        .to_string();
    let cancels = (0..16u128).map(|n| {
        let (orders, id) = (w.orders.clone(), id.clone());
        let by = Actor {
            user: UserId::from_uuid(Uuid::from_u128(0x57AFF + n)),
            role: Role::Staff,
        };
        tokio::spawn(async move { orders.cancel(by, &id, None).await })
    });
    let mut won = 0;
    for result in futures::future::join_all(cancels).await {
        match result.unwrap() {
            Ok(_) => won += 1,
            Err(ChangeStatusError::Rejected(OrderError::IllegalTransition {
                from: OrderStatus::Cancelled,
                ..
            })) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(w.stock(&mug).await, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_person_cancelling_many_times_at_once_cancels_once_and_hears_it_each_time() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let id = w
        .place("ann@example.com", &[(&mug, 7)])
        .await
        .unwrap()
        .id()
        .to_string();
    let cancels = (0..16).map(|_| {
        let (orders, id) = (w.orders.clone(), id.clone());
        tokio::spawn(async move { orders.cancel(staff(), &id, None).await })
    });
    for result in futures::future::join_all(cancels).await {
        let order = result.unwrap().expect("each hears the order cancelled");
        assert_eq!(order.status(), OrderStatus::Cancelled);
        assert_eq!(order.version(), 2);
    }
    assert_eq!(w.stock(&mug).await, 10);
    assert_eq!(w.events().await.len(), 2, "placed and cancelled once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_changes_without_a_version_are_all_kept() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let id = w
        .place("ann@example.com", &[(&mug, 1)])
        .await
        .unwrap()
        .id()
        .to_string();
    let confirm = {
        let (orders, id) = (w.orders.clone(), id.clone());
        tokio::spawn(async move {
            let cmd = ChangeStatus {
                status: "confirmed".into(),
                ..ChangeStatus::default()
            };
            orders.change_status(staff(), &id, cmd).await
        })
    };
    let pay = {
        let (orders, id) = (w.orders.clone(), id.clone());
        tokio::spawn(async move { orders.set_payment_collected(staff(), &id, true, None).await })
    };
    confirm.await.unwrap().unwrap();
    pay.await.unwrap().unwrap();
    let order = w.orders.get(&id).await.unwrap();
    assert_eq!(
        (order.status(), order.payment_collected(), order.version()),
        (OrderStatus::Confirmed, true, 3)
    );
}
