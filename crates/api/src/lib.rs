//! The OMS over HTTP: actix-web routes, bearer-token auth, problem+json
//! errors, rate limits, security headers, metrics and the OpenAPI
//! document, wired to the use cases of `oms-app` over any `Store`.
//!
//! The only crate that knows every other; concrete adapters are chosen in
//! `main.rs` and `state.rs`.

pub mod auth;
pub mod cli;
pub mod client_ip;
pub mod commands;
pub mod currency;
pub mod dto;
pub mod export;
pub mod fallback;
pub mod feed;
pub mod headers;
pub mod holds;
pub mod json;
pub mod kept_key;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod peer;
pub mod probe;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
pub mod routes;
pub mod secret;
pub mod seed;
pub mod settings;
pub mod sign_in;
pub mod startup;
pub mod state;
pub mod static_pages;
pub mod telemetry;
pub mod webhooks;
