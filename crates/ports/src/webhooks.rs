//! The webhook store: endpoints, where each stands in the event log, and
//! the deliveries owed to them.
//!
//! Events become deliveries by [`WebhookStore::enqueue`], which moves an
//! endpoint's position along the log in the same atomic step as it adds
//! the deliveries, so none is skipped or queued twice whoever crashes
//! when. Each attempt is made under a lease ([`Lease`]): one instance
//! holds a delivery while it calls the endpoint, and a lease left by an
//! instance that died runs out, so the delivery is attempted again.

use std::time::Duration;

use async_trait::async_trait;
use oms_domain::ids::{DeliveryId, WebhookId};
use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::Webhook;
use oms_domain::webhook::address::{UrlError, WebhookUrl};
use oms_domain::webhook::delivery::{Delivery, DeliveryStatus};

use crate::error::StoreError;
use crate::events::EventPosition;
use crate::query::{Page, PageLimit};

/// An endpoint and where it stands in the event log: every event after
/// `position` is still to be queued for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredWebhook {
    /// The endpoint.
    pub webhook: Webhook,
    /// The last event queued for it (or skipped, not being its kind).
    pub position: EventPosition,
}

/// One instance's hold on deliveries while it attempts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// Which instance holds them (unique per process).
    pub owner: String,
    /// When the hold runs out if it is not given back.
    pub until: Timestamp,
}

/// Which deliveries of an endpoint to list, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryQuery {
    /// The endpoint.
    pub webhook: WebhookId,
    /// Only deliveries in this status.
    pub status: Option<DeliveryStatus>,
    /// Only deliveries older than this one (ids sort by creation).
    pub after: Option<DeliveryId>,
    /// How many.
    pub limit: PageLimit,
}

/// Why an endpoint was not changed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum UpdateWebhookError {
    /// No endpoint has this id.
    #[error("no such webhook")]
    NotFound,
    /// It changed since it was read.
    #[error("the webhook changed meanwhile")]
    VersionMismatch,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why events were not queued. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    /// The endpoint's position is no longer the one read (another
    /// instance queued these events first), or the endpoint is gone.
    #[error("the webhook's position moved or the webhook is gone")]
    Moved,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Webhook endpoints and their deliveries.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// Adds an endpoint that is owed every event after `position`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn insert_webhook(
        &self,
        webhook: &Webhook,
        position: &EventPosition,
    ) -> Result<(), StoreError>;

    /// The endpoint with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn get_webhook(&self, id: WebhookId) -> Result<Option<StoredWebhook>, StoreError>;

    /// Every endpoint, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_webhooks(&self) -> Result<Vec<StoredWebhook>, StoreError>;

    /// Replaces the endpoint if it is still at `expected_version`; with
    /// `position`, its place in the log moves there too (an endpoint
    /// enabled again is owed only what comes after).
    ///
    /// # Errors
    /// [`UpdateWebhookError`]; nothing is written.
    async fn update_webhook(
        &self,
        webhook: &Webhook,
        expected_version: u64,
        position: Option<EventPosition>,
    ) -> Result<(), UpdateWebhookError>;

    /// Removes the endpoint and its deliveries; `false` when there was none.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError>;

    /// Adds `deliveries` (events after `from`, up to `to`, for `webhook`)
    /// held under `lease`, and moves the endpoint's position from `from`
    /// to `to`, as one step.
    ///
    /// # Errors
    /// [`EnqueueError::Moved`] when the position is no longer `from`.
    async fn enqueue(
        &self,
        webhook: WebhookId,
        from: &EventPosition,
        to: &EventPosition,
        deliveries: &[Delivery],
        lease: &Lease,
    ) -> Result<(), EnqueueError>;

    /// Adds one delivery outside the log (a ping), held under `lease`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn add_delivery(&self, delivery: &Delivery, lease: &Lease) -> Result<(), StoreError>;

    /// Takes up to `limit` of the endpoint's pending deliveries due by
    /// `now` that no lease holds (or whose lease ran out), oldest due
    /// first, and holds them under `lease`. Two callers never take one
    /// delivery under two live leases.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn claim_due(
        &self,
        webhook: WebhookId,
        now: Timestamp,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// Writes each delivery's attempts, status and next attempt, and gives
    /// its lease back, if `owner` still holds it, all in one step. For each
    /// delivery, in order, whether it was written (`false`: the lease was
    /// lost or the delivery is gone, and nothing of it was written).
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing is written.
    async fn record_attempts(
        &self,
        deliveries: &[Delivery],
        owner: &str,
    ) -> Result<Vec<bool>, StoreError>;

    /// One page of the endpoint's deliveries, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Delivery, DeliveryId>, StoreError>;

    /// The endpoint's delivery with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn get_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StoreError>;

    /// Makes the delivery pending and due at `now` (a lease on it stays),
    /// returning it; `None` when the endpoint has no such delivery.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn retry_delivery(
        &self,
        webhook: WebhookId,
        id: DeliveryId,
        now: Timestamp,
    ) -> Result<Option<Delivery>, StoreError>;

    /// When a pending delivery of the endpoint may next be claimed: the
    /// earliest of each one's next attempt or, if later, its lease's end.
    /// `None` when none is pending.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn next_due(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError>;

    /// Deletes the deliveries that are done (delivered or failed) and were
    /// queued before `before`, of every endpoint; how many. Pending ones
    /// stay whatever their age.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn forget_deliveries(&self, before: Timestamp) -> Result<u64, StoreError>;

    /// When the endpoint's oldest pending delivery was queued, if it has one.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn oldest_pending(&self, webhook: WebhookId) -> Result<Option<Timestamp>, StoreError>;
}

/// One call to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Where.
    pub url: WebhookUrl,
    /// Headers besides `Content-Type: application/json`.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
    /// How long the endpoint has to answer.
    pub timeout: Duration,
}

/// What came of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The endpoint answered with this status (a redirect is not followed).
    Status {
        /// The status code.
        code: u16,
        /// The pause its `Retry-After` header asked for, if any.
        retry_after: Option<Duration>,
    },
    /// The address the name resolved to is one webhooks may not call;
    /// nothing was sent.
    Refused(UrlError),
    /// No answer: the name did not resolve, the connection failed, or the
    /// endpoint took longer than the timeout. The text says which.
    Failed(String),
}

/// Calls webhook endpoints over HTTP, only at addresses the policy allows.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait WebhookTransport: Send + Sync + 'static {
    /// Posts `request`: resolves the host, checks every address it
    /// resolves to, and connects only to those checked.
    async fn post(&self, request: &Outgoing) -> Answer;

    /// Checks `url` as a call to it would, without calling: its scheme,
    /// and the addresses its host resolves to now. A name that does not
    /// resolve passes (it is checked again at each call).
    ///
    /// # Errors
    /// [`UrlError`] for a scheme or an address the policy refuses.
    async fn vet(&self, url: &WebhookUrl) -> Result<(), UrlError>;
}
