//! The order page asks where the order goes: a part the server refuses is
//! said under its own field, and the tracking page shows the address.

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};
use crate::steps::{fill_order, placed_order_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_given_on_the_order_page_shows_on_the_tracking_page() {
    let Some(browser) = open("an_address_given_on_the_order_page_shows_on_the_tracking_page").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Shipped Mug", 1_250, 5).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    fill_order(&browser, &app.base, &mug, 1, "grace@example.com").await;
    browser.fill("#ship-name", "Grace Hopper").await;
    browser.fill("#ship-line1", "1 Navy Yard").await;
    browser.fill("#ship-postal", "22202").await;
    browser.fill("#ship-city", "Arlington").await;
    browser.fill("#ship-country", "XX").await;
    browser.click("#place-order").await;
    browser
        .until_text(
            "#ship-country-fielderror",
            "Country code must be an ISO 3166-1",
        )
        .await;
    browser.screenshot("order-address-refused").await;
    assert!(app.stock_of(&mug).await == 5, "nothing was placed");

    browser.fill("#ship-country", "us").await;
    browser.click("#place-order").await;
    let id = placed_order_id(&browser).await;
    browser.goto(&app.url(&format!("/track-order/{id}"))).await;
    browser.until_text("#order-address", "1 Navy Yard").await;
    browser
        .until_text("#order-address", "22202 Arlington")
        .await;
    browser.until_text("#order-address", "US").await;
    browser.viewport(375, 740).await;
    browser.screenshot("track-address-375").await;
    browser.screenshot("track-address").await;
    browser.finish().await;
}
