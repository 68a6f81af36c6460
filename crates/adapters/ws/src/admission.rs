//! How many connections one process takes, and the place each holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use prometheus::IntGauge;

/// The count of open connections against its limit.
#[derive(Debug)]
pub(crate) struct Admissions {
    open: Arc<AtomicUsize>,
    limit: usize,
    gauge: IntGauge,
}

impl Admissions {
    pub(crate) fn new(limit: usize, gauge: IntGauge) -> Admissions {
        Admissions {
            open: Arc::default(),
            limit,
            gauge,
        }
    }

    /// A place for one more connection, unless the limit is reached.
    pub(crate) fn admit(&self) -> Option<Admission> {
        let limit = self.limit;
        self.open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |open| {
                (open < limit).then_some(open + 1)
            })
            .ok()?;
        self.gauge.inc();
        Some(Admission {
            open: Arc::clone(&self.open),
            gauge: self.gauge.clone(),
        })
    }
}

/// A place among the open connections, given back when dropped.
#[derive(Debug)]
pub struct Admission {
    open: Arc<AtomicUsize>,
    gauge: IntGauge,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
        self.gauge.dec();
    }
}
