//! Events leave only after the store commits, never for a failed write, and
//! a failing publisher never fails or undoes the change. mockall injects the
//! failures and checks the order of calls.

use mockall::Sequence;
use oms_app::orders::{ChangeStatus, ChangeStatusError, PlaceOrderError};
use oms_domain::event::OrderEvent;
use oms_domain::order::status::OrderStatus;
use oms_memory::MemoryStore;
use oms_ports::draft::Placement;
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::events::{MockEventPublisher, PublishError};
use oms_ports::store::OrderStore;

use crate::mocks::{MUG, MockStore, committed, confirm, pending_order, service, unavailable};
use crate::support::{SeqIds, TestClock, order_for, staff};

#[tokio::test]
async fn order_placed_is_published_after_the_store_commits() {
    let mut seq = Sequence::new();
    let mut store = MockStore::new();
    let mut events = MockEventPublisher::new();
    store
        .expect_place()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|draft| {
            Ok(Placement {
                order: committed(&draft),
                replayed: false,
            })
        });
    events
        .expect_publish()
        .times(1)
        .in_sequence(&mut seq)
        .withf(|event| matches!(event, OrderEvent::Placed(p) if p.order.total().minor() == 300))
        .returning(|_| Ok(()));

    let placement = service(store, events)
        .place(staff(), order_for("ann@example.com", &[(MUG, 3)]))
        .await
        .unwrap();
    assert_eq!(placement.order.total().minor(), 300);
}

#[tokio::test]
async fn nothing_is_published_when_the_store_refuses_or_fails() {
    let failures: Vec<fn() -> PlaceError> = vec![
        || PlaceError::Store(unavailable()),
        || PlaceError::UnknownProduct(MUG.parse().unwrap()),
        || PlaceError::KeyReused,
    ];
    for failure in failures {
        let mut store = MockStore::new();
        let mut events = MockEventPublisher::new();
        store
            .expect_place()
            .times(1)
            .returning(move |_| Err(failure()));
        events.expect_publish().never();
        let result = service(store, events)
            .place(staff(), order_for("ann@example.com", &[(MUG, 1)]))
            .await;
        assert!(
            matches!(
                result,
                Err(PlaceOrderError::Store(StoreError::Unavailable(_))
                    | PlaceOrderError::UnknownProduct { .. }
                    | PlaceOrderError::KeyReused)
            ),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn a_failing_publisher_neither_fails_nor_undoes_the_change() {
    let memory = MemoryStore::new();
    let mut events = MockEventPublisher::new();
    events
        .expect_publish()
        .times(2)
        .returning(|_| Err(PublishError("event bus is down".into())));
    let orders = service(memory.clone(), events);
    let catalog = oms_app::catalog::CatalogService::new(
        memory.clone(),
        TestClock::default(),
        SeqIds::default(),
    );
    let mug = catalog
        .create(
            crate::support::ADMIN,
            oms_app::catalog::CreateProduct {
                name: "Mug".into(),
                price: 100,
                stock: 5,
            },
        )
        .await
        .unwrap()
        .id
        .to_string();

    let placed = orders
        .place(staff(), order_for("ann@example.com", &[(&mug, 2)]))
        .await
        .unwrap();
    let id = placed.order.id().to_string();
    let confirm = ChangeStatus {
        status: "confirmed".into(),
        ..ChangeStatus::default()
    };
    let confirmed = orders.change_status(staff(), &id, confirm).await.unwrap();

    assert_eq!(
        orders.get(&id).await.unwrap(),
        confirmed,
        "the change stands"
    );
    assert_eq!(confirmed.status(), OrderStatus::Confirmed);
    assert_eq!(
        memory
            .get_order(placed.order.id())
            .await
            .unwrap()
            .unwrap()
            .version(),
        2
    );
}

#[tokio::test]
async fn a_status_change_is_published_only_after_its_revision_commits() {
    let order = pending_order();
    let id = order.id().to_string();

    let mut failing = MockStore::new();
    let stored = order.clone();
    failing
        .expect_get_order()
        .returning(move |_| Ok(Some(stored.clone())));
    failing
        .expect_revise()
        .times(1)
        .returning(|_| Err(ReviseError::Store(unavailable())));
    let mut silent = MockEventPublisher::new();
    silent.expect_publish().never();
    let err = service(failing, silent)
        .change_status(staff(), &id, confirm())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ChangeStatusError::Store(StoreError::Unavailable(_))
    ));

    let mut seq = Sequence::new();
    let mut working = MockStore::new();
    let stored = order.clone();
    working
        .expect_get_order()
        .returning(move |_| Ok(Some(stored.clone())));
    working
        .expect_revise()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|revision| Ok(revision.order));
    let mut events = MockEventPublisher::new();
    events
        .expect_publish()
        .times(1)
        .in_sequence(&mut seq)
        .withf(|e| matches!(e, OrderEvent::StatusUpdated(u) if u.to == OrderStatus::Confirmed && u.version == 2))
        .returning(|_| Ok(()));
    service(working, events)
        .change_status(staff(), &id, confirm())
        .await
        .unwrap();
}
