//! The decisions a store makes when it writes, written once for every
//! store: placing an order (replaying a used idempotency key, finding or
//! making the customer, pricing lines and reserving stock), revising one
//! (what a revision may change, releasing stock on cancellation), changing
//! a product, and tallying order summaries.
//!
//! Each store reads what a write needs inside its own atomic step, asks
//! these functions what to write, and writes it. Pure: depends on
//! `oms-domain` and `oms-ports` only, no runtime and no I/O.

#![warn(missing_docs)]

pub mod activity;
pub mod address;
pub mod after_sale;
pub mod assembly;
#[cfg(test)]
mod fixtures;
pub mod ledger;
pub mod line;
pub mod product;
pub mod revision;
pub mod shipment;
pub mod summary;
pub mod webhook;
