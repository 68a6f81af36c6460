//! `kill -9` of a server on the default store while 32 clients place
//! orders: after a restart, every order that was answered 201 is there,
//! and the stock plus the units the stored orders hold is what it was.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::process::Command;

use crate::binary::scratch_dir;
use crate::embedded::{Running, start};

const INITIAL: u64 = 1_000_000;

async fn all_orders(server: &Running) -> Vec<Value> {
    let mut orders = Vec::new();
    let mut path = "/api/orders?limit=100".to_owned();
    loop {
        let page = server.get(&path).await;
        orders.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/orders?limit=100&cursor={cursor}"),
            None => return orders,
        }
    }
}

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
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..32)
        .map(|client| {
            let (http, base, token) = (server.http.clone(), server.base.clone(), server.token.clone());
            let (product, acknowledged, stop) = (product.clone(), Arc::clone(&acknowledged), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut n = 0u32;
                // Bounded: the server is killed within seconds.
                while !stop.load(Ordering::SeqCst) && n < 100_000 {
                    n += 1;
                    let body = json!({
                        "customer": { "name": "Crash Buyer", "email": format!("c{client}-{n}@example.com") },
                        "items": [{ "productId": product, "quantity": 1 + n % 3 }],
                    });
                    let sent = http.post(format!("{base}/api/orders")).bearer_auth(&token).json(&body).send().await;
                    let Ok(response) = sent else { break };
                    if response.status() == 201 {
                        let Ok(placed) = response.json::<Value>().await else { break };
                        acknowledged.lock().push(placed["id"].as_str().unwrap_or_default().to_owned());
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pid = server.child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }
    drop(server);
    let acknowledged = acknowledged.lock().clone();
    assert!(
        acknowledged.len() > 50,
        "only {} orders placed before the kill",
        acknowledged.len()
    );

    let restarted = start(&dir).await;
    let stored = all_orders(&restarted).await;
    let stored_ids: std::collections::HashSet<&str> =
        stored.iter().filter_map(|o| o["id"].as_str()).collect();
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored_ids.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged orders lost: {missing:?}",
        missing.len()
    );
    let held: u64 = stored
        .iter()
        .flat_map(|o| o["items"].as_array().unwrap().iter())
        .map(|line| line["quantity"].as_u64().unwrap())
        .sum();
    let stock = restarted.get(&format!("/api/products/{product}")).await["stock"]
        .as_u64()
        .unwrap();
    assert_eq!(stock + held, INITIAL, "stock is conserved across the crash");
    restarted.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
