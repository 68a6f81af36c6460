//! One feed connection: the upgrade, the catch-up from the log after
//! `since`, then the hub's events, pings, and a close code that says why
//! the server ended it.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{Message, MessageStream, Session};
use bytestring::ByteString;
use oms_domain::user::Role;
use oms_ports::events::{EventLog, EventPosition, ReadEventsError};
use tokio::time::{Instant, interval_at, sleep_until, timeout};

use crate::admission::Admission;
use crate::close::Closing;
use crate::hub::{Attach, Attached, Hub, Resume};
use crate::subscription::Subscription;

/// The subprotocol a browser names to carry its token
/// (`Sec-WebSocket-Protocol: bearer, <token>`); the server answers with it.
pub const BEARER_PROTOCOL: &str = "bearer";

/// Events read from the log per catch-up step.
const CATCH_UP_PAGE: usize = 256;

/// Catch-up steps at most for staff following every order (some 10,000
/// events): a subscriber further behind gets a reset, so a made-up old
/// `since` cannot make the server read days of events.
const CATCH_UP_PAGES: usize = 40;

/// Catch-up steps at most for a public tracker or a customer (some 1,000
/// events): they need no token (or a customer's), and the log is read
/// whole to find the few events they follow.
const CATCH_UP_PAGES_UNLISTED: usize = 4;

/// How far `subscription` may catch up.
fn catch_up_pages(subscription: &Subscription) -> usize {
    match subscription {
        Subscription::Orders { viewer } if viewer.role != Role::Customer => CATCH_UP_PAGES,
        _ => CATCH_UP_PAGES_UNLISTED,
    }
}

/// Everything a connection needs, decided before the upgrade.
#[derive(Debug)]
pub struct Connection<L> {
    /// The store's log, to catch up from.
    pub log: L,
    /// The process's hub.
    pub hub: Hub,
    /// What the connection follows.
    pub subscription: Subscription,
    /// Resume after this position.
    pub since: Option<EventPosition>,
    /// Its place among the open connections.
    pub admission: Admission,
    /// When the token it was opened with expires.
    pub expires: Option<Instant>,
    /// How often to ping; three silent intervals close the connection.
    pub ping_every: Duration,
}

/// Completes the upgrade and serves the feed on the worker's own task.
///
/// # Errors
/// The handshake's error when `req` is not a WebSocket upgrade.
pub fn start<L: EventLog + Clone>(
    req: &HttpRequest,
    body: web::Payload,
    connection: Connection<L>,
) -> Result<HttpResponse, actix_web::Error> {
    let (response, session, messages) =
        actix_ws::handle_with_protocols(req, body, &[BEARER_PROTOCOL])?;
    // Joined before the client hears the 101: whatever commits after it
    // is connected reaches it, even before the session's task first runs.
    let start = match &connection.since {
        None => Start::Joined(join_live(&connection)),
        Some(since) => Start::After(since.clone()),
    };
    actix_web::rt::spawn(serve(session, messages, connection, start));
    Ok(response)
}

/// Where a connection starts.
enum Start {
    /// Live, already in the hub (or the hub is stopping).
    Joined(Result<Attached, Option<Closing>>),
    /// After this position: catch up from the log first.
    After(EventPosition),
}

/// Two halves: this task writes the feed, the one it spawns watches the
/// client (pongs, pings, the token's end), so a message costs one wake-up
/// of one task and nothing else.
async fn serve<L: EventLog>(
    mut session: Session,
    messages: MessageStream,
    c: Connection<L>,
    start: Start,
) {
    let mut client = actix_web::rt::spawn(watch_client(
        session.clone(),
        messages,
        c.ping_every,
        c.expires,
    ));
    let ended = tokio::select! {
        ended = write_feed(&mut session, &c, start) => ended,
        watched = &mut client => watched.unwrap_or(None),
    };
    client.abort();
    if let Some(closing) = ended {
        // A client that reads nothing would hold the close frame (and this
        // task, and its place) forever.
        let _ = timeout(c.ping_every, session.close(Some(closing.close_reason()))).await;
    }
    drop(c.admission);
}

/// The catch-up, then the hub's events until the hub lets go.
async fn write_feed<L: EventLog>(
    session: &mut Session,
    c: &Connection<L>,
    start: Start,
) -> Option<Closing> {
    let joined = match start {
        Start::Joined(joined) => joined,
        Start::After(since) => catch_up(session, c, since).await,
    };
    let mut attached = match joined {
        Ok(attached) => attached,
        Err(why) => return why,
    };
    for text in std::mem::take(&mut attached.replay) {
        if let Err(why) = send(session, c, text).await {
            return why;
        }
    }
    loop {
        let Some(first) = attached.queue.recv().await else {
            return Some(attached.ended());
        };
        if let Err(why) = send_batch(session, c, first, &mut attached).await {
            return why;
        }
    }
}

