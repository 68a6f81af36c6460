//! Probes, metrics, the OpenAPI document and the docs page, the demo data.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, operations, sample, spawn, spawn_app, spawn_app_with,
};

#[tokio::test]
async fn probes_answer() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.json::<Value>().await.unwrap()["status"], "ok");
    }
}

#[tokio::test]
async fn metrics_count_requests_orders_and_stock_conflicts() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 100, 1).await;
    app.order_for("a@example.com", &mug, 1).await;
    let body = json!({
        "customer": { "name": "B", "email": "b@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    assert_eq!(
        app.post("/api/orders", Some(&app.staff), &body)
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(app.stock_of(&mug).await, 0);
    let response = app.http.get(&app.metrics).send().await.unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert_eq!(sample(&text, "oms_orders_placed_total"), 1);
    assert_eq!(sample(&text, "oms_stock_conflicts_total"), 1);
    let placed = text
        .lines()
        .find(|l| {
            l.starts_with("oms_http_requests_total")
                && l.contains("endpoint=\"/api/orders\"")
                && l.contains("status=\"201\"")
        })
        .unwrap_or_else(|| panic!("no request count for POST /api/orders in\n{text}"));
    assert!(placed.ends_with(" 1"), "{placed}");
    assert!(text.contains("oms_http_requests_duration_seconds_bucket"));
    assert!(
        text.contains("endpoint=\"/api/products/{id}\""),
        "routes are labelled by pattern"
    );
    assert!(!text.contains(&mug), "ids never become labels");
}

#[tokio::test]
async fn metrics_are_served_apart_from_the_api_or_not_at_all() {
    let app = spawn_app().await;
    let public = app.get("/metrics", None).await;
    assert_eq!(
        public.status(),
        StatusCode::NOT_FOUND,
        "not on the API's port"
    );
    assert!(app.metrics_text().await.contains("oms_orders_placed_total"));
    let off = spawn_app_with(&[("OMS_METRICS_BIND", "off")]).await;
    assert!(off.metrics.is_empty(), "no metrics listener");
    assert_eq!(
        off.get("/metrics", None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_registered_route_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc = app.document().await;
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let routes: BTreeSet<(String, String)> = oms_api::routes::table::<oms_memory::MemoryStore>()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = routes.difference(&documented).collect();
    assert!(missing.is_empty(), "undocumented routes: {missing:?}");
    let extra: Vec<_> = documented.difference(&routes).collect();
    assert!(extra.is_empty(), "documented but not served: {extra:?}");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["OrderView"].is_object());
}

#[tokio::test]
async fn the_docs_page_is_served_without_the_internet() {
    let app = spawn_app().await;
    let redirected = app.get("/docs", None).await;
    assert_eq!(redirected.url().path(), "/docs/", "/docs leads to the page");
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        assert_eq!(
            app.get(asset, None).await.status(),
            StatusCode::OK,
            "{asset}"
        );
    }
}

#[tokio::test]
async fn the_demo_store_is_loaded_from_the_seed_fixtures() {
    let app = spawn_app_with(&[
        ("OMS_DEMO_DATA", "true"),
        ("OMS_STAFF_PASSWORD", "demo-staff-pass"),
    ])
    .await;
    let fixtures: Vec<Value> =
        serde_json::from_str(include_str!("../../../../seed/products.json")).unwrap();
    let products: Value = app
        .get("/api/products?limit=100", Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(products["items"].as_array().unwrap().len(), fixtures.len());
    let customers: Value = app
        .get("/api/customers", Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(customers["items"].as_array().unwrap().len(), 3);
    app.login("staff@example.com", "demo-staff-pass").await;
    let summary: Value = app
        .get("/api/orders/summary", Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert!(summary["orders"].as_u64().unwrap() >= 30, "{summary}");
    for status in ["pending", "confirmed", "shipped", "delivered", "cancelled"] {
        assert!(
            summary["byStatus"][status].as_u64().unwrap() > 0,
            "demo orders in every status: {summary}"
        );
    }
    assert!(
        summary["revenue"].as_i64().unwrap() > 0,
        "some paid: {summary}"
    );
    let placed_days_ago = app
        .get(
            &format!(
                "/api/orders?to={}",
                (time::OffsetDateTime::now_utc() - time::Duration::days(7))
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap()
            ),
            Some(&app.staff),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        !placed_days_ago["items"].as_array().unwrap().is_empty(),
        "spread over the last weeks"
    );
    let orders: Value = app
        .get("/api/orders?limit=100", Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    for order in orders["items"].as_array().unwrap() {
        let country = &order["shippingAddress"]["country"];
        assert!(
            country == "US" || country == "GB",
            "every demo order ships somewhere: {order}"
        );
    }
}

#[tokio::test]
async fn the_configured_administrator_is_updated_at_every_start() {
    let store = oms_memory::MemoryStore::default();
    let first = spawn(&[], store.clone()).await;
    let second = spawn(&[("OMS_ADMIN_PASSWORD", "a-new-admin-password")], store).await;
    second.login(ADMIN_EMAIL, "a-new-admin-password").await;
    let old = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    let refused = first.post("/auth/login", None, &old).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
}
