//! The dashboard's products and customers tabs: create, edit with the
//! version read, a stale edit refused and shown afresh, search.

use serde_json::Value;

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_and_edits_products_and_a_stale_edit_is_refused() {
    let Some(browser) =
        open("an_admin_creates_and_edits_products_and_a_stale_edit_is_refused").await
    else {
        return;
    };
    let app = spawn_app().await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.click("#tab-products").await;
    browser.fill("#product-name", "Teapot").await;
    browser.fill("#product-price", "19.5").await;
    browser.fill("#product-stock", "3").await;
    browser.click("#product-submit").await;
    browser.until_text("#products-table", "Teapot").await;
    let products: Value = app
        .get("/api/products?q=teapot", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    let teapot = products["items"][0].clone();
    assert_eq!(
        teapot["price"], 1950,
        "12.5-style prices become cents exactly"
    );
    let id = teapot["id"].as_str().unwrap().to_owned();
    let row = format!("#products-table tr[data-product-id=\"{id}\"]");
    browser.find(&format!("{row} .badge-low")).await;

    browser.dismiss_toasts().await;
    browser.click(&format!("{row} button")).await;
    browser.fill("#edit-price", "21.00").await;
    browser.fill("#edit-stock", "40").await;
    browser.click("#edit-save").await;
    browser
        .until(
            "the saved product",
            &format!(
                "const r = document.querySelector({}); return !!r && !r.querySelector('.badge-low');",
                serde_json::json!(row)
            ),
        )
        .await;
    let saved: Value = app
        .get(&format!("/api/products/{id}"), Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (saved["price"].as_i64(), saved["stock"].as_u64()),
        (Some(2100), Some(40))
    );

    // An order lands between reading the product and saving a new stock level.
    browser.dismiss_toasts().await;
    browser.click(&format!("{row} button")).await;
    app.order_for("ann@example.com", &id, 5).await;
    browser.fill("#edit-stock", "100").await;
    browser.click("#edit-save").await;
    browser.until_text("#edit-error", "someone else").await;
    assert_eq!(
        app.stock_of(&id).await,
        35,
        "the stale level was not written"
    );
    browser
        .until(
            "the dialog to show the current stock",
            "return document.querySelector('#edit-stock').value === '35';",
        )
        .await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_create_and_find_customers() {
    let Some(browser) = open("staff_create_and_find_customers").await else {
        return;
    };
    let app = spawn_app().await;
    browser
        .sign_in(
            &app.base,
            crate::helpers::STAFF_EMAIL,
            crate::helpers::STAFF_PASSWORD,
            "/admin",
        )
        .await;
    // Permissions come with /auth/me, which the live feed waits for.
    browser.until_live().await;
    let export_shown = browser
        .client
        .execute(
            "const b = document.querySelector('#export-csv'); return !!b && b.offsetParent !== null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        export_shown,
        serde_json::json!(false),
        "staff may not export"
    );
    browser.click("#tab-customers").await;
    browser.fill("#new-customer-name", "Ada Lovelace").await;
    browser.fill("#new-customer-email", "ada@example.com").await;
    browser.click("#customer-submit").await;
    browser
        .until_text("#customers-table", "ada@example.com")
        .await;
    browser.fill("#new-customer-name", "Ada Again").await;
    browser.fill("#new-customer-email", "ADA@example.com").await;
    browser.click("#customer-submit").await;
    browser.until_text("#customer-form", "already exists").await;
    browser.fill("#customers-search", "lovel").await;
    browser
        .until(
            "the search to narrow the table",
            "const rows = document.querySelectorAll('#customers-table tbody tr'); \
             return rows.length === 1 && rows[0].textContent.includes('Ada Lovelace');",
        )
        .await;
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_is_asked_about_a_twin_name_and_archives_a_product_off_the_order_page() {
    let Some(browser) =
        open("an_admin_is_asked_about_a_twin_name_and_archives_a_product_off_the_order_page").await
    else {
        return;
    };
    let app = spawn_app().await;
    let first = app.product("Stone Mug", 900, 4).await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    browser.click("#tab-products").await;
    browser.until_text("#products-table", "Stone Mug").await;

    // A second product under the same name is asked about, then allowed.
    browser.fill("#product-name", "stone mug").await;
    browser.fill("#product-price", "12").await;
    browser.fill("#product-stock", "2").await;
    browser.click("#product-submit").await;
    browser
        .until_text("#product-form-error", "already exists")
        .await;
    browser.until_text("#product-submit", "Add another").await;
    browser.click("#product-submit").await;
    browser
        .until(
            "two products named alike",
            "return document.querySelectorAll('#products-table tbody tr').length === 2;",
        )
        .await;

    // Renamed and archived from the dialog: gone from the list for sale.
    browser.dismiss_toasts().await;
    let row = format!("#products-table tr[data-product-id=\"{first}\"]");
    browser.click(&format!("{row} button")).await;
    browser.fill("#edit-name", "Stone Mug (old glaze)").await;
    browser.click("#edit-archived").await;
    browser.click("#edit-save").await;
    browser
        .until(
            "the archived product to leave the list",
            &format!(
                "return !document.querySelector({});",
                serde_json::json!(row)
            ),
        )
        .await;
    let saved: Value = app
        .get(&format!("/api/products/{first}"), Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (saved["name"].as_str(), saved["archived"].as_bool()),
        (Some("Stone Mug (old glaze)"), Some(true))
    );
    browser.click("#products-archived").await;
    browser.until_text(&row, "Archived").await;
    browser.screenshot("admin-products-archived").await;

    browser.goto(&format!("{}/order", app.base)).await;
    browser.until_text("#product-list", "stone mug").await;
    let offered = browser
        .client
        .execute(
            "return document.querySelector('#product-list').innerText.includes('old glaze');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        offered,
        serde_json::json!(false),
        "the order page no longer offers it"
    );

    // Archived while in someone's cart: said, and taken out of the cart.
    let page: Value = app
        .get("/api/products?q=stone", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    let twin = page["items"][0]["id"].as_str().unwrap().to_owned();
    browser.fill(&format!("#qty-{twin}"), "1").await;
    browser.fill("#customer-email", "ann@example.com").await;
    browser.fill("#customer-name", "Ann Lee").await;
    let archive = serde_json::json!({ "archived": true });
    let archived = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/products/{twin}"),
            Some(&app.admin),
            Some(&archive),
        )
        .await;
    assert_eq!(archived.status(), 200);
    browser.click("#place-order").await;
    browser.until_text("#order-error", "no longer sold").await;
    browser
        .until(
            "the archived product to leave the cart and the list",
            &format!(
                "return !document.querySelector('#product-list [data-product-id=\"{twin}\"]');"
            ),
        )
        .await;
    browser.finish().await;
}
