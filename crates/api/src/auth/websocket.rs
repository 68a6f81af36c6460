//! Who opens a WebSocket: browsers cannot set `Authorization` on one, and
//! a token in the URL ends up in logs, so the token travels as a
//! subprotocol.

use actix_web::HttpRequest;
use actix_web::http::header::{AUTHORIZATION, SEC_WEBSOCKET_PROTOCOL};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::Actor;

use super::{bearer_token, verified};
use crate::problem::ApiError;

/// The caller of a WebSocket upgrade, and when its token expires. The
/// token comes as `Sec-WebSocket-Protocol: bearer, <token>`; clients that
/// are not browsers may send `Authorization: Bearer` instead. `None` when
/// neither is sent.
///
/// # Errors
/// 401 when a token is sent and is not valid, or `bearer` comes without one.
pub async fn websocket_caller(req: &HttpRequest) -> Result<Option<(Actor, Timestamp)>, ApiError> {
    let offered: Vec<&str> = req
        .headers()
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if offered.contains(&oms_ws::session::BEARER_PROTOCOL) {
        let token = offered
            .iter()
            .find(|p| **p != oms_ws::session::BEARER_PROTOCOL)
            .ok_or_else(|| {
                ApiError::unauthorized("send the token after bearer: `bearer, <token>`", false)
            })?;
        return verified_for_a_connection(req, token).await.map(Some);
    }
    if !req.headers().contains_key(AUTHORIZATION) {
        return Ok(None);
    }
    let token = bearer_token(req)?;
    verified_for_a_connection(req, token).await.map(Some)
}

/// As [`verified`], without the clock-skew leeway on expiry: a connection
/// outlives the request, so one opened with a spent token would only be
/// closed again at once.
async fn verified_for_a_connection(
    req: &HttpRequest,
    token: &str,
) -> Result<(Actor, Timestamp), ApiError> {
    let verified = verified(req, token)?;
    verified.standing(req).await?;
    let (actor, expires) = (verified.actor, verified.expires);
    let now = oms_ports::clock::Clock::now(&oms_app::system::SystemClock);
    if expires <= now {
        tracing::info!(reason = "expired", "bearer token refused");
        return Err(ApiError::unauthorized(
            "the token is invalid or expired; sign in again",
            true,
        ));
    }
    Ok((actor, expires))
}
