//! Order numbers on MongoDB. Several instances write one database, so a
//! counter bumped inside every transaction would make every group of every
//! instance conflict on one document. Instead each instance takes a range
//! of numbers at a time from the `counters` document `orderNumbers` (one
//! atomic increment, outside any transaction) and gives them out in its
//! groups. Numbers are unique across instances and increase within each;
//! instances working at once interleave their ranges, and a range an
//! instance stops with unused is skipped (a gap), as
//! `docs/decisions/0006-order-numbers.md` records.

use std::sync::{Arc, Mutex, PoisonError};

use mongodb::bson::{Document, doc};
use mongodb::options::ReturnDocument;
use oms_domain::order::number::OrderNumber;
use oms_ports::error::StoreError;
use oms_rules::ledger::OrderNumbers;

use crate::MongoStore;
use crate::documents::corrupt;
use crate::errors::{is_duplicate_key, store_error};

/// Numbers an instance takes at once, unless a group needs more: few, so a
/// restart skips few and instances stay close in step.
const RANGE: u64 = 20;

/// The counter's document.
pub(crate) const COUNTER: &str = "orderNumbers";

/// The numbers this instance has taken and not yet given.
#[derive(Clone, Debug, Default)]
pub(crate) struct NumberPool(Arc<Mutex<Range>>);

#[derive(Clone, Copy, Debug, Default)]
struct Range {
    next: u64,
    end: u64,
    /// The counter is known to exist.
    counted: bool,
}

impl NumberPool {
    fn get(&self) -> Range {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, range: Range) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = range;
    }
}

impl MongoStore {
    /// Numbers for a group of `placements`: this instance's range, taking
    /// a new one when fewer are left. Groups run one at a time per store,
    /// so nothing else takes from the pool meanwhile.
    pub(super) async fn numbers_for(&self, placements: usize) -> Result<OrderNumbers, StoreError> {
        let wanted = u64::try_from(placements).unwrap_or(u64::MAX);
        if wanted == 0 {
            return Ok(OrderNumbers::none());
        }
        let mut range = self.numbers.get();
        if range.end.saturating_sub(range.next) < wanted {
            let count = wanted.max(RANGE);
            if !range.counted {
                self.ensure_counter().await?;
            }
            let last = self.take_numbers(count).await?;
            range = Range {
                next: last - count + 1,
                end: last + 1,
                counted: true,
            };
            self.numbers.set(range);
        }
        let first = OrderNumber::new(range.next)
            .map_err(|_| corrupt(format_args!("counters.{COUNTER} gave {}", range.next)))?;
        Ok(OrderNumbers::range(first, range.end - range.next))
    }

    /// Marks every number up to `last` (the greatest a group gave, if it
    /// gave any) as given: the group committed, or may have.
    pub(super) fn numbers_given(&self, last: Option<OrderNumber>) {
        let Some(last) = last else {
            return;
        };
        let mut range = self.numbers.get();
        range.next = range.next.max(last.get() + 1).min(range.end);
        self.numbers.set(range);
    }

    /// Takes `count` numbers from the counter, which must exist; returns
    /// the last of them.
    async fn take_numbers(&self, count: u64) -> Result<u64, StoreError> {
        let by = i64::try_from(count).map_err(|_| corrupt("too many order numbers at once"))?;
        let taken = self
            .counters()
            .find_one_and_update(doc! { "_id": COUNTER }, doc! { "$inc": { "last": by } })
            .return_document(ReturnDocument::After)
            .await
            .map_err(store_error)?
            .ok_or_else(|| corrupt(format_args!("counters.{COUNTER} vanished")))?;
        let last = match taken.get("last") {
            Some(mongodb::bson::Bson::Int64(n)) => u64::try_from(*n).ok(),
            Some(mongodb::bson::Bson::Int32(n)) => u64::try_from(*n).ok(),
            _ => None,
        };
        last.filter(|&n| n >= count && n <= OrderNumber::MAX)
            .ok_or_else(|| corrupt(format_args!("counters.{COUNTER}.last")))
    }
}

impl MongoStore {
    pub(crate) fn counters(&self) -> mongodb::Collection<Document> {
        self.database().collection("counters")
    }

    /// Makes sure the counter exists, standing at least just before the
    /// first number.
    async fn ensure_counter(&self) -> Result<(), StoreError> {
        let at_least = i64::try_from(OrderNumber::FIRST.get() - 1)
            .map_err(|_| corrupt("order number out of range"))?;
        self.upsert_counter(COUNTER, doc! { "$max": { "last": at_least } })
            .await
    }

    /// Makes the `counters` document `id` exist, applying `update` (an
    /// upsert, outside any transaction, so transactions only ever update
    /// it).
    pub(crate) async fn upsert_counter(
        &self,
        id: &str,
        update: Document,
    ) -> Result<(), StoreError> {
        let upserted = self
            .counters()
            .update_one(doc! { "_id": id }, update)
            .upsert(true)
            .await;
        match upserted {
            // Another instance made the counter at the same moment.
            Err(e) if is_duplicate_key(&e) => Ok(()),
            other => other.map(drop).map_err(store_error),
        }
    }
}

impl MongoStore {
    /// Numbers the orders stored without one, oldest first, and tells
    /// their events; the migration to order numbers runs it. An order
    /// another instance numbered meanwhile keeps that number.
    pub(crate) async fn number_unnumbered_orders(&self) -> Result<(), StoreError> {
        let db = self.database();
        let orders = db.collection::<Document>("orders");
        let events = db.collection::<Document>("events");
        self.ensure_counter().await?;
        let mut unnumbered = orders
            .find(doc! { "number": { "$exists": false } })
            .sort(doc! { "createdAt": 1, "_id": 1 })
            .projection(doc! { "_id": 1, "customer.name": 1 })
            .await
            .map_err(store_error)?;
        let mut numbered = 0_u64;
        while unnumbered.advance().await.map_err(store_error)? {
            let order = unnumbered.deserialize_current().map_err(store_error)?;
            let id = order.get_str("_id").map_err(|_| corrupt("orders._id"))?;
            let name_key = order
                .get_document("customer")
                .and_then(|c| c.get_str("name"))
                .map(str::to_lowercase)
                .map_err(|_| corrupt(format_args!("orders.customer.name of {id}")))?;
            let number = i64::try_from(self.take_numbers(1).await?)
                .map_err(|_| corrupt("order number out of range"))?;
            orders
                .update_one(
                    doc! { "_id": id, "number": { "$exists": false } },
                    doc! { "$set": { "number": number, "customer.nameKey": &name_key } },
                )
                .await
                .map_err(store_error)?;
            let kept = orders
                .find_one(doc! { "_id": id })
                .await
                .map_err(store_error)?
                .and_then(|o| o.get_i64("number").ok())
                .unwrap_or(number);
            events
                .update_many(
                    doc! { "orderId": id },
                    doc! { "$set": { "orderNumber": kept } },
                )
                .await
                .map_err(store_error)?;
            events
                .update_many(
                    doc! { "orderId": id, "order": { "$exists": true } },
                    doc! { "$set": { "order.number": kept, "order.customer.nameKey": &name_key } },
                )
                .await
                .map_err(store_error)?;
            numbered += 1;
        }
        if numbered > 0 {
            tracing::info!(orders = numbered, "stored orders numbered");
        }
        Ok(())
    }
}
