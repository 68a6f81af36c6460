//! `POST /api/orders/{id}/shipments` and `…/shipments/{n}/delivered` over
//! HTTP: partial shipments and what each audience sees of them, every
//! refusal with its status and field, the address rule, and the events.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app, spawn_app_with};

fn status(to: &str) -> Value {
    json!({ "status": to })
}

/// A confirmed order of 3 mugs and 1 pot with an address; (order, mug, pot).
async fn confirmed(app: &TestApp) -> (String, String, String) {
    let mug = app.product("Mug", 500, 10).await;
    let pot = app.product("Pot", 2_000, 10).await;
    let body = json!({
        "customer": { "name": "Pat Buyer", "email": "pat@example.com" },
        "shippingAddress": {
            "name": "Pat Buyer", "line1": "1 Main St", "city": "Springfield",
            "postalCode": "12345", "country": "US"
        },
        "items": [{ "productId": mug, "quantity": 3 }, { "productId": pot, "quantity": 1 }],
    });
    let placed = app.post("/api/orders", Some(&app.staff), &body).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let order: Value = placed.json().await.unwrap();
    let id = order["id"].as_str().unwrap().to_owned();
    let moved = app.set_status(&app.staff, &id, &status("confirmed")).await;
    assert_eq!(moved.status(), StatusCode::OK);
    (id, mug, pot)
}

async fn ship(app: &TestApp, token: &str, order: &str, body: &Value) -> reqwest::Response {
    app.post(&format!("/api/orders/{order}/shipments"), Some(token), body)
        .await
}

async fn deliver(app: &TestApp, order: &str, shipment: &str) -> reqwest::Response {
    let path = format!("/api/orders/{order}/shipments/{shipment}/delivered");
    app.post(&path, Some(&app.staff), &json!({})).await
}

#[tokio::test]
async fn a_partial_shipment_then_the_rest_ship_the_order_and_each_audience_sees_them() {
    let app = spawn_app().await;
    let (id, mug, pot) = confirmed(&app).await;
    let first = json!({
        "items": [{ "productId": mug, "quantity": 2 }],
        "carrier": "DHL", "trackingNumber": "JD0001",
        "trackingUrl": "https://dhl.example/t/JD0001", "expectedVersion": 2
    });
    let sent = ship(&app, &app.staff, &id, &first).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let order: Value = sent.json().await.unwrap();
    assert_eq!(order["status"], "partially_shipped");
    assert_eq!(order["nextStatuses"], json!(["shipped"]));
    assert_eq!(order["version"], 3);
    let shipment = &order["shipments"][0];
    assert_eq!(shipment["id"], 1);
    assert_eq!(
        shipment["items"],
        json!([{ "productId": mug, "name": "Mug", "quantity": 2 }])
    );
    assert_eq!(
        (
            &shipment["carrier"],
            &shipment["trackingNumber"],
            &shipment["trackingUrl"]
        ),
        (
            &json!("DHL"),
            &json!("JD0001"),
            &json!("https://dhl.example/t/JD0001")
        )
    );
    assert!(shipment["shippedAt"].is_string());
    assert_eq!(shipment["deliveredAt"], Value::Null);
    let shipped: Vec<_> = order["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["shippedQuantity"].clone())
        .collect();
    assert_eq!(shipped, [json!(2), json!(0)]);

    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["shipments"][0]["carrier"], "DHL");
    assert_eq!(public["shipments"][0]["trackingNumber"], "JD0001");
    let keys: Vec<_> = public["shipments"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(
        !keys.iter().any(|k| k.contains("By")),
        "never who shipped it: {keys:?}"
    );

    let rest = ship(&app, &app.staff, &id, &json!({})).await;
    assert_eq!(rest.status(), StatusCode::CREATED);
    let order: Value = rest.json().await.unwrap();
    assert_eq!(order["status"], "shipped");
    assert_eq!(
        order["shipments"][1]["items"],
        json!([
            { "productId": mug, "name": "Mug", "quantity": 1 },
            { "productId": pot, "name": "Pot", "quantity": 1 }
        ])
    );
    let again = ship(&app, &app.staff, &id, &json!({})).await;
    assert_eq!(problem(again, 409).await["code"], "illegal_transition");

    let one = deliver(&app, &id, "1").await;
    assert_eq!(one.status(), StatusCode::OK);
    let order: Value = one.json().await.unwrap();
    assert_eq!(order["status"], "shipped");
    assert!(order["shipments"][0]["deliveredAt"].is_string());
    let unknown = deliver(&app, &id, "3").await;
    assert_eq!(problem(unknown, 404).await["code"], "not_found");
    let not_a_number = deliver(&app, &id, "one").await;
    assert_eq!(problem(not_a_number, 404).await["code"], "not_found");
    let bodiless = app
        .send(
            reqwest::Method::POST,
            &format!("/api/orders/{id}/shipments/2/delivered"),
            Some(&app.staff),
            None,
        )
        .await;
    assert_eq!(bodiless.status(), StatusCode::OK);
    let order: Value = bodiless.json().await.unwrap();
    assert_eq!(order["status"], "delivered");
    let null = app
        .send(
            reqwest::Method::POST,
            &format!("/api/orders/{id}/shipments/2/delivered"),
            Some(&app.staff),
            Some(&Value::Null),
        )
        .await;
    assert_eq!(null.status(), StatusCode::OK, "null is no body");
    assert_eq!(order["nextStatuses"], json!([]));
}

#[tokio::test]
async fn a_shipment_the_order_cannot_send_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (id, mug, pot) = confirmed(&app).await;
    let stranger = app.product("Cup", 100, 10).await;
    let cases = [
        (
            json!({ "items": [{ "productId": mug, "quantity": 4 }] }),
            "items[0].quantity",
        ),
        (
            json!({ "items": [{ "productId": stranger, "quantity": 1 }] }),
            "items[0].productId",
        ),
        (
            json!({ "items": [{ "productId": mug, "quantity": 0 }] }),
            "items[0].quantity",
        ),
        (
            json!({ "items": [{ "productId": pot, "quantity": 1 }, { "productId": pot, "quantity": 1 }] }),
            "items[1].productId",
        ),
        (json!({ "items": [] }), "items"),
        (json!({ "carrier": "x".repeat(101) }), "carrier"),
        (json!({ "trackingNumber": " " }), "trackingNumber"),
        (
            json!({ "trackingUrl": "http://dhl.example/1" }),
            "trackingUrl",
        ),
        (json!({ "trackingUrl": "https://" }), "trackingUrl"),
        (json!({ "carrier": null }), "carrier"),
        (json!({ "weight": 3 }), "weight"),
    ];
    for (body, field) in cases {
        let refused = problem(ship(&app, &app.staff, &id, &body).await, 422).await;
        assert_eq!(fields(&refused), [field], "{body}");
    }
    let stale = ship(&app, &app.staff, &id, &json!({ "expectedVersion": 1 })).await;
    let stale = problem(stale, 409).await;
    assert_eq!(
        (stale["code"].as_str(), stale["currentVersion"].as_u64()),
        (Some("version_mismatch"), Some(2))
    );
    let order: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            order["version"].as_u64(),
            order["shipments"].as_array().map(Vec::len)
        ),
        (Some(2), Some(0))
    );
}

