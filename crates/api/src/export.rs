//! Orders as CSV for people: amounts in whole currency units with the
//! currency in the header (`orderTotal (USD)`; `refunded`, the last
//! column, is in the same currency), written page by page so
//! memory stays flat however many orders match. Two shapes: one row per
//! order line (the order's total and refunds only on its first row, so a
//! spreadsheet sum of either column is the takings or the refunds), or
//! one row per order. Text a
//! spreadsheet could take for a formula is neutralised.

use oms_domain::order::Order;

use crate::currency::Currency;

/// How the rows are laid out (`?shape=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// One row per order line (`lines`, the default).
    #[default]
    Lines,
    /// One row per order (`orders`).
    Orders,
}

impl Shape {
    /// The shape named `name`, if there is one.
    pub fn parse(name: &str) -> Option<Shape> {
        match name {
            "lines" => Some(Shape::Lines),
            "orders" => Some(Shape::Orders),
            _ => None,
        }
    }
}

/// The columns every shape starts with.
const ORDER: [&str; 9] = [
    "orderNumber",
    "orderId",
    "createdAt",
    "updatedAt",
    "status",
    "paymentCollected",
    "customerId",
    "customerName",
    "customerEmail",
];

/// The header row of `shape`, amounts named with `currency`.
pub fn header(shape: Shape, currency: Currency) -> Vec<String> {
    let money = |name: &str| format!("{name} ({})", currency.code());
    let mut columns: Vec<String> = ORDER.iter().map(|c| (*c).to_owned()).collect();
    match shape {
        Shape::Lines => columns.extend([
            money("orderTotal"),
            "productId".to_owned(),
            "productName".to_owned(),
            money("unitPrice"),
            "quantity".to_owned(),
            money("lineTotal"),
        ]),
        Shape::Orders => {
            columns.extend(["lines".to_owned(), "units".to_owned(), money("orderTotal")])
        }
    }
    // Last, so columns read by position before it stay where they were.
    columns.push("refunded".to_owned());
    columns
}

/// Makes a cell inert in spreadsheets: text starting with `= + - @`, tab or
/// carriage return gets a leading apostrophe (OWASP's CSV injection advice).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// `orders` as CSV rows of `shape`, after the header row when `header` is set.
///
/// # Errors
/// Only if writing to memory fails.
pub fn rows(
    orders: &[Order],
    with_header: bool,
    shape: Shape,
    currency: Currency,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    if with_header {
        writer.write_record(header(shape, currency))?;
    }
    for order in orders {
        write_order(&mut writer, order, shape, currency)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

fn write_order(
    writer: &mut csv::Writer<Vec<u8>>,
    order: &Order,
    shape: Shape,
    currency: Currency,
) -> Result<(), csv::Error> {
    let customer = order.customer();
    let head = [
        order.number().to_string(),
        order.id().to_string(),
        order.created_at().to_string(),
        order.updated_at().to_string(),
        order.status().as_str().to_owned(),
        order.payment_collected().to_string(),
        customer.id.to_string(),
        neutralise(customer.name.as_str()),
        neutralise(customer.email.as_str()),
    ];
    let total = currency.decimal(order.total().minor());
    let refunded = currency.decimal(order.refunded_total().minor());
    if shape == Shape::Orders {
        let units: u64 = order
            .lines()
            .iter()
            .map(|l| u64::from(l.quantity().get()))
            .sum();
        let tail = [
            order.lines().len().to_string(),
            units.to_string(),
            total,
            refunded,
        ];
        return writer.write_record(head.iter().chain(tail.iter()));
    }
    for (n, line) in order.lines().iter().enumerate() {
        // Amounts once per order: summing the column gives the takings.
        let once = |amount: &String| {
            if n == 0 {
                amount.clone()
            } else {
                String::new()
            }
        };
        let tail = [
            once(&total),
            line.product_id().to_string(),
            neutralise(line.name().as_str()),
            currency.decimal(line.unit_price().minor()),
            line.quantity().get().to_string(),
            currency.decimal(line.line_total().minor()),
            once(&refunded),
        ];
        writer.write_record(head.iter().chain(tail.iter()))?;
    }
    Ok(())
}

/// The download's name: what was exported, and when to the second, so two
/// exports never overwrite each other (`orders-cancelled-from-2026-12-01-
/// 2026-12-06T104512Z.csv`). Only letters, digits and `-`.
pub fn file_name(filters: &[(&str, Option<&str>)], at: time::OffsetDateTime) -> String {
    let mut parts = vec!["orders".to_owned()];
    for (name, value) in filters {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let part = match *name {
            "status" => value.to_owned(),
            "from" | "to" => format!("{name}-{}", value.chars().take(10).collect::<String>()),
            "hasOpenReturn" if value == "false" => "no-open-returns".to_owned(),
            "hasOpenReturn" => "open-returns".to_owned(),
            other => other.to_owned(),
        };
        let clean: String = part
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        parts.push(clean);
    }
    let stamp = format!(
        "{:04}-{:02}-{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    parts.push(stamp);
    format!("{}.csv", parts.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_says_what_was_exported_and_when() {
        let at = time::macros::datetime!(2026-12-06 10:45:12 UTC);
        let plain = file_name(&[("status", None)], at);
        assert_eq!(plain, "orders-2026-12-06T104512Z.csv");
        let filtered = file_name(
            &[
                ("status", Some("cancelled")),
                ("from", Some("2026-12-01T00:00:00+01:00")),
                ("search", Some("ann")),
                ("customer", Some("")),
                ("hasOpenReturn", Some("true")),
            ],
            at,
        );
        assert_eq!(
            filtered,
            "orders-cancelled-from-2026-12-01-search-open-returns-2026-12-06T104512Z.csv"
        );
        let odd = file_name(&[("status", Some("a\"b/c"))], at);
        assert_eq!(odd, "orders-a-b-c-2026-12-06T104512Z.csv");
    }

    #[test]
    fn headers_name_the_currency() {
        let eur = Currency::parse("EUR").unwrap();
        let lines = header(Shape::Lines, eur);
        assert!(lines.contains(&"orderTotal (EUR)".to_owned()));
        assert!(lines.contains(&"lineTotal (EUR)".to_owned()));
        assert!(!lines.contains(&"version".to_owned()));
        assert_eq!(lines.last().map(String::as_str), Some("refunded"));
        let orders = header(Shape::Orders, eur);
        assert_eq!(
            orders[orders.len() - 2..],
            ["orderTotal (EUR)".to_owned(), "refunded".to_owned()]
        );
        assert_eq!(Shape::parse("orders"), Some(Shape::Orders));
        assert_eq!(Shape::parse("rows"), None);
    }
}
