//! The live feed's messages as typed views, listed in the OpenAPI document:
//! one per event, each naming its position in the log (`id`), when it
//! happened and what it carries, and the `reset` that tells a subscriber to
//! reload. Webhook bodies will be the same messages.

use oms_domain::event::{
    OrderEvent, OrderPaymentUpdated, OrderShipmentDelivered, OrderShipped, OrderStatusUpdated,
};
use oms_domain::visibility::Audience;
use oms_ports::events::LoggedEvent;
use serde::Serialize;
use utoipa::ToSchema;

use crate::currency::Currency;
use crate::dto::orders::{OrderView, ShipmentView};
use crate::openapi::rules;

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
    /// Events the subscriber should have had are gone: reload what it
    /// shows, then follow again without `since`.
    Reset,
}

/// A shipment that left.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderShippedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The shipment.
    pub shipment: ShipmentView,
    /// The status before.
    #[schema(schema_with = rules::status)]
    pub from: String,
    /// The status after: `partially_shipped` while units are left, else
    /// `shipped`.
    #[schema(schema_with = rules::status)]
    pub to: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever sent it; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment has been collected; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
}

/// Shipments recorded as arrived.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderShipmentDeliveredView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The shipments that arrived with this change.
    pub shipment_ids: Vec<u32>,
    /// The status before.
    #[schema(schema_with = rules::status)]
    pub from: String,
    /// The status after: `delivered` once every unit has shipped and every
    /// shipment arrived.
    #[schema(schema_with = rules::status)]
    pub to: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever recorded it; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment has been collected; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
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
        }
    }
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

impl OrderShippedView {
    /// The shipment as `audience` may see it.
    pub fn of(shipped: &OrderShipped, audience: Audience) -> Self {
        OrderShippedView {
            order_id: shipped.order_id.to_string(),
            order_number: shipped.number.get(),
            shipment: ShipmentView::named(&shipped.shipment, |_| None),
            from: shipped.from.as_str().to_owned(),
            to: shipped.to.as_str().to_owned(),
            at: shipped.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| shipped.by.role.as_str().to_owned()),
            version: shipped.version,
            payment_collected: audience
                .sees_customer()
                .then_some(shipped.payment_collected),
        }
    }
}

impl OrderShipmentDeliveredView {
    /// The arrivals as `audience` may see them.
    pub fn of(arrived: &OrderShipmentDelivered, audience: Audience) -> Self {
        OrderShipmentDeliveredView {
            order_id: arrived.order_id.to_string(),
            order_number: arrived.number.get(),
            shipment_ids: arrived.shipments.iter().map(|id| id.get()).collect(),
            from: arrived.from.as_str().to_owned(),
            to: arrived.to.as_str().to_owned(),
            at: arrived.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| arrived.by.role.as_str().to_owned()),
            version: arrived.version,
            payment_collected: audience
                .sees_customer()
                .then_some(arrived.payment_collected),
        }
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::event::OrderStatusUpdated;
    use oms_domain::ids::{OrderId, UserId};
    use oms_domain::order::number::OrderNumber;
    use oms_domain::order::status::OrderStatus;
    use oms_domain::timestamp::Timestamp;
    use oms_domain::user::{Actor, Role};
    use oms_ports::events::EventPosition;

    use super::*;

    #[test]
    fn a_status_change_names_the_role_not_the_user() {
        let logged = LoggedEvent {
            position: EventPosition::new("0001"),
            event: OrderEvent::StatusUpdated(OrderStatusUpdated {
                order_id: OrderId::MIN,
                number: OrderNumber::new(1042).unwrap(),
                placed_by: UserId::MIN,
                from: OrderStatus::Pending,
                to: OrderStatus::Confirmed,
                at: Timestamp::from_unix_millis(1_795_593_600_123).unwrap(),
                by: Actor {
                    user: UserId::MIN,
                    role: Role::Staff,
                },
                version: 2,
                payment_collected: false,
            }),
        };
        let value = serde_json::to_value(EventMessage::of(
            &logged,
            Audience::Staff,
            Currency::default(),
        ))
        .unwrap();
        assert_eq!(value["id"], "0001");
        assert_eq!(value["event"], logged.event.name());
        assert_eq!(value["at"], "2026-11-25T08:00:00.123Z");
        let data = &value["data"];
        assert_eq!(data["orderId"], OrderId::MIN.to_string());
        assert_eq!(data["orderNumber"], 1042);
        assert_eq!(
            (data["from"].as_str(), data["to"].as_str()),
            (Some("pending"), Some("confirmed"))
        );
        assert_eq!(data["byRole"], "staff");
        assert_eq!(data["version"], 2);
        assert!(data.get("byUserId").is_none());
        let reset = serde_json::to_value(EventMessage::Reset).unwrap();
        assert_eq!(reset, serde_json::json!({ "event": "reset" }));
    }
}
