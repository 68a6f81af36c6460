//! Webhook endpoints and their deliveries in memory, behind a lock of
//! their own (nothing about them is written with an order).

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use oms_domain::ids::{DeliveryId, WebhookId};
use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::Webhook;
use oms_domain::webhook::delivery::{Delivery, DeliveryStatus};
use oms_ports::error::StoreError;
use oms_ports::events::EventPosition;
use oms_ports::query::Page;
use oms_ports::webhooks::{
    DeliveryQuery, EnqueueError, Lease, StoredWebhook, UpdateWebhookError, WebhookStore,
};

use crate::MemoryStore;

#[derive(Debug, Default)]
pub(crate) struct Webhooks {
    endpoints: HashMap<WebhookId, StoredWebhook>,
    /// Each endpoint's deliveries by id, which sorts by creation.
    deliveries: HashMap<WebhookId, BTreeMap<DeliveryId, Held>>,
}

#[derive(Debug)]
struct Held {
    delivery: Delivery,
    lease: Option<Lease>,
}

impl Webhooks {
    fn add(&mut self, delivery: &Delivery, lease: &Lease) {
        self.deliveries.entry(delivery.webhook).or_default().insert(
            delivery.id,
            Held {
                delivery: delivery.clone(),
                lease: Some(lease.clone()),
            },
        );
    }

    fn held(&mut self, webhook: WebhookId, id: DeliveryId) -> Option<&mut Held> {
        self.deliveries.get_mut(&webhook)?.get_mut(&id)
    }
}

#[async_trait]
impl WebhookStore for MemoryStore {
    async fn insert_webhook(
        &self,
        webhook: &Webhook,
        position: &EventPosition,
    ) -> Result<(), StoreError> {
        let mut hooks = self.webhooks.lock();
        if hooks.endpoints.contains_key(&webhook.id) {
            return Err(StoreError::Internal("a webhook with this id exists".into()));
        }
        hooks.endpoints.insert(
            webhook.id,
            StoredWebhook {
                webhook: webhook.clone(),
                position: position.clone(),
            },
        );
        Ok(())
    }

    async fn get_webhook(&self, id: WebhookId) -> Result<Option<StoredWebhook>, StoreError> {
        Ok(self.webhooks.lock().endpoints.get(&id).cloned())
    }

    async fn list_webhooks(&self) -> Result<Vec<StoredWebhook>, StoreError> {
        let mut all: Vec<StoredWebhook> =
            self.webhooks.lock().endpoints.values().cloned().collect();
        all.sort_by_key(|s| (s.webhook.created_at, s.webhook.id));
        Ok(all)
    }

    async fn update_webhook(
        &self,
        webhook: &Webhook,
        expected_version: u64,
        position: Option<EventPosition>,
    ) -> Result<(), UpdateWebhookError> {
        let mut hooks = self.webhooks.lock();
        let Some(stored) = hooks.endpoints.get_mut(&webhook.id) else {
            return Err(UpdateWebhookError::NotFound);
        };
        if stored.webhook.version != expected_version {
            return Err(UpdateWebhookError::VersionMismatch);
        }
        stored.webhook = webhook.clone();
        if let Some(position) = position {
            stored.position = position;
        }
        Ok(())
    }

    async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError> {
        let mut hooks = self.webhooks.lock();
        hooks.deliveries.remove(&id);
        Ok(hooks.endpoints.remove(&id).is_some())
    }

    async fn enqueue(
        &self,
        webhook: WebhookId,
        from: &EventPosition,
        to: &EventPosition,
        deliveries: &[Delivery],
        lease: &Lease,
    ) -> Result<(), EnqueueError> {
        let mut hooks = self.webhooks.lock();
        match hooks.endpoints.get_mut(&webhook) {
            Some(stored) if stored.position == *from => stored.position = to.clone(),
            _ => return Err(EnqueueError::Moved),
        }
        for delivery in deliveries {
            hooks.add(delivery, lease);
        }
        Ok(())
    }

