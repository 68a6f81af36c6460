//! Placing, tracking, listing and moving orders.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{fields, problem, spawn_app, uuid};

#[tokio::test]
async fn staff_place_an_order_for_a_customer_and_stock_is_reserved() {
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 10).await;
    let plate = app.product("Plate", 800, 5).await;
    let body = json!({
        "customer": { "name": "Grace Hopper", "email": "Grace@Example.com" },
        "items": [
            { "productId": mug, "quantity": 2 },
            { "productId": plate, "quantity": 1 },
        ],
        "paymentCollected": true,
    });
    let response = app.post("/api/orders", Some(&app.staff), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let order: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/orders/{}", order["id"].as_str().unwrap())
    );
    assert_eq!(order["customer"]["name"], "Grace Hopper");
    assert_eq!(order["customer"]["email"], "grace@example.com");
    assert!(order["customer"]["id"].is_string());
    assert_eq!(
        order["items"],
        json!([
            { "productId": mug, "name": "Blue Mug", "unitPrice": 1250, "quantity": 2, "shippedQuantity": 0, "returnedQuantity": 0, "lineTotal": 2500 },
            { "productId": plate, "name": "Plate", "unitPrice": 800, "quantity": 1, "shippedQuantity": 0, "returnedQuantity": 0, "lineTotal": 800 },
        ])
    );
    assert_eq!(order["total"], 3300);
    assert_eq!(order["paymentCollected"], true);
    assert_eq!(order["status"], "pending");
    assert_eq!(order["history"], json!([]));
    assert_eq!(order["version"], 1);
    for stamp in ["createdAt", "updatedAt"] {
        assert!(order[stamp].as_str().unwrap().ends_with('Z'), "{stamp}");
    }
    assert_eq!(app.stock_of(&mug).await, 8);
    assert_eq!(app.stock_of(&plate).await, 4);
}

#[tokio::test]
async fn a_customer_ordering_under_an_address_staff_recorded_is_named_as_its_account_says() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 5).await;
    let email = format!("kim-{}@shop.example", uuid());
    let recorded = json!({
        "customer": { "name": "Kim (pays late, call first)", "email": email },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    let by_staff = app.post("/api/orders", Some(&app.staff), &recorded).await;
    assert_eq!(by_staff.status(), StatusCode::CREATED);
    let registered = json!({ "name": "Kim", "email": email, "password": "customer-pass-1" });
    let response = app.post("/auth/register", None, &registered).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({ "items": [{ "productId": mug, "quantity": 1 }] });
    let own = app.post("/api/orders", Some(&token), &body).await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let order: Value = own.json().await.unwrap();
    assert_eq!(
        order["customer"]["name"], "Kim",
        "not the name staff recorded"
    );
    assert_eq!(order["customer"]["email"], email.as_str());
}

#[tokio::test]
async fn a_customer_orders_for_itself() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 3).await;
    let (token, email) = app.customer("Lin").await;
    let body = json!({ "items": [{ "productId": mug, "quantity": 1 }] });
    let response = app.post("/api/orders", Some(&token), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let order: Value = response.json().await.unwrap();
    assert_eq!(order["customer"]["email"], email);
    assert_eq!(order["customer"]["name"], "Lin");
    let for_someone_else = json!({
        "customer": { "name": "Other", "email": "other@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    problem(
        app.post("/api/orders", Some(&token), &for_someone_else)
            .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn staff_must_name_the_customer() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 3).await;
    let body = json!({ "items": [{ "productId": mug, "quantity": 1 }] });
    let problem = problem(app.post("/api/orders", Some(&app.staff), &body).await, 422).await;
    assert_eq!(fields(&problem), ["customer"]);
}

#[tokio::test]
async fn too_little_stock_is_409_naming_the_product_and_nothing_is_reserved() {
    let app = spawn_app().await;
    let mug = app.product("Blue Mug", 1250, 3).await;
    let plate = app.product("Plate", 800, 5).await;
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [{ "productId": plate, "quantity": 2 }, { "productId": mug, "quantity": 4 }],
    });
    let problem = problem(app.post("/api/orders", Some(&app.staff), &body).await, 409).await;
    assert_eq!(problem["code"], "out_of_stock");
    assert_eq!(problem["productId"], mug.as_str());
    assert_eq!(problem["productName"], "Blue Mug");
    assert_eq!(
        (problem["requested"].as_u64(), problem["available"].as_u64()),
        (Some(4), Some(3))
    );
    assert!(problem["detail"].as_str().unwrap().contains("Blue Mug"));
    assert_eq!(app.stock_of(&mug).await, 3);
    assert_eq!(
        app.stock_of(&plate).await,
        5,
        "an all-or-nothing order reserves no line"
    );
}

