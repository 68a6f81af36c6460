use super::*;
use crate::money::Money;
use crate::order::refunds::RefundError;
use crate::order::shipment::ShipmentRequest;
use crate::order::status::OrderStatus;
use crate::order::tests::{at, line, new_order, staff};
use crate::user::Role;

fn product(n: u128) -> ProductId {
    ProductId::from_uuid(uuid::Uuid::from_u128(n))
}

fn qty(n: i64) -> Quantity {
    Quantity::new(n).unwrap()
}

fn reason(text: &str) -> Note {
    Note::parse(text).unwrap()
}

/// Three mugs and a pot, two mugs shipped and delivered at 5 s.
fn shipped() -> Order {
    let mut order = Order::place(new_order(vec![line(1, 250, 3), line(2, 1_000, 1)])).unwrap();
    order
        .change_status(OrderStatus::Confirmed, staff(), at(2_000))
        .unwrap();
    let request = ShipmentRequest {
        items: Some(vec![(product(1), qty(2))]),
        ..ShipmentRequest::default()
    };
    let id = order.ship(request, staff(), at(3_000)).unwrap();
    order.mark_delivered(id, staff(), at(5_000)).unwrap();
    order
}

fn customer() -> Actor {
    Actor {
        user: crate::ids::UserId::MIN,
        role: Role::Customer,
    }
}

#[test]
fn only_shipped_units_not_already_returned_may_be_asked_for() {
    let pending = Order::place(new_order(vec![line(1, 250, 3)])).unwrap();
    assert_eq!(
        pending.clone().request_return(
            vec![(product(1), qty(1))],
            reason("broken"),
            staff(),
            at(9_000),
            None
        ),
        Err(ReturnError::NothingShipped)
    );
    let mut order = shipped();
    let refused = order.clone().request_return(
        vec![
            (product(1), qty(3)),
            (product(2), qty(1)),
            (product(9), qty(1)),
        ],
        reason("broken"),
        staff(),
        at(9_000),
        None,
    );
    assert_eq!(
        refused,
        Err(ReturnError::Items(vec![
            ShipItemError::MoreThanLeft { index: 0, left: 2 },
            ShipItemError::MoreThanLeft { index: 1, left: 0 },
            ShipItemError::NotOnOrder { index: 2 },
        ]))
    );
    let first = order
        .request_return(
            vec![(product(1), qty(1))],
            reason("chipped"),
            customer(),
            at(9_000),
            None,
        )
        .unwrap();
    assert_eq!(first, 1);
    assert_eq!(order.returned_units(product(1)), 1);
    let again = order.clone().request_return(
        vec![(product(1), qty(2))],
        reason("x"),
        staff(),
        at(9_000),
        None,
    );
    assert!(
        matches!(again, Err(ReturnError::Items(_))),
        "one unit is already on its way back"
    );
    order
        .reject_return(1, reason("not ours"), staff(), at(9_500))
        .unwrap();
    assert_eq!(
        order.returned_units(product(1)),
        0,
        "a rejected return frees its units"
    );
    assert_eq!(
        order
            .clone()
            .reject_return(1, reason("twice"), staff(), at(9_600)),
        Err(ReturnError::NotOpen(ReturnStatus::Rejected))
    );
}

#[test]
fn a_customer_asks_within_the_window_after_the_last_delivery() {
    let order = shipped();
    let window = Some(Duration::from_secs(30));
    let asked = |ms, by| {
        order.clone().request_return(
            vec![(product(1), qty(1))],
            reason("late"),
            by,
            at(ms),
            window,
        )
    };
    assert!(asked(35_000, customer()).is_ok());
    assert_eq!(asked(35_001, customer()), Err(ReturnError::WindowClosed));
    let staff_any_time = order.clone().request_return(
        vec![(product(1), qty(1))],
        reason("late"),
        staff(),
        at(99_000),
        None,
    );
    assert!(staff_any_time.is_ok());
}