    async fn add_delivery(&self, delivery: &Delivery, lease: &Lease) -> Result<(), StoreError> {
        let mut hooks = self.webhooks.lock();
        if !hooks.endpoints.contains_key(&delivery.webhook) {
            return Err(StoreError::Internal("no such webhook".into()));
        }
        hooks.add(delivery, lease);
        Ok(())
    }

    async fn claim_due(
        &self,
        webhook: WebhookId,
        now: Timestamp,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut hooks = self.webhooks.lock();
        let Some(deliveries) = hooks.deliveries.get_mut(&webhook) else {
            return Ok(Vec::new());
        };
        let mut due: Vec<&mut Held> = deliveries
            .values_mut()
            .filter(|h| {
                h.delivery.status == DeliveryStatus::Pending
                    && h.delivery.next_attempt_at.is_some_and(|t| t <= now)
                    && h.lease.as_ref().is_none_or(|l| l.until <= now)
            })
            .collect();
        due.sort_by_key(|h| (h.delivery.next_attempt_at, h.delivery.id));
        Ok(due
            .into_iter()
            .take(limit)
            .map(|h| {
                h.lease = Some(lease.clone());
                h.delivery.clone()
            })
            .collect())
    }

    async fn record_attempts(
        &self,
        deliveries: &[Delivery],
        owner: &str,
    ) -> Result<Vec<bool>, StoreError> {
        let mut hooks = self.webhooks.lock();
        Ok(deliveries
            .iter()
            .map(|delivery| {
                let Some(held) = hooks.held(delivery.webhook, delivery.id) else {
                    return false;
                };
                if held.lease.as_ref().is_none_or(|l| l.owner != owner) {
                    return false;
                }
                held.delivery = delivery.clone();
                held.lease = None;
                true
            })
            .collect())
    }

    async fn list_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Delivery, DeliveryId>, StoreError> {
        let hooks = self.webhooks.lock();
        let Some(deliveries) = hooks.deliveries.get(&query.webhook) else {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        };
        let upper = query
            .after
            .map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        let fetched: Vec<Delivery> = deliveries
            .range((std::ops::Bound::Unbounded, upper))
            .rev()
            .map(|(_, h)| &h.delivery)
            .filter(|d| query.status.is_none_or(|s| d.status == s))
            .take(query.limit.fetch())
            .cloned()
            .collect();
        Ok(Page::cut(fetched, query.limit, |d| d.id))
    }

    async fn get_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StoreError> {
        let mut hooks = self.webhooks.lock();
        Ok(hooks.held(webhook, id).map(|h| h.delivery.clone()))
    }

    async fn retry_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
        now: Timestamp,
    ) -> Result<Option<Delivery>, StoreError> {
        let mut hooks = self.webhooks.lock();
        Ok(hooks.held(webhook, id).map(|h| {
            h.delivery.status = DeliveryStatus::Pending;
            h.delivery.next_attempt_at = Some(now);
            h.delivery.clone()
        }))
    }

    async fn next_due(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        let hooks = self.webhooks.lock();
        Ok(hooks.deliveries.get(&webhook).and_then(|d| {
            d.values()
                .filter(|h| h.delivery.status == DeliveryStatus::Pending)
                .filter_map(|h| {
                    let due = h.delivery.next_attempt_at?;
                    Some(h.lease.as_ref().map_or(due, |l| due.max(l.until)))
                })
                .min()
        }))
    }

    async fn forget_deliveries(&self, before: Timestamp) -> Result<u64, StoreError> {
        let mut hooks = self.webhooks.lock();
        let mut gone = 0;
        for deliveries in hooks.deliveries.values_mut() {
            let was = deliveries.len();
            deliveries.retain(|_, h| {
                h.delivery.status == DeliveryStatus::Pending || h.delivery.created_at >= before
            });
            gone += was - deliveries.len();
        }
        Ok(gone as u64)
    }

    async fn oldest_pending(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError> {
        let hooks = self.webhooks.lock();
        Ok(hooks.deliveries.get(&webhook).and_then(|d| {
            d.values()
                .filter(|h| h.delivery.status == DeliveryStatus::Pending)
                .map(|h| h.delivery.created_at)
                .min()
        }))
    }
}
