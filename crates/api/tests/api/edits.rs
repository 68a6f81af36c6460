//! `PATCH /api/orders/{id}` with `items`: who may edit which orders, the
//! stock moving with the lines, every refusal with its field, and the one
//! event each audience hears.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, problem, spawn_app};

async fn edit(app: &TestApp, token: &str, order: &str, body: &Value) -> reqwest::Response {
    app.patch(&format!("/api/orders/{order}"), Some(token), body)
        .await
}

fn items(lines: &[(&str, i64)]) -> Value {
    lines
        .iter()
        .map(|(p, q)| json!({ "productId": p, "quantity": q }))
        .collect()
}

#[tokio::test]
async fn a_customer_edits_its_pending_order_and_the_stock_follows() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let lamp = app.product("Lamp", 1_200, 3).await;
    let (customer, _) = app.customer("Casey").await;
    let mut own_feed = app.feed(Some(&customer), "").await;
    let mut staff_feed = app.feed(Some(&app.staff), "").await;
    let order = app.own_order(&customer, &mug).await;
    let id = order["id"].as_str().unwrap();
    for feed in [&mut own_feed, &mut staff_feed] {
        assert_eq!(feed.next().await["event"], "orderPlaced");
    }
    let mut public_feed = app.feed(None, &format!("?order={id}")).await;

    // Today's mug price moves; the kept line keeps the price it was sold at.
    let repriced = app
        .patch(
            &format!("/api/products/{mug}"),
            Some(&app.admin),
            &json!({ "price": 900 }),
        )
        .await;
    assert_eq!(repriced.status(), StatusCode::OK);
    let body = json!({ "items": items(&[(&mug, 3), (&lamp, 2)]), "expectedVersion": 1 });
    let edited = edit(&app, &customer, id, &body).await;
    assert_eq!(edited.status(), StatusCode::OK);
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(edited["version"], 2);
    assert_eq!(
        edited["items"][0]["unitPrice"], 500,
        "a kept line keeps its price"
    );
    assert_eq!(edited["items"][0]["quantity"], 3);
    assert_eq!(
        edited["items"][1]["unitPrice"], 1_200,
        "a new one takes today's"
    );
    assert_eq!(edited["total"], 3 * 500 + 2 * 1_200);
    assert_eq!(app.stock_of(&mug).await, 7);
    assert_eq!(app.stock_of(&lamp).await, 1);

    let same = edit(
        &app,
        &customer,
        id,
        &json!({ "items": items(&[(&mug, 3), (&lamp, 2)]) }),
    )
    .await;
    let same: Value = same.json().await.unwrap();
    assert_eq!(same["version"], 2, "the same lines again write nothing");

    let heard = own_feed.next().await;
    assert_eq!(heard["event"], "orderItemsUpdated");
    assert_eq!(heard["data"]["itemsBefore"][0]["quantity"], 1);
    assert_eq!(heard["data"]["items"][1]["productId"], lamp.as_str());
    assert_eq!(heard["data"]["total"], 3_900);
    assert!(heard["data"].get("byRole").is_none(), "{heard}");
    let staff_heard = staff_feed.next().await;
    assert_eq!(staff_heard["event"], "orderItemsUpdated");
    assert_eq!(staff_heard["data"]["byRole"], "customer");
    let public = public_feed.next().await;
    assert_eq!(public["event"], "orderItemsUpdated");

    let staff_view: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    let last = staff_view["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "edit");
    assert_eq!(last["by"]["role"], "customer");
    assert_eq!(last["itemsBefore"].as_array().unwrap().len(), 1);
    assert_eq!(last["itemsAfter"].as_array().unwrap().len(), 2);

    // Staff confirm; the customer may no longer edit, the staff still may.
    let confirmed = app
        .set_status(&app.staff, id, &json!({ "status": "confirmed" }))
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let late = edit(
        &app,
        &customer,
        id,
        &json!({ "items": items(&[(&mug, 1)]) }),
    )
    .await;
    assert_eq!(problem(late, 409).await["code"], "order_not_editable");
    let by_staff = edit(
        &app,
        &app.staff,
        id,
        &json!({ "items": items(&[(&lamp, 1)]) }),
    )
    .await;
    assert_eq!(by_staff.status(), StatusCode::OK);
    assert_eq!(
        (app.stock_of(&mug).await, app.stock_of(&lamp).await),
        (10, 2)
    );
}

