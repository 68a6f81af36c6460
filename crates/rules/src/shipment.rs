//! A shipment as every store keeps it (a SQLite JSON column, a MongoDB
//! subdocument, an `orderShipped` event's detail): plain values under the
//! API's own names, times in Unix milliseconds. Read back through the
//! domain's checks, so a damaged record is reported, never trusted.

use oms_domain::order::shipment::{Delivery, Shipment, ShipmentId, TrackingText, TrackingUrl};
use oms_domain::quantity::Quantity;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role};
use oms_ports::error::{StoreError, field};
use serde::{Deserialize, Serialize};

/// A [`Shipment`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ShipmentRecord {
    pub id: u32,
    pub items: Vec<ShipmentItemRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    pub shipped_at: i64,
    pub shipped_by: ActorRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_by: Option<ActorRecord>,
}

/// Units of one product in a shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ShipmentItemRecord {
    pub product_id: String,
    pub quantity: i64,
}

/// Who did something: a user id and the role they acted in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ActorRecord {
    pub id: String,
    pub role: String,
}

impl ActorRecord {
    /// `actor` as stored.
    pub fn of(actor: Actor) -> ActorRecord {
        ActorRecord {
            id: actor.user.to_string(),
            role: actor.role.as_str().to_owned(),
        }
    }

    /// The actor this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] for an id or role that does not parse.
    pub fn actor(&self, name: &str) -> Result<Actor, StoreError> {
        Ok(Actor {
            user: field(name, self.id.parse())?,
            role: field(name, Role::of_record(&self.role))?,
        })
    }
}

impl ShipmentRecord {
    /// `shipment` as stored.
    pub fn of(shipment: &Shipment) -> ShipmentRecord {
        ShipmentRecord {
            id: shipment.id.get(),
            items: shipment
                .items
                .iter()
                .map(|(product, quantity)| ShipmentItemRecord {
                    product_id: product.to_string(),
                    quantity: i64::from(quantity.get()),
                })
                .collect(),
            carrier: shipment.carrier.as_ref().map(|c| c.as_str().to_owned()),
            tracking_number: shipment
                .tracking_number
                .as_ref()
                .map(|t| t.as_str().to_owned()),
            tracking_url: shipment
                .tracking_url
                .as_ref()
                .map(|u| u.as_str().to_owned()),
            shipped_at: shipment.shipped_at.unix_millis(),
            shipped_by: ActorRecord::of(shipment.shipped_by),
            delivered_at: shipment.delivered.map(|d| d.at.unix_millis()),
            delivered_by: shipment.delivered.map(|d| ActorRecord::of(d.by)),
        }
    }

    /// Every shipment of `shipments` as stored.
    pub fn all(shipments: &[Shipment]) -> Vec<ShipmentRecord> {
        shipments.iter().map(ShipmentRecord::of).collect()
    }

    /// The shipment this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the first part that breaks a rule.
    pub fn shipment(&self) -> Result<Shipment, StoreError> {
        let items = self
            .items
            .iter()
            .map(|item| {
                Ok((
                    field("shipments.items.productId", item.product_id.parse())?,
                    field("shipments.items.quantity", Quantity::new(item.quantity))?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        let delivered = match (self.delivered_at, &self.delivered_by) {
            (None, None) => None,
            (Some(at), Some(by)) => Some(Delivery {
                at: field("shipments.deliveredAt", Timestamp::from_unix_millis(at))?,
                by: by.actor("shipments.deliveredBy")?,
            }),
            _ => {
                return Err(oms_ports::error::corrupt(
                    "shipments.deliveredAt without deliveredBy",
                ));
            }
        };
        Ok(Shipment {
            id: field("shipments.id", ShipmentId::new(u64::from(self.id)))?,
            items,
            carrier: text("shipments.carrier", self.carrier.as_deref())?,
            tracking_number: text("shipments.trackingNumber", self.tracking_number.as_deref())?,
            tracking_url: self
                .tracking_url
                .as_deref()
                .map(|u| field("shipments.trackingUrl", TrackingUrl::parse(u)))
                .transpose()?,
            shipped_at: field(
                "shipments.shippedAt",
                Timestamp::from_unix_millis(self.shipped_at),
            )?,
            shipped_by: self.shipped_by.actor("shipments.shippedBy")?,
            delivered,
        })
    }

    /// The shipments `records` hold, in order.
    ///
    /// # Errors
    /// As [`ShipmentRecord::shipment`], for the first bad one.
    pub fn read_all(records: &[ShipmentRecord]) -> Result<Vec<Shipment>, StoreError> {
        records.iter().map(ShipmentRecord::shipment).collect()
    }
}

fn text(name: &str, raw: Option<&str>) -> Result<Option<TrackingText>, StoreError> {
    raw.map(|t| field(name, TrackingText::parse(t))).transpose()
}

#[cfg(test)]
mod tests {
    use oms_domain::ids::{ProductId, UserId};
    use oms_domain::user::Role;

    use super::*;

    #[test]
    fn a_shipment_round_trips_through_its_record() {
        let by = Actor {
            user: UserId::MIN,
            role: Role::Staff,
        };
        let at = Timestamp::from_unix_millis(1_800_000_000_000).unwrap();
        let shipment = Shipment {
            id: ShipmentId::FIRST,
            items: vec![(ProductId::MIN, Quantity::new(2).unwrap())],
            carrier: Some(TrackingText::parse("DHL").unwrap()),
            tracking_number: None,
            tracking_url: Some(TrackingUrl::parse("https://dhl.example/t/1").unwrap()),
            shipped_at: at,
            shipped_by: by,
            delivered: Some(Delivery { at, by }),
        };
        let record = ShipmentRecord::of(&shipment);
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["items"][0]["quantity"], 2);
        assert!(json.get("trackingNumber").is_none());
        assert_eq!(record.shipment().unwrap(), shipment);
        let mut broken = record;
        broken.delivered_by = None;
        assert!(broken.shipment().is_err());
    }
}
