//! The one answer every write gives when others keep changing what it read
//! (a lost compare-and-set, a transaction's write conflict): try again after
//! a pause that doubles each time, drawn at random up to that bound (full
//! jitter, so writers that collided do not collide again in lockstep), until
//! a deadline. Past it the write fails with [`StoreError::Contended`].
//!
//! [`StoreError::Contended`]: crate::error::StoreError::Contended

use std::time::{Duration, Instant};

/// How long and how a contended write keeps trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contention {
    /// Past this much time since the first attempt, give up.
    pub deadline: Duration,
    /// The bound on the first pause; it doubles per attempt.
    pub first_pause: Duration,
    /// The largest bound a pause may have.
    pub max_pause: Duration,
}

impl Contention {
    /// The policy of every store and use case: a buyer who could be served
    /// waits rather than being turned away, but hears back well within a
    /// client's usual 30 s timeout. Writes that arrive together share one
    /// transaction (group commit), so what is left to collide is one
    /// instance's group with another's: measured at 64 buyers of one
    /// product on two instances, the slowest order waited 1.4 s.
    pub const DEFAULT: Contention = Contention {
        deadline: Duration::from_secs(10),
        first_pause: Duration::from_millis(2),
        max_pause: Duration::from_millis(100),
    };

    /// The clock starts now, at the first attempt.
    pub fn begin(self) -> Retries {
        Retries {
            policy: self,
            started: Instant::now(),
            attempts: 1,
        }
    }

    /// The bound on the pause before attempt `attempt` (from 2).
    fn bound(self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(2).min(20);
        self.first_pause
            .saturating_mul(1 << doublings)
            .min(self.max_pause)
    }
}

/// The attempts of one contended write.
#[derive(Clone, Copy, Debug)]
pub struct Retries {
    policy: Contention,
    started: Instant,
    attempts: u32,
}

impl Retries {
    /// The pause before the next attempt, or `None` when it would end past
    /// the deadline: then the write gives up.
    pub fn next_pause(&mut self) -> Option<Duration> {
        self.attempts += 1;
        let bound = self.policy.bound(self.attempts);
        let pause = jitter(bound);
        (self.started.elapsed() + pause < self.policy.deadline).then_some(pause)
    }

    /// How many attempts have been made or announced.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// A random duration up to `bound`.
fn jitter(bound: Duration) -> Duration {
    // A randomly keyed hasher is a random number that needs no generator.
    let noise = {
        use std::hash::{BuildHasher, Hasher};
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    };
    let micros = u64::try_from(bound.as_micros()).unwrap_or(u64::MAX);
    Duration::from_micros(noise % micros.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_largest() {
        let p = Contention::DEFAULT;
        assert_eq!(p.bound(2), Duration::from_millis(2));
        assert_eq!(p.bound(3), Duration::from_millis(4));
        assert_eq!(p.bound(6), Duration::from_millis(32));
        assert_eq!(p.bound(50), Duration::from_millis(100));
    }

    #[test]
    fn every_pause_stays_within_its_bound() {
        let mut retries = Contention::DEFAULT.begin();
        for _ in 0..5 {
            let attempt = retries.attempts() + 1;
            let pause = retries.next_pause().expect("well before the deadline");
            assert!(pause <= Contention::DEFAULT.bound(attempt));
        }
    }

    #[test]
    fn no_pause_is_offered_past_the_deadline() {
        let policy = Contention {
            deadline: Duration::ZERO,
            ..Contention::DEFAULT
        };
        assert_eq!(policy.begin().next_pause(), None);
    }
}
