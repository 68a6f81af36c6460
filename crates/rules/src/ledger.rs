//! Deciding writes against what a store read, one after another, each on
//! its own: the rules of placing and revising orders (replaying a used
//! idempotency key, finding or making the customer, assembling the order,
//! releasing stock on cancellation) written once for every store.
//!
//! A store reads the records the writes need ([`Records`]), decides each
//! write with a [`Ledger`] over them, and commits the [`Changes`] in its own
//! atomic step. Each decision sees the ones before it: a group of orders for
//! one product draws down one running stock level, so the order that finds
//! it short is refused alone and the rest of its group is placed.

use std::collections::HashMap;

use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::event::OrderEvent;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::ids::{OrderId, ProductId, UserId};
use oms_domain::order::Order;
use oms_domain::product::Product;
use oms_domain::quantity::Quantity;
use oms_domain::stock::Stock;

use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};

use crate::assembly::{Assembly, assemble, resolve_customer};
use crate::summary::kept::TallyChanges;

mod numbers;
mod snapshot;
mod write;

pub use numbers::OrderNumbers;
pub use snapshot::{Record, Records, Snapshot, Wanted};
pub use write::{ChangedProduct, Changes, Decision, RevisedOrder, Write};

/// What an idempotency key was used for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedKey {
    /// The request it was used with.
    pub fingerprint: RequestFingerprint,
    /// The order that request placed.
    pub order: OrderId,
}

/// Writes decided so far over `records`: what each later write sees.
#[derive(Debug)]
pub struct Ledger<'r, R: Records + ?Sized> {
    records: &'r R,
    products: Vec<ChangedProduct>,
    product_at: HashMap<ProductId, usize>,
    customers: Vec<Customer>,
    customer_at: HashMap<Email, usize>,
    orders: Vec<(Order, Option<u64>)>,
    order_at: HashMap<OrderId, usize>,
    keys: Vec<(UserId, IdempotencyKey, UsedKey)>,
    key_at: HashMap<(UserId, IdempotencyKey), usize>,
    events: Vec<OrderEvent>,
    numbers: OrderNumbers,
    tallies: TallyChanges,
}

impl<'r, R: Records + ?Sized> Ledger<'r, R> {
    /// Nothing decided yet.
    pub fn new(records: &'r R) -> Self {
        Ledger {
            records,
            products: Vec::new(),
            product_at: HashMap::new(),
            customers: Vec::new(),
            customer_at: HashMap::new(),
            orders: Vec::new(),
            order_at: HashMap::new(),
            keys: Vec::new(),
            key_at: HashMap::new(),
            events: Vec::new(),
            numbers: records.order_numbers(),
            tallies: TallyChanges::default(),
        }
    }

    fn product(&self, id: ProductId) -> Option<&Product> {
        match self.product_at.get(&id) {
            Some(&at) => Some(&self.products[at].product),
            None => self.records.product(id),
        }
    }

    fn order(&self, id: OrderId) -> Option<&Order> {
        match self.order_at.get(&id) {
            Some(&at) => Some(&self.orders[at].0),
            None => self.records.order(id),
        }
    }

    fn used_key(&self, user: UserId, key: &IdempotencyKey) -> Option<&UsedKey> {
        match self.key_at.get(&(user, key.clone())) {
            Some(&at) => Some(&self.keys[at].2),
            None => self.records.used_key(user, key),
        }
    }

    fn customer(&self, email: &Email) -> Option<&Customer> {
        match self.customer_at.get(email) {
            Some(&at) => Some(&self.customers[at]),
            None => self.records.customer(email),
        }
    }

    /// The product as this ledger will write it, taken from the records on
    /// first change.
    fn product_mut(&mut self, id: ProductId) -> Option<&mut Product> {
        let at = match self.product_at.get(&id) {
            Some(&at) => at,
            None => {
                let read = self.records.product(id)?;
                self.products.push(ChangedProduct {
                    product: read.clone(),
                    read_version: read.version,
                });
                self.product_at.insert(id, self.products.len() - 1);
                self.products.len() - 1
            }
        };
        Some(&mut self.products[at].product)
    }

