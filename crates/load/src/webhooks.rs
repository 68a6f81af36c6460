//! The webhooks scenario: receivers on this machine, one endpoint each,
//! while orders are placed and confirmed at a fixed rate. Each delivery's
//! envelope `at` (the server's clock when the change was made, just before
//! its commit) is compared with the moment its receiver got it, so run the
//! tool and the server on one machine. The endpoints are removed at the end.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use tokio::net::TcpListener;

use crate::api::{Account, Api};
use crate::feed::{drive, record_since_at};
use crate::report::{histogram, latency_line};

/// Options of `oms-load webhooks`.
#[derive(Clone, Debug, clap::Args)]
pub struct WebhookArgs {
    /// The server (run with `OMS_WEBHOOK_ALLOW_PRIVATE=true`: the
    /// receivers listen on 127.0.0.1).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The account to sign in with (an admin).
    #[command(flatten)]
    pub account: Account,
    /// Endpoints (each with a receiver of its own).
    #[arg(long, default_value_t = 10)]
    pub endpoints: usize,
    /// Events per second to cause: orders placed and confirmed in turn.
    #[arg(long, default_value_t = 100)]
    pub rate: u32,
    /// Seconds to measure.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Seconds of load before measuring starts.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 64)]
    pub in_flight: usize,
}

/// What a webhooks run measured.
#[derive(Debug)]
pub struct WebhookReport {
    /// Endpoints that were registered.
    pub endpoints: usize,
    /// Events the run caused (successful requests).
    pub events: u64,
    /// Requests that failed.
    pub errors: u64,
    /// How long the load ran after the warm-up.
    pub measured: Duration,
    /// The rate asked for.
    pub rate: u32,
    /// Deliveries received, over all receivers.
    pub received: u64,
    /// Commit-to-receipt latencies in microseconds, measured part only.
    pub latency: Histogram<u64>,
}

impl std::fmt::Display for WebhookReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} endpoints", self.endpoints)?;
        writeln!(
            f,
            "caused {} events in {:.1?} ({} events/s asked, {} request errors)",
            self.events, self.measured, self.rate, self.errors
        )?;
        writeln!(
            f,
            "received {} deliveries of {} owed (events x endpoints, warm-up included)",
            self.received,
            self.events * self.endpoints as u64
        )?;
        writeln!(f, "{}", latency_line("commit to receipt", &self.latency))
    }
}

/// What every receiver shares.
struct Heard {
    measuring: AtomicBool,
    received: AtomicU64,
    latency: Mutex<Histogram<u64>>,
}

/// Runs the scenario.
///
/// # Errors
/// A message when the server refuses what the scenario needs.
pub async fn run(args: &WebhookArgs) -> Result<WebhookReport, String> {
    let api = Api::sign_in(&args.url, &args.account).await?;
    let product = api.product("oms-load item").await?;
    let receivers = Receivers::start(&api, args.endpoints).await?;
    let heard = Arc::clone(&receivers.heard);
    let driving = Arc::new(AtomicBool::new(true));
    let driver = tokio::spawn(drive(
        api.clone(),
        product,
        args.rate,
        args.in_flight,
        Arc::clone(&driving),
    ));
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    heard.measuring.store(true, Ordering::SeqCst);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    driving.store(false, Ordering::SeqCst);
    let caused = driver.await.map_err(|e| e.to_string())??;
    let measured = started.elapsed();
    // Let the last deliveries arrive before counting.
    let owed = caused.events * args.endpoints as u64;
    let deadline = Instant::now() + Duration::from_secs(10);
    while heard.received.load(Ordering::SeqCst) < owed && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    heard.measuring.store(false, Ordering::SeqCst);
    receivers.remove(&api).await?;
    let latency = heard.latency.lock().clone();
    Ok(WebhookReport {
        endpoints: args.endpoints,
        events: caused.events,
        errors: caused.errors,
        measured,
        rate: args.rate,
        received: heard.received.load(Ordering::SeqCst),
        latency,
    })
}

/// Receivers on this machine, each registered as an endpoint.
#[derive(Debug)]
pub struct Receivers {
    hooks: Vec<String>,
    heard: Arc<Heard>,
}

impl std::fmt::Debug for Heard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heard")
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl Receivers {
    /// `n` receivers and their endpoints.
    ///
    /// # Errors
    /// A message when a receiver cannot listen or the server refuses an endpoint.
    pub async fn start(api: &Api, n: usize) -> Result<Receivers, String> {
        let heard = Arc::new(Heard {
            measuring: AtomicBool::new(false),
            received: AtomicU64::new(0),
            latency: Mutex::new(histogram()?),
        });
        let mut hooks = Vec::with_capacity(n);
        for _ in 0..n {
            let address = receive(Arc::clone(&heard)).await?;
            hooks.push(api.webhook(&format!("http://{address}/hooks")).await?);
        }
        Ok(Receivers { hooks, heard })
    }

    /// Deliveries received so far, over all receivers.
    pub fn received(&self) -> u64 {
        self.heard.received.load(Ordering::SeqCst)
    }

    /// Removes the endpoints (the receivers stop with the process).
    ///
    /// # Errors
    /// A message when the server refuses.
    pub async fn remove(self, api: &Api) -> Result<(), String> {
        for id in &self.hooks {
            api.delete(&format!("/api/webhooks/{id}")).await?;
        }
        Ok(())
    }
}

/// A receiver on 127.0.0.1 answering 204 to every delivery; its address.
async fn receive(heard: Arc<Heard>) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let heard = Arc::clone(&heard);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let heard = Arc::clone(&heard);
                    async move {
                        let body = request
                            .into_body()
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        heard.received.fetch_add(1, Ordering::Relaxed);
                        if heard.measuring.load(Ordering::Relaxed) {
                            let text = String::from_utf8_lossy(&body);
                            record_since_at(&text, &mut heard.latency.lock());
                        }
                        let mut answer = Response::new(Empty::<Bytes>::new());
                        *answer.status_mut() = StatusCode::NO_CONTENT;
                        Ok::<_, Infallible>(answer)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(address)
}