#[tokio::test]
async fn only_confirmed_orders_ship_only_staff_send_and_a_shipped_unit_stops_a_cancel() {
    let app = spawn_app().await;
    let (id, mug, _pot) = confirmed(&app).await;
    let (customer, _) = app.customer("Casey").await;
    let own = app.own_order(&customer, &mug).await;
    let own = own["id"].as_str().unwrap();
    let by_customer = ship(&app, &customer, own, &json!({})).await;
    assert_eq!(problem(by_customer, 403).await["code"], "forbidden");
    let pending = ship(&app, &app.staff, own, &json!({})).await;
    assert_eq!(problem(pending, 409).await["code"], "illegal_transition");
    let missing = ship(&app, &app.staff, &crate::helpers::uuid(), &json!({})).await;
    assert_eq!(problem(missing, 404).await["code"], "not_found");

    let one = json!({ "items": [{ "productId": mug, "quantity": 1 }] });
    assert_eq!(
        ship(&app, &app.staff, &id, &one).await.status(),
        StatusCode::CREATED
    );
    let cancel = app.set_status(&app.staff, &id, &status("cancelled")).await;
    assert_eq!(problem(cancel, 409).await["code"], "illegal_transition");
    let asked = app
        .set_status(&app.staff, &id, &status("partially_shipped"))
        .await;
    assert_eq!(problem(asked, 409).await["code"], "illegal_transition");
    let early = app.set_status(&app.staff, &id, &status("delivered")).await;
    assert_eq!(problem(early, 409).await["code"], "illegal_transition");
    assert_eq!(app.stock_of(&mug).await, 10 - 3 - 1, "nothing went back");
}

