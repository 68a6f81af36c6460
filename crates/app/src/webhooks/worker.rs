//! One endpoint's worker: queues the events after the endpoint's position,
//! takes what is due, calls the endpoint, records each attempt, and sleeps
//! until the log moves, someone pokes, or the next delivery falls due.
//! A round's attempts run side by side (up to [`IN_FLIGHT`]); a slow
//! answer holds back its endpoint's next round (at most the timeout), but
//! endpoints never wait for each other, each having its own worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use oms_domain::ids::WebhookId;
use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::Webhook;
use oms_domain::webhook::delivery::{Attempt, Delivery, DeliveryStatus, Outcome};
use oms_ports::clock::Clock;
use oms_ports::error::StoreError;
use oms_ports::events::ReadEventsError;
use oms_ports::ids::IdSource;
use oms_ports::store::Store;
use oms_ports::webhooks::{Answer, EnqueueError, Lease, Outgoing, StoredWebhook, WebhookTransport};

use super::dispatch::Shared;
use super::health;
use super::signing::signature;

/// Events read from the log at once.
const BATCH: usize = 256;
/// Due deliveries taken at once.
const CLAIM: usize = 64;
/// Attempts one endpoint's worker makes side by side.
const IN_FLIGHT: usize = 16;
/// The longest a worker sleeps without looking (another instance may
/// have queued or retried something without this one hearing of it).
const IDLE: Duration = Duration::from_secs(5);
/// The pause after the store failed.
const AFTER_FAILURE: Duration = Duration::from_secs(1);

