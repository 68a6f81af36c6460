//! Records for the unit tests of this crate.

use std::collections::HashMap;

use oms_domain::email::Email;
use oms_domain::ids::{CustomerId, OrderId, ProductId, UserId};
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::product::Product;
use oms_domain::quantity::Quantity;
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role};

use oms_ports::draft::{CustomerDraft, OrderDraft};

/// The id whose last byte is `n`.
pub fn id<T: std::str::FromStr>(n: u8) -> T
where
    T::Err: std::fmt::Debug,
{
    format!("00000000-0000-0000-0000-0000000000{n:02x}")
        .parse()
        .unwrap()
}

pub fn product(n: u8, name: &str, price: i64, stock: u64) -> Product {
    let at = Timestamp::from_unix_millis(0).unwrap();
    Product {
        id: id(n),
        name: Name::parse(name).unwrap(),
        price: Money::from_minor(price).unwrap(),
        stock: Stock::from_units(stock),
        archived: false,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// Order 1 for ann@example.com (a new customer, id 2) by staff user 3.
pub fn draft(lines: &[(u8, i64)]) -> OrderDraft {
    let at = Timestamp::from_unix_millis(1_000).unwrap();
    OrderDraft {
        id: id::<OrderId>(1),
        shipping_address: None,
        customer: CustomerDraft {
            id: id::<CustomerId>(2),
            name: Name::parse("Ann").unwrap(),
            email: Email::parse("ann@example.com").unwrap(),
            at,
        },
        lines: lines
            .iter()
            .map(|&(p, q)| (id(p), Quantity::new(q).unwrap()))
            .collect(),
        payment_collected: false,
        placed_by: Actor {
            user: id::<UserId>(3),
            role: Role::Staff,
        },
        at,
        idempotency: None,
    }
}

/// [`draft`] with order id `order` and new-customer id `order + 100`.
pub fn nth_draft(order: u8, lines: &[(u8, i64)]) -> OrderDraft {
    let mut d = draft(lines);
    d.id = id(order);
    d.customer.id = id(order.wrapping_add(100));
    d
}

pub fn catalogue(products: Vec<Product>) -> HashMap<ProductId, Product> {
    products.into_iter().map(|p| (p.id, p)).collect()
}

/// An order of two units of product 10 at 250, placed through a ledger.
pub fn placed_order() -> oms_domain::order::Order {
    let mut records = crate::ledger::Snapshot::default();
    records.set_order_numbers(crate::ledger::OrderNumbers::after(None));
    for product in catalogue(vec![product(10, "Mug", 250, 10)]).into_values() {
        records.add_product(product);
    }
    let mut ledger = crate::ledger::Ledger::new(&records);
    ledger.place(nth_draft(1, &[(10, 2)])).unwrap().order
}
