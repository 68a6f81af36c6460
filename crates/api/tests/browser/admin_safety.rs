//! The dashboard asks before what is hard to take back, keeps its messages
//! clear of the controls in use, and says what is wrong with a filter.

use serde_json::{Value, json};

use crate::browser::{Browser, open};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, spawn_app};

fn row(id: &str) -> String {
    format!("#orders-table tr[data-order-id=\"{id}\"]")
}

async fn choose(browser: &Browser, id: &str, status: &str) {
    // The table is read again once the feed is live; a row found before
    // that read ends is replaced under the test.
    browser.until_live().await;
    browser
        .until(
            "the orders table read",
            "const body = document.querySelector('#orders-table tbody'); \
             return !!body && !body.hasAttribute('aria-busy');",
        )
        .await;
    let select = browser
        .find(&format!("{} select[name=\"status\"]", row(id)))
        .await;
    select.select_by_value(status).await.unwrap();
    browser
        .click(&format!("{} button[name=\"apply-status\"]", row(id)))
        .await;
}

async fn status_of(app: &TestApp, id: &str) -> Value {
    let order: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    order
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_asks_first_keeps_the_reason_and_offers_no_payment_after() {
    let Some(browser) =
        open("cancelling_asks_first_keeps_the_reason_and_offers_no_payment_after").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 5).await;
    let order = app.order_for("ann@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap();
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;

    choose(&browser, id, "cancelled").await;
    browser
        .until_text("#move-title", &format!("Cancel order #{}", order["number"]))
        .await;
    browser.screenshot("admin-cancel-dialog").await;
    browser.click("#move-keep").await;
    browser
        .until(
            "the row to be put back",
            &format!(
                "const s = document.querySelector({}); return s && s.value === 'pending';",
                json!(format!("{} select[name=\"status\"]", row(id)))
            ),
        )
        .await;
    assert_eq!(status_of(&app, id).await["status"], "pending", "kept");

    choose(&browser, id, "cancelled").await;
    browser.fill("#move-reason", "Ordered twice").await;
    browser.click("#move-confirm").await;
    browser
        .until_text(&format!("{} .badge", row(id)), "cancelled")
        .await;
    let stored = status_of(&app, id).await;
    assert_eq!(stored["status"], "cancelled");
    assert_eq!(stored["history"][0]["reason"], "Ordered twice");
    let paid_offered = browser
        .client
        .execute(
            &format!(
                "return !document.querySelector({}).disabled;",
                json!(format!("{} input[name=\"paymentCollected\"]", row(id)))
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        paid_offered,
        json!(false),
        "no payment on a cancelled order"
    );
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivering_an_unpaid_order_warns_first() {
    let Some(browser) = open("delivering_an_unpaid_order_warns_first").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 5).await;
    let order = app.order_for("ann@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap();
    for status in ["confirmed", "shipped"] {
        app.set_status(&app.staff, id, &json!({ "status": status }))
            .await;
    }
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    choose(&browser, id, "delivered").await;
    browser
        .until_text("#move-text", "No payment is recorded")
        .await;
    browser.click("#move-keep").await;
    assert_eq!(status_of(&app, id).await["status"], "shipped");
    choose(&browser, id, "delivered").await;
    browser.click("#move-confirm").await;
    browser
        .until_text(&format!("{} .badge", row(id)), "delivered")
        .await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_never_covers_the_last_rows_controls() {
    let Some(browser) = open("a_message_never_covers_the_last_rows_controls").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Mug", 100, 100).await;
    let mut ids = Vec::new();
    for n in 0..8 {
        let order = app
            .order_for(&format!("buyer{n}@example.com"), &mug, 1)
            .await;
        ids.push(order["id"].as_str().unwrap().to_owned());
    }
    // The oldest order is the last row.
    let last = ids[0].clone();
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    for (width, height) in [(1280, 700), (375, 700)] {
        browser.viewport(width, height).await;
        browser.goto(&app.url("/admin")).await;
        browser.find(&row(&last)).await;
        // The row at the bottom of the window, where a message would land.
        browser
            .client
            .execute(
                &format!(
                    "document.querySelector({}).scrollIntoView({{ block: 'end' }});",
                    json!(format!("{} button[name=\"apply-status\"]", row(&last)))
                ),
                vec![],
            )
            .await
            .unwrap();
        // Delivered asks first (unpaid); the dialog's answer then shows a message.
        let (first, second) = if width == 1280 {
            ("confirmed", "shipped")
        } else {
            ("delivered", "pending")
        };
        choose(&browser, &last, first).await;
        if first == "delivered" {
            browser.click("#move-confirm").await;
        }
        browser.find(".toast-success").await;
        for control in ["select[name=\"status\"]", "button[name=\"apply-status\"]"] {
            let covered = browser
                .client
                .execute(
                    &format!(
                        "const b = document.querySelector({}).getBoundingClientRect(); \
                         return [...document.querySelectorAll('.toast')].some(t => {{ \
                           const r = t.getBoundingClientRect(); \
                           return r.top < b.bottom && b.top < r.bottom && r.left < b.right && b.left < r.right; }});",
                        json!(format!("{} {control}", row(&last)))
                    ),
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                covered,
                json!(false),
                "{control} at {width} px is left free"
            );
        }
        if second != "pending" {
            // The next move on the same row goes through while the message shows.
            choose(&browser, &last, second).await;
            browser
                .until_text(&format!("{} .badge", row(&last)), second)
                .await;
            assert_eq!(status_of(&app, &last).await["status"], second);
        }
        browser.screenshot(&format!("admin-toast-{width}")).await;
        browser.dismiss_toasts().await;
        browser
            .until(
                "the messages to be dismissed",
                "return document.querySelectorAll('.toast').length === 0;",
            )
            .await;
    }
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_that_ends_before_it_starts_is_said_at_the_fields() {
    let Some(browser) = open("a_range_that_ends_before_it_starts_is_said_at_the_fields").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Mug", 100, 10).await;
    app.order_for("ann@example.com", &mug, 1).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.find("#orders-table tbody tr[data-order-id]").await;
    let set = |field: &str, day: &str| {
        format!(
            "const f = document.querySelector('#{field}'); f.value = '{day}'; \
             f.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        )
    };
    browser
        .client
        .execute(&set("filter-from", "2026-12-10"), vec![])
        .await
        .unwrap();
    browser
        .client
        .execute(&set("filter-to", "2026-12-01"), vec![])
        .await
        .unwrap();
    browser
        .until(
            "the hint at the fields",
            "return !document.querySelector('#filter-to-hint').hidden;",
        )
        .await;
    browser
        .client
        .execute(&set("filter-to", "2026-12-20"), vec![])
        .await
        .unwrap();
    browser
        .until(
            "the hint to go",
            "return document.querySelector('#filter-to-hint').hidden;",
        )
        .await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_filter_takes_part_of_an_address_as_typed_and_on_enter() {
    let Some(browser) =
        open("the_customer_filter_takes_part_of_an_address_as_typed_and_on_enter").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Filter Mug", 500, 50).await;
    let ann = app.order_for("ann.filter@example.com", &mug, 1).await;
    let bob = app.order_for("bob.filter@example.com", &mug, 1).await;
    let only = |order: &Value| {
        format!(
            "const rows = [...document.querySelectorAll('#orders-table tbody tr[data-order-id]')]; \
             return rows.length === 1 && rows[0].dataset.orderId === {};",
            json!(order["id"])
        )
    };
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.until_live().await;
    browser.fill("#filter-customer", "ann.fil").await;
    browser
        .until("only Ann's order, from part of her address", &only(&ann))
        .await;
    browser.click("#filters-clear").await;
    browser
        .until(
            "both orders again",
            "return document.querySelectorAll('#orders-table tbody tr[data-order-id]').length >= 2;",
        )
        .await;
    browser.fill("#filter-customer", "bob.filter").await;
    let input = browser.find("#filter-customer").await;
    input.send_keys("\u{E007}").await.unwrap();
    browser
        .until("only Bob's order after Enter", &only(&bob))
        .await;
    browser.finish().await;
}
