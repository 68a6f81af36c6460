//! The pages, as served: one address per page, HTML not-found pages outside
//! the API, revalidation by ETag, gzip, and nothing that the CSP would block.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, IF_NONE_MATCH};

use crate::helpers::{TestApp, problem, spawn_app};

const PAGES: [&str; 5] = ["/", "/login", "/order", "/admin", "/track-order/some-id"];

async fn html(app: &TestApp, path: &str, status: StatusCode) -> String {
    let response = app.get(path, None).await;
    assert_eq!(response.status(), status, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8",
        "{path}"
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    response.text().await.unwrap()
}

/// Every `src="..."` and `href="..."` in `page`.
fn references(page: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| page.split(attr).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_page_is_html_whose_scripts_and_styles_are_served_files() {
    let app = spawn_app().await;
    for path in PAGES {
        let page = html(&app, path, StatusCode::OK).await;
        assert!(page.to_lowercase().starts_with("<!doctype html>"), "{path}");
        let scripts: Vec<&str> = page.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{path} has a script");
        for script in scripts {
            let tag = script.split('>').next().unwrap();
            assert!(
                tag.contains("src=\"/assets/"),
                "no inline script on {path}: {tag}"
            );
            assert!(
                script.split('>').nth(1).unwrap().starts_with("</script"),
                "empty script element on {path}"
            );
        }
        for handler in ["onclick=", "onload=", "onsubmit=", "onchange=", "oninput="] {
            assert!(!page.contains(handler), "no inline {handler} on {path}");
        }
        for reference in references(&page) {
            if reference.starts_with("/assets/") {
                let response = app.get(&reference, None).await;
                assert_eq!(response.status(), StatusCode::OK, "{reference} on {path}");
            } else {
                let local = reference.starts_with('/') && !reference.starts_with("//");
                assert!(
                    local || reference.starts_with('#'),
                    "{path} refers only to this origin: {reference}"
                );
            }
        }
    }
}

#[tokio::test]
async fn unknown_page_paths_get_an_html_page_and_the_api_keeps_problems() {
    let app = spawn_app().await;
    for path in [
        "/nope",
        "/admin/",
        "/track-order/",
        "/assets/nope.js",
        "/assets/admin.html",
    ] {
        let page = html(&app, path, StatusCode::NOT_FOUND).await;
        assert!(page.contains("<h1"), "{path}");
    }
    for path in ["/api/nope", "/auth/nope", "/api"] {
        let body = problem(app.get(path, None).await, 404).await;
        assert_eq!(body["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn files_are_revalidated_by_etag_and_gzipped_on_request() {
    let app = spawn_app().await;
    let first = app
        .http
        .get(app.url("/assets/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let tag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let plain = first.bytes().await.unwrap();

    let again = app
        .http
        .get(app.url("/assets/app.css"))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let packed = app
        .http
        .get(app.url("/assets/app.css"))
        .header(ACCEPT_ENCODING, "br;q=1.0, gzip;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(packed.headers()[CONTENT_ENCODING], "gzip");
    let vary = packed.headers()["vary"].to_str().unwrap();
    assert!(vary.contains("Accept-Encoding"), "{vary}");
    assert_ne!(
        packed.headers()[ETAG],
        tag.as_str(),
        "each encoding has its own tag"
    );
    let packed = packed.bytes().await.unwrap();
    assert_eq!(&packed[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(packed.len() < plain.len());

    for refusal in ["gzip;q=0", "gzip;q=0, *", "identity"] {
        let refused = app
            .http
            .get(app.url("/assets/app.css"))
            .header(ACCEPT_ENCODING, refusal)
            .send()
            .await
            .unwrap();
        assert!(
            refused.headers().get(CONTENT_ENCODING).is_none(),
            "{refusal}"
        );
    }
}

#[tokio::test]
async fn a_head_request_gets_the_headers_alone() {
    let app = spawn_app().await;
    let response = app.http.head(app.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert!(response.bytes().await.unwrap().is_empty());
}
