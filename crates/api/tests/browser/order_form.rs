//! The order form speaks of the cart it shows: a message goes once its
//! cause is fixed, quantities below 1 and above the stock are said at the
//! line (by product), totals are grouped, and on a phone the total and
//! "Place order" stay on screen along a long catalogue.

use serde_json::json;

use crate::browser::{Browser, open};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};

async fn hidden(browser: &Browser, css: &str) -> bool {
    let script = format!("return document.querySelector({}).hidden;", json!(css));
    browser.client.execute(&script, vec![]).await.unwrap() == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_form_speaks_of_the_cart_it_shows() {
    let Some(browser) = open("the_order_form_speaks_of_the_cart_it_shows").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 123_456, 3).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.goto(&app.url("/order")).await;
    browser.fill("#customer-email", "ann@example.com").await;
    browser.fill("#customer-name", "Ann Lee").await;
    let qty = format!("#qty-{mug}");

    browser.fill(&qty, "-1").await;
    browser
        .until_text(
            &format!("[data-product-id=\"{mug}\"] .field-error"),
            "at least 1",
        )
        .await;
    browser.click("#place-order").await;
    browser
        .until_text("#order-error", "Blue Mug: Enter at least 1")
        .await;

    browser.fill(&qty, "5").await;
    browser
        .until(
            "the message to go with its cause",
            "return document.querySelector('#order-error').textContent === '';",
        )
        .await;
    browser
        .until_text(
            &format!("[data-product-id=\"{mug}\"] .field-error"),
            "Only 3 left",
        )
        .await;
    browser.until_text("#order-total", "6,172.80").await;
    browser.click("#place-order").await;
    browser.until_text("#order-error", "Blue Mug").await;
    browser.fill(&qty, "2").await;
    browser
        .until(
            "the refusal to go once the cart changes",
            "return document.querySelector('#order-error').textContent === '';",
        )
        .await;
    browser.until_text("#order-total", "2,469.12").await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_total_and_place_order_stay_on_screen() {
    let Some(browser) = open("on_a_phone_the_total_and_place_order_stay_on_screen").await else {
        return;
    };
    let app = spawn_app().await;
    let mut first = String::new();
    for n in 0..30 {
        let id = app.product(&format!("Item {n:02}"), 1_000, 10).await;
        if n == 0 {
            first = id;
        }
    }
    for (width, height) in [(375, 700), (1280, 700)] {
        browser.viewport(width, height).await;
        browser
            .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
            .await;
        browser.goto(&app.url("/order")).await;
        browser.fill("#customer-email", "bo@example.com").await;
        browser.fill("#customer-name", "Bo").await;
        assert!(
            hidden(&browser, "#cart-bar").await,
            "no bar for an empty cart"
        );
        browser.fill(&format!("#qty-{first}"), "2").await;
        let bar_shows = browser
            .client
            .execute(
                "const b = document.querySelector('#cart-bar'); \
                 return !b.hidden && getComputedStyle(b).display !== 'none';",
                vec![],
            )
            .await
            .unwrap();
        if width < 600 {
            assert_eq!(bar_shows, json!(true), "the bar on a phone");
            browser.until_text("#cart-bar-sum", "20.00").await;
            browser.screenshot("order-phone-cart-bar").await;
            browser.click("#cart-bar-place").await;
            browser.until_text("#order-result", "Order placed").await;
        } else {
            assert_eq!(
                bar_shows,
                json!(false),
                "a desktop has the card beside the list"
            );
        }
        browser
            .client
            .execute("localStorage.clear(); sessionStorage.clear();", vec![])
            .await
            .unwrap();
    }
    browser.finish().await;
}