#[tokio::test]
async fn unknown_products_and_bad_lines_are_422_by_field() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 3).await;
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [
            { "productId": mug, "quantity": 1 },
            { "productId": "00000000-0000-4000-8000-000000000000", "quantity": 1 },
        ],
    });
    let unknown = problem(app.post("/api/orders", Some(&app.staff), &body).await, 422).await;
    assert_eq!(unknown["code"], "unknown_product");
    assert_eq!(fields(&unknown), ["items[1].productId"]);
    let body = json!({
        "customer": { "name": "", "email": "bad" },
        "items": [{ "productId": "nope", "quantity": 0 }, { "productId": mug, "quantity": 10001 }],
    });
    let invalid = problem(app.post("/api/orders", Some(&app.staff), &body).await, 422).await;
    let mut named = fields(&invalid);
    named.sort();
    assert_eq!(
        named,
        [
            "customer.email",
            "customer.name",
            "items[0].productId",
            "items[0].quantity",
            "items[1].quantity"
        ]
    );
    let empty = json!({ "customer": { "name": "Ann", "email": "ann@example.com" }, "items": [] });
    let problem = problem(app.post("/api/orders", Some(&app.staff), &empty).await, 422).await;
    assert_eq!(fields(&problem), ["items"]);
    assert_eq!(app.stock_of(&mug).await, 3);
}

#[tokio::test]
async fn an_idempotency_key_makes_a_retry_return_the_first_order() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let body = json!({
        "customer": { "name": "Ann", "email": "ann@example.com" },
        "items": [{ "productId": mug, "quantity": 2 }],
    });
    let key = format!("order-{}", uuid());
    let (app, key) = (&app, key.as_str());
    let send = move |body: Value| async move { app.place_with_key(key, &body).await };
    let first = send(body.clone()).await;
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first: Value = first.json().await.unwrap();
    let again = send(body.clone()).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.stock_of(&mug).await, 8, "reserved once");
    let mut changed = body;
    changed["items"][0]["quantity"] = json!(3);
    let problem = problem(send(changed).await, 422).await;
    assert_eq!(problem["code"], "idempotency_key_reused");
    assert_eq!(app.stock_of(&mug).await, 8);
}

#[tokio::test]
async fn a_customer_sees_its_own_order_whole_but_not_who_on_the_staff_moved_it() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (ann, email) = app.customer("Ann").await;
    let order = app.own_order(&ann, &mug).await;
    let id = order["id"].as_str().unwrap();
    let confirm = json!({ "status": "confirmed" });
    assert_eq!(
        app.set_status(&app.staff, id, &confirm).await.status(),
        StatusCode::OK
    );
    let own: Value = app
        .get(&format!("/api/orders/{id}"), Some(&ann))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["customer"]["email"], email.as_str());
    assert_eq!(own["paymentCollected"], false);
    assert_eq!(own["history"][0]["to"], "confirmed");
    for private in ["byRole", "byUserId"] {
        assert!(own["history"][0].get(private).is_none(), "{own}");
    }
}

