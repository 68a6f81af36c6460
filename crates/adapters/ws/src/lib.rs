//! The live order feed over WebSockets.
//!
//! Each `oms` process runs one [`follower`] that reads its store's event
//! log and hands every event, in commit order, to the process's
//! [`hub::Hub`]. The hub keeps the latest events and fans each one out to
//! the connections that may see it, each through a bounded queue: a
//! subscriber that falls behind is dropped (it resumes with `since`) and
//! never slows the others, and the order path never waits for the feed at
//! all. A connection ([`session`]) first catches up from the log after the
//! position it names, then follows the hub with no gap and no repeat.
//!
//! Who may hear of which order, and how much, is the domain's visibility
//! rule ([`subscription`]); how a message looks on the wire is the API's,
//! handed in as a [`wire::Wire`].
//!
//! Depends on the domain, the ports, actix-web and actix-ws; knows no routes.

pub mod admission;
pub mod close;
pub mod follower;
pub mod hub;
pub mod metrics;
pub mod session;
pub mod subscription;
pub mod wire;
