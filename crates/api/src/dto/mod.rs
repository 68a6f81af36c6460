//! Wire types: what clients send (`*Request`, `*Query`) and receive
//! (`*View`, `*Response`), in camelCase, money as integer minor units.

pub mod address;
pub mod auth;
pub mod customers;
pub mod events;
pub mod feed;
pub mod health;
pub mod not_null;
pub mod orders;
pub mod page;
pub mod products;
#[cfg(test)]
mod props;
pub mod users;
pub mod webhooks;
pub mod whole;

/// For `#[serde(default, deserialize_with = "not_null")]`: a field that may
/// be left out but not sent as `null`, so the API document can say
/// "integer" and mean it.
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
