//! What a group of writes is decided against, read inside its transaction:
//! the used idempotency keys, the orders they and the revisions name, the
//! products every line touches and the customers by address. Four queries
//! at most, however large the group.

use std::collections::{HashMap, HashSet};

use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use mongodb::{ClientSession, Collection};
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::ids::{OrderId, ProductId, UserId};
use oms_domain::order::Order;
use oms_domain::product::Product;
use oms_ports::ledger::{Record, Records, UsedKey, Write};
use serde::de::DeserializeOwned;

use crate::MongoStore;

/// The records of one attempt.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    products: HashMap<ProductId, Product>,
    customers: HashMap<Email, Customer>,
    keys: HashMap<(UserId, IdempotencyKey), UsedKey>,
    orders: HashMap<OrderId, Order>,
    /// What is stored but does not decode, as the ledger asks for it.
    broken_products: HashSet<ProductId>,
    broken_orders: HashSet<OrderId>,
    broken_customers: HashSet<String>,
    broken_keys: HashSet<(UserId, IdempotencyKey)>,
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

    fn unreadable(&self, record: Record<'_>) -> bool {
        match record {
            Record::Product(id) => self.broken_products.contains(&id),
            Record::Order(id) => self.broken_orders.contains(&id),
            Record::Customer(email) => self.broken_customers.contains(email.as_str()),
            Record::Key(user, key) => self.broken_keys.contains(&(user, key.clone())),
        }
    }
}

/// The `_id` of a user's idempotency key.
pub(super) fn key_id(user: UserId, key: &IdempotencyKey) -> String {
    format!("{user}:{}", key.as_str())
}

/// What a group's writes name, as the ids the collections use.
#[derive(Default)]
struct Wanted {
    keys: HashMap<String, (UserId, IdempotencyKey)>,
    emails: HashSet<String>,
    products: HashSet<String>,
    orders: HashSet<String>,
}

impl Wanted {
    fn of(writes: &[Write]) -> Wanted {
        let mut wanted = Wanted::default();
        for write in writes {
            match write {
                Write::Place(draft) => {
                    if let Some(claim) = &draft.idempotency {
                        let scope = (draft.placed_by.user, claim.key.clone());
                        wanted.keys.insert(key_id(scope.0, &scope.1), scope);
                    }
                    wanted
                        .emails
                        .insert(draft.customer.email.as_str().to_owned());
                    let ids = draft.lines.iter().map(|(id, _)| id.to_string());
                    wanted.products.extend(ids);
                }
                Write::Revise(revision) => {
                    wanted.orders.insert(revision.order.id().to_string());
                }
            }
        }
        wanted
    }
}

impl MongoStore {
    pub(super) async fn snapshot(
        &self,
        session: &mut ClientSession,
        writes: &[Write],
    ) -> Result<Snapshot, mongodb::error::Error> {
        let mut snapshot = Snapshot::default();
        let mut wanted = Wanted::of(writes);
        let ids = wanted.keys.keys().cloned();
        for used in all(&self.idempotency(), session, "_id", ids).await? {
            let Some(scope) = wanted.keys.get(&used.id) else {
                continue;
            };
            match used.order_id.parse() {
                Ok(order) => {
                    let fingerprint = RequestFingerprint::new(used.fingerprint);
                    snapshot
                        .keys
                        .insert(scope.clone(), UsedKey { fingerprint, order });
                    wanted.orders.insert(used.order_id);
                }
                Err(e) => {
                    broken(&used.id, &e);
                    snapshot.broken_keys.insert(scope.clone());
                }
            }
        }
        for doc in all(&self.orders(), session, "_id", wanted.orders).await? {
            let id = doc.id.clone();
            match Order::try_from(doc) {
                Ok(order) => {
                    let lines = order.reserved().map(|(p, _)| p.to_string());
                    wanted.products.extend(lines);
                    snapshot.orders.insert(order.id(), order);
                }
                Err(e) => match id.parse() {
                    Ok(order) => drop(snapshot.broken_orders.insert(broken(order, &e))),
                    Err(_) => {
                        broken(&id, &e);
                    }
                },
            }
        }
        for doc in all(&self.products(), session, "_id", wanted.products).await? {
            let id = doc.id.clone();
            match Product::try_from(doc) {
                Ok(product) => drop(snapshot.products.insert(product.id, product)),
                Err(e) => match id.parse() {
                    Ok(product) => drop(snapshot.broken_products.insert(broken(product, &e))),
                    Err(_) => {
                        broken(&id, &e);
                    }
                },
            }
        }
        for doc in all(&self.customers(), session, "email", wanted.emails).await? {
            let email = doc.email.clone();
            match Customer::try_from(doc) {
                Ok(customer) => drop(snapshot.customers.insert(customer.email.clone(), customer)),
                Err(e) => drop(snapshot.broken_customers.insert(broken(email, &e))),
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
fn broken<I: std::fmt::Display>(id: I, error: &dyn std::fmt::Display) -> I {
    tracing::error!(%id, %error, "a stored document does not decode");
    id
}
