//! Webhook endpoints and their deliveries: rows of the records every
//! store shares (`oms_rules::webhook`), written by the one writer in
//! IMMEDIATE transactions where a check and a write must be one step.

use async_trait::async_trait;
use oms_domain::ids::{DeliveryId, WebhookId};
use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::Webhook;
use oms_domain::webhook::delivery::Delivery;
use oms_ports::error::StoreError;
use oms_ports::events::EventPosition;
use oms_ports::query::Page;
use oms_ports::webhooks::{
    DeliveryQuery, EnqueueError, Lease, StoredWebhook, UpdateWebhookError, WebhookStore,
};
use oms_rules::webhook::DeliveryRecord;
use rusqlite::{Connection, TransactionBehavior, params};

mod records;

use crate::SqliteStore;
use crate::errors::{field, store_error};
use crate::rows;
use records::{
    DELIVERY_COLUMNS, WEBHOOK_COLUMNS, delivery, insert_delivery, stored_webhook, write_webhook,
};

fn position_of(c: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    c.prepare_cached("SELECT position FROM webhooks WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |row| row.get(0)).optional())
        .map_err(store_error)
}

fn enqueue(
    c: &mut Connection,
    webhook: WebhookId,
    from: &EventPosition,
    to: &EventPosition,
    deliveries: &[Delivery],
    lease: &Lease,
) -> Result<(), EnqueueError> {
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store_error)?;
    let id = webhook.to_string();
    if position_of(&tx, &id)?.as_deref() != Some(from.as_str()) {
        return Err(EnqueueError::Moved);
    }
    tx.execute(
        "UPDATE webhooks SET position = ?2 WHERE id = ?1",
        params![id, to.as_str()],
    )
    .map_err(store_error)?;
    for d in deliveries {
        insert_delivery(&tx, d, lease)?;
    }
    tx.commit().map_err(|e| store_error(e).into())
}

fn claim(
    c: &mut Connection,
    webhook: WebhookId,
    now: Timestamp,
    lease: &Lease,
    limit: usize,
) -> Result<Vec<Delivery>, StoreError> {
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store_error)?;
    let due = {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE webhook_id = ?1 AND status = 'pending' AND next_attempt_at <= ?2
               AND (lease_until IS NULL OR lease_until <= ?2)
             ORDER BY next_attempt_at, id LIMIT ?3"
        );
        let mut statement = tx.prepare_cached(&sql).map_err(store_error)?;
        let found = statement
            .query(params![
                webhook.to_string(),
                now.unix_millis(),
                rows::count(limit as u64)
            ])
            .map_err(store_error)?;
        rows::collect(found, delivery)?
    };
    for d in &due {
        tx.execute(
            "UPDATE webhook_deliveries SET lease_owner = ?2, lease_until = ?3 WHERE id = ?1",
            params![d.id.to_string(), lease.owner, lease.until.unix_millis()],
        )
        .map_err(store_error)?;
    }
    tx.commit().map_err(store_error)?;
    Ok(due)
}

fn record(c: &Connection, d: &Delivery, owner: &str) -> Result<bool, StoreError> {
    let r = DeliveryRecord::of(d);
    let attempts = serde_json::to_string(&r.attempts).unwrap_or_else(|_| "[]".into());
    let written = c
        .prepare_cached(
            "UPDATE webhook_deliveries SET status = ?3, attempts = ?4, next_attempt_at = ?5,
             lease_owner = NULL, lease_until = NULL
             WHERE id = ?1 AND webhook_id = ?2 AND lease_owner = ?6",
        )
        .and_then(|mut s| {
            s.execute(params![
                r.id,
                r.webhook_id,
                r.status,
                attempts,
                r.next_attempt_at,
                owner
            ])
        })
        .map_err(store_error)?;
    Ok(written == 1)
}

fn list(c: &Connection, query: &DeliveryQuery) -> Result<Page<Delivery, DeliveryId>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE webhook_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR id < ?3)
         ORDER BY id DESC LIMIT ?4"
    );
    let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
    let found = statement
        .query(params![
            query.webhook.to_string(),
            query.status.map(|s| s.as_str()),
            query.after.map(|a| a.to_string()),
            rows::count(query.limit.fetch() as u64)
        ])
        .map_err(store_error)?;
    let fetched = rows::collect(found, delivery)?;
    Ok(Page::cut(fetched, query.limit, |d| d.id))
}

