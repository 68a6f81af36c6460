//! The schemas of a shipment request's parts, from the domain's limits.

use oms_domain::order::Order;
use oms_domain::order::shipment::{TrackingText, TrackingUrl};
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{Ref, RefOr, Schema};

use super::rules::one_line;

/// The units a shipment sends.
pub fn items() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("ShipmentItemRequest"))
        .min_items(Some(1))
        .max_items(Some(Order::MAX_LINES))
        .description(Some(
            "The units to send, one entry per product on the order, each at most what is left unshipped (422 naming `items[i].quantity` past it); every unit left when absent",
        ))
        .into()
}

/// A carrier's name or a tracking number ([`TrackingText`]).
pub fn text() -> RefOr<Schema> {
    one_line(
        &format!(
            "1 to {} characters on one line, not all spaces",
            TrackingText::MAX_LEN
        ),
        TrackingText::MAX_LEN,
    )
}

/// Where the customer follows the shipment ([`TrackingUrl`]).
pub fn url() -> RefOr<Schema> {
    one_line(
        &format!(
            "An absolute https URL, at most {} characters",
            TrackingUrl::MAX_LEN
        ),
        TrackingUrl::MAX_LEN,
    )
}