#[tokio::test]
async fn refused_edits_name_their_field_and_change_nothing() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 4).await;
    let gone = app.product("Gone", 100, 5).await;
    let (customer, _) = app.customer("Casey").await;
    let (other, _) = app.customer("Robin").await;
    let order = app.own_order(&customer, &mug).await;
    let id = order["id"].as_str().unwrap();
    let archived = app
        .patch(
            &format!("/api/products/{gone}"),
            Some(&app.admin),
            &json!({ "archived": true }),
        )
        .await;
    assert_eq!(archived.status(), StatusCode::OK);

    let short = edit(
        &app,
        &customer,
        id,
        &json!({ "items": items(&[(&mug, 5)]) }),
    )
    .await;
    let short = problem(short, 409).await;
    assert_eq!(short["code"], "out_of_stock");
    assert_eq!(short["field"], "items[0].quantity");
    assert_eq!(
        (short["requested"].clone(), short["available"].clone()),
        (json!(5), json!(4))
    );

    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = edit(
        &app,
        &customer,
        id,
        &json!({ "items": items(&[(&mug, 1), (&unknown, 1)]) }),
    )
    .await;
    let refused = problem(refused, 422).await;
    assert_eq!(refused["code"], "unknown_product", "{refused}");
    assert_eq!(fields(&refused), ["items[1].productId"]);

    let refused = edit(
        &app,
        &customer,
        id,
        &json!({ "items": items(&[(&gone, 1)]) }),
    )
    .await;
    let refused = problem(refused, 409).await;
    assert_eq!(
        (refused["code"].clone(), refused["field"].clone()),
        (json!("product_archived"), json!("items[0].productId"))
    );

    for (body, field) in [
        (json!({ "items": [] }), "items"),
        (json!({ "items": items(&[(&mug, 0)]) }), "items[0].quantity"),
        (
            json!({ "items": [{ "productId": "nope", "quantity": 1 }] }),
            "items[0].productId",
        ),
        (
            json!({ "items": items(&[(&mug, 1)]), "shippingAddress": { "name": "A", "line1": "1", "city": "B", "postalCode": "1", "country": "DE" } }),
            "items",
        ),
    ] {
        let refused = problem(edit(&app, &customer, id, &body).await, 422).await;
        assert_eq!(fields(&refused), [field], "{body}");
    }

    let stale = edit(
        &app,
        &customer,
        id,
        &json!({ "items": items(&[(&mug, 2)]), "expectedVersion": 7 }),
    )
    .await;
    assert_eq!(problem(stale, 409).await["code"], "version_mismatch");
    let theirs = edit(&app, &other, id, &json!({ "items": items(&[(&mug, 2)]) })).await;
    assert_eq!(problem(theirs, 403).await["code"], "forbidden");
    let anonymous = app
        .patch(
            &format!("/api/orders/{id}"),
            None,
            &json!({ "items": items(&[(&mug, 2)]) }),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let missing = edit(
        &app,
        &app.staff,
        &crate::helpers::uuid(),
        &json!({ "items": items(&[(&mug, 1)]) }),
    )
    .await;
    assert_eq!(problem(missing, 404).await["code"], "not_found");

    let unchanged: Value = app
        .get(&format!("/api/orders/{id}"), Some(&customer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["version"], 1);
    assert_eq!(unchanged["items"][0]["quantity"], 1);
    assert_eq!(
        app.stock_of(&mug).await,
        3,
        "every refusal left the stock alone"
    );

    let cancelled = app
        .set_status(&app.staff, id, &json!({ "status": "cancelled" }))
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let after = edit(
        &app,
        &app.staff,
        id,
        &json!({ "items": items(&[(&mug, 1)]) }),
    )
    .await;
    assert_eq!(problem(after, 409).await["code"], "order_not_editable");
    assert_eq!(app.stock_of(&mug).await, 4);
}

#[tokio::test]
async fn an_edit_never_takes_the_total_below_what_was_refunded() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 250, 10).await;
    let order = app.order_for("ann@example.com", &mug, 4).await;
    let id = order["id"].as_str().unwrap();
    let paid = app
        .set_status(
            &app.staff,
            id,
            &json!({ "status": "pending", "paymentCollected": true }),
        )
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    let refund = json!({ "amount": 600, "reason": "Goodwill" });
    let refunded = app
        .post(
            &format!("/api/orders/{id}/refunds"),
            Some(&app.staff),
            &refund,
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::CREATED);

    let below = problem(
        edit(
            &app,
            &app.staff,
            id,
            &json!({ "items": items(&[(&mug, 2)]) }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        fields(&below),
        ["items"],
        "500 would be less than the 600 refunded"
    );
    let kept: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&kept["total"], &kept["refundedTotal"]),
        (&json!(1_000), &json!(600))
    );
    let covered = edit(
        &app,
        &app.staff,
        id,
        &json!({ "items": items(&[(&mug, 3)]) }),
    )
    .await;
    assert_eq!(covered.status(), StatusCode::OK, "750 still covers it");
}
