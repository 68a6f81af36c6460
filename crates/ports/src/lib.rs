//! What the OMS core needs from the outside world, as traits: stores that
//! keep products, customers, users, orders and the log of order events; a
//! clock; a source of ids; password hashing.
//!
//! Depends on `oms-domain`, `async-trait`, `thiserror` and tokio's tasks
//! and channels (for [`group::GroupCommit`] and [`events::WokenFeed`]); no
//! driver or framework type appears in any signature. Adapters implement
//! these traits; use cases in `oms-app` are generic over them. With the
//! `mock` feature every trait gets a `mockall` double (`MockOrderStore`, …).

#![warn(missing_docs)]

pub mod assembly;
pub mod catalog;
pub mod clock;
pub mod contention;
pub mod draft;
pub mod error;
pub mod events;
#[cfg(test)]
mod fixtures;
pub mod group;
pub mod ids;
pub mod ledger;
pub mod passwords;
pub mod query;
pub mod store;
