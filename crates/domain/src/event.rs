//! Facts about orders, in the past tense, for subscribers who follow them.

use crate::ids::OrderId;
use crate::order::Order;
use crate::order::status::OrderStatus;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// Something that happened to an order and has been committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderEvent {
    /// A new order (`orderPlaced` on the wire).
    Placed(OrderPlaced),
    /// An order changed status (`orderStatusUpdated` on the wire).
    StatusUpdated(OrderStatusUpdated),
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
}

impl OrderEvent {
    /// The order the event is about.
    pub fn order_id(&self) -> OrderId {
        match self {
            OrderEvent::Placed(e) => e.order.id(),
            OrderEvent::StatusUpdated(e) => e.order_id,
        }
    }

    /// When it happened.
    pub fn at(&self) -> Timestamp {
        match self {
            OrderEvent::Placed(e) => e.order.created_at(),
            OrderEvent::StatusUpdated(e) => e.at,
        }
    }

    /// The seed design's event name (`orderPlaced`, `orderStatusUpdated`).
    pub fn name(&self) -> &'static str {
        match self {
            OrderEvent::Placed(_) => "orderPlaced",
            OrderEvent::StatusUpdated(_) => "orderStatusUpdated",
        }
    }
}