#[tokio::test]
async fn tracking_is_public_with_the_first_name_only_and_no_roles() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let order = app.order_for("grace@example.com", &mug, 1).await;
    let id = order["id"].as_str().unwrap();
    let confirm = json!({ "status": "confirmed" });
    assert_eq!(
        app.set_status(&app.staff, id, &confirm).await.status(),
        StatusCode::OK
    );
    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        public["customer"],
        json!({ "name": "Pat" }),
        "the first name only: no address, no id"
    );
    assert!(public.get("paymentCollected").is_none(), "{public}");
    assert_eq!(public["status"], "confirmed");
    assert_eq!(public["history"][0]["to"], "confirmed");
    for private in ["byRole", "byUserId"] {
        assert!(public["history"][0].get(private).is_none(), "{public}");
    }
    let (stranger, _) = app.customer("Stranger").await;
    let seen: Value = app
        .get(&format!("/api/orders/{id}"), Some(&stranger))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen, public, "another customer sees what anyone sees");
    let staff: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff["customer"]["email"], "grace@example.com");
    assert_eq!(staff["customer"]["name"], "Pat Buyer");
    assert_eq!(staff["paymentCollected"], false);
    assert_eq!(staff["history"][0]["byRole"], "staff");
    assert!(staff["history"][0]["byUserId"].is_string());
    for missing in [
        "00000000-0000-4000-8000-000000000000",
        "not-an-id",
        "%7B%22%24gt%22%3A%22%22%7D",
    ] {
        problem(app.get(&format!("/api/orders/{missing}"), None).await, 404).await;
    }
}

#[tokio::test]
async fn lists_filter_by_status_and_customer_and_customers_see_their_own() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 50).await;
    let (lin, _) = app.customer("Lin").await;
    let lins = app.own_order(&lin, &mug).await;
    // Timestamps are whole milliseconds and two orders in one millisecond
    // tie (broken by id): a pause makes "newest" mean one order.
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(3));
    pause().await;
    let a = app.order_for("a@example.com", &mug, 1).await;
    pause().await;
    let b = app.order_for("b@example.com", &mug, 1).await;
    let cancel = json!({ "status": "cancelled" });
    app.set_status(&app.staff, b["id"].as_str().unwrap(), &cancel)
        .await;

    let all: Value = app
        .get("/api/orders", Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    assert_eq!(all["items"][0]["id"], b["id"], "newest first");
    let cancelled: Value = app
        .get("/api/orders?status=cancelled", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&cancelled), [b["id"].clone()]);
    let customer = a["customer"]["id"].as_str().unwrap();
    let by_customer: Value = app
        .get(
            &format!("/api/orders?customerId={customer}"),
            Some(&app.staff),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&by_customer), [a["id"].clone()]);
    let mine: Value = app
        .get("/api/orders", Some(&lin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&mine), [lins["id"].clone()]);
    let paged: Value = app
        .get("/api/orders?limit=2", Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paged["items"].as_array().unwrap().len(), 2);
    assert!(paged["nextCursor"].is_string());
    for query in [
        "status=lost",
        "from=yesterday",
        "customerId=nope",
        "limit=x",
    ] {
        let problem = problem(
            app.get(&format!("/api/orders?{query}"), Some(&app.staff))
                .await,
            422,
        )
        .await;
        let field = query.split('=').next().unwrap();
        assert_eq!(fields(&problem), [field], "{query}");
    }
}

fn ids(page: &Value) -> Vec<Value> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].clone())
        .collect()
}

