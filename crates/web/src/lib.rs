//! The pages a person uses: sign-in, placing an order, tracking it, and the
//! admin dashboard. They are static files (HTML, one stylesheet, ES
//! modules) that call the public REST API and the `/ws` feed like any other
//! client, so they could be served from any static host; here they are
//! embedded in the binary and served by [`configure`].
//!
//! Release builds embed `assets/`; debug builds read it from disk, so an
//! edited page shows on reload.

pub mod assets;
pub mod pages;
mod serve;

pub use serve::{configure, not_found};
