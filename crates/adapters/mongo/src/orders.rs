//! Orders in the `orders` collection. Placing and revising go through the
//! store's group commit, one transaction per group (see `group.rs`); reads
//! and lists do not need one.

mod after_sale;
mod group;
pub(crate) mod numbers;
mod settle;
mod snapshot;
pub(crate) mod tallies;

pub(crate) use group::LARGEST_GROUP;

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};
use oms_domain::ids::OrderId;
use oms_domain::money::Money;
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page};
use oms_ports::store::OrderStore;
use oms_rules::ledger::Write;
use oms_rules::summary::{Group, kept, tally};

use crate::MongoStore;
use crate::deadline::{READ_DEADLINE, read, read_all};
use crate::documents::{corrupt, count, date};
use crate::errors::store_error;
use crate::paging::{keyset_page, literal};

#[async_trait]
impl OrderStore for MongoStore {
    async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        let decision = self.group.submit(self, Write::Place(draft)).await;
        decision.map_err(StoreError::from)?.into_placed()
    }

    async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        let found = read(self.orders().find_one(doc! { "_id": id.to_string() })).await;
        found?.map(Order::try_from).transpose()
    }

    async fn find_order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError> {
        let by_number = doc! { "number": count(number.get()) };
        let found = read(self.orders().find_one(by_number)).await;
        found?.map(Order::try_from).transpose()
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
            query.limit,
            OrderCursor::past,
        )
        .await
    }

    async fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        read_all(READ_DEADLINE, self.summarize(filter)).await
    }

    async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let decision = self.group.submit(self, Write::Revise(revision)).await;
        decision.map_err(StoreError::from)?.into_revised()
    }
}

impl MongoStore {
    /// From the kept tallies where the filter allows, else by counting.
    async fn summarize(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let Some(plan) = kept::plan(filter) else {
            return self.count_orders(filter).await;
        };
        let mut scanned = Vec::with_capacity(plan.scans.len());
        for scan in &plan.scans {
            scanned.push(self.count_orders(scan).await?);
        }
        kept::summary_of(self.sum_tallies(&plan).await?, scanned)
    }

    async fn count_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let query = OrderQuery {
            filter: filter.clone(),
            ..OrderQuery::default()
        };
        let pipeline = [
            doc! { "$match": order_filter(&query) },
            doc! { "$group": {
                "_id": { "status": "$status", "paid": "$paymentCollected" },
                "count": { "$sum": 1 },
                "total": { "$sum": "$total" },
                "refunded": { "$sum": "$refunded" },
            } },
        ];
        let mut groups = self
            .orders()
            .aggregate(pipeline)
            .await
            .map_err(store_error)?;
        let mut summary = OrderSummary::default();
        while let Some(group) = groups.try_next().await.map_err(store_error)? {
            let key = group
                .get_document("_id")
                .map_err(|_| corrupt("order summary: group"))?;
            let status = key
                .get_str("status")
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| corrupt("order summary: status"))?;
            let paid = key
                .get_bool("paid")
                .map_err(|_| corrupt("order summary: paymentCollected"))?;
            let count = whole(&group, "count")
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| corrupt("order summary: count"))?;
            let total = whole(&group, "total")
                .and_then(|n| Money::from_minor(n).ok())
                .ok_or_else(|| corrupt("order summary: total"))?;
            let refunded = whole(&group, "refunded")
                .and_then(|n| Money::from_minor(n).ok())
                .ok_or_else(|| corrupt("order summary: refunded"))?;
            let group = Group {
                status,
                paid,
                count,
                total,
                refunded,
            };
            tally(&mut summary, group).map_err(|_| corrupt("order summary: totals overflow"))?;
        }
        Ok(summary)
    }
}

/// A whole number as the server summed it (a sum that overflowed 64 bits
/// comes back as a double and is refused).
pub(crate) fn whole(doc: &Document, key: &str) -> Option<i64> {
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
        ref search,
        open_return,
    } = query.filter;
    let mut filter = doc! {};
    if let Some(search) = search {
        let pattern = literal(search.text().as_str());
        let mut any = vec![
            doc! { "customer.nameKey": { "$regex": &pattern } },
            doc! { "customer.email": { "$regex": &pattern } },
        ];
        if let Some(number) = search.number() {
            any.push(doc! { "number": count(number.get()) });
        }
        // The cursor below takes `$or`; both must hold.
        filter.insert("$and", vec![doc! { "$or": any }]);
    }
    if let Some(status) = status {
        filter.insert("status", status.as_str());
    }
    if let Some(customer) = customer {
        filter.insert("customer.id", customer.to_string());
    }
    if let Some(user) = placed_by {
        filter.insert("placedBy.user", user.to_string());
    }
    if let Some(open) = open_return {
        filter.insert("openReturnSince", doc! { "$exists": open });
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
