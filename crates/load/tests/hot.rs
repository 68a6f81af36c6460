//! `oms-load hot` against a server started in this process: the orders it
//! counts are the units the product lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oms_load::api::{Account, Api};
use oms_load::hot::{HotArgs, run};
use support::{EMAIL, PASSWORD, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_sale_counts_every_order_the_stock_lost() {
    // A load tool is one client from one address, far busier than any
    // shop's: the limit that guards against runaway clients is lifted.
    let url = server(&[
        ("OMS_RATE_LIMIT_PER_SECOND", "1000000"),
        ("OMS_RATE_LIMIT_BURST", "1000000"),
    ])
    .await;

    let args = HotArgs {
        urls: vec![url.clone(), url.clone()],
        account: Account {
            email: EMAIL.into(),
            password: PASSWORD.into(),
        },
        clients: 8,
        seconds: 1,
    };
    let report = run(&args).await.unwrap();
    assert!(report.placed > 0);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.latency.len(), report.placed);
    // Each answer took some time, and none a whole second.
    assert!(report.latency.min() > 0 && report.latency.max() < 1_000_000);
    let admin = Api::sign_in(&url, &args.account).await.unwrap();
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
