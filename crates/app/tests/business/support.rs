//! A world to run use cases in: the in-memory store, a stepping clock,
//! counting ids, and the store's event log read back from where it started.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use oms_app::catalog::{CatalogService, CreateProduct};
use oms_app::customers::CustomerService;
use oms_app::orders::{
    AddressInput, CustomerInput, ItemInput, OrderService, PlaceOrder, PlaceOrderError,
};
use oms_app::passwords::Argon2Hashing;
use oms_app::users::{Register, UserService};
use oms_domain::event::OrderEvent;
use oms_domain::ids::{CustomerId, DeliveryId, OrderId, ProductId, UserId, WebhookId};
use oms_domain::order::Order;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role};
use oms_domain::webhook::WebhookSecret;
use oms_memory::MemoryStore;
use oms_ports::clock::Clock;
use oms_ports::events::{EventLog, EventPosition};
use oms_ports::ids::IdSource;
use oms_ports::store::ProductStore;
use uuid::Uuid;

/// 2026-11-25T08:00:00Z, moving on one millisecond per reading so every
/// event has its own instant and list order is predictable.
#[derive(Clone, Debug)]
pub struct TestClock(Arc<AtomicI64>);

impl Default for TestClock {
    fn default() -> Self {
        TestClock(Arc::new(AtomicI64::new(1_795_593_600_000)))
    }
}

impl TestClock {
    /// Moves the clock on by `ms` milliseconds.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_millis(self.0.fetch_add(1, Ordering::SeqCst)).unwrap()
    }
}

/// Ids from one counter, tagged by kind so they never collide across kinds.
#[derive(Clone, Debug, Default)]
pub struct SeqIds(Arc<AtomicU64>);

impl SeqIds {
    fn next(&self, kind: u128) -> Uuid {
        let n = u128::from(self.0.fetch_add(1, Ordering::SeqCst));
        Uuid::from_u128((kind << 64) | n)
    }
}

impl IdSource for SeqIds {
    fn order_id(&self) -> OrderId {
        OrderId::from_uuid(self.next(1))
    }
    fn product_id(&self) -> ProductId {
        ProductId::from_uuid(self.next(2))
    }
    fn customer_id(&self) -> CustomerId {
        CustomerId::from_uuid(self.next(3))
    }
    fn user_id(&self) -> UserId {
        UserId::from_uuid(self.next(4))
    }
    fn webhook_id(&self) -> WebhookId {
        WebhookId::from_uuid(self.next(5))
    }
    fn delivery_id(&self) -> DeliveryId {
        DeliveryId::from_uuid(self.next(6))
    }
    fn webhook_secret(&self) -> WebhookSecret {
        let n = self.next(7).as_u128().to_le_bytes();
        let mut bytes = [0; 32];
        bytes[..16].copy_from_slice(&n);
        WebhookSecret::from_bytes(bytes)
    }
}

pub type Orders = OrderService<MemoryStore, TestClock, SeqIds>;

#[derive(Clone)]
pub struct World {
    pub store: MemoryStore,
    /// The log's tail when the world was made.
    pub start: EventPosition,
    pub orders: Orders,
    pub catalog: CatalogService<MemoryStore, TestClock, SeqIds>,
    pub customers: CustomerService<MemoryStore, TestClock, SeqIds>,
    pub users: UserService<MemoryStore, Argon2Hashing, TestClock, SeqIds>,
    /// The clock every service reads, and the ids they draw.
    pub clock: TestClock,
    pub ids: SeqIds,
}

/// Hashing cheap enough for tests; the parameters are not what is tested.
pub fn cheap_hashing() -> Argon2Hashing {
    Argon2Hashing::with_cost(64, 1).unwrap()
}

pub fn world() -> World {
    let store = MemoryStore::new();
    // The memory store answers at once; no runtime is needed to wait on it.
    let start = futures::executor::block_on(store.tail()).unwrap();
    let (clock, ids) = (TestClock::default(), SeqIds::default());
    World {
        orders: OrderService::new(store.clone(), clock.clone(), ids.clone()),
        catalog: CatalogService::new(store.clone(), clock.clone(), ids.clone()),
        customers: CustomerService::new(store.clone(), clock.clone(), ids.clone()),
        users: UserService::new(store.clone(), cheap_hashing(), clock.clone(), ids.clone()),
        clock,
        ids,
        store,
        start,
    }
}

pub const ADMIN: Actor = Actor {
    user: UserId::MIN,
    role: Role::Admin,
};

pub fn staff() -> Actor {
    Actor {
        user: UserId::from_uuid(Uuid::from_u128(0x57AFF)),
        role: Role::Staff,
    }
}

/// An order for `email` of `items` (product id, units).
pub fn order_for(email: &str, items: &[(&str, i64)]) -> PlaceOrder {
    PlaceOrder {
        customer: Some(CustomerInput {
            name: "Ann Lee".to_owned(),
            email: email.to_owned(),
        }),
        items: items
            .iter()
            .map(|&(product_id, quantity)| ItemInput {
                product_id: product_id.to_owned(),
                quantity,
            })
            .collect(),
        shipping_address: Some(address()),
        ..PlaceOrder::default()
    }
}

/// Where the world's orders go.
pub fn address() -> AddressInput {
    AddressInput {
        name: "Ann Lee".to_owned(),
        line1: "1 Main St".to_owned(),
        city: "Springfield".to_owned(),
        postal_code: "12345".to_owned(),
        country: "US".to_owned(),
        ..AddressInput::default()
    }
}

impl World {
    /// Every event the store recorded since the world was made, in order.
    pub async fn events(&self) -> Vec<OrderEvent> {
        let page = self.store.read_after(&self.start, 100_000).await.unwrap();
        page.events.into_iter().map(|e| e.event).collect()
    }

    /// Creates a product and returns its id as a client would hold it.
    pub async fn product(&self, name: &str, price: i64, stock: i64) -> String {
        let cmd = CreateProduct {
            name: name.to_owned(),
            price,
            stock,
        };
        self.catalog
            .create(ADMIN, cmd)
            .await
            .unwrap()
            .id
            .to_string()
    }

    pub async fn stock(&self, id: &str) -> u64 {
        let id: ProductId = id.parse().unwrap();
        self.store
            .get_product(id)
            .await
            .unwrap()
            .unwrap()
            .stock
            .units()
    }

    /// Registers a customer-role user and returns it as an actor.
    pub async fn customer_user(&self, name: &str, email: &str) -> Actor {
        let cmd = Register {
            name: name.to_owned(),
            email: email.to_owned(),
            password: "long enough secret".to_owned(),
        };
        let user = self.users.register(cmd).await.unwrap();
        Actor {
            user: user.id,
            role: user.role,
        }
    }

    /// Staff places an order for `email`.
    pub async fn place(
        &self,
        email: &str,
        items: &[(&str, i64)],
    ) -> Result<Order, PlaceOrderError> {
        let placement = self.orders.place(staff(), order_for(email, items)).await?;
        Ok(placement.order)
    }
}
