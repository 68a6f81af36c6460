//! The schemas of the parts of return and refund requests, from the
//! domain's limits.

use oms_domain::money::Money;
use oms_domain::order::Order;
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{Ref, RefOr, Schema};

use super::rules::integer;

/// What came back of a return: one line per product.
pub fn received_items() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("ReceivedItemRequest"))
        .min_items(Some(1))
        .max_items(Some(Order::MAX_LINES))
        .description(Some(
            "1 or more lines, each at most what the return asked for of its product",
        ))
        .into()
}

/// A refund's amount in minor units.
pub fn refund_amount() -> RefOr<Schema> {
    integer(
        "Minor units paid back: more than zero, and with the refunds before at most the order's total",
        1,
        Money::MAX_EXACT,
    )
}

/// A return's number on its order.
pub fn return_id() -> RefOr<Schema> {
    integer(
        "The return's number on the order (1, 2, …)",
        1,
        i64::from(u32::MAX),
    )
}
