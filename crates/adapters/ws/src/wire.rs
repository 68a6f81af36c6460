//! What the feed sends: one JSON message per text frame. How a message
//! looks is the API's (typed views, listed in its OpenAPI document); the
//! hub and the connections only decide who gets which, and send it.

use std::sync::Arc;

use bytestring::ByteString;
use oms_domain::visibility::Audience;
use oms_ports::events::LoggedEvent;

/// Writes the feed's messages.
pub trait Wire: Send + Sync + 'static {
    /// The message for `logged`, as `audience` may see it.
    fn event(&self, logged: &LoggedEvent, audience: Audience) -> ByteString;

    /// The message telling a subscriber that events it should have had are
    /// gone: reload.
    fn reset(&self) -> ByteString;
}

/// A [`Wire`] the hub and its connections share.
pub type SharedWire = Arc<dyn Wire>;
