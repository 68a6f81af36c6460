//! The dashboard across a server restart: an order placed while it was cut
//! off still shows up, as a live event resumed from the last one it saw,
//! or by reloading the table when it had seen none.

use oms_memory::MemoryStore;

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, free_port, spawn};

async fn an_order_placed_while_down_shows_up(test: &str, saw_an_event: bool) {
    let Some(browser) = open(test).await else {
        return;
    };
    let store = MemoryStore::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let first = spawn(&[("OMS_BIND", &bind)], store.clone()).await;
    let mug = first.product("Blue Mug", 1250, 10).await;
    browser
        .sign_in(&first.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.until_live().await;
    if saw_an_event {
        let seen = first.order_for("ann@example.com", &mug, 1).await;
        browser
            .find(&format!(
                "tr[data-order-id=\"{}\"]",
                seen["id"].as_str().unwrap()
            ))
            .await;
    }

    first.handle.stop(true).await;
    // Another instance on the same store takes an order while this one is down.
    let other = spawn(&[], store.clone()).await;
    let missed = other.order_for("bob@example.com", &mug, 2).await;
    let missed_row = format!("tr[data-order-id=\"{}\"]", missed["id"].as_str().unwrap());
    let _back = spawn(&[("OMS_BIND", &bind)], store).await;

    let row = browser.find(&missed_row).await;
    if saw_an_event {
        let classes = row.attr("class").await.unwrap().unwrap_or_default();
        assert!(
            classes.contains("row-new"),
            "arrived as a live event, not by reloading: {classes}"
        );
    }
    // The reconnect attempts while the server was down are the drop itself.
    let errors = browser.console_errors().await;
    assert!(
        errors
            .iter()
            .all(|e| e.contains("ERR_CONNECTION_REFUSED") || e.contains("WebSocket connection to")),
        "only the connection failures of the outage: {errors:#?}"
    );
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_resumes_its_feed_from_the_last_event_after_a_restart() {
    an_order_placed_while_down_shows_up(
        "the_dashboard_resumes_its_feed_from_the_last_event_after_a_restart",
        true,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_that_saw_no_event_reloads_after_a_restart() {
    an_order_placed_while_down_shows_up(
        "a_dashboard_that_saw_no_event_reloads_after_a_restart",
        false,
    )
    .await;
}
