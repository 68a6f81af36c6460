//! Orders as documents: the order with its lines, snapshot and history
//! embedded (one read serves a tracking page), and the idempotency claims
//! that point at orders.

use mongodb::bson::DateTime;
use oms_domain::email::Email;
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::note::Note;
use oms_domain::order::line::OrderLine;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::{CustomerSnapshot, Order, OrderParts, StatusEntry};
use oms_domain::quantity::Quantity;
use oms_domain::user::{Actor, Role};
use oms_ports::error::StoreError;
use oms_rules::activity::ActivityRecord;
use oms_rules::shipment::ShipmentRecord;
use serde::{Deserialize, Serialize};

use super::{corrupt, count, date, field, timestamp, uncount};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrderDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub number: i64,
    pub customer: SnapshotDoc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<oms_rules::address::AddressRecord>,
    pub lines: Vec<LineDoc>,
    pub total: i64,
    pub payment_collected: bool,
    pub status: String,
    pub history: Vec<HistoryDoc>,
    #[serde(default)]
    pub shipments: Vec<ShipmentRecord>,
    #[serde(default)]
    pub activity: Vec<ActivityRecord>,
    /// The sum of the refunds, for the summary (derived from `activity`).
    #[serde(default)]
    pub refunded: i64,
    /// When the oldest return still open was asked for, for lists and the
    /// returns queue (derived from `activity`; absent when none is open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_return_since: Option<DateTime>,
    pub placed_by: ActorDoc,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub version: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SnapshotDoc {
    pub id: String,
    pub name: String,
    /// The name case-folded, for finding orders by it.
    #[serde(rename = "nameKey")]
    pub name_key: String,
    pub email: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LineDoc {
    pub product_id: String,
    pub name: String,
    pub unit_price: i64,
    pub quantity: i64,
    pub line_total: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct HistoryDoc {
    pub from: String,
    pub to: String,
    pub at: DateTime,
    pub by: ActorDoc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct ActorDoc {
    pub user: String,
    pub role: String,
}

impl From<Actor> for ActorDoc {
    fn from(a: Actor) -> Self {
        ActorDoc {
            user: a.user.to_string(),
            role: a.role.as_str().to_owned(),
        }
    }
}

impl TryFrom<ActorDoc> for Actor {
    type Error = StoreError;

    fn try_from(d: ActorDoc) -> Result<Self, StoreError> {
        Ok(Actor {
            user: field("actor.user", d.user.parse())?,
            role: field("actor.role", Role::of_record(&d.role))?,
        })
    }
}

impl From<&Order> for OrderDoc {
    fn from(o: &Order) -> Self {
        let c = o.customer();
        OrderDoc {
            id: o.id().to_string(),
            number: count(o.number().get()),
            customer: SnapshotDoc {
                id: c.id.to_string(),
                name: c.name.as_str().to_owned(),
                name_key: c.name.sort_key(),
                email: c.email.as_str().to_owned(),
            },
            shipping_address: o
                .shipping_address()
                .map(oms_rules::address::AddressRecord::of),
            lines: o.lines().iter().map(LineDoc::from).collect(),
            total: o.total().minor(),
            payment_collected: o.payment_collected(),
            status: o.status().as_str().to_owned(),
            history: o.history().iter().map(HistoryDoc::from).collect(),
            shipments: ShipmentRecord::all(o.shipments()),
            activity: ActivityRecord::all(o.activity()),
            refunded: o.refunded_total().minor(),
            open_return_since: o.open_return_since().map(date),
            placed_by: o.placed_by().into(),
            created_at: date(o.created_at()),
            updated_at: date(o.updated_at()),
            version: count(o.version()),
        }
    }
}

impl From<&OrderLine> for LineDoc {
    fn from(l: &OrderLine) -> Self {
        LineDoc {
            product_id: l.product_id().to_string(),
            name: l.name().as_str().to_owned(),
            unit_price: l.unit_price().minor(),
            quantity: i64::from(l.quantity().get()),
            line_total: l.line_total().minor(),
        }
    }
}

impl From<&StatusEntry> for HistoryDoc {
    fn from(h: &StatusEntry) -> Self {
        HistoryDoc {
            from: h.from.as_str().to_owned(),
            to: h.to.as_str().to_owned(),
            at: date(h.at),
            by: h.by.into(),
            reason: h.reason.as_ref().map(|r| r.as_str().to_owned()),
        }
    }
}

impl TryFrom<LineDoc> for OrderLine {
    type Error = StoreError;

    fn try_from(d: LineDoc) -> Result<Self, StoreError> {
        let line = OrderLine::new(
            field("line.productId", d.product_id.parse())?,
            field("line.name", Name::parse(&d.name))?,
            field("line.unitPrice", Money::from_minor(d.unit_price))?,
            field("line.quantity", Quantity::new(d.quantity))?,
        );
        let line = field("line.lineTotal", line)?;
        if line.line_total().minor() != d.line_total {
            return Err(corrupt(
                "line.lineTotal does not match its price and quantity",
            ));
        }
        Ok(line)
    }
}

impl TryFrom<HistoryDoc> for StatusEntry {
    type Error = StoreError;

    fn try_from(d: HistoryDoc) -> Result<Self, StoreError> {
        Ok(StatusEntry {
            from: field("history.from", d.from.parse())?,
            to: field("history.to", d.to.parse())?,
            at: timestamp("history.at", d.at)?,
            by: d.by.try_into()?,
            reason: d
                .reason
                .map(|r| field("history.reason", Note::parse(&r)))
                .transpose()?,
        })
    }
}

impl TryFrom<OrderDoc> for Order {
    type Error = StoreError;

    fn try_from(d: OrderDoc) -> Result<Self, StoreError> {
        let parts = OrderParts {
            id: field("order._id", d.id.parse())?,
            number: number("order.number", d.number)?,
            customer: CustomerSnapshot {
                id: field("order.customer.id", d.customer.id.parse())?,
                name: field("order.customer.name", Name::parse(&d.customer.name))?,
                email: field("order.customer.email", Email::parse(&d.customer.email))?,
            },
            shipping_address: d.shipping_address.map(|a| a.address()).transpose()?,
            lines: d
                .lines
                .into_iter()
                .map(OrderLine::try_from)
                .collect::<Result<_, _>>()?,
            total: field("order.total", Money::from_minor(d.total))?,
            payment_collected: d.payment_collected,
            status: field("order.status", d.status.parse())?,
            history: d
                .history
                .into_iter()
                .map(StatusEntry::try_from)
                .collect::<Result<_, _>>()?,
            shipments: ShipmentRecord::read_all(&d.shipments)?,
            activity: ActivityRecord::read_all(&d.activity)?,
            placed_by: d.placed_by.try_into()?,
            created_at: timestamp("order.createdAt", d.created_at)?,
            updated_at: timestamp("order.updatedAt", d.updated_at)?,
            version: uncount("order.version", d.version)?,
        };
        field("order", Order::restore(parts))
    }
}

/// An order number as stored.
pub(crate) fn number(name: &str, stored: i64) -> Result<OrderNumber, StoreError> {
    field(name, OrderNumber::new(uncount(name, stored)?))
}

/// One use of an idempotency key: `_id` is `"<user id>:<key>"`, so the
/// unique `_id` index makes a key's first use win any race.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdempotencyDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub fingerprint: String,
    pub order_id: String,
    pub created_at: DateTime,
}
