//! Steps several browser tests take: signing in to a live dashboard,
//! filling in the order page, reading the placed order's id, and the
//! orders the API holds.

use fantoccini::wd::WindowHandle;
use serde_json::Value;

use crate::browser::Browser;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

/// The order page of the pages at `base` with `quantity` of `product` in
/// the cart, for the admin ordering on behalf of `email`.
pub async fn fill_order(browser: &Browser, base: &str, product: &str, quantity: u32, email: &str) {
    browser.goto(&format!("{base}/order")).await;
    let field = format!("[data-product-id=\"{product}\"] input[name=\"quantity\"]");
    browser.fill(&field, &quantity.to_string()).await;
    browser.fill("#customer-name", "Grace Hopper").await;
    browser.fill("#customer-email", email).await;
}

/// Signs in as the admin at `base` and waits for the dashboard's live
/// feed; returns that tab, with a new one in front.
pub async fn live_dashboard_and_a_new_tab(browser: &Browser, base: &str) -> WindowHandle {
    browser
        .sign_in(base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.until_live().await;
    let admin_tab = browser.client.window().await.unwrap();
    let new_tab = browser.client.new_window(true).await.unwrap();
    browser
        .client
        .switch_to_window(new_tab.handle)
        .await
        .unwrap();
    admin_tab
}

/// The id shown once the order is placed.
pub async fn placed_order_id(browser: &Browser) -> String {
    let id = browser
        .until(
            "the placed order's id",
            "const e = document.querySelector('#order-result [data-order-id]'); \
             return e && e.getAttribute('data-order-id');",
        )
        .await;
    id.as_str().unwrap().to_owned()
}

/// Every order the admin sees (up to 100).
pub async fn orders_of(app: &TestApp) -> Vec<Value> {
    let page: Value = app
        .get("/api/orders?limit=100", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}
