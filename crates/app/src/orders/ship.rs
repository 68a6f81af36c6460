//! Sending an order's units in shipments and recording their arrival, each
//! a compare-and-set on the order's version like every other change.

use oms_domain::invalid::{Invalid, Validation};
use oms_domain::order::shipment::{ShipmentId, ShipmentRequest, TrackingText, TrackingUrl};
use oms_domain::order::{DeliverError, Order, ShipError};
use oms_domain::user::{Actor, Permission};
use oms_ports::clock::Clock;
use oms_ports::store::OrderStore;

use super::{ItemInput, OrderService, items};
use crate::orders::status::ChangeStatusError;

/// A shipment as the client asked for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShipOrder {
    /// The units to send; every unit not yet shipped when absent.
    pub items: Option<Vec<ItemInput>>,
    /// Who carries it.
    pub carrier: Option<String>,
    /// The carrier's number for it.
    pub tracking_number: Option<String>,
    /// Where the customer can follow it (`https`).
    pub tracking_url: Option<String>,
    /// Refuse unless the order is still at this version.
    pub expected_version: Option<u64>,
}

impl ShipOrder {
    /// The request with every field checked on its own; the order checks
    /// the items against what it has left.
    fn parse(self) -> Result<ShipmentRequest, Invalid> {
        let mut v = Validation::new();
        let items = self
            .items
            .map(|all| items::parse(&mut v, &all, |i| (i.product_id.as_str(), i.quantity)));
        let text = |v: &mut Validation, field: &str, raw: Option<String>| {
            raw.and_then(|raw| v.check(field, TrackingText::parse(&raw)))
        };
        let carrier = text(&mut v, "carrier", self.carrier);
        let tracking_number = text(&mut v, "trackingNumber", self.tracking_number);
        let tracking_url = self
            .tracking_url
            .and_then(|raw| v.check("trackingUrl", TrackingUrl::parse(&raw)));
        v.finish()?;
        Ok(ShipmentRequest {
            items,
            carrier,
            tracking_number,
            tracking_url,
        })
    }
}

impl<S: OrderStore, C: Clock, I> OrderService<S, C, I> {
    /// Sends units of a confirmed or partly shipped order (staff and
    /// admins): every unit left, or the items asked for.
    ///
    /// # Errors
    /// [`ChangeStatusError::Forbidden`] for customers,
    /// [`ChangeStatusError::Invalid`] naming each bad field or item,
    /// [`ChangeStatusError::Rejected`] when the order's status does not
    /// allow a shipment, [`ChangeStatusError::AddressRequired`] when the
    /// order has no address and one is required; nothing is written.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn ship(
        &self,
        by: Actor,
        order_id: &str,
        cmd: ShipOrder,
    ) -> Result<Order, ChangeStatusError> {
        by.require(Permission::ChangeOrderStatus)?;
        let expected = cmd.expected_version;
        let request = cmd.parse()?;
        self.revise_order(order_id, expected, None, |order, now| {
            let mut next = order.clone();
            match next.ship(request.clone(), by, now) {
                Ok(_) => Ok(next),
                Err(ShipError::Order(rule)) => Err(rule.into()),
                Err(ShipError::Items(items)) => {
                    let mut v = Validation::new();
                    for item in items {
                        v.fail(item.field(), item);
                    }
                    // Never empty, and a refused shipment left `next` as
                    // `order`, which is never written.
                    v.finish()?;
                    Ok(next)
                }
            }
        })
        .await
    }

    /// Records that a shipment arrived (staff and admins); the order is
    /// delivered once every unit has shipped and every shipment arrived.
    /// A shipment already recorded as arrived is answered as it is.
    ///
    /// # Errors
    /// [`ChangeStatusError::ShipmentNotFound`] for a shipment the order
    /// does not have; otherwise as [`OrderService::ship`].
    #[tracing::instrument(skip_all, fields(order_id = %order_id, shipment = %shipment, user = %by.user))]
    pub async fn mark_delivered(
        &self,
        by: Actor,
        order_id: &str,
        shipment: &str,
        expected_version: Option<u64>,
    ) -> Result<Order, ChangeStatusError> {
        by.require(Permission::ChangeOrderStatus)?;
        let shipment: ShipmentId = shipment
            .parse()
            .map_err(|_| ChangeStatusError::ShipmentNotFound)?;
        self.revise_order(order_id, expected_version, None, |order, now| {
            let mut next = order.clone();
            match next.mark_delivered(shipment, by, now) {
                Ok(_) => Ok(next),
                Err(DeliverError::UnknownShipment) => Err(ChangeStatusError::ShipmentNotFound),
            }
        })
        .await
    }
}
