//! The fields lists and the summary ask of returns and refunds
//! (`refunded`, `openReturnSince`), filled in for orders written before
//! every revision kept them.

use futures::TryStreamExt;
use mongodb::bson::doc;
use oms_domain::order::Order;
use oms_ports::error::StoreError;

use crate::MongoStore;
use crate::documents::{count, date};
use crate::errors::store_error;

impl MongoStore {
    /// Derives both fields from the activity of every order that has a
    /// return or a refund; the migration to them runs it. An order revised
    /// meanwhile was written with both by the revision, and is left alone.
    pub(crate) async fn keep_after_sale_fields(&self) -> Result<(), StoreError> {
        let after_sale = doc! {
            "activity.kind": { "$in": ["returnRequested", "refund"] },
        };
        let mut found = self.orders().find(after_sale).await.map_err(store_error)?;
        let mut kept = 0_u64;
        while let Some(stored) = found.try_next().await.map_err(store_error)? {
            let order = Order::try_from(stored)?;
            let mut set = doc! { "refunded": order.refunded_total().minor() };
            let mut update = doc! {};
            if let Some(since) = order.open_return_since() {
                set.insert("openReturnSince", date(since));
            } else {
                update.insert("$unset", doc! { "openReturnSince": "" });
            }
            update.insert("$set", set);
            let unchanged = doc! {
                "_id": order.id().to_string(),
                "version": count(order.version()),
            };
            self.orders()
                .update_one(unchanged, update)
                .await
                .map_err(store_error)?;
            kept += 1;
        }
        if kept > 0 {
            tracing::info!(
                orders = kept,
                "returns and refunds summarized on stored orders"
            );
        }
        Ok(())
    }
}
