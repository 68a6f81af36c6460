//! The CSV export over many store pages (it reads 1,000 orders at a time,
//! the next page while the one before is written out): every order once,
//! newest first. The orders are written straight into the memory store;
//! placing thousands over HTTP would test nothing more.

use oms_memory::MemoryStore;
use oms_store_contract::fixtures::{draft, placed};
use reqwest::StatusCode;

use crate::helpers::spawn_app_on;

#[tokio::test]
async fn an_export_of_thousands_of_orders_has_each_once_newest_first() {
    const ORDERS: u128 = 2_345;
    let store = MemoryStore::new();
    let app = spawn_app_on(store.clone()).await;
    let mug = app.product("Mug", 100, 10_000).await.parse().unwrap();
    let mut placed_ids = Vec::new();
    for n in 1..=ORDERS {
        let order = placed(&store, draft(n, &format!("c{n}@example.com"), &[(mug, 1)])).await;
        placed_ids.push(order.id().to_string());
    }

    let response = app
        .get("/api/orders/export/csv?shape=orders", Some(&app.admin))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let id_column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|c| c == "orderId")
        .unwrap();
    let exported: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[id_column].to_owned())
        .collect();

    // Each draft is placed a millisecond after the one before.
    placed_ids.reverse();
    assert_eq!(exported, placed_ids);
}
