//! The HTTP API tests again, over the embedded SQLite store (a fresh file
//! per app): the default store must meet every client-side expectation
//! the others do.

// Helpers outside #[test] functions panic on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Which store `helpers::spawn_app` puts under the API.
pub const STORE: stores::TestStore = stores::TestStore::Sqlite;

include!("../shared/store_suite.rs");
