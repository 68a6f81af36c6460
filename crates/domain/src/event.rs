//! Facts about orders, in the past tense, for subscribers who follow them.
//!
//! Every committed change to an order is exactly one event: placing it, or
//! one revision (a shipment, shipments arriving, another status change,
//! each of which may also record payment, a payment change, an address
//! change, an edit of the lines or a note). Stores record the event in the same atomic step as
//! the change, so a subscriber never hears of a change that did not happen
//! and never misses one that did.

mod changes;

pub use changes::{
    OrderAddressUpdated, OrderAfterSale, OrderItemsUpdated, OrderNoteAdded, OrderPaymentUpdated,
    OrderPlaced, OrderShipmentDelivered, OrderShipped, OrderStatusUpdated,
};

use crate::ids::{OrderId, UserId};
use crate::order::Order;
use crate::order::activity::Change;
use crate::order::number::OrderNumber;
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
    /// A staff note (`orderNoteAdded`); staff and admins only.
    NoteAdded(OrderNoteAdded),
    /// The shipping address set or corrected (`orderAddressUpdated`).
    AddressUpdated(OrderAddressUpdated),
    /// The lines changed (`orderItemsUpdated`).
    ItemsUpdated(OrderItemsUpdated),
    /// A return asked for (`returnRequested`).
    ReturnRequested(OrderAfterSale),
    /// A return came back (`returnReceived`), restocked units on the shelf.
    ReturnReceived(OrderAfterSale),
    /// A return refused (`returnRejected`).
    ReturnRejected(OrderAfterSale),
    /// Money paid back (`orderRefunded`).
    Refunded(OrderAfterSale),
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
        if after.activity().len() == before.activity().len() + 1 {
            let activity = after.activity().last()?;
            match &activity.change {
                Change::Note(note) => {
                    return Some(OrderEvent::NoteAdded(OrderNoteAdded {
                        order_id: after.id(),
                        number: after.number(),
                        placed_by,
                        note: note.clone(),
                        at: activity.at,
                        by: activity.by,
                        version: after.version(),
                    }));
                }
                Change::Address(address) => {
                    return Some(OrderEvent::AddressUpdated(OrderAddressUpdated {
                        order_id: after.id(),
                        number: after.number(),
                        placed_by,
                        address: (**address).clone(),
                        at: activity.at,
                        by: activity.by,
                        version: after.version(),
                    }));
                }
                Change::Edit(edit) => {
                    return Some(OrderEvent::ItemsUpdated(OrderItemsUpdated {
                        order_id: after.id(),
                        number: after.number(),
                        placed_by,
                        edit: (**edit).clone(),
                        at: activity.at,
                        by: activity.by,
                        version: after.version(),
                    }));
                }
                Change::ReturnRequested(_)
                | Change::ReturnReceived { .. }
                | Change::ReturnRejected { .. }
                | Change::Refunded(_) => {
                    let sale = OrderAfterSale {
                        order_id: after.id(),
                        number: after.number(),
                        placed_by,
                        activity: activity.clone(),
                        version: after.version(),
                    };
                    return Some(match &activity.change {
                        Change::ReturnRequested(_) => OrderEvent::ReturnRequested(sale),
                        Change::ReturnReceived { .. } => OrderEvent::ReturnReceived(sale),
                        Change::ReturnRejected { .. } => OrderEvent::ReturnRejected(sale),
                        _ => OrderEvent::Refunded(sale),
                    });
                }
                Change::Payment { .. } => {}
            }
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
            OrderEvent::NoteAdded(e) => e.order_id,
            OrderEvent::AddressUpdated(e) => e.order_id,
            OrderEvent::ItemsUpdated(e) => e.order_id,
            OrderEvent::ReturnRequested(e)
            | OrderEvent::ReturnReceived(e)
            | OrderEvent::ReturnRejected(e)
            | OrderEvent::Refunded(e) => e.order_id,
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
            OrderEvent::NoteAdded(e) => e.number,
            OrderEvent::AddressUpdated(e) => e.number,
            OrderEvent::ItemsUpdated(e) => e.number,
            OrderEvent::ReturnRequested(e)
            | OrderEvent::ReturnReceived(e)
            | OrderEvent::ReturnRejected(e)
            | OrderEvent::Refunded(e) => e.number,
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
            OrderEvent::NoteAdded(e) => e.placed_by,
            OrderEvent::AddressUpdated(e) => e.placed_by,
            OrderEvent::ItemsUpdated(e) => e.placed_by,
            OrderEvent::ReturnRequested(e)
            | OrderEvent::ReturnReceived(e)
            | OrderEvent::ReturnRejected(e)
            | OrderEvent::Refunded(e) => e.placed_by,
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
            OrderEvent::NoteAdded(e) => e.version,
            OrderEvent::AddressUpdated(e) => e.version,
            OrderEvent::ItemsUpdated(e) => e.version,
            OrderEvent::ReturnRequested(e)
            | OrderEvent::ReturnReceived(e)
            | OrderEvent::ReturnRejected(e)
            | OrderEvent::Refunded(e) => e.version,
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
            OrderEvent::NoteAdded(e) => e.at,
            OrderEvent::AddressUpdated(e) => e.at,
            OrderEvent::ItemsUpdated(e) => e.at,
            OrderEvent::ReturnRequested(e)
            | OrderEvent::ReturnReceived(e)
            | OrderEvent::ReturnRejected(e)
            | OrderEvent::Refunded(e) => e.activity.at,
        }
    }

    /// Every event's name on the wire, for clients that choose among them
    /// (webhook endpoints): a new kind of event joins here.
    pub const NAMES: [&'static str; 12] = [
        "orderPlaced",
        "orderStatusUpdated",
        "orderPaymentUpdated",
        "orderShipped",
        "orderShipmentDelivered",
        "orderNoteAdded",
        "orderAddressUpdated",
        "orderItemsUpdated",
        "returnRequested",
        "returnReceived",
        "returnRejected",
        "orderRefunded",
    ];

    /// The event's name on the wire (one of [`OrderEvent::NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            OrderEvent::Placed(_) => Self::NAMES[0],
            OrderEvent::StatusUpdated(_) => Self::NAMES[1],
            OrderEvent::PaymentUpdated(_) => Self::NAMES[2],
            OrderEvent::Shipped(_) => Self::NAMES[3],
            OrderEvent::ShipmentDelivered(_) => Self::NAMES[4],
            OrderEvent::NoteAdded(_) => Self::NAMES[5],
            OrderEvent::AddressUpdated(_) => Self::NAMES[6],
            OrderEvent::ItemsUpdated(_) => Self::NAMES[7],
            OrderEvent::ReturnRequested(_) => Self::NAMES[8],
            OrderEvent::ReturnReceived(_) => Self::NAMES[9],
            OrderEvent::ReturnRejected(_) => Self::NAMES[10],
            OrderEvent::Refunded(_) => Self::NAMES[11],
        }
    }
}

#[cfg(test)]
mod tests;
