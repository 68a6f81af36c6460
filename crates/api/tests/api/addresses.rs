//! Shipping addresses on orders: given when placing, shown to staff and
//! the order's customer, never to a stranger with the link.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app, uuid};

fn address() -> Value {
    json!({
        "name": "Grace Hopper",
        "line1": "1 Navy Yard",
        "line2": "Building 3",
        "city": "Arlington",
        "region": "VA",
        "postalCode": "22202",
        "country": "us",
        "phone": "+1 (703) 555-0100",
    })
}

async fn place(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post("/api/orders", Some(token), body).await
}

#[tokio::test]
async fn the_address_is_shown_to_staff_and_the_customer_and_never_to_the_public() {
    let app = spawn_app().await;
    let mug = app.product("Address Mug", 500, 10).await;
    let (token, _) = app.customer("Grace").await;
    let body = json!({
        "items": [{ "productId": mug, "quantity": 1 }],
        "shippingAddress": address(),
    });
    let placed = place(&app, &token, &body).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let placed: Value = placed.json().await.unwrap();
    let mut expected = address();
    expected["country"] = json!("US");
    assert_eq!(placed["shippingAddress"], expected);

    let path = format!("/api/orders/{}", placed["id"].as_str().unwrap());
    for token in [&app.staff, &token] {
        let seen: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        assert_eq!(seen["shippingAddress"], expected);
    }
    let public: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(public["status"], "pending");
    assert!(public.get("shippingAddress").is_none(), "{public}");
}

#[tokio::test]
async fn optional_parts_may_be_left_out_but_not_sent_blank() {
    let app = spawn_app().await;
    let mug = app.product("Plain Mug", 500, 10).await;
    let body = json!({
        "customer": { "name": "Ann", "email": format!("ann-{}@example.com", uuid()) },
        "items": [{ "productId": mug, "quantity": 1 }],
        "shippingAddress": {
            "name": "Ann Lee", "line1": "Invalidenstraße 1",
            "city": "Berlin", "postalCode": "10115", "country": "DE",
        },
    });
    let placed = place(&app, &app.staff, &body).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let placed: Value = placed.json().await.unwrap();
    assert_eq!(
        placed["shippingAddress"],
        json!({
            "name": "Ann Lee", "line1": "Invalidenstraße 1", "city": "Berlin",
            "postalCode": "10115", "country": "DE",
        })
    );
    let without = json!({
        "customer": { "name": "Bo", "email": format!("bo-{}@example.com", uuid()) },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    let placed: Value = place(&app, &app.staff, &without)
        .await
        .json()
        .await
        .unwrap();
    assert!(placed.get("shippingAddress").is_none(), "{placed}");

    let mut blank = body;
    blank["shippingAddress"]["line2"] = json!(" ");
    let refused = problem(place(&app, &app.staff, &blank).await, 422).await;
    assert_eq!(fields(&refused), ["shippingAddress.line2"], "{refused}");
}

#[tokio::test]
async fn each_bad_part_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let mug = app.product("Refused Mug", 500, 10).await;
    let mut bad = address();
    bad["line1"] = json!("  ");
    bad["country"] = json!("XX");
    bad["postalCode"] = json!("1".repeat(17));
    bad["phone"] = json!("ask the neighbour");
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
        "shippingAddress": bad,
    });
    let refused = problem(place(&app, &app.staff, &body).await, 422).await;
    assert_eq!(
        fields(&refused),
        [
            "shippingAddress.line1",
            "shippingAddress.postalCode",
            "shippingAddress.country",
            "shippingAddress.phone",
        ]
    );
    assert_eq!(app.stock_of(&mug).await, 10);

    let mut missing = address();
    missing.as_object_mut().unwrap().remove("city");
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
        "shippingAddress": missing,
    });
    let refused = problem(place(&app, &app.staff, &body).await, 422).await;
    assert_eq!(fields(&refused), ["shippingAddress.city"], "{refused}");
    assert_eq!(app.stock_of(&mug).await, 10);
}

#[tokio::test]
async fn a_retry_with_another_address_is_another_request() {
    let app = spawn_app().await;
    let mug = app.product("Keyed Mug", 500, 10).await;
    let key = format!("order-{}", uuid());
    let (app, key) = (&app, key.as_str());
    let send = move |body: Value| async move { app.place_with_key(key, &body).await };
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
        "shippingAddress": address(),
    });
    assert_eq!(send(body.clone()).await.status(), StatusCode::CREATED);
    let again = send(body.clone()).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let mut elsewhere = body;
    elsewhere["shippingAddress"]["line1"] = json!("2 Navy Yard");
    let refused = problem(send(elsewhere).await, 422).await;
    assert_eq!(refused["code"], "idempotency_key_reused");
    assert_eq!(app.stock_of(&mug).await, 9);
}
