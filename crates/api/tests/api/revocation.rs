//! Tokens that can be revoked: a new password or role (`oms user create`
//! on an existing address, or the configured administrator changed) ends
//! the tokens issued before, within `FRESH`; the same password and role (a
//! restart) keep them; `oms user revoke` ends them outright.

use std::time::Duration;

use oms_api::auth::FRESH;
use oms_api::settings::{Settings, Source};
use oms_api::startup::services;
use oms_app::users::Register;
use oms_domain::user::Role;
use oms_memory::MemoryStore;

use crate::binary::scratch_dir;
use crate::embedded::{ADMIN, oms_in, start};
use crate::helpers::{TestApp, problem, spawn_app_on};

/// Past the time an account's standing is trusted.
async fn a_moment() {
    tokio::time::sleep(FRESH + Duration::from_millis(500)).await;
}

async fn me(app: &TestApp, token: &str) -> u16 {
    app.get("/auth/me", Some(token)).await.status().as_u16()
}

#[tokio::test]
async fn a_new_password_or_role_ends_older_tokens_and_the_same_ones_do_not() {
    let store = MemoryStore::new();
    let app = spawn_app_on(store.clone()).await;
    let (token, email) = app.customer("Rita").await;
    assert_eq!(me(&app, &token).await, 200);
    let cheap = Source::from_pairs([("OMS_ARGON2_MEMORY_KIB", "64"), ("OMS_ARGON2_PASSES", "1")]);
    let operator = services(&Settings::load(&cheap).unwrap(), store).unwrap();
    let account = |password: &str| Register {
        name: "Rita".into(),
        email: email.clone(),
        password: password.into(),
    };

    operator
        .users
        .ensure(account("customer-pass-1"), Role::Customer)
        .await
        .unwrap();
    a_moment().await;
    assert_eq!(me(&app, &token).await, 200, "the same password and role");

    operator
        .users
        .ensure(account("a-new-password-2"), Role::Customer)
        .await
        .unwrap();
    a_moment().await;
    let refused = problem(app.get("/auth/me", Some(&token)).await, 401).await;
    assert_eq!(refused["code"], "unauthorized");
    let fresh = app.login(&email, "a-new-password-2").await;
    assert_eq!(me(&app, &fresh).await, 200, "a token issued after works");

    operator
        .users
        .ensure(account("a-new-password-2"), Role::Staff)
        .await
        .unwrap();
    a_moment().await;
    assert_eq!(me(&app, &fresh).await, 401, "a new role ends it too");

    let promoted = app.login(&email, "a-new-password-2").await;
    operator.users.revoke(&email).await.unwrap();
    a_moment().await;
    assert_eq!(me(&app, &promoted).await, 401, "revoked");
}

#[tokio::test]
async fn oms_user_revoke_ends_the_tokens_issued_so_far() {
    let dir = scratch_dir();
    let first = start(&dir).await;
    let old = first.token.clone();
    first.stop().await;
    let revoked = oms_in(&dir)
        .args(["user", "revoke", ADMIN.0])
        .output()
        .await
        .unwrap();
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let unknown = oms_in(&dir)
        .args(["user", "revoke", "nobody@example.com"])
        .output()
        .await
        .unwrap();
    assert!(!unknown.status.success(), "an unknown address is an error");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));

    // The restart keeps the configured administrator's password and role,
    // so it does not undo the revocation.
    let again = start(&dir).await;
    let me = |token: &str| {
        again
            .http
            .get(format!("{}/auth/me", again.base))
            .bearer_auth(token.to_owned())
            .send()
    };
    assert_eq!(me(&old).await.unwrap().status(), 401, "the old token");
    assert_eq!(me(&again.token).await.unwrap().status(), 200, "a new one");
    again.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
