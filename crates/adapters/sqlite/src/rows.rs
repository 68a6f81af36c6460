//! Rows to records and back. Ids are hyphenated UUIDs, times Unix
//! milliseconds, money minor units; an order's lines and history are JSON
//! arrays in its row. A row that breaks a domain rule on the way back is
//! reported as corrupt, never trusted.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use oms_domain::address::ShippingAddress;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::note::Note;
use oms_domain::order::activity::Activity;
use oms_domain::order::line::OrderLine;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::shipment::Shipment;
use oms_domain::order::{CustomerSnapshot, Order, OrderParts, StatusEntry};
use oms_domain::password::PasswordHash;
use oms_domain::product::Product;
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role, User};
use oms_ports::error::StoreError;
use oms_rules::activity::ActivityRecord;
use oms_rules::address::AddressRecord;
use oms_rules::line::LineRecord;
use oms_rules::shipment::ShipmentRecord;
use rusqlite::{OptionalExtension, Row, Statement};
use serde::{Deserialize, Serialize};

use crate::errors::{field, store_error};

/// Now, for when a row was written (never a caller's clock).
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub(crate) fn millis(at: Timestamp) -> i64 {
    at.unix_millis()
}

pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A row with its statement's column names, read from SQLite once per
/// query: a column found by name through rusqlite asks SQLite for the name
/// of every column before it, on every read (a sixth of the CPU of a CSV
/// export).
pub(crate) struct Fields<'a, 's> {
    row: &'a Row<'s>,
    names: &'a [String],
}

impl<'a, 's> Fields<'a, 's> {
    pub(crate) fn new(row: &'a Row<'s>, names: &'a [String]) -> Self {
        Fields { row, names }
    }
}

/// The names of the columns `statement` answers with, in order.
pub(crate) fn names(statement: &Statement<'_>) -> Vec<String> {
    statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

impl Fields<'_, '_> {
    fn at(&self, name: &str) -> Result<usize, StoreError> {
        self.names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| store_error(rusqlite::Error::InvalidColumnName(name.to_owned())))
    }
}

/// Column `name` of `row`, with SQLite's failure as a store error.
pub(crate) fn column<T: rusqlite::types::FromSql>(
    row: &Fields<'_, '_>,
    name: &str,
) -> Result<T, StoreError> {
    row.row.get(row.at(name)?).map_err(store_error)
}

/// Text column `name` of `row`, borrowed from the row rather than copied.
pub(crate) fn text<'a>(row: &Fields<'a, '_>, name: &str) -> Result<&'a str, StoreError> {
    let value = row.row.get_ref(row.at(name)?).map_err(store_error)?;
    field(name, value.as_str())
}

/// Text column `name` of `row`, or NULL, borrowed from the row.
pub(crate) fn text_or_null<'a>(
    row: &Fields<'a, '_>,
    name: &str,
) -> Result<Option<&'a str>, StoreError> {
    let value = row.row.get_ref(row.at(name)?).map_err(store_error)?;
    field(name, value.as_str_or_null())
}

fn time(row: &Fields<'_, '_>, name: &str) -> Result<Timestamp, StoreError> {
    field(name, Timestamp::from_unix_millis(column(row, name)?))
}

fn whole(row: &Fields<'_, '_>, name: &str) -> Result<u64, StoreError> {
    field(name, u64::try_from(column::<i64>(row, name)?))
}

fn parsed<T: std::str::FromStr>(row: &Fields<'_, '_>, name: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    field(name, text(row, name)?.parse())
}

pub(crate) const PRODUCT_COLUMNS: &str =
    "id, name, price, stock, archived, created_at, updated_at, version";

pub(crate) fn product(row: &Fields<'_, '_>) -> Result<Product, StoreError> {
    Ok(Product {
        id: parsed(row, "id")?,
        name: field("name", Name::parse(text(row, "name")?))?,
        price: field("price", Money::from_minor(column(row, "price")?))?,
        stock: Stock::from_units(whole(row, "stock")?),
        archived: column(row, "archived")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
        version: whole(row, "version")?,
    })
}

