//! Events to rows of `events` and back. The older kinds fit the columns;
//! the later ones keep what the columns cannot hold in `detail`, as JSON
//! of the records every store shares. A placement's event is rebuilt from
//! its order's row, joined in: its fixed part, and the lines and address
//! as placed (`placed`, kept once either changed).

use oms_domain::event::{
    OrderAddressUpdated, OrderAfterSale, OrderEvent, OrderItemsUpdated, OrderNoteAdded,
    OrderPaymentUpdated, OrderShipmentDelivered, OrderShipped, OrderStatusUpdated,
};
use oms_domain::order::shipment::ShipmentId;
use oms_domain::order::{NewOrder, Order};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role};
use oms_ports::error::StoreError;
use oms_rules::activity::{ActivityRecord, EditRecord, NoteRecord};
use oms_rules::address::AddressRecord;
use oms_rules::line::LineRecord;
use oms_rules::shipment::ShipmentRecord;
use rusqlite::{Connection, params};

use crate::errors::{corrupt, field, store_error};
use crate::rows::{self, Fields, column, count, millis};

/// Records `event`, logged at `now`.
pub(crate) fn insert(c: &Connection, event: &OrderEvent, now: i64) -> Result<(), StoreError> {
    let moved = |from: &'static str, to: &'static str, by: &Actor| {
        (
            Some(from),
            Some(to),
            Some(by.user.to_string()),
            Some(by.role.as_str()),
        )
    };
    let none = (None, None, None, None);
    let (detail, (from, to, by, role), paid) = match event {
        OrderEvent::Placed(p) => (None, none, p.order.payment_collected()),
        OrderEvent::StatusUpdated(u) => (
            None,
            moved(u.from.as_str(), u.to.as_str(), &u.by),
            u.payment_collected,
        ),
        OrderEvent::PaymentUpdated(p) => (None, none, p.payment_collected),
        OrderEvent::Shipped(s) => (
            Some(json(&ShipmentRecord::of(&s.shipment))),
            moved(s.from.as_str(), s.to.as_str(), &s.by),
            s.payment_collected,
        ),
        // These kinds do not carry the payment state; the column, which
        // must hold something, is not read for them.
        OrderEvent::NoteAdded(n) => (
            Some(json(&NoteRecord::of(&n.note))),
            (
                None,
                None,
                Some(n.by.user.to_string()),
                Some(n.by.role.as_str()),
            ),
            false,
        ),
        OrderEvent::AddressUpdated(a) => (
            Some(json(&AddressRecord::of(&a.address))),
            (
                None,
                None,
                Some(a.by.user.to_string()),
                Some(a.by.role.as_str()),
            ),
            false,
        ),
        OrderEvent::ItemsUpdated(e) => (
            Some(json(&EditRecord::of(&e.edit))),
            (
                None,
                None,
                Some(e.by.user.to_string()),
                Some(e.by.role.as_str()),
            ),
            false,
        ),
        OrderEvent::ReturnRequested(a)
        | OrderEvent::ReturnReceived(a)
        | OrderEvent::ReturnRejected(a)
        | OrderEvent::Refunded(a) => (
            Some(json(&ActivityRecord::of(&a.activity))),
            (
                None,
                None,
                Some(a.activity.by.user.to_string()),
                Some(a.activity.by.role.as_str()),
            ),
            false,
        ),
        OrderEvent::ShipmentDelivered(d) => {
            let ids: Vec<u32> = d.shipments.iter().map(|id| id.get()).collect();
            (
                Some(json(&ids)),
                moved(d.from.as_str(), d.to.as_str(), &d.by),
                d.payment_collected,
            )
        }
    };
    let mut statement = c
        .prepare_cached(
            "INSERT INTO events (name, order_id, placed_by, version, at, logged_at, from_status,
             to_status, by_user, by_role, payment_collected, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .map_err(store_error)?;
    statement
        .execute(params![
            event.name(),
            event.order_id().to_string(),
            event.placed_by().to_string(),
            count(event.version()),
            millis(event.at()),
            now,
            from,
            to,
            by,
            role,
            paid,
            detail,
        ])
        .map_err(store_error)?;
    Ok(())
}

/// An order's lines and address as placed, kept once either changed.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Placed {
    lines: Vec<LineRecord>,
    shipping_address: Option<AddressRecord>,
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The `detail` of an event row, read as `T`.
fn detail<T: serde::de::DeserializeOwned>(row: &Fields<'_, '_>) -> Result<T, StoreError> {
    let text = column::<Option<String>>(row, "detail")?
        .ok_or_else(|| corrupt("events.detail is missing"))?;
    field("events.detail", serde_json::from_str(&text))
}

/// The event in a row of `events` joined with its order.
pub(crate) fn event(row: &Fields<'_, '_>) -> Result<OrderEvent, StoreError> {
    let order_id = field(
        "events.order_id",
        column::<String>(row, "order_id")?.parse(),
    )?;
    let placed_by = field(
        "events.placed_by",
        column::<String>(row, "placed_by")?.parse(),
    )?;
    let version = field(
        "events.version",
        u64::try_from(column::<i64>(row, "version")?),
    )?;
    let at = field("events.at", Timestamp::from_unix_millis(column(row, "at")?))?;
    let payment_collected = column(row, "payment_collected")?;
    let number = rows::number(row, "number")?;
    let status =
        |name: &str| -> Result<_, StoreError> { field(name, column::<String>(row, name)?.parse()) };
    let by = || -> Result<Actor, StoreError> {
        Ok(Actor {
            user: field("events.by_user", column::<String>(row, "by_user")?.parse())?,
            role: field(
                "events.by_role",
                Role::of_record(&column::<String>(row, "by_role")?),
            )?,
        })
    };
    let name: String = column(row, "name")?;
    let event = match name.as_str() {
        "orderPlaced" => {
            // The order as placed: its fixed part, pending, at version 1.
            let (lines, shipping_address) = match column::<Option<String>>(row, "placed")? {
                Some(placed) => {
                    let placed: Placed = field("orders.placed", serde_json::from_str(&placed))?;
                    let address = placed.shipping_address.map(|a| a.address()).transpose()?;
                    (LineRecord::read_all(&placed.lines)?, address)
                }
                None => (rows::lines(row)?, rows::shipping_address(row)?),
            };
            let placed = Order::place(NewOrder {
                id: order_id,
                number,
                customer: rows::snapshot(row)?,
                shipping_address,
                lines,
                payment_collected,
                placed_by: rows::placed_by(row)?,
                at,
            });
            OrderEvent::placed(&field("events.order", placed)?)
        }
        "orderStatusUpdated" => OrderEvent::StatusUpdated(OrderStatusUpdated {
            order_id,
            number,
            placed_by,
            from: status("from_status")?,
            to: status("to_status")?,
            at,
            by: by()?,
            version,
            payment_collected,
        }),
        "orderPaymentUpdated" => OrderEvent::PaymentUpdated(OrderPaymentUpdated {
            order_id,
            number,
            placed_by,
            payment_collected,
            at,
            version,
        }),
        "orderShipped" => OrderEvent::Shipped(OrderShipped {
            order_id,
            number,
            placed_by,
            shipment: detail::<ShipmentRecord>(row)?.shipment()?,
            from: status("from_status")?,
            to: status("to_status")?,
            at,
            by: by()?,
            version,
            payment_collected,
        }),
        "orderShipmentDelivered" => {
            let ids: Vec<u64> = detail(row)?;
            OrderEvent::ShipmentDelivered(OrderShipmentDelivered {
                order_id,
                number,
                placed_by,
                shipments: ids
                    .into_iter()
                    .map(|id| field("events.detail", ShipmentId::new(id)))
                    .collect::<Result<_, _>>()?,
                from: status("from_status")?,
                to: status("to_status")?,
                at,
                by: by()?,
                version,
                payment_collected,
            })
        }
        "orderNoteAdded" => OrderEvent::NoteAdded(OrderNoteAdded {
            order_id,
            number,
            placed_by,
            note: detail::<NoteRecord>(row)?.note()?,
            at,
            by: by()?,
            version,
        }),
        "orderAddressUpdated" => OrderEvent::AddressUpdated(OrderAddressUpdated {
            order_id,
            number,
            placed_by,
            address: detail::<AddressRecord>(row)?.address()?,
            at,
            by: by()?,
            version,
        }),
        "orderItemsUpdated" => {
            let edit = detail::<EditRecord>(row)?.edit()?;
            OrderEvent::ItemsUpdated(OrderItemsUpdated {
                order_id,
                number,
                placed_by,
                edit,
                at,
                by: by()?,
                version,
            })
        }
        "returnRequested" | "returnReceived" | "returnRejected" | "orderRefunded" => {
            let sale = OrderAfterSale {
                order_id,
                number,
                placed_by,
                activity: detail::<ActivityRecord>(row)?.activity()?,
                version,
            };
            match name.as_str() {
                "returnRequested" => OrderEvent::ReturnRequested(sale),
                "returnReceived" => OrderEvent::ReturnReceived(sale),
                "returnRejected" => OrderEvent::ReturnRejected(sale),
                _ => OrderEvent::Refunded(sale),
            }
        }
        other => return Err(corrupt(format_args!("events.name {other:?}"))),
    };
    if event.version() != version {
        return Err(corrupt("events.version disagrees with the event"));
    }
    Ok(event)
}
