//! `oms-load webhooks` against a server started in this process: every
//! event reaches every endpoint, and the endpoints are gone afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oms_load::api::Account;
use oms_load::webhooks::{WebhookArgs, run};
use support::{EMAIL, PASSWORD, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_delivers_every_event_to_every_endpoint() {
    let url = server(&[("OMS_WEBHOOK_ALLOW_PRIVATE", "true")]).await;
    let args = WebhookArgs {
        url: url.clone(),
        account: Account {
            email: EMAIL.into(),
            password: PASSWORD.into(),
        },
        endpoints: 3,
        rate: 40,
        seconds: 1,
        warmup: 0,
        in_flight: 4,
    };
    let report = run(&args).await.unwrap();
    assert_eq!(report.errors, 0);
    assert!(
        report.events >= 20,
        "about 40 events asked for, {} caused",
        report.events
    );
    assert_eq!(
        report.received,
        report.events * 3,
        "every event to every endpoint"
    );
    assert!(!report.latency.is_empty() && report.latency.max() < 10_000_000);
    assert!(report.to_string().contains("commit to receipt: n="));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let signed_in: serde_json::Value = http
        .post(format!("{url}/auth/login"))
        .json(&serde_json::json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let left: serde_json::Value = http
        .get(format!("{url}/api/webhooks"))
        .bearer_auth(signed_in["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        left["items"],
        serde_json::json!([]),
        "the run removes its endpoints"
    );
}
