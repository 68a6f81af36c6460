//! The OMS use cases, generic over the ports in `oms-ports`.
//!
//! Each service takes raw input as a client sent it (strings, integers),
//! checks every rule that needs no stored data and reports all broken ones
//! at once with the field each concerns ([`oms_domain::invalid::Invalid`]),
//! checks the caller's role against [`oms_domain::user::Role::may`], then
//! makes one atomic store call. The store records each change's event in
//! that same call, so the use cases publish nothing.
//!
//! Depends on the domain and the ports, plus the production implementations
//! of the small ports ([`system::SystemClock`], [`system::RandomIds`],
//! [`passwords::Argon2Hashing`]). No store or web framework.

pub mod catalog;
pub mod contention;
pub mod cursor;
pub mod customers;
mod hashing_threads;
pub mod list;
pub mod orders;
pub mod passwords;
mod permission;
pub mod system;
pub mod users;
pub mod webhooks;
