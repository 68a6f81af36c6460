//! Registration, sign-in, `/auth/me`, and tokens that must not pass.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, JWT_SECRET, LOGS, fields, problem, spawn_app, uuid};

#[tokio::test]
async fn registering_makes_a_customer_and_signs_it_in() {
    let app = spawn_app().await;
    let email = format!("ada-{}@example.com", uuid());
    let body = json!({ "name": "Ada", "email": email.to_uppercase(), "password": "long-enough-1" });
    let response = app.post("/auth/register", None, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "customer");
    assert_eq!(
        body["user"]["email"], email,
        "addresses are stored lower-cased"
    );
    assert!(body["expiresAt"].is_string());
    let me: Value = app
        .get("/auth/me", body["token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], email);
    assert_eq!(me["role"], "customer");
}

#[tokio::test]
async fn a_client_cannot_choose_its_role_at_registration() {
    let app = spawn_app().await;
    let body = json!({ "name": "Eve", "email": "eve@example.com", "password": "long-enough-1", "role": "admin" });
    let problem = problem(app.post("/auth/register", None, &body).await, 422).await;
    assert_eq!(fields(&problem), ["role"]);
}

#[tokio::test]
async fn a_taken_address_is_409_whatever_its_case() {
    let app = spawn_app().await;
    let body = json!({ "name": "Admin Two", "email": ADMIN_EMAIL.to_uppercase(), "password": "long-enough-1" });
    let problem = problem(app.post("/auth/register", None, &body).await, 409).await;
    assert_eq!(problem["code"], "duplicate_email");
}

#[tokio::test]
async fn registration_names_every_bad_field() {
    let app = spawn_app().await;
    let body = json!({ "name": " ", "email": "not-an-address", "password": "short" });
    let problem = problem(app.post("/auth/register", None, &body).await, 422).await;
    let mut named = fields(&problem);
    named.sort();
    assert_eq!(named, ["email", "name", "password"]);
}

#[tokio::test]
async fn login_returns_a_token_that_expires_in_an_hour() {
    let app = spawn_app().await;
    let (_, email) = app.customer("Lin").await;
    let body = json!({ "email": email, "password": "customer-pass-1" });
    let response = app.post("/auth/login", None, &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], email);
    let expires = time::OffsetDateTime::parse(
        body["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expires - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(59) && left <= time::Duration::minutes(60),
        "{left}"
    );
}

#[tokio::test]
async fn every_failed_login_gets_the_same_401() {
    let app = spawn_app().await;
    let (_, email) = app.customer("Kim").await;
    let attempts = [
        json!({ "email": email, "password": "wrong-password" }),
        json!({ "email": "nobody@example.com", "password": "customer-pass-1" }),
        json!({ "email": "not an address", "password": "customer-pass-1" }),
        json!({ "email": email, "password": "x" }),
    ];
    let mut details = Vec::new();
    for body in &attempts {
        let response = app.post("/auth/login", None, body).await;
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        details.push(problem(response, 401).await["detail"].clone());
    }
    assert!(details.windows(2).all(|w| w[0] == w[1]), "{details:?}");
}

#[tokio::test]
async fn me_without_a_token_is_401_with_a_bearer_challenge() {
    let app = spawn_app().await;
    let response = app.get("/auth/me", None).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    problem(response, 401).await;
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn claims(sub: &str, iat: i64, exp: i64) -> Value {
    json!({ "sub": sub, "role": "admin", "iss": "oms", "aud": "oms-api", "iat": iat, "exp": exp })
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_401() {
    let app = spawn_app().await;
    let me: Value = app
        .get("/auth/me", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    let sub = me["id"].as_str().unwrap();
    let good = claims(sub, now(), now() + 600);
    assert_eq!(
        app.get("/auth/me", Some(&sign(&good, JWT_SECRET)))
            .await
            .status(),
        StatusCode::OK,
        "a correctly signed token passes, so the refusals below are about the faults"
    );

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(good.to_string());
    let unsigned = format!("{header}.{payload}.");

    let signed = sign(&good, JWT_SECRET);
    let (head, signature) = signed.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{head}.{flipped}{}", &signature[1..]);

    let mut altered = claims(sub, now(), now() + 600);
    altered["role"] = json!("customer");
    let escalated_payload = URL_SAFE_NO_PAD.encode(altered.to_string());
    let (signed_head, _) = head.split_once('.').unwrap();
    let swapped_claims = format!("{signed_head}.{escalated_payload}.{signature}");

    let mut wrong_issuer = good.clone();
    wrong_issuer["iss"] = json!("someone-else");
    let mut wrong_audience = good.clone();
    wrong_audience["aud"] = json!("another-api");
    let cases = [
        ("alg none", unsigned),
        ("tampered signature", tampered),
        ("claims swapped under a valid signature", swapped_claims),
        (
            "expired",
            sign(&claims(sub, now() - 7200, now() - 3600), JWT_SECRET),
        ),
        (
            "issued in the future",
            sign(&claims(sub, now() + 3600, now() + 7200), JWT_SECRET),
        ),
        (
            "another secret",
            sign(&good, "another-secret-that-is-32-bytes-long!!"),
        ),
        ("wrong issuer", sign(&wrong_issuer, JWT_SECRET)),
        ("wrong audience", sign(&wrong_audience, JWT_SECRET)),
        ("not a jwt", "garbage".to_owned()),
    ];
    for (name, token) in cases {
        let response = app.get("/auth/me", Some(&token)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\"",
            "{name}"
        );
        problem(response, 401).await;
    }
}

#[tokio::test]
async fn passwords_and_tokens_never_reach_the_log() {
    let app = spawn_app().await;
    let email = format!("secretive-{}@example.com", uuid());
    let password = format!("pw-{}", uuid());
    let body = json!({ "name": "Sam", "email": email, "password": password });
    let registered: Value = app
        .post("/auth/register", None, &body)
        .await
        .json()
        .await
        .unwrap();
    let token = app.login(&email, &password).await;
    app.get("/auth/me", Some(&token)).await;
    let bad = json!({ "email": email, "password": format!("{password}-wrong") });
    app.post("/auth/login", None, &bad).await;
    let logs = String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned();
    assert!(
        logs.contains("request finished"),
        "the log sink is receiving lines"
    );
    assert!(!logs.contains(&password), "a password was logged");
    assert!(!logs.contains(&token), "a token was logged");
    assert!(
        !logs.contains(registered["token"].as_str().unwrap()),
        "a token was logged"
    );
    assert!(!logs.contains("$argon2"), "a password hash was logged");
}

#[tokio::test]
async fn an_account_lists_what_its_role_may_do() {
    let app = spawn_app().await;
    let permissions = |token: String| {
        let app = &app;
        async move {
            let me: Value = app
                .get("/auth/me", Some(&token))
                .await
                .json()
                .await
                .unwrap();
            me["permissions"].clone()
        }
    };
    let (customer, _) = app.customer("Cy").await;
    assert_eq!(
        permissions(customer).await,
        json!(["viewCatalog", "placeOwnOrder", "cancelOwnPendingOrder"])
    );
    let staff = permissions(app.staff.clone()).await;
    assert!(
        staff
            .as_array()
            .unwrap()
            .contains(&json!("changeOrderStatus"))
    );
    assert!(!staff.as_array().unwrap().contains(&json!("exportOrders")));
    assert!(!staff.as_array().unwrap().contains(&json!("manageUsers")));
    assert!(!staff.as_array().unwrap().contains(&json!("manageWebhooks")));
    let admin = permissions(app.admin.clone()).await;
    assert_eq!(admin.as_array().unwrap().len(), 12, "{admin}");
    assert!(admin.as_array().unwrap().contains(&json!("manageUsers")));
    assert!(admin.as_array().unwrap().contains(&json!("manageWebhooks")));
    assert!(admin.as_array().unwrap().contains(&json!("manageCatalog")));
}
