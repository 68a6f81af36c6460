//! `PATCH /api/orders/{id}` (the shipping address), `POST
//! /api/orders/{id}/notes` and the timeline staff see: who may, what is
//! refused, and who else sees what.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app};

fn address(city: &str) -> Value {
    json!({ "name": "Pat Buyer", "line1": "9 New Rd", "city": city, "postalCode": "54321", "country": "de" })
}

async fn patch(app: &TestApp, token: &str, order: &str, body: &Value) -> reqwest::Response {
    app.patch(&format!("/api/orders/{order}"), Some(token), body)
        .await
}

async fn note(app: &TestApp, token: &str, order: &str, text: &str) -> reqwest::Response {
    app.post(
        &format!("/api/orders/{order}/notes"),
        Some(token),
        &json!({ "text": text }),
    )
    .await
}

#[tokio::test]
async fn staff_correct_an_address_until_the_order_has_shipped() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (customer, _) = app.customer("Casey").await;
    let order = app.own_order(&customer, &mug).await;
    let id = order["id"].as_str().unwrap();

    let set = patch(
        &app,
        &app.staff,
        id,
        &json!({ "shippingAddress": address("Berlin"), "expectedVersion": 1 }),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    let order: Value = set.json().await.unwrap();
    assert_eq!(order["shippingAddress"]["city"], "Berlin");
    assert_eq!(order["shippingAddress"]["country"], "DE");
    assert_eq!(order["version"], 2);
    let last = order["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "address");
    assert_eq!(last["by"]["role"], "staff");
    assert_eq!(last["shippingAddress"]["city"], "Berlin");

    let same = patch(
        &app,
        &app.staff,
        id,
        &json!({ "shippingAddress": address("Berlin") }),
    )
    .await;
    let same: Value = same.json().await.unwrap();
    assert_eq!(same["version"], 2, "the same address again writes nothing");

    let own: Value = app
        .get(&format!("/api/orders/{id}"), Some(&customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["shippingAddress"]["city"], "Berlin");
    assert!(
        own.get("timeline").is_none() && own.get("notes").is_none(),
        "{own}"
    );
    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(public.get("shippingAddress").is_none());

    let by_customer = patch(
        &app,
        &customer,
        id,
        &json!({ "shippingAddress": address("Paris") }),
    )
    .await;
    assert_eq!(problem(by_customer, 403).await["code"], "forbidden");
    for (body, field) in [
        (json!({}), "shippingAddress"),
        (
            json!({ "shippingAddress": { "name": "P" } }),
            "shippingAddress.line1",
        ),
        (
            json!({ "shippingAddress": address("Rome"), "items": [] }),
            "items",
        ),
    ] {
        let refused = problem(patch(&app, &app.staff, id, &body).await, 422).await;
        assert!(
            fields(&refused).contains(&field.to_owned()),
            "{body}: {refused}"
        );
    }
    for step in ["confirmed", "shipped"] {
        let moved = app
            .set_status(&app.staff, id, &json!({ "status": step }))
            .await;
        assert_eq!(moved.status(), StatusCode::OK, "{step}");
    }
    let late = patch(
        &app,
        &app.staff,
        id,
        &json!({ "shippingAddress": address("Paris") }),
    )
    .await;
    assert_eq!(problem(late, 409).await["code"], "order_not_editable");
}

#[tokio::test]
async fn a_note_is_for_the_staff_alone_and_names_its_author() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (customer, _) = app.customer("Casey").await;
    let mut own_feed = app.feed(Some(&customer), "").await;
    let mut staff_feed = app.feed(Some(&app.staff), "").await;
    let order = app.own_order(&customer, &mug).await;
    let id = order["id"].as_str().unwrap();
    assert_eq!(own_feed.next().await["event"], "orderPlaced");
    assert_eq!(staff_feed.next().await["event"], "orderPlaced");

    let written = note(
        &app,
        &app.staff,
        id,
        "  Customer called.\nLeave at the door. ",
    )
    .await;
    assert_eq!(written.status(), StatusCode::CREATED);
    let written: Value = written.json().await.unwrap();
    assert_eq!(written["id"], 1);
    assert_eq!(written["text"], "Customer called.\nLeave at the door.");
    assert!(written["at"].is_string());
    assert_eq!(written["by"]["role"], "staff");
    assert!(
        written["by"]["name"].is_string() && written["by"]["id"].is_string(),
        "{written}"
    );

    let staff_view: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff_view["notes"], json!([written]));
    let kinds: Vec<_> = staff_view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["placed", "note"]);
    assert_eq!(
        staff_view["timeline"][0]["by"]["name"], "Casey",
        "the customer who placed it"
    );

    for viewer in [Some(customer.as_str()), None] {
        let seen: Value = app
            .get(&format!("/api/orders/{id}"), viewer)
            .await
            .json()
            .await
            .unwrap();
        assert!(
            seen.get("notes").is_none() && seen.get("timeline").is_none(),
            "{seen}"
        );
    }
    let by_customer = note(&app, &customer, id, "let me in").await;
    assert_eq!(problem(by_customer, 403).await["code"], "forbidden");
    for text in ["   ", &"x".repeat(2_001), "bell\u{7}"] {
        let refused = problem(note(&app, &app.staff, id, text).await, 422).await;
        assert_eq!(fields(&refused), ["text"]);
    }
    let missing = note(&app, &app.staff, &crate::helpers::uuid(), "hello").await;
    assert_eq!(problem(missing, 404).await["code"], "not_found");

    let heard = staff_feed.next().await;
    assert_eq!(heard["event"], "orderNoteAdded");
    assert_eq!(
        heard["data"]["note"]["text"],
        "Customer called.\nLeave at the door."
    );
    assert!(
        own_feed.quiet_for(300).await,
        "the customer never hears of a note"
    );
}

