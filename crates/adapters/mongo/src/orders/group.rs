//! Placing and revising orders in groups (`oms_commit::group`): the writes
//! that queued while the last transaction ran share the next one. It reads
//! what they need once ([`Snapshot`]), lets a [`Ledger`] decide each on its
//! own against the running state, and writes what was decided with one
//! command per collection, then commits: about eight round trips for a
//! group of one or of a hundred. A write refused by the ledger is answered
//! alone; a conflict with another instance's transaction answers every
//! write of the group as contended, and the use cases send them again.

use futures::future::BoxFuture;
use mongodb::ClientSession;
use mongodb::bson::{Document, doc, to_bson};
use oms_commit::group::Committer;
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_ports::error::StoreError;
use oms_rules::ledger::{Changes, Decision, Ledger, OrderNumbers, Write};
use tokio::time::Instant;

use super::snapshot::key_id;
use crate::MongoStore;
use crate::documents::events::EventDoc;
use crate::documents::orders::{IdempotencyDoc, OrderDoc};
use crate::documents::{CustomerDoc, corrupt, count, date};
use crate::errors::is_duplicate_key;
use crate::transaction::{Abort, Body, Ended, late_write};

/// The most writes one transaction carries.
pub(crate) const LARGEST_GROUP: usize = 128;

type Step<T> = Result<T, Abort<String>>;

impl Committer for MongoStore {
    type Job = Write;
    type Outcome = Decision;

    async fn commit(&self, writes: Vec<Write>, deadline: Instant) -> Vec<Decision> {
        let placements = writes
            .iter()
            .filter(|w| matches!(w, Write::Place(_)))
            .count();
        // The counter is one more round trip to a server that may have
        // stopped answering: it keeps the group's deadline too.
        let numbers = match tokio::time::timeout_at(deadline, self.numbers_for(placements)).await {
            Ok(Ok(numbers)) => numbers,
            Ok(Err(error)) => return all_failed(&writes, &error),
            Err(_) => return all_failed(&writes, &late(writes.len())),
        };
        let group = Group {
            store: self,
            writes: &writes,
            numbers,
        };
        let abort = match self.transaction(&group, deadline).await {
            Ended::Committed(attempted) => {
                self.numbers_given(attempted.last_number);
                return attempted.decisions;
            }
            Ended::Unknown {
                output,
                session,
                cause,
            } => {
                // Committed or not, these numbers are not given again.
                self.numbers_given(output.last_number);
                return self.settle(output, session, &cause, deadline).await;
            }
            Ended::Aborted(abort) => abort,
        };
        let error = match abort {
            // A server that stops answering (frozen, partitioned) would
            // hold the group, and every write behind it, until it came back.
            Abort::Late => late(writes.len()),
            other => other.refusal().map_or_else(|e| e, corrupt),
        };
        all_failed(&writes, &error)
    }

    fn unreachable(outcome: &Decision) -> bool {
        outcome.unreachable()
    }
}

/// A group the server did not answer before its deadline.
fn late(writes: usize) -> StoreError {
    tracing::error!(
        writes,
        "MongoDB did not answer a group of order writes in time"
    );
    late_write()
}

/// `error` as every write's answer.
fn all_failed(writes: &[Write], error: &StoreError) -> Vec<Decision> {
    let message = error.to_string();
    let same = || match error {
        StoreError::Unavailable(_) => StoreError::Unavailable(message.clone().into()),
        StoreError::Contended => StoreError::Contended,
        _ => StoreError::Internal(message.clone().into()),
    };
    writes.iter().map(|w| w.failed(same())).collect()
}

/// What one attempt at a group decided, and the first event it wrote: a
/// record only this attempt's commit can have stored, read back when the
/// commit goes unanswered.
pub(super) struct Attempted {
    pub(super) decisions: Vec<Decision>,
    pub(super) witness: Option<EventDoc>,
    /// The greatest order number the attempt gave.
    pub(super) last_number: Option<OrderNumber>,
}

struct Group<'a> {
    store: &'a MongoStore,
    writes: &'a [Write],
    /// Taken before the transaction, so every attempt gives the same ones.
    numbers: OrderNumbers,
}

impl Body for Group<'_> {
    type Output = Attempted;
    type Refusal = String;

    fn attempt<'a>(
        &'a self,
        session: &'a mut ClientSession,
    ) -> BoxFuture<'a, Result<Attempted, Abort<String>>> {
        Box::pin(async move {
            let mut snapshot = self.store.snapshot(session, self.writes).await?;
            snapshot.set_order_numbers(self.numbers);
            let mut ledger = Ledger::new(&snapshot);
            let decisions = self
                .writes
                .iter()
                .map(|write| ledger.decide(write.clone()))
                .collect();
            let changes = ledger.into_changes();
            let witness = changes.events.first().map(|event| EventDoc::new(event, 0));
            let last_number = changes.placed.iter().map(Order::number).max();
            if !changes.is_empty() {
                self.store.write(session, changes).await?;
            }
            Ok(Attempted {
                decisions,
                witness,
                last_number,
            })
        })
    }
}

