//! The dashboard's order detail view: a partial shipment made there reaches
//! the customer's tracking page live, a note stays with the staff, a
//! packing slip prints the parcel without prices, and the items are edited
//! by the staff there and by the customer on its tracking page.
//!
//! The customer's tab is on `localhost`, the staff's on `127.0.0.1`: two
//! origins of one server, so each keeps its own session as two people's
//! browsers do.

use fantoccini::wd::WindowHandle;
use serde_json::{Value, json};

use crate::browser::{Browser, open};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, spawn_app};

/// The server at `base` under the name `localhost`: another origin.
fn customer_origin(base: &str) -> String {
    base.replace("127.0.0.1", "localhost")
}

/// A pending order of `quantity` mugs the customer `token` placed, going
/// to Springfield; its id.
async fn own_order(app: &TestApp, token: &str, mug: &str, quantity: i64) -> String {
    let body = json!({
        "shippingAddress": { "name": "Casey", "line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US" },
        "items": [{ "productId": mug, "quantity": quantity }],
    });
    let placed = app.post("/api/orders", Some(token), &body).await;
    assert_eq!(placed.status(), 201);
    let order: Value = placed.json().await.unwrap();
    order["id"].as_str().unwrap().to_owned()
}

/// Opens a tab in front of the customer's, signs the admin in there and
/// opens order `id`'s detail view on the live dashboard; returns the
/// customer's tab.
async fn staff_detail_in_a_new_tab(browser: &Browser, app: &TestApp, id: &str) -> WindowHandle {
    let customer_tab = browser.client.window().await.unwrap();
    let staff_tab = browser.client.new_window(true).await.unwrap();
    browser
        .client
        .switch_to_window(staff_tab.handle.clone())
        .await
        .unwrap();
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.until_live().await;
    open_detail(browser, id).await;
    customer_tab
}

