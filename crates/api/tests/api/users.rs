//! Accounts as admins manage them (`/api/users`): only admins, any role,
//! the password rules, disabled accounts signed out at once, and the last
//! active admin kept.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, STAFF_EMAIL, TestApp, fields, problem, spawn_app, uuid};

const PASSWORD: &str = "counter-shelf-42";

/// A new account with `role`, made by the admin; returns the account.
pub async fn new_account(app: &TestApp, role: &str) -> Value {
    let email = format!("{role}-{}@shop.example", uuid());
    let body = json!({ "name": "Sam Counter", "email": email, "role": role, "password": PASSWORD });
    let response = app.post("/api/users", Some(&app.admin), &body).await;
    assert_eq!(response.status(), 201, "creating a {role} account");
    response.json().await.unwrap()
}

async fn patch(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.send(
        Method::PATCH,
        &format!("/api/users/{id}"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn an_admin_creates_staff_and_admins_and_lists_them_without_customers() {
    let app = spawn_app().await;
    let _customer = app.customer("Cora").await;
    let created = new_account(&app, "staff").await;
    assert_eq!(created["role"], "staff");
    assert_eq!(created["disabled"], false);
    assert!(created.get("password").is_none() && created.get("passwordHash").is_none());

    let response = app.get("/api/users", Some(&app.admin)).await;
    assert_eq!(response.status(), 200);
    let list: Value = response.json().await.unwrap();
    let emails: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert!(
        emails.contains(&ADMIN_EMAIL) && emails.contains(&STAFF_EMAIL),
        "{emails:?}"
    );
    assert!(emails.contains(&created["email"].as_str().unwrap()));
    assert!(
        !emails.iter().any(|e| e.starts_with("cora-")),
        "no customers: {emails:?}"
    );
    assert_eq!(list["nextCursor"], Value::Null);

    let token = app
        .login(created["email"].as_str().unwrap(), PASSWORD)
        .await;
    let me: Value = app
        .get("/auth/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "staff");

    let again =
        json!({ "name": "Twin", "email": created["email"], "role": "admin", "password": PASSWORD });
    let taken = problem(app.post("/api/users", Some(&app.admin), &again).await, 409).await;
    assert_eq!(taken["code"], "duplicate_email");
}

#[tokio::test]
async fn staff_and_customers_may_not_manage_accounts() {
    let app = spawn_app().await;
    let (customer, _) = app.customer("Cody").await;
    let body =
        json!({ "name": "X", "email": "x@shop.example", "role": "admin", "password": PASSWORD });
    for token in [app.staff.as_str(), customer.as_str()] {
        let listed = problem(app.get("/api/users", Some(token)).await, 403).await;
        assert_eq!(listed["code"], "forbidden");
        let made = problem(app.post("/api/users", Some(token), &body).await, 403).await;
        assert_eq!(made["code"], "forbidden");
    }
    let admin = app.account(ADMIN_EMAIL).await;
    let demoted = patch(
        &app,
        &app.staff,
        admin["id"].as_str().unwrap(),
        &json!({ "role": "staff" }),
    )
    .await;
    assert_eq!(problem(demoted, 403).await["code"], "forbidden");
    assert_eq!(app.get("/api/users", None).await.status(), 401);
}

#[tokio::test]
async fn a_short_or_common_password_or_an_unknown_role_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        ("short-pass1", "password", "at least 12 characters"),
        ("password1234", "password", "most common passwords"),
        ("QWERTYUIOP123", "password", "most common passwords"),
    ];
    for (password, field, rule) in cases {
        let body = json!({ "name": "P", "email": format!("p-{}@shop.example", uuid()), "role": "staff", "password": password });
        let refused = problem(app.post("/api/users", Some(&app.admin), &body).await, 422).await;
        assert_eq!(fields(&refused), [field], "{password}: {refused}");
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(rule),
            "{refused}"
        );
        let register = json!({ "name": "P", "email": format!("p-{}@shop.example", uuid()), "password": password });
        let refused = problem(app.post("/auth/register", None, &register).await, 422).await;
        assert_eq!(fields(&refused), [field], "register with {password}");
    }
    let body =
        json!({ "name": "P", "email": "root@shop.example", "role": "root", "password": PASSWORD });
    let refused = problem(app.post("/api/users", Some(&app.admin), &body).await, 422).await;
    assert_eq!(fields(&refused), ["role"]);
    let listed: Value = app
        .get("/api/users", Some(&app.admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["email"] == "root@shop.example"),
        "nothing written"
    );
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_at_once_and_cannot_sign_in_until_enabled() {
    let app = spawn_app().await;
    let staff = new_account(&app, "staff").await;
    let (id, email) = (
        staff["id"].as_str().unwrap(),
        staff["email"].as_str().unwrap(),
    );
    let token = app.login(email, PASSWORD).await;
    assert_eq!(app.get("/api/orders", Some(&token)).await.status(), 200);

    let response = patch(&app, &app.admin, id, &json!({ "disabled": true })).await;
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["disabled"], true);
    // The very next request, with no wait.
    let refused = problem(app.get("/api/orders", Some(&token)).await, 401).await;
    assert_eq!(refused["code"], "unauthorized");
    let body = json!({ "email": email, "password": PASSWORD });
    let signed_in = problem(app.post("/auth/login", None, &body).await, 403).await;
    assert_eq!(signed_in["code"], "account_disabled");
    let wrong = json!({ "email": email, "password": "not-the-password" });
    let guessed = problem(app.post("/auth/login", None, &wrong).await, 401).await;
    assert_eq!(
        guessed["code"], "unauthorized",
        "a wrong password says nothing of the account"
    );

    let response = patch(&app, &app.admin, id, &json!({ "disabled": false })).await;
    assert_eq!(response.status(), 200);
    let fresh = app.login(email, PASSWORD).await;
    assert_eq!(app.get("/api/orders", Some(&fresh)).await.status(), 200);
    assert_eq!(
        app.get("/api/orders", Some(&token)).await.status(),
        401,
        "a token from before disabling stays ended"
    );
}

#[tokio::test]
async fn a_new_role_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let staff = new_account(&app, "staff").await;
    let token = app.login(staff["email"].as_str().unwrap(), PASSWORD).await;
    let response = patch(
        &app,
        &app.admin,
        staff["id"].as_str().unwrap(),
        &json!({ "role": "admin" }),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.get("/api/users", Some(&token)).await.status(),
        401,
        "the old token ended"
    );
    let promoted = app.login(staff["email"].as_str().unwrap(), PASSWORD).await;
    assert_eq!(app.get("/api/users", Some(&promoted)).await.status(), 200);
}

