//! Webhooks as an admin manages them: endpoints added, changed, removed,
//! their secrets rotated, a ping sent, their deliveries listed and sent
//! again. Sending is the dispatcher's ([`dispatch`]); this module only
//! records what is to be sent and wakes it.

pub mod dispatch;
mod health;
mod requests;
pub mod signing;
mod worker;

use std::sync::Arc;

use oms_domain::ids::{DeliveryId, WebhookId};
use oms_domain::invalid::{Invalid, Reason, Validation};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Forbidden, Permission};
use oms_domain::webhook::address::AddressPolicy;
use oms_domain::webhook::delivery::{Delivery, DeliveryStatus};
use oms_domain::webhook::{EventSelection, PING, Webhook, WebhookUrl};
use oms_ports::clock::Clock;
use oms_ports::error::{LostRace, StoreError};
use oms_ports::events::LoggedEvent;
use oms_ports::ids::IdSource;
use oms_ports::store::Store;
use oms_ports::webhooks::{DeliveryQuery, Lease, UpdateWebhookError, WebhookTransport};

use crate::contention::{Attempt, Contention};
use crate::list::{self, PageOf};
pub use dispatch::{Dispatcher, Poke};
pub use requests::{DeliveryList, EVERY_EVENT, NewWebhook, WebhookChange};
use requests::{Edit, description, events};

/// The bodies deliveries carry, written by whoever knows the wire format.
pub trait Payloads: Send + Sync + 'static {
    /// The body for an event of the log.
    fn event(&self, logged: &LoggedEvent) -> String;
    /// The body of a ping with id `id`, made at `at`, to `webhook`.
    fn ping(&self, id: &str, at: Timestamp, webhook: WebhookId) -> String;
}

/// Why a webhook request was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The caller may not manage webhooks.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// No endpoint has this id.
    #[error("no such webhook")]
    NotFound,
    /// The endpoint has no delivery with this id.
    #[error("no such delivery")]
    DeliveryNotFound,
    /// A field breaks its rules (a URL the policy refuses included).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The endpoint is disabled, so nothing is sent to it.
    #[error("the webhook is disabled")]
    Disabled,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<UpdateWebhookError> for WebhookError {
    fn from(e: UpdateWebhookError) -> Self {
        match e {
            UpdateWebhookError::NotFound => WebhookError::NotFound,
            UpdateWebhookError::VersionMismatch => WebhookError::Store(StoreError::Contended),
            UpdateWebhookError::Store(e) => WebhookError::Store(e),
        }
    }
}

impl LostRace for WebhookError {
    fn lost_race(&self) -> bool {
        matches!(self, WebhookError::Store(StoreError::Contended))
    }
}

/// The webhook use cases.
#[derive(Clone)]
pub struct WebhookService<S, T, C, I> {
    store: S,
    transport: Arc<T>,
    clock: C,
    ids: I,
    policy: AddressPolicy,
    payloads: Arc<dyn Payloads>,
    poke: Poke,
    owner: Arc<str>,
}

