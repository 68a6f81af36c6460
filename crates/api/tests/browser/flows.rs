//! What a person does: sign in, order, watch orders arrive and move, export.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, PATIENCE, open};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};
use crate::steps::{fill_order, live_dashboard_and_a_new_tab, orders_of, placed_order_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_placed_on_the_order_page_appears_live_in_admin() {
    let Some(browser) = open("an_order_placed_on_the_order_page_appears_live_in_admin").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    let admin_tab = live_dashboard_and_a_new_tab(&browser, &app.base).await;
    fill_order(&browser, &app.base, &mug, 2, "grace@example.com").await;
    browser.until_text("#order-total", "25.00").await;
    browser.screenshot("order").await;
    browser.click("#place-order").await;
    let id = placed_order_id(&browser).await;
    let link = browser.find("a#track-link").await;
    let href = link.attr("href").await.unwrap().unwrap();
    assert!(href.ends_with(&format!("/track-order/{id}")), "{href}");
    assert_eq!(app.stock_of(&mug).await, 8);

    browser.client.switch_to_window(admin_tab).await.unwrap();
    let row = format!("#orders-table tr[data-order-id=\"{id}\"]");
    browser.find(&row).await;
    let classes = browser
        .find(&row)
        .await
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(classes.contains("row-new"), "highlighted as new: {classes}");
    browser.until_text("[data-summary=\"pending\"]", "1").await;
    browser.screenshot("admin").await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_moves_in_admin_show_live_on_the_tracking_page() {
    let Some(browser) = open("status_moves_in_admin_show_live_on_the_tracking_page").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    let order = app.order_for("ann@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap().to_owned();

    // The tracking page needs no account: open it before signing in.
    browser.goto(&app.url(&format!("/track-order/{id}"))).await;
    browser.until_text("#order-status", "pending").await;
    browser.until_live().await;
    // Not signed in, it is what a stranger with the link sees: the first
    // name, and no payment state.
    let public = browser
        .until(
            "the public view",
            "const who = document.querySelector('#order-customer').textContent; \
             return who && { who, payment: !document.querySelector('#order-payment-term').hidden };",
        )
        .await;
    assert_eq!(public, json!({ "who": "Pat", "payment": false }));
    let track_tab = browser.client.window().await.unwrap();

    let admin_tab = browser.client.new_window(true).await.unwrap();
    browser
        .client
        .switch_to_window(admin_tab.handle.clone())
        .await
        .unwrap();
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    let select = format!("#orders-table tr[data-order-id=\"{id}\"] select[name=\"status\"]");
    let apply = format!("#orders-table tr[data-order-id=\"{id}\"] button[name=\"apply-status\"]");
    let offered = browser
        .until(
            "the status control",
            &format!(
                "const s = document.querySelector({}); \
                 return s && Array.from(s.options).map(o => o.value).filter(v => v).sort();",
                json!(select)
            ),
        )
        .await;
    assert_eq!(
        offered,
        json!(["cancelled", "confirmed", "pending"]),
        "the current status and the moves the machine allows"
    );

    for (step, status) in ["confirmed", "shipped", "delivered"].iter().enumerate() {
        browser
            .client
            .switch_to_window(admin_tab.handle.clone())
            .await
            .unwrap();
        // The row may still be waiting for the answer to the last move,
        // which redraws it: choose once it shows that move and is enabled.
        let was = ["pending", "confirmed", "shipped"][step];
        browser
            .until(
                &format!("the row to show {was}"),
                &format!(
                    "const s = document.querySelector({}); return !!s && !s.disabled && s.value === {};",
                    json!(select),
                    json!(was)
                ),
            )
            .await;
        let control = browser.find(&select).await;
        control.select_by_value(status).await.unwrap();
        browser.click(&apply).await;
        if *status == "delivered" {
            // Unpaid: the dashboard asks before delivering it.
            browser.click("#move-confirm").await;
        }
        // The dashboard shows the move made before the person looks away: a
        // page in a background tab may not finish closing its dialog.
        browser
            .find(&format!(
                "#orders-table tr[data-order-id=\"{id}\"] .badge[data-status=\"{status}\"]"
            ))
            .await;
        browser
            .client
            .switch_to_window(track_tab.clone())
            .await
            .unwrap();
        let badge = format!("#order-status[data-status=\"{status}\"]");
        browser.find(&badge).await;
        browser
            .until(
                "the timeline to grow",
                &format!(
                    "return document.querySelectorAll('#order-history li').length === {};",
                    step + 1
                ),
            )
            .await;
    }
    browser.screenshot("track").await;
    let stored: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["status"], "delivered");
    browser
        .client
        .switch_to_window(admin_tab.handle)
        .await
        .unwrap();
    let finished = browser.find(&select).await;
    assert!(
        finished.prop("disabled").await.unwrap().as_deref() == Some("true"),
        "no move is left after delivery"
    );
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_little_stock_is_explained_with_what_is_left() {
    let Some(browser) = open("too_little_stock_is_explained_with_what_is_left").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 5).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    fill_order(&browser, &app.base, &mug, 3, "ann@example.com").await;
    // Someone else buys meanwhile: the page still shows 5 left.
    app.order_for("bob@example.com", &mug, 4).await;
    browser.click("#place-order").await;
    browser.until_text("#order-error", "Blue Mug").await;
    let message = browser.find("#order-error").await.text().await.unwrap();
    assert_eq!(message, "Only 1 of Blue Mug left (you asked for 3).");
    let field = format!("[data-product-id=\"{mug}\"] input[name=\"quantity\"]");
    let marked = browser
        .find(&field)
        .await
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(marked.as_deref(), Some("true"), "the short line is marked");
    assert_eq!(orders_of(&app).await.len(), 1, "only Bob's order");
    assert_eq!(app.stock_of(&mug).await, 1);
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_submit_places_one_order() {
    let Some(browser) = open("a_double_submit_places_one_order").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    fill_order(&browser, &app.base, &mug, 1, "ann@example.com").await;
    // Two submits in one task, before the first answer can arrive.
    browser
        .client
        .execute(
            "const b = document.querySelector('#place-order'); \
             b.form.requestSubmit(b); b.form.requestSubmit(b); b.click();",
            vec![],
        )
        .await
        .unwrap();
    placed_order_id(&browser).await;
    // Any second request would have been sent by now; give it time to land.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(orders_of(&app).await.len(), 1);
    assert_eq!(app.stock_of(&mug).await, 9);
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_export_honours_the_status_filter() {
    let Some(browser) = open("the_csv_export_honours_the_status_filter").await else {
        return;
    };
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    let pending = app.order_for("ann@example.com", &mug, 1).await;
    let confirmed = app.order_for("bob@example.com", &mug, 2).await;
    let confirmed_id = confirmed["id"].as_str().unwrap();
    let response = app
        .set_status(&app.staff, confirmed_id, &json!({ "status": "confirmed" }))
        .await;
    assert!(response.status().is_success());

    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser
        .find(&format!(
            "tr[data-order-id=\"{}\"]",
            pending["id"].as_str().unwrap()
        ))
        .await;
    let filter = browser.find("#filter-status").await;
    filter.select_by_value("confirmed").await.unwrap();
    browser
        .until(
            "the filtered table",
            "return document.querySelectorAll('#orders-table tbody tr[data-order-id]').length === 1;",
        )
        .await;
    browser.click("#export-csv").await;
    let csv = downloaded_csv(&browser).await;
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, status) = (column("orderId"), column("status"));
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "{csv}");
    assert_eq!(&records[0][id], confirmed_id);
    assert_eq!(&records[0][status], "confirmed");
    browser.finish().await;
}

/// The one CSV file the browser saved, once it is complete.
async fn downloaded_csv(browser: &Browser) -> String {
    let started = Instant::now();
    loop {
        let names: Vec<_> = std::fs::read_dir(&browser.downloads)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        if let [file] = names.as_slice()
            && file.extension().is_some_and(|e| e == "csv")
        {
            return std::fs::read_to_string(file).unwrap();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no CSV download, only {names:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_forgets_the_token_and_a_refused_token_goes_to_login() {
    let Some(browser) =
        open("signing_out_forgets_the_token_and_a_refused_token_goes_to_login").await
    else {
        return;
    };
    let app = spawn_app().await;
    browser.goto(&app.url("/")).await;
    browser
        .until(
            "/ to send a stranger to /login",
            "return location.pathname === '/login';",
        )
        .await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.goto(&app.url("/")).await;
    browser
        .until(
            "/ to send the admin to /admin",
            "return location.pathname === '/admin';",
        )
        .await;

    browser.click("#signout").await;
    browser
        .until(
            "signing out to land on /login",
            "return location.pathname === '/login';",
        )
        .await;
    let kept = browser
        .client
        .execute(
            "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage);",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !kept.as_str().unwrap().contains("eyJ"),
        "no token is kept after signing out: {kept}"
    );

    // A token the server no longer takes (signed with another secret,
    // which is what an expired one looks like to the page).
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser
        .client
        .execute(
            "const s = JSON.parse(localStorage.getItem('oms.session')); \
             s.token = s.token.slice(0, -4) + 'AAAA'; \
             localStorage.setItem('oms.session', JSON.stringify(s));",
            vec![],
        )
        .await
        .unwrap();
    browser.goto(&app.url("/admin")).await;
    browser
        .until(
            "a refused token to land on /login",
            "return location.pathname === '/login';",
        )
        .await;
    let url = browser.client.current_url().await.unwrap();
    assert!(!url.as_str().contains("eyJ"), "no token in the URL: {url}");
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_never_leaves_the_site_whatever_next_says() {
    let Some(browser) = open("signing_in_never_leaves_the_site_whatever_next_says").await else {
        return;
    };
    let app = spawn_app().await;
    browser.goto(&app.url("/login")).await;
    let hostile = json!([
        "//evil.example",
        "/\\evil.example",
        "/.//evil.example",
        "/..//evil.example",
        "/a/..//evil.example",
        "/%2e%2e//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/\t/evil.example",
    ]);
    let checked = browser
        .client
        .execute_async(
            "const [inputs, done] = arguments; \
             import('/assets/api.js').then(m => done(inputs.map(v => { \
               const out = m.safeNext(v); \
               return out === null ? null : new URL(out, location.href).origin === location.origin; })));",
            vec![hostile.clone()],
        )
        .await
        .unwrap();
    for (input, verdict) in hostile
        .as_array()
        .unwrap()
        .iter()
        .zip(checked.as_array().unwrap())
    {
        assert!(
            verdict.is_null() || verdict == &json!(true),
            "{input} leads off the site"
        );
    }
    browser.goto(&app.url("/login?next=/.//evil.example")).await;
    browser.fill("#login-email", ADMIN_EMAIL).await;
    browser.fill("#login-password", ADMIN_PASSWORD).await;
    browser.click("#login-submit").await;
    browser
        .until(
            "leaving /login",
            "return location.pathname !== '/login' && document.readyState === 'complete';",
        )
        .await;
    let url = browser.client.current_url().await.unwrap();
    assert!(
        url.as_str().starts_with(&app.base),
        "stayed on the site: {url}"
    );
    browser.finish().await;
}
