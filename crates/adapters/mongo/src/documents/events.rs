//! Order events as documents in `events`, one per committed change, written
//! in the change's transaction. Each carries what a subscriber is told (the
//! whole order for `orderPlaced`), because followers read events from the
//! change stream, not from the orders.

use mongodb::bson::DateTime;
use oms_domain::event::{
    OrderAddressUpdated, OrderAfterSale, OrderEvent, OrderItemsUpdated, OrderNoteAdded,
    OrderPaymentUpdated, OrderShipmentDelivered, OrderShipped, OrderStatusUpdated,
};
use oms_domain::order::Order;
use oms_domain::order::shipment::ShipmentId;
use oms_ports::error::StoreError;
use oms_rules::activity::{ActivityRecord, EditRecord, NoteRecord};
use oms_rules::address::AddressRecord;
use oms_rules::shipment::ShipmentRecord;
use serde::{Deserialize, Serialize};

use super::orders::{ActorDoc, OrderDoc, number};
use super::{corrupt, count, date, field, timestamp, uncount};

/// One event. `_id` is `"<order id>:<version>"`, so the unique `_id` index
/// holds each change to one event; `seq` numbers the events of one
/// transaction, which share a commit time (a group commit records one per
/// write of its group, in the order they were decided).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub order_id: String,
    pub order_number: i64,
    pub placed_by: String,
    pub version: i64,
    pub at: DateTime,
    pub seq: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ActorDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<ShipmentRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<NoteRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityRecord>,
}

impl EventDoc {
    /// `event` as the `seq`-th event of its transaction.
    pub fn new(event: &OrderEvent, seq: i32) -> EventDoc {
        let mut doc = EventDoc {
            id: format!("{}:{}", event.order_id(), event.version()),
            name: event.name().to_owned(),
            order_id: event.order_id().to_string(),
            order_number: count(event.order_number().get()),
            placed_by: event.placed_by().to_string(),
            version: count(event.version()),
            at: date(event.at()),
            seq,
            order: None,
            from: None,
            to: None,
            by: None,
            payment_collected: None,
            shipment: None,
            shipment_ids: None,
            note: None,
            address: None,
            edit: None,
            activity: None,
        };
        let mut moved = |from: &str, to: &str, by, paid| {
            doc.from = Some(from.to_owned());
            doc.to = Some(to.to_owned());
            doc.by = Some(by);
            doc.payment_collected = Some(paid);
        };
        match event {
            OrderEvent::Placed(p) => doc.order = Some(OrderDoc::from(&p.order)),
            OrderEvent::StatusUpdated(u) => {
                moved(
                    u.from.as_str(),
                    u.to.as_str(),
                    u.by.into(),
                    u.payment_collected,
                );
            }
            OrderEvent::PaymentUpdated(p) => doc.payment_collected = Some(p.payment_collected),
            OrderEvent::Shipped(s) => {
                moved(
                    s.from.as_str(),
                    s.to.as_str(),
                    s.by.into(),
                    s.payment_collected,
                );
                doc.shipment = Some(ShipmentRecord::of(&s.shipment));
            }
            OrderEvent::NoteAdded(n) => {
                doc.by = Some(n.by.into());
                doc.note = Some(NoteRecord::of(&n.note));
            }
            OrderEvent::AddressUpdated(a) => {
                doc.by = Some(a.by.into());
                doc.address = Some(AddressRecord::of(&a.address));
            }
            OrderEvent::ItemsUpdated(e) => {
                doc.by = Some(e.by.into());
                doc.edit = Some(EditRecord::of(&e.edit));
            }
            OrderEvent::ReturnRequested(a)
            | OrderEvent::ReturnReceived(a)
            | OrderEvent::ReturnRejected(a)
            | OrderEvent::Refunded(a) => {
                doc.by = Some(a.activity.by.into());
                doc.activity = Some(ActivityRecord::of(&a.activity));
            }
            OrderEvent::ShipmentDelivered(d) => {
                moved(
                    d.from.as_str(),
                    d.to.as_str(),
                    d.by.into(),
                    d.payment_collected,
                );
                doc.shipment_ids = Some(d.shipments.iter().map(|id| i64::from(id.get())).collect());
            }
        }
        doc
    }
}

