use uuid::Uuid;

use super::*;
use crate::email::Email;
use crate::ids::{CustomerId, ProductId};
use crate::money::Money;
use crate::name::Name;
use crate::order::line::OrderLine;
use crate::order::status::OrderStatus;
use crate::order::{CustomerSnapshot, NewOrder, OrderParts, StatusEntry};
use crate::quantity::Quantity;
use crate::user::Role;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_800_000_000_000 + ms).unwrap()
}

fn staff() -> Actor {
    Actor {
        user: UserId::from_uuid(Uuid::from_u128(7)),
        role: Role::Staff,
    }
}

fn pending() -> Order {
    let line = OrderLine::new(
        ProductId::from_uuid(Uuid::from_u128(1)),
        Name::parse("Mug").unwrap(),
        Money::from_minor(250).unwrap(),
        Quantity::new(2).unwrap(),
    )
    .unwrap();
    Order::place(NewOrder {
        id: OrderId::from_uuid(Uuid::from_u128(99)),
        number: OrderNumber::new(1042).unwrap(),
        customer: CustomerSnapshot {
            id: CustomerId::from_uuid(Uuid::from_u128(5)),
            name: Name::parse("Ann Lee").unwrap(),
            email: Email::parse("ann@example.com").unwrap(),
        },
        shipping_address: None,
        lines: vec![line],
        payment_collected: false,
        placed_by: Actor {
            user: UserId::from_uuid(Uuid::from_u128(8)),
            role: Role::Customer,
        },
        at: at(0),
    })
    .unwrap()
}

#[test]
fn a_status_change_is_one_event_naming_who_made_it() {
    let before = pending();
    let mut after = before.clone();
    after.set_payment_collected(true, staff(), at(1)).unwrap();
    after
        .change_status(OrderStatus::Confirmed, staff(), at(1))
        .unwrap();
    let Some(OrderEvent::StatusUpdated(e)) = OrderEvent::revised(&before, &after) else {
        panic!("a status change")
    };
    assert_eq!(
        (e.from, e.to),
        (OrderStatus::Pending, OrderStatus::Confirmed)
    );
    assert_eq!(e.by, staff());
    assert_eq!(e.version, after.version());
    assert!(e.payment_collected, "the payment recorded with it is told");
    assert_eq!(e.placed_by, before.placed_by().user);
    assert_eq!(OrderEvent::StatusUpdated(e).order_number(), before.number());
}

#[test]
fn a_payment_change_alone_is_a_payment_event() {
    let before = pending();
    let mut after = before.clone();
    after.set_payment_collected(true, staff(), at(1)).unwrap();
    let event = OrderEvent::revised(&before, &after).unwrap();
    assert_eq!(event.name(), "orderPaymentUpdated");
    assert_eq!(event.version(), 2);
}

#[test]
fn a_revision_changing_nothing_or_hiding_who_changed_it_has_no_event() {
    let before = pending();
    assert_eq!(OrderEvent::revised(&before, &before), None);
    // Shipped, with a history that never left pending: not a change any
    // request could have made.
    let mut parts = OrderParts::from(&before);
    parts.status = OrderStatus::Shipped;
    parts.history = vec![StatusEntry {
        from: OrderStatus::Confirmed,
        to: OrderStatus::Shipped,
        at: at(1),
        by: staff(),
        reason: None,
    }];
    parts.version = 2;
    let skipped = Order::restore(parts).unwrap();
    assert_eq!(OrderEvent::revised(&before, &skipped), None);
}
