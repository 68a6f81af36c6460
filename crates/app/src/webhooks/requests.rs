//! What an admin sends to change webhooks, and how its parts are checked
//! into domain values (the URL's policy check needs the transport, so it
//! stays with the service).

use oms_domain::invalid::Validation;
use oms_domain::note::Note;
use oms_domain::webhook::{EventSelection, EventSelectionError, WebhookUrl};

/// A new endpoint, as the admin sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewWebhook {
    /// Where to send.
    pub url: String,
    /// Which events, by name; none (or `*`) for every event.
    pub events: Option<Vec<String>>,
    /// What it is for.
    pub description: Option<String>,
}

/// An admin's change to an endpoint: what is given changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookChange {
    /// A new URL.
    pub url: Option<String>,
    /// Other events (`*` for every event).
    pub events: Option<Vec<String>>,
    /// A new description (empty removes it).
    pub description: Option<String>,
    /// Enable (owed only what happens from then on) or disable.
    pub enabled: Option<bool>,
}

/// Which deliveries to list, as the admin asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryList {
    /// `pending`, `delivered` or `failed`.
    pub status: Option<String>,
    /// Page size.
    pub limit: Option<i64>,
    /// From a previous page.
    pub cursor: Option<String>,
}

/// Every event, in an event list.
pub const EVERY_EVENT: &str = EventSelection::EVERY;

pub(super) fn events(v: &mut Validation, names: Option<&[String]>) -> Option<EventSelection> {
    let names = names?;
    match EventSelection::of(names) {
        Ok(selection) => Some(selection),
        Err(e @ EventSelectionError::Unknown { index, .. }) => {
            v.fail(format!("events[{index}]"), e);
            None
        }
        Err(e) => {
            v.fail("events", e);
            None
        }
    }
}

pub(super) fn description(v: &mut Validation, text: Option<&str>) -> Option<Option<Note>> {
    let text = text?;
    if text.trim().is_empty() {
        return Some(None);
    }
    v.check("description", Note::parse(text)).map(Some)
}

/// A change, its parts valid.
pub(super) struct Edit {
    pub url: Option<WebhookUrl>,
    pub events: Option<EventSelection>,
    pub description: Option<Option<Note>>,
    pub enabled: Option<bool>,
}
