//! A flash sale on MongoDB: many buyers of the same products at once,
//! through two instances of the API on one database (each with its own
//! connection pool and its own group commit), as two `oms` processes would
//! be. Nobody who could be served is turned away, and stock is conserved.

use std::time::Instant;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn};
use crate::stores::{fresh_mongo, mongo_uri};

/// Two apps on one fresh database, or `None` (said loudly) without a
/// MongoDB test server.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    two_instances_with(&[]).await
}

/// Two apps with `overrides` on one fresh database, each with a client of
/// its own, or `None` (said loudly) without a MongoDB test server.
pub async fn two_instances_with(overrides: &[(&str, &str)]) -> Option<(TestApp, TestApp)> {
    let uri = mongo_uri()?;
    let first = fresh_mongo(&uri).await;
    let name = first.database().name().to_owned();
    let client = mongodb::Client::with_uri_str(&uri).await.unwrap();
    let second = oms_mongo::MongoStore::with_client(client, &name);
    Some((
        spawn(overrides, first).await,
        spawn(overrides, second).await,
    ))
}

fn order(n: usize, lines: &[(&str, i64)]) -> Value {
    let items: Vec<Value> = lines
        .iter()
        .map(|(product, quantity)| json!({ "productId": product, "quantity": quantity }))
        .collect();
    json!({
        "customer": { "name": format!("Buyer {n}"), "email": format!("buyer{n}@example.com") },
        "items": items,
    })
}

/// Places `body` through `app`: the status and the problem code, if any.
async fn place(app: &TestApp, body: &Value) -> (StatusCode, Option<String>) {
    let response = app.post("/api/orders", Some(&app.staff), body).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().map(str::to_owned))
}

fn no_server_errors(answers: &[(StatusCode, Option<String>)]) {
    let failed: Vec<_> = answers
        .iter()
        .filter(|(s, _)| s.is_server_error())
        .collect();
    assert!(failed.is_empty(), "server errors: {failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_buyers_across_two_instances_are_all_served_no_slower_than_one() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let mug = a.product("Hot Mug", 900, 100_000).await;
    let sequential = 60;
    let started = Instant::now();
    for n in 0..sequential {
        let answer = place(&a, &order(n, &[(&mug, 1)])).await;
        assert_eq!(answer.0, StatusCode::CREATED, "{answer:?}");
    }
    let sequential_rate = sequential as f64 / started.elapsed().as_secs_f64();

    let (clients, each) = (64, 6);
    let started = Instant::now();
    let buyers = (0..clients).map(|client| {
        let app = if client % 2 == 0 { &a } else { &b };
        let mug = mug.clone();
        async move {
            let mut answers = Vec::new();
            for k in 0..each {
                let n = 1_000 + client * each + k;
                answers.push(place(app, &order(n, &[(&mug, 1)])).await);
            }
            answers
        }
    });
    let answers: Vec<_> = join_all(buyers).await.into_iter().flatten().collect();
    let concurrent_rate = answers.len() as f64 / started.elapsed().as_secs_f64();
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, clients * each, "{answers:?}");
    let ratio = concurrent_rate / sequential_rate;
    eprintln!(
        "hot product: one client {sequential_rate:.0} orders/s, 64 clients on two instances {concurrent_rate:.0} orders/s ({ratio:.2} x)"
    );
    assert!(ratio >= 0.8, "64 clients ran at {ratio:.2} x one client");
    let total = (sequential + clients * each) as u64;
    assert_eq!(a.stock_of(&mug).await, 100_000 - total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_buyers_for_fifty_units_get_fifty_orders_and_two_hundred_fifty_409s() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let mug = a.product("Last Mugs", 900, 50).await;
    let buyers = (0..300).map(|n| {
        let app = if n % 2 == 0 { &a } else { &b };
        let body = order(n, &[(&mug, 1)]);
        async move { place(app, &body).await }
    });
    let answers = join_all(buyers).await;
    no_server_errors(&answers);
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let short = answers
        .iter()
        .filter(|(s, code)| *s == StatusCode::CONFLICT && code.as_deref() == Some("out_of_stock"))
        .count();
    assert_eq!((created, short), (50, 250), "{answers:?}");
    assert_eq!(b.stock_of(&mug).await, 0);
    let listed: Value = a
        .get("/api/orders?limit=100", Some(&a.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_hundred_forty_five_line_orders_in_shuffled_line_order_are_all_placed() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let mut products = Vec::new();
    for n in 0..10 {
        products.push(a.product(&format!("Shared {n}"), 100, 10_000).await);
    }
    let buyers = (0..64).map(|client| {
        let app = if client % 2 == 0 { &a } else { &b };
        let products = &products;
        async move {
            let mut answers = Vec::new();
            for k in 0..10 {
                let n = client * 10 + k;
                // Five of the ten, starting and stepping differently per
                // order, so the lines come in every order.
                let step = [1, 3, 7, 9][n % 4];
                let lines: Vec<(&str, i64)> = (0..5)
                    .map(|j| (products[(n + j * step) % 10].as_str(), 1 + j as i64))
                    .collect();
                answers.push(place(app, &order(n, &lines)).await);
            }
            answers
        }
    });
    let answers: Vec<_> = join_all(buyers).await.into_iter().flatten().collect();
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 640, "{answers:?}");
    let mut sold = [0u64; 10];
    for n in 0..640usize {
        let step = [1, 3, 7, 9][n % 4];
        for j in 0..5 {
            sold[(n + j * step) % 10] += 1 + j as u64;
        }
    }
    for (product, sold) in products.iter().zip(sold) {
        assert_eq!(a.stock_of(product).await + sold, 10_000, "{product}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn placements_racing_cancellations_on_two_instances_conserve_stock() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let mug = a.product("Mug", 500, 40).await;
    let mut earlier = Vec::new();
    for n in 0..20 {
        let response = a
            .post("/api/orders", Some(&a.staff), &order(n, &[(&mug, 2)]))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let placed: Value = response.json().await.unwrap();
        earlier.push(placed["id"].as_str().unwrap().to_owned());
    }
    let cancel = json!({ "status": "cancelled" });
    let cancels = earlier.iter().enumerate().map(|(n, id)| {
        let app = if n % 2 == 0 { &b } else { &a };
        let cancel = &cancel;
        async move {
            let response = app.set_status(&app.admin, id, cancel).await;
            (response.status(), None)
        }
    });
    let places = (100..160).map(|n| {
        let app = if n % 2 == 0 { &a } else { &b };
        let body = order(n, &[(&mug, 1)]);
        async move { place(app, &body).await }
    });
    let (cancelled, placed) = futures::join!(join_all(cancels), join_all(places));
    no_server_errors(&cancelled);
    no_server_errors(&placed);
    for (status, _) in &cancelled {
        assert_eq!(*status, StatusCode::OK);
    }
    for (status, code) in &placed {
        assert!(
            *status == StatusCode::CREATED
                || (*status == StatusCode::CONFLICT && code.as_deref() == Some("out_of_stock")),
            "{status} {code:?}"
        );
    }
    let created = placed
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count() as u64;
    assert!(created > 0, "some placements took units put back");
    assert_eq!(a.stock_of(&mug).await + created, 40, "stock is conserved");
}
