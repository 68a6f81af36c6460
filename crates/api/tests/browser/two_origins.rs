//! The pages exported by `oms export-pages` on one loopback origin, the API
//! on another, as on Vercel and Railway: sign in, place an order, and watch
//! it arrive live, with no console error and no CSP violation.

use std::net::TcpListener;

use serde_json::Value;

use crate::browser::open;
use crate::helpers::{spawn_app_with, uuid};
use crate::static_host::StaticHost;
use crate::steps::{fill_order, live_dashboard_and_a_new_tab, placed_order_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_pages_on_another_origin_sign_in_order_and_follow_live() {
    let Some(browser) =
        open("exported_pages_on_another_origin_sign_in_order_and_follow_live").await
    else {
        return;
    };
    // The pages' origin is known first, so the API can allow it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let pages_origin = format!("http://{}", listener.local_addr().unwrap());
    let app = spawn_app_with(&[("OMS_CORS_ORIGINS", pages_origin.as_str())]).await;
    assert_ne!(app.base, pages_origin);
    let mug = app.product("Blue Mug", 1250, 10).await;

    let dir = std::env::temp_dir().join(format!("oms-pages-{}", uuid()));
    let exported = std::process::Command::new(env!("CARGO_BIN_EXE_oms"))
        .env_clear()
        .args([
            "export-pages",
            dir.to_str().unwrap(),
            "--api-url",
            &app.base,
        ])
        .output()
        .unwrap();
    assert!(exported.status.success(), "{exported:?}");
    let pages = StaticHost::start(&dir, listener);
    assert_eq!(pages.base, pages_origin);

    let admin_tab = live_dashboard_and_a_new_tab(&browser, &pages.base).await;
    fill_order(&browser, &pages.base, &mug, 2, "grace@example.com").await;
    browser.until_text("#order-total", "25.00").await;
    browser.click("#place-order").await;
    let id = placed_order_id(&browser).await;
    assert_eq!(app.stock_of(&mug).await, 8, "the order reached the API");

    browser.client.switch_to_window(admin_tab).await.unwrap();
    browser
        .find(&format!("#orders-table tr[data-order-id=\"{id}\"]"))
        .await;

    // The tracking path is the host's rewrite to the tracking page.
    browser
        .goto(&format!("{}/track-order/{id}", pages.base))
        .await;
    browser.until_text("#order-status", "pending").await;
    browser.until_live().await;
    let here: Value = browser
        .client
        .execute("return location.origin;", vec![])
        .await
        .unwrap();
    assert_eq!(here, Value::String(pages_origin));
    browser.finish().await;
    drop(pages);
    std::fs::remove_dir_all(dir).unwrap();
}
