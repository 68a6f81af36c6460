//! Webhooks from outside: endpoints managed over HTTP, every event
//! delivered to a receiver that verifies each signature with the
//! specification's own library, retries, `Retry-After`, 410, the failing
//! window, rotation, replay, refused URLs and redirects.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app, spawn_app_with};
use crate::receiver::{Receiver, Reply};

const PRIVATE: (&str, &str) = ("OMS_WEBHOOK_ALLOW_PRIVATE", "true");
const QUICK: (&str, &str) = ("OMS_WEBHOOK_RETRY_SCHEDULE", "0s,1s,1s,1s");
/// Generous: the test servers (SecantusDB above all) are slow under a
/// whole suite's load.
const SOON: Duration = Duration::from_secs(20);

async fn app() -> TestApp {
    spawn_app_with(&[PRIVATE, QUICK]).await
}

/// A new endpoint at `url`, as the admin makes it.
async fn endpoint(app: &TestApp, url: &str, events: Option<Value>) -> Value {
    let mut body = json!({ "url": url, "description": "Warehouse" });
    if let Some(events) = events {
        body["events"] = events;
    }
    let response = app.post("/api/webhooks", Some(&app.admin), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let made: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/webhooks/{}", made["id"].as_str().unwrap())
    );
    made
}

async fn webhook(app: &TestApp, id: &str) -> Value {
    let response = app
        .get(&format!("/api/webhooks/{id}"), Some(&app.admin))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn deliveries(app: &TestApp, id: &str, query: &str) -> Value {
    let path = format!("/api/webhooks/{id}/deliveries{query}");
    let response = app.get(&path, Some(&app.admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Polls `probe` until it holds, or panics naming `what`.
async fn until<F, Fut>(what: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + SOON;
    while !probe().await {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {SOON:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn patch(app: &TestApp, id: &str, body: &Value) -> reqwest::Response {
    app.send(
        Method::PATCH,
        &format!("/api/webhooks/{id}"),
        Some(&app.admin),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn every_event_arrives_signed_so_the_specifications_library_verifies_it() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let made = endpoint(&app, &receiver.url, None).await;
    assert_eq!(made["enabled"], true);
    assert_eq!(made["events"], json!(["*"]));
    assert_eq!(made["description"], "Warehouse");
    assert!(made["createdAt"].is_string());
    let secret = made["secret"].as_str().unwrap();

    let product = app.product("Hooked Mug", 450, 10).await;
    let order = app.order_for("hooks@example.com", &product, 2).await;
    let id = order["id"].as_str().unwrap();
    let paid = app
        .set_status(
            &app.staff,
            id,
            &json!({ "status": "pending", "paymentCollected": true }),
        )
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    let moved = app
        .set_status(&app.staff, id, &json!({ "status": "confirmed" }))
        .await;
    assert_eq!(moved.status(), StatusCode::OK);

    let got = receiver.wait_for(3, SOON).await;
    let events: Vec<&str> = got.iter().map(|r| r.event()).collect();
    assert_eq!(
        events,
        ["orderPlaced", "orderPaymentUpdated", "orderStatusUpdated"]
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (n, r) in got.iter().enumerate() {
        r.verify(secret)
            .unwrap_or_else(|e| panic!("delivery {n} does not verify: {e}"));
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(
            r.header("user-agent"),
            format!("oms/{}", env!("CARGO_PKG_VERSION"))
        );
        let stamp: u64 = r.header("webhook-timestamp").parse().unwrap();
        assert!(
            stamp.abs_diff(now) < 30,
            "a timestamp of this attempt: {stamp}"
        );
        assert!(r.header("webhook-signature").starts_with("v1,"));
        assert!(
            r.json["id"].is_string() && r.json["at"].is_string(),
            "{}",
            r.json
        );
        assert_eq!(
            r.json["data"]["version"],
            n + 1,
            "each carries the order's version"
        );
    }
    assert_eq!(got[0].json["data"]["id"], id);
    assert_eq!(
        got[0].json["data"]["customer"]["email"], "hooks@example.com",
        "the staff view of the order"
    );
    assert_eq!(got[2].json["data"]["to"], "confirmed");
    let other = "whsec_".to_owned() + &"A".repeat(43) + "=";
    assert!(
        got[0].verify(&other).is_err(),
        "another secret does not verify"
    );

    let hook = made["id"].as_str().unwrap();
    until("every attempt is recorded", || async {
        deliveries(&app, hook, "?status=delivered").await["items"]
            .as_array()
            .is_some_and(|i| i.len() == 3)
    })
    .await;
    let log = deliveries(&app, hook, "").await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["event"], "orderStatusUpdated", "newest first");
    for item in items {
        assert_eq!(item["status"], "delivered");
        assert_eq!(item["attempts"][0]["statusCode"], 204);
        assert!(item["attempts"][0]["durationMs"].is_u64());
        assert!(item.get("nextAttemptAt").is_none());
    }
    let ids: Vec<&str> = got.iter().map(|r| r.id()).collect();
    assert!(
        items
            .iter()
            .all(|i| ids.contains(&i["id"].as_str().unwrap()))
    );
    assert_eq!(
        items[2]["eventId"], got[0].json["id"],
        "eventId is the envelope's id"
    );
}

#[tokio::test]
async fn an_endpoint_hears_only_the_events_it_names() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let made = endpoint(&app, &receiver.url, Some(json!(["orderStatusUpdated"]))).await;
    assert_eq!(made["events"], json!(["orderStatusUpdated"]));
    let product = app.product("Picky Mug", 450, 10).await;
    let order = app.order_for("picky@example.com", &product, 1).await;
    let id = order["id"].as_str().unwrap();
    app.set_status(&app.staff, id, &json!({ "status": "confirmed" }))
        .await;
    let got = receiver.wait_for(1, SOON).await;
    assert_eq!(got[0].event(), "orderStatusUpdated");
    receiver.stays_at(1, Duration::from_millis(600)).await;

    for (events, field) in [
        (json!(["orderPlaced", "orderLost"]), "events[1]"),
        (json!([]), "events"),
    ] {
        let body = json!({ "url": receiver.url, "events": events });
        let refused = problem(
            app.post("/api/webhooks", Some(&app.admin), &body).await,
            422,
        )
        .await;
        assert_eq!(fields(&refused), [field], "{refused}");
    }
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_its_id_and_a_longer_retry_after_wins() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.then([
        Reply::status(500),
        Reply::status(429).with("retry-after", "3"),
    ]);
    let made = endpoint(&app, &receiver.url, None).await;
    let product = app.product("Retry Mug", 450, 10).await;
    app.order_for("retry@example.com", &product, 1).await;
    let got = receiver.wait_for(3, SOON).await;
    assert_eq!(got[0].id(), got[1].id());
    assert_eq!(
        got[1].id(),
        got[2].id(),
        "the same webhook-id on every attempt"
    );
    let first_pause = got[1].at - got[0].at;
    assert!(first_pause >= Duration::from_millis(900), "{first_pause:?}");
    let asked_pause = got[2].at - got[1].at;
    assert!(
        asked_pause >= Duration::from_millis(2_900),
        "Retry-After 3 over 1s: {asked_pause:?}"
    );
    for r in &got {
        r.verify(made["secret"].as_str().unwrap()).unwrap();
    }
    let hook = made["id"].as_str().unwrap();
    until("the third attempt is recorded", || async {
        deliveries(&app, hook, "").await["items"][0]["status"] == "delivered"
    })
    .await;
    let log = deliveries(&app, hook, "").await;
    let codes: Vec<&Value> = log["items"][0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["statusCode"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(429), &json!(204)]);
}

#[tokio::test]
async fn a_delivery_out_of_attempts_fails_and_later_ones_are_not_held_back() {
    let app = spawn_app_with(&[PRIVATE, ("OMS_WEBHOOK_RETRY_SCHEDULE", "0s,1s")]).await;
    let receiver = Receiver::start().await;
    receiver.then([Reply::status(500), Reply::status(502)]);
    let made = endpoint(&app, &receiver.url, None).await;
    let hook = made["id"].as_str().unwrap();
    let product = app.product("Doomed Mug", 450, 10).await;
    app.order_for("doomed@example.com", &product, 1).await;
    until("the delivery fails", || async {
        deliveries(&app, hook, "?status=failed").await["items"]
            .as_array()
            .is_some_and(|i| i.len() == 1)
    })
    .await;
    let failed = deliveries(&app, hook, "?status=failed").await;
    assert_eq!(failed["items"][0]["attempts"][1]["statusCode"], 502);
    assert_eq!(failed["items"][0]["attempts"][1]["error"], "answered 502");
    app.order_for("doomed@example.com", &product, 1).await;
    let got = receiver.wait_for(3, SOON).await;
    assert_ne!(
        got[2].id(),
        got[0].id(),
        "the next event is its own delivery"
    );
    until("the next one is delivered", || async {
        deliveries(&app, hook, "?status=delivered").await["items"]
            .as_array()
            .is_some_and(|i| i.len() == 1)
    })
    .await;
    let refused = problem(
        app.get(
            &format!("/api/webhooks/{hook}/deliveries?status=lost"),
            Some(&app.admin),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["status"]);
}

#[tokio::test]
async fn gone_disables_the_endpoint_at_once_and_enabling_it_resumes_from_now() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.then([Reply::status(410)]);
    let made = endpoint(&app, &receiver.url, None).await;
    let hook = made["id"].as_str().unwrap();
    let product = app.product("Gone Mug", 450, 10).await;
    app.order_for("gone@example.com", &product, 1).await;
    receiver.wait_for(1, SOON).await;
    until("the endpoint is disabled", || async {
        webhook(&app, hook).await["enabled"] == false
    })
    .await;
    let off = webhook(&app, hook).await;
    assert_eq!(off["disabledReason"], "gone");
    assert!(off["disabledAt"].is_string());

    app.order_for("gone@example.com", &product, 1).await;
    receiver.stays_at(1, Duration::from_millis(800)).await;
    let ping = app
        .post(
            &format!("/api/webhooks/{hook}/test"),
            Some(&app.admin),
            &json!({}),
        )
        .await;
    assert_eq!(problem(ping, 409).await["code"], "webhook_disabled");

    let on = patch(&app, hook, &json!({ "enabled": true })).await;
    assert_eq!(on.status(), StatusCode::OK);
    let on: Value = on.json().await.unwrap();
    assert_eq!(on["enabled"], true);
    assert!(on.get("disabledReason").is_none());
    app.order_for("back@example.com", &product, 1).await;
    let got = receiver.wait_for(2, SOON).await;
    assert_eq!(
        got[1].json["data"]["customer"]["email"], "back@example.com",
        "what happened while it was off is not sent"
    );
    receiver.stays_at(2, Duration::from_millis(500)).await;
}

#[tokio::test]
async fn an_endpoint_failing_for_the_whole_window_is_disabled() {
    let app = spawn_app_with(&[
        PRIVATE,
        ("OMS_WEBHOOK_RETRY_SCHEDULE", "0s,1s,1s,1s,1s,1s"),
        ("OMS_WEBHOOK_DISABLE_AFTER", "2s"),
    ])
    .await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500));
    let made = endpoint(&app, &receiver.url, None).await;
    let hook = made["id"].as_str().unwrap();
    let product = app.product("Failing Mug", 450, 10).await;
    app.order_for("failing@example.com", &product, 1).await;
    receiver.wait_for(1, SOON).await;
    until("a failing spell is recorded", || async {
        webhook(&app, hook).await["failingSince"].is_string()
    })
    .await;
    until("the endpoint is disabled", || async {
        webhook(&app, hook).await["enabled"] == false
    })
    .await;
    assert_eq!(webhook(&app, hook).await["disabledReason"], "failing");
    let sent = receiver.received().len();
    // At least the one that opened the spell and one after the window.
    assert!(
        (2..=6).contains(&sent),
        "attempts until the window closed: {sent}"
    );
    receiver.stays_at(sent, Duration::from_millis(1_500)).await;
}

#[tokio::test]
async fn after_rotation_deliveries_verify_under_the_new_secret_and_the_old() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let made = endpoint(&app, &receiver.url, None).await;
    let hook = made["id"].as_str().unwrap();
    let old = made["secret"].as_str().unwrap();
    let rotated = app
        .post(
            &format!("/api/webhooks/{hook}/secret/rotate"),
            Some(&app.admin),
            &json!({}),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert!(rotated["previousSecretUntil"].is_string());
    assert!(
        webhook(&app, hook).await.get("secret").is_none(),
        "the secret is shown only once"
    );

    let product = app.product("Rotated Mug", 450, 10).await;
    app.order_for("rotated@example.com", &product, 1).await;
    let got = receiver.wait_for(1, SOON).await;
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    got[0].verify(new).unwrap();
    got[0].verify(old).unwrap();
}

#[tokio::test]
async fn a_ping_and_a_replay_are_sent_now_with_their_own_and_the_same_id() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let made = endpoint(&app, &receiver.url, Some(json!(["orderPlaced"]))).await;
    let hook = made["id"].as_str().unwrap();
    let secret = made["secret"].as_str().unwrap();
    let ping = app
        .post(
            &format!("/api/webhooks/{hook}/test"),
            Some(&app.admin),
            &json!({}),
        )
        .await;
    assert_eq!(ping.status(), StatusCode::ACCEPTED);
    let ping: Value = ping.json().await.unwrap();
    assert_eq!(ping["event"], "ping");
    assert_eq!(ping["status"], "pending");
    let got = receiver.wait_for(1, SOON).await;
    assert_eq!(
        got[0].event(),
        "ping",
        "a ping reaches an endpoint that names other events"
    );
    assert_eq!(got[0].id(), ping["id"]);
    assert_eq!(got[0].json["data"]["webhookId"], hook);
    got[0].verify(secret).unwrap();

    let product = app.product("Replay Mug", 450, 10).await;
    app.order_for("replay@example.com", &product, 1).await;
    let got = receiver.wait_for(2, SOON).await;
    let placed = got[1].id().to_owned();
    until("the delivery is recorded", || async {
        deliveries(&app, hook, "?status=delivered").await["items"]
            .as_array()
            .is_some_and(|i| i.len() == 2)
    })
    .await;
    let again = app
        .post(
            &format!("/api/webhooks/{hook}/deliveries/{placed}/retry"),
            Some(&app.admin),
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let got = receiver.wait_for(3, SOON).await;
    assert_eq!(got[2].id(), placed, "sent again with the same webhook-id");
    assert_eq!(got[2].body, got[1].body, "and the same body");
    got[2].verify(secret).unwrap();
    until("the replay is recorded", || async {
        deliveries(&app, hook, "?status=delivered").await["items"][0]["attempts"]
            .as_array()
            .is_some_and(|a| a.len() == 2)
    })
    .await;

    let unknown = format!(
        "/api/webhooks/{hook}/deliveries/{}/retry",
        crate::helpers::uuid()
    );
    let missing = app.post(&unknown, Some(&app.admin), &json!({})).await;
    assert_eq!(problem(missing, 404).await["code"], "not_found");
}

#[tokio::test]
async fn endpoints_are_listed_changed_and_removed_by_admins() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let first = endpoint(&app, &receiver.url, None).await;
    let second = endpoint(
        &app,
        &format!("{}/two", receiver.url),
        Some(json!(["orderPlaced"])),
    )
    .await;
    let list: Value = app
        .get("/api/webhooks", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["id"])
        .collect();
    assert_eq!(ids, [&first["id"], &second["id"]], "oldest first");
    assert!(list["items"][0].get("secret").is_none());
    assert_eq!(list["nextCursor"], Value::Null);

    let id = second["id"].as_str().unwrap();
    let changed = patch(
        &app,
        id,
        &json!({ "events": ["orderPlaced", "orderPaymentUpdated"], "description": "", "enabled": false }),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(
        changed["events"],
        json!(["orderPaymentUpdated", "orderPlaced"])
    );
    assert_eq!(changed["description"], Value::Null);
    assert_eq!(
        (
            changed["enabled"].clone(),
            changed["disabledReason"].clone()
        ),
        (json!(false), json!("byAdmin"))
    );
    let refused = problem(
        patch(&app, id, &json!({ "url": "ftp://example.com/" })).await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["url"]);
    let refused = problem(patch(&app, id, &json!({ "enabled": null })).await, 422).await;
    assert_eq!(refused["code"], "validation_failed");

    let removed = app
        .send(
            Method::DELETE,
            &format!("/api/webhooks/{id}"),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    for path in [
        format!("/api/webhooks/{id}"),
        format!("/api/webhooks/{id}/deliveries"),
        "/api/webhooks/not-an-id".into(),
    ] {
        assert_eq!(
            problem(app.get(&path, Some(&app.admin)).await, 404).await["code"],
            "not_found"
        );
    }
    let again = app
        .send(
            Method::DELETE,
            &format!("/api/webhooks/{id}"),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    for token in [&app.staff] {
        let denied = app.get("/api/webhooks", Some(token)).await;
        assert_eq!(problem(denied, 403).await["code"], "forbidden");
    }
}

#[tokio::test]
async fn urls_into_the_servers_network_are_refused() {
    let strict = spawn_app().await;
    for url in [
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://172.16.0.1/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://localhost/hooks",
        "http://hooks.example.com/in",
        "hooks.example.com/in",
        "ftp://hooks.example.com/in",
        "https://user:pass@hooks.example.com/in",
    ] {
        let body = json!({ "url": url });
        let refused = problem(
            strict
                .post("/api/webhooks", Some(&strict.admin), &body)
                .await,
            422,
        )
        .await;
        assert_eq!(fields(&refused), ["url"], "{url}: {refused}");
    }
    let private = spawn_app_with(&[PRIVATE]).await;
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/x",
        "http://[fd00:ec2::254]/",
    ] {
        let body = json!({ "url": url });
        let refused = problem(
            private
                .post("/api/webhooks", Some(&private.admin), &body)
                .await,
            422,
        )
        .await;
        assert_eq!(fields(&refused), ["url"], "{url} stays refused: {refused}");
    }
    let body = json!({ "url": "http://127.0.0.1:9/hooks" });
    let allowed = private
        .post("/api/webhooks", Some(&private.admin), &body)
        .await;
    assert_eq!(allowed.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_redirect_is_recorded_and_not_followed() {
    let app = app().await;
    let elsewhere = Receiver::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(307).with("location", &elsewhere.url));
    let made = endpoint(&app, &receiver.url, None).await;
    let product = app.product("Redirect Mug", 450, 10).await;
    app.order_for("redirect@example.com", &product, 1).await;
    receiver.wait_for(1, SOON).await;
    let hook = made["id"].as_str().unwrap();
    until("the attempt is recorded", || async {
        deliveries(&app, hook, "").await["items"][0]["attempts"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    })
    .await;
    let log = deliveries(&app, hook, "").await;
    assert_eq!(log["items"][0]["attempts"][0]["statusCode"], 307);
    assert_eq!(log["items"][0]["status"], "pending");
    assert!(log["items"][0]["nextAttemptAt"].is_string());
    elsewhere.stays_at(0, Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_slow_endpoint_times_out_and_holds_back_no_other() {
    let app = spawn_app_with(&[PRIVATE, QUICK, ("OMS_WEBHOOK_TIMEOUT_SECONDS", "4")]).await;
    let slow = Receiver::start().await;
    slow.always(Reply::status(204).after(Duration::from_secs(8)));
    let fast = Receiver::start().await;
    let slow_hook = endpoint(&app, &slow.url, None).await;
    endpoint(&app, &fast.url, None).await;
    let product = app.product("Slow Mug", 450, 10).await;
    app.order_for("slow@example.com", &product, 1).await;
    let fast_got = fast.wait_for(1, SOON).await;
    let slow_got = slow.wait_for(1, SOON).await;
    // Held back, the fast one would wait out the slow one's 4 s timeout,
    // however quick or slow the store is.
    let apart = fast_got[0].at.saturating_duration_since(slow_got[0].at);
    assert!(
        apart < Duration::from_secs(3),
        "the fast endpoint waited {apart:?} after the slow one"
    );
    let hook = slow_hook["id"].as_str().unwrap();
    until("the slow attempt times out", || async {
        deliveries(&app, hook, "").await["items"][0]["attempts"][0]["error"]
            == "no answer within 4 s"
    })
    .await;
}

#[tokio::test]
async fn delivery_outcomes_are_counted_in_the_metrics() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let made = endpoint(&app, &receiver.url, None).await;
    let product = app.product("Counted Mug", 450, 10).await;
    app.order_for("counted@example.com", &product, 1).await;
    receiver.wait_for(1, SOON).await;
    until("the attempt is counted", || async {
        app.metrics_text()
            .await
            .contains("oms_webhook_attempts_total{outcome=\"delivered\"} 1")
    })
    .await;
    let waiting = format!(
        "oms_webhook_oldest_undelivered_seconds{{webhook=\"{}\"}} 0",
        made["id"].as_str().unwrap()
    );
    until("the endpoint's wait is shown", || async {
        app.metrics_text().await.contains(&waiting)
    })
    .await;
}
