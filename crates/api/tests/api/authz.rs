//! Who may call what: every route against every kind of caller.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with, uuid};

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Customer,
    Staff,
    Admin,
}

const CALLERS: [Who; 4] = [Who::Anonymous, Who::Customer, Who::Staff, Who::Admin];

/// What each route needs to succeed once its caller is allowed.
struct Fixture {
    product: String,
    customer: String,
    order: String,
    number: u64,
    user: String,
    webhook: String,
    delivery: String,
}

/// One row: a route, and the status expected for anonymous, customer, staff, admin.
struct Row {
    method: Method,
    pattern: &'static str,
    expected: [u16; 4],
}

fn row(method: Method, pattern: &'static str, expected: [u16; 4]) -> Row {
    Row {
        method,
        pattern,
        expected,
    }
}

fn matrix() -> Vec<Row> {
    use Method as M;
    vec![
        row(M::GET, "/healthz", [200, 200, 200, 200]),
        row(M::GET, "/readyz", [200, 200, 200, 200]),
        row(M::POST, "/auth/register", [201, 201, 201, 201]),
        row(M::POST, "/auth/login", [200, 200, 200, 200]),
        row(M::GET, "/auth/me", [401, 200, 200, 200]),
        row(M::POST, "/api/products", [401, 403, 403, 201]),
        row(M::GET, "/api/products", [401, 200, 200, 200]),
        row(M::GET, "/api/products/{id}", [401, 200, 200, 200]),
        row(M::PATCH, "/api/products/{id}", [401, 403, 403, 200]),
        row(M::POST, "/api/customers", [401, 403, 201, 201]),
        row(M::GET, "/api/customers", [401, 403, 200, 200]),
        row(M::GET, "/api/customers/{id}", [401, 403, 200, 200]),
        row(M::GET, "/api/users", [401, 403, 403, 200]),
        row(M::POST, "/api/users", [401, 403, 403, 201]),
        row(M::PATCH, "/api/users/{id}", [401, 403, 403, 200]),
        row(M::GET, "/api/webhooks", [401, 403, 403, 200]),
        row(M::POST, "/api/webhooks", [401, 403, 403, 201]),
        row(M::GET, "/api/webhooks/{id}", [401, 403, 403, 200]),
        row(M::PATCH, "/api/webhooks/{id}", [401, 403, 403, 200]),
        row(M::DELETE, "/api/webhooks/{id}", [401, 403, 403, 204]),
        row(
            M::POST,
            "/api/webhooks/{id}/secret/rotate",
            [401, 403, 403, 200],
        ),
        row(M::POST, "/api/webhooks/{id}/test", [401, 403, 403, 202]),
        row(
            M::GET,
            "/api/webhooks/{id}/deliveries",
            [401, 403, 403, 200],
        ),
        row(
            M::POST,
            "/api/webhooks/{id}/deliveries/{deliveryId}/retry",
            [401, 403, 403, 202],
        ),
        row(M::POST, "/api/orders", [401, 201, 201, 201]),
        row(M::GET, "/api/orders", [401, 200, 200, 200]),
        row(M::GET, "/api/orders/export/csv", [401, 403, 403, 200]),
        row(M::GET, "/api/orders/summary", [401, 200, 200, 200]),
        row(M::POST, "/api/orders/lookup", [200, 200, 200, 200]),
        row(M::GET, "/api/orders/{id}", [200, 200, 200, 200]),
        row(M::PUT, "/api/orders/{id}/status", [401, 403, 200, 200]),
        row(M::PATCH, "/api/orders/{id}", [401, 403, 200, 200]),
        row(M::POST, "/api/orders/{id}/notes", [401, 403, 201, 201]),
        row(M::POST, "/api/orders/{id}/shipments", [401, 403, 201, 201]),
        row(
            M::POST,
            "/api/orders/{id}/shipments/{shipmentId}/delivered",
            [401, 403, 200, 200],
        ),
        // Another customer's order is not theirs to know of.
        row(M::POST, "/api/orders/{id}/returns", [401, 404, 201, 201]),
        row(
            M::POST,
            "/api/orders/{id}/returns/{returnId}/receive",
            [401, 403, 200, 200],
        ),
        row(
            M::POST,
            "/api/orders/{id}/returns/{returnId}/reject",
            [401, 403, 200, 200],
        ),
        row(M::POST, "/api/orders/{id}/refunds", [401, 403, 201, 201]),
        // A plain GET is no upgrade (400), but the token is checked first;
        // feed.rs covers the upgrade itself.
        row(M::GET, "/ws", [401, 400, 400, 400]),
    ]
}

