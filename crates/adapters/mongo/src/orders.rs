//! Orders in the `orders` collection. Placing and revising each run as one
//! transaction (see `place.rs` and `revise.rs`); reads and lists do not
//! need one.

mod place;
mod revise;

use async_trait::async_trait;
use futures::TryStreamExt;
use futures::future::BoxFuture;
use mongodb::ClientSession;
use mongodb::bson::{Bson, Document, doc};
use oms_domain::ids::{OrderId, ProductId};
use oms_domain::money::Money;
use oms_domain::order::Order;
use oms_domain::quantity::Quantity;
use oms_domain::timestamp::Timestamp;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page};
use oms_ports::store::OrderStore;

use crate::MongoStore;
use crate::documents::{corrupt, date};
use crate::errors::store_error;
use crate::paging::keyset_page;
use crate::transaction::{Abort, Body};

#[async_trait]
impl OrderStore for MongoStore {
    async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        let placed = self
            .transaction(&Placing {
                store: self,
                draft: &draft,
            })
            .await;
        placed.map_err(|abort| match abort {
            Abort::Refused(refusal) => refusal,
            Abort::Driver(e) => store_error(e).into(),
            Abort::Retry => contended().into(),
        })
    }

    async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        let found = self.orders().find_one(doc! { "_id": id.to_string() }).await;
        found.map_err(store_error)?.map(Order::try_from).transpose()
    }

    async fn list_orders(
        &self,
        query: &OrderQuery,
    ) -> Result<Page<Order, OrderCursor>, StoreError> {
        let newest_first = doc! { "createdAt": -1, "_id": -1 };
        keyset_page(
            &self.orders(),
            order_filter(query),
            newest_first,
            query.limit.get(),
            |o: &Order| OrderCursor {
                created_at: o.created_at(),
                id: o.id(),
            },
        )
        .await
    }

    async fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let query = OrderQuery {
            filter: *filter,
            ..OrderQuery::default()
        };
        let pipeline = [
            doc! { "$match": order_filter(&query) },
            doc! { "$group": { "_id": "$status", "count": { "$sum": 1 }, "total": { "$sum": "$total" } } },
        ];
        let mut groups = self
            .orders()
            .aggregate(pipeline)
            .await
            .map_err(store_error)?;
        let mut summary = OrderSummary::default();
        while let Some(group) = groups.try_next().await.map_err(store_error)? {
            let status = group
                .get_str("_id")
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| corrupt("order summary: status"))?;
            let count = whole(&group, "count")
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| corrupt("order summary: count"))?;
            let total = whole(&group, "total")
                .and_then(|n| Money::from_minor(n).ok())
                .ok_or_else(|| corrupt("order summary: total"))?;
            summary
                .add_many(status, count, total)
                .map_err(|_| corrupt("order summary: totals overflow"))?;
        }
        Ok(summary)
    }

    async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let revised = self
            .transaction(&Revising {
                store: self,
                revision: &revision,
            })
            .await;
        revised.map_err(|abort| match abort {
            Abort::Refused(refusal) => refusal,
            Abort::Driver(e) => store_error(e).into(),
            Abort::Retry => contended().into(),
        })
    }
}

struct Placing<'a> {
    store: &'a MongoStore,
    draft: &'a OrderDraft,
}

impl Body for Placing<'_> {
    type Output = Placement;
    type Refusal = PlaceError;

    fn attempt<'a>(
        &'a self,
        session: &'a mut ClientSession,
    ) -> BoxFuture<'a, Result<Placement, Abort<PlaceError>>> {
        Box::pin(self.store.place_once(session, self.draft))
    }
}

struct Revising<'a> {
    store: &'a MongoStore,
    revision: &'a OrderRevision,
}

impl Body for Revising<'_> {
    type Output = Order;
    type Refusal = ReviseError;

    fn attempt<'a>(
        &'a self,
        session: &'a mut ClientSession,
    ) -> BoxFuture<'a, Result<Order, Abort<ReviseError>>> {
        Box::pin(self.store.revise_once(session, self.revision))
    }
}

fn contended() -> StoreError {
    StoreError::Contended
}

/// A whole number as the server summed it (a sum that overflowed 64 bits
/// comes back as a double and is refused).
fn whole(doc: &Document, key: &str) -> Option<i64> {
    match doc.get(key)? {
        Bson::Int32(n) => Some(i64::from(*n)),
        Bson::Int64(n) => Some(*n),
        _ => None,
    }
}

/// Newest first; the cursor is the last `(createdAt, _id)` seen.
fn order_filter(query: &OrderQuery) -> Document {
    let OrderFilter {
        status,
        customer,
        placed_by,
        created_from,
        created_to,
    } = query.filter;
    let mut filter = doc! {};
    if let Some(status) = status {
        filter.insert("status", status.as_str());
    }
    if let Some(customer) = customer {
        filter.insert("customer.id", customer.to_string());
    }
    if let Some(user) = placed_by {
        filter.insert("placedBy.user", user.to_string());
    }
    let mut created = doc! {};
    if let Some(from) = created_from {
        created.insert("$gte", date(from));
    }
    match (created_to, query.after) {
        (Some(to), Some(after)) if to <= after.created_at => {
            created.insert("$lt", date(to));
        }
        (_, Some(after)) => {
            // Also bound the range itself, so the planner can cut the
            // index scan at the cursor instead of filtering past it.
            created.insert("$lte", date(after.created_at));
        }
        (Some(to), None) => {
            created.insert("$lt", date(to));
        }
        (None, None) => {}
    }
    if !created.is_empty() {
        filter.insert("createdAt", created);
    }
    if let Some(after) = query.after {
        let at = date(after.created_at);
        filter.insert(
            "$or",
            vec![
                doc! { "createdAt": { "$lt": at } },
                doc! { "createdAt": at, "_id": { "$lt": after.id.to_string() } },
            ],
        );
    }
    filter
}

impl MongoStore {
    /// Moves stock for every line in one round trip: `delta` is `-1` to
    /// reserve (only where enough is left) and `1` to release. Returns how
    /// many products were changed.
    async fn move_stock(
        &self,
        session: &mut ClientSession,
        lines: &[(ProductId, Quantity)],
        delta: i64,
        at: Timestamp,
    ) -> Result<usize, mongodb::error::Error> {
        let updates: Vec<Document> = lines
            .iter()
            .map(|(id, qty)| {
                let units = i64::from(qty.get());
                let mut q = doc! { "_id": id.to_string() };
                if delta < 0 {
                    q.insert("stock", doc! { "$gte": units });
                }
                doc! {
                    "q": q,
                    "u": { "$inc": { "stock": delta * units, "version": 1_i64 }, "$set": { "updatedAt": date(at) } },
                }
            })
            .collect();
        let reply = self
            .database()
            .run_command(doc! { "update": "products", "updates": updates, "ordered": true })
            .session(session)
            .await?;
        if let Ok(errors) = reply.get_array("writeErrors") {
            if !errors.is_empty() {
                return Err(mongodb::error::Error::custom(format!(
                    "stock update refused: {errors:?}"
                )));
            }
        }
        let matched = reply
            .get_i32("n")
            .map(i64::from)
            .or_else(|_| reply.get_i64("n"));
        let matched = matched.map_err(|_| {
            mongodb::error::Error::custom("stock update reply without a count".to_owned())
        })?;
        Ok(usize::try_from(matched).unwrap_or(0))
    }
}
