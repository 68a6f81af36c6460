//! The kept summary tallies in `order_tallies` (see
//! `oms_rules::summary::kept`): changed with `$inc` in the transaction
//! that writes the orders they count, and summed for summaries. Each
//! instance writes tallies of its own shard, so instances writing at once
//! rarely touch one document; a summary adds every shard.

use futures::TryStreamExt;
use mongodb::ClientSession;
use mongodb::bson::{Document, doc};
use oms_domain::order::status::OrderStatus;
use oms_domain::timestamp::Timestamp;
use oms_ports::error::StoreError;
use oms_rules::summary::kept::{Counted, Plan, TallyChanges, TallyDelta, TallyKey};

use super::whole;
use crate::MongoStore;
use crate::documents::corrupt;
use crate::errors::store_error;
use crate::transaction::Abort;

/// Shards an instance picks its own from.
pub(crate) const SHARDS: u8 = 8;

/// A shard for a new instance: instances started at different moments
/// (to the nanosecond) mostly pick different ones, which is all it needs.
pub(crate) fn pick_shard() -> u8 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    u8::try_from(nanos % u32::from(SHARDS)).unwrap_or(0)
}

fn id(key: &TallyKey, shard: &str) -> String {
    format!(
        "{}:{}:{}:{}:{shard}",
        key.grain.as_str(),
        key.start,
        key.status.as_str(),
        key.paid
    )
}

fn upsert(key: &TallyKey, delta: &TallyDelta, shard: &str, inc: bool) -> Document {
    let sums = doc! { "orders": delta.orders, "total": delta.total, "refunded": delta.refunded };
    let mut update = doc! {
        "$setOnInsert": {
            "grain": key.grain.as_str(),
            "start": key.start,
            "status": key.status.as_str(),
            "paid": key.paid,
            "shard": shard,
        },
    };
    if inc {
        update.insert("$inc", sums);
    } else {
        update.insert("$set", sums);
    }
    doc! { "q": { "_id": id(key, shard) }, "u": update, "upsert": true }
}

impl MongoStore {
    /// Adds what a group changed to this instance's tallies, in `session`.
    pub(super) async fn write_tallies(
        &self,
        session: &mut ClientSession,
        tallies: &[(TallyKey, TallyDelta)],
    ) -> Result<(), Abort<String>> {
        if tallies.is_empty() {
            return Ok(());
        }
        let shard = self.shard.to_string();
        let updates: Vec<Document> = tallies
            .iter()
            .map(|(key, delta)| upsert(key, delta, &shard, true))
            .collect();
        let reply = self
            .database()
            .run_command(doc! { "update": "order_tallies", "updates": updates, "ordered": true })
            .session(session)
            .await?;
        if let Ok(errors) = reply.get_array("writeErrors")
            && !errors.is_empty()
        {
            return Err(Abort::Refused(format!("order_tallies refused: {errors:?}")));
        }
        Ok(())
    }

    /// The sums per status and payment of the tallies `plan` adds.
    pub(super) async fn sum_tallies(
        &self,
        plan: &Plan,
    ) -> Result<Vec<(OrderStatus, bool, TallyDelta)>, StoreError> {
        let any = plan
            .ranges()
            .iter()
            .map(|(grain, from, to)| {
                let mut start = doc! {};
                if let Some(from) = from {
                    start.insert("$gte", from);
                }
                if let Some(to) = to {
                    start.insert("$lt", to);
                }
                let mut range = doc! { "grain": grain.as_str() };
                if !start.is_empty() {
                    range.insert("start", start);
                }
                range
            })
            .collect::<Vec<_>>();
        if any.is_empty() {
            return Ok(Vec::new());
        }
        let mut matched = doc! { "$or": any };
        if let Some(status) = plan.status {
            matched.insert("status", status.as_str());
        }
        let pipeline = [
            doc! { "$match": matched },
            doc! { "$group": {
                "_id": { "status": "$status", "paid": "$paid" },
                "orders": { "$sum": "$orders" },
                "total": { "$sum": "$total" },
                "refunded": { "$sum": "$refunded" },
            } },
        ];
        let collection = self.database().collection::<Document>("order_tallies");
        let mut groups = collection.aggregate(pipeline).await.map_err(store_error)?;
        let mut sums = Vec::new();
        while let Some(group) = groups.try_next().await.map_err(store_error)? {
            let key = group
                .get_document("_id")
                .map_err(|_| corrupt("order tallies: group"))?;
            let status = key
                .get_str("status")
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| corrupt("order tallies: status"))?;
            let paid = key
                .get_bool("paid")
                .map_err(|_| corrupt("order tallies: paid"))?;
            let number = |name| whole(&group, name).ok_or_else(|| corrupt("order tallies: sums"));
            let delta = TallyDelta {
                orders: number("orders")?,
                total: number("total")?,
                refunded: number("refunded")?,
            };
            sums.push((status, paid, delta));
        }
        Ok(sums)
    }

    /// Tallies every stored order afresh, in a shard of its own (`m`),
    /// setting rather than adding, so that running it twice does no harm;
    /// the migration to kept summaries runs it.
    pub(crate) async fn tally_stored_orders(&self) -> Result<(), StoreError> {
        let projection = doc! {
            "createdAt": 1, "status": 1, "paymentCollected": 1, "total": 1, "refunded": 1,
        };
        let orders = self.database().collection::<Document>("orders");
        let mut found = orders
            .find(doc! {})
            .projection(projection)
            .await
            .map_err(store_error)?;
        let mut changes = TallyChanges::default();
        let mut counted = 0_u64;
        while let Some(order) = found.try_next().await.map_err(store_error)? {
            let placed = order
                .get_datetime("createdAt")
                .ok()
                .and_then(|d| Timestamp::from_unix_millis(d.timestamp_millis()).ok())
                .ok_or_else(|| corrupt("orders.createdAt"))?;
            let status = order
                .get_str("status")
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| corrupt("orders.status"))?;
            let order = Counted {
                placed,
                status,
                paid: order.get_bool("paymentCollected").unwrap_or(false),
                total: whole(&order, "total").ok_or_else(|| corrupt("orders.total"))?,
                refunded: whole(&order, "refunded").unwrap_or(0),
            };
            changes.count(&order, 1);
            counted += 1;
        }
        let updates: Vec<Document> = changes
            .into_changes()
            .iter()
            .map(|(key, delta)| upsert(key, delta, "m", false))
            .collect();
        for chunk in updates.chunks(1_000) {
            self.database()
                .run_command(doc! { "update": "order_tallies", "updates": chunk, "ordered": false })
                .await
                .map_err(store_error)?;
        }
        if counted > 0 {
            tracing::info!(orders = counted, "stored orders tallied for summaries");
        }
        Ok(())
    }
}