    /// Decides one placement: the earlier order when its idempotency key
    /// was used for the same request, else a new order if every line can
    /// be reserved.
    ///
    /// # Errors
    /// As [`OrderStore::place`](oms_ports::store::OrderStore::place) refuses;
    /// nothing of a refused draft is kept.
    pub fn place(&mut self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        if self.needs_unreadable(&draft) {
            return Err(unreadable("a record the order needs").into());
        }
        if let Some(claim) = &draft.idempotency
            && let Some(used) = self.used_key(draft.placed_by.user, &claim.key)
        {
            if used.fingerprint != claim.fingerprint {
                return Err(PlaceError::KeyReused);
            }
            let order = self.order(used.order).cloned();
            let order = order.ok_or_else(|| unreadable("an idempotency key without its order"))?;
            return Ok(Placement {
                order,
                replayed: true,
            });
        }
        // A group retried after its commit landed unseen (the connection
        // dropped on the acknowledgement) finds its own order stored: that
        // order is the answer, and nothing is written twice. Any other
        // order under this id is a fault, not an answer.
        if let Some(stored) = self.records.order(draft.id) {
            if stored.placed_by() == draft.placed_by
                && stored.reserved().eq(draft.lines.iter().copied())
            {
                return Ok(Placement {
                    order: stored.clone(),
                    replayed: false,
                });
            }
            return Err(unreadable("an order with this id exists").into());
        }
        let found = self.customer(&draft.customer.email).cloned();
        let (customer, new_customer) = resolve_customer(&draft.customer, found);
        let number = self
            .numbers
            .peek()
            .ok_or_else(|| unreadable("no order number left to give"))?;
        let Assembly { order, stock } = assemble(&draft, number, |id| self.product(id), &customer)?;
        self.numbers.advance();
        if self.order(order.id()).is_some() {
            return Err(unreadable("an order with this id exists").into());
        }
        for (id, level) in stock {
            if let Some(product) = self.product_mut(id) {
                product.stock = level;
                product.touch(draft.at);
            }
        }
        if new_customer {
            self.customer_at
                .insert(customer.email.clone(), self.customers.len());
            self.customers.push(customer);
        }
        if let Some(claim) = draft.idempotency {
            let used = UsedKey {
                fingerprint: claim.fingerprint,
                order: order.id(),
            };
            let scope = (draft.placed_by.user, claim.key);
            self.key_at.insert(scope.clone(), self.keys.len());
            self.keys.push((scope.0, scope.1, used));
        }
        self.events.push(OrderEvent::placed(&order));
        self.tallies.place(&order);
        self.order_at.insert(order.id(), self.orders.len());
        self.orders.push((order.clone(), None));
        Ok(Placement {
            order,
            replayed: false,
        })
    }

    fn needs_unreadable(&self, draft: &OrderDraft) -> bool {
        let records = self.records;
        let key = draft
            .idempotency
            .as_ref()
            .is_some_and(|claim| records.unreadable(Record::Key(draft.placed_by.user, &claim.key)));
        key || records.unreadable(Record::Customer(&draft.customer.email))
            || draft
                .lines
                .iter()
                .any(|&(id, _)| records.unreadable(Record::Product(id)))
    }

