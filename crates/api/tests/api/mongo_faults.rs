//! Faults on MongoDB under a placing load: the database killed and
//! started again, frozen, and SIGTERM to `oms`. Each runs a test server of
//! its own (see `mongo.rs`).

use std::time::Duration;

use oms_mongo::MongoStore;
use reqwest::StatusCode;

use crate::buyers::{Buyers, assert_nothing_lost};
use crate::embedded::start_command;
use crate::helpers::{answers_within_10s, spawn};
use crate::mongo::TestServer;
use crate::sigterm::{assert_clean_stop, assert_exactly_the_answered_orders, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_killed_under_load_and_restarted_loses_no_acknowledged_order() {
    let Some(mut server) = TestServer::start() else {
        return;
    };
    let store = MongoStore::connect(&server.uri("oms_kill"), 20)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    // Sixteen buyers from one address: the per-client limit is lifted.
    let lifted = [
        ("OMS_RATE_LIMIT_PER_SECOND", "100000"),
        ("OMS_RATE_LIMIT_BURST", "100000"),
    ];
    let app = spawn(&lifted, store).await;
    let initial = 1_000_000;
    let product = app.product("Kill Mug", 300, 1_000_000).await;
    let buyers = Buyers::start(&app.http, &app.base, &app.admin, &product, 16);
    for _ in 0..100 {
        if buyers.placed_so_far() >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill();
    let down = app.get("/readyz", None).await.status();
    assert_eq!(down, StatusCode::SERVICE_UNAVAILABLE, "the outage is seen");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = buyers.placed_so_far();
    server.resume();
    assert!(answers_within_10s(&app.http, &app.url("/readyz")).await);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let told = buyers.finish().await;
    assert!(
        told.placed.len() > during,
        "orders are placed again once it is back"
    );
    told.assert_placed_or_store_down();
    // An order whose commit reached the database just before it died may
    // be stored without its 201; none answered 201 may be missing.
    assert_nothing_lost(
        &app.http,
        &app.base,
        &app.admin,
        &product,
        initial,
        &told.placed,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_on_mongodb_loses_nothing_and_leaves_no_unanswered_order() {
    sigterm_on_mongodb(32).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_with_idle_workers_on_mongodb_loses_nothing_and_leaves_no_unanswered_order() {
    sigterm_on_mongodb(1).await;
}

/// SIGTERM under `clients` buyers, then a restart that finds exactly the
/// orders answered 201.
async fn sigterm_on_mongodb(clients: usize) {
    let Some(server) = TestServer::start() else {
        return;
    };
    let dir = crate::binary::scratch_dir();
    let oms = || {
        let mut command = crate::embedded::oms_in(&dir);
        command
            .env("OMS_STORE", "mongodb")
            .env("MONGODB_URI", server.uri("oms_term"));
        command
    };
    let served = serve(&mut oms()).await;
    let product = served.product().await;
    let (status, told, logged) = served.terminate_under_load(&product, clients).await;
    assert_clean_stop(status, &told, logged);
    let (again, _) = start_command(&mut oms()).await;
    assert_exactly_the_answered_orders(&again, &product, &told).await;
}

/// The `oms` binary on `database` of `server`, up and signed in as its
/// admin. Its log is let go: unread, its pipe would fill and stall it.
async fn oms_on(server: &TestServer, database: &str) -> crate::embedded::Running {
    let mut command = crate::embedded::oms_in(&crate::binary::scratch_dir());
    command
        .env("OMS_STORE", "mongodb")
        .env("MONGODB_URI", server.uri(database));
    start_command(&mut command).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_frozen_database_answers_every_write_in_time_and_commits_no_abandoned_one() {
    let Some(server) = TestServer::start() else {
        return;
    };
    let running = oms_on(&server, "oms_freeze").await;
    crate::stalls::a_stalled_store_answers_every_write_in_time(
        &running,
        || server.freeze(),
        || server.thaw(),
    )
    .await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_frozen_database_answers_reads_and_status_changes_503_in_time() {
    let Some(server) = TestServer::start() else {
        return;
    };
    let running = oms_on(&server, "oms_frozen_reads").await;
    let product = running
        .post(
            "/api/products",
            &serde_json::json!({ "name": "Frozen Mug", "price": 300, "stock": 5 }),
        )
        .await;
    let product = product["id"].as_str().unwrap().to_owned();
    let order = running
        .post(
            "/api/orders",
            &serde_json::json!({
                "customer": { "name": "Pat", "email": "pat@shop.example" },
                "items": [{ "productId": product, "quantity": 1 }],
            }),
        )
        .await;
    let order = order["id"].as_str().unwrap().to_owned();
    server.freeze();
    let url = |path: &str| format!("{}{path}", running.base);
    let status = serde_json::json!({ "status": "confirmed" });
    let requests = [
        running.http.get(url(&format!("/api/orders/{order}"))),
        running.http.get(url("/api/orders")),
        running.http.get(url(&format!("/api/products/{product}"))),
        running.http.get(url("/api/orders/summary")),
        running
            .http
            .put(url(&format!("/api/orders/{order}/status")))
            .json(&status),
    ];
    let mut answers = Vec::new();
    for request in requests {
        let started = std::time::Instant::now();
        let response = request
            .bearer_auth(&running.token)
            .timeout(Duration::from_secs(15))
            .send()
            .await;
        answers.push((response.map(|r| r.status().as_u16()), started.elapsed()));
    }
    server.thaw();
    for (answer, took) in &answers {
        assert!(matches!(answer, Ok(503)), "{answers:?}");
        assert!(*took < Duration::from_secs(10), "{answers:?}");
    }
    assert!(answers_within_10s(&running.http, &url("/readyz")).await);
    let back = running.get(&format!("/api/orders/{order}")).await;
    assert_eq!(
        back["status"], "pending",
        "the change during the freeze was not made"
    );
    running.stop().await;
}
