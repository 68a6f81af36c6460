//! `oms-load hot` against a server started in this process: the orders it
//! counts are the units the product lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use oms_api::settings::{Settings, Source};
use oms_api::startup::Application;
use oms_load::api::Api;
use oms_load::hot::{HotArgs, run};
use oms_memory::MemoryStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_sale_counts_every_order_the_stock_lost() {
    let settings = Settings::load(&Source::from_pairs([
        ("OMS_BIND", "127.0.0.1:0"),
        ("OMS_JWT_SECRET", "load-test-secret-of-at-least-32-bytes"),
        ("OMS_ADMIN_EMAIL", "load@example.com"),
        ("OMS_ADMIN_PASSWORD", "load-password-1"),
        ("OMS_DEMO_DATA", "false"),
        // A load tool is one client from one address, far busier than any
        // shop's: the limit that guards against runaway clients is lifted.
        ("OMS_RATE_LIMIT_PER_SECOND", "1000000"),
        ("OMS_RATE_LIMIT_BURST", "1000000"),
        ("OMS_ARGON2_MEMORY_KIB", "64"),
        ("OMS_ARGON2_PASSES", "1"),
    ]))
    .unwrap();
    let app = Application::build(settings, MemoryStore::new())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let args = HotArgs {
        urls: vec![url.clone(), url.clone()],
        email: "load@example.com".into(),
        password: "load-password-1".into(),
        clients: 8,
        seconds: 1,
    };
    let report = run(&args).await.unwrap();
    assert!(report.placed > 0);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.latency.len(), report.placed);
    let admin = Api::sign_in(&url, "load@example.com", "load-password-1")
        .await
        .unwrap();
    let product: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/api/products/{}", report.product))
        .bearer_auth(admin.token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        product["stock"].as_u64().unwrap(),
        1_000_000_000 - report.placed
    );
    let text = report.to_string();
    assert!(text.contains("8 clients on 2 instance(s)"), "{text}");
}
