//! The time, as a port, so tests can fix it.

use oms_domain::timestamp::Timestamp;

/// Tells the time.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Clock: Send + Sync + 'static {
    /// Now, to the millisecond.
    fn now(&self) -> Timestamp;
}
