//! A store that goes away and comes back: 503 problems, a failing
//! `/readyz`, and recovery without a restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::{CustomerId, DeliveryId, OrderId, ProductId, UserId, WebhookId};
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::User;
use oms_domain::webhook::Webhook;
use oms_domain::webhook::delivery::Delivery;
use oms_memory::MemoryStore;
use oms_ports::draft::{CustomerDraft, OrderDraft, OrderRevision, Placement};
use oms_ports::error::{
    InsertError, PlaceError, ReviseError, StoreError, UpdateProductError, UpdateUserError,
};
use oms_ports::events::{
    EventFeed, EventLog, EventPage, EventPosition, LoggedEvent, ReadEventsError,
};
use oms_ports::query::{
    CustomerQuery, NameCursor, OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page,
    ProductQuery,
};
use oms_ports::store::{CustomerStore, OrderStore, ProductStore, StoreHealth, UserStore};
use oms_ports::webhooks::{
    DeliveryQuery, EnqueueError, Lease, StoredWebhook, UpdateWebhookError, WebhookStore,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, problem, spawn_app_on};

/// The memory store behind a switch: while `down`, every call fails the way
/// an unreachable database does. It counts the pages read from its event
/// log, which on MongoDB each open a change stream.
#[derive(Clone, Debug, Default)]
pub(crate) struct Switched {
    inner: MemoryStore,
    down: Arc<AtomicBool>,
    log_pages: Arc<AtomicUsize>,
}

impl Switched {
    /// How many pages of the event log were asked for so far.
    pub(crate) fn log_pages(&self) -> usize {
        self.log_pages.load(Ordering::SeqCst)
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::Unavailable(
                "connection refused (test switch)".into(),
            ))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl ProductStore for Switched {
    async fn insert_product(&self, product: &Product) -> Result<(), StoreError> {
        self.check()?;
        self.inner.insert_product(product).await
    }
    async fn get_product(&self, id: ProductId) -> Result<Option<Product>, StoreError> {
        self.check()?;
        self.inner.get_product(id).await
    }
    async fn list_products(
        &self,
        q: &ProductQuery,
    ) -> Result<Page<Product, NameCursor<ProductId>>, StoreError> {
        self.check()?;
        self.inner.list_products(q).await
    }
    async fn update_product(
        &self,
        id: ProductId,
        change: ProductChange,
        expected: Option<u64>,
        at: Timestamp,
    ) -> Result<Product, UpdateProductError> {
        self.check()?;
        self.inner.update_product(id, change, expected, at).await
    }
}

#[async_trait]
impl CustomerStore for Switched {
    async fn insert_customer(&self, customer: &Customer) -> Result<(), InsertError> {
        self.check()?;
        self.inner.insert_customer(customer).await
    }
    async fn upsert_customer(&self, draft: &CustomerDraft) -> Result<Customer, StoreError> {
        self.check()?;
        self.inner.upsert_customer(draft).await
    }
    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        self.check()?;
        self.inner.get_customer(id).await
    }
    async fn find_customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError> {
        self.check()?;
        self.inner.find_customer_by_email(email).await
    }
    async fn list_customers(
        &self,
        q: &CustomerQuery,
    ) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError> {
        self.check()?;
        self.inner.list_customers(q).await
    }
}

#[async_trait]
impl UserStore for Switched {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        self.check()?;
        self.inner.insert_user(user).await
    }
    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError> {
        self.check()?;
        self.inner.update_user(user).await
    }
    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError> {
        self.check()?;
        self.inner.staff_accounts().await
    }
    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.check()?;
        self.inner.get_user(id).await
    }
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        self.check()?;
        self.inner.find_user_by_email(email).await
    }
}

