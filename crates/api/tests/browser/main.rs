//! The pages in a real browser: headless Chromium driven over WebDriver
//! (`chromedriver`), against the whole service on the in-memory store.
//! Without a driver these tests say `SKIP` loudly and pass, unless
//! `OMS_REQUIRE_BROWSER=1`, which makes a missing driver a failure.

// Helpers outside #[test] functions panic on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Which store `helpers::spawn_app` puts under the API.
pub const STORE: stores::TestStore = stores::TestStore::Memory;

mod accounts;
mod addresses;
mod admin_safety;
mod browser;
mod catalog;
mod flows;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
mod layout;
mod my_orders;
mod order_detail;
mod order_form;
#[path = "../api/receiver.rs"]
#[allow(dead_code)]
mod receiver;
mod resume;
mod returns;
mod sessions;
mod static_host;
mod steps;
#[path = "../api/stores.rs"]
#[allow(dead_code)]
mod stores;
mod tracking;
mod two_origins;
mod webhooks;