/// A request for `row` that succeeds for an allowed caller.
async fn request(app: &TestApp, fx: &Fixture, row: &Row, who: Who) -> (String, Option<Value>) {
    let id = match row.pattern {
        p if p.starts_with("/api/products/") => fx.product.clone(),
        p if p.starts_with("/api/customers/") => fx.customer.clone(),
        p if p.starts_with("/api/users/") => fx.user.clone(),
        // Deleting takes an endpoint of its own, so the rows after find theirs.
        "/api/webhooks/{id}" if row.method == Method::DELETE => webhook(app).await,
        p if p.starts_with("/api/webhooks/") => fx.webhook.clone(),
        "/api/orders/{id}/status" => app
            .order_for(&format!("m-{}@example.com", uuid()), &fx.product, 1)
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        "/api/orders/{id}/shipments" => confirmed(app, fx, false).await,
        "/api/orders/{id}/shipments/{shipmentId}/delivered" | "/api/orders/{id}/returns" => {
            confirmed(app, fx, true).await
        }
        "/api/orders/{id}/returns/{returnId}/receive"
        | "/api/orders/{id}/returns/{returnId}/reject" => with_return(app, fx).await,
        "/api/orders/{id}/refunds" => paid(app, fx).await,
        _ => fx.order.clone(),
    };
    let path = row
        .pattern
        .replace("{id}", &id)
        .replace("{shipmentId}", "1")
        .replace("{returnId}", "1")
        .replace("{deliveryId}", &fx.delivery);
    let email = format!("matrix-{}@example.com", uuid());
    let body = match (row.method.as_str(), row.pattern) {
        ("POST", "/auth/register") => {
            Some(json!({ "name": "M", "email": email, "password": "matrix-password-1" }))
        }
        ("POST", "/auth/login") => Some(
            json!({ "email": crate::helpers::STAFF_EMAIL, "password": crate::helpers::STAFF_PASSWORD }),
        ),
        ("POST", "/api/products") => Some(json!({ "name": "Matrix", "price": 1, "stock": 1 })),
        ("PATCH", "/api/users/{id}") => Some(json!({ "disabled": false })),
        ("PATCH", "/api/webhooks/{id}") => Some(json!({ "description": "Matrix" })),
        ("PATCH", "/api/orders/{id}") => Some(json!({ "shippingAddress": {
            "name": "M", "line1": "2 Side St", "city": "Matrix", "postalCode": "1", "country": "NL"
        } })),
        ("POST", "/api/orders/{id}/notes") => Some(json!({ "text": "Matrix" })),
        ("POST", "/api/orders/{id}/returns") => Some(json!({
            "items": [{ "productId": fx.product, "quantity": 1 }], "reason": "Matrix"
        })),
        ("POST", "/api/orders/{id}/returns/{returnId}/receive") => Some(json!({
            "items": [{ "productId": fx.product, "quantity": 1, "restock": true }]
        })),
        ("POST", "/api/orders/{id}/returns/{returnId}/reject") => {
            Some(json!({ "reason": "Matrix" }))
        }
        ("POST", "/api/orders/{id}/refunds") => Some(json!({ "amount": 1, "reason": "Matrix" })),
        ("POST", "/api/webhooks") => Some(json!({ "url": HOOK_URL })),
        ("PATCH", _) => Some(json!({ "price": 2 })),
        ("POST", "/api/users") => Some(
            json!({ "name": "M", "email": email, "role": "staff", "password": "matrix-password-1" }),
        ),
        ("POST", "/api/customers") => Some(json!({ "name": "M", "email": email })),
        ("POST", "/api/orders") => {
            let items = json!([{ "productId": fx.product, "quantity": 1 }]);
            match who {
                Who::Customer => Some(json!({ "items": items })),
                _ => Some(json!({ "customer": { "name": "M", "email": email }, "items": items })),
            }
        }
        ("POST", "/api/orders/lookup") => {
            Some(json!({ "number": fx.number, "email": "first@example.com" }))
        }
        ("PUT", _) => Some(json!({ "status": "confirmed" })),
        _ => None,
    };
    (path, body)
}

