//! Orders read back from storage: every field handed in, every invariant
//! checked again, because a store is outside the domain's control.

use super::line::OrderLine;
use super::number::OrderNumber;
use super::status::OrderStatus;
use super::{CustomerSnapshot, Order, OrderError, StatusEntry, check_lines};
use crate::ids::OrderId;
use crate::money::Money;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// An order's fields as a store keeps them, for [`Order::restore`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct OrderParts {
    pub id: OrderId,
    pub number: OrderNumber,
    pub customer: CustomerSnapshot,
    pub shipping_address: Option<crate::address::ShippingAddress>,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    pub payment_collected: bool,
    pub status: OrderStatus,
    pub history: Vec<StatusEntry>,
    pub shipments: Vec<super::shipment::Shipment>,
    pub activity: Vec<super::activity::Activity>,
    pub placed_by: Actor,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Order {
    /// Rebuilds an order read from storage, checking its invariants.
    ///
    /// # Errors
    /// [`OrderError::Inconsistent`] (or a line error) when the parts could not
    /// have come from [`Order::place`] and its changes.
    pub fn restore(parts: OrderParts) -> Result<Order, OrderError> {
        if check_lines(&parts.lines)? != parts.total {
            return Err(OrderError::Inconsistent(
                "total is not the sum of the lines",
            ));
        }
        if parts.version == 0 {
            return Err(OrderError::Inconsistent("version must start at 1"));
        }
        let last = parts.history.last().map_or(OrderStatus::Pending, |e| e.to);
        if last != parts.status {
            return Err(OrderError::Inconsistent("status disagrees with history"));
        }
        let order = Order {
            id: parts.id,
            number: parts.number,
            customer: parts.customer,
            shipping_address: parts.shipping_address.map(Box::new),
            lines: parts.lines,
            total: parts.total,
            payment_collected: parts.payment_collected,
            status: parts.status,
            history: parts.history,
            shipments: parts.shipments,
            activity: parts.activity,
            placed_by: parts.placed_by,
            created_at: parts.created_at,
            updated_at: parts.updated_at,
            version: parts.version,
        };
        super::fulfilment::check_shipments(&order)?;
        Ok(order)
    }
}

impl From<&Order> for OrderParts {
    /// Every field of `order`, e.g. for a store to write it out.
    fn from(order: &Order) -> OrderParts {
        OrderParts {
            id: order.id,
            number: order.number,
            customer: order.customer.clone(),
            shipping_address: order.shipping_address.as_deref().cloned(),
            lines: order.lines.clone(),
            total: order.total,
            payment_collected: order.payment_collected,
            status: order.status,
            history: order.history.clone(),
            shipments: order.shipments.clone(),
            activity: order.activity.clone(),
            placed_by: order.placed_by,
            created_at: order.created_at,
            updated_at: order.updated_at,
            version: order.version,
        }
    }
}
