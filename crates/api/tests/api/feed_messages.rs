//! Every message the live feed sends is one the OpenAPI document describes
//! (`EventMessage`): checked with a JSON Schema validator against the
//! schema the server serves, for each kind of event and the reset.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// A validator for `EventMessage` from the served document.
async fn messages_schema(app: &TestApp) -> jsonschema::Validator {
    let doc = app.document().await;
    let schema = json!({
        "$ref": "#/components/schemas/EventMessage",
        "components": doc["components"],
    });
    jsonschema::validator_for(&schema).expect("the document's schemas compile")
}

fn assert_described(validator: &jsonschema::Validator, message: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(message)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{message} breaks the schema: {errors:?}");
}

#[tokio::test]
async fn every_event_and_the_reset_match_the_documented_schema() {
    let app = spawn_app().await;
    let validator = messages_schema(&app).await;
    let mug = app.product("Mug", 1_250, 10).await;
    let mut feed = app.feed(Some(&app.staff), "").await;

    let order = app.order_for("grace@example.com", &mug, 2).await;
    let id = order["id"].as_str().unwrap();
    let confirmed = json!({ "status": "confirmed" });
    assert_eq!(
        app.set_status(&app.staff, id, &confirmed).await.status(),
        200
    );
    let paid = json!({ "status": "confirmed", "paymentCollected": true });
    assert_eq!(app.set_status(&app.staff, id, &paid).await.status(), 200);
    let sent = feed.take(3).await;
    let kinds: Vec<&str> = sent.iter().filter_map(|m| m["event"].as_str()).collect();
    assert_eq!(
        kinds,
        ["orderPlaced", "orderStatusUpdated", "orderPaymentUpdated"]
    );
    for message in &sent {
        assert_described(&validator, message);
    }

    // The public view of a tracked order, too.
    let mut tracking = app.feed(None, &format!("?order={id}")).await;
    let cancelled = json!({ "status": "cancelled" });
    assert_eq!(
        app.set_status(&app.staff, id, &cancelled).await.status(),
        200
    );
    assert_described(&validator, &tracking.next().await);

    let mut lost = app.feed(Some(&app.staff), "?since=not-a-position").await;
    let reset = lost.next().await;
    assert_eq!(reset["event"], "reset");
    assert_described(&validator, &reset);
}

#[tokio::test]
async fn a_message_the_document_does_not_describe_is_refused() {
    let app = spawn_app().await;
    let validator = messages_schema(&app).await;
    let unknown = json!({ "event": "orderVanished", "id": "1", "at": "2026-01-01T00:00:00Z" });
    assert!(!validator.is_valid(&unknown));
    let bare = json!({ "event": "orderStatusUpdated", "id": "1", "at": "2026-01-01T00:00:00Z" });
    assert!(!validator.is_valid(&bare), "a status event needs its data");
}