#[tokio::test]
async fn moving_to_shipped_sends_what_is_left_and_to_delivered_marks_every_shipment() {
    let app = spawn_app().await;
    let (id, mug, _pot) = confirmed(&app).await;
    let one = json!({ "items": [{ "productId": mug, "quantity": 1 }] });
    assert_eq!(
        ship(&app, &app.staff, &id, &one).await.status(),
        StatusCode::CREATED
    );
    let shipped = app.set_status(&app.staff, &id, &status("shipped")).await;
    assert_eq!(shipped.status(), StatusCode::OK);
    let order: Value = shipped.json().await.unwrap();
    assert_eq!(order["shipments"].as_array().unwrap().len(), 2);
    assert_eq!(order["items"][0]["shippedQuantity"], 3);
    let delivered = app.set_status(&app.staff, &id, &status("delivered")).await;
    let order: Value = delivered.json().await.unwrap();
    assert_eq!(order["status"], "delivered");
    let arrived: Vec<_> = order["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["deliveredAt"].is_string())
        .collect();
    assert_eq!(arrived, [true, true]);
}

#[tokio::test]
async fn an_order_without_an_address_ships_only_where_the_shop_allows_it() {
    for (setting, allowed) in [(None, false), (Some("false"), true)] {
        let overrides: Vec<_> = setting
            .map(|v| ("OMS_SHIPPING_ADDRESS_REQUIRED", v))
            .into_iter()
            .collect();
        let app = spawn_app_with(&overrides).await;
        let mug = app.product("Mug", 500, 10).await;
        let body = json!({
            "customer": { "name": "Pat Buyer", "email": "pat@example.com" },
            "items": [{ "productId": mug, "quantity": 1 }],
        });
        let placed: Value = app
            .post("/api/orders", Some(&app.staff), &body)
            .await
            .json()
            .await
            .unwrap();
        let id = placed["id"].as_str().unwrap();
        app.set_status(&app.staff, id, &status("confirmed")).await;
        let sent = ship(&app, &app.staff, id, &json!({})).await;
        let moved = app.set_status(&app.staff, id, &status("shipped")).await;
        if allowed {
            assert_eq!(sent.status(), StatusCode::CREATED);
            let order: Value = moved.json().await.unwrap();
            assert_eq!(
                order["shipments"].as_array().map(Vec::len),
                Some(1),
                "asking for the status the shipment gave writes nothing"
            );
        } else {
            assert_eq!(problem(sent, 409).await["code"], "address_required");
            assert_eq!(problem(moved, 409).await["code"], "address_required");
        }
    }
}

#[tokio::test]
async fn each_shipment_and_arrival_is_one_event_in_each_audiences_view() {
    let app = spawn_app().await;
    let (id, mug, _pot) = confirmed(&app).await;
    let mut staff = app.feed(Some(&app.staff), "").await;
    let mut public = app.feed(None, &format!("?order={id}")).await;
    let one = json!({ "items": [{ "productId": mug, "quantity": 1 }], "carrier": "DHL" });
    assert_eq!(
        ship(&app, &app.staff, &id, &one).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(deliver(&app, &id, "1").await.status(), StatusCode::OK);

    // The confirmation may still be on its way to a feed opened after it.
    let mut sent = staff.next().await;
    if sent["event"] == "orderStatusUpdated" {
        sent = staff.next().await;
    }
    assert_eq!(sent["event"], "orderShipped");
    let data = &sent["data"];
    assert_eq!(
        (
            data["orderId"].as_str(),
            data["from"].as_str(),
            data["to"].as_str()
        ),
        (
            Some(id.as_str()),
            Some("confirmed"),
            Some("partially_shipped")
        )
    );
    assert_eq!(
        (data["byRole"].as_str(), data["version"].as_u64()),
        (Some("staff"), Some(3))
    );
    assert_eq!(
        data["shipment"]["items"],
        json!([{ "productId": mug, "quantity": 1 }])
    );
    assert_eq!(data["shipment"]["carrier"], "DHL");
    let arrived = staff.next().await;
    assert_eq!(arrived["event"], "orderShipmentDelivered");
    assert_eq!(arrived["data"]["shipmentIds"], json!([1]));
    assert_eq!(arrived["data"]["to"], "partially_shipped");
    assert!(staff.quiet_for(200).await, "one event per change");

    let mut seen = public.next().await;
    if seen["event"] == "orderStatusUpdated" {
        seen = public.next().await;
    }
    assert_eq!(seen["event"], "orderShipped");
    assert_eq!(seen["data"]["shipment"]["carrier"], "DHL");
    assert!(
        seen["data"].get("byRole").is_none() && seen["data"].get("paymentCollected").is_none(),
        "{seen}"
    );
    assert_eq!(public.next().await["event"], "orderShipmentDelivered");
}
