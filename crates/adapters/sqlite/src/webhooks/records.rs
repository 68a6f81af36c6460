//! Webhook rows: the columns of `webhooks` and `webhook_deliveries`, and
//! the shared records (`oms_rules::webhook`) read from and written to them.

use oms_domain::webhook::Webhook;
use oms_domain::webhook::delivery::Delivery;
use oms_ports::error::StoreError;
use oms_ports::events::EventPosition;
use oms_ports::webhooks::{Lease, StoredWebhook};
use oms_rules::webhook::{DeliveryRecord, WebhookRecord};
use rusqlite::{Connection, params};

use crate::errors::{field, store_error};
use crate::rows::{Fields, column};

pub(super) const WEBHOOK_COLUMNS: &str = "id, url, events, description, disabled_reason, disabled_at, \
     secret, retired_secret, retired_until, failing_since, created_at, updated_at, version, position";

pub(super) const DELIVERY_COLUMNS: &str =
    "id, webhook_id, event, event_id, body, status, attempts, next_attempt_at, created_at";

pub(super) fn stored_webhook(row: &Fields<'_, '_>) -> Result<StoredWebhook, StoreError> {
    let events: Option<String> = column(row, "events")?;
    let record = WebhookRecord {
        id: column(row, "id")?,
        url: column(row, "url")?,
        events: events
            .map(|e| field("events", serde_json::from_str(&e)))
            .transpose()?,
        description: column(row, "description")?,
        disabled_reason: column(row, "disabled_reason")?,
        disabled_at: column(row, "disabled_at")?,
        secret: column(row, "secret")?,
        retired_secret: column(row, "retired_secret")?,
        retired_until: column(row, "retired_until")?,
        failing_since: column(row, "failing_since")?,
        created_at: column(row, "created_at")?,
        updated_at: column(row, "updated_at")?,
        version: column(row, "version")?,
    };
    Ok(StoredWebhook {
        webhook: record.into_webhook()?,
        position: EventPosition::new(column::<String>(row, "position")?),
    })
}

pub(super) fn delivery(row: &Fields<'_, '_>) -> Result<Delivery, StoreError> {
    let attempts: String = column(row, "attempts")?;
    DeliveryRecord {
        id: column(row, "id")?,
        webhook_id: column(row, "webhook_id")?,
        event: column(row, "event")?,
        event_id: column(row, "event_id")?,
        body: column(row, "body")?,
        status: column(row, "status")?,
        attempts: field("attempts", serde_json::from_str(&attempts))?,
        next_attempt_at: column(row, "next_attempt_at")?,
        created_at: column(row, "created_at")?,
    }
    .into_delivery()
}

/// Runs `sql`, which names a webhook's columns `?1` to `?13` in the order
/// of [`WEBHOOK_COLUMNS`] (the position apart), with `webhook`'s values.
pub(super) fn write_webhook(
    c: &Connection,
    sql: &str,
    webhook: &Webhook,
    extra: &[&dyn rusqlite::ToSql],
) -> Result<usize, StoreError> {
    let r = WebhookRecord::of(webhook);
    let events = r
        .events
        .as_ref()
        .map(|e| serde_json::to_string(e).unwrap_or_default());
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![
        &r.id,
        &r.url,
        &events,
        &r.description,
        &r.disabled_reason,
        &r.disabled_at,
        &r.secret,
        &r.retired_secret,
        &r.retired_until,
        &r.failing_since,
        &r.created_at,
        &r.updated_at,
        &r.version,
    ];
    values.extend_from_slice(extra);
    c.prepare_cached(sql)
        .and_then(|mut s| s.execute(values.as_slice()))
        .map_err(store_error)
}

pub(super) fn insert_delivery(
    c: &Connection,
    delivery: &Delivery,
    lease: &Lease,
) -> Result<(), StoreError> {
    let r = DeliveryRecord::of(delivery);
    let attempts = serde_json::to_string(&r.attempts).unwrap_or_else(|_| "[]".into());
    c.prepare_cached(
        "INSERT INTO webhook_deliveries (id, webhook_id, event, event_id, body, status, attempts,
         next_attempt_at, created_at, lease_owner, lease_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut s| {
        s.execute(params![
            r.id,
            r.webhook_id,
            r.event,
            r.event_id,
            r.body,
            r.status,
            attempts,
            r.next_attempt_at,
            r.created_at,
            lease.owner,
            lease.until.unix_millis()
        ])
    })
    .map(|_| ())
    .map_err(store_error)
}
