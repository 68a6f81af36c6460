//! A store double that implements the two ports `OrderService` needs, and
//! orders shaped as a store would hand them back.

use async_trait::async_trait;
use oms_app::orders::{ChangeStatus, OrderService};
use oms_domain::email::Email;
use oms_domain::ids::{OrderId, UserId};
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::order::line::OrderLine;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::{CustomerSnapshot, NewOrder, Order};
use oms_domain::user::User;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{InsertError, PlaceError, ReviseError, StoreError, UpdateUserError};
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page};
use oms_ports::store::{OrderStore, UserStore};

use crate::support::{SeqIds, TestClock, staff};

mockall::mock! {
    pub Store {}

    #[async_trait]
    impl OrderStore for Store {
        async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError>;
        async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError>;
        async fn find_order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError>;
        async fn list_orders(&self, query: &OrderQuery) -> Result<Page<Order, OrderCursor>, StoreError>;
        async fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError>;
        async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError>;
    }

    #[async_trait]
    impl UserStore for Store {
        async fn insert_user(&self, user: &User) -> Result<(), InsertError>;
        async fn update_user(&self, user: &User) -> Result<(), UpdateUserError>;
        async fn staff_accounts(&self) -> Result<Vec<User>, StoreError>;
        async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError>;
        async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    }
}

pub const MUG: &str = "00000000-0000-0000-0000-0000000000aa";

/// What a store would commit for `draft`, priced at 1.00 a unit.
pub fn committed(draft: &OrderDraft) -> Order {
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
        number: OrderNumber::FIRST,
        customer: CustomerSnapshot {
            id: draft.customer.id,
            name: draft.customer.name.clone(),
            email: draft.customer.email.clone(),
        },
        shipping_address: draft.shipping_address.clone(),
        lines,
        payment_collected: draft.payment_collected,
        placed_by: draft.placed_by,
        at: draft.at,
    })
    .unwrap()
}

pub fn service<S>(store: S) -> OrderService<S, TestClock, SeqIds> {
    OrderService::new(store, TestClock::default(), SeqIds::default())
}

/// A pending order as a store would hand it back.
pub fn pending_order() -> Order {
    let draft = OrderDraft {
        id: "00000000-0000-0000-0000-0000000000bb".parse().unwrap(),
        shipping_address: None,
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

pub fn confirm() -> ChangeStatus {
    ChangeStatus {
        status: "confirmed".into(),
        ..ChangeStatus::default()
    }
}
