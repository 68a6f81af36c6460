//! `OMS_UNPAID_HOLD`: the server itself cancels pending orders nobody paid
//! for in time, naming the system and the reason, and leaves paid ones.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

async fn order(app: &TestApp, id: &str) -> Value {
    let read = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    read.json().await.unwrap()
}

#[tokio::test]
async fn an_unpaid_order_is_cancelled_by_the_system_once_its_hold_runs_out() {
    let app = spawn_app_with(&[("OMS_UNPAID_HOLD", "1s")]).await;
    let mug = app.product("Mug", 500, 10).await;
    // Paid when placed: the hold never runs for it, however slow the store.
    let paid = json!({
        "customer": { "name": "Pat Buyer", "email": "paid@example.com" },
        "items": [{ "productId": mug, "quantity": 2 }],
        "paymentCollected": true,
    });
    let paid = app.post("/api/orders", Some(&app.staff), &paid).await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let paid: Value = paid.json().await.unwrap();
    let paid = paid["id"].as_str().unwrap();
    let (customer, _) = app.customer("Casey").await;
    let unpaid = app.own_order(&customer, &mug).await;
    let unpaid = unpaid["id"].as_str().unwrap();

    // The hold is a second and the sweep runs every quarter of it: the
    // order is cancelled within moments; ten seconds is a bound, not a wait.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let expired = loop {
        let seen = order(&app, unpaid).await;
        if seen["status"] == "cancelled" || tokio::time::Instant::now() > deadline {
            break seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(expired["status"], "cancelled", "{expired}");
    let entry = expired["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(entry["byRole"], "system");
    assert_eq!(entry["reason"], "expired");
    assert!(entry.get("byUserId").is_none(), "{entry}");
    let moment = expired["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(moment["kind"], "status");
    assert_eq!(moment["by"], json!({ "role": "system" }));
    assert_eq!(moment["reason"], "expired");

    let own: Value = app
        .get(&format!("/api/orders/{unpaid}"), Some(&customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        own["history"][0]["reason"], "expired",
        "the customer is told why"
    );
    assert_eq!(
        order(&app, paid).await["status"],
        "pending",
        "a paid order is kept"
    );
    assert_eq!(
        app.stock_of(&mug).await,
        8,
        "the expired order's unit is back"
    );

    let late = app
        .set_status(
            &app.staff,
            unpaid,
            &json!({ "status": "pending", "paymentCollected": true }),
        )
        .await;
    assert_eq!(
        crate::helpers::problem(late, 409).await["code"],
        "payment_on_cancelled",
        "an expired order takes no payment"
    );
}
