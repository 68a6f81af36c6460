//! One hub per process: the events the follower handed over, and the
//! connections they go out to.
//!
//! The hub has delivered, in log order, every event after the position the
//! follower started from, and keeps the latest of them (`recent`, covering
//! positions after `floor` up to `last`). A connection attaching with a
//! position inside that window gets the rest of the window replayed and
//! then every later event, all decided under one lock, so nothing falls
//! between replay and live and nothing comes twice. Each connection has a
//! bounded queue; a full queue drops the connection, never the event for
//! the others.
//!
//! Longer than most files here: the window, the subscribers and the
//! operations on them (attach, deliver, reset, stop) share one lock and
//! one set of invariants, and split apart they would reach into each
//! other's state.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, OnceLock};

use bytestring::ByteString;
use oms_domain::visibility::Audience;
use oms_ports::events::{EventPosition, LoggedEvent};
use parking_lot::Mutex;
use tokio::sync::mpsc;

use crate::admission::{Admission, Admissions, Applicant, Refused};
use crate::close::Closing;
use crate::metrics::FeedMetrics;
use crate::subscription::Subscription;
use crate::wire::SharedWire;

/// How big the hub's buffers are and how many connections it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubSettings {
    /// Events kept for connections that resume from a recent position.
    pub recent: usize,
    /// Messages one connection may have waiting before it is dropped.
    pub queue: usize,
    /// Open connections at most; more are refused (a tenth kept for staff).
    pub max_connections: usize,
    /// Open connections one client address may hold outside staff's.
    pub max_per_client: usize,
}

impl Default for HubSettings {
    fn default() -> Self {
        HubSettings {
            recent: 4_096,
            queue: 1_024,
            max_connections: 10_000,
            max_per_client: 32,
        }
    }
}

/// The process's hub. Clones share it.
#[derive(Clone)]
pub struct Hub(Arc<Shared>);

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("settings", &self.0.settings)
            .finish_non_exhaustive()
    }
}

struct Shared {
    state: Mutex<State>,
    wire: SharedWire,
    settings: HubSettings,
    metrics: FeedMetrics,
    admissions: Admissions,
}

struct State {
    /// Every delivered event after this is in `recent`.
    floor: EventPosition,
    /// The newest event delivered, or where the follower started.
    last: EventPosition,
    recent: VecDeque<Arc<Delivered>>,
    subscribers: HashMap<u64, Subscriber>,
    next_id: u64,
    stopping: bool,
}

/// An event and its envelope for each audience, made when first needed.
struct Delivered {
    logged: LoggedEvent,
    texts: [OnceLock<ByteString>; 3],
}

impl Delivered {
    fn text(&self, audience: Audience, wire: &SharedWire) -> ByteString {
        let slot = match audience {
            Audience::Public => 0,
            Audience::Owner => 1,
            Audience::Staff => 2,
        };
        self.texts[slot]
            .get_or_init(|| wire.event(&self.logged, audience))
            .clone()
    }
}

impl State {
    /// Whether `position` is one the hub has delivered (or started from)
    /// and can still replay after.
    fn holds(&self, position: &EventPosition) -> bool {
        *position == self.floor
            || *position == self.last
            || self
                .recent
                .binary_search_by(|d| d.logged.position.cmp(position))
                .is_ok()
    }
}

struct Subscriber {
    subscription: Subscription,
    /// Events up to here reached the connection before it attached.
    after: Option<EventPosition>,
    queue: mpsc::Sender<ByteString>,
    ended: Arc<OnceLock<Closing>>,
}

