//! Webhook wire types (`/api/webhooks`, admins only).

use oms_app::webhooks::signing::secret_text;
use oms_app::webhooks::{DeliveryList, EVERY_EVENT, NewWebhook, WebhookChange};
use oms_domain::webhook::delivery::{Attempt, Delivery};
use oms_domain::webhook::{EventSelection, Webhook};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto::not_null;
use crate::dto::page::{given, parse_limit};
use crate::openapi::rules;
use crate::problem::ApiError;

/// `POST /api/webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where deliveries go.
    #[schema(schema_with = rules::webhook_url)]
    pub url: String,
    /// Which events; left out, every event.
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::webhook_events)]
    pub events: Option<Vec<String>>,
    /// What the endpoint is for.
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::webhook_description)]
    pub description: Option<String>,
}

impl From<CreateWebhookRequest> for NewWebhook {
    fn from(r: CreateWebhookRequest) -> Self {
        NewWebhook {
            url: r.url,
            events: r.events,
            description: r.description,
        }
    }
}

/// `PATCH /api/webhooks/{id}`: what is given changes.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    /// A new URL.
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::webhook_url)]
    pub url: Option<String>,
    /// Other events (`["*"]` for every event).
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::webhook_events)]
    pub events: Option<Vec<String>>,
    /// A new description; empty removes it.
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::webhook_description)]
    pub description: Option<String>,
    /// `false` stops deliveries; `true` starts them again, with what
    /// happens from then on (events meanwhile are not sent).
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::flag)]
    pub enabled: Option<bool>,
}

impl From<UpdateWebhookRequest> for WebhookChange {
    fn from(r: UpdateWebhookRequest) -> Self {
        WebhookChange {
            url: r.url,
            events: r.events,
            description: r.description,
            enabled: r.enabled,
        }
    }
}

/// An endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    /// Identity.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The events it is sent; `["*"]`: every event.
    pub events: Vec<String>,
    /// What it is for.
    pub description: Option<String>,
    /// Whether it is sent events.
    pub enabled: bool,
    /// Why it is not: `byAdmin`, `gone` (it answered 410) or `failing`
    /// (every delivery failed for `OMS_WEBHOOK_DISABLE_AFTER`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<&'static str>,
    /// Since when it is not (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub disabled_at: Option<String>,
    /// Since when every attempt has failed, while they do (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub failing_since: Option<String>,
    /// Until when the secret rotated out still signs (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub previous_secret_until: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// RFC 3339: the last change.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&Webhook> for WebhookView {
    fn from(w: &Webhook) -> Self {
        WebhookView {
            id: w.id.to_string(),
            url: w.url.as_str().to_owned(),
            events: match &w.events {
                EventSelection::All => vec![EVERY_EVENT.to_owned()],
                EventSelection::Only(names) => names.iter().map(|n| (*n).to_owned()).collect(),
            },
            description: w.description.as_ref().map(|d| d.as_str().to_owned()),
            enabled: w.enabled(),
            disabled_reason: w.disabled.map(|d| d.reason.as_str()),
            disabled_at: w.disabled.map(|d| d.at.to_string()),
            failing_since: w.failing_since.map(|t| t.to_string()),
            previous_secret_until: w.retired_secret.as_ref().map(|r| r.until.to_string()),
            created_at: w.created_at.to_string(),
            updated_at: w.updated_at.to_string(),
        }
    }
}

/// An endpoint with its signing secret, shown when it is made or rotated
/// and never again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookWithSecret {
    /// The endpoint.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_` and base64 of 32 random bytes: what receivers verify
    /// signatures with.
    pub secret: String,
}

impl From<&Webhook> for WebhookWithSecret {
    fn from(w: &Webhook) -> Self {
        WebhookWithSecret {
            webhook: WebhookView::from(w),
            secret: secret_text(&w.secret),
        }
    }
}

/// One call to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The answer's status, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// What went wrong, when something did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: u64,
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> Self {
        AttemptView {
            at: a.at.to_string(),
            status_code: a.status_code,
            error: a.error.clone(),
            duration_ms: a.duration_ms,
        }
    }
}

/// One event's delivery to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// Identity: the `webhook-id` header, the same on every attempt.
    pub id: String,
    /// The event's name (`ping` for a test).
    pub event: String,
    /// The event's id: the envelope's `id`.
    pub event_id: String,
    /// `pending`, `delivered` or `failed`.
    #[schema(schema_with = rules::delivery_status)]
    pub status: &'static str,
    /// Attempts, oldest first (the last 50).
    pub attempts: Vec<AttemptView>,
    /// When the next attempt is due, while pending (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub next_attempt_at: Option<String>,
    /// When it was queued (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        DeliveryView {
            id: d.id.to_string(),
            event: d.event.clone(),
            event_id: d.event_id.clone(),
            status: d.status.as_str(),
            attempts: d.attempts.iter().map(AttemptView::from).collect(),
            next_attempt_at: d.next_attempt_at.map(|t| t.to_string()),
            created_at: d.created_at.to_string(),
        }
    }
}

/// `GET /api/webhooks/{id}/deliveries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// Only deliveries in this status.
    #[param(schema_with = rules::delivery_status)]
    pub status: Option<String>,
    /// Page size.
    #[param(schema_with = rules::limit)]
    pub limit: Option<String>,
    /// The `nextCursor` of the previous page.
    #[param(schema_with = rules::cursor)]
    pub cursor: Option<String>,
}

impl DeliveryListQuery {
    /// The list the app takes.
    ///
    /// # Errors
    /// 422 when `limit` is not a whole number.
    pub fn into_app(self) -> Result<DeliveryList, ApiError> {
        Ok(DeliveryList {
            status: self.status,
            limit: parse_limit(self.limit.as_deref())?,
            cursor: given(self.cursor),
        })
    }
}
