//! `oms-load feed` against a server started in this process: every event
//! reaches every subscriber, and the figures add up.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use oms_api::settings::{Settings, Source};
use oms_api::startup::Application;
use oms_load::feed::{FeedArgs, run};
use oms_memory::MemoryStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_delivers_every_event_to_every_subscriber() {
    let settings = Settings::load(&Source::from_pairs([
        ("OMS_BIND", "127.0.0.1:0"),
        ("OMS_JWT_SECRET", "load-test-secret-of-at-least-32-bytes"),
        ("OMS_ADMIN_EMAIL", "load@example.com"),
        ("OMS_ADMIN_PASSWORD", "load-password-1"),
        ("OMS_DEMO_DATA", "false"),
        ("OMS_ARGON2_MEMORY_KIB", "64"),
        ("OMS_ARGON2_PASSES", "1"),
    ]))
    .unwrap();
    let app = Application::build(settings, MemoryStore::new())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let args = FeedArgs {
        url,
        email: "load@example.com".into(),
        password: "load-password-1".into(),
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
