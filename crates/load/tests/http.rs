//! `oms-load http` against a server started in this process: every
//! scenario gets answers, all of them 2xx, and the mix really places and
//! moves orders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oms_load::api::Account;
use oms_load::http::{HttpArgs, Scenario, run};
use support::{EMAIL, PASSWORD, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_is_answered_and_the_mix_places_and_moves_orders() {
    let url = server(&[
        ("OMS_RATE_LIMIT_PER_SECOND", "1000000"),
        ("OMS_RATE_LIMIT_BURST", "1000000"),
        ("OMS_WEBHOOK_ALLOW_PRIVATE", "true"),
    ])
    .await;
    let args = HttpArgs {
        url,
        account: Account {
            email: EMAIL.into(),
            password: PASSWORD.into(),
        },
        scenarios: Scenario::ALL.to_vec(),
        connections: 4,
        seconds: 1,
        warmup: 0,
        orders: 20,
        server_pid: Some(std::process::id()),
        webhooks: 2,
    };
    let report = run(&args).await.unwrap();
    let (endpoints, received) = report.webhooks.unwrap();
    assert_eq!(endpoints, 2);
    assert!(received > 0, "the endpoints heard the orders placed");
    assert_eq!(report.scenarios.len(), 4);
    for s in &report.scenarios {
        assert!(s.rate() > 0, "{:?}", s.scenario);
        assert_eq!(
            (s.refused(), s.failures),
            (0, 0),
            "{:?}: {:?}",
            s.scenario,
            s.statuses
        );
        assert_eq!(s.latency.len(), s.statuses.values().sum::<u64>());
        assert!(s.rss_kib.is_some_and(|kib| kib > 0));
    }
    let statuses = |scenario: Scenario| {
        let s = report
            .scenarios
            .iter()
            .find(|s| s.scenario == scenario)
            .unwrap();
        s.statuses.keys().copied().collect::<Vec<_>>()
    };
    assert_eq!(statuses(Scenario::Place), [201]);
    assert_eq!(statuses(Scenario::Get), [200]);
    assert_eq!(
        statuses(Scenario::Mix),
        [200, 201],
        "reads, moves and placements"
    );
    let text = report.to_string();
    assert!(text.contains("x healthz"), "{text}");
}
