// The HTTP tests that hold on every store, for the per-store binaries
// (`api_sqlite`, `api_mongo`) to include after naming their `STORE`; the
// `api` binary runs them on memory along with its own.

#[path = "../api/addresses.rs"]
mod addresses;
#[path = "../api/after_sale_lists.rs"]
mod after_sale_lists;
#[path = "../api/archive.rs"]
mod archive;
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
#[path = "../api/numbers.rs"]
mod numbers;
#[path = "../api/operations.rs"]
mod operations;
#[path = "../api/edits.rs"]
mod edits;
#[path = "../api/holds.rs"]
mod holds;
#[path = "../api/returns.rs"]
mod returns;
#[path = "../api/order_changes.rs"]
mod order_changes;
#[path = "../api/orders.rs"]
mod orders;
#[path = "../api/security.rs"]
mod security;
#[path = "../api/shipments.rs"]
mod shipments;
#[path = "../api/stores.rs"]
mod stores;
#[path = "../api/receiver.rs"]
mod receiver;
#[path = "../api/users.rs"]
mod users;
#[path = "../api/webhooks.rs"]
mod webhooks;
