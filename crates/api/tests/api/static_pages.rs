//! `oms export-pages`: the pages as static files pointed at an API origin,
//! with Vercel's settings. The browser test `two_origins` runs them.

use std::path::Path;

use crate::binary::{oms, scratch_dir};

async fn export(dir: &Path, api_url: &str) -> std::process::Output {
    // A production shell without the server's secrets: the export needs none.
    oms()
        .env("OMS_ENV", "production")
        .arg("export-pages")
        .arg(dir)
        .args(["--api-url", api_url])
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_page_is_written_pointed_at_the_api_with_vercels_settings() {
    let dir = scratch_dir().join("pages");
    let output = export(&dir, "https://api.shop.example/").await;
    assert!(output.status.success(), "{output:?}");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("OMS_CORS_ORIGINS"), "{said}");
    for page in [
        "index.html",
        "login.html",
        "order.html",
        "admin.html",
        "track.html",
        "404.html",
    ] {
        let html = std::fs::read_to_string(dir.join(page)).unwrap();
        assert!(
            html.contains(r#"<meta name="oms-api" content="https://api.shop.example">"#),
            "{page}"
        );
    }
    for asset in ["app.css", "api.js", "feed.js", "favicon.svg"] {
        assert!(dir.join("assets").join(asset).is_file(), "assets/{asset}");
    }
    assert!(
        !dir.join("assets/login.html").exists(),
        "pages are not assets"
    );

    let vercel: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vercel.json")).unwrap()).unwrap();
    assert_eq!(vercel["cleanUrls"], true);
    assert_eq!(vercel["rewrites"][0]["source"], "/track-order/:id");
    assert_eq!(vercel["rewrites"][0]["destination"], "/track");
    let headers = vercel["headers"][0]["headers"].as_array().unwrap();
    let csp = headers
        .iter()
        .find(|h| h["key"] == "Content-Security-Policy")
        .and_then(|h| h["value"].as_str())
        .unwrap();
    assert!(
        csp.contains("connect-src 'self' https://api.shop.example wss://api.shop.example;"),
        "{csp}"
    );
    assert!(
        headers
            .iter()
            .any(|h| h["key"] == "X-Frame-Options" && h["value"] == "DENY")
    );
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn a_bad_url_or_a_used_folder_is_refused_and_nothing_written() {
    let dir = scratch_dir().join("pages");
    let output = export(&dir, "https://api.shop.example/v1").await;
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("give the API's origin only"), "{said}");
    assert!(!dir.exists(), "nothing written");

    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("old.html"), "an older export").unwrap();
    let output = export(&dir, "https://api.shop.example").await;
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("is not empty"), "{said}");
    assert!(!dir.join("index.html").exists());
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}