fn one_delivery(
    c: &Connection,
    webhook: WebhookId,
    id: DeliveryId,
) -> Result<Option<Delivery>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?1 AND webhook_id = ?2"
    );
    let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
    let found = statement
        .query(params![id.to_string(), webhook.to_string()])
        .map_err(store_error)?;
    Ok(rows::collect(found, delivery)?.pop())
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn insert_webhook(
        &self,
        webhook: &Webhook,
        position: &EventPosition,
    ) -> Result<(), StoreError> {
        let (w, p) = (webhook.clone(), position.as_str().to_owned());
        self.write(move |c| {
            let sql = format!(
                "INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
            );
            write_webhook(c, &sql, &w, &[&p]).map(|_| ())
        })
        .await
    }

    async fn get_webhook(&self, id: WebhookId) -> Result<Option<StoredWebhook>, StoreError> {
        self.read(move |c| {
            let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?1");
            rows::one(c, &sql, &id.to_string(), stored_webhook)
        })
        .await
    }

    async fn list_webhooks(&self) -> Result<Vec<StoredWebhook>, StoreError> {
        self.read(|c| {
            let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id");
            let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
            let found = statement.query([]).map_err(store_error)?;
            rows::collect(found, stored_webhook)
        })
        .await
    }

    async fn update_webhook(
        &self,
        webhook: &Webhook,
        expected_version: u64,
        position: Option<EventPosition>,
    ) -> Result<(), UpdateWebhookError> {
        let w = webhook.clone();
        let p = position.map(|p| p.as_str().to_owned());
        let expected = rows::count(expected_version);
        self.write(move |c| {
            let written = write_webhook(
                c,
                "UPDATE webhooks SET url = ?2, events = ?3, description = ?4,
                 disabled_reason = ?5, disabled_at = ?6, secret = ?7, retired_secret = ?8,
                 retired_until = ?9, failing_since = ?10, created_at = ?11, updated_at = ?12,
                 version = ?13, position = coalesce(?14, position)
                 WHERE id = ?1 AND version = ?15",
                &w,
                &[&p, &expected],
            )?;
            if written == 1 {
                return Ok(());
            }
            match position_of(c, &w.id.to_string())? {
                Some(_) => Err(UpdateWebhookError::VersionMismatch),
                None => Err(UpdateWebhookError::NotFound),
            }
        })
        .await
    }

    async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError> {
        self.write(move |c| {
            let tx = c.transaction().map_err(store_error)?;
            let id = id.to_string();
            tx.execute(
                "DELETE FROM webhook_deliveries WHERE webhook_id = ?1",
                [&id],
            )
            .map_err(store_error)?;
            let removed = tx
                .execute("DELETE FROM webhooks WHERE id = ?1", [&id])
                .map_err(store_error)?;
            tx.commit().map_err(store_error)?;
            Ok(removed == 1)
        })
        .await
    }

    async fn enqueue(
        &self,
        webhook: WebhookId,
        from: &EventPosition,
        to: &EventPosition,
        deliveries: &[Delivery],
        lease: &Lease,
    ) -> Result<(), EnqueueError> {
        let (from, to) = (from.clone(), to.clone());
        let (deliveries, lease) = (deliveries.to_vec(), lease.clone());
        self.write_unsynced(move |c| enqueue(c, webhook, &from, &to, &deliveries, &lease))
            .await
    }

    async fn add_delivery(&self, delivery: &Delivery, lease: &Lease) -> Result<(), StoreError> {
        let (d, lease) = (delivery.clone(), lease.clone());
        self.write(move |c| {
            if position_of(c, &d.webhook.to_string())?.is_none() {
                return Err(StoreError::Internal("no such webhook".into()));
            }
            insert_delivery(c, &d, &lease)
        })
        .await
    }

    async fn claim_due(
        &self,
        webhook: WebhookId,
        now: Timestamp,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let lease = lease.clone();
        self.write_unsynced(move |c| claim(c, webhook, now, &lease, limit))
            .await
    }

    async fn record_attempts(
        &self,
        deliveries: &[Delivery],
        owner: &str,
    ) -> Result<Vec<bool>, StoreError> {
        let (all, owner) = (deliveries.to_vec(), owner.to_owned());
        self.write_unsynced(move |c| {
            let tx = c.transaction().map_err(store_error)?;
            let written = all
                .iter()
                .map(|d| record(&tx, d, &owner))
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit().map_err(store_error)?;
            Ok(written)
        })
        .await
    }

    async fn list_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Delivery, DeliveryId>, StoreError> {
        let query = query.clone();
        self.read(move |c| list(c, &query)).await
    }

    async fn get_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StoreError> {
        self.read(move |c| one_delivery(c, webhook, id)).await
    }

    async fn retry_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
        now: Timestamp,
    ) -> Result<Option<Delivery>, StoreError> {
        self.write(move |c| {
            c.execute(
                "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?3
                 WHERE id = ?1 AND webhook_id = ?2",
                params![id.to_string(), webhook.to_string(), now.unix_millis()],
            )
            .map_err(store_error)?;
            one_delivery(c, webhook, id)
        })
        .await
    }

    async fn next_due(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        self.read(move |c| {
            let due: Option<i64> = c
                .query_row(
                    "SELECT min(max(next_attempt_at, coalesce(lease_until, 0)))
                     FROM webhook_deliveries WHERE webhook_id = ?1 AND status = 'pending'",
                    [webhook.to_string()],
                    |row| row.get(0),
                )
                .map_err(store_error)?;
            due.map(|m| field("next_attempt_at", Timestamp::from_unix_millis(m)))
                .transpose()
        })
        .await
    }

    async fn forget_deliveries(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.write_unsynced(move |c| {
            let gone = c
                .execute(
                    "DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < ?1",
                    [before.unix_millis()],
                )
                .map_err(store_error)?;
            Ok(gone as u64)
        })
        .await
    }

    async fn oldest_pending(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        self.read(move |c| {
            let oldest: Option<i64> = c
                .query_row(
                    "SELECT min(created_at) FROM webhook_deliveries
                     WHERE webhook_id = ?1 AND status = 'pending'",
                    [webhook.to_string()],
                    |row| row.get(0),
                )
                .map_err(store_error)?;
            oldest
                .map(|m| field("created_at", Timestamp::from_unix_millis(m)))
                .transpose()
        })
        .await
    }
}