pub(crate) const CUSTOMER_COLUMNS: &str = "id, name, email, created_at";

pub(crate) fn customer(row: &Fields<'_, '_>) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: parsed(row, "id")?,
        name: field("name", Name::parse(text(row, "name")?))?,
        email: field("email", Email::parse(text(row, "email")?))?,
        created_at: time(row, "created_at")?,
    })
}

pub(crate) const USER_COLUMNS: &str =
    "id, name, email, password_hash, role, created_at, updated_at, token_generation, disabled";

pub(crate) fn user(row: &Fields<'_, '_>) -> Result<User, StoreError> {
    Ok(User {
        id: parsed(row, "id")?,
        name: field("name", Name::parse(text(row, "name")?))?,
        email: field("email", Email::parse(text(row, "email")?))?,
        password_hash: PasswordHash::from_phc(column(row, "password_hash")?),
        role: parsed(row, "role")?,
        token_generation: field(
            "token_generation",
            u32::try_from(column::<i64>(row, "token_generation")?),
        )?,
        disabled: column(row, "disabled")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

pub(crate) const ORDER_COLUMNS: &str = "id, number, customer_id, customer_name, customer_email, lines, \
     total, payment_collected, status, history, placed_by, placed_by_role, created_at, \
     updated_at, version, shipping_address, shipments, activity";

/// A status change as stored; its text is borrowed from the row where
/// it needs no unescaping (every order read decodes its history).
#[derive(Debug, Serialize, Deserialize)]
struct HistoryRecord<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    at: i64,
    #[serde(borrow)]
    by: Cow<'a, str>,
    #[serde(borrow)]
    role: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    reason: Option<Cow<'a, str>>,
}

pub(crate) fn lines_json(order: &Order) -> String {
    serde_json::to_string(&LineRecord::all(order.lines())).unwrap_or_default()
}

pub(crate) fn history_json(order: &Order) -> String {
    let history: Vec<HistoryRecord> = order
        .history()
        .iter()
        .map(|h| HistoryRecord {
            from: h.from.as_str().into(),
            to: h.to.as_str().into(),
            at: millis(h.at),
            by: h.by.user.to_string().into(),
            role: h.by.role.as_str().into(),
            reason: h.reason.as_ref().map(|r| r.as_str().into()),
        })
        .collect();
    serde_json::to_string(&history).unwrap_or_default()
}

/// The lines of an order row.
pub(crate) fn lines(row: &Fields<'_, '_>) -> Result<Vec<OrderLine>, StoreError> {
    let records: Vec<LineRecord> = field("lines", serde_json::from_str(text(row, "lines")?))?;
    LineRecord::read_all(&records)
}

fn history(row: &Fields<'_, '_>) -> Result<Vec<StatusEntry>, StoreError> {
    let records: Vec<HistoryRecord> =
        field("history", serde_json::from_str(text(row, "history")?))?;
    records
        .into_iter()
        .map(|h| {
            Ok(StatusEntry {
                from: field("history.from", h.from.parse())?,
                to: field("history.to", h.to.parse())?,
                at: field("history.at", Timestamp::from_unix_millis(h.at))?,
                by: Actor {
                    user: field("history.by", h.by.parse())?,
                    role: field("history.role", Role::of_record(&h.role))?,
                },
                reason: h
                    .reason
                    .map(|r| field("history.reason", Note::parse(&r)))
                    .transpose()?,
            })
        })
        .collect()
}

/// The order number in column `name`.
pub(crate) fn number(row: &Fields<'_, '_>, name: &str) -> Result<OrderNumber, StoreError> {
    field(name, OrderNumber::new(whole(row, name)?))
}

/// Who placed the order in a row.
pub(crate) fn placed_by(row: &Fields<'_, '_>) -> Result<Actor, StoreError> {
    Ok(Actor {
        user: parsed(row, "placed_by")?,
        role: parsed(row, "placed_by_role")?,
    })
}

/// The customer an order row is for, as it was at placement.
pub(crate) fn snapshot(row: &Fields<'_, '_>) -> Result<CustomerSnapshot, StoreError> {
    Ok(CustomerSnapshot {
        id: parsed(row, "customer_id")?,
        name: field("customer_name", Name::parse(text(row, "customer_name")?))?,
        email: field("customer_email", Email::parse(text(row, "customer_email")?))?,
    })
}

pub(crate) fn shipping_address(
    row: &Fields<'_, '_>,
) -> Result<Option<ShippingAddress>, StoreError> {
    text_or_null(row, "shipping_address")?
        .map(|json| {
            let record: AddressRecord = field("shipping_address", serde_json::from_str(json))?;
            record.address()
        })
        .transpose()
}

fn shipments(row: &Fields<'_, '_>) -> Result<Vec<Shipment>, StoreError> {
    let records: Vec<ShipmentRecord> =
        field("shipments", serde_json::from_str(text(row, "shipments")?))?;
    ShipmentRecord::read_all(&records)
}

fn activity(row: &Fields<'_, '_>) -> Result<Vec<Activity>, StoreError> {
    let records: Vec<ActivityRecord> =
        field("activity", serde_json::from_str(text(row, "activity")?))?;
    ActivityRecord::read_all(&records)
}

/// The order's activity as the shared records' JSON.
pub(crate) fn activity_json(order: &Order) -> String {
    serde_json::to_string(&ActivityRecord::all(order.activity())).unwrap_or_default()
}

/// The order's address as the shared record's JSON, or NULL.
pub(crate) fn address_json(order: &Order) -> Option<String> {
    order
        .shipping_address()
        .map(|a| serde_json::to_string(&AddressRecord::of(a)).unwrap_or_default())
}

/// The order's shipments as the shared records' JSON.
pub(crate) fn shipments_json(order: &Order) -> String {
    serde_json::to_string(&ShipmentRecord::all(order.shipments())).unwrap_or_default()
}

pub(crate) fn order(row: &Fields<'_, '_>) -> Result<Order, StoreError> {
    let parts = OrderParts {
        id: parsed(row, "id")?,
        number: number(row, "number")?,
        customer: snapshot(row)?,
        shipping_address: shipping_address(row)?,
        lines: lines(row)?,
        total: field("total", Money::from_minor(column(row, "total")?))?,
        payment_collected: column(row, "payment_collected")?,
        status: parsed(row, "status")?,
        history: history(row)?,
        shipments: shipments(row)?,
        activity: activity(row)?,
        placed_by: placed_by(row)?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
        version: whole(row, "version")?,
    };
    field("order", Order::restore(parts)).map_err(|e| {
        tracing::error!(error = %e, "a stored order breaks the order rules");
        e
    })
}

/// Whether `error` says a row broke a unique constraint.
/// Whether `error` is a unique index refusing a row for `column`
/// (`table.column`).
pub(crate) fn breaks_unique(error: &rusqlite::Error, column: &str) -> bool {
    is_unique_violation(error) && error.to_string().contains(column)
}

pub(crate) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation)
    )
}

/// The one row `sql` selects for `key` (its `?1`), read by `read`.
pub(crate) fn one<T>(
    c: &rusqlite::Connection,
    sql: &str,
    key: &str,
    read: impl FnOnce(&Fields<'_, '_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut statement = c.prepare_cached(sql).map_err(store_error)?;
    let names = names(&statement);
    let found = statement
        .query_row([key], |row| Ok(read(&Fields::new(row, &names))))
        .optional()
        .map_err(store_error)?;
    found.transpose()
}

/// Maps every row of `rows` with `read`, stopping at the first failure.
pub(crate) fn collect<T>(
    mut rows: rusqlite::Rows<'_>,
    read: impl Fn(&Fields<'_, '_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let names = rows.as_ref().map(names).unwrap_or_default();
    let mut all = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        all.push(read(&Fields::new(row, &names))?);
    }
    Ok(all)
}
