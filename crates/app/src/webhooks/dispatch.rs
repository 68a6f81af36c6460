//! The dispatcher: one per process. It follows the event log only to
//! learn that something committed, keeps one worker per enabled endpoint
//! ([`super::worker`]), and hands each the shared parts. Workers of every
//! instance over one store share the work through the store: an event is
//! queued for an endpoint once (its position moves by compare-and-set)
//! and each attempt is made under one lease.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use oms_domain::ids::WebhookId;
use oms_domain::webhook::delivery::RetrySchedule;
use oms_ports::clock::Clock;
use oms_ports::events::EventLog;
use oms_ports::ids::IdSource;
use oms_ports::store::Store;
use oms_ports::webhooks::WebhookTransport;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Payloads;
use super::worker;

/// How deliveries are made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivering {
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// The pauses before each attempt.
    pub schedule: RetrySchedule,
    /// How long an endpoint may fail every delivery before it is disabled.
    pub disable_after: Duration,
    /// The `User-Agent` deliveries carry.
    pub user_agent: String,
    /// How long the log keeps a delivery once it is done.
    pub keep_done: Duration,
}

impl Delivering {
    /// How long an instance holds deliveries it attempts: well past the
    /// timeout, so a lease never runs out under a live attempt, and short
    /// enough that what an instance that died held is sent soon after.
    pub(crate) fn lease_for(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(5)
    }
}

/// What the dispatcher reports, for metrics.
pub trait DeliveryObserver: Send + Sync + 'static {
    /// An attempt ended, leaving its delivery `delivered`, `retrying` or
    /// `failed`.
    fn attempted(&self, outcome: &'static str);
    /// How long the endpoint's oldest undelivered event has waited (zero
    /// when nothing waits; `None` when the endpoint is gone or disabled).
    fn oldest_undelivered(&self, webhook: WebhookId, age: Option<Duration>);
}

/// Wakes every worker at once: something is to be sent now.
#[derive(Clone, Debug)]
pub struct Poke(Arc<watch::Sender<u64>>);

impl Poke {
    fn new() -> Poke {
        Poke(Arc::new(watch::channel(0).0))
    }

    /// Wakes the dispatcher and its workers.
    pub fn wake(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}

/// What every worker shares.
pub(crate) struct Shared<S, T, C, I> {
    pub store: S,
    pub transport: Arc<T>,
    pub clock: C,
    pub ids: I,
    pub settings: Delivering,
    pub policy: oms_domain::webhook::address::AddressPolicy,
    pub payloads: Arc<dyn Payloads>,
    pub observer: Arc<dyn DeliveryObserver>,
    /// Unique per process: whose leases are whose.
    pub owner: Arc<str>,
    pub poke: Poke,
    /// Bumped whenever the log has new events.
    pub commits: Poke,
}

/// The process's dispatcher.
pub struct Dispatcher<S, T, C, I> {
    shared: Arc<Shared<S, T, C, I>>,
}

impl<S, T, C, I> Clone for Dispatcher<S, T, C, I> {
    fn clone(&self) -> Self {
        Dispatcher {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S, T, C, I> std::fmt::Debug for Dispatcher<S, T, C, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("owner", &self.shared.owner)
            .finish_non_exhaustive()
    }
}

/// How often finished deliveries past the log's retention are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// How often the dispatcher looks for endpoints added or removed by
/// another instance, and refreshes the age of what waits.
const LOOK_EVERY: Duration = Duration::from_secs(2);

impl<S, T, C, I> Dispatcher<S, T, C, I>
where
    S: Store,
    T: WebhookTransport,
    C: Clock + Clone,
    I: IdSource + Clone,
{
    /// A dispatcher over `store` that calls endpoints through `transport`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: S,
        transport: Arc<T>,
        clock: C,
        ids: I,
        settings: Delivering,
        policy: oms_domain::webhook::address::AddressPolicy,
        payloads: Arc<dyn Payloads>,
        observer: Arc<dyn DeliveryObserver>,
    ) -> Self {
        let owner = format!("{}-{}", std::process::id(), ids.delivery_id());
        Dispatcher {
            shared: Arc::new(Shared {
                store,
                transport,
                clock,
                ids,
                settings,
                policy,
                payloads,
                observer,
                owner: owner.into(),
                poke: Poke::new(),
                commits: Poke::new(),
            }),
        }
    }