impl<S, T, C, I> std::fmt::Debug for WebhookService<S, T, C, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<S: Store, T: WebhookTransport, C: Clock + Clone, I: IdSource + Clone>
    WebhookService<S, T, C, I>
{
    /// The use cases over `store`, checking URLs through `transport`
    /// under `policy`, waking `dispatcher` when something is to be sent.
    pub fn new(
        store: S,
        transport: Arc<T>,
        clock: C,
        ids: I,
        policy: AddressPolicy,
        dispatcher: &Dispatcher<S, T, C, I>,
    ) -> Self {
        WebhookService {
            store,
            transport,
            clock,
            ids,
            policy,
            payloads: dispatcher.payloads(),
            poke: dispatcher.poke(),
            owner: dispatcher.owner(),
        }
    }

    /// Every endpoint, oldest first.
    ///
    /// # Errors
    /// [`WebhookError::Forbidden`] unless `by` may manage webhooks.
    pub async fn list(&self, by: Actor) -> Result<Vec<Webhook>, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        let all = self.store.list_webhooks().await?;
        Ok(all.into_iter().map(|s| s.webhook).collect())
    }

    /// One endpoint.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`], [`WebhookError::Forbidden`].
    pub async fn get(&self, by: Actor, id: WebhookId) -> Result<Webhook, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        self.stored(id).await
    }

    async fn stored(&self, id: WebhookId) -> Result<Webhook, WebhookError> {
        let found = self.store.get_webhook(id).await?;
        found.map(|s| s.webhook).ok_or(WebhookError::NotFound)
    }

    /// The URL in `raw`, once the policy allows it (its name resolved
    /// now, as a call would).
    async fn url(&self, v: &mut Validation, raw: Option<&str>) -> Option<WebhookUrl> {
        let url = v.check("url", WebhookUrl::parse(raw?))?;
        let allowed = match self.policy.check_url(&url) {
            Ok(()) => self.transport.vet(&url).await,
            Err(e) => Err(e),
        };
        v.check("url", allowed.map(|()| url))
    }

    /// Adds an endpoint, owed every event from now on, with a fresh secret.
    ///
    /// # Errors
    /// [`WebhookError::Url`] for a URL the policy refuses, [`WebhookError::Forbidden`].
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, by: Actor, new: NewWebhook) -> Result<Webhook, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        let mut v = Validation::new();
        let url = self.url(&mut v, Some(&new.url)).await;
        let events = events(&mut v, new.events.as_deref()).unwrap_or(EventSelection::All);
        let description = description(&mut v, new.description.as_deref()).flatten();
        let url = v.finish_with("url", url)?;
        let now = self.clock.now();
        let webhook = Webhook {
            id: self.ids.webhook_id(),
            url,
            events,
            description,
            disabled: None,
            secret: self.ids.webhook_secret(),
            retired_secret: None,
            failing_since: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let position = self.store.tail().await?;
        self.store.insert_webhook(&webhook, &position).await?;
        self.poke.wake();
        Ok(webhook)
    }

    /// Applies `change` to the endpoint.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`], [`WebhookError::Url`], [`WebhookError::Forbidden`].
    #[tracing::instrument(skip_all, fields(webhook = %id))]
    pub async fn change(
        &self,
        by: Actor,
        id: WebhookId,
        change: WebhookChange,
    ) -> Result<Webhook, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        let mut v = Validation::new();
        let edit = Edit {
            url: self.url(&mut v, change.url.as_deref()).await,
            events: events(&mut v, change.events.as_deref()),
            description: description(&mut v, change.description.as_deref()),
            enabled: change.enabled,
        };
        v.finish()?;
        let changed = Contention::DEFAULT
            .retry(|| async { Attempt::of(self.change_once(id, &edit).await) })
            .await?;
        self.poke.wake();
        Ok(changed)
    }

    async fn change_once(&self, id: WebhookId, change: &Edit) -> Result<Webhook, WebhookError> {
        let stored = self.stored(id).await?;
        let mut next = stored.clone();
        if let Some(url) = &change.url {
            next.url = url.clone();
        }
        if let Some(events) = &change.events {
            next.events = events.clone();
        }
        if let Some(description) = &change.description {
            next.description = description.clone();
        }
        let now = self.clock.now();
        let mut position = None;
        match change.enabled {
            Some(true) if !stored.enabled() => {
                next.disabled = None;
                next.failing_since = None;
                // What happened while it was off is not owed.
                position = Some(self.store.tail().await?);
            }
            Some(false) if stored.enabled() => {
                next.disabled = Some(oms_domain::webhook::Disabled {
                    reason: oms_domain::webhook::DisableReason::ByAdmin,
                    at: now,
                });
            }
            _ => {}
        }
        if next == stored {
            return Ok(stored);
        }
        next.updated_at = now;
        next.version = stored.version + 1;
        self.store
            .update_webhook(&next, stored.version, position)
            .await?;
        Ok(next)
    }

    /// Removes the endpoint and its deliveries.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`], [`WebhookError::Forbidden`].
    pub async fn delete(&self, by: Actor, id: WebhookId) -> Result<(), WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        if self.store.delete_webhook(id).await? {
            self.poke.wake();
            Ok(())
        } else {
            Err(WebhookError::NotFound)
        }
    }

    /// Gives the endpoint a new secret; the old one signs too for a day.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`], [`WebhookError::Forbidden`].
    #[tracing::instrument(skip_all, fields(webhook = %id))]
    pub async fn rotate(&self, by: Actor, id: WebhookId) -> Result<Webhook, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        Contention::DEFAULT
            .retry(|| async {
                Attempt::of(
                    async {
                        let stored = self.stored(id).await?;
                        let mut next = stored.clone();
                        let now = self.clock.now();
                        next.rotate(self.ids.webhook_secret(), now);
                        next.updated_at = now;
                        next.version = stored.version + 1;
                        self.store
                            .update_webhook(&next, stored.version, None)
                            .await?;
                        Ok(next)
                    }
                    .await,
                )
            })
            .await
    }

    /// Queues a ping to the endpoint, to be sent at once.
    ///
    /// # Errors
    /// [`WebhookError::Disabled`], [`WebhookError::NotFound`], [`WebhookError::Forbidden`].
    pub async fn ping(&self, by: Actor, id: WebhookId) -> Result<Delivery, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        let webhook = self.stored(id).await?;
        if !webhook.enabled() {
            return Err(WebhookError::Disabled);
        }
        let now = self.clock.now();
        let delivery_id = self.ids.delivery_id();
        let event_id = delivery_id.to_string();
        let delivery = Delivery {
            id: delivery_id,
            webhook: id,
            event: PING.to_owned(),
            body: self.payloads.ping(&event_id, now, id),
            event_id,
            status: DeliveryStatus::Pending,
            attempts: Vec::new(),
            next_attempt_at: Some(now),
            created_at: now,
        };
        // A lease already run out: whichever instance's worker looks first sends it.
        let lease = Lease {
            owner: self.owner.to_string(),
            until: now,
        };
        self.store.add_delivery(&delivery, &lease).await?;
        self.poke.wake();
        Ok(delivery)
    }

    /// One page of the endpoint's deliveries, newest first.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`], [`WebhookError::Forbidden`].
    pub async fn deliveries(
        &self,
        by: Actor,
        webhook: WebhookId,
        request: &DeliveryList,
    ) -> Result<PageOf<Delivery>, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        let mut v = Validation::new();
        let status = request.status.as_deref().and_then(|s| {
            let status = DeliveryStatus::parse(s);
            if status.is_none() {
                v.fail(
                    "status",
                    Reason::Rule("must be pending, delivered or failed"),
                );
            }
            status
        });
        let limit = list::limit(&mut v, request.limit);
        let after = list::cursor::<DeliveryId>(&mut v, request.cursor.as_deref());
        v.finish()?;
        self.stored(webhook).await?;
        let query = DeliveryQuery {
            webhook,
            status,
            after,
            limit,
        };
        Ok(PageOf::from_store(
            self.store.list_deliveries(&query).await?,
        ))
    }

    /// Sends the delivery again now, with the same id.
    ///
    /// # Errors
    /// [`WebhookError::DeliveryNotFound`], [`WebhookError::Disabled`],
    /// [`WebhookError::NotFound`], [`WebhookError::Forbidden`].
    pub async fn retry(
        &self,
        by: Actor,
        webhook: WebhookId,
        delivery: DeliveryId,
    ) -> Result<Delivery, WebhookError> {
        by.require(Permission::ManageWebhooks)?;
        if !self.stored(webhook).await?.enabled() {
            return Err(WebhookError::Disabled);
        }
        let now = self.clock.now();
        let retried = self.store.retry_delivery(webhook, delivery, now).await?;
        let retried = retried.ok_or(WebhookError::DeliveryNotFound)?;
        self.poke.wake();
        Ok(retried)
    }
}
