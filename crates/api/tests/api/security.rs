//! Hostile and malformed input, rate limits, headers, CORS, request ids.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{STAFF_EMAIL, fields, problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_body_over_64_kib_is_413() {
    let app = spawn_app().await;
    let name = "x".repeat(70 * 1024);
    let body = json!({ "name": name, "email": "a@example.com" });
    problem(
        app.post("/api/customers", Some(&app.staff), &body).await,
        413,
    )
    .await;
}

#[tokio::test]
async fn a_chunked_body_over_64_kib_is_413_without_a_length_to_go_by() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/customers HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        app.staff
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("2000\r\n{}\r\n", "x".repeat(0x2000));
    for _ in 0..9 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break; // the server may stop reading once it has refused
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = vec![0u8; 4096];
    let n = stream.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/customers"))
        .bearer_auth(&app.staff)
        .header("content-type", "text/plain")
        .body(r#"{"name":"a","email":"a@example.com"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(response, 415).await["code"],
        "unsupported_media_type"
    );
    let no_type = app
        .http
        .post(app.url("/auth/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(no_type, 415).await;
}

#[tokio::test]
async fn broken_json_is_400_and_unknown_fields_422() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/customers"))
        .bearer_auth(&app.staff)
        .header("content-type", "application/json")
        .body(r#"{"name": "a", "#)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(response, 400).await["code"], "malformed_request");
    let body = json!({ "name": "a", "email": "a@example.com", "isAdmin": true });
    let problem = problem(
        app.post("/api/customers", Some(&app.staff), &body).await,
        422,
    )
    .await;
    assert_eq!(fields(&problem), ["isAdmin"]);
}

#[tokio::test]
async fn operator_shaped_values_are_422_and_never_reach_the_store() {
    let app = spawn_app().await;
    let gt = json!({ "$gt": "" });
    let login = json!({ "email": gt, "password": gt });
    let refused = problem(app.post("/auth/login", None, &login).await, 422).await;
    assert_eq!(fields(&refused), ["email"]);
    let customer = json!({ "name": "Mallory", "email": { "$ne": null } });
    assert_eq!(
        fields(
            &problem(
                app.post("/api/customers", Some(&app.staff), &customer)
                    .await,
                422
            )
            .await
        ),
        ["email"]
    );
    let order = json!({
        "customer": { "name": "Mallory", "email": "m@example.com" },
        "items": [{ "productId": { "$exists": true }, "quantity": 1 }],
    });
    let refused = problem(app.post("/api/orders", Some(&app.staff), &order).await, 422).await;
    assert_eq!(fields(&refused), ["items[0].productId"]);
    let status = json!({ "status": { "$in": ["shipped"] } });
    let path = "/api/orders/00000000-0000-4000-8000-000000000000/status";
    let refused = problem(
        app.send(reqwest::Method::PUT, path, Some(&app.staff), Some(&status))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["status"]);
    let text = json!({ "name": "$where", "email": "dollar@example.com" });
    let stored: serde_json::Value = app
        .post("/api/customers", Some(&app.staff), &text)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        stored["name"], "$where",
        "a dollar sign inside a string is just text"
    );
    let response = app
        .get(
            "/api/customers?q=%7B%22%24gt%22%3A%22%22%7D",
            Some(&app.staff),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "search text is matched literally"
    );
}