#[tokio::test]
async fn the_last_active_admin_is_neither_demoted_nor_disabled() {
    let app = spawn_app().await;
    let admin = app.account(ADMIN_EMAIL).await;
    let id = admin["id"].as_str().unwrap();
    for change in [json!({ "role": "staff" }), json!({ "disabled": true })] {
        let refused = problem(patch(&app, &app.admin, id, &change).await, 409).await;
        assert_eq!(refused["code"], "last_admin", "{change}");
    }
    assert_eq!(
        app.get("/api/users", Some(&app.admin)).await.status(),
        200,
        "still signed in"
    );

    // With another admin, the first may step down, and then the other is the last.
    let second = new_account(&app, "admin").await;
    let second_token = app.login(second["email"].as_str().unwrap(), PASSWORD).await;
    let response = patch(&app, &second_token, id, &json!({ "role": "staff" })).await;
    assert_eq!(response.status(), 200);
    let second_id = second["id"].as_str().unwrap();
    let refused = problem(
        patch(&app, &second_token, second_id, &json!({ "disabled": true })).await,
        409,
    )
    .await;
    assert_eq!(refused["code"], "last_admin");

    let unknown = patch(&app, &second_token, &uuid(), &json!({ "disabled": true })).await;
    assert_eq!(problem(unknown, 404).await["code"], "not_found");
    let nonsense = patch(
        &app,
        &second_token,
        "not-an-id",
        &json!({ "role": "staff" }),
    )
    .await;
    assert_eq!(problem(nonsense, 404).await["code"], "not_found");
    let typo = patch(&app, &second_token, second_id, &json!({ "rol": "staff" })).await;
    assert_eq!(problem(typo, 422).await["code"], "validation_failed");
}