/// Sends what the connection missed and joins the hub. `Err(None)` when the
/// client went away meanwhile.
async fn catch_up<L: EventLog>(
    session: &mut Session,
    c: &Connection<L>,
    since: EventPosition,
) -> Result<Attached, Option<Closing>> {
    if let Some(attached) = join(c, Resume::Claimed(&since))? {
        return Ok(attached);
    }
    let mut cursor = since;
    for _ in 0..catch_up_pages(&c.subscription) {
        let page = match c.log.read_after(&cursor, CATCH_UP_PAGE).await {
            Ok(page) => page,
            Err(ReadEventsError::Lost) => return reset(session, c).await,
            Err(ReadEventsError::Store(error)) => {
                tracing::warn!(error = ?error, "a feed connection could not catch up");
                return Err(Some(Closing::StoreUnavailable));
            }
        };
        for logged in page.events {
            if let Some(audience) = c.subscription.audience(&logged.event) {
                send(session, c, c.hub.wire().event(&logged, audience)).await?;
            }
        }
        cursor = page.through;
        if let Some(attached) = join(c, Resume::Vouched(&cursor))? {
            return Ok(attached);
        }
    }
    // Too far behind to be worth replaying: the client reloads instead.
    reset(session, c).await
}

/// Joins the hub; `None` when it cannot serve from there yet.
fn join<L>(c: &Connection<L>, resume: Resume<'_>) -> Result<Option<Attached>, Option<Closing>> {
    match c.hub.attach(c.subscription, resume) {
        Attach::Attached(attached) => Ok(Some(attached)),
        Attach::Behind => Ok(None),
        Attach::Stopping => Err(Some(Closing::Stopping)),
    }
}

/// Joins from now on: the hub always can, unless it is stopping.
fn join_live<L>(c: &Connection<L>) -> Result<Attached, Option<Closing>> {
    join(c, Resume::Live)?.ok_or(Some(Closing::Stopping))
}

/// Joins live, then tells the client to reload: events it should have had
/// are gone. Joining first leaves nothing between the reset and what follows.
async fn reset<L>(session: &mut Session, c: &Connection<L>) -> Result<Attached, Option<Closing>> {
    let attached = join_live(c)?;
    send(session, c, c.hub.wire().reset()).await?;
    Ok(attached)
}

/// Answers the client's pings, pings it, and ends the connection when it
/// goes quiet, closes, or its token expires.
async fn watch_client(
    mut session: Session,
    mut messages: MessageStream,
    ping_every: Duration,
    expires: Option<Instant>,
) -> Option<Closing> {
    // The first ping one interval in, not at once.
    let mut pings = interval_at(Instant::now() + ping_every, ping_every);
    let mut heard = Instant::now();
    // Far enough never to fire when the token has no end.
    let never = Instant::now() + Duration::from_secs(86_400 * 365);
    let expiry = sleep_until(expires.unwrap_or(never));
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            message = messages.recv() => match message {
                Some(Ok(Message::Ping(bytes))) => {
                    heard = Instant::now();
                    timeout(ping_every, session.pong(&bytes)).await.ok()?.ok()?;
                }
                Some(Ok(Message::Close(_))) => {
                    let _ = session.close(None).await;
                    return None;
                }
                Some(Err(_)) | None => return None,
                // Anything else the client sends only shows it is alive.
                Some(Ok(_)) => heard = Instant::now(),
            },
            _ = pings.tick() => {
                if heard.elapsed() > ping_every * 3 {
                    return Some(Closing::Silent);
                }
                // A ping that cannot even be queued: the client reads nothing.
                match timeout(ping_every, session.ping(b"")).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => return None,
                    Err(_) => return Some(Closing::Silent),
                }
            }
            () = &mut expiry => return Some(Closing::TokenExpired),
        }
    }
}

/// Writes `first` and whatever else is already queued behind it, so a
/// burst costs one wake-up rather than one per message.
async fn send_batch<L>(
    session: &mut Session,
    c: &Connection<L>,
    first: ByteString,
    attached: &mut Attached,
) -> Result<(), Option<Closing>> {
    let mut next = Some(first);
    while let Some(text) = next {
        send(session, c, text).await?;
        next = attached.queue.try_recv().ok();
    }
    Ok(())
}

/// Writes one message. `Err(None)` when the client has gone; a client that
/// takes no message for three ping intervals is given up as lagging.
async fn send<L>(
    session: &mut Session,
    c: &Connection<L>,
    text: ByteString,
) -> Result<(), Option<Closing>> {
    match timeout(c.ping_every * 3, session.text(text)).await {
        Ok(Ok(())) => {
            c.hub.metrics().delivered.inc();
            Ok(())
        }
        Ok(Err(_)) => Err(None),
        Err(_) => Err(Some(Closing::Lagging)),
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::ids::{OrderId, UserId};
    use oms_domain::user::Actor;

    use super::*;

    #[test]
    fn only_staff_following_every_order_catch_up_far() {
        let as_role = |role| Actor {
            user: UserId::MIN,
            role,
        };
        let staff = Subscription::Orders {
            viewer: as_role(Role::Staff),
        };
        let customer = Subscription::Orders {
            viewer: as_role(Role::Customer),
        };
        let tracker = Subscription::Order {
            id: OrderId::MIN,
            viewer: Some(as_role(Role::Admin)),
        };
        assert_eq!(catch_up_pages(&staff), CATCH_UP_PAGES);
        assert_eq!(catch_up_pages(&customer), CATCH_UP_PAGES_UNLISTED);
        assert_eq!(catch_up_pages(&tracker), CATCH_UP_PAGES_UNLISTED);
    }
}
