//! The customer's return window (`OMS_RETURN_WINDOW_DAYS`, 30 by default)
//! over HTTP: an order delivered longer ago than that is refused to its
//! customer and still taken by the staff. The order is written straight
//! into the store with dates in the past, as time has no other way back.

use oms_domain::order::shipment::ShipmentRequest;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::{Actor, Role};
use oms_memory::MemoryStore;
use oms_store_contract::fixtures::{Change, at, changed, draft, placed};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app_on};

#[tokio::test]
async fn a_return_after_the_window_is_refused_to_the_customer_not_to_the_staff() {
    let store = MemoryStore::new();
    let app = spawn_app_on(store.clone()).await;
    let mug = app.product("Mug", 500, 10).await;
    let (token, _) = app.customer("Casey").await;
    let me: Value = app
        .get("/auth/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let customer = Actor {
        user: me["id"].as_str().unwrap().parse().unwrap(),
        role: Role::Customer,
    };
    let product = mug.parse().unwrap();
    let mut old = draft(1, "casey@example.com", &[(product, 2)]);
    old.placed_by = customer;
    let order = placed(&store, old).await;
    let staff = Actor {
        user: customer.user,
        role: Role::Staff,
    };
    // Placed, shipped and delivered on the first days of 2026.
    let changes: Vec<Change> = vec![
        Box::new(move |o| {
            o.change_status(OrderStatus::Confirmed, staff, at(1_000))
                .unwrap();
        }),
        Box::new(move |o| {
            o.ship(ShipmentRequest::default(), staff, at(2_000))
                .unwrap();
        }),
        Box::new(move |o| {
            let id = o.shipments().last().unwrap().id;
            o.mark_delivered(id, staff, at(86_400_000)).unwrap();
        }),
    ];
    let delivered = changed(&store, &order, changes).await;
    assert_eq!(delivered.status(), OrderStatus::Delivered);
    let returns = format!("/api/orders/{}/returns", delivered.id());
    let ask = json!({ "items": [{ "productId": mug, "quantity": 1 }], "reason": "Too late?" });

    let late = problem(app.post(&returns, Some(&token), &ask).await, 409).await;
    assert_eq!(late["code"], "return_window_closed");
    let asked = app.post(&returns, Some(&app.staff), &ask).await;
    assert_eq!(asked.status(), StatusCode::CREATED, "the staff take it");
    let taken: Value = asked.json().await.unwrap();
    assert_eq!(taken["status"], "requested");
}
