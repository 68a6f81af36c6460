//! Money stays exact in JavaScript: prices are bounded so that the largest
//! order the server accepts totals at most 10^15 minor units, well inside
//! 2^53, and a price past the bound is refused naming the field.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{fields, problem, spawn_app};

/// The largest unit price (ten million in a currency with cents).
const MAX_PRICE: i64 = 1_000_000_000;
/// 2^53 - 1: integers above it lose precision as JavaScript numbers.
const JS_EXACT: i64 = (1 << 53) - 1;

#[tokio::test]
async fn a_price_past_the_bound_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let body = json!({ "name": "Too Dear", "price": MAX_PRICE + 1, "stock": 1 });
    let refused = problem(
        app.post("/api/products", Some(&app.admin), &body).await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["price"]);
    assert_eq!(
        refused["errors"][0]["message"],
        "must be at most 1000000000"
    );

    let id = app.product("Dear", MAX_PRICE, 1).await;
    let patch = json!({ "price": MAX_PRICE + 1 });
    let path = format!("/api/products/{id}");
    let answer = app
        .send(Method::PATCH, &path, Some(&app.admin), Some(&patch))
        .await;
    assert_eq!(fields(&problem(answer, 422).await), ["price"]);
}

#[tokio::test]
async fn the_largest_order_there_can_be_keeps_every_cent() {
    let app = spawn_app().await;
    let mut items = Vec::new();
    for n in 0..100 {
        let id = app.product(&format!("Dear {n}"), MAX_PRICE, 10_000).await;
        items.push(json!({ "productId": id, "quantity": 10_000 }));
    }
    let body = json!({
        "customer": { "name": "Big Spender", "email": "big@example.com" },
        "items": items,
    });
    let response = app.post("/api/orders", Some(&app.staff), &body).await;
    assert_eq!(response.status(), 201);
    let order: Value = response.json().await.unwrap();
    let total = order["total"].as_i64().unwrap();
    assert_eq!(total, 100 * 10_000 * MAX_PRICE);
    assert!(total <= JS_EXACT, "{total} is past 2^53");
    let document = app.document().await;
    let price = &document["components"]["schemas"]["CreateProductRequest"]["properties"]["price"];
    assert_eq!(price["maximum"], MAX_PRICE, "the document states the bound");
}
