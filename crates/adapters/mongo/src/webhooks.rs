//! Webhook endpoints in `webhooks` and their deliveries in
//! `webhookDeliveries`, as the records every store shares
//! (`oms_rules::webhook`). Queueing moves an endpoint's position and adds
//! its deliveries in one transaction; a claim takes each delivery with one
//! atomic find-and-modify, so two instances never hold one delivery.

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::ReturnDocument;
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
use oms_rules::webhook::{DeliveryRecord, WebhookRecord};

mod documents;

use crate::MongoStore;
use crate::deadline::{read, read_all};
use crate::documents::corrupt;
use crate::errors::store_error;
use crate::transaction::Ended;
use documents::{Enqueue, WebhookDoc, delivery_document, document, no_such_webhook};

/// How many of the soonest pending deliveries [`WebhookStore::next_due`] reads.
const DUE_SCAN: i64 = 64;

/// How long queueing may take, a transaction included.
const ENQUEUE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

#[async_trait]
impl WebhookStore for MongoStore {
    async fn insert_webhook(
        &self,
        webhook: &Webhook,
        position: &EventPosition,
    ) -> Result<(), StoreError> {
        let doc = WebhookDoc {
            record: WebhookRecord::of(webhook),
            position: position.as_str().to_owned(),
        };
        self.webhooks()
            .insert_one(doc)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn get_webhook(&self, id: WebhookId) -> Result<Option<StoredWebhook>, StoreError> {
        let found = read(self.webhooks().find_one(doc! { "_id": id.to_string() })).await?;
        found.map(WebhookDoc::stored).transpose()
    }

    async fn list_webhooks(&self) -> Result<Vec<StoredWebhook>, StoreError> {
        let found: Vec<WebhookDoc> = read(async {
            self.webhooks()
                .find(doc! {})
                .sort(doc! { "createdAt": 1, "_id": 1 })
                .await?
                .try_collect()
                .await
        })
        .await?;
        found.into_iter().map(WebhookDoc::stored).collect()
    }

    async fn update_webhook(
        &self,
        webhook: &Webhook,
        expected_version: u64,
        position: Option<EventPosition>,
    ) -> Result<(), UpdateWebhookError> {
        let mut set = document(&WebhookRecord::of(webhook))?;
        set.remove("_id");
        if let Some(position) = position {
            set.insert("position", position.as_str());
        }
        let id = webhook.id.to_string();
        let expected = i64::try_from(expected_version).unwrap_or(i64::MAX);
        let written = self
            .webhooks()
            .update_one(
                doc! { "_id": &id, "version": expected },
                doc! { "$set": set },
            )
            .await
            .map_err(store_error)?;
        if written.matched_count == 1 {
            return Ok(());
        }
        match self.get_webhook(webhook.id).await? {
            Some(_) => Err(UpdateWebhookError::VersionMismatch),
            None => Err(UpdateWebhookError::NotFound),
        }
    }

    async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError> {
        let id = id.to_string();
        // The endpoint first: once it is gone nothing queues for it again.
        let removed = self
            .webhooks()
            .delete_one(doc! { "_id": &id })
            .await
            .map_err(store_error)?;
        self.deliveries()
            .delete_many(doc! { "webhookId": &id })
            .await
            .map_err(store_error)?;
        Ok(removed.deleted_count == 1)
    }

    async fn enqueue(
        &self,
        webhook: WebhookId,
        from: &EventPosition,
        to: &EventPosition,
        deliveries: &[Delivery],
        lease: &Lease,
    ) -> Result<(), EnqueueError> {
        let deliveries = deliveries
            .iter()
            .map(|d| delivery_document(d, lease))
            .collect::<Result<Vec<_>, _>>()?;
        let body = Enqueue {
            store: self,
            webhook: webhook.to_string(),
            from: from.as_str(),
            to: to.as_str(),
            deliveries,
        };
        let deadline = tokio::time::Instant::now() + ENQUEUE_DEADLINE;
        match self.transaction(&body, deadline).await {
            Ended::Committed(()) => Ok(()),
            Ended::Aborted(abort) => Err(abort.refusal().unwrap_or_else(EnqueueError::Store)),
            Ended::Unknown { session, cause, .. } => {
                self.end_later(*session);
                Err(StoreError::OutcomeUnknown(cause.into()).into())
            }
        }
    }

    async fn add_delivery(&self, delivery: &Delivery, lease: &Lease) -> Result<(), StoreError> {
        if self.get_webhook(delivery.webhook).await?.is_none() {
            return Err(no_such_webhook());
        }
        self.delivery_documents()
            .insert_one(delivery_document(delivery, lease)?)
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn claim_due(
        &self,
        webhook: WebhookId,
        now: Timestamp,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let now = now.unix_millis();
        let filter = doc! {
            "webhookId": webhook.to_string(),
            "status": "pending",
            "nextAttemptAt": { "$lte": now },
            "$or": [ { "leaseUntil": Bson::Null }, { "leaseUntil": { "$lte": now } } ],
        };
        let hold = doc! { "$set": {
            "leaseOwner": lease.owner.as_str(),
            "leaseUntil": lease.until.unix_millis(),
        } };
        let deliveries = self.deliveries();
        let mut taken = Vec::new();
        while taken.len() < limit {
            let next = deliveries
                .find_one_and_update(filter.clone(), hold.clone())
                .sort(doc! { "nextAttemptAt": 1, "_id": 1 })
                .return_document(ReturnDocument::After);
            match read(next).await? {
                Some(record) => taken.push(record.into_delivery()?),
                None => break,
            }
        }
        Ok(taken)
    }

    async fn record_attempts(
        &self,
        deliveries: &[Delivery],
        owner: &str,
    ) -> Result<Vec<bool>, StoreError> {
        // Each delivery is its own document: one update each, sent
        // together (a lease decides per document, so no transaction).
        let updates = deliveries.iter().map(|d| self.record_one(d, owner));
        futures::future::try_join_all(updates).await
    }

    async fn list_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Delivery, DeliveryId>, StoreError> {
        let mut filter = doc! { "webhookId": query.webhook.to_string() };
        if let Some(status) = query.status {
            filter.insert("status", status.as_str());
        }
        if let Some(after) = query.after {
            filter.insert("_id", doc! { "$lt": after.to_string() });
        }
        let fetch = i64::try_from(query.limit.fetch()).unwrap_or(i64::MAX);
        let found: Vec<DeliveryRecord> = read_all(crate::deadline::READ_DEADLINE, async {
            self.deliveries()
                .find(filter)
                .sort(doc! { "_id": -1 })
                .limit(fetch)
                .await
                .map_err(store_error)?
                .try_collect()
                .await
                .map_err(store_error)
        })
        .await?;
        let fetched = found
            .into_iter()
            .map(DeliveryRecord::into_delivery)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::cut(fetched, query.limit, |d| d.id))
    }

    async fn get_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StoreError> {
        let found = read(
            self.deliveries()
                .find_one(doc! { "_id": id.to_string(), "webhookId": webhook.to_string() }),
        )
        .await?;
        found.map(DeliveryRecord::into_delivery).transpose()
    }

    async fn retry_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
        now: Timestamp,
    ) -> Result<Option<Delivery>, StoreError> {
        let found = self
            .deliveries()
            .find_one_and_update(
                doc! { "_id": id.to_string(), "webhookId": webhook.to_string() },
                doc! { "$set": { "status": "pending", "nextAttemptAt": now.unix_millis() } },
            )
            .return_document(ReturnDocument::After)
            .await
            .map_err(store_error)?;
        found.map(DeliveryRecord::into_delivery).transpose()
    }

