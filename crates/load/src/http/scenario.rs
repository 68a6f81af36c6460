//! What each scenario sends, and the tally of what came back.

use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;
use hdrhistogram::Histogram;
use hyper::Method;
use hyper::header::HeaderValue;

use super::conn::Conn;
use crate::api::Api;
use crate::report::histogram;

/// A scenario of `oms-load http`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// `GET /healthz`.
    Healthz,
    /// `GET /api/orders/{id}`.
    Get,
    /// `POST /api/orders` with three lines.
    Place,
    /// 70% reads, 20% placements, 10% status changes.
    Mix,
}

impl Scenario {
    /// Every scenario, `healthz` first so the others read as ratios to it.
    pub const ALL: [Scenario; 4] = [
        Scenario::Healthz,
        Scenario::Get,
        Scenario::Place,
        Scenario::Mix,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Healthz => "healthz",
            Scenario::Get => "get",
            Scenario::Place => "place",
            Scenario::Mix => "mix",
        }
    }
}

/// What the scenarios share: the token, three products, orders to read.
#[derive(Debug)]
pub struct Fixture {
    token: HeaderValue,
    products: [String; 3],
    orders: Vec<String>,
}

impl Fixture {
    /// Three products with all the stock there may be, and `orders` orders.
    pub async fn prepare(api: &Api, orders: usize) -> Result<Fixture, String> {
        let token =
            HeaderValue::from_str(&format!("Bearer {}", api.token())).map_err(|e| e.to_string())?;
        let products = [
            api.product("Load Mug").await?,
            api.product("Load Tea").await?,
            api.product("Load Spoon").await?,
        ];
        let mut placed = Vec::with_capacity(orders);
        for n in 0..orders {
            placed.push(api.order(&products[n % 3], n as u64).await?);
        }
        if placed.is_empty() {
            return Err("give at least one order (--orders)".into());
        }
        Ok(Fixture {
            token,
            products,
            orders: placed,
        })
    }

    /// A three-line order; with an address when it is to ship (`mix`
    /// moves its orders on), without in `place`, whose figures are kept
    /// comparable over time.
    fn order_body(&self, client: usize, n: u64, ships: bool) -> Bytes {
        let [a, b, c] = &self.products;
        let address = if ships {
            r#""shippingAddress":{"name":"Load Buyer","line1":"1 Load St","city":"Loadville","postalCode":"10001","country":"US"},"#
        } else {
            ""
        };
        Bytes::from(format!(
            r#"{{"customer":{{"name":"Load Buyer","email":"load-{client}-{}@load.example"}},{address}"items":[{{"productId":"{a}","quantity":1}},{{"productId":"{b}","quantity":2}},{{"productId":"{c}","quantity":1}}]}}"#,
            n % 500
        ))
    }
}

/// Answers by status, failures and latency, for one client or summed.
#[derive(Debug)]
pub struct Tally {
    /// Answers by status.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests with no answer.
    pub failures: u64,
    /// Latency in microseconds.
    pub latency: Histogram<u64>,
}

impl Tally {
    /// Nothing yet.
    pub fn new() -> Result<Tally, String> {
        Ok(Tally {
            statuses: BTreeMap::new(),
            failures: 0,
            latency: histogram()?,
        })
    }

    /// Adds another client's tally.
    pub fn add(&mut self, other: Tally) -> Result<(), String> {
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.failures += other.failures;
        self.latency.add(&other.latency).map_err(|e| e.to_string())
    }
}

/// A small generator for choosing operations and orders (not for anything
/// that must be unpredictable).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % below.max(1) as u64).unwrap_or(0)
    }
}

/// The next status an order is moved to in `mix`.
fn next_status(status: &str) -> Option<&'static str> {
    match status {
        "pending" => Some("confirmed"),
        "confirmed" => Some("shipped"),
        "shipped" => Some("delivered"),
        _ => None,
    }
}

/// One client: a connection, requests until `deadline`, those answered
/// after `started` recorded.
pub async fn drive(
    scenario: Scenario,
    address: &str,
    fixture: &Fixture,
    client: usize,
    started: Instant,
    deadline: Instant,
) -> Result<Tally, String> {
    let mut conn = Conn::open(address).await?;
    let mut tally = Tally::new()?;
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (client as u64 + 1));
    // Orders this client placed in `mix`, and their status, to move on.
    let mut movable: VecDeque<(String, &'static str)> = VecDeque::new();
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let op = match scenario {
            Scenario::Mix => match dice.roll(10) {
                0..=6 => Scenario::Get,
                7 | 8 => Scenario::Place,
                _ => Scenario::Mix,
            },
            other => other,
        };
        let sent = Instant::now();
        let answer = match op {
            Scenario::Healthz => {
                conn.send(Method::GET, "/healthz", &fixture.token, None)
                    .await
            }
            Scenario::Get => {
                let order = &fixture.orders[dice.roll(fixture.orders.len())];
                let path = format!("/api/orders/{order}");
                conn.send(Method::GET, &path, &fixture.token, None).await
            }
            Scenario::Place => {
                let body = fixture.order_body(client, n, scenario == Scenario::Mix);
                let answer = conn
                    .send(Method::POST, "/api/orders", &fixture.token, Some(body))
                    .await;
                if scenario == Scenario::Mix
                    && let Ok((201, body)) = &answer
                    && let Some(id) = id_of(body)
                {
                    movable.push_back((id, "pending"));
                }
                answer
            }
            Scenario::Mix => match movable.pop_front() {
                Some((order, status)) => {
                    let to = next_status(status).unwrap_or("delivered");
                    let path = format!("/api/orders/{order}/status");
                    let body = Bytes::from(format!(r#"{{"status":"{to}"}}"#));
                    let answer = conn
                        .send(Method::PUT, &path, &fixture.token, Some(body))
                        .await;
                    if matches!(answer, Ok((200, _))) && next_status(to).is_some() {
                        movable.push_back((order, to));
                    }
                    answer
                }
                // Nothing to move yet: read instead, keeping the mix's pace.
                None => {
                    let order = &fixture.orders[dice.roll(fixture.orders.len())];
                    let path = format!("/api/orders/{order}");
                    conn.send(Method::GET, &path, &fixture.token, None).await
                }
            },
        };
        let done = Instant::now();
        let measured = done >= started;
        match answer {
            Ok((status, _)) if measured => {
                *tally.statuses.entry(status).or_default() += 1;
                let micros = u64::try_from((done - sent).as_micros()).unwrap_or(u64::MAX);
                tally.latency.saturating_record(micros);
            }
            Ok(_) => {}
            Err(_) => {
                if measured {
                    tally.failures += 1;
                }
                // A broken connection is replaced, as a client would.
                conn = Conn::open(address).await?;
            }
        }
    }
    Ok(tally)
}

fn id_of(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    serde_json::from_slice::<Id>(body).ok().map(|o| o.id)
}
