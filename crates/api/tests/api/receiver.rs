//! A webhook receiver on 127.0.0.1 for tests: it records every delivery
//! with its headers, answers as the test scripts it, and verifies
//! signatures with the `standardwebhooks` crate, an implementation of
//! the specification independent of the server's.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;
use tokio::sync::Notify;

/// One answer the receiver gives.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn with(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_owned()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A delivery as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: http::HeaderMap,
    pub body: String,
    pub json: Value,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn id(&self) -> &str {
        self.header("webhook-id")
    }

    pub fn event(&self) -> &str {
        self.json["event"].as_str().unwrap_or_default()
    }

    /// Verifies the delivery's signature under `secret` (`whsec_…`), as
    /// a receiver using the specification's library would; an empty or
    /// short secret is refused here, since that library takes one.
    pub fn verify(&self, secret: &str) -> Result<(), String> {
        use base64::Engine;
        let key = secret
            .strip_prefix("whsec_")
            .ok_or("the secret lacks its whsec_ prefix")?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key)
            .map_err(|e| e.to_string())?;
        if bytes.len() != 32 {
            return Err(format!("the secret holds {} bytes, not 32", bytes.len()));
        }
        standardwebhooks::Webhook::new(secret)
            .and_then(|w| w.verify(self.body.as_bytes(), &self.headers))
            .map_err(|e| e.to_string())
    }
}

struct Inner {
    got: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Reply>>,
    usual: Mutex<Reply>,
    arrived: Notify,
}

/// The receiver; it stops with the test's runtime.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Inner>,
}

async fn receive(
    request: HttpRequest,
    body: web::Bytes,
    inner: web::Data<Arc<Inner>>,
) -> HttpResponse {
    let mut headers = http::HeaderMap::new();
    for (name, value) in request.headers() {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    let body = String::from_utf8_lossy(&body).to_string();
    let json = serde_json::from_str(&body).unwrap_or(Value::Null);
    let reply = {
        let scripted = inner.script.lock().unwrap().pop_front();
        scripted.unwrap_or_else(|| inner.usual.lock().unwrap().clone())
    };
    inner.got.lock().unwrap().push(Received {
        headers,
        body,
        json,
        at: Instant::now(),
    });
    inner.arrived.notify_waiters();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut answer =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in &reply.headers {
        answer.insert_header((*name, value.as_str()));
    }
    answer.finish()
}

impl Receiver {
    /// A receiver answering 204 unless scripted otherwise.
    pub async fn start() -> Receiver {
        let inner = Arc::new(Inner {
            got: Mutex::default(),
            script: Mutex::default(),
            usual: Mutex::new(Reply::status(204)),
            arrived: Notify::new(),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let data = web::Data::new(Arc::clone(&inner));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Receiver { url, inner }
    }

    /// The next answers, in order; then the usual one.
    pub fn then(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.script.lock().unwrap().extend(replies);
    }

    /// The answer once the script is spent.
    pub fn always(&self, reply: Reply) {
        *self.inner.usual.lock().unwrap() = reply;
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inner.got.lock().unwrap().clone()
    }

    /// Waits until `n` deliveries have arrived, or panics after `within`.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let arrived = self.inner.arrived.notified();
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{} deliveries arrived within {within:?}, not {n}: {:?}",
                got.len(),
                got.iter().map(|r| r.event().to_owned()).collect::<Vec<_>>()
            );
            let _ = tokio::time::timeout(left, arrived).await;
        }
    }

    /// Asserts that nothing more than `n` arrives over `quiet`.
    pub async fn stays_at(&self, n: usize, quiet: Duration) {
        tokio::time::sleep(quiet).await;
        let got = self.received();
        assert_eq!(
            got.len(),
            n,
            "nothing more arrives: {:?}",
            got.iter().map(|r| r.event().to_owned()).collect::<Vec<_>>()
        );
    }
}
