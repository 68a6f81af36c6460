//! Business tests: every use case on the in-memory store, with a clock and
//! ids a test controls; mockall only where a failure must be injected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod catalog;
mod concurrency;
mod conservation;
mod customers;
mod events;
mod holds;
mod listing;
mod mocks;
mod place_order;
mod retries;
mod shipments;
mod status_flow;
mod support;
mod users;
