use uuid::Uuid;

use super::*;
use crate::ids::UserId;
use crate::product::Product;
use crate::user::Role;

pub(crate) fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms).unwrap()
}

pub(crate) fn staff() -> Actor {
    Actor {
        user: UserId::from_uuid(Uuid::from_u128(7)),
        role: Role::Staff,
    }
}

pub(crate) fn line(product: u128, price: i64, qty: i64) -> OrderLine {
    OrderLine::new(
        ProductId::from_uuid(Uuid::from_u128(product)),
        Name::parse(&format!("Product {product}")).unwrap(),
        Money::from_minor(price).unwrap(),
        Quantity::new(qty).unwrap(),
    )
    .unwrap()
}

pub(crate) fn new_order(lines: Vec<OrderLine>) -> NewOrder {
    NewOrder {
        id: OrderId::from_uuid(Uuid::from_u128(99)),
        number: OrderNumber::new(1042).unwrap(),
        customer: CustomerSnapshot {
            id: CustomerId::from_uuid(Uuid::from_u128(5)),
            name: Name::parse("Ann Lee").unwrap(),
            email: Email::parse("ann@example.com").unwrap(),
        },
        shipping_address: None,
        lines,
        payment_collected: false,
        placed_by: staff(),
        at: at(1_000),
    }
}

pub(crate) fn pending() -> Order {
    Order::place(new_order(vec![line(1, 250, 2), line(2, 1_000, 1)])).unwrap()
}

#[test]
fn a_placed_order_is_pending_at_version_one_with_the_summed_total() {
    let order = pending();
    assert_eq!(order.status(), OrderStatus::Pending);
    assert_eq!(order.version(), 1);
    assert_eq!(order.total().minor(), 1_500);
    assert!(order.history().is_empty());
    assert_eq!(order.created_at(), order.updated_at());
}

#[test]
fn an_order_without_lines_is_refused() {
    assert_eq!(Order::place(new_order(vec![])), Err(OrderError::NoLines));
}

#[test]
fn an_order_with_more_than_100_lines_is_refused() {
    let lines: Vec<_> = (0..101).map(|n| line(n, 1, 1)).collect();
    assert_eq!(
        Order::place(new_order(lines)),
        Err(OrderError::TooManyLines { max: 100 })
    );
    let hundred: Vec<_> = (0..100).map(|n| line(n, 1, 1)).collect();
    assert!(Order::place(new_order(hundred)).is_ok());
}

#[test]
fn an_order_repeating_a_product_is_refused() {
    let result = Order::place(new_order(vec![line(1, 1, 1), line(1, 1, 2)]));
    assert_eq!(
        result,
        Err(OrderError::DuplicateProduct(ProductId::from_uuid(
            Uuid::from_u128(1)
        )))
    );
}

#[test]
fn a_total_past_i64_max_is_refused() {
    let half = i64::MAX / 2 + 1;
    let result = Order::place(new_order(vec![line(1, half, 1), line(2, half, 1)]));
    assert_eq!(result, Err(OrderError::TotalOverflow));
}

#[test]
fn the_largest_order_the_bounds_allow_is_exact_in_javascript_and_one_cent_more_is_refused() {
    let max_price = Product::MAX_PRICE;
    let full: Vec<OrderLine> = (1..=Order::MAX_LINES)
        .map(|n| {
            line(
                u128::try_from(n).unwrap(),
                max_price,
                i64::from(Quantity::MAX),
            )
        })
        .collect();
    let order = Order::place(new_order(full)).unwrap();
    assert!(order.total().minor() <= Money::MAX_EXACT);
    assert_eq!(order.total().minor(), 1_000_000_000_000_000);
    // A price stored before the bound can still push a total past it.
    let past = Order::place(new_order(vec![line(1, Money::MAX_EXACT, 1), line(2, 1, 1)]));
    assert_eq!(past, Err(OrderError::TotalOverflow));
    let at_bound = Order::place(new_order(vec![line(1, Money::MAX_EXACT, 1)]));
    assert!(at_bound.is_ok());
}

