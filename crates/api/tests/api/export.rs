//! The CSV export, read back with the `csv` crate.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app, spawn_app_with};

async fn export(
    app: &TestApp,
    query: &str,
) -> (reqwest::header::HeaderMap, Vec<csv::StringRecord>) {
    let response = app
        .get(&format!("/api/orders/export/csv{query}"), Some(&app.admin))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let header = reader.headers().unwrap().clone();
    let mut rows = vec![header];
    rows.extend(reader.records().map(Result::unwrap));
    (headers, rows)
}

#[tokio::test]
async fn the_export_has_one_row_per_line_with_the_order_repeated() {
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    let risky = app
        .product("=HYPERLINK(\"http://evil.example\")", 100, 10)
        .await;
    let body = json!({
        "customer": { "name": "@SUM(A1:A9)", "email": "ann@example.com" },
        "items": [{ "productId": mug, "quantity": 2 }, { "productId": risky, "quantity": 1 }],
    });
    let first: Value = app
        .post("/api/orders", Some(&app.staff), &body)
        .await
        .json()
        .await
        .unwrap();
    let second = app.order_for("bob@example.com", &mug, 3).await;
    let (headers, rows) = export(&app, "").await;

    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let today = time::OffsetDateTime::now_utc().date();
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains(&format!("orders-{today}T")) && disposition.contains("Z.csv"),
        "named for the time of the export: {disposition}"
    );

    let header: Vec<&str> = rows[0].iter().collect();
    let expected = oms_api::export::header(
        oms_api::export::Shape::Lines,
        oms_api::currency::Currency::default(),
    );
    assert_eq!(header, expected);
    assert!(header.contains(&"orderTotal (USD)"), "{header:?}");
    assert!(!header.contains(&"version"), "no internal columns");
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(
        rows.len(),
        1 + 3,
        "two lines for the first order, one for the second"
    );
    // Newest first: the second order's row leads.
    let row = &rows[1];
    assert_eq!(&row[col("orderId")], second["id"].as_str().unwrap());
    assert_eq!(row[col("orderNumber")], second["number"].to_string());
    assert_eq!(&row[col("customerEmail")], "bob@example.com");
    assert_eq!(
        (&row[col("quantity")], &row[col("lineTotal (USD)")]),
        ("3", "37.50"),
        "amounts in dollars"
    );
    assert_eq!(&rows[2][col("orderTotal (USD)")], "26.00", "the total once");
    assert_eq!(
        &rows[3][col("orderTotal (USD)")],
        "",
        "not again on its next line"
    );
    for row in &rows[2..] {
        assert_eq!(&row[col("orderId")], first["id"].as_str().unwrap());
        assert_eq!(&row[col("status")], "pending");
        assert_eq!(
            &row[col("customerName")],
            "'@SUM(A1:A9)",
            "formula neutralised"
        );
    }
    assert_eq!(&rows[2][col("productName")], "Blue Mug");
    assert_eq!(
        &rows[3][col("productName")],
        "'=HYPERLINK(\"http://evil.example\")"
    );
    assert_eq!(&rows[3][col("unitPrice (USD)")], "1.00");
}

#[tokio::test]
async fn an_export_by_order_has_one_row_each_and_is_named_for_its_filter() {
    let app = spawn_app_with(&[("OMS_CURRENCY", "JPY")]).await;
    let mug = app.product("Mug", 1250, 10).await;
    let order = app.order_for("ann@example.com", &mug, 3).await;
    assert_eq!(order["currency"], "JPY");
    let (headers, rows) = export(&app, "?shape=orders&status=pending").await;
    let header: Vec<&str> = rows[0].iter().collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(rows.len(), 2, "one row for the one order");
    assert_eq!(
        &rows[1][col("orderTotal (JPY)")],
        "3750",
        "yen have no decimals"
    );
    assert_eq!((&rows[1][col("lines")], &rows[1][col("units")]), ("1", "3"));
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.contains("orders-pending-"), "{disposition}");
    let refused = app
        .get("/api/orders/export/csv?shape=rows", Some(&app.admin))
        .await;
    assert_eq!(fields(&problem(refused, 422).await), ["shape"]);
}

#[tokio::test]
async fn the_export_applies_the_list_filters_with_each_order_once() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 100, 1_000).await;
    let mut cancelled = Vec::new();
    for n in 0..130 {
        let order = app.order_for(&format!("c{n}@example.com"), &mug, 1).await;
        if n % 10 == 0 {
            let id = order["id"].as_str().unwrap().to_owned();
            app.set_status(&app.staff, &id, &json!({ "status": "cancelled" }))
                .await;
            cancelled.push(id);
        }
    }
    let (_, rows) = export(&app, "").await;
    assert_eq!(rows.len(), 1 + 130, "each order once");
    let id_column = rows[0].iter().position(|c| c == "orderId").unwrap();
    let mut seen: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.get(id_column).unwrap())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 130);
    let (_, rows) = export(&app, "?status=cancelled").await;
    let mut ids: Vec<String> = rows[1..].iter().map(|r| r[id_column].to_owned()).collect();
    ids.sort();
    cancelled.sort();
    assert_eq!(ids, cancelled);
}

#[tokio::test]
async fn bad_export_filters_are_422_before_any_csv_is_sent() {
    let app = spawn_app().await;
    let response = app
        .get("/api/orders/export/csv?status=lost", Some(&app.admin))
        .await;
    problem(response, 422).await;
}
