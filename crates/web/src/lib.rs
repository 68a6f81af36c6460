//! The pages a person uses: sign-in, placing an order, tracking it, and the
//! admin dashboard. They are static files (HTML, one stylesheet, ES
//! modules) that call the public REST API and the `/ws` feed like any other
//! client, so they could be served from any static host; here they are
//! embedded in the binary and served by [`configure`].
//!
//! Each page is its own part of `pages/` inside `pages/layout.html`,
//! assembled once at start by [`Site::new`] with the API's [`Limits`]:
//! no build step, and the server and `oms export-pages` send the same
//! bytes. The API fills the limits; this crate depends on no domain crate.
//!
//! Every build embeds `assets/` and `pages/` (debug builds too: a build
//! that read them from the source tree at run time would serve nothing
//! when its target directory is shared with a checkout elsewhere); an
//! edit shows after a rebuild.

pub mod assets;
mod layout;
pub mod limits;
pub mod pages;
mod serve;
pub mod site;

pub use limits::Limits;
pub use serve::{configure, not_found};
pub use site::Site;