    pub(crate) fn payloads(&self) -> Arc<dyn Payloads> {
        Arc::clone(&self.shared.payloads)
    }

    pub(crate) fn poke(&self) -> Poke {
        self.shared.poke.clone()
    }

    pub(crate) fn owner(&self) -> Arc<str> {
        Arc::clone(&self.shared.owner)
    }

    /// Runs until dropped: follows the log for wake-ups and keeps a
    /// worker per enabled endpoint.
    pub async fn run(self) {
        // Following the log costs the store a reader (a change stream on
        // MongoDB): only while some endpoint is owed events.
        let mut ticker: Option<AbortOnDrop> = None;
        let mut workers: HashMap<WebhookId, AbortOnDrop> = HashMap::new();
        let mut pokes = self.shared.poke.subscribe();
        let mut pruned: Option<std::time::Instant> = None;
        loop {
            self.look(&mut workers).await;
            if workers.is_empty() {
                ticker = None;
            } else if ticker.is_none() {
                ticker = Some(AbortOnDrop(tokio::spawn(tick_on_commits(
                    self.shared.store.clone(),
                    self.shared.commits.clone(),
                ))));
            }
            if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                pruned = Some(std::time::Instant::now());
                self.prune().await;
            }
            tokio::select! {
                _ = pokes.changed() => {}
                () = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    }

    /// Forgets deliveries done for longer than the log keeps them.
    async fn prune(&self) {
        let Some(before) = self
            .shared
            .clock
            .now()
            .unix_millis()
            .checked_sub(
                i64::try_from(self.shared.settings.keep_done.as_millis()).unwrap_or(i64::MAX),
            )
            .and_then(|m| oms_domain::timestamp::Timestamp::from_unix_millis(m).ok())
        else {
            return;
        };
        match self.shared.store.forget_deliveries(before).await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(gone, "forgot webhook deliveries past the log's retention"),
            Err(e) => tracing::warn!(error = ?e, "old webhook deliveries could not be forgotten"),
        }
    }

    /// Starts workers for enabled endpoints and stops the others'.
    async fn look(&self, workers: &mut HashMap<WebhookId, AbortOnDrop>) {
        let endpoints = match self.shared.store.list_webhooks().await {
            Ok(all) => all,
            Err(e) => {
                tracing::warn!(error = ?e, "webhooks could not be listed");
                return;
            }
        };
        let enabled: Vec<WebhookId> = endpoints
            .iter()
            .filter(|s| s.webhook.enabled())
            .map(|s| s.webhook.id)
            .collect();
        workers.retain(|id, worker| {
            let keep = enabled.contains(id) && !worker.0.is_finished();
            if !keep {
                self.shared.observer.oldest_undelivered(*id, None);
            }
            keep
        });
        for id in enabled {
            workers.entry(id).or_insert_with(|| {
                AbortOnDrop(tokio::spawn(worker::work(Arc::clone(&self.shared), id)))
            });
            let age = match self.shared.store.oldest_pending(id).await {
                Ok(oldest) => oldest.map_or(Duration::ZERO, |at| self.shared.clock.now().since(at)),
                Err(_) => continue,
            };
            self.shared.observer.oldest_undelivered(id, Some(age));
        }
    }
}

/// A task stopped when its handle is dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Follows the log from its tail and bumps `commits` for every batch:
/// workers read the log from their own positions, so a lost event here
/// costs nothing but a wake-up (and the workers' own pause covers that).
async fn tick_on_commits<L: EventLog>(log: L, commits: Poke) {
    loop {
        let following = match log.tail().await {
            Ok(tail) => log.follow(tail).await,
            Err(e) => Err(e.into()),
        };
        let mut feed = match following {
            Ok(feed) => feed,
            Err(e) => {
                tracing::warn!(error = ?e, "webhooks cannot follow the event log");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        while let Ok(events) = feed.next_events(256).await {
            if !events.is_empty() {
                commits.wake();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
