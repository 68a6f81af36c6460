//! Per-client request budgets (actix-governor), keyed by the peer address,
//! answering 429 as problem+json with `Retry-After`.

use std::net::{IpAddr, SocketAddr};

use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderMap;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};

use crate::problem::ApiError;
use crate::settings::RateLimits;

/// Keys requests by client address: the connecting peer, or, behind a
/// trusted reverse proxy, the address that proxy appended to
/// `X-Forwarded-For`. IPv6 clients are keyed by their /64, which one
/// subscriber usually holds whole.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp {
    /// Read `X-Forwarded-For` (only safe when a proxy always sets it).
    pub trust_forwarded_for: bool,
}

impl ClientIp {
    /// The key for a request with these headers from this peer.
    pub fn of(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        let forwarded = self
            .trust_forwarded_for
            .then(|| ClientIp::forwarded(headers))
            .flatten();
        forwarded.or_else(|| peer.map(|addr| addr.ip())).map(key)
    }

    fn forwarded(headers: &HeaderMap) -> Option<IpAddr> {
        let header = headers.get("x-forwarded-for")?.to_str().ok()?;
        // The last entry is the one our own proxy wrote; earlier ones are the client's word.
        header.rsplit(',').next()?.trim().parse().ok()
    }
}

/// The address as a rate-limit key.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::V6(octets.into())
        }
    }
}

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

/// The general budget and the sign-in budget.
///
/// # Errors
/// When a rate is zero (the settings refuse that earlier).
pub fn budgets(limits: &RateLimits) -> Result<(Budget, Budget), &'static str> {
    let client = ClientIp {
        trust_forwarded_for: limits.trust_forwarded_for,
    };
    let per_request_ns = 1_000_000_000 / u64::from(limits.per_second);
    let general = GovernorConfigBuilder::default()
        .key_extractor(client)
        .nanoseconds_per_request(per_request_ns.max(1))
        .burst_size(limits.burst)
        .finish()
        .ok_or("the general rate limit must be positive")?;
    let auth_ms = 60_000 / u64::from(limits.auth_per_minute);
    let sign_in = GovernorConfigBuilder::default()
        .key_extractor(client)
        .milliseconds_per_request(auth_ms.max(1))
        .burst_size(limits.auth_burst)
        .finish()
        .ok_or("the sign-in rate limit must be positive")?;
    Ok((general, sign_in))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_keyed_by_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(other));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(key(v4), v4);
    }
}
