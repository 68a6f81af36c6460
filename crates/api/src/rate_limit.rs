//! Per-client request budgets (actix-governor), keyed by the client's
//! address (`client_ip.rs`),
//! answering 429 as problem+json with `Retry-After`.

use std::net::IpAddr;

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
pub fn budgets(limits: &RateLimits) -> Result<(Budget, RouteBudgets), &'static str> {
    let client = ClientIp::new(&limits.trusted_proxies);
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
        .key_extractor(client)
        .milliseconds_per_request(upgrade_ms.max(1))
        .burst_size(limits.ws_upgrade_burst)
        .finish()
        .ok_or("the /ws upgrade rate limit must be positive")?;
    Ok((general, RouteBudgets { sign_in, upgrades }))
}