/// A new confirmed order's id, shipped in one shipment when `shipped`.
async fn confirmed(app: &TestApp, fx: &Fixture, shipped: bool) -> String {
    let email = format!("m-{}@example.com", uuid());
    let order = app.order_for(&email, &fx.product, 1).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let moved = app
        .set_status(&app.staff, &id, &json!({ "status": "confirmed" }))
        .await;
    assert_eq!(moved.status(), reqwest::StatusCode::OK);
    if shipped {
        let path = format!("/api/orders/{id}/shipments");
        let sent = app.post(&path, Some(&app.staff), &json!({})).await;
        assert_eq!(sent.status(), reqwest::StatusCode::CREATED);
    }
    id
}

/// A new shipped order with return 1 asked for by the staff; its id.
async fn with_return(app: &TestApp, fx: &Fixture) -> String {
    let id = confirmed(app, fx, true).await;
    let body = json!({ "items": [{ "productId": fx.product, "quantity": 1 }], "reason": "Matrix" });
    let asked = app
        .post(
            &format!("/api/orders/{id}/returns"),
            Some(&app.staff),
            &body,
        )
        .await;
    assert_eq!(asked.status(), reqwest::StatusCode::CREATED);
    id
}

/// A new order with its payment collected; its id.
async fn paid(app: &TestApp, fx: &Fixture) -> String {
    let email = format!("m-{}@example.com", uuid());
    let order = app.order_for(&email, &fx.product, 1).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let body = json!({ "status": "pending", "paymentCollected": true });
    let paid = app.set_status(&app.staff, &id, &body).await;
    assert_eq!(paid.status(), reqwest::StatusCode::OK);
    id
}

/// Where the matrix's endpoints point: nothing listens there.
const HOOK_URL: &str = "http://127.0.0.1:9/matrix";

/// A new endpoint's id.
async fn webhook(app: &TestApp) -> String {
    let made = app
        .post(
            "/api/webhooks",
            Some(&app.admin),
            &json!({ "url": HOOK_URL }),
        )
        .await;
    assert_eq!(made.status(), reqwest::StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    made["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_the_matrix_says() {
    let app = spawn_app_with(&[("OMS_WEBHOOK_ALLOW_PRIVATE", "true")]).await;
    let hook = webhook(&app).await;
    let ping = app
        .post(
            &format!("/api/webhooks/{hook}/test"),
            Some(&app.admin),
            &json!({}),
        )
        .await;
    let ping: Value = ping.json().await.unwrap();
    let product = app.product("Matrix Mug", 100, 1_000).await;
    let first = app.order_for("first@example.com", &product, 1).await;
    let fx = Fixture {
        product,
        customer: first["customer"]["id"].as_str().unwrap().to_owned(),
        order: first["id"].as_str().unwrap().to_owned(),
        number: first["number"].as_u64().unwrap(),
        user: crate::users::new_account(&app, "staff").await["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        webhook: hook,
        delivery: ping["id"].as_str().unwrap().to_owned(),
    };
    let (customer, _) = app.customer("Matrix").await;
    let matrix = matrix();

    let routes: BTreeSet<(String, String)> = oms_api::routes::table::<oms_memory::MemoryStore>()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let covered: BTreeSet<(String, String)> = matrix
        .iter()
        .map(|r| (r.method.to_string(), r.pattern.to_owned()))
        .collect();
    assert_eq!(
        covered, routes,
        "the matrix covers exactly the registered routes"
    );

    let mut wrong = Vec::new();
    for row in &matrix {
        for (n, who) in CALLERS.into_iter().enumerate() {
            let token = match who {
                Who::Anonymous => None,
                Who::Customer => Some(customer.as_str()),
                Who::Staff => Some(app.staff.as_str()),
                Who::Admin => Some(app.admin.as_str()),
            };
            let (path, body) = request(&app, &fx, row, who).await;
            let status = app
                .send(row.method.clone(), &path, token, body.as_ref())
                .await
                .status();
            if status.as_u16() != row.expected[n] {
                wrong.push(format!(
                    "{} {} as {who:?}: {status}, expected {}",
                    row.method, row.pattern, row.expected[n]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
