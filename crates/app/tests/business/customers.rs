//! Customers: unique addresses, find-or-create, search, and who may.

use oms_app::customers::{CreateCustomer, CustomerError};
use oms_app::list::{ListByName, ListError};
use oms_domain::user::Permission;

use crate::support::{ADMIN, staff, world};

fn ann(email: &str) -> CreateCustomer {
    CreateCustomer {
        name: "Ann Lee".to_owned(),
        email: email.to_owned(),
    }
}

#[tokio::test]
async fn staff_create_customers_with_unique_addresses() {
    let w = world();
    let created = w
        .customers
        .create(staff(), ann("ann@example.com"))
        .await
        .unwrap();
    assert_eq!(created.email.as_str(), "ann@example.com");
    assert_eq!(
        w.customers
            .get(ADMIN, &created.id.to_string())
            .await
            .unwrap(),
        created
    );

    let again = w
        .customers
        .create(ADMIN, ann(" ANN@Example.com"))
        .await
        .unwrap_err();
    assert!(matches!(again, CustomerError::DuplicateEmail));

    let zoe = w.customer_user("Zoe", "zoe@example.com").await;
    let refused = w
        .customers
        .create(zoe, ann("other@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        CustomerError::Forbidden(Permission::ManageCustomers)
    ));
}

#[tokio::test]
async fn every_bad_customer_field_is_named() {
    let w = world();
    let bad = CreateCustomer {
        name: String::new(),
        email: "ann@".to_owned(),
    };
    let CustomerError::Invalid(err) = w.customers.create(staff(), bad).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["name", "email"]);
}

#[tokio::test]
async fn upserting_by_email_finds_the_existing_customer_or_creates_one() {
    let w = world();
    let first = w
        .customers
        .upsert_by_email(staff(), ann("ann@example.com"))
        .await
        .unwrap();
    let renamed = CreateCustomer {
        name: "Ann Other".to_owned(),
        email: "Ann@example.com".to_owned(),
    };
    let second = w.customers.upsert_by_email(staff(), renamed).await.unwrap();
    assert_eq!(second, first, "found by address, name kept");
}

#[tokio::test]
async fn customers_are_searched_by_name_or_address_by_staff_only() {
    let w = world();
    for (name, email) in [
        ("Ann Lee", "ann@example.com"),
        ("Bob Stone", "bob@lee.io"),
        ("Cy", "cy@example.com"),
    ] {
        w.customers
            .create(
                staff(),
                CreateCustomer {
                    name: name.to_owned(),
                    email: email.to_owned(),
                },
            )
            .await
            .unwrap();
    }
    let lees = w
        .customers
        .list(
            staff(),
            &ListByName {
                q: Some("LEE".to_owned()),
                ..ListByName::default()
            },
        )
        .await
        .unwrap();
    let names: Vec<_> = lees.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["Ann Lee", "Bob Stone"]);

    let zoe = w.customer_user("Zoe", "zoe@example.com").await;
    let refused = w.customers.list(zoe, &ListByName::default()).await;
    assert!(matches!(
        refused,
        Err(ListError::Forbidden(Permission::ManageCustomers))
    ));
}