#[tokio::test]
async fn status_changes_follow_the_machine_and_cancelling_returns_stock() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let order = app.order_for("ann@example.com", &mug, 4).await;
    let id = order["id"].as_str().unwrap();
    let response = app
        .set_status(
            &app.staff,
            id,
            &json!({ "status": "confirmed", "paymentCollected": true }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let confirmed: Value = response.json().await.unwrap();
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["paymentCollected"], true);
    assert_eq!(confirmed["history"][0]["from"], "pending");
    assert_eq!(confirmed["history"][0]["to"], "confirmed");

    let illegal = app
        .set_status(&app.staff, id, &json!({ "status": "delivered" }))
        .await;
    assert_eq!(problem(illegal, 409).await["code"], "illegal_transition");
    let stale = app
        .set_status(
            &app.staff,
            id,
            &json!({ "status": "shipped", "expectedVersion": 1 }),
        )
        .await;
    let stale = problem(stale, 409).await;
    assert_eq!(stale["code"], "version_mismatch");
    assert_eq!(stale["currentVersion"], confirmed["version"]);
    let unknown = app
        .set_status(&app.staff, id, &json!({ "status": "lost" }))
        .await;
    assert_eq!(fields(&problem(unknown, 422).await), ["status"]);
    let missing = app
        .set_status(
            &app.staff,
            "00000000-0000-4000-8000-000000000000",
            &json!({ "status": "confirmed" }),
        )
        .await;
    problem(missing, 404).await;

    assert_eq!(app.stock_of(&mug).await, 6);
    let cancel = app
        .set_status(
            &app.admin,
            id,
            &json!({ "status": "cancelled", "expectedVersion": confirmed["version"] }),
        )
        .await;
    assert_eq!(cancel.status(), StatusCode::OK);
    assert_eq!(app.stock_of(&mug).await, 10);
    let cancelled: Value = cancel.json().await.unwrap();
    // Sent again by whoever cancelled it (an answer lost on the way): the
    // order as it is; by anyone else: the order is already cancelled.
    let again = app
        .set_status(&app.admin, id, &json!({ "status": "cancelled" }))
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["version"], cancelled["version"], "nothing written");
    let by_staff = app
        .set_status(&app.staff, id, &json!({ "status": "cancelled" }))
        .await;
    assert_eq!(problem(by_staff, 409).await["code"], "illegal_transition");
    assert_eq!(app.stock_of(&mug).await, 10, "stock comes back once");
}

#[tokio::test]
async fn a_customer_may_cancel_only_its_own_pending_order() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 10).await;
    let (lin, _) = app.customer("Lin").await;
    let own = app.own_order(&lin, &mug).await;
    let own_id = own["id"].as_str().unwrap();
    let others = app.order_for("someone@example.com", &mug, 1).await;
    let confirm = json!({ "status": "confirmed" });
    let cancel = json!({ "status": "cancelled" });
    problem(app.set_status(&lin, own_id, &confirm).await, 403).await;
    problem(
        app.set_status(&lin, others["id"].as_str().unwrap(), &cancel)
            .await,
        403,
    )
    .await;
    assert_eq!(
        app.set_status(&lin, own_id, &cancel).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.stock_of(&mug).await, 9);
}

