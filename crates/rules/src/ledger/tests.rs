use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::product::Product;
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;

use super::{Ledger, OrderNumbers, Snapshot, UsedKey};
use crate::fixtures::{catalogue, id, nth_draft, product};
use oms_ports::draft::{IdempotencyClaim, OrderDraft, OrderRevision};
use oms_ports::error::{PlaceError, ReviseError, StoreError};

fn shelf(products: Vec<Product>) -> Snapshot {
    let mut records = Snapshot::default();
    records.set_order_numbers(OrderNumbers::after(None));
    for product in catalogue(products).into_values() {
        records.add_product(product);
    }
    records
}

fn keyed(mut draft: OrderDraft, key: &str, fingerprint: &str) -> OrderDraft {
    draft.idempotency = Some(IdempotencyClaim {
        key: IdempotencyKey::parse(key).unwrap(),
        fingerprint: RequestFingerprint::new(fingerprint.to_owned()),
    });
    draft
}

fn cancel(order: &Order) -> OrderRevision {
    let mut next = order.clone();
    let at = Timestamp::from_unix_millis(2_000).unwrap();
    next.change_status(OrderStatus::Cancelled, order.placed_by(), at)
        .unwrap();
    OrderRevision {
        order: next,
        expected_version: order.version(),
    }
}

#[test]
fn a_group_draws_down_one_stock_level_and_the_short_order_fails_alone() {
    let records = shelf(vec![product(10, "Mug", 250, 5)]);
    let mut ledger = Ledger::new(&records);
    assert!(ledger.place(nth_draft(1, &[(10, 2)])).is_ok());
    assert!(ledger.place(nth_draft(2, &[(10, 2)])).is_ok());
    match ledger.place(nth_draft(3, &[(10, 2)])) {
        Err(PlaceError::OutOfStock { available, .. }) => assert_eq!(available.units(), 1),
        other => panic!("{other:?}"),
    }
    assert!(ledger.place(nth_draft(4, &[(10, 1)])).is_ok());
    let changes = ledger.into_changes();
    assert_eq!(changes.placed.len(), 3);
    let numbers: Vec<u64> = changes.placed.iter().map(|o| o.number().get()).collect();
    assert_eq!(
        numbers,
        [1001, 1002, 1003],
        "a refused order takes no number"
    );
    assert_eq!(changes.events.len(), 3);
    assert_eq!(changes.products.len(), 1, "one write per product");
    let mug = &changes.products[0];
    assert_eq!(mug.product.stock, Stock::from_units(0));
    assert_eq!(mug.read_version, 1);
    assert!(mug.product.version > 1);
}

#[test]
fn orders_for_one_new_address_share_one_new_customer() {
    let records = shelf(vec![product(10, "Mug", 250, 5)]);
    let mut ledger = Ledger::new(&records);
    let first = ledger.place(nth_draft(1, &[(10, 1)])).unwrap().order;
    let second = ledger.place(nth_draft(2, &[(10, 1)])).unwrap().order;
    assert_eq!(first.customer().id, second.customer().id);
    assert_eq!(ledger.into_changes().customers.len(), 1);
}

#[test]
fn a_key_used_earlier_in_the_group_replays_or_is_refused() {
    let records = shelf(vec![product(10, "Mug", 250, 5)]);
    let mut ledger = Ledger::new(&records);
    let first = ledger
        .place(keyed(nth_draft(1, &[(10, 1)]), "k", "a"))
        .unwrap();
    let again = ledger
        .place(keyed(nth_draft(2, &[(10, 1)]), "k", "a"))
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.order, first.order);
    let other = ledger.place(keyed(nth_draft(3, &[(10, 1)]), "k", "b"));
    assert!(matches!(other, Err(PlaceError::KeyReused)), "{other:?}");
    let changes = ledger.into_changes();
    assert_eq!((changes.placed.len(), changes.keys.len()), (1, 1));
    assert_eq!(changes.products[0].product.stock, Stock::from_units(4));
}

#[test]
fn a_stored_key_replays_its_stored_order() {
    let mut records = shelf(vec![product(10, "Mug", 250, 5)]);
    let placed = Ledger::new(&records)
        .place(nth_draft(1, &[(10, 1)]))
        .unwrap()
        .order;
    records.add_order(placed.clone());
    let key = IdempotencyKey::parse("k").unwrap();
    let used = UsedKey {
        fingerprint: RequestFingerprint::new("a".into()),
        order: placed.id(),
    };
    records.add_key(id(3), key, used);
    let mut ledger = Ledger::new(&records);
    let again = ledger
        .place(keyed(nth_draft(2, &[(10, 1)]), "k", "a"))
        .unwrap();
    assert!(again.replayed && again.order == placed);
    assert!(ledger.into_changes().is_empty());
}

