//! A customer's own orders on `/my-orders`, live: a shipment made by the
//! staff shows there and on the tracking page without a reload, and the
//! staff's notes never reach the customer's pages.

use serde_json::json;

use crate::browser::open;
use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_follows_its_orders_and_a_partial_shipment_live() {
    let Some(browser) = open("a_customer_follows_its_orders_and_a_partial_shipment_live").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Follow Mug", 1_250, 10).await;
    let (token, email) = app.customer("Casey").await;
    let address = json!({
        "name": "Casey", "line1": "1 Main St", "city": "Springfield",
        "postalCode": "12345", "country": "US"
    });
    let body =
        json!({ "shippingAddress": address, "items": [{ "productId": mug, "quantity": 3 }] });
    let placed = app.post("/api/orders", Some(&token), &body).await;
    assert_eq!(placed.status(), 201);
    let order: serde_json::Value = placed.json().await.unwrap();
    let id = order["id"].as_str().unwrap().to_owned();

    browser
        .sign_in(&app.base, &email, "customer-pass-1", "/my-orders")
        .await;
    browser.until_live().await;
    let row = format!("[data-order-id=\"{id}\"]");
    browser.until_text(&row, "pending").await;
    browser.until_text("#site-nav", "My orders").await;

    let second = app
        .post(
            "/api/orders",
            Some(&token),
            &json!({ "items": [{ "productId": mug, "quantity": 1 }] }),
        )
        .await;
    let second: serde_json::Value = second.json().await.unwrap();
    let second_row = format!(
        "#my-orders li:first-child[data-order-id=\"{}\"]",
        second["id"].as_str().unwrap()
    );
    browser.until_text(&second_row, "pending").await;

    let confirmed = app
        .set_status(&app.staff, &id, &json!({ "status": "confirmed" }))
        .await;
    assert_eq!(confirmed.status(), 200);
    let ship = json!({ "items": [{ "productId": mug, "quantity": 2 }], "carrier": "DHL", "trackingNumber": "JD0001", "trackingUrl": "https://dhl.example/t/JD0001" });
    let sent = app
        .post(
            &format!("/api/orders/{id}/shipments"),
            Some(&app.staff),
            &ship,
        )
        .await;
    assert_eq!(sent.status(), 201);
    let noted = app
        .post(
            &format!("/api/orders/{id}/notes"),
            Some(&app.staff),
            &json!({ "text": "Staff only: fragile" }),
        )
        .await;
    assert_eq!(noted.status(), 201);
    browser.until_text(&row, "partially shipped").await;
    browser.screenshot("my-orders").await;
    browser.viewport(375, 740).await;
    browser.screenshot("my-orders-375").await;
    browser.viewport(1280, 900).await;

    browser.click(&format!("{row} a")).await;
    browser.until_text("#order-shipments", "Shipment 1").await;
    browser.until_text("#order-shipments", "DHL JD0001").await;
    browser.until_text("#order-items", "2 of 3 shipped").await;
    browser.until_live().await;
    let rest = app
        .post(
            &format!("/api/orders/{id}/shipments"),
            Some(&app.staff),
            &json!({}),
        )
        .await;
    assert_eq!(rest.status(), 201);
    browser.until_text("#order-shipments", "Shipment 2").await;
    browser
        .until(
            "the status to read shipped",
            "return document.querySelector('#order-status').textContent === 'shipped';",
        )
        .await;
    let page = browser
        .until("the page text", "return document.body.innerText;")
        .await;
    assert!(
        !page.as_str().unwrap_or_default().contains("fragile"),
        "the note stays with the staff"
    );
    let link = browser
        .until(
            "the tracking link",
            "return document.querySelector('#order-shipments a')?.href;",
        )
        .await;
    assert_eq!(link, "https://dhl.example/t/JD0001");
    browser.screenshot("track-shipments").await;
    browser.viewport(375, 740).await;
    browser.screenshot("track-shipments-375").await;
    browser.finish().await;
}
