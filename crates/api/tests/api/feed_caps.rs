//! The feed cannot be monopolised: one client address holds at most
//! `OMS_WS_MAX_PER_CLIENT` public or customer connections, a tenth of
//! `OMS_WS_MAX_CONNECTIONS` stays free for staff, and opening connections
//! draws on a budget of its own (`OMS_WS_UPGRADE_*`).

use crate::helpers::spawn_app_with;

#[tokio::test]
async fn one_address_holds_at_most_its_share_of_public_connections() {
    let app = spawn_app_with(&[("OMS_WS_MAX_PER_CLIENT", "2")]).await;
    let mug = app.product("Mug", 500, 5).await;
    let order = app.order_for("track@example.com", &mug, 1).await;
    let tracking = format!("?order={}", order["id"].as_str().unwrap());
    let first = app.feed(None, &tracking).await;
    let _second = app.feed(None, &tracking).await;
    let third = app.feed_refused(None, &tracking).await;
    assert_eq!(
        (third.status, third.body["code"].as_str()),
        (503, Some("too_many_connections"))
    );
    assert!(
        third.body["detail"]
            .as_str()
            .unwrap()
            .contains("this address"),
        "{}",
        third.body
    );
    let _staff = app.feed(Some(&app.staff), "").await;
    first.close().await;
    // The place comes back once the server has seen the close; until then
    // the server still counts it and refuses with 503.
    let mut reopened = Err(0);
    for _ in 0..50 {
        reopened = app.try_feed(None, &tracking).await;
        if reopened.is_ok() {
            break;
        }
        assert_eq!(reopened.as_ref().err(), Some(&503), "only the cap refuses");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(reopened.is_ok(), "a closed connection frees its place");
}

#[tokio::test]
async fn a_tenth_of_the_places_stays_free_for_staff() {
    let app = spawn_app_with(&[("OMS_WS_MAX_CONNECTIONS", "3")]).await;
    let (customer, _) = app.customer("Ada").await;
    let _one = app.feed(Some(&customer), "").await;
    let _two = app.feed(Some(&customer), "").await;
    let refused = app.feed_refused(Some(&customer), "").await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (503, Some("too_many_connections"))
    );
    let _staff = app.feed(Some(&app.staff), "").await;
    let full = app.feed_refused(Some(&app.admin), "").await;
    assert_eq!(full.status, 503, "the whole limit still holds");
}

#[tokio::test]
async fn opening_connections_in_a_loop_runs_out_of_its_own_budget() {
    let app = spawn_app_with(&[
        ("OMS_WS_UPGRADE_BURST", "2"),
        ("OMS_WS_UPGRADES_PER_MINUTE", "1"),
    ])
    .await;
    let first = app.feed(Some(&app.staff), "").await;
    first.close().await;
    let second = app.feed(Some(&app.staff), "").await;
    second.close().await;
    let third = app.feed_refused(Some(&app.staff), "").await;
    assert_eq!(
        (third.status, third.body["code"].as_str()),
        (429, Some("rate_limited"))
    );
    assert!(third.retry_after.is_some());
    let orders = app.get("/api/orders", Some(&app.staff)).await;
    assert_eq!(orders.status(), 200, "other routes keep the general budget");
}
