//! Orders in memory. Placing and revising are each one critical section:
//! every check runs first, and the writes that follow cannot fail, so an
//! order is either fully placed (stock, customer, order, key, event) or not
//! at all.

use std::ops::Bound;

use async_trait::async_trait;
use oms_domain::event::OrderEvent;
use oms_domain::ids::OrderId;
use oms_domain::order::Order;
use oms_ports::assembly::Assembly;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page};
use oms_ports::store::OrderStore;

use crate::MemoryStore;
use crate::state::{State, corrupt};

impl State {
    /// The earlier order for this draft's idempotency key, if any.
    fn replay(&self, draft: &OrderDraft) -> Result<Option<Order>, PlaceError> {
        let Some(claim) = &draft.idempotency else {
            return Ok(None);
        };
        let scope = (draft.placed_by.user, claim.key.clone());
        let Some((fingerprint, order_id)) = self.idempotency.get(&scope) else {
            return Ok(None);
        };
        if *fingerprint != claim.fingerprint {
            return Err(PlaceError::KeyReused);
        }
        let order = self
            .orders
            .get(order_id)
            .ok_or_else(|| corrupt("idempotency index"))?;
        Ok(Some(order.clone()))
    }

    fn place(&mut self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        if let Some(order) = self.replay(&draft)? {
            return Ok(Placement {
                order,
                replayed: true,
            });
        }
        let (customer, new_customer) = draft
            .customer
            .resolve(self.customer_by_email(&draft.customer.email)?);
        let Assembly { order, stock } = draft.assemble(|id| self.products.get(&id), &customer)?;

        if self.orders.contains_key(&order.id()) {
            return Err(corrupt("an order with this id already exists").into());
        }
        // The one write that can still fail (a taken customer id) goes first,
        // so a failure leaves nothing behind; the writes after it cannot fail.
        if new_customer {
            self.add_customer(customer)?;
        }
        for (id, level) in stock {
            if let Some(product) = self.products.get_mut(&id) {
                product.stock = level;
                product.touch(draft.at);
            }
        }
        if let Some(claim) = draft.idempotency {
            self.idempotency.insert(
                (draft.placed_by.user, claim.key),
                (claim.fingerprint, order.id()),
            );
        }
        self.order_times.insert((order.created_at(), order.id()));
        self.orders.insert(order.id(), order.clone());
        self.log.append(OrderEvent::placed(&order));
        Ok(Placement {
            order,
            replayed: false,
        })
    }

    fn revise(&mut self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let next = &revision.order;
        let stored = self.orders.get(&next.id()).ok_or(ReviseError::NotFound)?;
        let effects = revision.check(stored)?;
        if effects.releases_stock {
            for (product, qty) in stored.reserved() {
                if let Some(p) = self.products.get_mut(&product) {
                    p.stock = p.stock.release(qty);
                    p.touch(next.updated_at());
                }
            }
        }
        self.orders.insert(next.id(), revision.order.clone());
        self.log.append(effects.event);
        Ok(revision.order)
    }

    fn list_orders(&self, query: &OrderQuery) -> Page<Order, OrderCursor> {
        let mut hits = self.selected(&query.filter, query.after);
        let items: Vec<Order> = hits.by_ref().take(query.limit.get()).cloned().collect();
        let next = match items.last() {
            Some(last) if hits.next().is_some() => Some(OrderCursor {
                created_at: last.created_at(),
                id: last.id(),
            }),
            _ => None,
        };
        Page { items, next }
    }

    fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let mut summary = OrderSummary::default();
        for order in self.selected(filter, None) {
            summary
                .add(order.status(), order.total())
                .map_err(|_| corrupt("order totals overflow"))?;
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
