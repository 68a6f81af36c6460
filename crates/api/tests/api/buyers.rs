//! Clients placing orders as fast as they are answered, and the checks a
//! fault under that load must pass: every order answered 201 is stored,
//! and the stock plus the units stored orders hold is what it was.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// What the buyers were told.
#[derive(Debug, Default)]
pub struct Told {
    /// Ids of orders answered 201.
    pub placed: Vec<String>,
    /// Every answer, by status.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer, by cause.
    pub unanswered: BTreeMap<String, u64>,
}

impl Told {
    /// Every answer was a 201 or a 503: a buyer during a fault waited or
    /// was told the store is down, never anything else.
    pub fn assert_placed_or_store_down(&self) {
        let unexpected: Vec<_> = self
            .statuses
            .keys()
            .filter(|s| ![201, 503].contains(*s))
            .collect();
        assert!(unexpected.is_empty(), "{:?}", self.statuses);
    }
}

/// Buyers at work until [`Buyers::finish`].
pub struct Buyers {
    told: Arc<Mutex<Told>>,
    stop: Arc<AtomicBool>,
    clients: Vec<JoinHandle<()>>,
}

impl Buyers {
    /// `clients` buyers of 1 to 3 units of `product` at `base`. Each goes
    /// on after a request that gets no answer (a restart is what the tests
    /// put them through), and stops after 100,000 orders at most.
    pub fn start(
        http: &reqwest::Client,
        base: &str,
        token: &str,
        product: &str,
        clients: usize,
    ) -> Buyers {
        let told = Arc::new(Mutex::new(Told::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let clients = (0..clients)
            .map(|client| {
                let (http, base, token) = (http.clone(), base.to_owned(), token.to_owned());
                let (product, told, stop) = (product.to_owned(), Arc::clone(&told), Arc::clone(&stop));
                tokio::spawn(async move {
                    let mut n = 0u32;
                    while !stop.load(Ordering::SeqCst) && n < 100_000 {
                        n += 1;
                        let body = json!({
                            "customer": { "name": "Fault Buyer", "email": format!("f{client}-{n}@example.com") },
                            "items": [{ "productId": product, "quantity": 1 + n % 3 }],
                        });
                        let sent = http.post(format!("{base}/api/orders")).bearer_auth(&token).json(&body).send().await;
                        let answer = match sent {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                response.json::<Value>().await.map(|body| (status, body))
                            }
                            Err(e) => Err(e),
                        };
                        let unanswered = {
                            let mut told = told.lock();
                            match answer {
                                Ok((status, body)) => {
                                    *told.statuses.entry(status).or_default() += 1;
                                    if status == 201 {
                                        told.placed.push(body["id"].as_str().unwrap_or_default().to_owned());
                                    }
                                    false
                                }
                                Err(e) => {
                                    let cause = if e.is_connect() { "refused" } else { "cut off" };
                                    *told.unanswered.entry(cause.to_owned()).or_default() += 1;
                                    true
                                }
                            }
                        };
                        if unanswered {
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        }
                    }
                })
            })
            .collect();
        Buyers {
            told,
            stop,
            clients,
        }
    }

    /// Orders answered 201 so far.
    pub fn placed_so_far(&self) -> usize {
        self.told.lock().placed.len()
    }

    /// Stops the buyers; what they were told.
    pub async fn finish(self) -> Told {
        self.stop.store(true, Ordering::SeqCst);
        for client in self.clients {
            client.await.unwrap();
        }
        std::mem::take(&mut *self.told.lock())
    }
}

/// Every order the server at `base` lists.
pub async fn all_orders(http: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let mut orders = Vec::new();
    let mut path = "/api/orders?limit=100".to_owned();
    loop {
        let page = get(http, &format!("{base}{path}"), token).await;
        orders.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/orders?limit=100&cursor={cursor}"),
            None => return orders,
        }
    }
}

/// Every order answered 201 is stored, whole, and `product` has
/// `initial` units between its stock and the stored orders. Returns the
/// stored orders that hold `product`.
pub async fn assert_nothing_lost(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    product: &str,
    initial: u64,
    placed: &[String],
) -> Vec<Value> {
    // The orders for this product: the demo orders of a new store hold others.
    let stored: Vec<Value> = all_orders(http, base, token)
        .await
        .into_iter()
        .filter(|o| {
            o["items"]
                .as_array()
                .is_some_and(|lines| lines.iter().any(|l| l["productId"] == product))
        })
        .collect();
    let ids: HashSet<&str> = stored.iter().filter_map(|o| o["id"].as_str()).collect();
    let lost: Vec<_> = placed
        .iter()
        .filter(|id| !ids.contains(id.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} orders answered 201 are gone: {lost:?}",
        lost.len()
    );
    for order in &stored {
        let lines = order["items"].as_array().unwrap();
        let total: u64 = lines.iter().map(|l| l["lineTotal"].as_u64().unwrap()).sum();
        assert!(
            !lines.is_empty() && order["total"].as_u64() == Some(total),
            "half-written: {order}"
        );
    }
    let held: u64 = stored
        .iter()
        .filter(|o| o["status"] != "cancelled")
        .flat_map(|o| o["items"].as_array().unwrap().iter())
        .filter(|line| line["productId"] == product)
        .map(|line| line["quantity"].as_u64().unwrap())
        .sum();
    let product = get(http, &format!("{base}/api/products/{product}"), token).await;
    let stock = product["stock"].as_u64().unwrap();
    assert_eq!(
        stock + held,
        initial,
        "stock is conserved: {stock} in stock, {held} held by orders"
    );
    stored
}

async fn get(http: &reqwest::Client, url: &str, token: &str) -> Value {
    let response = http.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}
