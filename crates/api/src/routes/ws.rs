//! `GET /ws`: the live order feed (WebSocket). See docs/api.md for the
//! protocol, close codes and a browser client.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use oms_app::system::SystemClock;
use oms_domain::timestamp::Timestamp;
use oms_ports::clock::Clock;
use oms_ports::store::Store;
use oms_ws::session::Connection;
use oms_ws::subscription::Subscription;
use tokio::time::Instant;

use crate::auth::websocket_caller;
use crate::client_ip::ClientIp;
use crate::dto::feed::FeedQuery;
use crate::feed::LiveFeed;
use crate::problem::{ApiError, Failures, ProblemCode};
use crate::state::AppState;
use oms_domain::user::Role;
use oms_ws::admission::Applicant;

/// Subscribes to order events. Without `order`: every order the token's
/// user may list (staff and admins all, a customer its own). With `order`:
/// that order only, no token needed, in the view its viewer has. The token
/// travels as `Sec-WebSocket-Protocol: bearer, <token>`, answered with the
/// `bearer` subprotocol. `since` resumes after an event id.
#[utoipa::path(get, path = "/ws", operation_id = "subscribe", tag = "events",
    params(FeedQuery,
        ("Sec-WebSocket-Protocol" = Option<String>, Header, description = "`bearer, <token>`")),
    responses(
        (status = 101, description = "switched to the WebSocket feed")))]
pub async fn subscribe<S: Store>(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState<S>>,
    feed: web::Data<LiveFeed>,
    client: web::Data<ClientIp>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = websocket_caller(&req).await?;
    let viewer = caller.map(|(actor, _)| actor);
    let (order, since) = query.into_inner().into_parts();
    let subscription = match order {
        Some(id) => Subscription::Order {
            id: state.orders.get(&id).await?.id(),
            viewer,
        },
        None => Subscription::Orders {
            viewer: viewer.ok_or_else(|| {
                ApiError::unauthorized(
                    "the all-orders feed needs `Sec-WebSocket-Protocol: bearer, <token>`",
                    false,
                )
            })?,
        },
    };
    let applicant = Applicant {
        client: client
            .of(req.headers(), req.peer_addr())
            .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])),
        staff: viewer.is_some_and(|actor| actor.role != Role::Customer),
    };
    let admission = feed
        .hub
        .admit(applicant)
        .map_err(ApiError::too_many_connections)?;
    let connection = Connection {
        log: state.store.clone(),
        hub: feed.hub.clone(),
        subscription,
        since,
        admission,
        expires: caller.map(|(_, expires)| instant_of(expires)),
        ping_every: feed.ping_every,
    };
    oms_ws::session::start(&req, body, connection).map_err(|_| ApiError::websocket_required())
}

/// What the feed refuses a subscription with, besides an unknown order:
/// no or a bad token, a full feed, a request that is no upgrade.
#[derive(Debug)]
pub struct Refusals;

impl Failures for Refusals {
    fn codes() -> Vec<ProblemCode> {
        vec![
            ProblemCode::Unauthorized,
            ProblemCode::TooManyConnections,
            ProblemCode::WebsocketRequired,
        ]
    }
}

/// `expires` on the monotonic clock the connection's timers use.
fn instant_of(expires: Timestamp) -> Instant {
    let left = expires
        .unix_millis()
        .saturating_sub(SystemClock.now().unix_millis());
    Instant::now() + Duration::from_millis(u64::try_from(left).unwrap_or(0))
}
