//! A customer without the link finds its order by number and e-mail
//! address, and cancels it while it is pending, on a phone and a desktop.

use serde_json::json;

use crate::browser::open;
use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_finds_its_order_by_number_and_cancels_it() {
    let Some(browser) = open("a_customer_finds_its_order_by_number_and_cancels_it").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    let (token, email) = app.customer("Robin").await;
    for (width, height) in [(375, 812), (1280, 900)] {
        browser.viewport(width, height).await;
        let order = app.own_order(&token, &mug).await;
        let (id, number) = (
            order["id"].as_str().unwrap(),
            order["number"].as_u64().unwrap(),
        );

        // Signed out: the form, and a wrong address tells nothing.
        browser.goto(&app.url("/track-order")).await;
        browser.fill("#lookup-number", &number.to_string()).await;
        browser
            .fill("#lookup-email", "someone.else@example.com")
            .await;
        browser.click("#lookup-submit").await;
        browser
            .until_text(
                "#lookup-error",
                "No order has that number and e-mail address",
            )
            .await;
        browser.fill("#lookup-number", &format!("#{number}")).await;
        browser.fill("#lookup-email", &email).await;
        browser.click("#lookup-submit").await;
        let path = format!(
            "return location.pathname === {};",
            json!(format!("/track-order/{id}"))
        );
        browser.until("the order's own page", &path).await;
        browser
            .until_text("#order-number", &format!("#{number}"))
            .await;
        let cancel_shown = browser
            .client
            .execute(
                "return !document.querySelector('#cancel-box').hidden;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(cancel_shown, json!(false), "a stranger cannot cancel");

        // Signed in as the customer who placed it: cancel, after confirming.
        browser
            .sign_in(&app.base, &email, "customer-pass-1", "/my-orders")
            .await;
        browser.goto(&app.url(&format!("/track-order/{id}"))).await;
        browser.until_text("#order-status", "pending").await;
        browser.click("#cancel-order").await;
        browser
            .until_text("#cancel-number", &format!("#{number}"))
            .await;
        browser.screenshot(&format!("track-cancel-{width}")).await;
        browser.click("#cancel-keep").await;
        browser.until_text("#order-status", "pending").await;
        browser.click("#cancel-order").await;
        browser.click("#cancel-confirm").await;
        browser.until_text("#order-status", "cancelled").await;
        browser
            .until(
                "the cancel button to go",
                "return document.querySelector('#cancel-box').hidden;",
            )
            .await;
        let stored = app.get(&format!("/api/orders/{id}"), Some(&token)).await;
        let stored: serde_json::Value = stored.json().await.unwrap();
        assert_eq!(stored["status"], "cancelled");
        browser
            .client
            .execute("localStorage.clear(); sessionStorage.clear();", vec![])
            .await
            .unwrap();
    }
    browser.finish().await;
}