#[test]
fn a_status_change_is_recorded_with_who_and_when() {
    let mut order = pending();
    let change = order
        .change_status(OrderStatus::Confirmed, staff(), at(2_000))
        .unwrap();
    assert_eq!(
        change,
        StatusChange {
            from: OrderStatus::Pending,
            to: OrderStatus::Confirmed,
            releases_stock: false
        }
    );
    assert_eq!(order.status(), OrderStatus::Confirmed);
    assert_eq!(order.version(), 2);
    assert_eq!(order.updated_at(), at(2_000));
    assert_eq!(
        order.history(),
        &[StatusEntry {
            from: OrderStatus::Pending,
            to: OrderStatus::Confirmed,
            at: at(2_000),
            by: staff(),
            reason: None,
        }]
    );
}

#[test]
fn an_illegal_transition_changes_nothing() {
    let mut order = pending();
    let before = order.clone();
    assert_eq!(
        order.change_status(OrderStatus::Delivered, staff(), at(2_000)),
        Err(OrderError::IllegalTransition {
            from: OrderStatus::Pending,
            to: OrderStatus::Delivered
        })
    );
    assert_eq!(order, before);
}

#[test]
fn only_cancelling_releases_stock() {
    for path in [
        vec![OrderStatus::Cancelled],
        vec![OrderStatus::Confirmed, OrderStatus::Cancelled],
        vec![
            OrderStatus::Confirmed,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
        ],
    ] {
        let mut order = pending();
        for (step, to) in path.iter().enumerate() {
            let change = order.change_status(*to, staff(), at(2_000)).unwrap();
            let last = step + 1 == path.len();
            assert_eq!(change.releases_stock, *to == OrderStatus::Cancelled && last);
        }
    }
}

#[test]
fn a_cancelled_order_cannot_be_cancelled_again() {
    let mut order = pending();
    order
        .change_status(OrderStatus::Cancelled, staff(), at(2_000))
        .unwrap();
    assert!(matches!(
        order.change_status(OrderStatus::Cancelled, staff(), at(3_000)),
        Err(OrderError::IllegalTransition { .. })
    ));
}

#[test]
fn payment_is_recorded_once_and_never_on_a_cancelled_order() {
    let mut order = pending();
    assert_eq!(
        order.set_payment_collected(true, staff(), at(2_000)),
        Ok(true)
    );
    assert_eq!(order.version(), 2);
    assert_eq!(
        order.set_payment_collected(true, staff(), at(3_000)),
        Ok(false)
    );
    assert_eq!(order.version(), 2, "no change, no new version");

    order
        .change_status(OrderStatus::Cancelled, staff(), at(4_000))
        .unwrap();
    assert_eq!(
        order.set_payment_collected(false, staff(), at(5_000)),
        Err(OrderError::PaymentOnCancelled)
    );
}

fn parts_of(order: &Order) -> OrderParts {
    OrderParts::from(order)
}

#[test]
fn a_stored_order_is_restored_unchanged() {
    let mut order = pending();
    order
        .change_status(OrderStatus::Confirmed, staff(), at(2_000))
        .unwrap();
    assert_eq!(Order::restore(parts_of(&order)), Ok(order));
}

#[test]
fn stored_parts_that_break_an_invariant_are_refused() {
    let order = pending();

    let mut wrong_total = parts_of(&order);
    wrong_total.total = Money::from_minor(1).unwrap();
    assert!(matches!(
        Order::restore(wrong_total),
        Err(OrderError::Inconsistent(_))
    ));

    let mut wrong_status = parts_of(&order);
    wrong_status.status = OrderStatus::Shipped;
    assert!(matches!(
        Order::restore(wrong_status),
        Err(OrderError::Inconsistent(_))
    ));

    let mut no_version = parts_of(&order);
    no_version.version = 0;
    assert!(matches!(
        Order::restore(no_version),
        Err(OrderError::Inconsistent(_))
    ));
}

#[test]
fn units_of_counts_a_products_reserved_units() {
    let order = pending();
    assert_eq!(order.units_of(ProductId::from_uuid(Uuid::from_u128(1))), 2);
    assert_eq!(order.units_of(ProductId::from_uuid(Uuid::from_u128(3))), 0);
}
