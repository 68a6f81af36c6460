//! Facts about orders, in the past tense, for subscribers who follow them.
//!
//! Every committed change to an order is exactly one event: placing it, or
//! one revision (a shipment, shipments arriving, another status change,
//! each of which may also record payment, or a payment change alone). Stores record the event in the same atomic step
//! as the change, so a subscriber never hears of a change that did not
//! happen and never misses one that did.

use crate::ids::{OrderId, UserId};
use crate::order::Order;
use crate::order::number::OrderNumber;
use crate::order::shipment::{Shipment, ShipmentId};
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
    /// Only whether payment was collected changed (`orderPaymentUpdated`).
    PaymentUpdated(OrderPaymentUpdated),
    /// Units left in a shipment (`orderShipped`), moving the order to
    /// `partially_shipped` or `shipped` when its status changed.
    Shipped(OrderShipped),
    /// Shipments arrived (`orderShipmentDelivered`), moving the order to
    /// `delivered` when they were the last.
    ShipmentDelivered(OrderShipmentDelivered),
}

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

impl OrderEvent {
    /// The event for a newly placed order.
    pub fn placed(order: &Order) -> OrderEvent {
        OrderEvent::Placed(OrderPlaced {
            order: order.clone(),
        })
    }

    /// The one event that replacing `before` with `after` records: a new
    /// shipment, else shipments newly arrived, else a status change (made
    /// by whoever wrote `after`'s newest history entry), else a payment
    /// change. `None` when the revision changes none of these, or changes
    /// the status without the history entry that says who did it; stores
    /// refuse such a revision.
    pub fn revised(before: &Order, after: &Order) -> Option<OrderEvent> {
        let placed_by = after.placed_by().user;
        let moved = |by: Actor| {
            let entry = after.history().last();
            before.status() == after.status()
                || entry.is_some_and(|h| {
                    h.from == before.status() && h.to == after.status() && h.by == by
                })
        };
        if after.shipments().len() == before.shipments().len() + 1 {
            let shipment = after.shipments().last()?.clone();
            let by = shipment.shipped_by;
            return moved(by).then(|| {
                OrderEvent::Shipped(OrderShipped {
                    order_id: after.id(),
                    number: after.number(),
                    placed_by,
                    shipment,
                    from: before.status(),
                    to: after.status(),
                    at: after.updated_at(),
                    by,
                    version: after.version(),
                    payment_collected: after.payment_collected(),
                })
            });
        }
        let arrived: Vec<_> = after
            .shipments()
            .iter()
            .zip(before.shipments())
            .filter(|(now, then)| now.delivered.is_some() && then.delivered.is_none())
            .filter_map(|(now, _)| Some((now.id, now.delivered?.by)))
            .collect();
        if let Some(&(_, by)) = arrived.first() {
            return moved(by).then(|| {
                OrderEvent::ShipmentDelivered(OrderShipmentDelivered {
                    order_id: after.id(),
                    number: after.number(),
                    placed_by,
                    shipments: arrived.iter().map(|(id, _)| *id).collect(),
                    from: before.status(),
                    to: after.status(),
                    at: after.updated_at(),
                    by,
                    version: after.version(),
                    payment_collected: after.payment_collected(),
                })
            });
        }
        if before.status() != after.status() {
            let entry = after
                .history()
                .last()
                .filter(|h| h.from == before.status() && h.to == after.status())?;
            return Some(OrderEvent::StatusUpdated(OrderStatusUpdated {
                order_id: after.id(),
                number: after.number(),
                placed_by,
                from: entry.from,
                to: entry.to,
                at: after.updated_at(),
                by: entry.by,
                version: after.version(),
                payment_collected: after.payment_collected(),
            }));
        }
        (before.payment_collected() != after.payment_collected()).then(|| {
            OrderEvent::PaymentUpdated(OrderPaymentUpdated {
                order_id: after.id(),
                number: after.number(),
                placed_by,
                payment_collected: after.payment_collected(),
                at: after.updated_at(),
                version: after.version(),
            })
        })
    }

    /// The order the event is about.
    pub fn order_id(&self) -> OrderId {
        match self {
            OrderEvent::Placed(e) => e.order.id(),
            OrderEvent::StatusUpdated(e) => e.order_id,
            OrderEvent::PaymentUpdated(e) => e.order_id,
            OrderEvent::Shipped(e) => e.order_id,
            OrderEvent::ShipmentDelivered(e) => e.order_id,
        }
    }

    /// The number of the order the event is about.
    pub fn order_number(&self) -> OrderNumber {
        match self {
            OrderEvent::Placed(e) => e.order.number(),
            OrderEvent::StatusUpdated(e) => e.number,
            OrderEvent::PaymentUpdated(e) => e.number,
            OrderEvent::Shipped(e) => e.number,
            OrderEvent::ShipmentDelivered(e) => e.number,
        }
    }

    /// Who placed the order the event is about.
    pub fn placed_by(&self) -> UserId {
        match self {
            OrderEvent::Placed(e) => e.order.placed_by().user,
            OrderEvent::StatusUpdated(e) => e.placed_by,
            OrderEvent::PaymentUpdated(e) => e.placed_by,
            OrderEvent::Shipped(e) => e.placed_by,
            OrderEvent::ShipmentDelivered(e) => e.placed_by,
        }
    }

