//! An order line as every store keeps it in plain values (a line's total
//! follows from price and quantity): the order's own lines on SQLite, and
//! the lines before and after an edit in the activity on every store.

use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::order::line::OrderLine;
use oms_domain::quantity::Quantity;
use oms_ports::error::{StoreError, field};
use serde::{Deserialize, Serialize};

/// An [`OrderLine`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct LineRecord {
    pub product_id: String,
    pub name: String,
    pub unit_price: i64,
    pub quantity: i64,
}

impl LineRecord {
    /// `line` as stored.
    pub fn of(line: &OrderLine) -> LineRecord {
        LineRecord {
            product_id: line.product_id().to_string(),
            name: line.name().as_str().to_owned(),
            unit_price: line.unit_price().minor(),
            quantity: i64::from(line.quantity().get()),
        }
    }

    /// Every line of `lines` as stored.
    pub fn all(lines: &[OrderLine]) -> Vec<LineRecord> {
        lines.iter().map(LineRecord::of).collect()
    }

    /// The line this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the part that breaks its rule.
    pub fn line(&self) -> Result<OrderLine, StoreError> {
        field(
            "lines",
            OrderLine::new(
                field("lines.productId", self.product_id.parse())?,
                field("lines.name", Name::parse(&self.name))?,
                field("lines.unitPrice", Money::from_minor(self.unit_price))?,
                field("lines.quantity", Quantity::new(self.quantity))?,
            ),
        )
    }

    /// The lines `records` hold, in order.
    ///
    /// # Errors
    /// As [`LineRecord::line`], for the first bad one.
    pub fn read_all(records: &[LineRecord]) -> Result<Vec<OrderLine>, StoreError> {
        records.iter().map(LineRecord::line).collect()
    }
}
