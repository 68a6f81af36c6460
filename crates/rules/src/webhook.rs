//! Webhook endpoints and deliveries as flat records of plain values, the
//! one way every store writes them and reads them back: times in Unix
//! milliseconds, secrets in hex, event selections as lists of names
//! (none for every event). A record that breaks a domain rule on the way
//! back is corrupt, never trusted. As documents, ids are `_id`.

use oms_domain::ids::{DeliveryId, WebhookId};
use oms_domain::note::Note;
use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::delivery::{Attempt, Delivery, DeliveryStatus};
use oms_domain::webhook::{
    DisableReason, Disabled, EventSelection, RetiredSecret, Webhook, WebhookSecret, WebhookUrl,
};
use oms_ports::error::{StoreError, corrupt, field};
use serde::{Deserialize, Serialize};

/// A [`Webhook`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct WebhookRecord {
    #[serde(rename = "_id")]
    pub id: String,
    pub url: String,
    /// `None` for every event.
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<i64>,
    pub secret: String,
    pub retired_secret: Option<String>,
    pub retired_until: Option<i64>,
    pub failing_since: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// An [`Attempt`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AttemptRecord {
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// A [`Delivery`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DeliveryRecord {
    #[serde(rename = "_id")]
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub event_id: String,
    pub body: String,
    pub status: String,
    pub attempts: Vec<AttemptRecord>,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(name: &str, text: &str) -> Result<WebhookSecret, StoreError> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return Err(corrupt(format_args!("{name}: not 32 bytes of hex")));
    }
    let mut bytes = [0u8; 32];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks(2)) {
        let pair = std::str::from_utf8(pair).unwrap_or("zz");
        *byte = field(name, u8::from_str_radix(pair, 16))?;
    }
    Ok(WebhookSecret::from_bytes(bytes))
}

fn time(name: &str, millis: i64) -> Result<Timestamp, StoreError> {
    field(name, Timestamp::from_unix_millis(millis))
}

fn times(name: &str, millis: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    millis.map(|m| time(name, m)).transpose()
}

fn wide(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl WebhookRecord {
    /// The record of `webhook`.
    pub fn of(webhook: &Webhook) -> WebhookRecord {
        WebhookRecord {
            id: webhook.id.to_string(),
            url: webhook.url.as_str().to_owned(),
            events: match &webhook.events {
                EventSelection::All => None,
                EventSelection::Only(names) => {
                    Some(names.iter().map(|n| (*n).to_owned()).collect())
                }
            },
            description: webhook.description.as_ref().map(|d| d.as_str().to_owned()),
            disabled_reason: webhook.disabled.map(|d| d.reason.as_str().to_owned()),
            disabled_at: webhook.disabled.map(|d| d.at.unix_millis()),
            secret: hex(webhook.secret.as_bytes()),
            retired_secret: webhook
                .retired_secret
                .as_ref()
                .map(|r| hex(r.secret.as_bytes())),
            retired_until: webhook
                .retired_secret
                .as_ref()
                .map(|r| r.until.unix_millis()),
            failing_since: webhook.failing_since.map(Timestamp::unix_millis),
            created_at: webhook.created_at.unix_millis(),
            updated_at: webhook.updated_at.unix_millis(),
            version: wide(webhook.version),
        }
    }

    /// The webhook this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the first field that is corrupt.
    pub fn into_webhook(self) -> Result<Webhook, StoreError> {
        let disabled = match (self.disabled_reason, self.disabled_at) {
            (Some(reason), Some(at)) => Some(Disabled {
                reason: DisableReason::parse(&reason)
                    .ok_or_else(|| corrupt(format_args!("disabledReason: {reason}")))?,
                at: time("disabledAt", at)?,
            }),
            _ => None,
        };
        let retired_secret = match (self.retired_secret, self.retired_until) {
            (Some(secret), Some(until)) => Some(RetiredSecret {
                secret: unhex("retiredSecret", &secret)?,
                until: time("retiredUntil", until)?,
            }),
            _ => None,
        };
        Ok(Webhook {
            id: field("id", self.id.parse::<WebhookId>())?,
            url: field("url", WebhookUrl::parse(&self.url))?,
            events: match self.events {
                None => EventSelection::All,
                Some(names) => field("events", EventSelection::of(&names))?,
            },
            description: self
                .description
                .map(|d| field("description", Note::parse(&d)))
                .transpose()?,
            disabled,
            secret: unhex("secret", &self.secret)?,
            retired_secret,
            failing_since: times("failingSince", self.failing_since)?,
            created_at: time("createdAt", self.created_at)?,
            updated_at: time("updatedAt", self.updated_at)?,
            version: field("version", u64::try_from(self.version))?,
        })
    }
}

impl DeliveryRecord {
    /// The record of `delivery`.
    pub fn of(delivery: &Delivery) -> DeliveryRecord {
        DeliveryRecord {
            id: delivery.id.to_string(),
            webhook_id: delivery.webhook.to_string(),
            event: delivery.event.clone(),
            event_id: delivery.event_id.clone(),
            body: delivery.body.clone(),
            status: delivery.status.as_str().to_owned(),
            attempts: delivery
                .attempts
                .iter()
                .map(|a| AttemptRecord {
                    at: a.at.unix_millis(),
                    status_code: a.status_code.map(i32::from),
                    error: a.error.clone(),
                    duration_ms: wide(a.duration_ms),
                })
                .collect(),
            next_attempt_at: delivery.next_attempt_at.map(Timestamp::unix_millis),
            created_at: delivery.created_at.unix_millis(),
        }
    }

    /// The delivery this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the first field that is corrupt.
    pub fn into_delivery(self) -> Result<Delivery, StoreError> {
        let attempts = self
            .attempts
            .into_iter()
            .map(|a| {
                Ok(Attempt {
                    at: time("attempts.at", a.at)?,
                    status_code: a
                        .status_code
                        .map(|c| field("attempts.statusCode", u16::try_from(c)))
                        .transpose()?,
                    error: a.error,
                    duration_ms: field("attempts.durationMs", u64::try_from(a.duration_ms))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Delivery {
            id: field("id", self.id.parse::<DeliveryId>())?,
            webhook: field("webhookId", self.webhook_id.parse::<WebhookId>())?,
            event: self.event,
            event_id: self.event_id,
            body: self.body,
            status: DeliveryStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format_args!("status: {}", self.status)))?,
            attempts,
            next_attempt_at: times("nextAttemptAt", self.next_attempt_at)?,
            created_at: time("createdAt", self.created_at)?,
        })
    }
}
