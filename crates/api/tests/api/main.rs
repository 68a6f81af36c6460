//! The API over HTTP, as a client sees it. One binary for link time.

// Helpers outside #[test] functions panic on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Which store `helpers::spawn_app` puts under the API.
pub const STORE: stores::TestStore = stores::TestStore::Memory;

mod addresses;
mod after_sale_lists;
mod archive;
mod auth;
mod authz;
mod bench_seed;
mod binary;
mod buyers;
mod catalog;
mod cli_accounts;
mod configuration;
mod crash;
mod deploy;
mod document;
mod edits;
mod embedded;
mod export;
mod export_pages;
mod feed;
mod feed_caps;
mod feed_client;
mod feed_messages;
mod flood;
mod helpers;
mod holds;
mod hot;
mod money;
mod mongo;
mod mongo_faults;
mod numbers;
mod operations;
mod order_changes;
mod orders;
mod outage;
mod pages;
mod proxies;
mod receiver;
mod return_window;
mod returns;
mod revocation;
mod security;
mod shipments;
mod sigterm;
mod stalls;
mod static_pages;
mod stores;
mod unknown_outcome;
mod users;
mod webhook_faults;
mod webhooks;
