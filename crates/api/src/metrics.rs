//! Prometheus metrics: request counts and latencies by route pattern and
//! status (actix-web-prom), plus the business counters below, all in one
//! registry served at `/metrics`.

use oms_app::webhooks::dispatch::DeliveryObserver;
use oms_domain::ids::WebhookId;
use oms_ws::metrics::FeedMetrics;
use prometheus::{IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

/// Counters the handlers bump.
#[derive(Clone, Debug)]
pub struct BusinessMetrics {
    /// Orders placed (replays of an idempotent request not counted).
    pub orders_placed: IntCounter,
    /// Orders refused because a product had too little stock.
    pub stock_conflicts: IntCounter,
}

/// The registry and the counters registered in it.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Everything `/metrics` exposes.
    pub registry: Registry,
    /// The business counters.
    pub business: BusinessMetrics,
    /// The live feed's sockets and messages.
    pub feed: FeedMetrics,
    /// Webhook deliveries.
    pub webhooks: WebhookMetrics,
}

/// Webhook attempts by outcome, and how long each endpoint's oldest
/// undelivered event has waited.
#[derive(Clone, Debug)]
pub struct WebhookMetrics {
    attempts: IntCounterVec,
    oldest: IntGaugeVec,
}

impl WebhookMetrics {
    fn new(registry: &Registry) -> Result<WebhookMetrics, prometheus::Error> {
        let attempts = IntCounterVec::new(
            Opts::new(
                "oms_webhook_attempts_total",
                "Webhook delivery attempts by what they left the delivery: delivered, retrying or failed",
            ),
            &["outcome"],
        )?;
        let oldest = IntGaugeVec::new(
            Opts::new(
                "oms_webhook_oldest_undelivered_seconds",
                "How long each endpoint's oldest undelivered event has waited",
            ),
            &["webhook"],
        )?;
        registry.register(Box::new(attempts.clone()))?;
        registry.register(Box::new(oldest.clone()))?;
        Ok(WebhookMetrics { attempts, oldest })
    }
}

impl DeliveryObserver for WebhookMetrics {
    fn attempted(&self, outcome: &'static str) {
        self.attempts.with_label_values(&[outcome]).inc();
    }

    fn oldest_undelivered(&self, webhook: WebhookId, age: Option<std::time::Duration>) {
        let label = webhook.to_string();
        match age {
            Some(age) => self
                .oldest
                .with_label_values(&[label.as_str()])
                .set(i64::try_from(age.as_secs()).unwrap_or(i64::MAX)),
            None => {
                let _ = self.oldest.remove_label_values(&[label.as_str()]);
            }
        }
    }
}

impl Metrics {
    /// A fresh registry with the business counters in it.
    ///
    /// # Errors
    /// Only if two metrics were given one name, which is a bug.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let orders_placed = IntCounter::new("oms_orders_placed_total", "Orders placed")?;
        let stock_conflicts = IntCounter::new(
            "oms_stock_conflicts_total",
            "Orders refused because a product had too little stock",
        )?;
        let feed = FeedMetrics {
            open: IntGauge::new("oms_ws_connections", "Open feed connections")?,
            delivered: IntCounter::new(
                "oms_ws_events_delivered_total",
                "Event messages written to feed connections (resets included)",
            )?,
            dropped_for_lag: IntCounter::new(
                "oms_ws_subscribers_dropped_total",
                "Feed connections closed because they fell behind",
            )?,
        };
        registry.register(Box::new(orders_placed.clone()))?;
        registry.register(Box::new(stock_conflicts.clone()))?;
        registry.register(Box::new(feed.open.clone()))?;
        registry.register(Box::new(feed.delivered.clone()))?;
        registry.register(Box::new(feed.dropped_for_lag.clone()))?;
        let webhooks = WebhookMetrics::new(&registry)?;
        Ok(Metrics {
            registry,
            business: BusinessMetrics {
                orders_placed,
                stock_conflicts,
            },
            feed,
            webhooks,
        })
    }

    /// The middleware that times every request into this registry.
    ///
    /// # Errors
    /// Only if the request metrics clash with a registered name.
    pub fn middleware(
        &self,
    ) -> Result<actix_web_prom::PrometheusMetrics, Box<dyn std::error::Error + Send + Sync>> {
        actix_web_prom::PrometheusMetricsBuilder::new("oms")
            .registry(self.registry.clone())
            .mask_unmatched_patterns("UNMATCHED")
            .build()
    }

    /// The Prometheus text exposition of everything registered.
    pub fn render(&self) -> String {
        let encoder = prometheus::TextEncoder::new();
        encoder
            .encode_to_string(&self.registry.gather())
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "metrics encoding failed");
                String::new()
            })
    }
}
