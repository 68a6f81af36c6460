//! Where new ids come from, as a port, so tests can make them predictable.

use oms_domain::ids::{CustomerId, DeliveryId, OrderId, ProductId, UserId, WebhookId};
use oms_domain::webhook::WebhookSecret;

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
    /// A new webhook endpoint id.
    fn webhook_id(&self) -> WebhookId;
    /// A new delivery id; later ones sort after earlier ones.
    fn delivery_id(&self) -> DeliveryId;
    /// A new signing secret: 32 bytes no one can predict.
    fn webhook_secret(&self) -> WebhookSecret;
}
