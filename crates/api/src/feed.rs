//! The live feed's wiring in this process: a hub that starts at the
//! store's log tail, the follower task that fills it, and the order view
//! the feed shows (the same as `GET /api/orders/{id}` shows that viewer).

use std::sync::Arc;
use std::time::Duration;

use oms_ports::error::StoreError;
use oms_ports::store::Store;
use oms_ws::hub::Hub;
use oms_ws::metrics::FeedMetrics;
use oms_ws::wire::RenderOrder;
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::dto::orders::OrderView;
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
    ) -> Result<Feed, StoreError> {
        let start = store.tail().await?;
        let render: RenderOrder = Arc::new(|order, audience| {
            serde_json::to_value(OrderView::of(order, audience)).unwrap_or_else(|e| {
                tracing::error!(error = %e, "an order view did not serialise");
                Value::Null
            })
        });
        let hub = Hub::new(start, render, settings.hub, metrics);
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
