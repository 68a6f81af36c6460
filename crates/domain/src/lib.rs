//! The order-management business in one crate.
//!
//! Values that can only hold valid data ([`email::Email`], [`money::Money`],
//! [`quantity::Quantity`], the ids), the entities built from them, the order
//! status machine ([`order::status::OrderStatus`]) and the stock reservation
//! arithmetic ([`stock`]).
//!
//! No async and no I/O: this crate depends only on `thiserror`, `uuid`
//! (parsing, never generation), `time` (types and RFC 3339 text) and
//! `email_address`. Ids and timestamps are made outside and handed in, so
//! every rule here is deterministic under test.

#![warn(missing_docs)]

pub mod address;
pub mod customer;
pub mod email;
pub mod event;
pub mod idempotency;
pub mod ids;
pub mod invalid;
pub mod money;
pub mod name;
pub mod note;
pub mod order;
pub mod password;
pub mod product;
pub mod quantity;
pub mod stock;
mod text;
pub mod timestamp;
pub mod user;
pub mod visibility;
pub mod webhook;
