//! What `/metrics` shows of the feed; the API registers these.

use prometheus::{IntCounter, IntGauge};

/// What `/metrics` shows of the feed.
#[derive(Clone, Debug)]
pub struct FeedMetrics {
    /// Open feed connections.
    pub open: IntGauge,
    /// Envelopes written to feed connections (resets included).
    pub delivered: IntCounter,
    /// Connections dropped because they fell behind.
    pub dropped_for_lag: IntCounter,
}
