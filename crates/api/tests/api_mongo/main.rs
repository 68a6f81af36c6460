//! The HTTP API tests again, over MongoDB (`OMS_TEST_MONGODB_URI`, a fresh
//! database per app): the same client-side expectations must hold on the
//! production store. Tests that need their own store or process stay in
//! the `api` binary only.

// Helpers outside #[test] functions panic on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Which store `helpers::spawn_app` puts under the API.
pub const STORE: stores::TestStore = stores::TestStore::Mongo;

include!("../shared/store_suite.rs");
