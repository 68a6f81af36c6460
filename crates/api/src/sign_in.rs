//! Password guessing: failed sign-ins per client are budgeted (governor),
//! and a client that has spent its budget is refused with 429 until it
//! refills. Successful sign-ins cost nothing, so a busy shop or a test
//! suite signing in often is never held back by its own success.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use actix_governor::governor::clock::{Clock, DefaultClock};
use actix_governor::governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use actix_web::HttpRequest;
use parking_lot::Mutex;

use crate::problem::ApiError;
use crate::rate_limit::ClientIp;

/// Clients remembered before forgetting the ones whose wait is over.
const PRUNE_AT: usize = 10_000;

/// Failed sign-ins per client.
pub struct SignInFailures {
    client: ClientIp,
    /// A failure spends a unit; `None` when one failure already blocks.
    failures: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_failure: Duration,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

impl std::fmt::Debug for SignInFailures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInFailures")
            .field("per_failure", &self.per_failure)
            .finish_non_exhaustive()
    }
}

impl SignInFailures {
    /// `allowed` failures in a row, then one more allowed every
    /// `60 / per_minute` seconds.
    pub fn new(client: ClientIp, per_minute: NonZeroU32, allowed: NonZeroU32) -> SignInFailures {
        let per_failure = Duration::from_secs(60) / per_minute.get();
        // The failure that spends the last unit is the one that blocks, so
        // the budget holds one unit fewer than the failures allowed.
        let failures = NonZeroU32::new(allowed.get() - 1).and_then(|units| {
            Quota::with_period(per_failure).map(|q| RateLimiter::keyed(q.allow_burst(units)))
        });
        SignInFailures {
            client,
            failures,
            per_failure,
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// The client making `req`.
    pub fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        self.client.of(req.headers(), req.peer_addr())
    }

    /// 429 while `client` has no failed sign-ins left.
    ///
    /// # Errors
    /// [`ApiError::too_many_requests`] with the wait.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = client else { return Ok(()) };
        let until = self.blocked.lock().get(&ip).copied();
        match until.map(|until| until.saturating_duration_since(Instant::now())) {
            Some(wait) if !wait.is_zero() => {
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(ApiError::too_many_requests(secs.max(1)))
            }
            _ => Ok(()),
        }
    }

    /// Spends one of `client`'s failures; the last one blocks it.
    pub fn record(&self, client: Option<IpAddr>) {
        let Some(ip) = client else { return };
        let wait = match &self.failures {
            None => Some(self.per_failure),
            Some(limiter) => limiter.check_key(&ip).err().map(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .max(self.per_failure)
            }),
        };
        let Some(wait) = wait else { return };
        let mut blocked = self.blocked.lock();
        if blocked.len() >= PRUNE_AT {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
            if let Some(limiter) = &self.failures {
                limiter.retain_recent();
            }
        }
        blocked.insert(ip, Instant::now() + wait);
    }
}
