//! The figures a scenario prints.

use hdrhistogram::Histogram;

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
