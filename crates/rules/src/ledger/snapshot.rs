//! The records a store reads for a group of writes, held for a [`Ledger`]
//! to decide against, and what a group names to read.
//!
//! [`Ledger`]: super::Ledger

use std::collections::{HashMap, HashSet};

use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::idempotency::IdempotencyKey;
use oms_domain::ids::{OrderId, ProductId, UserId};
use oms_domain::order::Order;
use oms_domain::product::Product;

use super::{OrderNumbers, UsedKey, Write};

/// The stored records a group of writes is decided against, as the store's
/// atomic step reads them.
pub trait Records {
    /// The product with this id.
    fn product(&self, id: ProductId) -> Option<&Product>;
    /// The customer with this address.
    fn customer(&self, email: &Email) -> Option<&Customer>;
    /// What `user` used `key` for.
    fn used_key(&self, user: UserId, key: &IdempotencyKey) -> Option<&UsedKey>;
    /// The order with this id.
    fn order(&self, id: OrderId) -> Option<&Order>;
    /// The numbers new orders may take.
    fn order_numbers(&self) -> OrderNumbers;
    /// Whether this record is stored but could not be read (a write that
    /// needs it fails alone, as the store's fault).
    fn unreadable(&self, _record: Record<'_>) -> bool {
        false
    }
}

/// A record, by what finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Record<'a> {
    /// A product.
    Product(ProductId),
    /// A customer, by address.
    Customer(&'a Email),
    /// A user's idempotency key.
    Key(UserId, &'a IdempotencyKey),
    /// An order.
    Order(OrderId),
}

/// What a group of writes names: the records to read before deciding it
/// (a revision names its order and the products it is to hold).
/// Two more follow from what is read: the orders the used keys point at,
/// and the products the revised orders hold ([`Snapshot::products_wanted`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Idempotency keys, by user.
    pub keys: Vec<(UserId, IdempotencyKey)>,
    /// Customer addresses.
    pub emails: Vec<Email>,
    /// Products the placements order and the revised orders hold.
    pub products: Vec<ProductId>,
    /// Orders the revisions change.
    pub orders: Vec<OrderId>,
}

impl Wanted {
    /// What `writes` name, each once.
    pub fn of(writes: &[Write]) -> Wanted {
        let mut wanted = Wanted::default();
        let mut seen_products = HashSet::new();
        let mut seen_emails = HashSet::new();
        for write in writes {
            match write {
                Write::Place(draft) => {
                    if let Some(claim) = &draft.idempotency {
                        let scope = (draft.placed_by.user, claim.key.clone());
                        if !wanted.keys.contains(&scope) {
                            wanted.keys.push(scope);
                        }
                    }
                    if seen_emails.insert(&draft.customer.email) {
                        wanted.emails.push(draft.customer.email.clone());
                    }
                    for (id, _) in &draft.lines {
                        if seen_products.insert(*id) {
                            wanted.products.push(*id);
                        }
                    }
                }
                Write::Revise(revision) => {
                    let id = revision.order.id();
                    if !wanted.orders.contains(&id) {
                        wanted.orders.push(id);
                    }
                    // An edit may add products the stored order lacks.
                    for (id, _) in revision.order.reserved() {
                        if seen_products.insert(id) {
                            wanted.products.push(id);
                        }
                    }
                }
            }
        }
        wanted
    }
}

/// Records read by a store, as [`Records`].
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    products: HashMap<ProductId, Product>,
    customers: HashMap<Email, Customer>,
    keys: HashMap<(UserId, IdempotencyKey), UsedKey>,
    orders: HashMap<OrderId, Order>,
    broken_products: HashSet<ProductId>,
    broken_orders: HashSet<OrderId>,
    broken_customers: HashSet<Email>,
    broken_keys: HashSet<(UserId, IdempotencyKey)>,
    numbers: OrderNumbers,
}

impl Snapshot {
    /// Adds a product read.
    pub fn add_product(&mut self, product: Product) {
        self.products.insert(product.id, product);
    }

    /// Adds a customer read.
    pub fn add_customer(&mut self, customer: Customer) {
        self.customers.insert(customer.email.clone(), customer);
    }

    /// Adds an idempotency key read.
    pub fn add_key(&mut self, user: UserId, key: IdempotencyKey, used: UsedKey) {
        self.keys.insert((user, key), used);
    }

    /// Adds an order read.
    pub fn add_order(&mut self, order: Order) {
        self.orders.insert(order.id(), order);
    }

    /// Sets the numbers new orders may take (none until set).
    pub fn set_order_numbers(&mut self, numbers: OrderNumbers) {
        self.numbers = numbers;
    }

    /// Notes a product that is stored but could not be read.
    pub fn product_unreadable(&mut self, id: ProductId) {
        self.broken_products.insert(id);
    }

    /// Notes an order that is stored but could not be read.
    pub fn order_unreadable(&mut self, id: OrderId) {
        self.broken_orders.insert(id);
    }

    /// Notes a customer that is stored but could not be read.
    pub fn customer_unreadable(&mut self, email: Email) {
        self.broken_customers.insert(email);
    }

    /// Notes a used key that is stored but could not be read.
    pub fn key_unreadable(&mut self, user: UserId, key: IdempotencyKey) {
        self.broken_keys.insert((user, key));
    }

    /// The orders the used keys read so far point at, not yet read.
    pub fn orders_wanted(&self) -> Vec<OrderId> {
        let mut ids: Vec<OrderId> = self.keys.values().map(|used| used.order).collect();
        ids.retain(|id| !self.orders.contains_key(id));
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The products the orders read so far hold, not yet read.
    pub fn products_wanted(&self) -> Vec<ProductId> {
        let mut ids: Vec<ProductId> = self
            .orders
            .values()
            .flat_map(|order| order.reserved().map(|(id, _)| id))
            .filter(|id| !self.products.contains_key(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

impl Records for Snapshot {
    fn product(&self, id: ProductId) -> Option<&Product> {
        self.products.get(&id)
    }

    fn customer(&self, email: &Email) -> Option<&Customer> {
        self.customers.get(email)
    }

    fn used_key(&self, user: UserId, key: &IdempotencyKey) -> Option<&UsedKey> {
        self.keys.get(&(user, key.clone()))
    }

    fn order(&self, id: OrderId) -> Option<&Order> {
        self.orders.get(&id)
    }

    fn order_numbers(&self) -> OrderNumbers {
        self.numbers
    }

    fn unreadable(&self, record: Record<'_>) -> bool {
        match record {
            Record::Product(id) => self.broken_products.contains(&id),
            Record::Order(id) => self.broken_orders.contains(&id),
            Record::Customer(email) => self.broken_customers.contains(email),
            Record::Key(user, key) => self.broken_keys.contains(&(user, key.clone())),
        }
    }
}
