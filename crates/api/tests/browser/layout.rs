//! Every page on a phone and on a desktop, light and dark: no sideways
//! scrolling, every control labelled, text readable.

use serde_json::{Value, json};

use crate::browser::{Browser, open};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app};

/// Controls a person can reach that have no accessible name.
const UNLABELLED: &str = "
    const named = e => e.labels && e.labels.length > 0
        || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
        || (e.tagName === 'BUTTON' && e.textContent.trim())
        || (e.tagName === 'A' && e.textContent.trim());
    const visible = e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden';
    return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]'))
        .filter(visible).filter(e => !named(e)).map(e => e.outerHTML.slice(0, 120));";

/// Text whose contrast with what is behind it is under 4.5:1 (WCAG AA).
const LOW_CONTRAST: &str = "
    const rgba = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
    const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const behind = e => { for (let n = e; n; n = n.parentElement) { const c = rgba(getComputedStyle(n).backgroundColor);
        if (c[3] > 0.5) return c; } return rgba(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)'); };
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
        if (e.offsetParent === null || e.closest('[aria-hidden=true]') || e.disabled) continue;
        const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const s = getComputedStyle(e);
        if (s.visibility === 'hidden' || Number(s.opacity) < 0.5) continue;
        const fg = rgba(s.color), bg = behind(e);
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        if (ratio < 4.5) out.push(`${e.tagName}.${e.className} \"${e.textContent.trim().slice(0, 30)}\" ${ratio.toFixed(2)}`);
    }
    return out;";

/// The page, and anything in it that scrolls sideways.
const SIDEWAYS: &str = "
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`page by ${doc.scrollWidth - doc.clientWidth}px`);
    for (const e of document.querySelectorAll('body *')) {
        const x = getComputedStyle(e).overflowX;
        if ((x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth + 1 && e.offsetParent !== null)
            out.push(`${e.tagName}#${e.id}.${e.className} by ${e.scrollWidth - e.clientWidth}px`);
    }
    return out;";

/// Switches the page's `prefers-color-scheme` through the DevTools protocol.
async fn color_scheme(browser: &Browser, scheme: &str) {
    browser
        .cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
}

async fn check_page(browser: &Browser, url: &str, ready: &str) {
    check_views(browser, url, ready, &[]).await;
}

/// Checks the page at each size and colour scheme, and again after
/// clicking each of `tabs` (and waiting for what it shows).
async fn check_views(browser: &Browser, url: &str, ready: &str, tabs: &[(&str, &str)]) {
    for (width, height) in [(375, 812), (1280, 900)] {
        browser.viewport(width, height).await;
        for scheme in ["light", "dark"] {
            color_scheme(browser, scheme).await;
            browser.goto(url).await;
            browser.find(ready).await;
            check_view(browser, &format!("{url} at {width} px, {scheme}")).await;
            for (tab, tab_ready) in tabs {
                browser.click(tab).await;
                browser.find(tab_ready).await;
                check_view(browser, &format!("{url} {tab} at {width} px, {scheme}")).await;
            }
        }
    }
}

async fn check_view(browser: &Browser, what: &str) {
    let sideways = browser.client.execute(SIDEWAYS, vec![]).await.unwrap();
    assert_eq!(sideways, json!([]), "{what}: scrolls sideways");
    let unlabelled = browser.client.execute(UNLABELLED, vec![]).await.unwrap();
    assert_eq!(unlabelled, json!([]), "{what}: controls without a label");
    let low: Value = browser.client.execute(LOW_CONTRAST, vec![]).await.unwrap();
    assert_eq!(low, json!([]), "{what}: text under 4.5:1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_a_desktop_in_light_and_dark() {
    let Some(browser) = open("every_page_fits_a_phone_and_a_desktop_in_light_and_dark").await
    else {
        return;
    };
    let app = spawn_app().await;
    let mug = app
        .product("A rather long product name for a narrow screen", 1250, 3)
        .await;
    let order = app
        .order_for("someone.with.a.long.address@example.com", &mug, 1)
        .await;
    let id = order["id"].as_str().unwrap();

    check_page(&browser, &app.url("/login"), "#login-form").await;
    check_page(&browser, &app.url("/nope"), "h1").await;
    check_page(
        &browser,
        &app.url(&format!("/track-order/{id}")),
        "#order-status",
    )
    .await;
    check_page(
        &browser,
        &app.url("/track-order/no-such-order"),
        "#not-found",
    )
    .await;
    check_page(&browser, &app.url("/track-order"), "#lookup-form").await;
    browser
        .sign_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
    let row = format!("tr[data-order-id=\"{id}\"]");
    let product_row = format!("#products-table tr[data-product-id=\"{mug}\"]");
    let tabs = [
        ("#tab-products", product_row.as_str()),
        ("#tab-customers", "#customers-table tbody tr"),
    ];
    check_views(&browser, &app.url("/admin"), &row, &tabs).await;
    if std::env::var_os("OMS_SCREENSHOT_DIR").is_some() {
        browser.viewport(375, 812).await;
        color_scheme(&browser, "dark").await;
        browser.goto(&app.url("/admin")).await;
        browser.find(&row).await;
        browser.screenshot("admin-phone-dark").await;
    }
    check_page(
        &browser,
        &app.url("/order"),
        &format!("[data-product-id=\"{mug}\"]"),
    )
    .await;
    browser.finish().await;
}
