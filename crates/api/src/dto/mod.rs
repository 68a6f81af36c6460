//! Wire types: what clients send (`*Request`, `*Query`) and receive
//! (`*View`, `*Response`), in camelCase, money as integer minor units.

pub mod auth;
pub mod customers;
pub mod feed;
pub mod health;
pub mod orders;
pub mod page;
pub mod products;
