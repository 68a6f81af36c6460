//! Webhook endpoints: where the shop's other systems are told of every
//! event, which events each wants, the secret deliveries are signed with,
//! and when an endpoint stops being sent anything.
//!
//! Deliveries and their retry schedule are in [`delivery`]; which URLs and
//! addresses an endpoint may have is in [`address`].

pub mod address;
pub mod delivery;

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use crate::event::OrderEvent;
use crate::ids::WebhookId;
use crate::note::Note;
use crate::timestamp::Timestamp;

pub use address::WebhookUrl;

/// The event every endpoint may be sent on request, to check it listens.
pub const PING: &str = "ping";

/// How long a rotated-out secret still signs deliveries, so a receiver
/// can switch secrets without refusing a delivery in between.
pub const RETIRED_SECRET_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The key deliveries are signed with: 32 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret([u8; 32]);

impl WebhookSecret {
    /// Wraps bytes drawn by an id source or read back from storage.
    pub fn from_bytes(bytes: [u8; 32]) -> WebhookSecret {
        WebhookSecret(bytes)
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    /// Never the key itself: it ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

/// A secret rotated out, still signing until `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetiredSecret {
    /// The old key.
    pub secret: WebhookSecret,
    /// When it stops signing.
    pub until: Timestamp,
}

/// Which events an endpoint is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventSelection {
    /// Every event, those added later included.
    All,
    /// These, by their names on the wire.
    Only(BTreeSet<&'static str>),
}

/// Why a list of event names is not a selection.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EventSelectionError {
    /// A name that is no event's.
    #[error("`{name}` is not an event (one of: {known})")]
    Unknown {
        /// Which entry.
        index: usize,
        /// The name given.
        name: String,
        /// The names there are.
        known: String,
    },
    /// An empty list (leave it out for every event).
    #[error("must name at least one event (leave it out for every event)")]
    Empty,
}

impl EventSelection {
    /// The name that stands for every event, those added later too.
    pub const EVERY: &'static str = "*";

    /// The selection of `names`, each an event's name on the wire or
    /// [`EventSelection::EVERY`], which takes in the others.
    ///
    /// # Errors
    /// [`EventSelectionError`] for an empty list or a name no event has.
    pub fn of<S: AsRef<str>>(names: &[S]) -> Result<EventSelection, EventSelectionError> {
        if names.is_empty() {
            return Err(EventSelectionError::Empty);
        }
        let mut chosen = BTreeSet::new();
        let mut every = false;
        for (index, name) in names.iter().enumerate() {
            let name = name.as_ref();
            if name == Self::EVERY {
                every = true;
                continue;
            }
            let Some(known) = OrderEvent::NAMES.iter().find(|n| **n == name) else {
                return Err(EventSelectionError::Unknown {
                    index,
                    name: name.to_owned(),
                    known: OrderEvent::NAMES.join(", "),
                });
            };
            chosen.insert(*known);
        }
        Ok(if every {
            EventSelection::All
        } else {
            EventSelection::Only(chosen)
        })
    }

    /// Whether an event named `name` is sent. A ping always is.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            EventSelection::All => true,
            EventSelection::Only(names) => name == PING || names.contains(name),
        }
    }

    /// The names chosen, every event's for [`EventSelection::All`].
    pub fn names(&self) -> Vec<&'static str> {
        match self {
            EventSelection::All => OrderEvent::NAMES.to_vec(),
            EventSelection::Only(names) => names.iter().copied().collect(),
        }
    }
}

/// Why an endpoint is sent nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisableReason {
    /// An admin turned it off.
    ByAdmin,
    /// It answered `410 Gone`.
    Gone,
    /// Every delivery failed for the whole failing window.
    Failing,
}

impl DisableReason {
    /// The reason's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DisableReason::ByAdmin => "byAdmin",
            DisableReason::Gone => "gone",
            DisableReason::Failing => "failing",
        }
    }

    /// The reason named `text` on the wire.
    pub fn parse(text: &str) -> Option<DisableReason> {
        [
            DisableReason::ByAdmin,
            DisableReason::Gone,
            DisableReason::Failing,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// Since when and why an endpoint is sent nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Disabled {
    /// Why.
    pub reason: DisableReason,
    /// Since when.
    pub at: Timestamp,
}

/// What became of one attempt, as far as the endpoint's health goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// A 2xx answer.
    Answered,
    /// `410 Gone`: the receiver asks to be sent nothing more.
    Gone,
    /// Anything else.
    Failed,
}

/// An endpoint the shop's events are sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    /// Its identity.
    pub id: WebhookId,
    /// Where deliveries go.
    pub url: WebhookUrl,
    /// Which events.
    pub events: EventSelection,
    /// What it is for, in the admin's words.
    pub description: Option<Note>,
    /// Why it is sent nothing, when it is not.
    pub disabled: Option<Disabled>,
    /// The key deliveries are signed with.
    pub secret: WebhookSecret,
    /// The key rotated out, still signing for a while.
    pub retired_secret: Option<RetiredSecret>,
    /// Since when every attempt has failed, while they do.
    pub failing_since: Option<Timestamp>,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Raised by every change, for compare-and-set writes.
    pub version: u64,
}

impl Webhook {
    /// Whether it is sent events.
    pub fn enabled(&self) -> bool {
        self.disabled.is_none()
    }

