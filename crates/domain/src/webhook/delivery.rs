//! One event's delivery to one endpoint: its attempts, and when the next
//! one is due under the retry schedule.

use std::time::Duration;

use crate::ids::{DeliveryId, WebhookId};
use crate::timestamp::Timestamp;

use super::Health;

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Not answered with a 2xx yet, and attempts are left.
    Pending,
    /// Answered with a 2xx.
    Delivered,
    /// Every attempt of the schedule failed (or the endpoint is gone).
    Failed,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 3] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
    ];

    /// The status's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status named `text` on the wire.
    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One call to the endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// When it was made.
    pub at: Timestamp,
    /// The answer's status code, when there was an answer.
    pub status_code: Option<u16>,
    /// What went wrong, when something did.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: u64,
}

/// What an attempt came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx.
    Delivered,
    /// `410 Gone`.
    Gone,
    /// Anything else; `retry_after` when the receiver asked for a pause.
    Failed {
        /// The receiver's `Retry-After`, on 429 and 503.
        retry_after: Option<Duration>,
    },
}

impl Outcome {
    /// What the outcome says of the endpoint.
    pub fn health(self) -> Health {
        match self {
            Outcome::Delivered => Health::Answered,
            Outcome::Gone => Health::Gone,
            Outcome::Failed { .. } => Health::Failed,
        }
    }
}

/// The pauses before each attempt: the first (usually zero) after the
/// event, each later one after the attempt before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

/// Why a schedule is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must list between 1 and {max} pauses")]
pub struct ScheduleError {
    /// The most pauses a schedule may list.
    pub max: usize,
}

impl RetrySchedule {
    /// Most attempts a schedule may make.
    pub const MAX_ATTEMPTS: usize = 30;

    /// The longest pause a receiver's `Retry-After` may ask for.
    pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

    /// A schedule of `pauses`.
    ///
    /// # Errors
    /// [`ScheduleError`] for none or more than [`RetrySchedule::MAX_ATTEMPTS`].
    pub fn new(pauses: Vec<Duration>) -> Result<RetrySchedule, ScheduleError> {
        if pauses.is_empty() || pauses.len() > Self::MAX_ATTEMPTS {
            return Err(ScheduleError {
                max: Self::MAX_ATTEMPTS,
            });
        }
        Ok(RetrySchedule(pauses))
    }

    /// The pauses.
    pub fn pauses(&self) -> &[Duration] {
        &self.0
    }

    /// When the first attempt of an event recorded at `at` is due.
    pub fn first(&self, at: Timestamp) -> Timestamp {
        at.plus(self.0.first().copied().unwrap_or_default())
    }

    /// The pause after the `made`-th attempt failed, if another is left.
    fn after(&self, made: usize, retry_after: Option<Duration>) -> Option<Duration> {
        let pause = *self.0.get(made)?;
        let asked = retry_after.unwrap_or_default().min(Self::MAX_RETRY_AFTER);
        Some(pause.max(asked))
    }
}

/// Most attempts a delivery remembers (replays may add more than the
/// schedule makes): the oldest give way.
pub const REMEMBERED_ATTEMPTS: usize = 50;

/// One event on its way to one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Its identity, the `webhook-id` header.
    pub id: DeliveryId,
    /// The endpoint.
    pub webhook: WebhookId,
    /// The event's name.
    pub event: String,
    /// The event's id (its position in the log, or the ping's own).
    pub event_id: String,
    /// The body sent, the same on every attempt.
    pub body: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made, oldest first.
    pub attempts: Vec<Attempt>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<Timestamp>,
    /// When it was queued.
    pub created_at: Timestamp,
}

impl Delivery {
    /// Records `attempt` and what it came to; the delivery is then
    /// delivered, failed, or pending until the schedule's next pause.
    pub fn record(&mut self, attempt: Attempt, outcome: Outcome, schedule: &RetrySchedule) {
        let at = attempt.at;
        self.attempts.push(attempt);
        if self.attempts.len() > REMEMBERED_ATTEMPTS {
            let extra = self.attempts.len() - REMEMBERED_ATTEMPTS;
            self.attempts.drain(..extra);
        }
        let next = match outcome {
            Outcome::Delivered | Outcome::Gone => None,
            Outcome::Failed { retry_after } => schedule.after(self.attempts.len(), retry_after),
        };
        match (outcome, next) {
            (Outcome::Delivered, _) => self.finish(DeliveryStatus::Delivered),
            (_, Some(pause)) => {
                self.status = DeliveryStatus::Pending;
                self.next_attempt_at = Some(at.plus(pause));
            }
            (_, None) => self.finish(DeliveryStatus::Failed),
        }
    }

    fn finish(&mut self, status: DeliveryStatus) {
        self.status = status;
        self.next_attempt_at = None;
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn at(s: u64) -> Timestamp {
        Timestamp::from_unix_millis(1_800_000_000_000)
            .unwrap()
            .plus(Duration::from_secs(s))
    }

    fn delivery() -> Delivery {
        Delivery {
            id: DeliveryId::from_uuid(Uuid::from_u128(1)),
            webhook: WebhookId::from_uuid(Uuid::from_u128(2)),
            event: "orderPlaced".into(),
            event_id: "1".into(),
            body: "{}".into(),
            status: DeliveryStatus::Pending,
            attempts: vec![],
            next_attempt_at: Some(at(0)),
            created_at: at(0),
        }
    }

    fn attempt(s: u64, code: u16) -> Attempt {
        Attempt {
            at: at(s),
            status_code: Some(code),
            error: None,
            duration_ms: 3,
        }
    }

    fn schedule() -> RetrySchedule {
        RetrySchedule::new(vec![
            Duration::ZERO,
            Duration::from_secs(5),
            Duration::from_secs(60),
        ])
        .unwrap()
    }

    #[test]
    fn failures_follow_the_schedule_then_fail() {
        let mut d = delivery();
        let failed = Outcome::Failed { retry_after: None };
        d.record(attempt(0, 500), failed, &schedule());
        assert_eq!(d.next_attempt_at, Some(at(5)));
        d.record(attempt(5, 500), failed, &schedule());
        assert_eq!(d.next_attempt_at, Some(at(65)));
        d.record(attempt(65, 500), failed, &schedule());
        assert_eq!(
            (d.status, d.next_attempt_at),
            (DeliveryStatus::Failed, None)
        );
        assert_eq!(d.attempts.len(), 3);
    }

    #[test]
    fn a_longer_retry_after_wins_and_a_shorter_one_does_not() {
        let mut d = delivery();
        let asked = |s| Outcome::Failed {
            retry_after: Some(Duration::from_secs(s)),
        };
        d.record(attempt(0, 429), asked(30), &schedule());
        assert_eq!(d.next_attempt_at, Some(at(30)));
        d.record(attempt(30, 503), asked(1), &schedule());
        assert_eq!(d.next_attempt_at, Some(at(90)));
    }

    #[test]
    fn delivered_and_gone_end_the_delivery() {
        let mut d = delivery();
        d.record(attempt(0, 204), Outcome::Delivered, &schedule());
        assert_eq!(
            (d.status, d.next_attempt_at),
            (DeliveryStatus::Delivered, None)
        );
        let mut gone = delivery();
        gone.record(attempt(0, 410), Outcome::Gone, &schedule());
        assert_eq!(gone.status, DeliveryStatus::Failed);
        assert_eq!(Outcome::Gone.health(), Health::Gone);
    }
}
