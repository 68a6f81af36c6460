//! Telling clients apart, and password guessing: `X-Forwarded-For` is
//! believed only from the proxies in `OMS_TRUSTED_PROXIES`, across every
//! header line, right-most untrusted address first; and guesses sent at
//! once get no more password checks than the failed-sign-in allowance.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{STAFF_EMAIL, TestApp, spawn_app_with};

/// Three failed sign-ins per client, then 429 for a minute.
const THREE_TRIES: [(&str, &str); 2] = [
    ("OMS_LOGIN_FAILURES", "3"),
    ("OMS_LOGIN_FAILURES_PER_MINUTE", "1"),
];

/// A wrong password for the staff account, sent with these
/// `X-Forwarded-For` lines; the status.
async fn guess(app: &TestApp, forwarded: &[&str]) -> u16 {
    let mut request = app
        .http
        .post(app.url("/auth/login"))
        .json(&json!({ "email": STAFF_EMAIL, "password": "guess-guess" }));
    for line in forwarded {
        request = request.header("x-forwarded-for", *line);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for() {
    let mut settings = THREE_TRIES.to_vec();
    settings.push(("OMS_TRUSTED_PROXIES", "127.0.0.1"));
    let app = spawn_app_with(&settings).await;
    let mut first = Vec::new();
    for n in 0..4 {
        // The client's own claims (left) change; the proxy's entry does not.
        let line = format!("192.0.2.{n}, 203.0.113.9");
        first.push(guess(&app, &[line.as_str()]).await);
    }
    assert_eq!(first, [401, 401, 401, 429], "one client's budget runs out");
    assert_eq!(
        guess(&app, &["198.51.100.1, 203.0.113.10"]).await,
        401,
        "another client still has its own"
    );
}

#[tokio::test]
async fn an_untrusted_peer_cannot_pick_its_address() {
    let app = spawn_app_with(&THREE_TRIES).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let line = format!("203.0.113.{n}");
        statuses.push(guess(&app, &[line.as_str()]).await);
    }
    assert_eq!(statuses, [401, 401, 401, 429], "the peer is the client");
}

#[tokio::test]
async fn every_header_line_counts_and_a_chain_of_trusted_proxies_is_walked() {
    let mut settings = THREE_TRIES.to_vec();
    settings.push(("OMS_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"));
    let app = spawn_app_with(&settings).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        // A line the client wrote, then the line two proxies appended to.
        let own = format!("192.0.2.{n}");
        statuses.push(guess(&app, &[own.as_str(), "203.0.113.9, 10.1.2.3"]).await);
    }
    assert_eq!(statuses, [401, 401, 401, 429], "the client is 203.0.113.9");
    assert_eq!(
        guess(&app, &["203.0.113.10, 10.1.2.3"]).await,
        StatusCode::UNAUTHORIZED.as_u16(),
        "another client behind the same proxies"
    );
}

#[tokio::test]
async fn a_hundred_guesses_at_once_get_no_more_checks_than_the_allowance() {
    let app = spawn_app_with(&[
        ("OMS_LOGIN_FAILURES", "5"),
        ("OMS_LOGIN_FAILURES_PER_MINUTE", "1"),
        ("OMS_AUTH_RATE_LIMIT_BURST", "1000"),
    ])
    .await;
    let guesses: Vec<_> = (0..100).map(|_| guess(&app, &[])).collect();
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 100, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords checked");
    assert!(checked >= 1);
}
