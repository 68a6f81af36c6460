//! Why an order cannot be placed or changed as asked: one error for every
//! rule of the order's own.

use super::status::OrderStatus;
use crate::ids::ProductId;
use crate::money::Money;

/// Why an order cannot be placed or changed as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// An order needs at least one line.
    #[error("an order needs at least one item")]
    NoLines,
    /// More lines than [`Order::MAX_LINES`](super::Order::MAX_LINES).
    #[error("an order may have at most {max} items")]
    TooManyLines {
        /// The limit.
        max: usize,
    },
    /// Two lines for one product (merge them first).
    #[error("product {0} appears on more than one line")]
    DuplicateProduct(ProductId),
    /// The sum of the lines is past what a total may be.
    #[error("the order total is too large")]
    TotalOverflow,
    /// The status machine does not allow this move.
    #[error("an order cannot go from {from} to {to}")]
    IllegalTransition {
        /// The current status.
        from: OrderStatus,
        /// The status asked for.
        to: OrderStatus,
    },
    /// Payment cannot be recorded on a cancelled order.
    #[error("a cancelled order cannot record a payment")]
    PaymentOnCancelled,
    /// The order's status no longer allows this change (an address once
    /// every unit has shipped).
    #[error("a {status} order can no longer be changed this way")]
    NotEditable {
        /// The order's status.
        status: OrderStatus,
    },
    /// An edit would take the total below what was already refunded.
    #[error("the total would fall below the {} already refunded", .refunded.minor())]
    BelowRefunded {
        /// The sum of the refunds.
        refunded: Money,
    },
    /// A new line names a product the catalogue does not hold.
    #[error("product {0} does not exist")]
    UnknownProduct(ProductId),
    /// Stored fields that break an order invariant.
    #[error("stored order is inconsistent: {0}")]
    Inconsistent(&'static str),
}
