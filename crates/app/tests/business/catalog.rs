//! The product catalogue: who may change it, what is valid, search and paging.

use oms_app::catalog::{CreateProduct, ProductError, UpdateProduct};
use oms_app::list::{ListByName, ListError};
use oms_domain::invalid::Reason;
use oms_domain::money::MoneyError;
use oms_domain::user::Permission;

use crate::support::{ADMIN, staff, world};

fn mug() -> CreateProduct {
    CreateProduct {
        name: "Mug".to_owned(),
        price: 1_250,
        stock: 10,
    }
}

#[tokio::test]
async fn only_an_admin_creates_products() {
    let w = world();
    let created = w.catalog.create(ADMIN, mug()).await.unwrap();
    assert_eq!(
        (
            created.name.as_str(),
            created.price.minor(),
            created.stock.units()
        ),
        ("Mug", 1_250, 10)
    );
    assert_eq!(
        w.catalog
            .get(staff(), &created.id.to_string())
            .await
            .unwrap(),
        created
    );

    let refused = w.catalog.create(staff(), mug()).await.unwrap_err();
    assert!(matches!(
        refused,
        ProductError::Forbidden(Permission::ManageCatalog)
    ));
}

#[tokio::test]
async fn every_bad_product_field_is_named_and_nothing_is_written() {
    let w = world();
    let bad = CreateProduct {
        name: " ".to_owned(),
        price: -1,
        stock: -5,
    };
    let ProductError::Invalid(err) = w.catalog.create(ADMIN, bad).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["name", "price", "stock"]);

    let overpriced = CreateProduct {
        price: i64::MAX,
        ..mug()
    };
    let ProductError::Invalid(err) = w.catalog.create(ADMIN, overpriced).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    assert!(matches!(
        err.errors()[0].reason,
        Reason::Money(MoneyError::AboveLimit { .. })
    ));
    assert!(
        w.catalog
            .list(ADMIN, &ListByName::default(), false)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn an_update_sets_price_or_stock_and_needs_at_least_one() {
    let w = world();
    let id = w.catalog.create(ADMIN, mug()).await.unwrap().id.to_string();
    let updated = w
        .catalog
        .update(
            ADMIN,
            &id,
            UpdateProduct {
                price: Some(990),
                stock: Some(3),
                expected_version: None,
                ..UpdateProduct::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            updated.price.minor(),
            updated.stock.units(),
            updated.version
        ),
        (990, 3, 2)
    );

    let nothing = w
        .catalog
        .update(ADMIN, &id, UpdateProduct::default())
        .await
        .unwrap_err();
    assert!(matches!(nothing, ProductError::Invalid(e) if e.names("price")));
    let negative = w
        .catalog
        .update(
            ADMIN,
            &id,
            UpdateProduct {
                price: None,
                stock: Some(-1),
                expected_version: None,
                ..UpdateProduct::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(negative, ProductError::Invalid(e) if e.names("stock")));
    for unknown in ["00000000-0000-0000-0000-000000000009", "nope"] {
        let err = w
            .catalog
            .update(
                ADMIN,
                unknown,
                UpdateProduct {
                    price: Some(1),
                    stock: None,
                    expected_version: None,
                    ..UpdateProduct::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ProductError::NotFound), "{unknown}");
    }
    let by_staff = w
        .catalog
        .update(
            staff(),
            &id,
            UpdateProduct {
                price: Some(1),
                stock: None,
                expected_version: None,
                ..UpdateProduct::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(by_staff, ProductError::Forbidden(_)));
}

#[tokio::test]
async fn a_stock_adjustment_composes_with_orders_and_never_goes_below_zero() {
    let w = world();
    let id = w.product("Mug", 100, 10).await;
    w.place("ann@example.com", &[(&id, 4)]).await.unwrap();
    let restocked = w.catalog.adjust_stock(ADMIN, &id, 5).await.unwrap();
    assert_eq!(restocked.stock.units(), 11, "10 - 4 ordered + 5 received");

    let err = w.catalog.adjust_stock(ADMIN, &id, -12).await.unwrap_err();
    assert!(matches!(err, ProductError::Invalid(e) if e.names("delta")));
    assert_eq!(w.stock(&id).await, 11);
}

#[tokio::test]
async fn products_are_searched_and_paged_by_name_for_any_signed_in_user() {
    let w = world();
    for name in ["Blue mug", "teapot", "Mug rack", "spoon"] {
        w.product(name, 100, 1).await;
    }
    let zoe = w.customer_user("Zoe", "zoe@example.com").await;
    let first = w
        .catalog
        .list(
            zoe,
            &ListByName {
                q: Some(" MUG ".to_owned()),
                limit: Some(1),
                cursor: None,
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(first.items[0].name.as_str(), "Blue mug");
    let second = w
        .catalog
        .list(
            zoe,
            &ListByName {
                q: Some("mug".to_owned()),
                limit: Some(1),
                cursor: first.next_cursor,
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(second.items[0].name.as_str(), "Mug rack");
    assert_eq!(second.next_cursor, None);

    let bad = ListByName {
        q: Some("x".repeat(101)),
        limit: Some(1_000),
        cursor: Some("junk".to_owned()),
    };
    let Err(ListError::Invalid(err)) = w.catalog.list(zoe, &bad, false).await else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["q", "limit", "cursor"]);
}
