//! `kill -9` of a server on the default store while 32 clients place
//! orders: after a restart, every order that was answered 201 is there,
//! and the stock plus the units the stored orders hold is what it was.

use std::time::Duration;

use serde_json::json;

use crate::binary::{scratch_dir, signal};
use crate::buyers::{Buyers, assert_nothing_lost};
use crate::embedded::start;

const INITIAL: u64 = 1_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_order_answered_201_survives_a_kill_9_and_stock_is_conserved() {
    let dir = scratch_dir();
    let server = start(&dir).await;
    let product = server
        .post(
            "/api/products",
            &json!({ "name": "Crash Mug", "price": 900, "stock": INITIAL }),
        )
        .await;
    let product = product["id"].as_str().unwrap().to_owned();
    let buyers = Buyers::start(&server.http, &server.base, &server.token, &product, 32);
    tokio::time::sleep(Duration::from_secs(3)).await;
    signal(&server.child, "KILL").await;
    let told = buyers.finish().await;
    drop(server);
    assert!(
        told.placed.len() > 50,
        "only {} orders placed before the kill",
        told.placed.len()
    );

    let restarted = start(&dir).await;
    let (http, base, token) = (&restarted.http, &restarted.base, &restarted.token);
    assert_nothing_lost(http, base, token, &product, INITIAL, &told.placed).await;
    restarted.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
