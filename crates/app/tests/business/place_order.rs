//! Placing orders: reservation, validation, who orders for whom, idempotency.

use oms_app::catalog::UpdateProduct;
use oms_app::orders::{CustomerInput, ItemInput, PlaceOrder, PlaceOrderError};
use oms_domain::invalid::{Invalid, Reason};
use oms_domain::order::status::OrderStatus;
use oms_domain::user::{Actor, Permission, Role};
use oms_ports::query::OrderQuery;
use oms_ports::store::{CustomerStore, OrderStore};
use uuid::Uuid;

use crate::support::{ADMIN, order_for, staff, world};

fn fields(err: &Invalid) -> Vec<&str> {
    err.errors().iter().map(|e| e.field.as_str()).collect()
}

async fn order_count(w: &crate::support::World) -> usize {
    w.store
        .list_orders(&OrderQuery::default())
        .await
        .unwrap()
        .items
        .len()
}

#[tokio::test]
async fn placing_an_order_reserves_stock_and_freezes_names_and_prices() {
    let w = world();
    let mug = w.product("Mug", 1_250, 10).await;
    let pot = w.product("Teapot", 3_000, 2).await;
    let order = w
        .place("ann@example.com", &[(&mug, 3), (&pot, 1)])
        .await
        .unwrap();

    assert_eq!(order.status(), OrderStatus::Pending);
    assert_eq!(order.total().minor(), 3 * 1_250 + 3_000);
    assert_eq!((w.stock(&mug).await, w.stock(&pot).await), (7, 1));
    assert_eq!(order.placed_by(), staff());

    let repriced = UpdateProduct {
        price: Some(9_999),
        stock: None,
        expected_version: None,
        ..UpdateProduct::default()
    };
    w.catalog.update(ADMIN, &mug, repriced).await.unwrap();
    let stored = w.orders.get(&order.id().to_string()).await.unwrap();
    assert_eq!(
        stored.lines()[0].unit_price().minor(),
        1_250,
        "a price change leaves past orders alone"
    );
    assert_eq!(stored.total(), order.total());
}

#[tokio::test]
async fn lines_for_the_same_product_are_merged() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let pot = w.product("Teapot", 500, 10).await;
    let order = w
        .place("ann@example.com", &[(&mug, 2), (&pot, 1), (&mug, 3)])
        .await
        .unwrap();
    let lines: Vec<_> = order
        .lines()
        .iter()
        .map(|l| (l.product_id().to_string(), l.quantity().get()))
        .collect();
    assert_eq!(lines, vec![(mug.clone(), 5), (pot.clone(), 1)]);
    assert_eq!(w.stock(&mug).await, 5);
}

#[tokio::test]
async fn every_broken_field_is_named_and_nothing_is_written() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let cmd = PlaceOrder {
        customer: Some(CustomerInput {
            name: "  ".to_owned(),
            email: "not-an-email".to_owned(),
        }),
        items: vec![
            ItemInput {
                product_id: "{\"$gt\": \"\"}".to_owned(),
                quantity: 1,
            },
            ItemInput {
                product_id: mug.clone(),
                quantity: 0,
            },
            ItemInput {
                product_id: mug.clone(),
                quantity: -3,
            },
        ],
        ..PlaceOrder::default()
    };
    let Err(PlaceOrderError::Invalid(err)) = w.orders.place(staff(), cmd).await else {
        panic!("expected a validation error");
    };
    assert_eq!(
        fields(&err),
        vec![
            "customer.name",
            "customer.email",
            "items[0].productId",
            "items[1].quantity",
            "items[2].quantity"
        ]
    );
    assert_eq!(w.stock(&mug).await, 10);
    assert_eq!(order_count(&w).await, 0);
    assert!(w.events().await.is_empty());
}

#[tokio::test]
async fn an_order_needs_between_one_and_a_hundred_lines() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let empty = w
        .orders
        .place(staff(), order_for("ann@example.com", &[]))
        .await;
    assert!(
        matches!(empty, Err(PlaceOrderError::Invalid(e)) if e.errors()[0].reason == Reason::Empty && fields(&e) == ["items"])
    );

    let many: Vec<(&str, i64)> = (0..101).map(|_| (mug.as_str(), 1)).collect();
    let too_many = w
        .orders
        .place(staff(), order_for("ann@example.com", &many))
        .await;
    assert!(
        matches!(too_many, Err(PlaceOrderError::Invalid(e)) if e.errors()[0].reason == Reason::TooMany { max: 100 })
    );
    assert_eq!(w.stock(&mug).await, 10);
}

#[tokio::test]
async fn a_merged_line_over_the_quantity_limit_names_the_line_that_broke_it() {
    let w = world();
    let mug = w.product("Mug", 1, 100_000).await;
    let result = w
        .place("ann@example.com", &[(&mug, 9_000), (&mug, 1_001)])
        .await;
    assert!(
        matches!(result, Err(PlaceOrderError::Invalid(e)) if fields(&e) == ["items[1].quantity"])
    );
    assert_eq!(w.stock(&mug).await, 100_000);
}