#[tokio::test]
async fn one_hundred_buyers_for_ten_units_make_exactly_ten_orders() {
    let app = spawn_app().await;
    let mug = app.product("Last Mugs", 900, 10).await;
    let buyers = (0..100).map(|n| {
        let app = &app;
        let mug = mug.clone();
        async move {
            let body = json!({
                "customer": { "name": format!("Buyer {n}"), "email": format!("buyer{n}@example.com") },
                "items": [{ "productId": mug, "quantity": 1 }],
            });
            app.post("/api/orders", Some(&app.staff), &body).await.status()
        }
    });
    let statuses = join_all(buyers).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (10, 90), "{statuses:?}");
    assert_eq!(app.stock_of(&mug).await, 0);
    let listed: Value = app
        .get("/api/orders?limit=100", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn the_summary_counts_orders_by_status_with_paid_revenue_and_what_is_outstanding() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 1250, 50).await;
    let first = app.order_for("ann@example.com", &mug, 2).await;
    let second = app.order_for("bob@example.com", &mug, 1).await;
    let third = app.order_for("ann@example.com", &mug, 4).await;
    let paid = json!({ "status": "confirmed", "paymentCollected": true });
    let cancel = json!({ "status": "cancelled" });
    for (order, body) in [(&second, &paid), (&third, &cancel)] {
        let id = order["id"].as_str().unwrap();
        let status = &body["status"];
        let response = app.set_status(&app.staff, id, body).await;
        assert_eq!(response.status(), StatusCode::OK, "{status}");
    }

    let response = app.get("/api/orders/summary", Some(&app.admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let summary: Value = response.json().await.unwrap();
    assert_eq!(
        summary,
        json!({
            "byStatus": { "pending": 1, "confirmed": 1, "partially_shipped": 0, "shipped": 0, "delivered": 0, "cancelled": 1 },
            "orders": 3,
            "revenue": 1250,
            "outstanding": 2500,
            "refunded": 0,
            "netRevenue": 1250,
            "currency": "USD",
        })
    );

    let customer = first["customer"]["id"].as_str().unwrap();
    let path = format!("/api/orders/summary?customerId={customer}&status=pending");
    let anns: Value = app.get(&path, Some(&app.staff)).await.json().await.unwrap();
    assert_eq!(
        (
            anns["orders"].as_u64(),
            anns["revenue"].as_i64(),
            anns["outstanding"].as_i64()
        ),
        (Some(1), Some(0), Some(2500))
    );

    let future = "/api/orders/summary?from=2999-01-01T00:00:00Z";
    let none: Value = app
        .get(future, Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (none["orders"].as_u64(), none["revenue"].as_i64()),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn a_customers_summary_covers_only_its_own_orders() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 700, 10).await;
    app.order_for("someone@example.com", &mug, 3).await;
    let (token, _) = app.customer("Ida").await;
    app.own_order(&token, &mug).await;
    let mine: Value = app
        .get("/api/orders/summary", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["orders"], 1);
    assert_eq!(
        (&mine["revenue"], &mine["outstanding"]),
        (&json!(0), &json!(700))
    );
    assert_eq!(mine["byStatus"]["pending"], 1);
}

#[tokio::test]
async fn the_summary_refuses_bad_filters_and_strangers() {
    let app = spawn_app().await;
    let body = problem(app.get("/api/orders/summary", None).await, 401).await;
    assert_eq!(body["code"], "unauthorized");
    let bad = app
        .get(
            "/api/orders/summary?status=lost&from=yesterday",
            Some(&app.admin),
        )
        .await;
    let body = problem(bad, 422).await;
    assert_eq!(fields(&body), ["status", "from"]);
    let paging = app
        .get("/api/orders/summary?limit=abc&cursor=x", Some(&app.admin))
        .await;
    assert_eq!(paging.status(), StatusCode::OK, "a summary has no pages");
}

#[tokio::test]
async fn every_order_view_names_the_moves_its_status_allows() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 100, 10).await;
    let order = app.order_for("ann@example.com", &mug, 1).await;
    assert_eq!(order["nextStatuses"], json!(["confirmed", "cancelled"]));
    let id = order["id"].as_str().unwrap();
    let confirmed = app
        .set_status(&app.staff, id, &json!({ "status": "confirmed" }))
        .await;
    let confirmed: Value = confirmed.json().await.unwrap();
    assert_eq!(confirmed["nextStatuses"], json!(["shipped", "cancelled"]));
    let cancelled = app
        .set_status(&app.staff, id, &json!({ "status": "cancelled" }))
        .await;
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled["nextStatuses"], json!([]));
    let public: Value = app
        .get(&format!("/api/orders/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["nextStatuses"], json!([]));
}

#[tokio::test]
async fn a_cancellation_keeps_its_reason_for_staff_and_the_customer_only() {
    let app = spawn_app().await;
    let mug = app.product("Mug", 500, 5).await;
    let (token, _) = app.customer("Rae").await;
    let order = app.own_order(&token, &mug).await;
    let id = order["id"].as_str().unwrap();

    let too_long = json!({ "status": "cancelled", "reason": "x".repeat(501) });
    let refused = problem(app.set_status(&app.staff, id, &too_long).await, 422).await;
    assert_eq!(fields(&refused), ["reason"]);
    let two_lines = json!({ "status": "cancelled", "reason": "one\ntwo" });
    let refused = problem(app.set_status(&app.staff, id, &two_lines).await, 422).await;
    assert_eq!(fields(&refused), ["reason"]);

    let body = json!({ "status": "cancelled", "reason": "  Ordered twice by mistake " });
    let response = app.set_status(&app.staff, id, &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cancelled: Value = response.json().await.unwrap();
    assert_eq!(
        cancelled["history"][0]["reason"],
        "Ordered twice by mistake"
    );
    let path = format!("/api/orders/{id}");
    let own: Value = app.get(&path, Some(&token)).await.json().await.unwrap();
    assert_eq!(own["history"][0]["reason"], "Ordered twice by mistake");
    let public: Value = app.get(&path, None).await.json().await.unwrap();
    assert!(
        public["history"][0].get("reason").is_none(),
        "not for strangers: {public}"
    );
}
