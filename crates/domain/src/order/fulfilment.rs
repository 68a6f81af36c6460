//! Sending an order's units and recording their arrival: which units are
//! still to go, which shipment moves the order on, and the checks a stored
//! order's shipments must pass.

use std::collections::HashSet;

use super::shipment::{Delivery, ShipItemError, Shipment, ShipmentId, ShipmentRequest};
use super::status::OrderStatus;
use super::{Order, OrderError};
use crate::ids::ProductId;
use crate::quantity::Quantity;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// Why a shipment cannot go.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShipError {
    /// The order's status does not allow one.
    #[error(transparent)]
    Order(#[from] OrderError),
    /// Items the order cannot send, each with its place in the request.
    #[error("{} item(s) cannot be shipped", .0.len())]
    Items(Vec<ShipItemError>),
}

/// Why a shipment's arrival cannot be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeliverError {
    /// The order has no shipment with that number.
    #[error("the order has no such shipment")]
    UnknownShipment,
}

impl Order {
    /// The shipments, first first.
    pub fn shipments(&self) -> &[Shipment] {
        &self.shipments
    }

    /// Units of `product` that have left. An order shipped before
    /// shipments were recorded has none on record; all its units left.
    pub fn shipped_units(&self, product: ProductId) -> u64 {
        if self.shipments.is_empty() && self.status.has_shipped() {
            return self.units_of(product);
        }
        self.shipments.iter().map(|s| s.units_of(product)).sum()
    }

    /// Each line's units not yet shipped, where some are left.
    pub fn unshipped(&self) -> impl Iterator<Item = (ProductId, u64)> + '_ {
        self.lines.iter().filter_map(|line| {
            let id = line.product_id();
            let left = u64::from(line.quantity().get()).saturating_sub(self.shipped_units(id));
            (left > 0).then_some((id, left))
        })
    }

    /// Sends `request.items` (every unit left when `None`) in a new
    /// shipment: the order becomes `Shipped` when nothing is left, else
    /// `PartiallyShipped`, with a history entry when its status moves.
    ///
    /// # Errors
    /// [`ShipError::Order`] unless the order is `Confirmed` or
    /// `PartiallyShipped`; [`ShipError::Items`] naming every item that is
    /// not on the order, repeats an earlier one or is more than is left.
    /// The order is unchanged in either case.
    pub fn ship(
        &mut self,
        request: ShipmentRequest,
        by: Actor,
        at: Timestamp,
    ) -> Result<ShipmentId, ShipError> {
        let from = self.status;
        if !from.may_become(OrderStatus::Shipped) {
            return Err(OrderError::IllegalTransition {
                from,
                to: OrderStatus::Shipped,
            }
            .into());
        }
        let mut request = request;
        let items = match request.items.take() {
            Some(items) => self.sendable(items)?,
            None => self.everything_left(),
        };
        let id = self.push_shipment(items, request, by, at);
        let to = if self.unshipped().next().is_some() {
            OrderStatus::PartiallyShipped
        } else {
            OrderStatus::Shipped
        };
        self.enter(to, by, at, None);
        Ok(id)
    }

    /// Records that shipment `id` arrived; once every unit has shipped and
    /// every shipment arrived, the order is `Delivered`. Returns whether
    /// anything changed (a shipment already delivered stays as recorded).
    ///
    /// # Errors
    /// [`DeliverError::UnknownShipment`] when the order has no shipment `id`.
    pub fn mark_delivered(
        &mut self,
        id: ShipmentId,
        by: Actor,
        at: Timestamp,
    ) -> Result<bool, DeliverError> {
        let shipment = self
            .shipments
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(DeliverError::UnknownShipment)?;
        if shipment.delivered.is_some() {
            return Ok(false);
        }
        shipment.delivered = Some(Delivery { at, by });
        let arrived = self.shipments.iter().all(|s| s.delivered.is_some());
        if self.status == OrderStatus::Shipped && arrived {
            self.enter(OrderStatus::Delivered, by, at, None);
        } else {
            self.touch(at);
        }
        Ok(true)
    }

    /// What a move to `to` does to the shipments: shipping sends every
    /// unit left, delivering marks every shipment arrived. Called once the
    /// move is known to be legal.
    pub(super) fn fulfil_for(&mut self, to: OrderStatus, by: Actor, at: Timestamp) {
        match to {
            OrderStatus::Shipped => {
                let items = self.everything_left();
                self.push_shipment(items, ShipmentRequest::default(), by, at);
            }
            OrderStatus::Delivered => {
                for shipment in self.shipments.iter_mut().filter(|s| s.delivered.is_none()) {
                    shipment.delivered = Some(Delivery { at, by });
                }
            }
            _ => {}
        }
    }

    fn push_shipment(
        &mut self,
        items: Vec<(ProductId, Quantity)>,
        request: ShipmentRequest,
        by: Actor,
        at: Timestamp,
    ) -> ShipmentId {
        let id = self
            .shipments
            .last()
            .map_or(ShipmentId::FIRST, |s| s.id.next());
        self.shipments.push(Shipment {
            id,
            items,
            carrier: request.carrier,
            tracking_number: request.tracking_number,
            tracking_url: request.tracking_url,
            shipped_at: at,
            shipped_by: by,
            delivered: None,
        });
        id
    }

    fn everything_left(&self) -> Vec<(ProductId, Quantity)> {
        self.unshipped()
            .filter_map(|(id, left)| Some((id, Quantity::new(i64::try_from(left).ok()?).ok()?)))
            .collect()
    }

    fn sendable(
        &self,
        items: Vec<(ProductId, Quantity)>,
    ) -> Result<Vec<(ProductId, Quantity)>, ShipError> {
        let left = |product| {
            (self.units_of(product) > 0)
                .then(|| self.units_of(product) - self.shipped_units(product))
        };
        let refused = super::shipment::check_items(&items, left);
        if refused.is_empty() {
            Ok(items)
        } else {
            Err(ShipError::Items(refused))
        }
    }
}

/// Whether `shipments` could belong to an order with these lines in
/// `status`: numbered 1, 2, … with no empty shipment, never more of a
/// product than its line, and as many sent and arrived as the status says.
pub(super) fn check_shipments(order: &Order) -> Result<(), OrderError> {
    let bad = |why| Err(OrderError::Inconsistent(why));
    let mut expected = ShipmentId::FIRST;
    for shipment in &order.shipments {
        if shipment.id != expected {
            return bad("shipments are not numbered 1, 2, …");
        }
        expected = expected.next();
        let mut seen = HashSet::new();
        if shipment.items.is_empty() || !shipment.items.iter().all(|(p, _)| seen.insert(*p)) {
            return bad("a shipment is empty or repeats a product");
        }
    }
    let over = order
        .lines
        .iter()
        .any(|l| order.shipped_units(l.product_id()) > u64::from(l.quantity().get()));
    let strays = order
        .shipments
        .iter()
        .flat_map(|s| &s.items)
        .any(|(p, _)| order.units_of(*p) == 0);
    if over || strays {
        return bad("shipments hold units the order does not");
    }
    let left = order.unshipped().next().is_some();
    let sent = !order.shipments.is_empty();
    let arrived = order.shipments.iter().all(|s| s.delivered.is_some());
    let fits = match order.status {
        OrderStatus::Pending | OrderStatus::Confirmed | OrderStatus::Cancelled => !sent,
        OrderStatus::PartiallyShipped => sent && left,
        OrderStatus::Shipped => !left,
        OrderStatus::Delivered => !left && arrived,
    };
    if fits {
        Ok(())
    } else {
        bad("shipments disagree with the status")
    }
}

#[cfg(test)]
mod tests;
