//! A WebSocket client for `/ws`, as an integrator would write one: the
//! token in `Sec-WebSocket-Protocol`, JSON envelopes out of text frames.

use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::TestApp;

/// How long a test waits for a message it expects.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct FeedClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// An upgrade the server answered with a problem instead.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
    pub www_authenticate: Option<String>,
    pub retry_after: Option<String>,
}

/// The upgrade request for the feed of the server at `base` (`http://…`).
fn feed_request(base: &str, token: Option<&str>, query: &str) -> Request {
    let url = format!("{}/ws{query}", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    if let Some(token) = token {
        let offer = HeaderValue::from_str(&format!("bearer, {token}")).unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", offer);
    }
    request
}

/// A connection to the feed of the server at `base`, which must be accepted.
pub async fn connect(base: &str, token: Option<&str>, query: &str) -> FeedClient {
    let (socket, response) = tokio_tungstenite::connect_async(feed_request(base, token, query))
        .await
        .unwrap_or_else(|e| panic!("the feed accepts {query:?}: {e}"));
    if token.is_some() {
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "bearer",
            "the server answers with the bearer subprotocol"
        );
    }
    FeedClient { socket }
}

impl TestApp {
    fn feed_request(&self, token: Option<&str>, query: &str) -> Request {
        feed_request(&self.base, token, query)
    }

    /// A connection to the feed, which must be accepted.
    pub async fn feed(&self, token: Option<&str>, query: &str) -> FeedClient {
        connect(&self.base, token, query).await
    }

    /// A connection that sends its token as `Authorization: Bearer`, as a
    /// client that is not a browser may.
    pub async fn feed_with_authorization(&self, token: &str) -> FeedClient {
        let mut request = feed_request(&self.base, None, "");
        let value = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
        request.headers_mut().insert("Authorization", value);
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        FeedClient { socket }
    }

    /// A connection to the feed, or the status it was refused with.
    #[allow(dead_code, reason = "the per-store binaries do not test the caps")]
    pub async fn try_feed(&self, token: Option<&str>, query: &str) -> Result<FeedClient, u16> {
        match tokio_tungstenite::connect_async(self.feed_request(token, query)).await {
            Ok((socket, _)) => Ok(FeedClient { socket }),
            Err(Error::Http(response)) => Err(response.status().as_u16()),
            Err(other) => panic!("not an HTTP refusal: {other}"),
        }
    }

    /// The refusal of a connection: its status, problem body and headers.
    pub async fn feed_refused(&self, token: Option<&str>, query: &str) -> Refusal {
        match tokio_tungstenite::connect_async(self.feed_request(token, query)).await {
            Ok(_) => panic!("the feed accepted {query:?}"),
            Err(Error::Http(response)) => {
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .map(|v| v.to_str().unwrap().to_owned())
                };
                assert_eq!(
                    header("content-type").as_deref(),
                    Some("application/problem+json")
                );
                let body = response.body().as_deref().unwrap_or_default();
                Refusal {
                    status: response.status().as_u16(),
                    body: serde_json::from_slice(body).unwrap(),
                    www_authenticate: header("www-authenticate"),
                    retry_after: header("retry-after"),
                }
            }
            Err(other) => panic!("not an HTTP refusal: {other}"),
        }
    }

    /// A connection that reads nothing and can buffer almost nothing, as a
    /// client on a stalled network looks to the server.
    pub async fn stalled_feed(&self, token: &str) -> FeedClient {
        let address = self.base.trim_start_matches("http://").parse().unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4_096).unwrap();
        let stream = socket.connect(address).await.unwrap();
        let (socket, _) = tokio_tungstenite::client_async(
            self.feed_request(Some(token), ""),
            MaybeTlsStream::Plain(stream),
        )
        .await
        .unwrap();
        FeedClient { socket }
    }
}

impl FeedClient {
    /// The next envelope; fails the test after 10 s or on a close.
    pub async fn next(&mut self) -> Value {
        match tokio::time::timeout(PATIENCE, self.next_text()).await {
            Ok(Ok(value)) => value,
            Ok(Err(close)) => panic!("the feed closed ({close:?}) instead of sending"),
            Err(_) => panic!("no message within {PATIENCE:?}"),
        }
    }

    /// The next `n` envelopes.
    pub async fn take(&mut self, n: usize) -> Vec<Value> {
        let mut values = Vec::with_capacity(n);
        for _ in 0..n {
            values.push(self.next().await);
        }
        values
    }

    /// Whether nothing arrives for `ms` milliseconds.
    pub async fn quiet_for(&mut self, ms: u64) -> bool {
        match tokio::time::timeout(Duration::from_millis(ms), self.next_text()).await {
            Err(_) => true,
            Ok(Ok(value)) => panic!("expected quiet, got {value}"),
            Ok(Err(close)) => panic!("expected quiet, the feed closed ({close:?})"),
        }
    }

    /// Reads to the close frame; the envelopes before it and its code.
    pub async fn until_closed(&mut self) -> (Vec<Value>, Option<u16>) {
        let mut values = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_secs(30), self.next_text()).await {
                Ok(Ok(value)) => values.push(value),
                Ok(Err(code)) => return (values, code),
                Err(_) => panic!("not closed within 30 s, after {} messages", values.len()),
            }
        }
    }

    /// Ends the connection from the client's side.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }

    /// A text frame as JSON, or the close code when the feed ends.
    async fn next_text(&mut self) -> Result<Value, Option<u16>> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Err(None),
            }
        }
    }
}

/// The ids of orders an `orderPlaced` list is about.
pub fn placed_ids(envelopes: &[Value]) -> Vec<String> {
    envelopes
        .iter()
        .map(|e| {
            assert_eq!(e["event"], "orderPlaced", "{e}");
            e["data"]["id"].as_str().unwrap().to_owned()
        })
        .collect()
}