#[tokio::test]
async fn an_unknown_product_is_named_by_its_line_and_nothing_is_written() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let ghost = Uuid::from_u128(0xdead).hyphenated().to_string();
    let result = w.place("ann@example.com", &[(&mug, 1), (&ghost, 1)]).await;
    match result {
        Err(PlaceOrderError::UnknownProduct { field, product }) => {
            assert_eq!(field, "items[1].productId");
            assert_eq!(product.to_string(), ghost);
        }
        other => panic!("expected unknown product, got {other:?}"),
    }
    assert_eq!(w.stock(&mug).await, 10);
    let ann = oms_domain::email::Email::parse("ann@example.com").unwrap();
    assert_eq!(w.store.find_customer_by_email(&ann).await.unwrap(), None);
}

#[tokio::test]
async fn insufficient_stock_names_the_product_and_what_is_left() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let pot = w.product("Teapot", 500, 1).await;
    let result = w
        .place("ann@example.com", &[(&mug, 2), (&pot, 1), (&pot, 1)])
        .await;
    match result {
        Err(PlaceOrderError::OutOfStock {
            field,
            name,
            requested,
            available,
            ..
        }) => {
            assert_eq!(
                (field.as_str(), name.as_str()),
                ("items[1].quantity", "Teapot")
            );
            assert_eq!(
                (requested, available),
                (2, 1),
                "merged lines are checked as one"
            );
        }
        other => panic!("expected out of stock, got {other:?}"),
    }
    assert_eq!((w.stock(&mug).await, w.stock(&pot).await), (10, 1));
    assert_eq!(order_count(&w).await, 0);
}

#[tokio::test]
async fn staff_must_name_the_customer() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let mut cmd = order_for("ann@example.com", &[(&mug, 1)]);
    cmd.customer = None;
    let result = w.orders.place(staff(), cmd).await;
    assert!(matches!(result, Err(PlaceOrderError::Invalid(e)) if fields(&e) == ["customer"]));
}

#[tokio::test]
async fn a_customer_orders_for_itself_and_no_one_else() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let zoe = w.customer_user("Zoe Park", "zoe@example.com").await;

    let mut own = order_for("ignored@example.com", &[(&mug, 1)]);
    own.customer = None;
    let order = w.orders.place(zoe, own).await.unwrap().order;
    assert_eq!(order.customer().email.as_str(), "zoe@example.com");
    assert_eq!(order.customer().name.as_str(), "Zoe Park");

    let same_address = order_for(" ZOE@example.com ", &[(&mug, 1)]);
    assert!(w.orders.place(zoe, same_address).await.is_ok());

    let for_someone_else = order_for("ann@example.com", &[(&mug, 1)]);
    let result = w.orders.place(zoe, for_someone_else).await;
    assert!(matches!(
        result,
        Err(PlaceOrderError::Forbidden(Permission::PlaceOrderForAnyone))
    ));
    assert_eq!(w.stock(&mug).await, 8);
}

#[tokio::test]
async fn only_staff_and_admins_record_payment_at_the_counter() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let zoe = w.customer_user("Zoe Park", "zoe@example.com").await;
    let mut paid = order_for("zoe@example.com", &[(&mug, 1)]);
    paid.payment_collected = true;

    let refused = w.orders.place(zoe, paid.clone()).await;
    assert!(matches!(
        refused,
        Err(PlaceOrderError::Forbidden(Permission::CollectPayment))
    ));
    let order = w.orders.place(staff(), paid).await.unwrap().order;
    assert!(order.payment_collected());
}

#[tokio::test]
async fn a_caller_whose_user_is_gone_cannot_order_for_itself() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let ghost = Actor {
        user: oms_domain::ids::UserId::from_uuid(Uuid::from_u128(77)),
        role: Role::Customer,
    };
    let result = w
        .orders
        .place(ghost, order_for("x@example.com", &[(&mug, 1)]))
        .await;
    assert!(matches!(result, Err(PlaceOrderError::UnknownCaller)));
}

#[tokio::test]
async fn one_address_in_any_case_is_one_customer() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let first = w.place("Ann@Example.com", &[(&mug, 1)]).await.unwrap();
    let second = w.place(" ann@example.COM", &[(&mug, 1)]).await.unwrap();
    assert_eq!(first.customer().id, second.customer().id);
}

#[tokio::test]
async fn an_idempotent_retry_returns_the_same_order_once() {
    let w = world();
    let mug = w.product("Mug", 100, 10).await;
    let keyed = |email: &str, units: i64| {
        let mut cmd = order_for(email, &[(&mug, units)]);
        cmd.idempotency_key = Some("checkout-7f3a".to_owned());
        cmd
    };
    let first = w
        .orders
        .place(staff(), keyed("ann@example.com", 2))
        .await
        .unwrap();
    let retry = w
        .orders
        .place(staff(), keyed(" ANN@example.com", 2))
        .await
        .unwrap();
    assert!(!first.replayed && retry.replayed);
    assert_eq!(
        retry.order, first.order,
        "spacing and case do not make another request"
    );
    assert_eq!(w.stock(&mug).await, 8);
    assert_eq!(w.events().await.len(), 1, "a replay records nothing");

    let reused = w.orders.place(staff(), keyed("ann@example.com", 3)).await;
    assert!(matches!(reused, Err(PlaceOrderError::KeyReused)));
    assert_eq!(w.stock(&mug).await, 8);

    let mut bad_key = keyed("ann@example.com", 1);
    bad_key.idempotency_key = Some("has spaces".to_owned());
    let result = w.orders.place(staff(), bad_key).await;
    assert!(
        matches!(result, Err(PlaceOrderError::Invalid(e)) if fields(&e) == ["Idempotency-Key"])
    );
}
