//! The query of `GET /ws`.

use oms_ports::events::EventPosition;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::page::given;

/// Which events, from where.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Follow only this order (public tracking; no token needed).
    pub order: Option<String>,
    /// Resume after this event `id`: every later event the subscriber may
    /// see is replayed, then the feed goes live.
    pub since: Option<String>,
}

impl FeedQuery {
    /// The order to follow and where to resume; blank means not given.
    pub fn into_parts(self) -> (Option<String>, Option<EventPosition>) {
        (given(self.order), given(self.since).map(EventPosition::new))
    }
}
