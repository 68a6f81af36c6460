//! `oms-load hot`: a flash sale. Many clients place one-unit orders for
//! one product as fast as each gets its answers, for a fixed time, spread
//! over one or more instances of the server; reports orders per second,
//! the latency of each placement (an HDR histogram) and every answer that
//! was not 201.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::json;

use crate::api::{Account, Api};
use crate::report::{histogram, latency_line};

/// Options of `oms-load hot`.
#[derive(Clone, Debug, clap::Args)]
pub struct HotArgs {
    /// A server instance; repeat for several (clients take them in turn).
    #[arg(long = "url", default_value = "http://127.0.0.1:8080")]
    pub urls: Vec<String>,
    /// The account to sign in with.
    #[command(flatten)]
    pub account: Account,
    /// Concurrent clients, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Seconds to measure.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

/// What `oms-load hot` measured.
#[derive(Debug)]
pub struct HotReport {
    /// The product bought.
    pub product: String,
    /// Clients that bought.
    pub clients: usize,
    /// Instances they bought through.
    pub instances: usize,
    /// From the first order sent to the last answer.
    pub elapsed: Duration,
    /// Orders answered 201.
    pub placed: u64,
    /// Answers other than 201, by status.
    pub refused: BTreeMap<u16, u64>,
    /// Each placement's time to its answer, in microseconds.
    pub latency: Histogram<u64>,
}

impl fmt::Display for HotReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = u64::try_from(self.elapsed.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        writeln!(
            f,
            "{} clients on {} instance(s): {} orders placed in {}.{:03} s, {} orders/s",
            self.clients,
            self.instances,
            self.placed,
            millis / 1_000,
            millis % 1_000,
            self.placed * 1_000 / millis,
        )?;
        writeln!(f, "answers other than 201: {:?}", self.refused)?;
        writeln!(f, "{}", latency_line("placement", &self.latency))
    }
}

/// Runs the scenario.
///
/// # Errors
/// A message when the server refuses what the scenario needs.
pub async fn run(args: &HotArgs) -> Result<HotReport, String> {
    if args.urls.is_empty() || args.clients == 0 {
        return Err("give at least one --url and one client".into());
    }
    let mut instances = Vec::new();
    for url in &args.urls {
        instances.push(Api::sign_in(url, &args.account).await?);
    }
    let product = instances[0].product("Flash sale").await?;
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let clients: Vec<_> = (0..args.clients)
        .map(|client| {
            let api = instances[client % instances.len()].clone();
            let product = product.clone();
            tokio::spawn(async move { buy_until(&api, &product, client, deadline).await })
        })
        .collect();
    let mut report = HotReport {
        product,
        clients: args.clients,
        instances: instances.len(),
        elapsed: Duration::ZERO,
        placed: 0,
        refused: BTreeMap::new(),
        latency: histogram()?,
    };
    for client in futures::future::join_all(clients).await {
        let client = client.map_err(|e| e.to_string())??;
        report.placed += client.placed;
        for (status, n) in client.refused {
            *report.refused.entry(status).or_default() += n;
        }
        report
            .latency
            .add(&client.latency)
            .map_err(|e| e.to_string())?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

struct Client {
    placed: u64,
    refused: BTreeMap<u16, u64>,
    latency: Histogram<u64>,
}

async fn buy_until(
    api: &Api,
    product: &str,
    client: usize,
    deadline: Instant,
) -> Result<Client, String> {
    let mut tally = Client {
        placed: 0,
        refused: BTreeMap::new(),
        latency: histogram()?,
    };
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let body = json!({
            "customer": { "name": "Flash Buyer", "email": format!("hot-{client}-{n}@load.example") },
            "items": [{ "productId": product, "quantity": 1 }],
        });
        let sent = Instant::now();
        let status = api.post_status("/api/orders", &body).await?;
        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
        tally.latency.saturating_record(micros);
        if status == 201 {
            tally.placed += 1;
        } else {
            *tally.refused.entry(status).or_default() += 1;
        }
    }
    Ok(tally)
}