#[tokio::test]
async fn the_timeline_tells_every_change_in_order_with_who_made_it() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let order = app.order_for("pat@example.com", &mug, 2).await;
    let id = order["id"].as_str().unwrap();
    // Moments of one instant keep the order's own order; the steps here
    // are apart, as a person's are, so the expected order is unambiguous.
    let apart = || tokio::time::sleep(std::time::Duration::from_millis(5));
    let confirm = json!({ "status": "confirmed", "paymentCollected": true });
    assert_eq!(
        app.set_status(&app.staff, id, &confirm).await.status(),
        StatusCode::OK
    );
    apart().await;
    let ship = app
        .post(
            &format!("/api/orders/{id}/shipments"),
            Some(&app.staff),
            &json!({ "items": [{ "productId": mug, "quantity": 1 }] }),
        )
        .await;
    assert_eq!(ship.status(), StatusCode::CREATED);
    apart().await;
    assert_eq!(
        note(&app, &app.admin, id, "Second parcel on Monday")
            .await
            .status(),
        StatusCode::CREATED
    );
    apart().await;
    let delivered = app
        .post(
            &format!("/api/orders/{id}/shipments/1/delivered"),
            Some(&app.staff),
            &json!({}),
        )
        .await;
    let order: Value = delivered.json().await.unwrap();
    let story: Vec<(String, String)> = order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["by"]["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let story: Vec<(&str, &str)> = story
        .iter()
        .map(|(k, r)| (k.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        story,
        [
            ("placed", "staff"),
            ("status", "staff"),
            ("payment", "staff"),
            ("status", "staff"),
            ("shipped", "staff"),
            ("note", "admin"),
            ("delivered", "staff"),
        ]
    );
    let timeline = order["timeline"].as_array().unwrap();
    assert_eq!(
        (timeline[1]["from"].as_str(), timeline[1]["to"].as_str()),
        (Some("pending"), Some("confirmed"))
    );
    assert_eq!(timeline[2]["paymentCollected"], true);
    assert_eq!(timeline[4]["shipmentId"], 1);
    assert!(
        timeline.iter().all(|e| e["by"]["name"].is_string()),
        "staff are named: {order}"
    );
    let ats: Vec<_> = timeline
        .iter()
        .map(|e| {
            let at = e["at"].as_str().unwrap();
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).unwrap()
        })
        .collect();
    assert!(
        ats.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {ats:?}"
    );
}
