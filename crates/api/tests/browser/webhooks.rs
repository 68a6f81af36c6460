//! The dashboard's webhooks tab, as an admin uses it: an endpoint added
//! (its secret shown once), a delivery appearing in its log while the page
//! stays open, and sent again, at 1280 and 375 px. The receiver verifies
//! each delivery with the secret the page showed.

use std::time::Duration;

use serde_json::Value;

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app_with};
use crate::receiver::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_an_endpoint_watches_a_delivery_arrive_and_sends_it_again() {
    let Some(browser) =
        open("an_admin_adds_an_endpoint_watches_a_delivery_arrive_and_sends_it_again").await
    else {
        return;
    };
    let app = spawn_app_with(&[("OMS_WEBHOOK_ALLOW_PRIVATE", "true")]).await;
    let product = app.product("Hooked Mug", 450, 100).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    for (n, (width, height)) in [(1280, 900), (375, 812)].into_iter().enumerate() {
        browser.viewport(width, height).await;
        browser.click("#tab-webhooks").await;
        let receiver = Receiver::start().await;
        let url = format!("{}/{width}", receiver.url);
        browser.fill("#new-webhook-url", &url).await;
        browser.fill("#new-webhook-description", "Warehouse").await;
        browser.click("#webhook-submit").await;
        let secret = browser
            .until(
                "the secret, shown once",
                "const d = document.querySelector('#secret-dialog'); \
                 const v = document.querySelector('#secret-value').value; \
                 return d.open && v.startsWith('whsec_') && v;",
            )
            .await;
        let secret = secret.as_str().unwrap().to_owned();
        browser
            .screenshot(&format!("admin-webhook-secret-{width}"))
            .await;
        browser.click("#secret-done").await;
        browser
            .until(
                "the secret to be gone from the page",
                "return !document.querySelector('#secret-dialog').open && \
                 document.querySelector('#secret-value').value === '';",
            )
            .await;
        browser.until_text("#webhooks-table", &url).await;
        let hooks: Value = app
            .get("/api/webhooks", Some(&app.admin))
            .await
            .json()
            .await
            .unwrap();
        let id = hooks["items"][n]["id"].as_str().unwrap().to_owned();
        let row = format!("#webhooks-table tr[data-webhook-id=\"{id}\"]");
        browser.click(&format!("{row} button")).await;
        browser
            .until_text("#deliveries-table", "Nothing sent yet")
            .await;

        // An order placed elsewhere shows in the open log by itself.
        let order = app
            .order_for(&format!("hooked-{width}@example.com"), &product, 1)
            .await;
        browser
            .until_text("#deliveries-table", "Order placed")
            .await;
        browser.until_text("#deliveries-table", "delivered").await;
        let got = receiver.wait_for(1, Duration::from_secs(10)).await;
        assert_eq!(got[0].json["data"]["id"], order["id"]);
        got[0].verify(&secret).unwrap();
        browser.dismiss_toasts().await;
        browser
            .screenshot(&format!("admin-webhook-log-{width}"))
            .await;

        browser.click("#deliveries-table tbody tr button").await;
        browser.until_text("#deliveries-table", "2 attempts").await;
        let again = receiver.wait_for(2, Duration::from_secs(10)).await;
        assert_eq!(
            again[1].id(),
            got[0].id(),
            "sent again with the same webhook-id"
        );
        again[1].verify(&secret).unwrap();
        browser.dismiss_toasts().await;
    }
    browser.finish().await;
}
