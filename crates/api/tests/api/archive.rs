//! Renaming and archiving products: a new name for new orders only, an
//! archived product off the order list and refused in new orders (409
//! `product_archived` naming the line), still on past orders, listed with
//! `?archived=true`, and sold again when brought back.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app};

async fn patch(app: &TestApp, id: &str, body: &Value) -> reqwest::Response {
    let path = format!("/api/products/{id}");
    app.send(Method::PATCH, &path, Some(&app.admin), Some(body))
        .await
}

async fn names(app: &TestApp, query: &str, token: &str) -> Vec<String> {
    let page: Value = app
        .get(&format!("/api/products{query}"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_renamed_product_keeps_its_old_name_on_past_orders() {
    let app = spawn_app().await;
    let mug = app.product("Archive Mug", 500, 5).await;
    let order = app.order_for("ann@example.com", &mug, 1).await;
    let response = patch(&app, &mug, &json!({ "name": "Archive Teapot" })).await;
    assert_eq!(response.status(), 200);
    let renamed: Value = response.json().await.unwrap();
    assert_eq!(
        (renamed["name"].as_str(), renamed["version"].as_u64()),
        (Some("Archive Teapot"), Some(3))
    );
    assert_eq!(
        names(&app, "?q=archive", &app.staff).await,
        ["Archive Teapot"]
    );
    let past: Value = app
        .get(
            &format!("/api/orders/{}", order["id"].as_str().unwrap()),
            Some(&app.staff),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(past["items"][0]["name"], "Archive Mug");
    let later = app.order_for("bob@example.com", &mug, 1).await;
    assert_eq!(later["items"][0]["name"], "Archive Teapot");

    let blank = problem(patch(&app, &mug, &json!({ "name": "  " })).await, 422).await;
    assert_eq!(fields(&blank), ["name"]);
    let none = problem(patch(&app, &mug, &json!({})).await, 422).await;
    assert_eq!(none["code"], "validation_failed");
}

#[tokio::test]
async fn an_archived_product_leaves_the_order_list_and_is_refused_in_new_orders() {
    let app = spawn_app().await;
    let (customer, _) = app.customer("Cora").await;
    let mug = app.product("Shelf Mug", 500, 5).await;
    let kettle = app.product("Shelf Kettle", 900, 5).await;
    let order = app.order_for("ann@example.com", &mug, 1).await;

    let response = patch(&app, &mug, &json!({ "archived": true })).await;
    assert_eq!(response.status(), 200);
    let archived: Value = response.json().await.unwrap();
    assert_eq!(archived["archived"], true);
    assert_eq!(
        names(&app, "?q=shelf", &customer).await,
        ["Shelf Kettle"],
        "not offered"
    );
    assert_eq!(
        names(&app, "?q=shelf&archived=true", &app.admin).await,
        ["Shelf Mug"]
    );
    assert_eq!(
        names(&app, "?q=shelf&archived=false", &app.staff).await,
        ["Shelf Kettle"]
    );
    let bad = problem(
        app.get("/api/products?archived=yes", Some(&app.admin))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&bad), ["archived"]);

    let body = json!({ "items": [
        { "productId": kettle, "quantity": 1 },
        { "productId": mug, "quantity": 1 },
    ] });
    let refused = problem(app.post("/api/orders", Some(&customer), &body).await, 409).await;
    assert_eq!(refused["code"], "product_archived");
    assert_eq!(refused["productId"], mug.as_str());
    assert_eq!(refused["productName"], "Shelf Mug");
    assert_eq!(refused["field"], "items[1].productId");
    assert_eq!(
        (app.stock_of(&mug).await, app.stock_of(&kettle).await),
        (4, 5),
        "nothing reserved"
    );

    let past: Value = app
        .get(
            &format!("/api/orders/{}", order["id"].as_str().unwrap()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        past["items"][0]["name"], "Shelf Mug",
        "past orders still show it"
    );
    assert_eq!(
        app.get(&format!("/api/products/{mug}"), Some(&customer))
            .await
            .status(),
        200
    );

    let response = patch(&app, &mug, &json!({ "archived": false })).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.post("/api/orders", Some(&customer), &body)
            .await
            .status(),
        201,
        "sold again"
    );
}