fn required<T>(name: &str, value: Option<T>) -> Result<T, StoreError> {
    value.ok_or_else(|| corrupt(format_args!("event.{name} is missing")))
}

impl TryFrom<EventDoc> for OrderEvent {
    type Error = StoreError;

    fn try_from(d: EventDoc) -> Result<Self, StoreError> {
        let order_id = field("event.orderId", d.order_id.parse())?;
        let number = number("event.orderNumber", d.order_number)?;
        let placed_by = field("event.placedBy", d.placed_by.parse())?;
        let version = uncount("event.version", d.version)?;
        let at = timestamp("event.at", d.at)?;
        let event = match d.name.as_str() {
            "orderPlaced" => OrderEvent::placed(&Order::try_from(required("order", d.order)?)?),
            "orderStatusUpdated" => OrderEvent::StatusUpdated(OrderStatusUpdated {
                order_id,
                number,
                placed_by,
                from: field("event.from", required("from", d.from)?.parse())?,
                to: field("event.to", required("to", d.to)?.parse())?,
                at,
                by: required("by", d.by)?.try_into()?,
                version,
                payment_collected: required("paymentCollected", d.payment_collected)?,
            }),
            "orderPaymentUpdated" => OrderEvent::PaymentUpdated(OrderPaymentUpdated {
                order_id,
                number,
                placed_by,
                payment_collected: required("paymentCollected", d.payment_collected)?,
                at,
                version,
            }),
            "orderShipped" => OrderEvent::Shipped(OrderShipped {
                order_id,
                number,
                placed_by,
                shipment: required("shipment", d.shipment)?.shipment()?,
                from: field("event.from", required("from", d.from)?.parse())?,
                to: field("event.to", required("to", d.to)?.parse())?,
                at,
                by: required("by", d.by)?.try_into()?,
                version,
                payment_collected: required("paymentCollected", d.payment_collected)?,
            }),
            "orderShipmentDelivered" => OrderEvent::ShipmentDelivered(OrderShipmentDelivered {
                order_id,
                number,
                placed_by,
                shipments: required("shipmentIds", d.shipment_ids)?
                    .into_iter()
                    .map(|id| {
                        field(
                            "event.shipmentIds",
                            ShipmentId::new(uncount("event.shipmentIds", id)?),
                        )
                    })
                    .collect::<Result<_, _>>()?,
                from: field("event.from", required("from", d.from)?.parse())?,
                to: field("event.to", required("to", d.to)?.parse())?,
                at,
                by: required("by", d.by)?.try_into()?,
                version,
                payment_collected: required("paymentCollected", d.payment_collected)?,
            }),
            "orderNoteAdded" => OrderEvent::NoteAdded(OrderNoteAdded {
                order_id,
                number,
                placed_by,
                note: required("note", d.note)?.note()?,
                at,
                by: required("by", d.by)?.try_into()?,
                version,
            }),
            "orderAddressUpdated" => OrderEvent::AddressUpdated(OrderAddressUpdated {
                order_id,
                number,
                placed_by,
                address: required("address", d.address)?.address()?,
                at,
                by: required("by", d.by)?.try_into()?,
                version,
            }),
            "orderItemsUpdated" => OrderEvent::ItemsUpdated(OrderItemsUpdated {
                order_id,
                number,
                placed_by,
                edit: required("edit", d.edit)?.edit()?,
                at,
                by: required("by", d.by)?.try_into()?,
                version,
            }),
            "returnRequested" | "returnReceived" | "returnRejected" | "orderRefunded" => {
                let sale = OrderAfterSale {
                    order_id,
                    number,
                    placed_by,
                    activity: required("activity", d.activity)?.activity()?,
                    version,
                };
                match d.name.as_str() {
                    "returnRequested" => OrderEvent::ReturnRequested(sale),
                    "returnReceived" => OrderEvent::ReturnReceived(sale),
                    "returnRejected" => OrderEvent::ReturnRejected(sale),
                    _ => OrderEvent::Refunded(sale),
                }
            }
            other => return Err(corrupt(format_args!("event.name {other:?}"))),
        };
        if event.order_id() != order_id
            || event.version() != version
            || event.order_number() != number
        {
            return Err(corrupt("event.order disagrees with the event"));
        }
        Ok(event)
    }
}
