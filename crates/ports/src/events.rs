//! Telling subscribers what happened to orders.

use async_trait::async_trait;
use oms_domain::event::OrderEvent;

use crate::error::BoxError;

/// Publishing failed; the event did not reach subscribers.
#[derive(Debug, thiserror::Error)]
#[error("publishing an order event failed")]
pub struct PublishError(#[source] pub BoxError);

/// Delivers committed order events to whoever follows them.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait EventPublisher: Send + Sync + 'static {
    /// Hands `event` to subscribers. Called only after the change it
    /// describes has been committed. Having no subscriber is not an error.
    ///
    /// # Errors
    /// [`PublishError`] when the event could not be handed on; the change it
    /// describes stands regardless.
    async fn publish(&self, event: &OrderEvent) -> Result<(), PublishError>;
}
