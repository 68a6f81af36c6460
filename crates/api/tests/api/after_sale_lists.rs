//! What the list, the summary and the CSV export say of returns and
//! refunds: `hasOpenReturn`, `refunded` with `netRevenue`, and the
//! `refunded` column.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app};
use crate::returns::{ask, shipped_two};

async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let response = app.get(&format!("/api/orders{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].clone())
        .collect()
}

async fn summary(app: &TestApp) -> Value {
    let response = app.get("/api/orders/summary", Some(&app.staff)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn open_returns_are_listed_and_refunds_summarized_and_exported() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (customer, _) = app.customer("Casey").await;
    let id = shipped_two(&app, &customer, &mug).await;
    let other = app.order_for("bob@example.com", &mug, 1).await;
    let other = other["id"].as_str().unwrap().to_owned();
    let returns = format!("/api/orders/{id}/returns");
    let asked = app.post(&returns, Some(&customer), &ask(&mug, 1)).await;
    assert_eq!(asked.status(), StatusCode::CREATED);

    assert_eq!(
        listed(&app, &app.staff, "?hasOpenReturn=true").await,
        [json!(id)]
    );
    assert_eq!(
        listed(&app, &app.staff, "?hasOpenReturn=false").await,
        [json!(other)]
    );
    assert_eq!(
        listed(&app, &customer, "?hasOpenReturn=true").await,
        [json!(id)],
        "a customer finds its own"
    );
    let bad = problem(
        app.get("/api/orders?hasOpenReturn=maybe", Some(&app.staff))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&bad), ["hasOpenReturn"]);

    let before = summary(&app).await;
    assert_eq!(
        (
            &before["revenue"],
            &before["refunded"],
            &before["netRevenue"]
        ),
        (&json!(1_500), &json!(0), &json!(1_500)),
        "{before}"
    );
    let refund = json!({ "amount": 500, "reason": "Arrived chipped", "returnId": 1 });
    let refunded = app
        .post(
            &format!("/api/orders/{id}/refunds"),
            Some(&app.staff),
            &refund,
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::CREATED);
    let after = summary(&app).await;
    assert_eq!(
        (&after["revenue"], &after["refunded"], &after["netRevenue"]),
        (&json!(1_500), &json!(500), &json!(1_000)),
        "{after}"
    );
    assert_eq!(after["outstanding"], 500, "the other, unpaid order");

    let csv = app
        .get("/api/orders/export/csv?shape=orders", Some(&app.admin))
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = header
        .iter()
        .position(|h| h == "refunded")
        .expect("a refunded column");
    let id_column = header.iter().position(|h| h == "orderId").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let refunded_of = |order: &str| {
        let row = rows.iter().find(|r| &r[id_column] == order).unwrap();
        row[column].to_owned()
    };
    assert_eq!(refunded_of(&id), "5.00");
    assert_eq!(refunded_of(&other), "0.00");

    let receive = json!({ "items": [{ "productId": mug, "quantity": 1, "restock": true }] });
    let received = app
        .post(&format!("{returns}/1/receive"), Some(&app.staff), &receive)
        .await;
    assert_eq!(received.status(), StatusCode::OK);
    assert!(
        listed(&app, &app.staff, "?hasOpenReturn=true")
            .await
            .is_empty(),
        "received, so no longer open"
    );
}
