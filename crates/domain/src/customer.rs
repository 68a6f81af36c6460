//! The people orders are for.

use crate::email::Email;
use crate::ids::CustomerId;
use crate::name::Name;
use crate::timestamp::Timestamp;

/// Someone the shop sells to, known by a unique e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    /// Identity.
    pub id: CustomerId,
    /// Name as first given.
    pub name: Name,
    /// Unique, normalised address.
    pub email: Email,
    /// When the customer was first recorded.
    pub created_at: Timestamp,
}
