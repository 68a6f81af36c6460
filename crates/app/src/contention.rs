//! The one answer every write gives when it loses a race (a compare-and-set
//! that missed, a transaction's write conflict, reported by stores as
//! [`StoreError::Contended`]): try again after a pause that doubles each
//! time, drawn at random up to that bound (full jitter, so writers that
//! collided do not collide again in lockstep), until a deadline. Past it
//! the write fails with [`StoreError::Contended`].
//!
//! Stores never retry a lost race themselves: the use cases do, here, so
//! one policy governs every write.

use std::future::Future;
use std::time::{Duration, Instant};

use oms_ports::error::{LostRace, StoreError};

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
    /// The policy of every write: a buyer who could be served
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

    /// Runs `attempt` until it is done, trying again after each lost race
    /// while the deadline allows.
    ///
    /// # Errors
    /// What the last attempt failed with; [`StoreError::Contended`] when
    /// every attempt lost its race until the deadline.
    pub async fn retry<T, E, F, Fut>(self, mut attempt: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T, E>>,
    {
        let mut retries = self.begin();
        loop {
            match attempt().await {
                Attempt::Done(outcome) => return outcome,
                Attempt::Lost => {
                    let Some(pause) = retries.next_pause() else {
                        tracing::warn!(
                            attempts = retries.attempts(),
                            "a write kept losing its race; giving up"
                        );
                        return Err(StoreError::Contended.into());
                    };
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// The clock starts now, at the first attempt.
    fn begin(self) -> Retries {
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

/// What one attempt of a write came to.
#[derive(Debug)]
pub enum Attempt<T, E> {
    /// Its outcome, to hand back as it is.
    Done(Result<T, E>),
    /// It lost a race and wrote nothing: another attempt may succeed.
    Lost,
}

impl<T, E: LostRace> Attempt<T, E> {
    /// A store's answer: a lost race as [`Attempt::Lost`], anything else
    /// as it is.
    pub fn of(outcome: Result<T, E>) -> Self {
        match outcome {
            Err(e) if e.lost_race() => Attempt::Lost,
            outcome => Attempt::Done(outcome),
        }
    }
}

/// The attempts of one contended write.
#[derive(Clone, Copy, Debug)]
struct Retries {
    policy: Contention,
    started: Instant,
    attempts: u32,
}

impl Retries {
    /// The pause before the next attempt, or `None` when it would end past
    /// the deadline: then the write gives up.
    fn next_pause(&mut self) -> Option<Duration> {
        self.attempts += 1;
        let bound = self.policy.bound(self.attempts);
        let pause = jitter(bound);
        (self.started.elapsed() + pause < self.policy.deadline).then_some(pause)
    }

    /// How many attempts have been made or announced.
    fn attempts(&self) -> u32 {
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