    /// The order's version once the event happened (1 when placed).
    pub fn version(&self) -> u64 {
        match self {
            OrderEvent::Placed(e) => e.order.version(),
            OrderEvent::StatusUpdated(e) => e.version,
            OrderEvent::PaymentUpdated(e) => e.version,
            OrderEvent::Shipped(e) => e.version,
            OrderEvent::ShipmentDelivered(e) => e.version,
        }
    }

    /// When it happened.
    pub fn at(&self) -> Timestamp {
        match self {
            OrderEvent::Placed(e) => e.order.created_at(),
            OrderEvent::StatusUpdated(e) => e.at,
            OrderEvent::PaymentUpdated(e) => e.at,
            OrderEvent::Shipped(e) => e.at,
            OrderEvent::ShipmentDelivered(e) => e.at,
        }
    }

    /// Every event's name on the wire, for clients that choose among them
    /// (webhook endpoints): a new kind of event joins here.
    pub const NAMES: [&'static str; 5] = [
        "orderPlaced",
        "orderStatusUpdated",
        "orderPaymentUpdated",
        "orderShipped",
        "orderShipmentDelivered",
    ];

    /// The event's name on the wire (one of [`OrderEvent::NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            OrderEvent::Placed(_) => Self::NAMES[0],
            OrderEvent::StatusUpdated(_) => Self::NAMES[1],
            OrderEvent::PaymentUpdated(_) => Self::NAMES[2],
            OrderEvent::Shipped(_) => Self::NAMES[3],
            OrderEvent::ShipmentDelivered(_) => Self::NAMES[4],
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::email::Email;
    use crate::ids::{CustomerId, ProductId};
    use crate::money::Money;
    use crate::name::Name;
    use crate::order::line::OrderLine;
    use crate::order::{CustomerSnapshot, NewOrder, OrderParts, StatusEntry};
    use crate::quantity::Quantity;
    use crate::user::Role;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_millis(1_800_000_000_000 + ms).unwrap()
    }

    fn staff() -> Actor {
        Actor {
            user: UserId::from_uuid(Uuid::from_u128(7)),
            role: Role::Staff,
        }
    }

    fn pending() -> Order {
        let line = OrderLine::new(
            ProductId::from_uuid(Uuid::from_u128(1)),
            Name::parse("Mug").unwrap(),
            Money::from_minor(250).unwrap(),
            Quantity::new(2).unwrap(),
        )
        .unwrap();
        Order::place(NewOrder {
            id: OrderId::from_uuid(Uuid::from_u128(99)),
            number: OrderNumber::new(1042).unwrap(),
            customer: CustomerSnapshot {
                id: CustomerId::from_uuid(Uuid::from_u128(5)),
                name: Name::parse("Ann Lee").unwrap(),
                email: Email::parse("ann@example.com").unwrap(),
            },
            shipping_address: None,
            lines: vec![line],
            payment_collected: false,
            placed_by: Actor {
                user: UserId::from_uuid(Uuid::from_u128(8)),
                role: Role::Customer,
            },
            at: at(0),
        })
        .unwrap()
    }

    #[test]
    fn a_status_change_is_one_event_naming_who_made_it() {
        let before = pending();
        let mut after = before.clone();
        after.set_payment_collected(true, at(1)).unwrap();
        after
            .change_status(OrderStatus::Confirmed, staff(), at(1))
            .unwrap();
        let Some(OrderEvent::StatusUpdated(e)) = OrderEvent::revised(&before, &after) else {
            panic!("a status change")
        };
        assert_eq!(
            (e.from, e.to),
            (OrderStatus::Pending, OrderStatus::Confirmed)
        );
        assert_eq!(e.by, staff());
        assert_eq!(e.version, after.version());
        assert!(e.payment_collected, "the payment recorded with it is told");
        assert_eq!(e.placed_by, before.placed_by().user);
        assert_eq!(OrderEvent::StatusUpdated(e).order_number(), before.number());
    }

    #[test]
    fn a_payment_change_alone_is_a_payment_event() {
        let before = pending();
        let mut after = before.clone();
        after.set_payment_collected(true, at(1)).unwrap();
        let event = OrderEvent::revised(&before, &after).unwrap();
        assert_eq!(event.name(), "orderPaymentUpdated");
        assert_eq!(event.version(), 2);
    }

    #[test]
    fn a_revision_changing_nothing_or_hiding_who_changed_it_has_no_event() {
        let before = pending();
        assert_eq!(OrderEvent::revised(&before, &before), None);
        // Shipped, with a history that never left pending: not a change any
        // request could have made.
        let mut parts = OrderParts::from(&before);
        parts.status = OrderStatus::Shipped;
        parts.history = vec![StatusEntry {
            from: OrderStatus::Confirmed,
            to: OrderStatus::Shipped,
            at: at(1),
            by: staff(),
            reason: None,
        }];
        parts.version = 2;
        let skipped = Order::restore(parts).unwrap();
        assert_eq!(OrderEvent::revised(&before, &skipped), None);
    }
}
