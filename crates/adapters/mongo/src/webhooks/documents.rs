//! The webhook collections' documents, the one write that records an
//! attempt under its lease, and the queueing transaction.

use futures::future::BoxFuture;
use mongodb::ClientSession;
use mongodb::bson::{self, Bson, Document, doc};
use oms_domain::webhook::delivery::Delivery;
use oms_ports::error::StoreError;
use oms_ports::events::EventPosition;
use oms_ports::webhooks::{EnqueueError, Lease, StoredWebhook};
use oms_rules::webhook::{DeliveryRecord, WebhookRecord};
use serde::{Deserialize, Serialize};

use crate::MongoStore;
use crate::documents::corrupt;
use crate::errors::store_error;
use crate::transaction::{Abort, Body};

/// An endpoint as stored: its record and its position in the log.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct WebhookDoc {
    #[serde(flatten)]
    pub record: WebhookRecord,
    pub position: String,
}

impl WebhookDoc {
    pub(super) fn stored(self) -> Result<StoredWebhook, StoreError> {
        Ok(StoredWebhook {
            webhook: self.record.into_webhook()?,
            position: EventPosition::new(self.position),
        })
    }
}

pub(super) fn document<T: Serialize>(value: &T) -> Result<Document, StoreError> {
    bson::to_document(value).map_err(|e| corrupt(format_args!("not a document: {e}")))
}

pub(super) fn delivery_document(
    delivery: &Delivery,
    lease: &Lease,
) -> Result<Document, StoreError> {
    let mut d = document(&DeliveryRecord::of(delivery))?;
    d.insert("leaseOwner", lease.owner.as_str());
    d.insert("leaseUntil", lease.until.unix_millis());
    Ok(d)
}

pub(super) fn no_such_webhook() -> StoreError {
    StoreError::Internal("no such webhook".into())
}

impl MongoStore {
    /// Writes one attempt's outcome if `owner` still holds the lease.
    pub(super) async fn record_one(
        &self,
        delivery: &Delivery,
        owner: &str,
    ) -> Result<bool, StoreError> {
        let record = DeliveryRecord::of(delivery);
        let attempts =
            bson::to_bson(&record.attempts).map_err(|e| corrupt(format_args!("attempts: {e}")))?;
        let written = self
            .deliveries()
            .update_one(
                doc! { "_id": &record.id, "webhookId": &record.webhook_id, "leaseOwner": owner },
                doc! { "$set": {
                    "status": &record.status,
                    "attempts": attempts,
                    "nextAttemptAt": record.next_attempt_at,
                    "leaseOwner": Bson::Null,
                    "leaseUntil": Bson::Null,
                } },
            )
            .await
            .map_err(store_error)?;
        Ok(written.matched_count == 1)
    }

    pub(super) fn webhooks(&self) -> mongodb::Collection<WebhookDoc> {
        self.db.collection("webhooks")
    }

    pub(super) fn deliveries(&self) -> mongodb::Collection<DeliveryRecord> {
        self.db.collection("webhookDeliveries")
    }

    pub(super) fn delivery_documents(&self) -> mongodb::Collection<Document> {
        self.db.collection("webhookDeliveries")
    }
}

/// Queueing as one transaction: the position moves from `from` to `to`
/// only if it is still `from`, with the deliveries inserted beside it.
pub(super) struct Enqueue<'a> {
    pub store: &'a MongoStore,
    pub webhook: String,
    pub from: &'a str,
    pub to: &'a str,
    pub deliveries: Vec<Document>,
}

impl Body for Enqueue<'_> {
    type Output = ();
    type Refusal = EnqueueError;

    fn attempt<'a>(
        &'a self,
        session: &'a mut ClientSession,
    ) -> BoxFuture<'a, Result<(), Abort<EnqueueError>>> {
        Box::pin(async move {
            let moved = self
                .store
                .webhooks()
                .update_one(
                    doc! { "_id": &self.webhook, "position": self.from },
                    doc! { "$set": { "position": self.to } },
                )
                .session(&mut *session)
                .await?;
            if moved.matched_count == 0 {
                return Err(Abort::Refused(EnqueueError::Moved));
            }
            if !self.deliveries.is_empty() {
                self.store
                    .delivery_documents()
                    .insert_many(&self.deliveries)
                    .session(&mut *session)
                    .await?;
            }
            Ok(())
        })
    }
}