#[async_trait]
impl WebhookStore for Switched {
    async fn insert_webhook(&self, w: &Webhook, p: &EventPosition) -> Result<(), StoreError> {
        self.check()?;
        self.inner.insert_webhook(w, p).await
    }
    async fn get_webhook(&self, id: WebhookId) -> Result<Option<StoredWebhook>, StoreError> {
        self.check()?;
        self.inner.get_webhook(id).await
    }
    async fn list_webhooks(&self) -> Result<Vec<StoredWebhook>, StoreError> {
        self.check()?;
        self.inner.list_webhooks().await
    }
    async fn update_webhook(
        &self,
        w: &Webhook,
        expected: u64,
        p: Option<EventPosition>,
    ) -> Result<(), UpdateWebhookError> {
        self.check()?;
        self.inner.update_webhook(w, expected, p).await
    }
    async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.delete_webhook(id).await
    }
    async fn enqueue(
        &self,
        w: WebhookId,
        from: &EventPosition,
        to: &EventPosition,
        d: &[Delivery],
        lease: &Lease,
    ) -> Result<(), EnqueueError> {
        self.check()?;
        self.inner.enqueue(w, from, to, d, lease).await
    }
    async fn add_delivery(&self, d: &Delivery, lease: &Lease) -> Result<(), StoreError> {
        self.check()?;
        self.inner.add_delivery(d, lease).await
    }
    async fn claim_due(
        &self,
        w: WebhookId,
        now: Timestamp,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.check()?;
        self.inner.claim_due(w, now, lease, limit).await
    }
    async fn record_attempts(&self, d: &[Delivery], owner: &str) -> Result<Vec<bool>, StoreError> {
        self.check()?;
        self.inner.record_attempts(d, owner).await
    }
    async fn list_deliveries(
        &self,
        q: &DeliveryQuery,
    ) -> Result<Page<Delivery, DeliveryId>, StoreError> {
        self.check()?;
        self.inner.list_deliveries(q).await
    }
    async fn get_delivery(
        &self,
        w: WebhookId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StoreError> {
        self.check()?;
        self.inner.get_delivery(w, id).await
    }
    async fn retry_delivery(
        &self,
        w: WebhookId,
        id: DeliveryId,
        now: Timestamp,
    ) -> Result<Option<Delivery>, StoreError> {
        self.check()?;
        self.inner.retry_delivery(w, id, now).await
    }
    async fn next_due(&self, w: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        self.check()?;
        self.inner.next_due(w).await
    }
    async fn forget_deliveries(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.check()?;
        self.inner.forget_deliveries(before).await
    }
    async fn oldest_pending(&self, w: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        self.check()?;
        self.inner.oldest_pending(w).await
    }
}

#[async_trait]
impl OrderStore for Switched {
    async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        self.check()?;
        self.inner.place(draft).await
    }
    async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        self.check()?;
        self.inner.get_order(id).await
    }
    async fn find_order_by_number(&self, n: OrderNumber) -> Result<Option<Order>, StoreError> {
        self.check()?;
        self.inner.find_order_by_number(n).await
    }
    async fn list_orders(&self, q: &OrderQuery) -> Result<Page<Order, OrderCursor>, StoreError> {
        self.check()?;
        self.inner.list_orders(q).await
    }
    async fn summarize_orders(&self, f: &OrderFilter) -> Result<OrderSummary, StoreError> {
        self.check()?;
        self.inner.summarize_orders(f).await
    }
    async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError> {
        self.check()?;
        self.inner.revise(revision).await
    }
}

#[async_trait]
impl EventLog for Switched {
    async fn tail(&self) -> Result<EventPosition, StoreError> {
        self.check()?;
        self.inner.tail().await
    }
    async fn read_after(
        &self,
        after: &EventPosition,
        limit: usize,
    ) -> Result<EventPage, ReadEventsError> {
        self.log_pages.fetch_add(1, Ordering::SeqCst);
        self.check()?;
        self.inner.read_after(after, limit).await
    }
    async fn follow(&self, after: EventPosition) -> Result<Box<dyn EventFeed>, ReadEventsError> {
        self.check()?;
        let inner = self.inner.follow(after).await?;
        Ok(Box::new(SwitchedFeed {
            inner,
            store: self.clone(),
        }))
    }
}

/// A feed that fails, as a lost change stream does, once the switch is off.
struct SwitchedFeed {
    inner: Box<dyn EventFeed>,
    store: Switched,
}

#[async_trait]
impl EventFeed for SwitchedFeed {
    async fn next_events(&mut self, limit: usize) -> Result<Vec<LoggedEvent>, ReadEventsError> {
        self.store.check()?;
        let events = self.inner.next_events(limit).await?;
        self.store.check()?;
        Ok(events)
    }
}

#[async_trait]
impl StoreHealth for Switched {
    async fn ping(&self) -> Result<(), StoreError> {
        self.check()
    }

    async fn drain(&self) {
        self.inner.drain().await;
    }
}

#[tokio::test]
async fn a_store_outage_is_503_and_readyz_fails_until_it_returns() {
    let store = Switched::default();
    let app: TestApp = spawn_app_on(store.clone()).await;
    let mug = app.product("Mug", 100, 5).await;
    store.down.store(true, Ordering::SeqCst);

    assert_eq!(
        problem(app.get("/readyz", None).await, 503).await["code"],
        "store_unavailable"
    );
    assert_eq!(
        app.get("/healthz", None).await.status(),
        StatusCode::OK,
        "the process itself is alive"
    );
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    let refused = problem(app.post("/api/orders", Some(&app.staff), &body).await, 503).await;
    assert!(
        !refused["detail"].as_str().unwrap().contains("test switch"),
        "driver detail stays in the log"
    );
    problem(app.get("/api/products", Some(&app.staff)).await, 503).await;
    let login =
        json!({ "email": crate::helpers::STAFF_EMAIL, "password": crate::helpers::STAFF_PASSWORD });
    problem(app.post("/auth/login", None, &login).await, 503).await;

    store.down.store(false, Ordering::SeqCst);
    assert_eq!(app.get("/readyz", None).await.status(), StatusCode::OK);
    assert_eq!(
        app.post("/api/orders", Some(&app.staff), &body)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.stock_of(&mug).await,
        4,
        "nothing was reserved while the store was down"
    );
}
