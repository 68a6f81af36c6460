//! `/api/orders/{id}/returns` and `/api/orders/{id}/refunds`: who may ask,
//! receive, reject and refund, every refusal with its code or field, the
//! stock a receipt restocks, the idempotency of refunds, and what each
//! audience sees and hears.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app};

/// An order of three mugs the customer `token` placed, confirmed, paid and
/// two of them shipped; its id.
pub async fn shipped_two(app: &TestApp, token: &str, mug: &str) -> String {
    let body = json!({
        "shippingAddress": { "name": "Casey", "line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US" },
        "items": [{ "productId": mug, "quantity": 3 }],
    });
    let placed: Value = app
        .post("/api/orders", Some(token), &body)
        .await
        .json()
        .await
        .unwrap();
    let id = placed["id"].as_str().unwrap().to_owned();
    let moved = app
        .set_status(
            &app.staff,
            &id,
            &json!({ "status": "confirmed", "paymentCollected": true }),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let ship = json!({ "items": [{ "productId": mug, "quantity": 2 }] });
    let sent = app
        .post(
            &format!("/api/orders/{id}/shipments"),
            Some(&app.staff),
            &ship,
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    id
}

/// The messages `feed` sends up to and including the first `event`: a
/// feed opened just after a change may still bring that change first.
async fn until_event(feed: &mut crate::feed_client::FeedClient, event: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    for _ in 0..10 {
        let message = feed.next().await;
        let found = message["event"] == event;
        seen.push(message);
        if found {
            return seen;
        }
    }
    panic!("no {event} in {seen:?}");
}

pub fn ask(mug: &str, quantity: i64) -> Value {
    json!({ "items": [{ "productId": mug, "quantity": quantity }], "reason": "Arrived chipped" })
}

#[tokio::test]
async fn a_customer_asks_the_staff_receive_with_restock_and_reject() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (customer, _) = app.customer("Casey").await;
    let (stranger, _) = app.customer("Robin").await;
    let id = shipped_two(&app, &customer, &mug).await;
    let mut own_feed = app.feed(Some(&customer), "").await;
    let mut public_feed = app.feed(None, &format!("?order={id}")).await;
    let returns = format!("/api/orders/{id}/returns");

    let theirs = app.post(&returns, Some(&stranger), &ask(&mug, 1)).await;
    assert_eq!(problem(theirs, 404).await["code"], "not_found");
    let too_many = problem(
        app.post(&returns, Some(&customer), &ask(&mug, 3)).await,
        422,
    )
    .await;
    assert_eq!(fields(&too_many), ["items[0].quantity"]);
    let blank = json!({ "items": [{ "productId": mug, "quantity": 1 }], "reason": " " });
    assert_eq!(
        fields(&problem(app.post(&returns, Some(&customer), &blank).await, 422).await),
        ["reason"]
    );
    let empty = json!({ "items": [], "reason": "x" });
    assert_eq!(
        fields(&problem(app.post(&returns, Some(&customer), &empty).await, 422).await),
        ["items"]
    );

    let asked = app.post(&returns, Some(&customer), &ask(&mug, 2)).await;
    assert_eq!(asked.status(), StatusCode::CREATED);
    let asked: Value = asked.json().await.unwrap();
    assert_eq!(
        (asked["id"].clone(), asked["status"].clone()),
        (json!(1), json!("requested"))
    );
    assert_eq!(
        asked["items"],
        json!([{ "productId": mug, "name": "Mug", "quantity": 2 }])
    );
    assert_eq!(asked["reason"], "Arrived chipped");
    assert!(asked["requestedAt"].is_string());
    assert_eq!(asked["by"], json!({ "role": "customer" }), "{asked}");
    let heard = until_event(&mut own_feed, "returnRequested")
        .await
        .pop()
        .unwrap();
    assert_eq!(heard["data"]["return"]["items"][0]["quantity"], 2);
    let public = until_event(&mut public_feed, "returnRequested")
        .await
        .pop()
        .unwrap();
    assert_eq!(
        public["data"]["return"],
        json!({ "id": 1, "status": "requested" })
    );

    let receive = format!("{returns}/1/receive");
    let lines = json!({ "items": [{ "productId": mug, "quantity": 1, "restock": true }] });
    let by_customer = app.post(&receive, Some(&customer), &lines).await;
    assert_eq!(problem(by_customer, 403).await["code"], "forbidden");
    let over = json!({ "items": [{ "productId": mug, "quantity": 3, "restock": true }] });
    assert_eq!(
        fields(&problem(app.post(&receive, Some(&app.staff), &over).await, 422).await),
        ["items[0].quantity"]
    );
    assert_eq!(app.stock_of(&mug).await, 7);
    let received = app.post(&receive, Some(&app.staff), &lines).await;
    assert_eq!(received.status(), StatusCode::OK);
    let received: Value = received.json().await.unwrap();
    assert_eq!(received["status"], "received");
    assert_eq!(received["receivedItems"][0]["restock"], true);
    assert_eq!(
        app.stock_of(&mug).await,
        8,
        "the restocked mug is back on the shelf"
    );
    let twice = app.post(&receive, Some(&app.staff), &lines).await;
    assert_eq!(problem(twice, 409).await["code"], "return_not_open");
    assert_eq!(app.stock_of(&mug).await, 8, "received once");
    let missing = app
        .post(&format!("{returns}/9/receive"), Some(&app.staff), &lines)
        .await;
    assert_eq!(problem(missing, 404).await["code"], "not_found");

    // One unit came back, one is still out: a second return of it, rejected.
    let again: Value = app
        .post(&returns, Some(&customer), &ask(&mug, 1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["id"], 2);
    let rejected = app
        .post(
            &format!("{returns}/2/reject"),
            Some(&app.staff),
            &json!({ "reason": "Not damaged" }),
        )
        .await;
    let rejected: Value = rejected.json().await.unwrap();
    assert_eq!(
        (
            rejected["status"].clone(),
            rejected["rejectionReason"].clone()
        ),
        (json!("rejected"), json!("Not damaged"))
    );
    let freed = app.post(&returns, Some(&customer), &ask(&mug, 1)).await;
    assert_eq!(
        freed.status(),
        StatusCode::CREATED,
        "a rejected return's units may be asked for again"
    );

    let own: Value = app
        .get(&format!("/api/orders/{id}"), Some(&customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["returns"].as_array().unwrap().len(), 3);
    assert_eq!(own["items"][0]["returnedQuantity"], 2);
    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        public["returns"][1],
        json!({ "id": 2, "status": "rejected" })
    );
    assert!(
        public["items"][0].get("returnedQuantity").is_none(),
        "{public}"
    );
    let staff: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<_> = staff["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        kinds.ends_with(
            &[
                "returnRequested",
                "returnReceived",
                "returnRequested",
                "returnRejected",
                "returnRequested"
            ]
            .map(str::to_owned)
        ),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn nothing_shipped_is_nothing_to_return() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let order = app.order_for("pat@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap();
    let refused = app
        .post(
            &format!("/api/orders/{id}/returns"),
            Some(&app.staff),
            &ask(&mug, 1),
        )
        .await;
    assert_eq!(problem(refused, 409).await["code"], "nothing_shipped");
}

#[tokio::test]
async fn refunds_are_for_paid_orders_up_to_the_total_and_replay_by_key() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (customer, _) = app.customer("Casey").await;
    let id = shipped_two(&app, &customer, &mug).await;
    let mut own_feed = app.feed(Some(&customer), "").await;
    let mut public_feed = app.feed(None, &format!("?order={id}")).await;
    let refunds = format!("/api/orders/{id}/refunds");
    let refund = |amount: i64| json!({ "amount": amount, "reason": "Chipped mug" });
    let keyed = |body: &Value, key: &str| {
        app.http
            .post(app.url(&refunds))
            .bearer_auth(&app.staff)
            .header("Idempotency-Key", key)
            .json(body)
    };

    let first = keyed(&refund(500), "refund-1").send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(first.headers()["Idempotent-Replayed"], "false");
    let first: Value = first.json().await.unwrap();
    assert_eq!(
        (
            first["id"].clone(),
            first["amount"].clone(),
            first["returnId"].clone()
        ),
        (json!(1), json!(500), Value::Null)
    );
    assert_eq!(first["by"]["role"], "staff");
    let replay = keyed(&refund(500), "refund-1").send().await.unwrap();
    assert_eq!(replay.headers()["Idempotent-Replayed"], "true");
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"], 1, "the first refund, not a second");
    let reused = keyed(&refund(400), "refund-1").send().await.unwrap();
    assert_eq!(problem(reused, 422).await["code"], "idempotency_key_reused");

    for (body, field) in [
        (refund(1_001), "amount"),
        (refund(0), "amount"),
        (
            json!({ "amount": 1, "reason": "x", "returnId": 7 }),
            "returnId",
        ),
        (json!({ "amount": 1, "reason": "" }), "reason"),
    ] {
        let refused = problem(app.post(&refunds, Some(&app.staff), &body).await, 422).await;
        assert_eq!(fields(&refused), [field], "{body}");
    }
    let rest = app.post(&refunds, Some(&app.admin), &refund(1_000)).await;
    assert_eq!(rest.status(), StatusCode::CREATED, "up to the total, 1,500");
    let by_customer = app.post(&refunds, Some(&customer), &refund(1)).await;
    assert_eq!(problem(by_customer, 403).await["code"], "forbidden");

    let unpaid = app.order_for("pat@example.com", &mug, 1).await;
    let unpaid = format!("/api/orders/{}/refunds", unpaid["id"].as_str().unwrap());
    let refused = app.post(&unpaid, Some(&app.staff), &refund(1)).await;
    assert_eq!(problem(refused, 409).await["code"], "payment_not_collected");

    let own: Value = app
        .get(&format!("/api/orders/{id}"), Some(&customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["refundedTotal"], 1_500);
    assert_eq!(
        own["refunds"][0]["by"],
        json!({ "role": "staff" }),
        "no staff names for the customer"
    );
    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        public.get("refunds").is_none() && public.get("refundedTotal").is_none(),
        "{public}"
    );
    let heard = until_event(&mut own_feed, "orderRefunded")
        .await
        .pop()
        .unwrap();
    assert_eq!(heard["data"]["refund"]["amount"], 500);
    // The public feed hears no refund: the next thing it hears is a return.
    let asked = app
        .post(
            &format!("/api/orders/{id}/returns"),
            Some(&customer),
            &ask(&mug, 1),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::CREATED);
    let public = until_event(&mut public_feed, "returnRequested").await;
    assert!(
        public.iter().all(|m| m["event"] != "orderRefunded"),
        "{public:?}"
    );
}
