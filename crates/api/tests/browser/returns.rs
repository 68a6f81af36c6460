//! A return from the customer's tracking page to the staff's returns queue
//! and back: asked for there, seen live in the queue, opened from it,
//! received with the units restocked, refunded, and the refund on the
//! customer's page live.

use serde_json::{Value, json};

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_asks_for_a_return_the_staff_receive_and_refund_it() {
    let Some(browser) = open("a_customer_asks_for_a_return_the_staff_receive_and_refund_it").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Return Mug", 1_250, 10).await;
    let (token, email) = app.customer("Casey").await;
    let body = json!({
        "shippingAddress": { "name": "Casey", "line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US" },
        "items": [{ "productId": mug, "quantity": 2 }],
    });
    let order: Value = app
        .post("/api/orders", Some(&token), &body)
        .await
        .json()
        .await
        .unwrap();
    let id = order["id"].as_str().unwrap().to_owned();
    let paid = app
        .set_status(
            &app.staff,
            &id,
            &json!({ "status": "confirmed", "paymentCollected": true }),
        )
        .await;
    assert_eq!(paid.status(), 200);
    let sent = app
        .post(
            &format!("/api/orders/{id}/shipments"),
            Some(&app.staff),
            &json!({}),
        )
        .await;
    assert_eq!(sent.status(), 201);

    // The staff watch the returns queue on 127.0.0.1; the customer is on localhost.
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.until_live().await;
    browser.click("#tab-returns").await;
    browser
        .until_text("#returns-table", "No returns are waiting.")
        .await;
    let staff_tab = browser.client.window().await.unwrap();
    let customer_tab = browser.client.new_window(true).await.unwrap();
    browser
        .client
        .switch_to_window(customer_tab.handle.clone())
        .await
        .unwrap();
    let customer = app.base.replace("127.0.0.1", "localhost");
    browser
        .sign_in(&customer, &email, "customer-pass-1", "/my-orders")
        .await;
    browser.goto(&format!("{customer}/track-order/{id}")).await;
    browser.until_live().await;
    browser.click("#return-open").await;
    browser.fill("#return-qty-0", "1").await;
    browser.fill("#return-reason", "Arrived chipped").await;
    browser.click("#return-submit").await;
    browser.until_text("#order-returns", "Return 1").await;
    browser.until_text("#order-returns", "requested").await;
    browser.screenshot("track-return").await;

    browser
        .client
        .switch_to_window(staff_tab.clone())
        .await
        .unwrap();
    browser
        .until_text("#returns-table", "Arrived chipped")
        .await;
    browser.until_text("#tab-returns", "Returns (1)").await;
    browser.screenshot("returns-queue").await;
    browser.viewport(375, 740).await;
    browser
        .client
        .execute(
            "document.querySelector('#returns-table').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("returns-queue-375").await;
    browser.viewport(1280, 900).await;
    browser
        .click(&format!(
            "[data-order-id=\"{id}\"] button[name=\"open-return\"]"
        ))
        .await;
    browser
        .until_text("#order-detail-returns", "Return 1: requested")
        .await;
    browser
        .click("[data-return-form=\"1\"] button[name=\"receive\"]")
        .await;
    browser
        .until_text("#order-detail-returns", "Return 1: received")
        .await;
    assert_eq!(app.stock_of(&mug).await, 9, "the mug is back on the shelf");
    browser.until_text("#refund-form", "For return 1").await;
    let suggested = browser
        .until(
            "the suggested amount",
            "return document.querySelector('#refund-amount')?.value;",
        )
        .await;
    assert_eq!(suggested, "12.50", "the received mug's value");
    browser.fill("#refund-reason", "Chipped mug").await;
    browser.click("#refund-submit").await;
    browser.until_text("#order-refunds", "Chipped mug").await;
    browser.screenshot("order-detail-refund").await;
    browser.click("#order-dialog-close").await;
    browser
        .until_text("#returns-table", "No returns are waiting.")
        .await;

    browser
        .client
        .switch_to_window(customer_tab.handle)
        .await
        .unwrap();
    browser.until_text("#order-returns", "received").await;
    browser.until_text("#order-returns", "Refund $12.50").await;
    browser.viewport(375, 740).await;
    browser.screenshot("track-refund-375").await;
    browser.finish().await;
}
