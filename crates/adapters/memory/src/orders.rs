//! Orders in memory. Placing and revising are each one critical section:
//! a [`Ledger`] decides the write against the state, and what it decided is
//! applied by writes that cannot fail, so an order is either fully placed
//! (stock, customer, order, key, event) or not at all.

use std::ops::Bound;

use async_trait::async_trait;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::idempotency::IdempotencyKey;
use oms_domain::ids::{OrderId, ProductId, UserId};
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_domain::product::Product;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page};
use oms_ports::store::OrderStore;
use oms_rules::ledger::{Changes, Ledger, OrderNumbers, Records, UsedKey};
use oms_rules::summary::{Group, kept, tally};

use crate::MemoryStore;
use crate::state::{State, corrupt};

impl Records for State {
    fn product(&self, id: ProductId) -> Option<&Product> {
        self.products.get(&id)
    }

    fn customer(&self, email: &Email) -> Option<&Customer> {
        self.customer_emails
            .get(email)
            .and_then(|id| self.customers.get(id))
    }

    fn used_key(&self, user: UserId, key: &IdempotencyKey) -> Option<&UsedKey> {
        self.idempotency.get(user, key)
    }

    fn order(&self, id: OrderId) -> Option<&Order> {
        self.orders.get(&id)
    }

    fn order_numbers(&self) -> OrderNumbers {
        OrderNumbers::after(self.order_numbers.last_key_value().map(|(n, _)| *n))
    }
}

impl State {
    fn place(&mut self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        let mut ledger = Ledger::new(&*self);
        let placed = ledger.place(draft)?;
        let changes = ledger.into_changes();
        self.apply(changes)?;
        Ok(placed)
    }

    fn revise(&mut self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let mut ledger = Ledger::new(&*self);
        let revised = ledger.revise(revision)?;
        let changes = ledger.into_changes();
        self.apply(changes)?;
        Ok(revised)
    }

    /// Stores what a ledger decided. The one write that can still fail (a
    /// taken customer id) goes first, so a failure leaves nothing behind;
    /// the writes after it cannot fail.
    fn apply(&mut self, changes: Changes) -> Result<(), StoreError> {
        for customer in changes.customers {
            self.add_customer(customer)?;
        }
        for changed in changes.products {
            if let Some(product) = self.products.get_mut(&changed.product.id) {
                *product = changed.product;
            }
        }
        for (user, key, used) in changes.keys {
            self.idempotency.insert(user, key, used);
        }
        for order in changes.placed {
            self.order_times.insert((order.created_at(), order.id()));
            self.order_numbers.insert(order.number(), order.id());
            self.orders.insert(order.id(), order);
        }
        for revised in changes.revised {
            self.orders.insert(revised.order.id(), revised.order);
        }
        for event in changes.events {
            self.log.append(event);
        }
        self.tallies.apply(&changes.tallies);
        Ok(())
    }

    fn list_orders(&self, query: &OrderQuery) -> Page<Order, OrderCursor> {
        let fetched = self.selected(&query.filter, query.after);
        let fetched = fetched.take(query.limit.fetch()).cloned().collect();
        Page::cut(fetched, query.limit, OrderCursor::past)
    }

    /// From the kept tallies where the filter allows, else by counting.
    fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let Some(plan) = kept::plan(filter) else {
            return self.count_orders(filter);
        };
        let scanned: Vec<OrderSummary> = plan
            .scans
            .iter()
            .map(|scan| self.count_orders(scan))
            .collect::<Result<_, _>>()?;
        kept::summary_of(self.tallies.sum(&plan), scanned)
    }

    fn count_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let mut summary = OrderSummary::default();
        for order in self.selected(filter, None) {
            let group = Group {
                status: order.status(),
                paid: order.payment_collected(),
                count: 1,
                total: order.total(),
                refunded: order.refunded_total(),
            };
            tally(&mut summary, group).map_err(|_| corrupt("order totals overflow"))?;
        }
        Ok(summary)
    }

    /// The orders `filter` selects, newest first, after `after` if given:
    /// the time window and the cursor bound the index range read.
    fn selected<'a>(
        &'a self,
        filter: &'a OrderFilter,
        after: Option<OrderCursor>,
    ) -> impl Iterator<Item = &'a Order> + 'a {
        let lower = filter.created_from.map_or(Bound::Unbounded, |from| {
            Bound::Included((from, OrderId::MIN))
        });
        let to_bound = filter.created_to.map(|to| (to, OrderId::MIN));
        let after = after.map(|c| (c.created_at, c.id));
        let mut upper = match (to_bound, after) {
            (Some(to), Some(after)) => Bound::Excluded(to.min(after)),
            (Some(bound), None) | (None, Some(bound)) => Bound::Excluded(bound),
            (None, None) => Bound::Unbounded,
        };
        // A cursor or end before the start selects nothing (and a reversed
        // range would panic).
        if let (Bound::Included(start), Bound::Excluded(end)) = (lower, upper)
            && end < start
        {
            upper = Bound::Excluded(start);
        }
        self.order_times
            .range((lower, upper))
            .rev()
            .filter_map(|(_, id)| self.orders.get(id))
            .filter(move |order| matches(filter, order))
    }
}

fn matches(filter: &OrderFilter, order: &Order) -> bool {
    filter.status.is_none_or(|s| order.status() == s)
        && filter.customer.is_none_or(|c| order.customer().id == c)
        && filter.placed_by.is_none_or(|u| order.placed_by().user == u)
        && filter.search.as_ref().is_none_or(|s| s.matches(order))
        && filter
            .open_return
            .is_none_or(|open| order.open_return_since().is_some() == open)
}

#[async_trait]
impl OrderStore for MemoryStore {
    async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        let placed = self.state.write().place(draft)?;
        self.wake();
        Ok(placed)
    }

    async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        Ok(self.state.read().orders.get(&id).cloned())
    }

    async fn find_order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError> {
        let state = self.state.read();
        let id = state.order_numbers.get(&number);
        Ok(id.and_then(|id| state.orders.get(id)).cloned())
    }

    async fn list_orders(
        &self,
        query: &OrderQuery,
    ) -> Result<Page<Order, OrderCursor>, StoreError> {
        Ok(self.state.read().list_orders(query))
    }

    async fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        self.state.read().summarize_orders(filter)
    }

    async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let revised = self.state.write().revise(revision)?;
        self.wake();
        Ok(revised)
    }
}
