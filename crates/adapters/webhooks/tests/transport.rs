//! The transport against a receiver on 127.0.0.1 that answers raw HTTP,
//! and against names a test resolver maps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use oms_domain::webhook::address::{AddressPolicy, UrlError, WebhookUrl};
use oms_ports::webhooks::{Answer, Outgoing, WebhookTransport};
use oms_webhooks::{HttpTransport, NameLookup};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const PRIVATE: AddressPolicy = AddressPolicy {
    allow_private: true,
};

/// A receiver answering every request with `answer`, after `delay`;
/// each request's head and body arrive on the channel.
async fn receiver(
    answer: &'static str,
    delay: Duration,
) -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buffer = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                loop {
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    seen.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                tx.send(String::from_utf8_lossy(&seen).to_string()).ok();
                tokio::time::sleep(delay).await;
                socket.write_all(answer.as_bytes()).await.ok();
            });
        }
    });
    (format!("http://{address}/in"), rx)
}

fn request(url: &str, timeout: Duration) -> Outgoing {
    Outgoing {
        url: WebhookUrl::parse(url).unwrap(),
        headers: vec![
            ("webhook-id", "msg_1".into()),
            ("user-agent", "oms/test".into()),
        ],
        body: r#"{"event":"ping"}"#.into(),
        timeout,
    }
}

const NO_CONTENT: &str =
    "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

#[tokio::test]
async fn a_delivery_is_posted_as_json_with_its_headers() {
    let (url, mut seen) = receiver(NO_CONTENT, Duration::ZERO).await;
    let transport = HttpTransport::new(PRIVATE).unwrap();
    let answer = transport.post(&request(&url, Duration::from_secs(5))).await;
    assert_eq!(
        answer,
        Answer::Status {
            code: 204,
            retry_after: None
        }
    );
    let got = seen.recv().await.unwrap().to_ascii_lowercase();
    assert!(got.starts_with("post /in http/1.1"), "{got}");
    assert!(got.contains("content-type: application/json"), "{got}");
    assert!(got.contains("webhook-id: msg_1"), "{got}");
    assert!(got.contains("user-agent: oms/test"), "{got}");
    assert!(got.ends_with(r#"{"event":"ping"}"#), "{got}");
}

#[tokio::test]
async fn a_redirect_is_an_answer_not_a_way_elsewhere() {
    let (target, mut reached) = receiver(NO_CONTENT, Duration::ZERO).await;
    let redirect: &'static str = Box::leak(
        format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .into_boxed_str(),
    );
    let (url, _seen) = receiver(redirect, Duration::ZERO).await;
    let transport = HttpTransport::new(PRIVATE).unwrap();
    let answer = transport.post(&request(&url, Duration::from_secs(5))).await;
    assert_eq!(
        answer,
        Answer::Status {
            code: 307,
            retry_after: None
        }
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(reached.try_recv().is_err(), "the redirect was not followed");
}

#[tokio::test]
async fn retry_after_is_passed_on_and_silence_times_out() {
    let (url, _seen) = receiver(
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 90\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        Duration::ZERO,
    )
    .await;
    let transport = HttpTransport::new(PRIVATE).unwrap();
    let answer = transport.post(&request(&url, Duration::from_secs(5))).await;
    assert_eq!(
        answer,
        Answer::Status {
            code: 429,
            retry_after: Some(Duration::from_secs(90))
        }
    );

    let (slow, _seen) = receiver(NO_CONTENT, Duration::from_secs(30)).await;
    let started = std::time::Instant::now();
    let answer = transport
        .post(&request(&slow, Duration::from_secs(1)))
        .await;
    assert_eq!(answer, Answer::Failed("no answer within 1 s".into()));
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Names as a test says they resolve.
struct Fixed(HashMap<&'static str, Vec<IpAddr>>);

#[async_trait]
impl NameLookup for Fixed {
    async fn lookup(&self, name: &str) -> Result<Vec<IpAddr>, String> {
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| format!("{name} did not resolve"))
    }
}

fn strict_with(names: &[(&'static str, &str)]) -> HttpTransport {
    let map = names
        .iter()
        .map(|(n, ip)| (*n, vec![ip.parse().unwrap()]))
        .collect();
    HttpTransport::with_lookup(AddressPolicy::default(), Arc::new(Fixed(map))).unwrap()
}

#[tokio::test]
async fn a_name_resolving_to_a_refused_address_is_never_called() {
    let transport = strict_with(&[
        ("rebound.example", "127.0.0.1"),
        ("meta.example", "169.254.169.254"),
    ]);
    let answer = transport
        .post(&request(
            "https://rebound.example/in",
            Duration::from_secs(2),
        ))
        .await;
    let Answer::Refused(UrlError::Address { kind, host }) = answer else {
        panic!("refused, not {answer:?}")
    };
    assert_eq!((kind, host.to_string().as_str()), ("loopback", "127.0.0.1"));
    let vetted = transport
        .vet(&WebhookUrl::parse("https://meta.example/").unwrap())
        .await;
    assert!(
        matches!(
            vetted,
            Err(UrlError::Address {
                kind: "link-local",
                ..
            })
        ),
        "{vetted:?}"
    );
    let literal = transport
        .post(&request("https://10.0.0.1/in", Duration::from_secs(2)))
        .await;
    assert!(
        matches!(
            literal,
            Answer::Refused(UrlError::Address {
                kind: "private",
                ..
            })
        ),
        "{literal:?}"
    );
    let http = transport
        .vet(&WebhookUrl::parse("http://public.example/").unwrap())
        .await;
    assert_eq!(http, Err(UrlError::Scheme { allowed: "https" }));
    assert_eq!(
        transport
            .vet(&WebhookUrl::parse("https://not-yet.example/").unwrap())
            .await,
        Ok(()),
        "a name that does not resolve yet passes, to be checked at each call"
    );
}
