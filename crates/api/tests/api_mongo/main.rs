//! The HTTP API tests again, over MongoDB (`OMS_TEST_MONGODB_URI`, a fresh
//! database per app): the same client-side expectations must hold on the
//! production store. Tests that need their own store or process stay in
//! the `api` binary only.

// Helpers outside #[test] functions panic on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Which store `helpers::spawn_app` puts under the API.
pub const ON_MONGO: bool = true;

#[path = "../api/auth.rs"]
mod auth;
#[path = "../api/authz.rs"]
mod authz;
#[path = "../api/catalog.rs"]
mod catalog;
#[path = "../api/export.rs"]
mod export;
#[path = "../api/feed.rs"]
mod feed;
#[path = "../api/feed_client.rs"]
mod feed_client;
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/operations.rs"]
mod operations;
#[path = "../api/orders.rs"]
mod orders;
#[path = "../api/security.rs"]
mod security;
