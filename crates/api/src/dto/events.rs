//! The live feed's messages as typed views, listed in the OpenAPI document:
//! one per event, each naming its position in the log (`id`), when it
//! happened and what it carries, and the `reset` that tells a subscriber to
//! reload. Webhook bodies will be the same messages.

use oms_domain::event::{OrderEvent, OrderPaymentUpdated, OrderStatusUpdated};
use oms_domain::visibility::Audience;
use oms_ports::events::LoggedEvent;
use serde::Serialize;
use utoipa::ToSchema;

use crate::currency::Currency;
use crate::dto::orders::OrderView;
use crate::openapi::rules;

mod changes;

pub use changes::{
    OrderAddressUpdatedView, OrderItemsUpdatedView, OrderNoteAddedView, OrderRefundedView,
    OrderShipmentDeliveredView, OrderShippedView, ReturnChangedView,
};

/// One message of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum EventMessage {
    /// An order was placed: the order as the subscriber may see it.
    OrderPlaced {
        /// Its position in the log; send back as `since` to resume after it.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The order.
        data: OrderView,
    },
    /// An order moved to another status.
    OrderStatusUpdated {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The move.
        data: OrderStatusUpdatedView,
    },
    /// Payment on an order was recorded or cleared.
    OrderPaymentUpdated {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The change.
        data: OrderPaymentUpdatedView,
    },
    /// Units left in a shipment.
    OrderShipped {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The shipment and the status it left the order in.
        data: OrderShippedView,
    },
    /// Shipments arrived.
    OrderShipmentDelivered {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// Which shipments, and the status they left the order in.
        data: OrderShipmentDeliveredView,
    },
    /// A staff note was added (staff and admins only).
    OrderNoteAdded {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The note.
        data: OrderNoteAddedView,
    },
    /// An order's shipping address was set or corrected.
    OrderAddressUpdated {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The change.
        data: OrderAddressUpdatedView,
    },
    /// An order's lines changed.
    OrderItemsUpdated {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The lines before and after.
        data: OrderItemsUpdatedView,
    },
    /// A return was asked for.
    ReturnRequested {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The return.
        data: ReturnChangedView,
    },
    /// A return came back; restocked units are on the shelf again.
    ReturnReceived {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The return.
        data: ReturnChangedView,
    },
    /// A return was refused.
    ReturnRejected {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The return.
        data: ReturnChangedView,
    },
    /// Money was paid back (staff and the order's customer only).
    OrderRefunded {
        /// Its position in the log.
        id: String,
        /// When it happened (RFC 3339).
        #[schema(format = DateTime)]
        at: String,
        /// The refund.
        data: OrderRefundedView,
    },
    /// Events the subscriber should have had are gone: reload what it
    /// shows, then follow again without `since`.
    Reset,
}

/// An order's move to another status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusUpdatedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The status left.
    #[schema(schema_with = rules::status)]
    pub from: String,
    /// The status entered.
    #[schema(schema_with = rules::status)]
    pub to: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever moved it (never who); staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the move.
    pub version: u64,
    /// Whether payment has been collected, after the move; absent from
    /// the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
}

/// Payment recorded or cleared on an order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderPaymentUpdatedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// Whether payment has been collected now; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The order's version after the change.
    pub version: u64,
}

impl EventMessage {
    /// The message for `logged`, as `audience` may see it (amounts in `currency`).
    pub fn of(logged: &LoggedEvent, audience: Audience, currency: Currency) -> EventMessage {
        let id = logged.position.as_str().to_owned();
        let at = logged.event.at().to_string();
        match &logged.event {
            OrderEvent::Placed(placed) => EventMessage::OrderPlaced {
                id,
                at,
                data: OrderView::of(&placed.order, audience, currency),
            },
            OrderEvent::StatusUpdated(moved) => EventMessage::OrderStatusUpdated {
                id,
                at,
                data: OrderStatusUpdatedView::of(moved, audience),
            },
            OrderEvent::PaymentUpdated(paid) => EventMessage::OrderPaymentUpdated {
                id,
                at,
                data: OrderPaymentUpdatedView::of(paid, audience),
            },
            OrderEvent::Shipped(shipped) => EventMessage::OrderShipped {
                id,
                at,
                data: OrderShippedView::of(shipped, audience),
            },
            OrderEvent::ShipmentDelivered(arrived) => EventMessage::OrderShipmentDelivered {
                id,
                at,
                data: OrderShipmentDeliveredView::of(arrived, audience),
            },
            // Only staff hear of notes (`Audience::hears`); the view is theirs.
            OrderEvent::NoteAdded(added) => EventMessage::OrderNoteAdded {
                id,
                at,
                data: OrderNoteAddedView::of(added),
            },
            OrderEvent::AddressUpdated(updated) => EventMessage::OrderAddressUpdated {
                id,
                at,
                data: OrderAddressUpdatedView::of(updated, audience),
            },
            OrderEvent::ItemsUpdated(updated) => EventMessage::OrderItemsUpdated {
                id,
                at,
                data: OrderItemsUpdatedView::of(updated, audience),
            },
            OrderEvent::ReturnRequested(sale)
            | OrderEvent::ReturnReceived(sale)
            | OrderEvent::ReturnRejected(sale)
            | OrderEvent::Refunded(sale) => after_sale(&logged.event, sale, id, at, audience),
        }
    }
}

/// The message of an after-sale event; a reset should an entry not be
/// what its event says (only a bug could make one).
fn after_sale(
    event: &OrderEvent,
    sale: &oms_domain::event::OrderAfterSale,
    id: String,
    at: String,
    audience: Audience,
) -> EventMessage {
    let step = || ReturnChangedView::of(sale, audience);
    let message = match event {
        OrderEvent::ReturnRequested(_) => {
            step().map(|data| EventMessage::ReturnRequested { id, at, data })
        }
        OrderEvent::ReturnReceived(_) => {
            step().map(|data| EventMessage::ReturnReceived { id, at, data })
        }
        OrderEvent::ReturnRejected(_) => {
            step().map(|data| EventMessage::ReturnRejected { id, at, data })
        }
        _ => OrderRefundedView::of(sale, audience).map(|data| EventMessage::OrderRefunded {
            id,
            at,
            data,
        }),
    };
    message.unwrap_or_else(|| {
        tracing::error!(
            event = event.name(),
            "an after-sale event does not carry its step"
        );
        EventMessage::Reset
    })
}

impl OrderStatusUpdatedView {
    /// The move as `audience` may see it.
    pub fn of(moved: &OrderStatusUpdated, audience: Audience) -> Self {
        OrderStatusUpdatedView {
            order_id: moved.order_id.to_string(),
            order_number: moved.number.get(),
            from: moved.from.as_str().to_owned(),
            to: moved.to.as_str().to_owned(),
            at: moved.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| moved.by.role.as_str().to_owned()),
            version: moved.version,
            payment_collected: audience.sees_customer().then_some(moved.payment_collected),
        }
    }
}

impl OrderPaymentUpdatedView {
    /// The change as `audience` may see it.
    pub fn of(paid: &OrderPaymentUpdated, audience: Audience) -> Self {
        OrderPaymentUpdatedView {
            order_id: paid.order_id.to_string(),
            order_number: paid.number.get(),
            payment_collected: audience.sees_customer().then_some(paid.payment_collected),
            at: paid.at.to_string(),
            version: paid.version,
        }
    }
}

#[cfg(test)]
mod tests;