    /// The secrets that sign a delivery made at `at`: the current one,
    /// then the retired one while it lasts.
    pub fn signing_secrets(&self, at: Timestamp) -> Vec<&WebhookSecret> {
        let mut secrets = vec![&self.secret];
        if let Some(retired) = self.retired_secret.as_ref().filter(|r| at < r.until) {
            secrets.push(&retired.secret);
        }
        secrets
    }

    /// Replaces the secret with `fresh`; the old one signs too until
    /// [`RETIRED_SECRET_LIFETIME`] has passed.
    pub fn rotate(&mut self, fresh: WebhookSecret, at: Timestamp) {
        let old = std::mem::replace(&mut self.secret, fresh);
        self.retired_secret = Some(RetiredSecret {
            secret: old,
            until: at.plus(RETIRED_SECRET_LIFETIME),
        });
    }

    /// The endpoint after an attempt at `at` ended as `health`, when that
    /// changes it: an answer ends a failing spell, `410 Gone` disables it
    /// at once, and a failing spell as long as `disable_after` disables it.
    pub fn after_attempt(
        &self,
        health: Health,
        at: Timestamp,
        disable_after: Duration,
    ) -> Option<Webhook> {
        let mut next = self.clone();
        match health {
            Health::Answered => next.failing_since = None,
            Health::Gone => {
                next.disabled = self.disabled.or(Some(Disabled {
                    reason: DisableReason::Gone,
                    at,
                }));
            }
            Health::Failed => {
                let since = *next.failing_since.get_or_insert(at);
                if self.disabled.is_none() && at.since(since) >= disable_after {
                    next.disabled = Some(Disabled {
                        reason: DisableReason::Failing,
                        at,
                    });
                }
            }
        }
        (next != *self).then(|| {
            next.updated_at = at;
            next.version += 1;
            next
        })
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

    fn hook() -> Webhook {
        Webhook {
            id: WebhookId::from_uuid(Uuid::from_u128(1)),
            url: WebhookUrl::parse("https://example.com/hooks").unwrap(),
            events: EventSelection::All,
            description: None,
            disabled: None,
            secret: WebhookSecret::from_bytes([1; 32]),
            retired_secret: None,
            failing_since: None,
            created_at: at(0),
            updated_at: at(0),
            version: 1,
        }
    }

    #[test]
    fn a_selection_names_known_events_only() {
        let only = EventSelection::of(&["orderPlaced"]).unwrap();
        assert!(only.includes("orderPlaced"));
        assert!(!only.includes("orderStatusUpdated"));
        assert!(only.includes(PING), "a ping goes to every endpoint");
        let Err(EventSelectionError::Unknown { index, name, .. }) =
            EventSelection::of(&["orderPlaced", "orderLost"])
        else {
            panic!("an unknown name is refused")
        };
        assert_eq!((index, name.as_str()), (1, "orderLost"));
        assert_eq!(
            EventSelection::of::<&str>(&[]),
            Err(EventSelectionError::Empty)
        );
        assert_eq!(EventSelection::All.names(), OrderEvent::NAMES.to_vec());
    }

    #[test]
    fn the_wildcard_takes_in_every_other_name() {
        for names in [&["*"][..], &["*", "*"], &["orderPlaced", "*"]] {
            assert_eq!(
                EventSelection::of(names),
                Ok(EventSelection::All),
                "{names:?}"
            );
        }
        let Err(EventSelectionError::Unknown { index, .. }) = EventSelection::of(&["*", "nope"])
        else {
            panic!("an unknown name is refused beside the wildcard too")
        };
        assert_eq!(index, 1);
    }

    #[test]
    fn a_rotated_secret_signs_for_a_day() {
        let mut h = hook();
        h.rotate(WebhookSecret::from_bytes([2; 32]), at(0));
        assert_eq!(h.signing_secrets(at(10)).len(), 2);
        assert_eq!(h.signing_secrets(at(10))[0].as_bytes(), &[2; 32]);
        assert_eq!(h.signing_secrets(at(24 * 60 * 60)).len(), 1);
    }

    #[test]
    fn failing_for_the_window_disables_and_an_answer_forgives() {
        let window = Duration::from_secs(100);
        let h = hook();
        assert_eq!(h.after_attempt(Health::Answered, at(1), window), None);
        let failing = h.after_attempt(Health::Failed, at(1), window).unwrap();
        assert_eq!(failing.failing_since, Some(at(1)));
        assert_eq!(failing.version, 2);
        assert_eq!(
            failing.after_attempt(Health::Failed, at(50), window),
            None,
            "nothing to write while the spell goes on"
        );
        let off = failing
            .after_attempt(Health::Failed, at(101), window)
            .unwrap();
        assert_eq!(off.disabled.map(|d| d.reason), Some(DisableReason::Failing));
        let healed = failing
            .after_attempt(Health::Answered, at(60), window)
            .unwrap();
        assert_eq!(healed.failing_since, None);
    }

    #[test]
    fn gone_disables_at_once() {
        let off = hook()
            .after_attempt(Health::Gone, at(5), Duration::from_secs(100))
            .unwrap();
        assert_eq!(
            off.disabled,
            Some(Disabled {
                reason: DisableReason::Gone,
                at: at(5)
            })
        );
        assert!(!off.enabled());
    }
}