    /// Decides one revision against the order as decided so far: a
    /// cancellation puts its units back on the shelf, an edit of the lines
    /// takes or gives back the difference, all or nothing.
    ///
    /// # Errors
    /// As [`OrderStore::revise`](oms_ports::store::OrderStore::revise) refuses.
    pub fn revise(&mut self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let id = revision.order.id();
        if self.records.unreadable(Record::Order(id)) {
            return Err(unreadable("the order").into());
        }
        let stored = self.order(id).ok_or(ReviseError::NotFound)?;
        // Units move between products this store can read, or not at all.
        if stored
            .reserved()
            .chain(revision.order.reserved())
            .any(|(product, _)| self.records.unreadable(Record::Product(product)))
        {
            return Err(unreadable("a product the order holds").into());
        }
        let effects = crate::revision::check(&revision, stored)?;
        self.check_new_prices(stored, &revision.order)?;
        let levels = self.levels_after(stored, &effects.stock)?;
        let mut moved = TallyChanges::default();
        moved.revise(stored, &revision.order);
        self.tallies.merge(moved);
        let at = revision.order.updated_at();
        for (product, level) in levels {
            if let Some(p) = self.product_mut(product) {
                p.stock = level;
                p.touch(at);
            }
        }
        self.events.push(effects.event);
        match self.order_at.get(&id) {
            Some(&at) => self.orders[at].0 = revision.order.clone(),
            None => {
                let read_version = Some(revision.expected_version);
                self.order_at.insert(id, self.orders.len());
                self.orders.push((revision.order.clone(), read_version));
            }
        }
        Ok(revision.order)
    }

    /// Products an edit adds were priced as the catalogue reads now: a
    /// line priced before a price change, or for a product archived or
    /// gone since, is a lost race (the caller prices again).
    fn check_new_prices(&self, stored: &Order, next: &Order) -> Result<(), ReviseError> {
        let added = next
            .lines()
            .iter()
            .filter(|l| stored.units_of(l.product_id()) == 0);
        for line in added {
            let current = self.product(line.product_id()).is_some_and(|p| {
                !p.archived && p.price == line.unit_price() && &p.name == line.name()
            });
            if !current {
                return Err(StoreError::Contended.into());
            }
        }
        Ok(())
    }

    /// The stock level of each product `stock` moves, or the first that
    /// is short. A product deleted since has no shelf to go back to.
    fn levels_after(
        &self,
        stored: &Order,
        stock: &[(ProductId, i64)],
    ) -> Result<Vec<(ProductId, Stock)>, ReviseError> {
        let mut levels = Vec::with_capacity(stock.len());
        for &(id, units) in stock {
            let Some(product) = self.product(id) else {
                if units > 0 {
                    return Err(StoreError::Contended.into());
                }
                continue;
            };
            let level = match Quantity::new(units.abs()) {
                Ok(qty) if units < 0 => product.stock.release(qty),
                Ok(qty) => product.stock.reserve(qty).map_err(|short| {
                    let held = stored.units_of(id);
                    ReviseError::OutOfStock {
                        product: id,
                        name: product.name.clone(),
                        requested: held + u64::from(short.requested.get()),
                        available: held + short.available.units(),
                    }
                })?,
                Err(_) => return Err(unreadable("a stock change past a line's limit").into()),
            };
            levels.push((id, level));
        }
        Ok(levels)
    }

    /// Decides one write of a group.
    pub fn decide(&mut self, write: Write) -> Decision {
        match write {
            Write::Place(draft) => Decision::Placed(self.place(draft)),
            Write::Revise(revision) => Decision::Revised(self.revise(revision)),
        }
    }

    /// What to store.
    pub fn into_changes(self) -> Changes {
        let mut placed = Vec::new();
        let mut revised = Vec::new();
        for (order, read_version) in self.orders {
            match read_version {
                None => placed.push(order),
                Some(read_version) => revised.push(RevisedOrder {
                    order,
                    read_version,
                }),
            }
        }
        Changes {
            products: self.products,
            customers: self.customers,
            placed,
            revised,
            keys: self.keys,
            events: self.events,
            tallies: self.tallies.into_changes(),
        }
    }
}

fn unreadable(what: &str) -> StoreError {
    oms_ports::error::corrupt(format_args!("unreadable: {what}"))
}

#[cfg(test)]
mod tests;
