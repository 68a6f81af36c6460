//! `oms-load feed` against a server started in this process: every event
//! reaches every subscriber, and the figures add up.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oms_load::api::Account;
use oms_load::feed::{FeedArgs, run};
use support::{EMAIL, PASSWORD, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_delivers_every_event_to_every_subscriber() {
    let url = server(&[]).await;

    let args = FeedArgs {
        url,
        account: Account {
            email: EMAIL.into(),
            password: PASSWORD.into(),
        },
        subscribers: 20,
        rate: 40,
        seconds: 1,
        warmup: 0,
        in_flight: 4,
    };
    let report = run(&args).await.unwrap();
    assert_eq!(report.subscribers, 20);
    assert_eq!(report.errors, 0);
    assert!(
        report.events >= 20,
        "about 40 events asked for, {} caused",
        report.events
    );
    assert_eq!(report.expected, report.events * 20);
    assert_eq!(
        report.delivered, report.expected,
        "every event to every subscriber"
    );
    assert!(report.closes.is_empty(), "{:?}", report.closes);
    assert!(!report.latency.is_empty() && report.latency.max() < 10_000_000);
    assert!(report.to_string().contains("commit to receipt: n="));
}
