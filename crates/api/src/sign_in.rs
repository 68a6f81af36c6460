//! Password guessing: failed sign-ins per client are counted, and a client
//! that has used up its allowance is refused with 429 until it regains
//! one. A sign-in takes its place before the password is checked, so a
//! hundred guesses sent at once get no more checks than the allowance;
//! one that succeeds gives its place back, so a busy shop or a test suite
//! signing in often is never held back by its own success.
//!
//! Governor's limiters cannot give a unit back, which a successful
//! sign-in needs; this count is kept here, per client, and forgotten once
//! a client has regained everything.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use parking_lot::Mutex;

use crate::problem::ApiError;
use crate::rate_limit::ClientIp;

/// Clients remembered before forgetting those with nothing left to count.
const PRUNE_AT: usize = 10_000;

/// Failed sign-ins per client.
pub struct SignInFailures {
    client: ClientIp,
    allowed: u32,
    per_failure: Duration,
    tallies: Mutex<HashMap<IpAddr, Tally>>,
}

/// One client's count.
#[derive(Clone, Copy, Debug)]
struct Tally {
    /// Failures not yet regained.
    failed: u32,
    /// Since when `failed` has been regaining.
    since: Instant,
    /// Sign-ins being checked now.
    checking: u32,
    /// Refused until then.
    blocked_until: Option<Instant>,
}

impl Tally {
    fn new(now: Instant) -> Tally {
        Tally {
            failed: 0,
            since: now,
            checking: 0,
            blocked_until: None,
        }
    }

    /// One failure regained per `per_failure` since it was last counted.
    fn regain(&mut self, now: Instant, per_failure: Duration) {
        let elapsed = now.saturating_duration_since(self.since);
        let regained = elapsed.as_nanos() / per_failure.as_nanos().max(1);
        let regained = u32::try_from(regained).unwrap_or(u32::MAX);
        if regained >= self.failed {
            self.failed = 0;
            self.since = now;
        } else {
            // What is left of the period counts toward the next one.
            self.failed -= regained;
            self.since += per_failure * regained;
        }
        if self.blocked_until.is_some_and(|until| until <= now) {
            self.blocked_until = None;
        }
    }

    fn forgettable(&self) -> bool {
        self.failed == 0 && self.checking == 0 && self.blocked_until.is_none()
    }
}

impl std::fmt::Debug for SignInFailures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInFailures")
            .field("allowed", &self.allowed)
            .field("per_failure", &self.per_failure)
            .finish_non_exhaustive()
    }
}

/// A sign-in's place in its client's allowance, held while its password
/// is checked; given back when dropped unless [`Attempt::failed`].
#[derive(Debug)]
#[must_use = "a place not settled is given back at once"]
pub struct Attempt<'a> {
    owner: &'a SignInFailures,
    client: Option<IpAddr>,
}

impl Attempt<'_> {
    /// The password was wrong: the place is spent, and the failure that
    /// uses up the allowance blocks the client.
    pub fn failed(self) {
        if let Some(ip) = self.client {
            let mut tallies = self.owner.tallies.lock();
            let now = Instant::now();
            let tally = tallies.entry(ip).or_insert_with(|| Tally::new(now));
            tally.regain(now, self.owner.per_failure);
            tally.checking = tally.checking.saturating_sub(1);
            if tally.failed == 0 {
                tally.since = now;
            }
            tally.failed += 1;
            if tally.failed >= self.owner.allowed {
                tally.blocked_until = Some(now + self.owner.per_failure);
            }
        }
        std::mem::forget(self);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some(ip) = self.client
            && let Some(tally) = self.owner.tallies.lock().get_mut(&ip)
        {
            tally.checking = tally.checking.saturating_sub(1);
        }
    }
}

impl SignInFailures {
    /// `allowed` failures in a row, then one more allowed every
    /// `60 / per_minute` seconds.
    pub fn new(client: ClientIp, per_minute: NonZeroU32, allowed: NonZeroU32) -> SignInFailures {
        SignInFailures {
            client,
            allowed: allowed.get(),
            per_failure: Duration::from_secs(60) / per_minute.get(),
            tallies: Mutex::new(HashMap::new()),
        }
    }

    /// The client making `req`.
    pub fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        self.client.of(req.headers(), req.peer_addr())
    }

    /// Takes a place for a sign-in by `client`.
    ///
    /// # Errors
    /// [`ApiError::too_many_requests`] with the wait, while the client's
    /// failures and the sign-ins it has being checked reach the allowance.
    pub fn reserve(&self, client: Option<IpAddr>) -> Result<Attempt<'_>, ApiError> {
        let Some(ip) = client else {
            return Ok(Attempt {
                owner: self,
                client: None,
            });
        };
        let now = Instant::now();
        let mut tallies = self.tallies.lock();
        if tallies.len() >= PRUNE_AT {
            tallies.retain(|_, tally| {
                tally.regain(now, self.per_failure);
                !tally.forgettable()
            });
        }
        let tally = tallies.entry(ip).or_insert_with(|| Tally::new(now));
        tally.regain(now, self.per_failure);
        let wait = match tally.blocked_until {
            Some(until) => Some(until - now),
            // Guesses already being checked may all fail: they count.
            None if tally.failed + tally.checking >= self.allowed => Some(self.per_failure),
            None => None,
        };
        if let Some(wait) = wait {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(ApiError::too_many_requests(secs.max(1)));
        }
        tally.checking += 1;
        Ok(Attempt {
            owner: self,
            client: Some(ip),
        })
    }

    /// Clients counted now (for tests of the pruning).
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.tallies.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(allowed: u32) -> SignInFailures {
        SignInFailures::new(
            ClientIp::default(),
            NonZeroU32::new(60).unwrap(),
            NonZeroU32::new(allowed).unwrap(),
        )
    }

    fn ip(n: u32) -> Option<IpAddr> {
        Some(IpAddr::from(n.to_be_bytes()))
    }

    #[test]
    fn guesses_at_once_take_no_more_places_than_the_allowance() {
        let throttle = failures(3);
        let held: Vec<_> = (0..10)
            .filter_map(|_| throttle.reserve(ip(1)).ok())
            .collect();
        assert_eq!(held.len(), 3);
        for attempt in held {
            attempt.failed();
        }
        assert!(
            throttle.reserve(ip(1)).is_err(),
            "blocked after three failures"
        );
        assert!(throttle.reserve(ip(2)).is_ok(), "another client is not");
    }

    #[test]
    fn a_successful_sign_in_gives_its_place_back() {
        let throttle = failures(2);
        for _ in 0..10 {
            let attempt = throttle.reserve(ip(1)).unwrap();
            drop(attempt);
        }
        throttle.reserve(ip(1)).unwrap().failed();
        assert!(throttle.reserve(ip(1)).is_ok(), "one failure of two");
    }

    #[test]
    fn clients_with_nothing_left_to_count_are_forgotten() {
        let throttle = failures(5);
        for n in 0..u32::try_from(PRUNE_AT).unwrap() + 10 {
            drop(throttle.reserve(ip(n)).unwrap());
        }
        assert!(throttle.remembered() <= 11, "{}", throttle.remembered());
    }
}