/// Opens order `id`'s detail view on the live dashboard.
async fn open_detail(browser: &Browser, id: &str) {
    browser
        .click(&format!(
            "[data-order-id=\"{id}\"] button[name=\"details\"]"
        ))
        .await;
    browser.until_text("#order-dialog-title", "Order #").await;
    browser.find("#order-detail-lines").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_shipment_from_the_detail_view_reaches_the_customer_live() {
    let Some(browser) =
        open("a_partial_shipment_from_the_detail_view_reaches_the_customer_live").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Detail Mug", 1_250, 10).await;
    let (token, email) = app.customer("Casey").await;
    let id = own_order(&app, &token, &mug, 3).await;
    let confirmed = app
        .set_status(&app.staff, &id, &json!({ "status": "confirmed" }))
        .await;
    assert_eq!(confirmed.status(), 200);

    // The customer follows the order; the staff work in another tab.
    let customer = customer_origin(&app.base);
    browser
        .sign_in(&customer, &email, "customer-pass-1", "/my-orders")
        .await;
    browser.goto(&format!("{customer}/track-order/{id}")).await;
    browser.until_live().await;
    browser.until_text("#order-status", "confirmed").await;
    let customer_tab = staff_detail_in_a_new_tab(&browser, &app, &id).await;

    browser.fill("#ship-qty-0", "2").await;
    browser.fill("#ship-carrier", "DHL").await;
    browser.fill("#ship-tracking-number", "JD0001").await;
    browser.click("#ship-submit").await;
    browser
        .until_text("#order-detail-shipments", "Shipment 1")
        .await;
    browser
        .until_text("#order-dialog-status", "partially shipped")
        .await;
    browser
        .until_text("#order-detail-lines [data-shipped]", "2")
        .await;
    browser.fill("#note-text", "Staff only: ring twice").await;
    browser.click("#note-submit").await;
    browser.until_text("#order-notes", "ring twice").await;
    browser.until_text("#order-timeline", "Note added").await;
    browser
        .until_text("#order-timeline", "Shipment 1 left")
        .await;
    browser.screenshot("order-detail").await;
    browser.viewport(375, 740).await;
    browser.screenshot("order-detail-375").await;
    browser.viewport(1280, 900).await;

    // The packing slip: number, address, what is in the parcel, no prices.
    browser
        .client
        .execute(
            "window.print = () => { window.printedSlip = true; };",
            vec![],
        )
        .await
        .unwrap();
    browser.click("[name=\"print-slip\"]").await;
    let slip = browser
        .until(
            "the packing slip",
            "return window.printedSlip && document.querySelector('#packing-slip').innerText;",
        )
        .await;
    let slip = slip.as_str().unwrap();
    let number = confirmed.json::<Value>().await.unwrap()["number"].clone();
    assert!(slip.contains(&format!("Order #{number}")), "{slip}");
    assert!(
        slip.contains("Springfield") && slip.contains("Detail Mug"),
        "{slip}"
    );
    assert!(
        !slip.contains("12.50") && !slip.contains('$'),
        "no prices: {slip}"
    );

    browser.click("[name=\"deliver\"]").await;
    browser
        .until_text("#order-detail-shipments", "Delivered")
        .await;

    // The customer's page followed, and never saw the note.
    browser.client.switch_to_window(customer_tab).await.unwrap();
    browser.until_text("#order-shipments", "Shipment 1").await;
    browser.until_text("#order-shipments", "DHL JD0001").await;
    browser.until_text("#order-items", "2 of 3 shipped").await;
    let page = browser
        .until("the page text", "return document.body.innerText;")
        .await;
    assert!(
        !page.as_str().unwrap().contains("ring twice"),
        "the note stays with the staff"
    );
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_and_the_staff_edit_an_orders_items() {
    let Some(browser) = open("the_customer_and_the_staff_edit_an_orders_items").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Edit Mug", 500, 6).await;
    let lamp = app.product("Edit Lamp", 2_000, 3).await;
    let (token, email) = app.customer("Casey").await;
    let id = own_order(&app, &token, &mug, 2).await;

    let customer = customer_origin(&app.base);
    browser
        .sign_in(&customer, &email, "customer-pass-1", "/my-orders")
        .await;
    browser.goto(&format!("{customer}/track-order/{id}")).await;
    browser.until_live().await;
    browser.click("#edit-items").await;
    browser.fill("#edit-qty-0", "9").await;
    browser.click("#edit-items-save").await;
    browser.until_text("#edit-items-form", "Only 6 left").await;
    browser.screenshot("track-edit-short").await;
    browser.fill("#edit-qty-0", "5").await;
    browser.click("#edit-items-save").await;
    browser
        .until(
            "the new quantity",
            "return document.querySelector('#order-items tbody tr td:nth-child(2)')?.textContent === '5';",
        )
        .await;
    assert_eq!(app.stock_of(&mug).await, 1, "three more mugs reserved");

    // The staff add a lamp from the detail view; the customer sees it live.
    let customer_tab = staff_detail_in_a_new_tab(&browser, &app, &id).await;
    browser.click("#edit-box summary").await;
    browser.until_text("#edit-add-product", "3 in stock").await;
    browser.until_text("#edit-form", "1 more in stock").await;
    browser.screenshot("order-detail-edit").await;
    let option = format!("#edit-add-product option[value=\"{lamp}\"]");
    browser.click(&option).await;
    browser.fill("#edit-add-qty", "2").await;
    browser.click("#edit-save").await;
    browser.until_text("#order-detail-lines", "Edit Lamp").await;
    browser.until_text("#order-timeline", "Items changed").await;
    assert_eq!(app.stock_of(&lamp).await, 1);

    browser.client.switch_to_window(customer_tab).await.unwrap();
    browser.until_text("#order-items", "Edit Lamp").await;
    browser.until_text("#order-total", "65.00").await;
    browser.viewport(375, 740).await;
    browser.screenshot("track-edited-375").await;
    browser.finish().await;
}