/// Where a connection joins the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume<'a> {
    /// From now on.
    Live,
    /// After a position the client named: taken only when the hub holds
    /// exactly that position, since the hub cannot tell a made-up one.
    Claimed(&'a EventPosition),
    /// After a position a store read vouched for
    /// ([`oms_ports::events::EventPage::through`]): everything up to it has
    /// reached the connection.
    Vouched(&'a EventPosition),
}

/// The outcome of [`Hub::attach`].
#[derive(Debug)]
pub enum Attach {
    /// Following the hub from now on.
    Attached(Attached),
    /// The hub cannot serve from that position: read the store after it.
    Behind,
    /// The server is stopping.
    Stopping,
}

/// A connection's place in the hub: what to send first, then its queue.
/// Dropping it leaves the hub.
pub struct Attached {
    /// Recent events after the resume position, to send before the queue.
    pub replay: Vec<ByteString>,
    /// Live events, in order.
    pub queue: mpsc::Receiver<ByteString>,
    ended: Arc<OnceLock<Closing>>,
    id: u64,
    hub: Hub,
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attached")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Attached {
    /// Why the queue closed, once it has.
    pub fn ended(&self) -> Closing {
        self.ended.get().copied().unwrap_or(Closing::Stopping)
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        self.hub.0.state.lock().subscribers.remove(&self.id);
    }
}

impl Hub {
    /// A hub whose follower starts after `start`.
    pub fn new(
        start: EventPosition,
        wire: SharedWire,
        settings: HubSettings,
        metrics: FeedMetrics,
    ) -> Hub {
        Hub(Arc::new(Shared {
            state: Mutex::new(State {
                floor: start.clone(),
                last: start,
                recent: VecDeque::new(),
                subscribers: HashMap::new(),
                next_id: 0,
                stopping: false,
            }),
            wire,
            settings,
            admissions: Admissions::new(
                settings.max_connections,
                settings.max_per_client,
                metrics.open.clone(),
            ),
            metrics,
        }))
    }

    /// The newest position the hub has delivered (or started from).
    pub fn last(&self) -> EventPosition {
        self.0.state.lock().last.clone()
    }

    /// How messages look on the wire.
    pub fn wire(&self) -> &SharedWire {
        &self.0.wire
    }

    /// The feed's counters.
    pub fn metrics(&self) -> &FeedMetrics {
        &self.0.metrics
    }

    /// A place for one more connection, unless a limit is reached.
    ///
    /// # Errors
    /// [`Refused`] saying which limit.
    pub fn admit(&self, applicant: Applicant) -> Result<Admission, Refused> {
        self.0.admissions.admit(applicant)
    }

    /// Joins `subscription` to the hub where `resume` says, replaying what
    /// the hub holds after that position first.
    pub fn attach(&self, subscription: Subscription, resume: Resume<'_>) -> Attach {
        let mut state = self.0.state.lock();
        if state.stopping {
            return Attach::Stopping;
        }
        let (replay_after, after) = match resume {
            Resume::Live => (None, None),
            Resume::Claimed(position) if state.holds(position) => (Some(position.clone()), None),
            Resume::Claimed(_) => return Attach::Behind,
            Resume::Vouched(position) if *position < state.floor => return Attach::Behind,
            Resume::Vouched(position) if *position <= state.last => (Some(position.clone()), None),
            // Ahead of the follower: skip what the connection already has.
            Resume::Vouched(position) => (None, Some(position.clone())),
        };
        let wire = &self.0.wire;
        let replay = replay_after.map_or_else(Vec::new, |from| {
            let start = state.recent.partition_point(|d| d.logged.position <= from);
            state
                .recent
                .range(start..)
                .filter_map(|d| {
                    let audience = subscription.audience(&d.logged.event)?;
                    Some(d.text(audience, wire))
                })
                .collect()
        });
        let (queue, receiver) = mpsc::channel(self.0.settings.queue.max(1));
        let ended = Arc::new(OnceLock::new());
        let id = state.next_id;
        state.next_id += 1;
        state.subscribers.insert(
            id,
            Subscriber {
                subscription,
                after,
                queue,
                ended: Arc::clone(&ended),
            },
        );
        Attach::Attached(Attached {
            replay,
            queue: receiver,
            ended,
            id,
            hub: self.clone(),
        })
    }

    /// Hands `events`, the follower's next in log order, to every
    /// connection that may see them.
    pub fn deliver(&self, events: Vec<LoggedEvent>) {
        let mut state = self.0.state.lock();
        let wire = &self.0.wire;
        let mut lagging = Vec::new();
        for logged in events {
            if logged.position <= state.last {
                continue;
            }
            let delivered = Arc::new(Delivered {
                logged,
                texts: Default::default(),
            });
            let position = &delivered.logged.position;
            for (id, subscriber) in &mut state.subscribers {
                if let Some(after) = &subscriber.after {
                    if position <= after {
                        continue;
                    }
                    subscriber.after = None;
                }
                let Some(audience) = subscriber.subscription.audience(&delivered.logged.event)
                else {
                    continue;
                };
                if subscriber
                    .queue
                    .try_send(delivered.text(audience, wire))
                    .is_err()
                {
                    lagging.push(*id);
                }
            }
            state.last = position.clone();
            state.recent.push_back(delivered);
            while state.recent.len() > self.0.settings.recent.max(1) {
                if let Some(old) = state.recent.pop_front() {
                    state.floor = old.logged.position.clone();
                }
            }
        }
        self.drop_all(&mut state, lagging, Closing::Lagging);
    }

    /// The follower lost events it had not delivered: every connection is
    /// told to reload, and the window starts again after `start`.
    pub fn reset(&self, start: EventPosition) {
        let mut state = self.0.state.lock();
        state.recent.clear();
        state.floor = start.clone();
        state.last = start;
        let mut lagging = Vec::new();
        for (id, subscriber) in &mut state.subscribers {
            subscriber.after = None;
            if subscriber.queue.try_send(self.0.wire.reset()).is_err() {
                lagging.push(*id);
            }
        }
        self.drop_all(&mut state, lagging, Closing::Lagging);
    }

    /// Ends every connection (the server is stopping) and takes no more.
    pub fn stop(&self) {
        let mut state = self.0.state.lock();
        state.stopping = true;
        let everyone: Vec<u64> = state.subscribers.keys().copied().collect();
        self.drop_all(&mut state, everyone, Closing::Stopping);
    }

    fn drop_all(&self, state: &mut State, ids: Vec<u64>, why: Closing) {
        for id in ids {
            if let Some(subscriber) = state.subscribers.remove(&id) {
                let _ = subscriber.ended.set(why);
                if why == Closing::Lagging && !subscriber.queue.is_closed() {
                    self.0.metrics.dropped_for_lag.inc();
                }
            }
        }
    }
}
