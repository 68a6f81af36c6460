//! What a group of writes is decided against, read inside its transaction:
//! the used idempotency keys, the orders they and the revisions name, the
//! products every line touches and the customers by address. Four queries
//! at most, however large the group.

use std::collections::HashMap;

use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use mongodb::{ClientSession, Collection};
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::ids::UserId;
use oms_domain::order::Order;
use oms_domain::product::Product;
use oms_rules::ledger::{Snapshot, UsedKey, Wanted, Write};
use serde::de::DeserializeOwned;

use crate::MongoStore;

/// The `_id` of a user's idempotency key.
pub(super) fn key_id(user: UserId, key: &IdempotencyKey) -> String {
    format!("{user}:{}", key.as_str())
}

impl MongoStore {
    pub(super) async fn snapshot(
        &self,
        session: &mut ClientSession,
        writes: &[Write],
    ) -> Result<Snapshot, mongodb::error::Error> {
        let mut snapshot = Snapshot::default();
        let wanted = Wanted::of(writes);
        let keys: HashMap<String, &(UserId, IdempotencyKey)> = wanted
            .keys
            .iter()
            .map(|scope| (key_id(scope.0, &scope.1), scope))
            .collect();
        let ids = keys.keys().cloned();
        for used in all(&self.idempotency(), session, "_id", ids).await? {
            let Some(&(user, key)) = keys.get(&used.id) else {
                continue;
            };
            match used.order_id.parse() {
                Ok(order) => {
                    let fingerprint = RequestFingerprint::new(used.fingerprint);
                    snapshot.add_key(*user, key.clone(), UsedKey { fingerprint, order });
                }
                Err(e) => {
                    broken(&used.id, &e);
                    snapshot.key_unreadable(*user, key.clone());
                }
            }
        }
        let mut orders: Vec<String> = wanted.orders.iter().map(ToString::to_string).collect();
        orders.extend(snapshot.orders_wanted().iter().map(ToString::to_string));
        for doc in all(&self.orders(), session, "_id", orders).await? {
            let id = doc.id.clone();
            match Order::try_from(doc) {
                Ok(order) => snapshot.add_order(order),
                Err(e) => {
                    if let Ok(order) = broken(&id, &e).parse() {
                        snapshot.order_unreadable(order);
                    }
                }
            }
        }
        let mut products: Vec<String> = wanted.products.iter().map(ToString::to_string).collect();
        products.extend(snapshot.products_wanted().iter().map(ToString::to_string));
        for doc in all(&self.products(), session, "_id", products).await? {
            let id = doc.id.clone();
            match Product::try_from(doc) {
                Ok(product) => snapshot.add_product(product),
                Err(e) => {
                    if let Ok(product) = broken(&id, &e).parse() {
                        snapshot.product_unreadable(product);
                    }
                }
            }
        }
        let emails = wanted.emails.iter().map(|e| e.as_str().to_owned());
        for doc in all(&self.customers(), session, "email", emails).await? {
            let email = doc.email.clone();
            match Customer::try_from(doc) {
                Ok(customer) => snapshot.add_customer(customer),
                Err(e) => {
                    if let Ok(email) = Email::parse(broken(&email, &e)) {
                        snapshot.customer_unreadable(email);
                    }
                }
            }
        }
        Ok(snapshot)
    }
}

/// Every document whose `field` is one of `values`, in one query (none
/// when there are no values).
async fn all<T>(
    collection: &Collection<T>,
    session: &mut ClientSession,
    field: &str,
    values: impl IntoIterator<Item = String>,
) -> Result<Vec<T>, mongodb::error::Error>
where
    T: DeserializeOwned + Send + Sync,
{
    let values: Vec<String> = values.into_iter().collect();
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let filter: Document = doc! { field: { "$in": values } };
    let mut cursor = collection.find(filter).session(&mut *session).await?;
    cursor.stream(session).try_collect().await
}

/// Logs a stored document that does not decode, and names it.
fn broken<'a>(id: &'a str, error: &dyn std::fmt::Display) -> &'a str {
    tracing::error!(%id, %error, "a stored document does not decode");
    id
}
