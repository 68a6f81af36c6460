//! The pages a person uses: sign-in, placing an order, tracking it, and the
//! admin dashboard. They are static files (HTML, one stylesheet, ES
//! modules) that call the public REST API and the `/ws` feed like any other
//! client, so they could be served from any static host; here they are
//! embedded in the binary and served by [`configure`].
//!
//! Every build embeds `assets/` (debug builds too: a build that read them
//! from the source tree at run time would serve nothing when its target
//! directory is shared with a checkout elsewhere); an edit shows after a
//! rebuild.

pub mod assets;
pub mod pages;
mod serve;

pub use serve::{configure, not_found};