impl MongoStore {
    /// Writes what a ledger decided. A write that finds a record moved
    /// since the snapshot, or a key or address taken by a concurrent
    /// transaction, makes the attempt start again.
    async fn write(&self, session: &mut ClientSession, changes: Changes) -> Step<()> {
        let mut stock = Vec::with_capacity(changes.products.len());
        for changed in &changes.products {
            let p = &changed.product;
            stock.push(doc! {
                "q": { "_id": p.id.to_string(), "version": count(changed.read_version) },
                "u": { "$set": {
                    "stock": count(p.stock.units()),
                    "updatedAt": date(p.updated_at),
                    "version": count(p.version),
                } },
            });
        }
        self.update_all(session, "products", stock).await?;

        let mut revised = Vec::with_capacity(changes.revised.len());
        for change in &changes.revised {
            let doc = OrderDoc::from(&change.order);
            let history = to_bson(&doc.history).map_err(|e| Abort::Refused(e.to_string()))?;
            let shipments = to_bson(&doc.shipments).map_err(|e| Abort::Refused(e.to_string()))?;
            let activity = to_bson(&doc.activity).map_err(|e| Abort::Refused(e.to_string()))?;
            let lines = to_bson(&doc.lines).map_err(|e| Abort::Refused(e.to_string()))?;
            let mut set = doc! {
                "lines": lines,
                "total": doc.total,
                "status": &doc.status,
                "paymentCollected": doc.payment_collected,
                "history": history,
                "shipments": shipments,
                "activity": activity,
                "refunded": doc.refunded,
                "updatedAt": doc.updated_at,
                "version": doc.version,
            };
            let mut update = doc! {};
            // An address is set or corrected, never taken away.
            if let Some(address) = &doc.shipping_address {
                let address = to_bson(address).map_err(|e| Abort::Refused(e.to_string()))?;
                set.insert("shippingAddress", address);
            }
            if let Some(since) = doc.open_return_since {
                set.insert("openReturnSince", since);
            } else {
                update.insert("$unset", doc! { "openReturnSince": "" });
            }
            update.insert("$set", set);
            revised.push(doc! {
                "q": { "_id": &doc.id, "version": count(change.read_version) },
                "u": update,
            });
        }
        self.update_all(session, "orders", revised).await?;
        self.write_tallies(session, &changes.tallies).await?;

        if !changes.customers.is_empty() {
            let docs = changes.customers.iter().map(CustomerDoc::from);
            match self
                .customers()
                .insert_many(docs)
                .session(&mut *session)
                .await
            {
                // A concurrent transaction made the customer first.
                Err(e) if is_duplicate_key(&e) => return Err(Abort::Retry),
                other => drop(other?),
            }
        }
        if !changes.placed.is_empty() {
            let docs = changes.placed.iter().map(OrderDoc::from);
            match self.orders().insert_many(docs).session(&mut *session).await {
                Err(e) if is_duplicate_key(&e) => {
                    return Err(Abort::Refused("an order with this id exists".into()));
                }
                other => drop(other?),
            }
        }
        if !changes.keys.is_empty() {
            // When the key was used, for its expiry: not the order's own
            // time, which the caller supplies and may lie in the past.
            let now = mongodb::bson::DateTime::now();
            let docs = changes.keys.iter().map(|(user, key, used)| IdempotencyDoc {
                id: key_id(*user, key),
                fingerprint: used.fingerprint.as_str().to_owned(),
                order_id: used.order.to_string(),
                created_at: now,
            });
            match self
                .idempotency()
                .insert_many(docs)
                .session(&mut *session)
                .await
            {
                // A concurrent request with the same key won; replay it next time.
                Err(e) if is_duplicate_key(&e) => return Err(Abort::Retry),
                other => drop(other?),
            }
        }
        let events = changes
            .events
            .iter()
            .enumerate()
            .map(|(seq, event)| EventDoc::new(event, i32::try_from(seq).unwrap_or(i32::MAX)));
        self.events().insert_many(events).session(session).await?;
        Ok(())
    }

    /// Runs `updates` (each `{q, u}`) as one command; every one must match
    /// a document, else something moved since it was read.
    async fn update_all(
        &self,
        session: &mut ClientSession,
        collection: &str,
        updates: Vec<Document>,
    ) -> Step<()> {
        if updates.is_empty() {
            return Ok(());
        }
        let expected = updates.len();
        let reply = self
            .database()
            .run_command(doc! { "update": collection, "updates": updates, "ordered": true })
            .session(session)
            .await?;
        if let Ok(errors) = reply.get_array("writeErrors")
            && !errors.is_empty()
        {
            return Err(Abort::Refused(format!(
                "{collection} update refused: {errors:?}"
            )));
        }
        let matched = reply
            .get_i32("n")
            .map(i64::from)
            .or_else(|_| reply.get_i64("n"))
            .map_err(|_| Abort::Refused(format!("{collection} update reply without a count")))?;
        if usize::try_from(matched).ok() != Some(expected) {
            return Err(Abort::Retry);
        }
        Ok(())
    }
}
