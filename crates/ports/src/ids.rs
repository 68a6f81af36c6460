//! Where new ids come from, as a port, so tests can make them predictable.

use oms_domain::ids::{CustomerId, OrderId, ProductId, UserId};

/// Draws fresh ids.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait IdSource: Send + Sync + 'static {
    /// A new order id. Order ids double as public tracking codes, so a real
    /// source must draw at least 96 unpredictable bits.
    fn order_id(&self) -> OrderId;
    /// A new product id.
    fn product_id(&self) -> ProductId;
    /// A new customer id.
    fn customer_id(&self) -> CustomerId;
    /// A new user id.
    fn user_id(&self) -> UserId;
}
