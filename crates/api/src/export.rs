//! Orders as CSV: one row per order line with the order's columns
//! repeated, written page by page so memory stays flat however many orders
//! match. Text a spreadsheet could take for a formula is neutralised.

use oms_domain::order::Order;

/// The header row.
pub const COLUMNS: [&str; 16] = [
    "orderNumber",
    "orderId",
    "createdAt",
    "updatedAt",
    "status",
    "paymentCollected",
    "customerId",
    "customerName",
    "customerEmail",
    "orderTotal",
    "version",
    "productId",
    "productName",
    "unitPrice",
    "quantity",
    "lineTotal",
];

/// Makes a cell inert in spreadsheets: text starting with `= + - @`, tab or
/// carriage return gets a leading apostrophe (OWASP's CSV injection advice).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// `orders` as CSV rows, after the header row when `header` is set.
///
/// # Errors
/// Only if writing to memory fails.
pub fn rows(orders: &[Order], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    if header {
        writer.write_record(COLUMNS)?;
    }
    for order in orders {
        write_order(&mut writer, order)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

fn write_order(writer: &mut csv::Writer<Vec<u8>>, order: &Order) -> Result<(), csv::Error> {
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
        order.total().minor().to_string(),
        order.version().to_string(),
    ];
    for line in order.lines() {
        let tail = [
            line.product_id().to_string(),
            neutralise(line.name().as_str()),
            line.unit_price().minor().to_string(),
            line.quantity().get().to_string(),
            line.line_total().minor().to_string(),
        ];
        writer.write_record(head.iter().chain(tail.iter()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_starters_are_neutralised_and_other_text_kept() {
        for risky in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(risky), format!("'{risky}"));
        }
        for plain in ["Blue Mug", "a=b", "", "'quoted"] {
            assert_eq!(neutralise(plain), plain);
        }
    }
}
