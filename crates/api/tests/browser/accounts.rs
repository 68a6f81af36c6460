//! The dashboard's accounts tab, as an admin uses it: a short password
//! refused naming the rule, a staff account added, disabled after asking
//! (signing that person out), and the last admin kept, at 1280 and 375 px.

use crate::browser::open;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_disables_and_keeps_the_last_admin_from_the_dashboard() {
    let Some(browser) =
        open("an_admin_adds_disables_and_keeps_the_last_admin_from_the_dashboard").await
    else {
        return;
    };
    let app = spawn_app().await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    for (width, height) in [(1280, 900), (375, 812)] {
        browser.viewport(width, height).await;
        let email = format!("sam-{width}@shop.example");
        browser.click("#tab-accounts").await;
        browser.until_text("#accounts-table", ADMIN_EMAIL).await;
        browser.fill("#new-account-name", "Sam Counter").await;
        browser.fill("#new-account-email", &email).await;
        browser.fill("#new-account-password", "short").await;
        browser.click("#account-submit").await;
        browser
            .until_text("#new-account-password-fielderror", "at least 12 characters")
            .await;
        browser
            .fill("#new-account-password", "counter-shelf-42")
            .await;
        browser.click("#account-submit").await;
        browser.until_text("#accounts-table", &email).await;
        let sam = app.account(&email).await;
        assert_eq!(sam["role"], "staff", "staff is the form's first choice");
        let row = format!(
            "#accounts-table tr[data-account-id=\"{}\"]",
            sam["id"].as_str().unwrap()
        );
        browser.screenshot(&format!("admin-accounts-{width}")).await;

        browser.click(&format!("{row} button")).await;
        browser
            .until_text("#account-dialog-title", "Disable Sam Counter?")
            .await;
        browser.click("#account-confirm").await;
        browser.until_text(&row, "Disabled").await;
        assert_eq!(app.account(&email).await["disabled"], true);
        browser.dismiss_toasts().await;

        // The admin's own row: disabling the last admin is refused and said.
        let me = app.account(ADMIN_EMAIL).await;
        let own = format!(
            "#accounts-table tr[data-account-id=\"{}\"]",
            me["id"].as_str().unwrap()
        );
        browser.click(&format!("{own} button")).await;
        browser
            .until_text("#account-dialog-text", "You will be signed out")
            .await;
        browser.click("#account-confirm").await;
        browser
            .until_text("#toast-alerts", "last active admin")
            .await;
        assert_eq!(app.account(ADMIN_EMAIL).await["disabled"], false);
        browser.dismiss_toasts().await;
    }
    browser.finish().await;
}
