//! The store ports: one trait per kind of record, each method one atomic
//! business step. Sessions and transactions never cross a port; each
//! adapter makes its methods atomic in its own way.
//!
//! A write that loses a race with a concurrent one (a store that checks
//! what it read before writing) writes nothing and fails with
//! [`StoreError::Contended`] inside its error ([`LostRace`]). Stores never
//! try again themselves: the use cases do, under one policy.
//!
//! [`LostRace`]: crate::error::LostRace

use async_trait::async_trait;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::{CustomerId, OrderId, ProductId, UserId};
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::User;

use crate::draft::{CustomerDraft, OrderDraft, OrderRevision, Placement};
use crate::error::{
    InsertError, PlaceError, ReviseError, StoreError, UpdateProductError, UpdateUserError,
};
use crate::events::EventLog;
use crate::query::{
    CustomerQuery, NameCursor, OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page,
    ProductQuery,
};
use crate::webhooks::WebhookStore;

/// The product catalogue and its stock levels.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ProductStore: Send + Sync + 'static {
    /// Adds a new product.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails, or when a product with this id
    /// exists (ids are drawn fresh, so that is a bug, and the stored product
    /// is left as it was).
    async fn insert_product(&self, product: &Product) -> Result<(), StoreError>;

    /// The product with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn get_product(&self, id: ProductId) -> Result<Option<Product>, StoreError>;

    /// One page of products sorted by case-folded name, then id.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<Product, NameCursor<ProductId>>, StoreError>;

    /// Applies `change` to the stored product as it is at that moment (an
    /// adjustment composes with reservations made meanwhile), all or
    /// nothing; with `expected_version`, only if the product is still at
    /// that version (compare-and-set).
    ///
    /// # Errors
    /// [`UpdateProductError::NotFound`] for an unknown id,
    /// [`UpdateProductError::VersionMismatch`] when the product has moved on,
    /// [`UpdateProductError::Stock`] when the level would leave its range,
    /// [`StoreError::Contended`] when the product changed between the
    /// store's read and its write; nothing is written in any of these cases.
    async fn update_product(
        &self,
        id: ProductId,
        change: ProductChange,
        expected_version: Option<u64>,
        at: Timestamp,
    ) -> Result<Product, UpdateProductError>;
}

/// The people orders are for, unique by e-mail address.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait CustomerStore: Send + Sync + 'static {
    /// Adds a new customer.
    ///
    /// # Errors
    /// [`InsertError::DuplicateEmail`] when the address is taken; nothing is written.
    async fn insert_customer(&self, customer: &Customer) -> Result<(), InsertError>;

    /// Finds the customer with `draft.email`, or creates it from `draft`, as
    /// one step: two concurrent calls for one address yield one customer.
    ///
    /// # Errors
    /// [`StoreError::Contended`] when a concurrent call made the customer
    /// first (calling again finds it); [`StoreError`] when the store fails.
    async fn upsert_customer(&self, draft: &CustomerDraft) -> Result<Customer, StoreError>;

    /// The customer with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError>;

    /// The customer with this address, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn find_customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError>;

    /// One page of customers sorted by case-folded name, then id.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_customers(
        &self,
        query: &CustomerQuery,
    ) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError>;
}

/// People who sign in, unique by e-mail address.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait UserStore: Send + Sync + 'static {
    /// Adds a new user.
    ///
    /// # Errors
    /// [`InsertError::DuplicateEmail`] when the address is taken; nothing is written.
    async fn insert_user(&self, user: &User) -> Result<(), InsertError>;

    /// Replaces the stored user that has `user.id`. A store with an
    /// active admin ([`User::is_active_admin`]) keeps one: the check and
    /// the write are one atomic step, so two admins demoting each other at
    /// once cannot both succeed.
    ///
    /// # Errors
    /// [`UpdateUserError::NotFound`] for an unknown id,
    /// [`UpdateUserError::DuplicateEmail`] when another user has the address,
    /// [`UpdateUserError::LastAdmin`] when it would demote or disable the
    /// last active admin; nothing is written in any case.
    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError>;

    /// The admin and staff accounts (customers are listed as customers),
    /// oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError>;

    /// The user with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// The user with this address, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
}

/// Orders, and the stock they hold.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait OrderStore: Send + Sync + 'static {
    /// Places an order, all or nothing: finds or creates the customer by
    /// e-mail, reserves stock for every line at the catalogue's current
    /// price, inserts the order and records its `orderPlaced` event. With an idempotency claim whose key this
    /// user already used, returns the earlier order (`replayed`) when the
    /// fingerprint matches and writes nothing.
    ///
    /// # Errors
    /// [`PlaceError::UnknownProduct`] or [`PlaceError::OutOfStock`] for the
    /// first line that cannot be reserved, [`PlaceError::KeyReused`] for a
    /// key reused with another request, [`PlaceError::Order`] when the total
    /// is past what an order may hold, [`StoreError::Contended`] when it lost a
    /// race with a concurrent write. Nothing is written in any of these cases.
    async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError>;

    /// The order with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError>;

    /// The order with this number, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn find_order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError>;

    /// One page of orders, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_orders(&self, query: &OrderQuery)
    -> Result<Page<Order, OrderCursor>, StoreError>;

    /// Counts and takings over every order `filter` selects.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError>;

    /// Writes `revision.order` only if the stored order is still at
    /// `revision.expected_version` (compare-and-set). When the revision
    /// moves the stored order into `Cancelled`, every unit it reserved goes
    /// back on the shelf in the same step; so a cancellation releases its
    /// stock exactly once however many race. The revision's one event
    /// ([`OrderRevision::check`]) is recorded in the same step.
    ///
    /// # Errors
    /// [`ReviseError::NotFound`] for an unknown id,
    /// [`ReviseError::VersionMismatch`] when another change came first,
    /// [`ReviseError::Store`] when the revision would change what the order
    /// holds or does not raise its version, or (as [`StoreError::Contended`])
    /// when it lost a race with a concurrent write; nothing is written in
    /// any of these cases.
    async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError>;
}

/// Whether the store can serve requests right now, for readiness probes.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait StoreHealth: Send + Sync + 'static {
    /// Succeeds when the store answers a trivial request.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it cannot be reached in time.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Takes no new writes until every write already queued has been
    /// answered, then returns: the last step of a shutdown, after which the
    /// store may serve again (another server over it, in an embedder).
    async fn drain(&self);
}

/// Every store trait at once, so a caller has one type to be generic over.
pub trait Store:
    OrderStore
    + ProductStore
    + CustomerStore
    + UserStore
    + WebhookStore
    + StoreHealth
    + EventLog
    + Clone
{
}

impl<T> Store for T where
    T: OrderStore
        + ProductStore
        + CustomerStore
        + UserStore
        + WebhookStore
        + StoreHealth
        + EventLog
        + Clone
{
}
