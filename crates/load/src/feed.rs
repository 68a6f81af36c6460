//! The feed scenario: many subscribers on `/ws` while orders are placed
//! and confirmed through the REST API at a fixed rate. Each envelope's `at`
//! (the server's clock when the change was made, just before its commit)
//! is compared with the moment a subscriber received it, so client and
//! server must share a clock: run both on one machine.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::{StreamExt, stream};
use hdrhistogram::Histogram;
use parking_lot::Mutex;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::api::{Account, Api};
use crate::report::{FeedReport, histogram};

/// Options of `oms-load feed`.
#[derive(Clone, Debug, clap::Args)]
pub struct FeedArgs {
    /// The server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The account to sign in with.
    #[command(flatten)]
    pub account: Account,
    /// Subscribers to open (all on the all-orders feed).
    #[arg(long, default_value_t = 1_000)]
    pub subscribers: usize,
    /// Events per second to cause: orders placed and confirmed in turn.
    #[arg(long, default_value_t = 200)]
    pub rate: u32,
    /// Seconds to measure.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// Seconds of load before measuring starts.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 64)]
    pub in_flight: usize,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Runs the scenario.
///
/// # Errors
/// A message when the server refuses what the scenario needs.
pub async fn run(args: &FeedArgs) -> Result<FeedReport, String> {
    let api = Api::sign_in(&args.url, &args.account).await?;
    let product = api.product("oms-load item").await?;
    let sockets = connect_all(&api, args.subscribers).await?;
    let subscribers = sockets.len();

    let measuring = Arc::new(AtomicBool::new(false));
    let received = Arc::new(AtomicU64::new(0));
    let (stop, stopped) = watch::channel(false);
    let mut listeners = Vec::with_capacity(sockets.len());
    for socket in sockets {
        let listener = Listener {
            measuring: Arc::clone(&measuring),
            received: Arc::clone(&received),
            stopped: stopped.clone(),
        };
        listeners.push(tokio::spawn(listener.listen(socket, histogram()?)));
    }

    let driving = Arc::new(AtomicBool::new(true));
    let driver = tokio::spawn(drive(
        api,
        product,
        args.rate,
        args.in_flight,
        Arc::clone(&driving),
    ));
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    measuring.store(true, Ordering::SeqCst);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    measuring.store(false, Ordering::SeqCst);
    driving.store(false, Ordering::SeqCst);
    let measured = started.elapsed();
    let caused = driver.await.map_err(|e| e.to_string())??;

    // Let the last events reach everyone before counting what is missing.
    let expected = caused.events * u64::try_from(listeners.len()).unwrap_or(u64::MAX);
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.load(Ordering::SeqCst) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(true);
    let mut latency = histogram()?;
    let mut closes: BTreeMap<String, usize> = BTreeMap::new();
    for listener in listeners {
        let heard = listener.await.map_err(|e| e.to_string())?;
        latency.add(&heard.latency).map_err(|e| e.to_string())?;
        if let Some(why) = heard.closed {
            *closes.entry(why).or_default() += 1;
        }
    }
    Ok(FeedReport {
        subscribers,
        events: caused.events,
        errors: caused.errors,
        measured,
        rate: args.rate,
        expected,
        delivered: received.load(Ordering::SeqCst),
        closes,
        latency,
    })
}

/// Opens `n` subscribers, a few dozen handshakes at a time.
async fn connect_all(api: &Api, n: usize) -> Result<Vec<Socket>, String> {
    let url = format!("{}/ws", api.base().replacen("http", "ws", 1));
    let offer =
        HeaderValue::from_str(&format!("bearer, {}", api.token())).map_err(|e| e.to_string())?;
    let attempts = stream::iter(0..n).map(|_| {
        let (url, offer) = (url.clone(), offer.clone());
        async move {
            let mut request = url.into_client_request().map_err(|e| e.to_string())?;
            request.headers_mut().insert("Sec-WebSocket-Protocol", offer);
            // Small reads: a large read buffer is zeroed on every read.
            let config = WebSocketConfig::default().read_buffer_size(8 * 1024);
            let (socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
                .await
                .map_err(|e| format!("a subscriber was refused: {e} (raise OMS_RATE_LIMIT_BURST and OMS_WS_MAX_CONNECTIONS on the server)"))?;
            Ok::<_, String>(socket)
        }
    });
    attempts
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// What one subscriber heard.
struct Heard {
    latency: Histogram<u64>,
    closed: Option<String>,
}

struct Listener {
    measuring: Arc<AtomicBool>,
    received: Arc<AtomicU64>,
    stopped: watch::Receiver<bool>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    at: Option<&'a str>,
}

impl Listener {
    async fn listen(mut self, mut socket: Socket, latency: Histogram<u64>) -> Heard {
        let mut heard = Heard {
            latency,
            closed: None,
        };
        loop {
            let message = tokio::select! {
                message = socket.next() => message,
                _ = self.stopped.changed() => break,
            };
            match message {
                Some(Ok(Message::Text(text))) => self.note(&text, &mut heard.latency),
                Some(Ok(Message::Close(frame))) => {
                    heard.closed =
                        Some(frame.map_or("no code".to_owned(), |f| u16::from(f.code).to_string()));
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    heard.closed = Some(format!("error: {e}"));
                    break;
                }
                None => {
                    heard.closed = Some("dropped".to_owned());
                    break;
                }
            }
        }
        let _ = socket.close(None).await;
        heard
    }

    fn note(&self, text: &str, latency: &mut Histogram<u64>) {
        self.received.fetch_add(1, Ordering::Relaxed);
        if self.measuring.load(Ordering::Relaxed) {
            record_since_at(text, latency);
        }
    }
}

/// Records how long ago the `at` of the envelope `text` was, if it has one.
pub(crate) fn record_since_at(text: &str, latency: &mut Histogram<u64>) {
    let now = SystemTime::now();
    let Some(at) = serde_json::from_str::<Envelope<'_>>(text)
        .ok()
        .and_then(|e| e.at)
    else {
        return;
    };
    let Ok(at) = OffsetDateTime::parse(at, &Rfc3339) else {
        return;
    };
    let sent = UNIX_EPOCH
        + Duration::from_millis(u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0));
    let micros = now.duration_since(sent).unwrap_or_default().as_micros();
    latency.saturating_record(u64::try_from(micros).unwrap_or(u64::MAX));
}

/// What the driver caused.
pub(crate) struct Caused {
    pub events: u64,
    pub errors: u64,
}

/// Places and confirms orders in turn, `rate` changes a second, until
/// `driving` is cleared.
pub(crate) async fn drive(
    api: Api,
    product: String,
    rate: u32,
    in_flight: usize,
    driving: Arc<AtomicBool>,
) -> Result<Caused, String> {
    let events = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let placed: Arc<Mutex<VecDeque<String>>> = Arc::default();
    let permits = Arc::new(Semaphore::new(in_flight.max(1)));
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
    let mut n: u64 = 0;
    while driving.load(Ordering::SeqCst) {
        ticks.tick().await;
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        n += 1;
        let confirm = if n.is_multiple_of(2) {
            placed.lock().pop_front()
        } else {
            None
        };
        let (api, product, placed) = (api.clone(), product.clone(), Arc::clone(&placed));
        let (events, errors) = (Arc::clone(&events), Arc::clone(&errors));
        tokio::spawn(async move {
            let done = match confirm {
                Some(order) => api.set_status(&order, "confirmed").await,
                None => api
                    .order(&product, n)
                    .await
                    .map(|id| placed.lock().push_back(id)),
            };
            match done {
                Ok(()) => events.fetch_add(1, Ordering::SeqCst),
                Err(_) => errors.fetch_add(1, Ordering::SeqCst),
            };
            drop(permit);
        });
    }
    // Wait for the requests still in flight.
    let _all = permits
        .acquire_many(u32::try_from(in_flight.max(1)).unwrap_or(u32::MAX))
        .await;
    Ok(Caused {
        events: events.load(Ordering::SeqCst),
        errors: errors.load(Ordering::SeqCst),
    })
}