#[test]
fn a_placement_whose_order_is_stored_already_is_answered_with_it_and_writes_nothing() {
    let mut records = shelf(vec![product(10, "Mug", 250, 5)]);
    let placed = Ledger::new(&records)
        .place(nth_draft(1, &[(10, 2)]))
        .unwrap()
        .order;
    records.add_order(placed.clone());
    let mut ledger = Ledger::new(&records);
    let again = ledger.place(nth_draft(1, &[(10, 2)])).unwrap();
    assert!(!again.replayed && again.order == placed);
    let other = ledger.place(nth_draft(1, &[(10, 1)]));
    assert!(
        matches!(other, Err(PlaceError::Store(StoreError::Internal(_)))),
        "{other:?}"
    );
    assert!(ledger.into_changes().is_empty(), "stock is not drawn twice");
}

#[test]
fn a_cancellation_puts_back_units_a_later_order_in_the_group_takes() {
    let mut records = shelf(vec![product(10, "Mug", 250, 2)]);
    let placed = Ledger::new(&records)
        .place(nth_draft(1, &[(10, 2)]))
        .unwrap()
        .order;
    records.add_order(placed.clone());
    let mut sold_out = product(10, "Mug", 250, 0);
    sold_out.version = 2;
    records.add_product(sold_out);
    let mut ledger = Ledger::new(&records);
    let short = ledger.place(nth_draft(2, &[(10, 2)]));
    assert!(
        matches!(short, Err(PlaceError::OutOfStock { .. })),
        "{short:?}"
    );
    ledger.revise(cancel(&placed)).unwrap();
    ledger.place(nth_draft(3, &[(10, 2)])).unwrap();
    let stale = ledger.revise(cancel(&placed));
    assert!(
        matches!(stale, Err(ReviseError::VersionMismatch { current }) if current == placed.version() + 1),
        "{stale:?}"
    );
    let changes = ledger.into_changes();
    assert_eq!(changes.revised.len(), 1);
    assert_eq!(changes.revised[0].read_version, placed.version());
    assert_eq!(changes.products[0].read_version, 2);
    assert_eq!(changes.products[0].product.stock, Stock::from_units(0));
    let names: Vec<_> = changes.events.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["orderStatusUpdated", "orderPlaced"]);
}

#[test]
fn an_unknown_order_is_not_found() {
    let records = shelf(vec![product(10, "Mug", 250, 2)]);
    let placed = Ledger::new(&records)
        .place(nth_draft(1, &[(10, 1)]))
        .unwrap()
        .order;
    let missing = Ledger::new(&records).revise(cancel(&placed));
    assert!(matches!(missing, Err(ReviseError::NotFound)), "{missing:?}");
}

#[test]
fn an_unreadable_product_fails_only_the_orders_that_need_it() {
    let mut records = shelf(vec![product(10, "Mug", 250, 2)]);
    records.product_unreadable(id(11));
    let mut ledger = Ledger::new(&records);
    let broken = ledger.place(nth_draft(1, &[(10, 1), (11, 1)]));
    assert!(
        matches!(broken, Err(PlaceError::Store(StoreError::Internal(_)))),
        "{broken:?}"
    );
    ledger.place(nth_draft(2, &[(10, 1)])).unwrap();
    assert_eq!(ledger.into_changes().placed.len(), 1);
}

#[test]
fn a_cancellation_that_cannot_put_its_units_back_is_refused() {
    let records = shelf(vec![product(10, "Mug", 250, 2)]);
    let placed = Ledger::new(&records)
        .place(nth_draft(1, &[(10, 1)]))
        .unwrap()
        .order;
    let mut records = Snapshot::default();
    records.add_order(placed.clone());
    records.product_unreadable(id(10));
    let refused = Ledger::new(&records).revise(cancel(&placed));
    assert!(
        matches!(refused, Err(ReviseError::Store(StoreError::Internal(_)))),
        "{refused:?}"
    );
}

#[test]
fn a_group_with_no_number_left_refuses_the_order_as_the_store_fault() {
    let mut records = shelf(vec![product(10, "Mug", 250, 5)]);
    records.set_order_numbers(OrderNumbers::range(
        oms_domain::order::number::OrderNumber::FIRST,
        1,
    ));
    let mut ledger = Ledger::new(&records);
    assert!(ledger.place(nth_draft(1, &[(10, 1)])).is_ok());
    match ledger.place(nth_draft(2, &[(10, 1)])) {
        Err(PlaceError::Store(StoreError::Internal(why))) => {
            assert!(why.to_string().contains("no order number left"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}
