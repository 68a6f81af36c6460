//! The OpenAPI document says what the server does (CI also fuzzes one
//! against the other with schemathesis, `.ci/api-fuzz`).

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{fields, operations, problem, spawn_app, uuid};

async fn document() -> Value {
    spawn_app().await.document().await
}

fn statuses(op: &Value) -> BTreeSet<&str> {
    op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn operation_ids_are_unique_and_links_name_real_operations() {
    let doc = document().await;
    let ops = operations(&doc);
    let ids: BTreeSet<&str> = ops
        .iter()
        .map(|(m, p, op)| {
            op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{m} {p}"))
        })
        .collect();
    assert_eq!(ids.len(), ops.len(), "operation ids repeat");
    let mut links = 0;
    for (method, path, op) in &ops {
        for response in op["responses"].as_object().unwrap().values() {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let target = link["operationId"].as_str();
                assert!(
                    target.is_some_and(|t| ids.contains(t)),
                    "{method} {path} link {name}: {link}"
                );
                assert!(link.get("operation_id").is_none());
                links += 1;
            }
        }
    }
    assert!(links >= 7, "only {links} links");
}

/// Each operation answers a body that is not JSON with 415 and a request
/// without a token (where one is required) with 401, and says so.
#[tokio::test]
async fn every_operation_answers_and_lists_the_statuses_it_shares_with_its_kind() {
    let app = spawn_app().await;
    let doc = app.document().await;
    for (method, path, op) in operations(&doc) {
        let listed = statuses(op);
        assert!(listed.contains("429"), "{method} {path}: {listed:?}");
        let url = app.url(&path.replace("{id}", "00000000-0000-4000-8000-000000000000"));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        if op.get("requestBody").is_some() {
            let sent = app
                .http
                .request(method.clone(), &url)
                .bearer_auth(&app.admin);
            let answer = sent
                .header("content-type", "text/plain")
                .body("x")
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 415, "{method} {path}");
            for status in ["400", "413", "415", "422"] {
                assert!(listed.contains(status), "{method} {path} lacks {status}");
            }
        }
        let required = op["security"].as_array().is_some_and(|s| {
            !s.iter()
                .any(|r| r.as_object().is_some_and(|r| r.is_empty()))
        });
        if required && path != "/ws" {
            let answer = app.http.request(method.clone(), &url).send().await.unwrap();
            assert_eq!(answer.status(), 401, "{method} {path}");
            assert!(listed.contains("401"), "{method} {path} lacks 401");
        }
    }
}

#[tokio::test]
async fn field_rules_in_the_document_come_from_the_domain() {
    let doc = document().await;
    let product = &doc["components"]["schemas"]["CreateProductRequest"]["properties"];
    assert_eq!(product["name"]["maxLength"], 200);
    assert_eq!(product["price"]["maximum"], 1_000_000_000_i64);
    assert_eq!(product["stock"]["maximum"], 1_000_000_000);
    let line = &doc["components"]["schemas"]["OrderItemRequest"]["properties"];
    assert_eq!(line["quantity"]["minimum"], 1);
    assert_eq!(line["quantity"]["maximum"], 10_000);
    let status = &doc["components"]["schemas"]["ChangeStatusRequest"]["properties"]["status"];
    assert_eq!(
        status["enum"],
        json!([
            "pending",
            "confirmed",
            "partially_shipped",
            "shipped",
            "delivered",
            "cancelled"
        ])
    );
    let update = &doc["components"]["schemas"]["UpdateProductRequest"];
    assert_eq!(
        update["allOf"][1]["anyOf"],
        json!([
            {"type": "object", "required": ["name"]},
            {"type": "object", "required": ["archived"]},
            {"type": "object", "required": ["price"]},
            {"type": "object", "required": ["stock"]}
        ])
    );
}

#[tokio::test]
async fn a_whole_number_written_with_a_point_is_that_integer() {
    let app = spawn_app().await;
    let body = json!({ "name": format!("Float Mug {}", uuid()), "price": 1250.0, "stock": 3e0 });
    let response = app.post("/api/products", Some(&app.admin), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        (created["price"].clone(), created["stock"].clone()),
        (json!(1250), json!(3))
    );
    let fraction = json!({ "name": "Half Mug", "price": 12.5, "stock": 1 });
    let refused = problem(
        app.post("/api/products", Some(&app.admin), &fraction).await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["price"]);
}

#[tokio::test]
async fn an_optional_field_sent_as_null_is_refused() {
    let app = spawn_app().await;
    let product = app.product("Null Mug", 500, 5).await;
    let body = json!({ "price": null, "stock": 4 });
    let path = format!("/api/products/{product}");
    let response = app
        .send(Method::PATCH, &path, Some(&app.admin), Some(&body))
        .await;
    let refused = problem(response, 422).await;
    assert_eq!(fields(&refused), ["price"]);
    assert_eq!(app.stock_of(&product).await, 5, "nothing was written");
}

#[tokio::test]
async fn a_typed_query_parameter_sent_empty_is_refused() {
    let app = spawn_app().await;
    for (query, field) in [
        ("status=", "status"),
        ("limit=", "limit"),
        ("customerId=", "customerId"),
        ("from=", "from"),
    ] {
        let response = app
            .get(&format!("/api/orders?{query}"), Some(&app.admin))
            .await;
        let refused = problem(response, 422).await;
        assert_eq!(fields(&refused), [field], "{query}");
    }
}

#[tokio::test]
async fn a_date_bound_outside_the_stored_range_still_filters() {
    let app = spawn_app().await;
    let product = app.product("Old Mug", 500, 5).await;
    let (_, email) = app.customer("Ada").await;
    app.order_for(&email, &product, 1).await;
    let all: Value = app
        .get(
            "/api/orders?from=0235-01-04T20:04:59Z&limit=100",
            Some(&app.admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!all["items"].as_array().unwrap().is_empty());
    let none: Value = app
        .get("/api/orders?to=0706-09-12T11:16:00Z", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn a_name_with_a_control_character_at_its_end_is_refused() {
    let app = spawn_app().await;
    let body = json!({ "name": "Ann Lee\n", "email": format!("ann-{}@example.com", uuid()) });
    let refused = problem(
        app.post("/api/customers", Some(&app.admin), &body).await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["name"]);
}
