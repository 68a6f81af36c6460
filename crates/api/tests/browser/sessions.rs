//! A session that ends on its own (it expired, or the server refuses its
//! token) is said on the sign-in page, not left for the person to guess.

use serde_json::json;

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_session_is_said_on_the_sign_in_page() {
    let Some(browser) = open("an_ended_session_is_said_on_the_sign_in_page").await else {
        return;
    };
    let app = spawn_app().await;
    for (spoil, says) in [
        (
            "s.expiresAt = new Date(Date.now() - 1000).toISOString();",
            "Your session expired",
        ),
        (
            "s.token = s.token.slice(0, -4) + 'AAAA';",
            "no longer valid",
        ),
    ] {
        browser
            .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
            .await;
        let script = format!(
            "const k = Object.keys(localStorage).find(k => k.startsWith('oms')); \
             const s = JSON.parse(localStorage.getItem(k)); {spoil} \
             localStorage.setItem(k, JSON.stringify(s)); return k;"
        );
        let key = browser.client.execute(&script, vec![]).await.unwrap();
        assert!(key.is_string(), "a stored session: {key}");
        browser.goto(&app.url("/admin")).await;
        browser
            .until(
                "the sign-in page",
                "return location.pathname === '/login' && new URLSearchParams(location.search).get('next') === '/admin';",
            )
            .await;
        browser.until_text("#login-notice", says).await;
        let shown = browser
            .client
            .execute(
                "return !document.querySelector('#login-notice').hidden;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(shown, json!(true));
        browser.screenshot("login-ended").await;
    }
    browser.goto(&app.url("/login")).await;
    browser.find("#login-form").await;
    let quiet = browser
        .client
        .execute(
            "return document.querySelector('#login-notice').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(quiet, json!(true), "nothing to say on a plain visit");
    browser.finish().await;
}
