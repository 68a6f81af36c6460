//! What each kind of event carries.

use crate::address::ShippingAddress;
use crate::ids::{OrderId, UserId};
use crate::order::Order;
use crate::order::activity::{Activity, OrderNote};
use crate::order::edit::LinesEdit;
use crate::order::number::OrderNumber;
use crate::order::shipment::{Shipment, ShipmentId};
use crate::order::status::OrderStatus;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// A shipment left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderShipped {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The shipment as sent.
    pub shipment: Shipment,
    /// The status before.
    pub from: OrderStatus,
    /// The status after (the same when units were already on their way).
    pub to: OrderStatus,
    /// When.
    pub at: Timestamp,
    /// Who sent it.
    pub by: Actor,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment is collected after the change.
    pub payment_collected: bool,
}

/// Shipments were recorded as arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderShipmentDelivered {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The shipments that arrived with this change.
    pub shipments: Vec<ShipmentId>,
    /// The status before.
    pub from: OrderStatus,
    /// The status after.
    pub to: OrderStatus,
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: Actor,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment is collected after the change.
    pub payment_collected: bool,
}

/// A new order was placed and its stock reserved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderPlaced {
    /// The order as committed.
    pub order: Order,
}

/// An order moved from one status to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderStatusUpdated {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The status left.
    pub from: OrderStatus,
    /// The status entered.
    pub to: OrderStatus,
    /// When.
    pub at: Timestamp,
    /// Who moved it.
    pub by: Actor,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment is collected after the change (one request may
    /// record payment and move the order at once).
    pub payment_collected: bool,
}

/// Payment was recorded as collected, or the record was withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderPaymentUpdated {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The new value.
    pub payment_collected: bool,
    /// When.
    pub at: Timestamp,
    /// The order's version after the change.
    pub version: u64,
}

/// A note was added to an order (staff and admins only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderNoteAdded {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order.
    pub placed_by: UserId,
    /// The note.
    pub note: OrderNote,
    /// When.
    pub at: Timestamp,
    /// Who wrote it.
    pub by: Actor,
    /// The order's version after the change.
    pub version: u64,
}

/// An order's shipping address was set or corrected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderAddressUpdated {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The address from now on.
    pub address: ShippingAddress,
    /// When.
    pub at: Timestamp,
    /// Who changed it.
    pub by: Actor,
    /// The order's version after the change.
    pub version: u64,
}

/// An order's lines were changed (and its stock with them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderItemsUpdated {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The lines before and after.
    pub edit: LinesEdit,
    /// When.
    pub at: Timestamp,
    /// Who changed them.
    pub by: Actor,
    /// The order's version after the change.
    pub version: u64,
}

/// A step of a return, or a refund: the activity entry that records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderAfterSale {
    /// Which order.
    pub order_id: OrderId,
    /// Its number.
    pub number: OrderNumber,
    /// Who placed the order, which decides who may follow it.
    pub placed_by: UserId,
    /// The entry: what, when and who.
    pub activity: Activity,
    /// The order's version after the change.
    pub version: u64,
}
