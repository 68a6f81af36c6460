//! The live order feed, `GET /ws`, through a real WebSocket client: what
//! each kind of subscriber hears, resuming without gaps or repeats, and
//! what happens to a subscriber that stops reading.

use oms_ports::store::Store;
use reqwest::Method;
use serde_json::{Value, json};

use crate::feed_client::placed_ids;
use crate::helpers::{
    JWT_SECRET, TestApp, metric, problem, spawn, spawn_app, spawn_app_on, spawn_app_with,
};
use crate::stores::{Fresh, fresh_store};

fn status(to: &str) -> Value {
    json!({ "status": to })
}

#[tokio::test]
async fn staff_hear_of_orders_placed_moved_and_paid() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 1_250, 10).await;
    let mut feed = app.feed(Some(&app.staff), "").await;

    let order = app.order_for("grace@example.com", &mug, 2).await;
    let id = order["id"].as_str().unwrap();
    let placed = feed.next().await;
    assert_eq!(placed["event"], "orderPlaced");
    assert!(
        placed["id"].is_string() && placed["at"] == order["createdAt"],
        "{placed}"
    );
    assert_eq!(
        placed["data"], order,
        "the order as staff see it through REST"
    );

    let confirmed = app.set_status(&app.staff, id, &status("confirmed")).await;
    assert_eq!(confirmed.status(), 200);
    let moved = feed.next().await;
    assert_eq!(moved["event"], "orderStatusUpdated");
    let data = &moved["data"];
    assert_eq!(
        (
            data["orderId"].as_str(),
            data["from"].as_str(),
            data["to"].as_str()
        ),
        (Some(id), Some("pending"), Some("confirmed"))
    );
    assert_eq!(
        (data["byRole"].as_str(), data["version"].as_u64()),
        (Some("staff"), Some(2))
    );
    assert_eq!(data["at"], moved["at"]);

    let paid = json!({ "status": "confirmed", "paymentCollected": true });
    assert_eq!(app.set_status(&app.staff, id, &paid).await.status(), 200);
    let payment = feed.next().await;
    assert_eq!(payment["event"], "orderPaymentUpdated");
    assert_eq!(payment["data"]["paymentCollected"], true);
    assert_eq!(payment["data"]["version"], 3);
    assert!(
        placed["id"].as_str() < moved["id"].as_str()
            && moved["id"].as_str() < payment["id"].as_str(),
        "ids rise in commit order"
    );
    assert!(feed.quiet_for(200).await, "one message per change");
    assert_eq!(metric(&app, "oms_ws_events_delivered_total").await, 3);
}