    async fn next_due(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        // The soonest attempts, with their leases: a lease runs at most a
        // timeout past its attempt, so the earliest claim is among them.
        let found: Vec<Document> = read(async {
            self.delivery_documents()
                .find(doc! { "webhookId": webhook.to_string(), "status": "pending" })
                .projection(doc! { "nextAttemptAt": 1, "leaseUntil": 1 })
                .sort(doc! { "nextAttemptAt": 1 })
                .limit(DUE_SCAN)
                .await?
                .try_collect()
                .await
        })
        .await?;
        let due = found
            .iter()
            .filter_map(|d| {
                let next = d.get_i64("nextAttemptAt").ok()?;
                Some(next.max(d.get_i64("leaseUntil").unwrap_or(0)))
            })
            .min();
        due.map(|m| {
            Timestamp::from_unix_millis(m).map_err(|e| corrupt(format_args!("nextAttemptAt: {e}")))
        })
        .transpose()
    }

    async fn forget_deliveries(&self, before: Timestamp) -> Result<u64, StoreError> {
        let gone = self
            .deliveries()
            .delete_many(doc! {
                "status": { "$ne": "pending" },
                "createdAt": { "$lt": before.unix_millis() },
            })
            .await
            .map_err(store_error)?;
        Ok(gone.deleted_count)
    }

    async fn oldest_pending(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        let found = read(
            self.deliveries()
                .find_one(doc! { "webhookId": webhook.to_string(), "status": "pending" })
                .sort(doc! { "createdAt": 1 }),
        )
        .await?;
        found
            .map(|d| {
                Timestamp::from_unix_millis(d.created_at)
                    .map_err(|e| corrupt(format_args!("createdAt: {e}")))
            })
            .transpose()
    }
}