/// Works for endpoint `id` until it is gone or disabled.
pub(crate) async fn work<S, T, C, I>(shared: Arc<Shared<S, T, C, I>>, id: WebhookId)
where
    S: Store,
    T: WebhookTransport,
    C: Clock + Clone,
    I: IdSource + Clone,
{
    let mut commits = shared.commits.subscribe();
    let mut pokes = shared.poke.subscribe();
    let mut committed = true;
    let mut read_at: Option<Instant> = None;
    loop {
        // The log is read when a commit was heard since the last read, or
        // after a quiet spell (the dispatcher's follower may have missed
        // one); a poke or a retry falling due alone does not read it, as
        // reading opens a change stream on MongoDB.
        committed |= commits.has_changed().unwrap_or(true);
        let read_log = committed || read_at.is_none_or(|at| at.elapsed() >= IDLE);
        if read_log {
            commits.borrow_and_update();
            committed = false;
            read_at = Some(Instant::now());
        }
        let pause = match step(&shared, id, read_log).await {
            Ok(None) => return,
            Ok(Some(pause)) => pause,
            Err(e) => {
                tracing::warn!(webhook = %id, error = ?e, "webhook deliveries stalled; trying again");
                read_at = None;
                AFTER_FAILURE
            }
        };
        tokio::select! {
            _ = commits.changed() => committed = true,
            _ = pokes.changed() => {}
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// One round (queueing what the log holds when `read_log`); how long to
/// sleep after it, or `None` when the endpoint is gone or disabled.
async fn step<S, T, C, I>(
    shared: &Shared<S, T, C, I>,
    id: WebhookId,
    read_log: bool,
) -> Result<Option<Duration>, StoreError>
where
    S: Store,
    T: WebhookTransport,
    C: Clock + Clone,
    I: IdSource + Clone,
{
    let Some(mut stored) = shared.store.get_webhook(id).await? else {
        return Ok(None);
    };
    if !stored.webhook.enabled() {
        return Ok(None);
    }
    let mut owed = if read_log {
        queue(shared, &mut stored).await?
    } else {
        Vec::new()
    };
    let now = shared.clock.now();
    if shared
        .store
        .next_due(id)
        .await?
        .is_some_and(|due| due <= now)
    {
        owed.extend(
            shared
                .store
                .claim_due(id, now, &lease(shared, now), CLAIM)
                .await?,
        );
    }
    if !owed.is_empty() {
        attempt_all(shared, &stored.webhook, owed).await;
    }
    let now = shared.clock.now();
    let pause = match shared.store.next_due(id).await? {
        Some(due) if due <= now => Duration::ZERO,
        Some(due) => due.since(now).min(IDLE),
        None => IDLE,
    };
    Ok(Some(pause))
}

fn lease<S, T, C: Clock, I>(shared: &Shared<S, T, C, I>, now: Timestamp) -> Lease {
    Lease {
        owner: shared.owner.to_string(),
        until: now.plus(shared.settings.lease_for()),
    }
}

/// Queues every event after the endpoint's position, and returns those
/// queued under this instance's lease, due now.
async fn queue<S, T, C, I>(
    shared: &Shared<S, T, C, I>,
    stored: &mut StoredWebhook,
) -> Result<Vec<Delivery>, StoreError>
where
    S: Store,
    C: Clock + Clone,
    I: IdSource + Clone,
{
    let mut owed = Vec::new();
    loop {
        let page = match shared.store.read_after(&stored.position, BATCH).await {
            Ok(page) => page,
            Err(ReadEventsError::Lost) => {
                restart_at_tail(shared, stored).await?;
                continue;
            }
            Err(ReadEventsError::Store(e)) => return Err(e),
        };
        if page.events.is_empty() && page.through == stored.position {
            return Ok(owed);
        }
        let now = shared.clock.now();
        let first = shared.settings.schedule.first(now);
        let held = if first <= now {
            lease(shared, now)
        } else {
            // Not due yet: any instance takes them when they are.
            Lease {
                owner: shared.owner.to_string(),
                until: now,
            }
        };
        let full = page.events.len() == BATCH;
        let deliveries: Vec<Delivery> = page
            .events
            .iter()
            .filter(|logged| stored.webhook.events.includes(logged.event.name()))
            .map(|logged| Delivery {
                id: shared.ids.delivery_id(),
                webhook: stored.webhook.id,
                event: logged.event.name().to_owned(),
                event_id: logged.position.as_str().to_owned(),
                body: shared.payloads.event(logged),
                status: DeliveryStatus::Pending,
                attempts: Vec::new(),
                next_attempt_at: Some(first),
                created_at: now,
            })
            .collect();
        let from = stored.position.clone();
        match shared
            .store
            .enqueue(stored.webhook.id, &from, &page.through, &deliveries, &held)
            .await
        {
            Ok(()) => {
                stored.position = page.through;
                if first <= now {
                    owed.extend(deliveries);
                }
            }
            Err(EnqueueError::Moved) => {
                // Another instance queued them; carry on from where it did.
                match shared.store.get_webhook(stored.webhook.id).await? {
                    Some(fresh) => *stored = fresh,
                    None => return Ok(owed),
                }
                continue;
            }
            Err(EnqueueError::Store(e)) => return Err(e),
        }
        if !full {
            return Ok(owed);
        }
    }
}

/// The endpoint's position fell out of the log's retention: what it
/// missed is gone, so it goes on from the tail, loudly.
async fn restart_at_tail<S: Store, T, C, I>(
    shared: &Shared<S, T, C, I>,
    stored: &mut StoredWebhook,
) -> Result<(), StoreError> {
    let tail = shared.store.tail().await?;
    tracing::error!(
        webhook = %stored.webhook.id,
        "events owed to a webhook are past the log's retention and will not be delivered"
    );
    match shared
        .store
        .update_webhook(&stored.webhook, stored.webhook.version, Some(tail.clone()))
        .await
    {
        Ok(()) => stored.position = tail,
        Err(_) => {
            if let Some(fresh) = shared.store.get_webhook(stored.webhook.id).await? {
                *stored = fresh;
            }
        }
    }
    Ok(())
}

/// Attempts every delivery in `owed`, side by side, records them all in
/// one write, and then what they say of the endpoint's health.
async fn attempt_all<S, T, C, I>(
    shared: &Shared<S, T, C, I>,
    webhook: &Webhook,
    owed: Vec<Delivery>,
) where
    S: Store,
    T: WebhookTransport,
    C: Clock + Clone,
{
    let (deliveries, outcomes): (Vec<Delivery>, Vec<(Timestamp, Outcome)>) =
        futures::stream::iter(owed)
            .map(|delivery| attempt(shared, webhook, delivery))
            .buffer_unordered(IN_FLIGHT)
            .map(|(delivery, at, outcome)| (delivery, (at, outcome)))
            .unzip()
            .await;
    match shared
        .store
        .record_attempts(&deliveries, &shared.owner)
        .await
    {
        Ok(written) => {
            let lost = written.iter().filter(|w| !**w).count();
            if lost > 0 {
                tracing::warn!(
                    webhook = %webhook.id,
                    lost,
                    "leases ran out during attempts; another instance may attempt those deliveries too"
                );
            }
        }
        Err(e) => {
            tracing::warn!(webhook = %webhook.id, error = ?e, "attempts could not be recorded")
        }
    }
    for d in &deliveries {
        shared.observer.attempted(match d.status {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Pending => "retrying",
            DeliveryStatus::Failed => "failed",
        });
    }
    if let Err(e) = health::note(shared, webhook, &outcomes).await {
        tracing::warn!(webhook = %webhook.id, error = ?e, "a webhook's health could not be recorded");
    }
}

/// One attempt of `delivery`: the delivery with it recorded, when it was
/// made and how it ended.
async fn attempt<S, T, C, I>(
    shared: &Shared<S, T, C, I>,
    webhook: &Webhook,
    mut delivery: Delivery,
) -> (Delivery, Timestamp, Outcome)
where
    S: Store,
    T: WebhookTransport,
    C: Clock + Clone,
{
    let at = shared.clock.now();
    let started = Instant::now();
    let answer = match shared.policy.check_url(&webhook.url) {
        Err(refused) => Answer::Refused(refused),
        Ok(()) => {
            shared
                .transport
                .post(&outgoing(shared, webhook, &delivery, at))
                .await
        }
    };
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (status_code, error, outcome) = judge(answer);
    delivery.record(
        Attempt {
            at,
            status_code,
            error,
            duration_ms,
        },
        outcome,
        &shared.settings.schedule,
    );
    (delivery, at, outcome)
}

fn outgoing<S, T, C, I>(
    shared: &Shared<S, T, C, I>,
    webhook: &Webhook,
    delivery: &Delivery,
    at: Timestamp,
) -> Outgoing {
    let id = delivery.id.to_string();
    let timestamp = at.unix_millis() / 1_000;
    let signed = signature(&webhook.signing_secrets(at), &id, timestamp, &delivery.body);
    Outgoing {
        url: webhook.url.clone(),
        headers: vec![
            ("webhook-id", id),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signed),
            ("user-agent", shared.settings.user_agent.clone()),
        ],
        body: delivery.body.clone(),
        timeout: shared.settings.timeout,
    }
}

/// What an answer means: its status code, what went wrong, and the outcome.
fn judge(answer: Answer) -> (Option<u16>, Option<String>, Outcome) {
    match answer {
        Answer::Status { code, .. } if (200..300).contains(&code) => {
            (Some(code), None, Outcome::Delivered)
        }
        Answer::Status { code: 410, .. } => (
            Some(410),
            Some("410 Gone: the endpoint is disabled".to_owned()),
            Outcome::Gone,
        ),
        Answer::Status { code, retry_after } => (
            Some(code),
            Some(format!("answered {code}")),
            Outcome::Failed {
                retry_after: retry_after.filter(|_| matches!(code, 429 | 503)),
            },
        ),
        Answer::Refused(why) => (
            None,
            Some(format!("url {why}")),
            Outcome::Failed { retry_after: None },
        ),
        Answer::Failed(why) => (None, Some(why), Outcome::Failed { retry_after: None }),
    }
}