#[tokio::test]
async fn the_all_orders_feed_needs_a_valid_token() {
    let app = spawn_app().await;
    let missing = app.feed_refused(None, "").await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(missing.www_authenticate.as_deref(), Some("Bearer"));
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": uuid::Uuid::new_v4().to_string(), "role": "staff", "iss": "oms",
                 "aud": "oms-api", "iat": 1_700_000_000, "exp": 1_700_000_060 }),
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    for bad in ["not-a-token", expired.as_str()] {
        let refused = app.feed_refused(Some(bad), "").await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (401, Some("unauthorized")),
            "refused before the upgrade"
        );
        assert_eq!(
            refused.www_authenticate.as_deref(),
            Some("Bearer error=\"invalid_token\"")
        );
    }
    let without_token = app.feed_refused(Some(""), "").await;
    assert_eq!(without_token.status, 401, "`bearer` with no token after it");
    let plain = app.send(Method::GET, "/ws", Some(&app.staff), None).await;
    assert_eq!(problem(plain, 400).await["code"], "websocket_required");

    // A client that is not a browser may send Authorization instead.
    let mug = app.product("Mug", 500, 5).await;
    let mut feed = app.feed_with_authorization(&app.staff).await;
    let order = app.order_for("a@example.com", &mug, 1).await;
    assert_eq!(
        placed_ids(&[feed.next().await]),
        [order["id"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn a_customer_hears_only_of_its_own_orders_and_sees_its_own_address() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (lin, email) = app.customer("Lin").await;
    let (kim, _) = app.customer("Kim").await;
    let mut staff = app.feed(Some(&app.staff), "").await;
    let mut own = app.feed(Some(&lin), "").await;

    app.order_for("someone@example.com", &mug, 1).await;
    let kims = app.own_order(&kim, &mug).await;
    let before_lins = staff.take(2).await[1]["id"].as_str().unwrap().to_owned();
    let lins = app.own_order(&lin, &mug).await;
    let id = lins["id"].as_str().unwrap();
    app.set_status(
        &app.staff,
        kims["id"].as_str().unwrap(),
        &status("confirmed"),
    )
    .await;
    app.set_status(&app.staff, id, &status("confirmed")).await;

    let heard = own.take(2).await;
    assert_eq!(
        placed_ids(&heard[..1]),
        [id],
        "neither staff's order nor Kim's"
    );
    assert_eq!(heard[0]["data"]["customer"]["email"], email.to_lowercase());
    assert_eq!(heard[1]["data"]["orderId"], id);
    assert!(own.quiet_for(200).await);

    let mut resumed = app.feed(Some(&lin), &format!("?since={before_lins}")).await;
    let replayed = resumed.take(2).await;
    assert_eq!(placed_ids(&replayed[..1]), [id]);
    assert_eq!(
        replayed[1]["data"]["to"], "confirmed",
        "Kim's confirmation is not replayed"
    );
    assert!(resumed.quiet_for(200).await);
}

#[tokio::test]
async fn one_order_is_followed_without_a_token_in_the_public_view() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let mut staff = app.feed(Some(&app.staff), "").await;
    let before = app.order_for("first@example.com", &mug, 1).await;
    let before_id = staff.next().await["id"].as_str().unwrap().to_owned();
    let order = app.order_for("grace@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap();
    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    app.set_status(&app.staff, id, &status("confirmed")).await;

    let mut tracking = app
        .feed(None, &format!("?order={id}&since={before_id}"))
        .await;
    let placed = tracking.next().await;
    assert_eq!(
        placed["data"], public,
        "exactly what anyone sees through REST"
    );
    assert_eq!(placed["data"]["customer"], json!({ "name": "Pat" }));
    let moved = tracking.next().await;
    let keys: std::collections::BTreeSet<&str> = moved["data"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        std::collections::BTreeSet::from(["at", "from", "orderId", "orderNumber", "to", "version"]),
        "neither who moved it, nor in which role, nor the payment"
    );
    assert_eq!(moved["data"]["to"], "confirmed");

    let other = before["id"].as_str().unwrap();
    app.set_status(&app.staff, other, &status("confirmed"))
        .await;
    app.set_status(&app.staff, id, &status("shipped")).await;
    assert_eq!(
        tracking.next().await["data"]["to"],
        "shipped",
        "only this order"
    );

    // Someone else's token sees what anyone sees.
    let (stranger, _) = app.customer("Stranger").await;
    let mut theirs = app
        .feed(Some(&stranger), &format!("?order={id}&since={before_id}"))
        .await;
    assert_eq!(
        theirs.next().await["data"]["customer"],
        json!({ "name": "Pat" })
    );

    let unknown = app
        .feed_refused(None, &format!("?order={}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (404, Some("not_found"))
    );
    assert_eq!(app.feed_refused(None, "?order=nonsense").await.status, 404);
}

#[tokio::test]
async fn resuming_replays_what_was_missed_once_then_goes_live() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 50).await;
    let mut feed = app.feed(Some(&app.staff), "").await;
    app.order_for("a@example.com", &mug, 1).await;
    let last_seen = feed.next().await["id"].as_str().unwrap().to_owned();
    feed.close().await;

    let mut missed = Vec::new();
    for n in 0..3 {
        let order = app.order_for(&format!("m{n}@example.com"), &mug, 1).await;
        missed.push(order["id"].as_str().unwrap().to_owned());
    }
    let mut resumed = app
        .feed(Some(&app.staff), &format!("?since={last_seen}"))
        .await;
    assert_eq!(placed_ids(&resumed.take(3).await), missed);
    let live = app.order_for("live@example.com", &mug, 1).await;
    assert_eq!(
        placed_ids(&[resumed.next().await]),
        [live["id"].as_str().unwrap()]
    );
    assert!(resumed.quiet_for(300).await, "nothing twice");
}

#[tokio::test]
async fn resuming_reaches_across_a_server_restart() {
    match fresh_store().await {
        Fresh::Memory(store) => resume_across_restart(store).await,
        Fresh::Sqlite(store) => resume_across_restart(store).await,
        Fresh::Mongo(store, _) => resume_across_restart(store).await,
    }
}

/// One server, then another on the same store: a subscriber of the first
/// resumes on the second with no gap and no repeat.
async fn resume_across_restart<S: Store>(store: S) {
    let first = spawn_app_on(store.clone()).await;
    let mug = first.product("Mug", 500, 50).await;
    let mut feed = first.feed(Some(&first.staff), "").await;
    first.order_for("a@example.com", &mug, 1).await;
    let last_seen = feed.next().await["id"].as_str().unwrap().to_owned();
    let before_stop = first.order_for("b@example.com", &mug, 1).await;
    first.handle.stop(true).await;
    let (_, code) = feed.until_closed().await;
    assert_eq!(code, Some(1001), "told the server is going away");

    let second = spawn_app_on(store).await;
    let after_start = second.order_for("c@example.com", &mug, 1).await;
    let mut resumed = second
        .feed(Some(&second.staff), &format!("?since={last_seen}"))
        .await;
    let expected = [&before_stop, &after_start].map(|o| o["id"].as_str().unwrap().to_owned());
    assert_eq!(placed_ids(&resumed.take(2).await), expected);
    let live = second.order_for("d@example.com", &mug, 1).await;
    assert_eq!(
        placed_ids(&[resumed.next().await]),
        [live["id"].as_str().unwrap()]
    );
    assert!(resumed.quiet_for(300).await);
}

#[tokio::test]
async fn an_unknown_position_gets_one_reset_then_live_events() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 5).await;
    let mut feed = app.feed(Some(&app.staff), "?since=no-such-event").await;
    assert_eq!(feed.next().await, json!({ "event": "reset" }));
    let order = app.order_for("a@example.com", &mug, 1).await;
    assert_eq!(
        placed_ids(&[feed.next().await]),
        [order["id"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn refused_changes_are_not_heard_of() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 1).await;
    let mut feed = app.feed(Some(&app.staff), "").await;
    let order = app.order_for("a@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap();
    feed.next().await;

    let body = json!({
        "customer": { "name": "Bob", "email": "bob@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    problem(app.post("/api/orders", Some(&app.staff), &body).await, 409).await;
    problem(
        app.set_status(&app.staff, id, &status("delivered")).await,
        409,
    )
    .await;
    let stale = json!({ "status": "confirmed", "expectedVersion": 9 });
    problem(app.set_status(&app.staff, id, &stale).await, 409).await;
    assert!(feed.quiet_for(300).await);
}

/// A hundred products with long names: an order of one of each is an
/// event of some 30 KiB, which fills a stalled socket's buffers quickly
/// however large the kernel lets them grow.
async fn bulky_items(app: &TestApp) -> Vec<Value> {
    let mut items = Vec::new();
    for n in 0..100 {
        let name = format!("Part {n:03} {}", "x".repeat(180));
        let product = app.product(&name, 100, 100_000).await;
        items.push(json!({ "productId": product, "quantity": 1 }));
    }
    items
}

async fn place_bulky(app: &TestApp, items: &[Value], n: usize) {
    let body = json!({
        "customer": { "name": "Bulk Buyer", "email": format!("bulk{n}@example.com") },
        "items": items,
    });
    assert_eq!(
        app.post("/api/orders", Some(&app.staff), &body)
            .await
            .status(),
        201
    );
}

/// Waits up to ten seconds for the metric to reach `value`; what it was last.
async fn metric_reaches(app: &TestApp, name: &str, value: u64) -> u64 {
    let mut now = metric(app, name).await;
    for _ in 0..100 {
        if now == value {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        now = metric(app, name).await;
    }
    now
}

#[tokio::test]
async fn a_stalled_subscriber_is_closed_while_another_keeps_receiving() {
    // No pings while it stalls: the close must come from the queue alone.
    let app = spawn_app_with(&[
        ("OMS_WS_QUEUE_LENGTH", "8"),
        ("OMS_WS_PING_SECONDS", "3600"),
        ("OMS_RATE_LIMIT_BURST", "10000"),
    ])
    .await;
    let items = bulky_items(&app).await;
    let mut stalled = app.stalled_feed(&app.staff).await;
    let mut reading = app.feed(Some(&app.staff), "").await;
    let mut placed = 0;
    while dropped_for_lag(&app).await == 0 {
        assert!(placed < 2_000, "a stalled subscriber was never dropped");
        for _ in 0..10 {
            place_bulky(&app, &items, placed).await;
            placed += 1;
            reading.next().await;
        }
    }
    assert!(
        reading.quiet_for(200).await,
        "the reader kept up with every order"
    );

    let (heard, code) = stalled.until_closed().await;
    assert_eq!(
        code,
        Some(4000),
        "closed as lagging after {} messages",
        heard.len()
    );
    assert!(heard.len() < placed, "{} of {placed}", heard.len());
    let last = heard.last().unwrap()["id"].as_str().unwrap();
    let mut resumed = app.feed(Some(&app.staff), &format!("?since={last}")).await;
    let rest = resumed.take(placed - heard.len()).await;
    assert!(
        rest.iter().all(|e| e["event"] == "orderPlaced"),
        "resuming fills the gap"
    );
    assert!(resumed.quiet_for(200).await);
}

#[tokio::test]
async fn a_client_that_never_reads_again_is_let_go() {
    let app = spawn_app_with(&[
        ("OMS_WS_QUEUE_LENGTH", "8"),
        ("OMS_WS_PING_SECONDS", "1"),
        ("OMS_RATE_LIMIT_BURST", "10000"),
    ])
    .await;
    let items = bulky_items(&app).await;
    let _stalled = app.stalled_feed(&app.staff).await;
    // Events keep coming, so its writes block (on a fast store its queue
    // overflows first); either way it is given up within a few ping
    // intervals and its place is free again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut placed = 0;
    while metric(&app, "oms_ws_connections").await == 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "still open after {placed} orders"
        );
        place_bulky(&app, &items, placed).await;
        placed += 1;
    }
}

async fn dropped_for_lag(app: &TestApp) -> u64 {
    metric(app, "oms_ws_subscribers_dropped_total").await
}

#[tokio::test]
async fn a_client_that_answers_no_ping_is_closed() {
    let app = spawn_app_with(&[("OMS_WS_PING_SECONDS", "1")]).await;
    let _silent = app.stalled_feed(&app.staff).await;
    assert_eq!(metric(&app, "oms_ws_connections").await, 1);
    assert_eq!(
        metric_reaches(&app, "oms_ws_connections", 0).await,
        0,
        "closed after three silent intervals"
    );
}

#[tokio::test]
async fn connections_past_the_limit_are_refused_and_counted() {
    let app = spawn_app_with(&[("OMS_WS_MAX_CONNECTIONS", "1")]).await;
    let first = app.feed(Some(&app.staff), "").await;
    let full = app.feed_refused(Some(&app.staff), "").await;
    assert_eq!(
        (full.status, full.body["code"].as_str()),
        (503, Some("too_many_connections"))
    );
    assert_eq!(full.retry_after.as_deref(), Some("5"));
    assert_eq!(metric(&app, "oms_ws_connections").await, 1);
    first.close().await;
    assert_eq!(metric_reaches(&app, "oms_ws_connections", 0).await, 0);
    let mut reopened = app.feed(Some(&app.staff), "").await;
    let mug = app.product("Mug", 500, 5).await;
    app.order_for("a@example.com", &mug, 1).await;
    assert_eq!(
        reopened.next().await["event"],
        "orderPlaced",
        "a closed connection frees its place"
    );
}

#[tokio::test]
async fn two_instances_on_one_store_hear_each_others_orders() {
    match fresh_store().await {
        Fresh::Mongo(store, uri) => {
            // The second instance's own client: nothing shared but the database.
            let client = mongodb::Client::with_uri_str(&uri).await.unwrap();
            let other = oms_mongo::MongoStore::with_client(client, store.database().name());
            two_instances(store, other).await;
        }
        // One process holds an embedded store: both instances share it.
        Fresh::Sqlite(store) => two_instances(store.clone(), store).await,
        Fresh::Memory(store) => two_instances(store.clone(), store).await,
    }
}

async fn two_instances<S: Store>(a: S, b: S) {
    let first = spawn_app_on(a).await;
    let second = spawn(&[], b).await;
    let mug = first.product("Mug", 500, 10).await;
    let mut on_second = second.feed(Some(&second.staff), "").await;
    let mut on_first = first.feed(Some(&first.staff), "").await;
    let placed = first.order_for("a@example.com", &mug, 1).await;
    let id = placed["id"].as_str().unwrap();
    assert_eq!(placed_ids(&[on_second.next().await]), [id]);
    second
        .set_status(&second.staff, id, &status("confirmed"))
        .await;
    assert_eq!(placed_ids(&[on_first.next().await]), [id]);
    assert_eq!(on_first.next().await["data"]["to"], "confirmed");
    assert_eq!(on_second.next().await["data"]["to"], "confirmed");
}

#[tokio::test]
async fn a_connection_ends_when_its_token_expires() {
    let app = spawn_app_with(&[("OMS_JWT_TTL_SECONDS", "2")]).await;
    let token = app
        .login(crate::helpers::STAFF_EMAIL, crate::helpers::STAFF_PASSWORD)
        .await;
    let mut feed = app.feed(Some(&token), "").await;
    let (_, code) = feed.until_closed().await;
    assert_eq!(code, Some(4001), "closed when the token expired");
}

#[tokio::test]
async fn a_new_subscriber_hears_whatever_commits_once_it_is_connected() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 100).await;
    // The join must not trail the handshake: each round places an order
    // the moment the upgrade is answered.
    for round in 0..20 {
        let mut feed = app.feed(Some(&app.staff), "").await;
        let order = app
            .order_for(&format!("r{round}@example.com"), &mug, 1)
            .await;
        assert_eq!(
            placed_ids(&[feed.next().await]),
            [order["id"].as_str().unwrap()],
            "round {round}"
        );
    }
}
