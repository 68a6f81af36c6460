//! `oms-load http`: request throughput and latency of the REST API, as
//! ratios to `/healthz` measured in the same run. Each scenario holds a
//! fixed number of keep-alive connections, each with one request in
//! flight, for a fixed time, and records every answer's latency in an HDR
//! histogram:
//!
//! - `healthz`: `GET /healthz`, the floor every route pays;
//! - `get`: `GET /api/orders/{id}` over orders placed beforehand;
//! - `place`: `POST /api/orders`, three lines each;
//! - `mix`: 70% reads, 20% placements, 10% status changes.

mod conn;
mod scenario;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::api::{Account, Api};
use crate::report::latency_line;
use crate::webhooks::Receivers;
pub use scenario::Scenario;
use scenario::{Fixture, Tally};

/// Options of `oms-load http`.
#[derive(Clone, Debug, clap::Args)]
pub struct HttpArgs {
    /// The server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The account to sign in with.
    #[command(flatten)]
    pub account: Account,
    /// Scenarios to run, in order (repeat the flag or separate by commas).
    #[arg(long = "scenario", value_enum, value_delimiter = ',', default_values_t = Scenario::ALL)]
    pub scenarios: Vec<Scenario>,
    /// Keep-alive connections, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds to measure each scenario.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Seconds of load before each measurement, not recorded.
    #[arg(long, default_value_t = 1)]
    pub warmup: u64,
    /// Orders placed before the run, for `get` and `mix` to read.
    #[arg(long, default_value_t = 1_000)]
    pub orders: usize,
    /// The server's process id, to report its resident memory (Linux).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Webhook endpoints to register for the run, each with a receiver on
    /// this machine (the server needs `OMS_WEBHOOK_ALLOW_PRIVATE=true`):
    /// what delivering every event costs the scenarios.
    #[arg(long, default_value_t = 0)]
    pub webhooks: usize,
}

/// What one scenario measured.
#[derive(Debug)]
pub struct ScenarioReport {
    /// Which.
    pub scenario: Scenario,
    /// Measured time.
    pub elapsed: Duration,
    /// Answers by status.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (connection errors).
    pub failures: u64,
    /// Every answer's latency, microseconds.
    pub latency: Histogram<u64>,
    /// The server's resident memory after the scenario, KiB.
    pub rss_kib: Option<u64>,
}

impl ScenarioReport {
    /// Answers per second.
    pub fn rate(&self) -> u64 {
        let answers: u64 = self.statuses.values().sum();
        let millis = u64::try_from(self.elapsed.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        answers * 1_000 / millis
    }

    /// Answers that were not 2xx.
    pub fn refused(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| !(200..300).contains(*status))
            .map(|(_, n)| n)
            .sum()
    }
}

/// What `oms-load http` measured.
#[derive(Debug)]
pub struct HttpReport {
    /// Connections held.
    pub connections: usize,
    /// Each scenario, in the order run.
    pub scenarios: Vec<ScenarioReport>,
    /// Webhook endpoints registered, and the deliveries they received.
    pub webhooks: Option<(usize, u64)>,
}

impl fmt::Display for HttpReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let floor = self
            .scenarios
            .iter()
            .find(|s| s.scenario == Scenario::Healthz)
            .map(ScenarioReport::rate);
        writeln!(f, "{} connections", self.connections)?;
        if let Some((endpoints, received)) = self.webhooks {
            writeln!(
                f,
                "{endpoints} webhook endpoints, {received} deliveries received"
            )?;
        }
        for s in &self.scenarios {
            let ratio = match floor {
                Some(floor) if floor > 0 => {
                    let hundredths = s.rate() * 100 / floor;
                    format!(" ({}.{:02} x healthz)", hundredths / 100, hundredths % 100)
                }
                _ => String::new(),
            };
            writeln!(f, "{:8} {:>7} req/s{ratio}", s.scenario.name(), s.rate())?;
            writeln!(f, "         {}", latency_line("latency", &s.latency))?;
            writeln!(
                f,
                "         answers {:?}, not 2xx {}, no answer {}",
                s.statuses,
                s.refused(),
                s.failures
            )?;
            if let Some(rss) = s.rss_kib {
                writeln!(f, "         server RSS {} MiB", rss / 1024)?;
            }
        }
        Ok(())
    }
}

/// Runs the scenarios.
///
/// # Errors
/// A message when the server cannot be reached or refuses the setup.
pub async fn run(args: &HttpArgs) -> Result<HttpReport, String> {
    if args.connections == 0 || args.scenarios.is_empty() {
        return Err("give at least one connection and one scenario".into());
    }
    let api = Api::sign_in(&args.url, &args.account).await?;
    let fixture = Arc::new(Fixture::prepare(&api, args.orders).await?);
    let address = conn::address(&args.url)?;
    let receivers = match args.webhooks {
        0 => None,
        n => Some(Receivers::start(&api, n).await?),
    };
    let mut report = HttpReport {
        connections: args.connections,
        scenarios: Vec::new(),
        webhooks: None,
    };
    for &scenario in &args.scenarios {
        let warmup = Duration::from_secs(args.warmup);
        let measure = Duration::from_secs(args.seconds);
        let started = Instant::now() + warmup;
        let deadline = started + measure;
        let clients: Vec<_> = (0..args.connections)
            .map(|n| {
                let fixture = Arc::clone(&fixture);
                let address = address.clone();
                tokio::spawn(async move {
                    scenario::drive(scenario, &address, &fixture, n, started, deadline).await
                })
            })
            .collect();
        let mut tally = Tally::new()?;
        for client in futures::future::join_all(clients).await {
            tally.add(client.map_err(|e| e.to_string())??)?;
        }
        report.scenarios.push(ScenarioReport {
            scenario,
            elapsed: measure,
            statuses: tally.statuses,
            failures: tally.failures,
            latency: tally.latency,
            rss_kib: args.server_pid.and_then(rss_kib),
        });
    }
    if let Some(receivers) = receivers {
        report.webhooks = Some((args.webhooks, receivers.received()));
        receivers.remove(&api).await?;
    }
    Ok(report)
}

/// A process's resident memory in KiB, from `/proc` (Linux only).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
