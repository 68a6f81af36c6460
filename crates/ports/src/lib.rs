//! What the OMS core needs from the outside world, as traits: stores that
//! keep products, customers, users, orders and the log of order events; a
//! clock; a source of ids; password hashing.
//!
//! Contracts only: the traits, their errors, and the query, draft and
//! event types they speak in. The decisions stores share when they write
//! are in `oms-rules`; the async machinery they share is in `oms-commit`.
//!
//! Depends on `oms-domain`, `async-trait` and `thiserror`; no runtime, and
//! no driver or framework type appears in any signature. Adapters
//! implement these traits; use cases in `oms-app` are generic over them.
//! With the `mock` feature every trait gets a `mockall` double
//! (`MockOrderStore`, …).

#![warn(missing_docs)]

pub mod background;
pub mod clock;
pub mod draft;
pub mod error;
pub mod events;
pub mod ids;
pub mod passwords;
pub mod query;
pub mod store;
pub mod webhooks;
