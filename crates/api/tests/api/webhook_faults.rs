//! Webhooks through faults: `kill -9` of the server with deliveries owed,
//! two instances on one MongoDB database sharing the work, and what the
//! dispatcher asks of the store's event log.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::{Value, json};

use crate::binary::{scratch_dir, signal};
use crate::embedded::{Running, oms_in, start_command};
use crate::helpers::spawn;
use crate::hot::two_instances_with;
use crate::outage::Switched;
use crate::receiver::{Receiver, Reply};

const ORDERS: usize = 20;

async fn start(dir: &std::path::Path) -> Running {
    let mut command = oms_in(dir);
    command
        .env("OMS_DEMO_DATA", "false")
        .env("OMS_WEBHOOK_ALLOW_PRIVATE", "true")
        .env(
            "OMS_WEBHOOK_RETRY_SCHEDULE",
            "0s,1s,1s,1s,1s,1s,1s,1s,1s,1s",
        )
        // A lease of 7 s: what the killed server held is sent soon after.
        .env("OMS_WEBHOOK_TIMEOUT_SECONDS", "1");
    start_command(&mut command).await.0
}

/// The ids of the orders whose `orderPlaced` arrived after the first
/// `skip` deliveries, and how often each did.
fn placed(receiver: &Receiver, skip: usize) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for r in receiver.received().into_iter().skip(skip) {
        if r.event() == "orderPlaced" {
            *seen
                .entry(r.json["data"]["id"].as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }
    seen
}

async fn until_all_arrive(
    receiver: &Receiver,
    skip: usize,
    orders: &HashSet<String>,
    within: Duration,
) {
    let deadline = std::time::Instant::now() + within;
    loop {
        let seen = placed(receiver, skip);
        if orders.iter().all(|o| seen.contains_key(o)) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {} placed orders arrived",
            orders.iter().filter(|o| seen.contains_key(*o)).count(),
            orders.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_owed_is_delivered_after_a_kill_9_and_a_restart() {
    let dir = scratch_dir();
    let server = start(&dir).await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(503));
    let made = server
        .post("/api/webhooks", &json!({ "url": receiver.url }))
        .await;
    let secret = made["secret"].as_str().unwrap().to_owned();
    let product = server
        .post(
            "/api/products",
            &json!({ "name": "Owed Mug", "price": 900, "stock": 1000 }),
        )
        .await;
    let mut orders = HashSet::new();
    for n in 0..ORDERS {
        let order: Value = server
            .post(
                "/api/orders",
                &json!({
                    "customer": { "name": "Owed", "email": format!("owed{n}@example.com") },
                    "items": [{ "productId": product["id"], "quantity": 1 }],
                }),
            )
            .await;
        orders.insert(order["id"].as_str().unwrap().to_owned());
    }
    receiver.wait_for(1, Duration::from_secs(10)).await;
    signal(&server.child, "KILL").await;
    drop(server);
    // Everything before was refused with 503: every event was owed.
    receiver.always(Reply::status(204));
    let refused = receiver.received().len();

    let restarted = start(&dir).await;
    until_all_arrive(&receiver, refused, &orders, Duration::from_secs(30)).await;
    for r in receiver.received() {
        r.verify(&secret).unwrap();
    }
    restarted.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_send_each_event_once() {
    let Some((a, b)) = two_instances_with(&[("OMS_WEBHOOK_ALLOW_PRIVATE", "true")]).await else {
        return;
    };
    let receiver = Receiver::start().await;
    let made = a
        .post(
            "/api/webhooks",
            Some(&a.admin),
            &json!({ "url": receiver.url }),
        )
        .await;
    assert_eq!(made.status(), 201);
    let product = a.product("Shared Mug", 900, 1000).await;
    let mut orders = HashSet::new();
    for n in 0..ORDERS {
        let app = if n % 2 == 0 { &a } else { &b };
        let order = app
            .order_for(&format!("shared{n}@example.com"), &product, 1)
            .await;
        orders.insert(order["id"].as_str().unwrap().to_owned());
    }
    until_all_arrive(&receiver, 0, &orders, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = placed(&receiver, 0);
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "events delivered more than once: {twice:?}"
    );
    let ids: HashSet<String> = receiver
        .received()
        .iter()
        .map(|r| r.id().to_owned())
        .collect();
    assert_eq!(
        ids.len(),
        receiver.received().len(),
        "one attempt per delivery"
    );
}

#[tokio::test]
async fn retries_do_not_read_the_event_log_again() {
    let store = Switched::default();
    let overrides = [
        ("OMS_WEBHOOK_ALLOW_PRIVATE", "true"),
        ("OMS_WEBHOOK_RETRY_SCHEDULE", "0s,1s,1s,1s,1s,1s"),
    ];
    let app = spawn(&overrides, store.clone()).await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500));
    let body = json!({ "url": receiver.url });
    let made = app.post("/api/webhooks", Some(&app.admin), &body).await;
    assert_eq!(made.status(), reqwest::StatusCode::CREATED);
    let product = app.product("Quiet Mug", 450, 10).await;
    app.order_for("quiet@example.com", &product, 1).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let pages = store.log_pages();
    receiver.wait_for(5, Duration::from_secs(15)).await;
    // Four retries and no commit: at most the read after a quiet spell.
    let again = store.log_pages() - pages;
    assert!(
        again <= 1,
        "{again} pages of the log read for retries alone"
    );
}