#[tokio::test]
async fn password_guessing_is_throttled_with_retry_after() {
    let app = spawn_app_with(&[
        ("OMS_LOGIN_FAILURES", "2"),
        ("OMS_LOGIN_FAILURES_PER_MINUTE", "1"),
    ])
    .await;
    let guess = json!({ "email": STAFF_EMAIL, "password": "guess-guess" });
    for _ in 0..2 {
        assert_eq!(
            app.post("/auth/login", None, &guess).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = app.post("/auth/login", None, &guess).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(problem(response, 429).await["code"], "rate_limited");
    let right = json!({ "email": STAFF_EMAIL, "password": crate::helpers::STAFF_PASSWORD });
    let response = app.post("/auth/login", None, &right).await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even a right guess waits"
    );
    assert_eq!(
        app.get("/auth/me", Some(&app.staff)).await.status(),
        StatusCode::OK,
        "other routes are not throttled"
    );
}

#[tokio::test]
async fn successful_sign_ins_are_never_held_back() {
    let app = spawn_app().await;
    let (_, email) = app.customer("Busy").await;
    let login = json!({ "email": email, "password": "customer-pass-1" });
    for n in 0..30 {
        assert_eq!(
            app.post("/auth/login", None, &login).await.status(),
            StatusCode::OK,
            "sign-in {n}"
        );
    }
}

#[tokio::test]
async fn the_auth_routes_have_their_own_smaller_budget() {
    // spawn_app signs in twice, leaving three of the five.
    let app = spawn_app_with(&[
        ("OMS_AUTH_RATE_LIMIT_BURST", "5"),
        ("OMS_AUTH_RATE_LIMIT_PER_MINUTE", "1"),
    ])
    .await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let body = json!({ "name": "R", "email": format!("r{n}-{}@example.com", crate::helpers::uuid()), "password": "register-pass-1" });
        statuses.push(
            app.post("/auth/register", None, &body)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [201, 201, 201, 429]);
    assert_eq!(
        app.get("/healthz", None).await.status(),
        StatusCode::OK,
        "the general budget is separate"
    );
}

#[tokio::test]
async fn a_busy_client_is_throttled_only_past_its_burst() {
    let app = spawn_app_with(&[
        ("OMS_RATE_LIMIT_BURST", "20"),
        ("OMS_RATE_LIMIT_PER_SECOND", "1"),
    ])
    .await;
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(app.get("/healthz", None).await.status().as_u16());
    }
    assert!(statuses[..15].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for response in [
        app.get("/healthz", None).await,
        app.get("/api/orders", None).await,
        app.get("/nowhere", None).await,
    ] {
        let h = response.headers();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(h.contains_key("permissions-policy"));
        assert!(
            !h.contains_key("strict-transport-security"),
            "HSTS only when configured"
        );
    }
    let tls = spawn_app_with(&[("OMS_HSTS", "true")]).await;
    let response = tls.get("/healthz", None).await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_problems_too() {
    let app = spawn_app().await;
    assert_eq!(
        problem(app.get("/api/nowhere", None).await, 404).await["code"],
        "not_found"
    );
    let response = app
        .send(
            reqwest::Method::DELETE,
            "/api/orders",
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(problem(response, 405).await["code"], "method_not_allowed");
}

#[tokio::test]
async fn preflights_are_answered_for_configured_origins_only() {
    let app = spawn_app_with(&[("OMS_CORS_ORIGINS", "https://shop.example")]).await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/orders"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, idempotency-key",
            )
            .send()
    };
    let allowed = preflight("https://shop.example").await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    let methods = allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
    problem(refused, 400).await;
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins() {
    let app = spawn_app_with(&[("OMS_CORS_ORIGINS", "https://shop.example")]).await;
    let allowed = app
        .http
        .get(app.url("/healthz"))
        .header("origin", "https://shop.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    // Pages on that origin read the CSV export's file name and the request id.
    let exposed = allowed.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for header in ["content-disposition", "x-request-id", "retry-after"] {
        assert!(exposed.contains(header), "{header} not in {exposed}");
    }
    let other = app
        .http
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn request_ids_are_generated_or_passed_through() {
    let app = spawn_app().await;
    let generated = app.get("/healthz", None).await;
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let passed = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(passed.headers()["x-request-id"], "trace-42");
    let forged = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id\" injected")
        .send()
        .await
        .unwrap();
    assert_ne!(forged.headers()["x-request-id"], "bad id\" injected");
    let logs = String::from_utf8_lossy(&crate::helpers::LOGS.lock().unwrap()).into_owned();
    let line = logs
        .lines()
        .find(|l| l.contains("\"request_id\":\"trace-42\"") && l.contains("request finished"))
        .expect("the id is on the request's log lines");
    assert!(line.contains("\"http.route\":\"/healthz\""), "{line}");
}
