//! Events leave only after the store commits, never for a failed write, and
//! a failing publisher never fails or undoes the change. mockall injects the
//! failures and checks the order of calls.

use async_trait::async_trait;
use mockall::Sequence;
use oms_app::orders::{ChangeStatus, ChangeStatusError, OrderService, PlaceOrderError};
use oms_domain::email::Email;
use oms_domain::event::OrderEvent;
use oms_domain::ids::{OrderId, UserId};
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::order::line::OrderLine;
use oms_domain::order::status::OrderStatus;
use oms_domain::order::{CustomerSnapshot, NewOrder, Order};
use oms_domain::user::User;
use oms_memory::MemoryStore;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{InsertError, PlaceError, ReviseError, StoreError, UpdateUserError};
use oms_ports::events::{MockEventPublisher, PublishError};
use oms_ports::query::{OrderCursor, OrderQuery, Page};
use oms_ports::store::{OrderStore, UserStore};

use crate::support::{SeqIds, TestClock, order_for, staff};

mockall::mock! {
    pub Store {}

    #[async_trait]
    impl OrderStore for Store {
        async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError>;
        async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError>;
        async fn list_orders(&self, query: &OrderQuery) -> Result<Page<Order, OrderCursor>, StoreError>;
        async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError>;
    }

    #[async_trait]
    impl UserStore for Store {
        async fn insert_user(&self, user: &User) -> Result<(), InsertError>;
        async fn update_user(&self, user: &User) -> Result<(), UpdateUserError>;
        async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError>;
        async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    }
}

const MUG: &str = "00000000-0000-0000-0000-0000000000aa";

/// What a store would commit for `draft`, priced at 1.00 a unit.
fn committed(draft: &OrderDraft) -> Order {
    let lines = draft
        .lines
        .iter()
        .map(|&(id, qty)| {
            OrderLine::new(
                id,
                Name::parse("Mug").unwrap(),
                Money::from_minor(100).unwrap(),
                qty,
            )
            .unwrap()
        })
        .collect();
    Order::place(NewOrder {
        id: draft.id,
        customer: CustomerSnapshot {
            id: draft.customer.id,
            name: draft.customer.name.clone(),
            email: draft.customer.email.clone(),
        },
        lines,
        payment_collected: draft.payment_collected,
        placed_by: draft.placed_by,
        at: draft.at,
    })
    .unwrap()
}

fn service<S, E>(store: S, events: E) -> OrderService<S, E, TestClock, SeqIds> {
    OrderService::new(store, events, TestClock::default(), SeqIds::default())
}

fn unavailable() -> StoreError {
    StoreError::Unavailable("connection refused".into())
}

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

/// A pending order as a store would hand it back.
fn pending_order() -> Order {
    let draft = OrderDraft {
        id: "00000000-0000-0000-0000-0000000000bb".parse().unwrap(),
        customer: oms_ports::draft::CustomerDraft {
            id: "00000000-0000-0000-0000-0000000000cc".parse().unwrap(),
            name: Name::parse("Ann").unwrap(),
            email: Email::parse("ann@example.com").unwrap(),
            at: oms_domain::timestamp::Timestamp::UNIX_EPOCH,
        },
        lines: vec![(
            MUG.parse().unwrap(),
            oms_domain::quantity::Quantity::new(1).unwrap(),
        )],
        payment_collected: false,
        placed_by: staff(),
        at: oms_domain::timestamp::Timestamp::UNIX_EPOCH,
        idempotency: None,
    };
    committed(&draft)
}

fn confirm() -> ChangeStatus {
    ChangeStatus {
        status: "confirmed".into(),
        ..ChangeStatus::default()
    }
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