#[test]
fn receiving_restocks_what_it_says_once_and_fewer_units_may_come_back() {
    let mut order = shipped();
    order
        .request_return(
            vec![(product(1), qty(2))],
            reason("wrong colour"),
            customer(),
            at(9_000),
            None,
        )
        .unwrap();
    let before = order.clone();
    let too_many = vec![ReceivedItem {
        product: product(1),
        quantity: qty(3),
        restock: true,
    }];
    assert!(matches!(
        order
            .clone()
            .receive_return(1, too_many, staff(), at(9_500)),
        Err(ReturnError::Items(_))
    ));
    let one = vec![ReceivedItem {
        product: product(1),
        quantity: qty(1),
        restock: true,
    }];
    order
        .receive_return(1, one.clone(), staff(), at(9_500))
        .unwrap();
    assert_eq!(order.returns()[0].status, ReturnStatus::Received);
    assert_eq!(order.restocked_units(product(1)), 1);
    assert_eq!(
        order.held_since(&before),
        vec![(product(1), -1)],
        "one mug back on the shelf"
    );
    assert_eq!(
        order.clone().receive_return(1, one, staff(), at(9_600)),
        Err(ReturnError::NotOpen(ReturnStatus::Received))
    );
    assert_eq!(
        order.returned_units(product(1)),
        1,
        "the received units, not the asked ones"
    );
}

#[test]
fn refunds_need_a_payment_never_pass_the_total_and_replay_by_key() {
    let mut order = shipped();
    let money = |m| Money::from_minor(m).unwrap();
    assert_eq!(
        order
            .clone()
            .refund(money(100), reason("sorry"), None, None, staff(), at(9_000)),
        Err(RefundError::NotPaid)
    );
    order
        .set_payment_collected(true, staff(), at(8_000))
        .unwrap();
    assert_eq!(order.total().minor(), 1_750);
    assert_eq!(
        order
            .clone()
            .refund(money(0), reason("x"), None, None, staff(), at(9_000)),
        Err(RefundError::NotPositive)
    );
    assert_eq!(
        order
            .clone()
            .refund(money(100), reason("x"), Some(4), None, staff(), at(9_000)),
        Err(RefundError::UnknownReturn)
    );
    let key = super::super::refunds::RefundKey {
        user: staff().user,
        key: crate::idempotency::IdempotencyKey::parse("refund-1").unwrap(),
        fingerprint: crate::idempotency::RequestFingerprint::new("a".to_owned()),
    };
    let first = order
        .refund(
            money(1_500),
            reason("broken"),
            None,
            Some(key.clone()),
            staff(),
            at(9_000),
        )
        .unwrap();
    assert_eq!((first.id, first.replayed), (1, false));
    let again = order
        .clone()
        .refund(
            money(1_500),
            reason("broken"),
            None,
            Some(key.clone()),
            staff(),
            at(9_100),
        )
        .unwrap();
    assert_eq!((again.id, again.replayed), (1, true));
    let other = super::super::refunds::RefundKey {
        fingerprint: crate::idempotency::RequestFingerprint::new("b".to_owned()),
        ..key
    };
    assert_eq!(
        order
            .clone()
            .refund(money(1), reason("x"), None, Some(other), staff(), at(9_100)),
        Err(RefundError::KeyReused)
    );
    assert_eq!(
        order
            .clone()
            .refund(money(251), reason("x"), None, None, staff(), at(9_200)),
        Err(RefundError::OverTotal { left: money(250) })
    );
    assert_eq!(order.refunded_total().minor(), 1_500);
}

#[test]
fn the_oldest_open_return_dates_the_order_until_every_return_is_decided() {
    let mut order = shipped();
    assert_eq!(order.open_return_since(), None);
    let ask = |order: &mut Order, at_ms| {
        order
            .request_return(
                vec![(product(1), qty(1))],
                reason("chipped"),
                staff(),
                at(at_ms),
                None,
            )
            .unwrap()
    };
    let first = ask(&mut order, 9_000);
    let second = ask(&mut order, 9_500);
    assert_eq!(order.open_return_since(), Some(at(9_000)));
    order
        .reject_return(first, reason("not ours"), staff(), at(9_600))
        .unwrap();
    assert_eq!(
        order.open_return_since(),
        Some(at(9_500)),
        "the next one open"
    );
    let back = vec![ReceivedItem {
        product: product(1),
        quantity: qty(1),
        restock: false,
    }];
    order
        .receive_return(second, back, staff(), at(9_700))
        .unwrap();
    assert_eq!(order.open_return_since(), None);
}
