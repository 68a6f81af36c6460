//! Placing and revising orders in groups (`oms_commit::group`): what queued
//! while the writer was busy goes into the next transaction. The writer
//! reads what the group names, a [`Ledger`] decides each write on its own
//! against the running state, the decided changes are written, and one
//! commit (one fsync) makes them all durable. A write the ledger refuses
//! is answered alone; a failure of the database fails the group.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use oms_commit::group::Committer;
use oms_domain::idempotency::RequestFingerprint;
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_ports::error::StoreError;
use oms_rules::ledger::{
    Changes, Decision, Ledger, OrderNumbers, Snapshot, UsedKey, Wanted, Write,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::time::Instant;

use super::get_order;
use super::recent::Recent;
use crate::SqliteStore;
use crate::customers::{customer_by_email, insert_customer};
use crate::errors::{corrupt, field, store_error};
use crate::open::BUSY_TIMEOUT;
use crate::products::get_product;
use crate::rows::now_millis;
use crate::rows::{
    activity_json, address_json, count, history_json, lines_json, millis, shipments_json,
};

impl Committer for SqliteStore {
    type Job = Write;
    type Outcome = Decision;

    async fn commit(&self, writes: Vec<Write>, deadline: Instant) -> Vec<Decision> {
        let kept = writes.clone();
        let start = Arc::new(Start::default());
        let started = Arc::clone(&start);
        let inner = Arc::clone(&self.inner);
        let work = self.write(move |c| {
            if !started.begin() {
                return Err(not_started());
            }
            let lock_wait = deadline.saturating_duration_since(Instant::now());
            c.busy_timeout(lock_wait).map_err(store_error)?;
            let committed = commit_group(c, writes, &inner.recent);
            c.busy_timeout(BUSY_TIMEOUT).map_err(store_error)?;
            committed
        });
        tokio::pin!(work);
        // The writer may be held (a long group, another process's lock, a
        // stalled disk): a group not begun by its deadline never is.
        let committed = tokio::select! {
            done = &mut work => done,
            () = tokio::time::sleep_until(deadline) => {
                if start.abandon() { Err(not_started()) } else { work.await }
            }
        };
        match committed {
            Ok((decisions, recorded)) => {
                if recorded {
                    self.inner.committed.send_replace(());
                }
                self.prune_when_due();
                decisions
            }
            Err(error) => {
                self.inner.recent.clear();
                tracing::error!(%error, writes = kept.len(), "a group of order writes failed");
                let message = error.to_string();
                let same = |error: &StoreError| match error {
                    StoreError::Unavailable(_) => StoreError::Unavailable(message.clone().into()),
                    StoreError::Contended => StoreError::Contended,
                    StoreError::Busy => StoreError::Busy,
                    StoreError::OutcomeUnknown(_) => {
                        StoreError::OutcomeUnknown(message.clone().into())
                    }
                    StoreError::Internal(_) => StoreError::Internal(message.clone().into()),
                };
                kept.iter().map(|w| w.failed(same(&error))).collect()
            }
        }
    }

    fn unreachable(outcome: &Decision) -> bool {
        outcome.unreachable()
    }
}

/// Whether a group's work began on the writer, or was given up first:
/// whichever comes first wins, so a group given up is never written.
#[derive(Default)]
struct Start(AtomicU8);

const WAITING: u8 = 0;
const BEGUN: u8 = 1;
const ABANDONED: u8 = 2;

impl Start {
    fn begin(&self) -> bool {
        self.0
            .compare_exchange(WAITING, BEGUN, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    fn abandon(&self) -> bool {
        self.0
            .compare_exchange(WAITING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

fn not_started() -> StoreError {
    StoreError::Unavailable("the database was not free for writing before the deadline".into())
}

/// Decides and commits `writes`; the answers, and whether any event was
/// recorded.
fn commit_group(
    c: &mut Connection,
    writes: Vec<Write>,
    recent: &Recent,
) -> Result<(Vec<Decision>, bool), StoreError> {
    let transaction = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store_error)?;
    let snapshot = snapshot(&transaction, &writes)?;
    let mut ledger = Ledger::new(&snapshot);
    let decisions: Vec<Decision> = writes.into_iter().map(|w| ledger.decide(w)).collect();
    let changes = ledger.into_changes();
    let recorded = !changes.events.is_empty();
    if !changes.is_empty() {
        write(&transaction, &changes)?;
        transaction.commit().map_err(store_error)?;
        let revised = changes.revised.iter().map(|r| &r.order);
        recent.offer_committed(changes.placed.iter().chain(revised));
    }
    Ok((decisions, recorded))
}

/// What the group needs, read inside its transaction. A record that is
/// there but does not read fails only the writes that need it; a database
/// that cannot be read fails the group.
fn snapshot(c: &Connection, writes: &[Write]) -> Result<Snapshot, StoreError> {
    let mut snapshot = Snapshot::default();
    let wanted = Wanted::of(writes);
    if writes.iter().any(|w| matches!(w, Write::Place(_))) {
        let last: Option<i64> = c
            .prepare_cached("SELECT max(number) FROM orders")
            .and_then(|mut s| s.query_row([], |row| row.get(0)))
            .map_err(store_error)?;
        let last = last
            .map(|n| {
                field("orders.number", u64::try_from(n))
                    .and_then(|n| field("orders.number", OrderNumber::new(n)))
            })
            .transpose()?;
        snapshot.set_order_numbers(OrderNumbers::after(last));
    }
    let mut keys = c
        .prepare_cached(
            "SELECT fingerprint, order_id FROM idempotency_keys WHERE user_id = ?1 AND key = ?2",
        )
        .map_err(store_error)?;
    for (user, key) in wanted.keys {
        let found: Option<(String, String)> = keys
            .query_row(params![user.to_string(), key.as_str()], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()
            .map_err(store_error)?;
        let Some((fingerprint, order)) = found else {
            continue;
        };
        match order.parse() {
            Ok(order) => {
                let fingerprint = RequestFingerprint::new(fingerprint);
                snapshot.add_key(user, key, UsedKey { fingerprint, order });
            }
            Err(e) => {
                tracing::error!(%user, error = %e, "a stored idempotency key does not read");
                snapshot.key_unreadable(user, key);
            }
        }
    }
    let mut orders = wanted.orders;
    orders.extend(snapshot.orders_wanted());
    for id in orders {
        match get_order(c, id) {
            Ok(Some(order)) => snapshot.add_order(order),
            Ok(None) => {}
            Err(e @ StoreError::Unavailable(_)) => return Err(e),
            Err(e) => {
                tracing::error!(%id, error = %e, "a stored order does not read");
                snapshot.order_unreadable(id);
            }
        }
    }
    let mut products = wanted.products;
    products.extend(snapshot.products_wanted());
    for id in products {
        match get_product(c, id) {
            Ok(Some(product)) => snapshot.add_product(product),
            Ok(None) => {}
            Err(e @ StoreError::Unavailable(_)) => return Err(e),
            Err(e) => {
                tracing::error!(%id, error = %e, "a stored product does not read");
                snapshot.product_unreadable(id);
            }
        }
    }
    for email in wanted.emails {
        match customer_by_email(c, &email) {
            Ok(Some(customer)) => snapshot.add_customer(customer),
            Ok(None) => {}
            Err(e @ StoreError::Unavailable(_)) => return Err(e),
            Err(e) => {
                tracing::error!(error = %e, "a stored customer does not read");
                snapshot.customer_unreadable(email);
            }
        }
    }
    Ok(snapshot)
}

/// Writes what the ledger decided. The writer holds the database, so the
/// rows read are the rows written over; a version that moved anyway is
/// reported, never overwritten.
fn write(c: &Connection, changes: &Changes) -> Result<(), StoreError> {
    let mut product = c
        .prepare_cached(
            "UPDATE products SET stock = ?2, updated_at = ?3, version = ?4 WHERE id = ?1 AND version = ?5",
        )
        .map_err(store_error)?;
    for changed in &changes.products {
        let p = &changed.product;
        let written = product
            .execute(params![
                p.id.to_string(),
                count(p.stock.units()),
                millis(p.updated_at),
                count(p.version),
                count(changed.read_version),
            ])
            .map_err(store_error)?;
        if written != 1 {
            return Err(corrupt("a product changed under the writer"));
        }
    }
    for customer in &changes.customers {
        insert_customer(c, customer).map_err(store_error)?;
    }
    for order in &changes.placed {
        insert_order(c, order)?;
    }
    let mut revise = c
        .prepare_cached(
            "UPDATE orders SET status = ?2, payment_collected = ?3, history = ?4, updated_at = ?5,
             version = ?6, shipments = ?8, activity = ?9, shipping_address = ?10, lines = ?11,
             total = ?12, refunded = ?13, open_return_since = ?14,
             placed = CASE WHEN placed IS NULL
                 AND (lines IS NOT ?11 OR shipping_address IS NOT ?10)
                 THEN json_object('lines', json(lines), 'shippingAddress', json(shipping_address))
                 ELSE placed END
             WHERE id = ?1 AND version = ?7",
        )
        .map_err(store_error)?;
    for revised in &changes.revised {
        let o = &revised.order;
        let written = revise
            .execute(params![
                o.id().to_string(),
                o.status().as_str(),
                o.payment_collected(),
                history_json(o),
                millis(o.updated_at()),
                count(o.version()),
                count(revised.read_version),
                shipments_json(o),
                activity_json(o),
                address_json(o),
                lines_json(o),
                o.total().minor(),
                o.refunded_total().minor(),
                o.open_return_since().map(millis),
            ])
            .map_err(store_error)?;
        if written != 1 {
            return Err(corrupt("an order changed under the writer"));
        }
    }
    let mut tally = c
        .prepare_cached(
            "INSERT INTO order_tallies (grain, start, status, paid, orders, total, refunded)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (grain, start, status, paid) DO UPDATE SET
                 orders = orders + excluded.orders, total = total + excluded.total,
                 refunded = refunded + excluded.refunded",
        )
        .map_err(store_error)?;
    for (key, delta) in &changes.tallies {
        tally
            .execute(params![
                key.grain.as_str(),
                key.start,
                key.status.as_str(),
                key.paid,
                delta.orders,
                delta.total,
                delta.refunded,
            ])
            .map_err(store_error)?;
    }
    let now = now_millis();
    let mut key = c
        .prepare_cached(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, order_id, used_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(store_error)?;
    for (user, claim, used) in &changes.keys {
        key.execute(params![
            user.to_string(),
            claim.as_str(),
            used.fingerprint.as_str(),
            used.order.to_string(),
            now,
        ])
        .map_err(store_error)?;
    }
    for event in &changes.events {
        crate::event_rows::insert(c, event, now)?;
    }
    Ok(())
}

fn insert_order(c: &Connection, o: &Order) -> Result<(), StoreError> {
    let mut statement = c
        .prepare_cached(
            "INSERT INTO orders (id, customer_id, customer_name, customer_email, lines, total,
             payment_collected, status, history, placed_by, placed_by_role, created_at,
             updated_at, version, number, customer_name_key, shipping_address, shipments,
             activity)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19)",
        )
        .map_err(store_error)?;
    let customer = o.customer();
    statement
        .execute(params![
            o.id().to_string(),
            customer.id.to_string(),
            customer.name.as_str(),
            customer.email.as_str(),
            lines_json(o),
            o.total().minor(),
            o.payment_collected(),
            o.status().as_str(),
            history_json(o),
            o.placed_by().user.to_string(),
            o.placed_by().role.as_str(),
            millis(o.created_at()),
            millis(o.updated_at()),
            count(o.version()),
            count(o.number().get()),
            customer.name.sort_key(),
            address_json(o),
            shipments_json(o),
            activity_json(o),
        ])
        .map_err(store_error)?;
    Ok(())
}
