//! The live feed's wiring in this process: a hub that starts at the
//! store's log tail, the follower task that fills it, and the messages it
//! sends ([`EventMessage`], whose order view is the one
//! `GET /api/orders/{id}` shows that viewer).

use std::sync::Arc;
use std::time::Duration;

use bytestring::ByteString;
use oms_domain::visibility::Audience;
use oms_ports::error::StoreError;
use oms_ports::events::LoggedEvent;
use oms_ports::store::Store;
use oms_ws::hub::Hub;
use oms_ws::metrics::FeedMetrics;
use oms_ws::wire::Wire;
use tokio::task::JoinHandle;

use crate::currency::Currency;
use crate::dto::events::EventMessage;
use crate::settings::FeedSettings;

/// What the `/ws` route needs: the hub and how often to ping.
#[derive(Clone, Debug)]
pub struct LiveFeed {
    /// The process's hub.
    pub hub: Hub,
    /// Ping interval for each connection.
    pub ping_every: Duration,
}

/// The hub and its follower, stopped together.
#[derive(Debug)]
pub struct Feed {
    /// The part handlers reach.
    pub live: LiveFeed,
    follower: JoinHandle<()>,
}

impl Feed {
    /// Starts following `store`'s log from its tail.
    ///
    /// # Errors
    /// [`StoreError`] when the tail cannot be read.
    pub async fn start<S: Store>(
        store: &S,
        settings: &FeedSettings,
        metrics: FeedMetrics,
        currency: Currency,
    ) -> Result<Feed, StoreError> {
        let start = store.tail().await?;
        let hub = Hub::new(
            start,
            Arc::new(Messages { currency }),
            settings.hub,
            metrics,
        );
        let follower = tokio::spawn(oms_ws::follower::follow(store.clone(), hub.clone()));
        Ok(Feed {
            live: LiveFeed {
                hub,
                ping_every: settings.ping_every,
            },
            follower,
        })
    }

    /// Closes every connection and stops following.
    pub fn stop(&self) {
        self.live.hub.stop();
        self.follower.abort();
    }
}

impl Drop for Feed {
    /// An application built but never run must not leave its follower behind.
    fn drop(&mut self) {
        self.follower.abort();
    }
}

/// The feed's messages, written from their typed views.
#[derive(Debug)]
struct Messages {
    currency: Currency,
}

impl Messages {
    fn write(message: &EventMessage) -> ByteString {
        match serde_json::to_string(message) {
            Ok(text) => ByteString::from(text),
            Err(e) => {
                // Views are plain data; failing here is a bug. The reset
                // makes the subscriber reload rather than miss the event.
                tracing::error!(error = %e, "a feed message did not serialise");
                ByteString::from_static(r#"{"event":"reset"}"#)
            }
        }
    }
}

impl Wire for Messages {
    fn event(&self, logged: &LoggedEvent, audience: Audience) -> ByteString {
        Messages::write(&EventMessage::of(logged, audience, self.currency))
    }

    fn reset(&self) -> ByteString {
        Messages::write(&EventMessage::Reset)
    }
}
