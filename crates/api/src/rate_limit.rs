//! Per-client request budgets (actix-governor), keyed by the client's
//! address (`client_ip.rs`),
//! answering 429 as problem+json with `Retry-After`.

use std::net::IpAddr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};

pub use crate::client_ip::ClientIp;
use crate::problem::ApiError;
use crate::settings::RateLimits;

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        self.of(req.headers(), req.peer_addr())
            .ok_or_else(|| SimpleKeyExtractionError::new("no peer address"))
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        _response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative.wait_time_from(DefaultClock::default().now());
        // Round up: "retry in 0 s" would invite an immediate second refusal.
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ApiError::too_many_requests(secs.max(1)).error_response()
    }
}

/// A budget's configuration; built once and shared by every worker.
pub type Budget = GovernorConfig<ClientIp, NoOpMiddleware<QuantaInstant>>;

/// How often the budgets forget the clients that have not used them lately.
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// Every budget but the general one, which wraps the whole app.
#[derive(Clone, Debug)]
pub struct RouteBudgets {
    /// Sign-in and registration (password guessing).
    pub sign_in: Budget,
    /// `/ws` upgrades (a client opening and dropping sockets in a loop).
    pub upgrades: Budget,
}

/// The general budget and the routes' own.
///
/// # Errors
/// When a rate is zero (the settings refuse that earlier).
pub fn budgets(
    limits: &RateLimits,
    client: &ClientIp,
) -> Result<(Budget, RouteBudgets), &'static str> {
    let per_request_ns = 1_000_000_000 / u64::from(limits.per_second);
    let general = GovernorConfigBuilder::default()
        .key_extractor(client.clone())
        .nanoseconds_per_request(per_request_ns.max(1))
        .burst_size(limits.burst)
        .finish()
        .ok_or("the general rate limit must be positive")?;
    let auth_ms = 60_000 / u64::from(limits.auth_per_minute);
    let sign_in = GovernorConfigBuilder::default()
        .key_extractor(client.clone())
        .milliseconds_per_request(auth_ms.max(1))
        .burst_size(limits.auth_burst)
        .finish()
        .ok_or("the sign-in rate limit must be positive")?;
    let upgrade_ms = 60_000 / u64::from(limits.ws_upgrades_per_minute);
    let upgrades = GovernorConfigBuilder::default()
        .key_extractor(client.clone())
        .milliseconds_per_request(upgrade_ms.max(1))
        .burst_size(limits.ws_upgrade_burst)
        .finish()
        .ok_or("the /ws upgrade rate limit must be positive")?;
    Ok((general, RouteBudgets { sign_in, upgrades }))
}

impl RouteBudgets {
    /// These budgets and `general`, each once.
    pub fn with(&self, general: &Budget) -> [Budget; 3] {
        [general.clone(), self.sign_in.clone(), self.upgrades.clone()]
    }
}

/// Forgets, once a minute, every client whose budget is whole again (it
/// would be answered the same with no record): a stream of new addresses
/// would otherwise grow each budget's table for as long as the process
/// runs. Stops when the budgets are dropped with their server.
pub fn forget_idle_clients(budgets: &[Budget]) {
    let limiters: Vec<Weak<_>> = budgets
        .iter()
        .map(|budget| Arc::downgrade(&budget.limiter()))
        .collect();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FORGET_EVERY);
        every.tick().await;
        loop {
            every.tick().await;
            let mut alive = 0;
            for limiter in limiters.iter().filter_map(Weak::upgrade) {
                forget_whole(&limiter);
                alive += 1;
            }
            if alive == 0 {
                return;
            }
        }
    });
}

fn forget_whole(limiter: &actix_governor::governor::DefaultKeyedRateLimiter<IpAddr>) {
    limiter.retain_recent();
    limiter.shrink_to_fit();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn clients_whose_budget_is_whole_again_are_forgotten() {
        let settings = crate::settings::Settings::load(&crate::settings::Source::from_pairs([
            ("OMS_RATE_LIMIT_PER_SECOND", "10"),
            ("OMS_RATE_LIMIT_BURST", "2"),
        ]));
        let limits = settings.unwrap().rate_limits;
        let client = ClientIp::new(&limits.trusted_proxies);
        let (general, _) = budgets(&limits, &client).unwrap();
        let limiter = general.limiter();
        for n in 0..10_000u32 {
            let ip = IpAddr::from(n.to_be_bytes());
            assert!(limiter.check_key(&ip).is_ok());
        }
        let busy = IpAddr::from([10, 0, 0, 1]);
        assert!(limiter.check_key(&busy).is_ok());
        assert!(limiter.check_key(&busy).is_ok());
        assert_eq!(limiter.len(), 10_001);
        // The limiter forgets a client a request's worth (100 ms) after its
        // budget is whole again: 200 ms after one request, 300 ms after two.
        std::thread::sleep(Duration::from_millis(250));
        forget_whole(&limiter);
        assert_eq!(limiter.len(), 1, "only the client still short of its burst");
        assert!(limiter.check_key(&busy).is_ok());
    }
}
