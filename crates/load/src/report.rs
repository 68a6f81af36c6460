//! The figures a scenario reports.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

/// What a feed run measured.
#[derive(Debug)]
pub struct FeedReport {
    /// Subscribers that were open.
    pub subscribers: usize,
    /// Events the run caused (successful requests).
    pub events: u64,
    /// Requests that failed.
    pub errors: u64,
    /// How long the measurement ran.
    pub measured: Duration,
    /// The rate asked for.
    pub rate: u32,
    /// Messages every subscriber should have had: events x subscribers.
    pub expected: u64,
    /// Messages received, over all subscribers.
    pub delivered: u64,
    /// Subscribers the server closed, by close code or cause.
    pub closes: BTreeMap<String, usize>,
    /// Commit-to-receipt latencies in microseconds, measured part only.
    pub latency: Histogram<u64>,
}

impl std::fmt::Display for FeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} subscribers", self.subscribers)?;
        writeln!(
            f,
            "caused {} events in {:.1?} of measurement ({} events/s asked, {} request errors)",
            self.events, self.measured, self.rate, self.errors
        )?;
        writeln!(
            f,
            "delivered {} of {} messages; closed by the server: {:?}",
            self.delivered, self.expected, self.closes
        )?;
        writeln!(f, "{}", latency_line("commit to receipt", &self.latency))
    }
}

/// An empty latency histogram: microseconds up to a minute, to two
/// significant figures (1%), small enough that a thousand of them stay in
/// cache.
///
/// # Errors
/// Never with these bounds; the library's own check, as a message.
pub fn histogram() -> Result<Histogram<u64>, String> {
    Histogram::new_with_bounds(1, 60_000_000, 2).map_err(|e| e.to_string())
}

/// Percentiles of a latency histogram (recorded in microseconds), one line.
pub fn latency_line(name: &str, histogram: &Histogram<u64>) -> String {
    let at = |q: f64| millis(histogram.value_at_quantile(q));
    format!(
        "{name}: n={} p50={} p90={} p99={} p99.9={} max={}",
        histogram.len(),
        at(0.50),
        at(0.90),
        at(0.99),
        at(0.999),
        millis(histogram.max()),
    )
}

/// Microseconds as milliseconds with one decimal, without floating point.
pub fn millis(micros: u64) -> String {
    format!("{}.{} ms", micros / 1_000, micros % 1_000 / 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microseconds_read_as_milliseconds() {
        assert_eq!(millis(12_345), "12.3 ms");
        assert_eq!(millis(999), "0.9 ms");
    }
}
