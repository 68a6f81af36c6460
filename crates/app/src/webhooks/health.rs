//! What attempts say of their endpoint: an answer ends a failing spell,
//! `410 Gone` disables it, and failing for the whole window disables it.
//! The rule is the domain's ([`Webhook::after_attempt`]); this writes its
//! verdict, from the version read, under the one contention policy.

use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::Webhook;
use oms_domain::webhook::delivery::Outcome;
use oms_ports::store::Store;

use super::WebhookError;
use super::dispatch::Shared;
use crate::contention::{Attempt, Contention};

/// Records what `outcomes` (each attempt's time and end) say of the
/// endpoint `known` was read as; read again only when it changed meanwhile.
pub(crate) async fn note<S: Store, T, C, I>(
    shared: &Shared<S, T, C, I>,
    known: &Webhook,
    outcomes: &[(Timestamp, Outcome)],
) -> Result<(), WebhookError> {
    let window = shared.settings.disable_after;
    let id = known.id;
    let first = std::sync::atomic::AtomicBool::new(true);
    Contention::DEFAULT
        .retry(|| async {
            Attempt::of(
                async {
                    let read = if first.swap(false, std::sync::atomic::Ordering::Relaxed) {
                        known.clone()
                    } else {
                        match shared.store.get_webhook(id).await? {
                            Some(stored) => stored.webhook,
                            None => return Ok(()),
                        }
                    };
                    let verdict = outcomes.iter().fold(None::<Webhook>, |now, (at, outcome)| {
                        let base = now.as_ref().unwrap_or(&read);
                        base.after_attempt(outcome.health(), *at, window).or(now)
                    });
                    let Some(next) = verdict else {
                        return Ok(());
                    };
                    if let Some(off) = next.disabled.filter(|_| read.enabled()) {
                        tracing::warn!(webhook = %id, reason = off.reason.as_str(), "a webhook was disabled");
                    }
                    shared.store.update_webhook(&next, read.version, None).await?;
                    Ok(())
                }
                .await,
            )
        })
        .await
}
