//! `oms export-pages`: the pages as static files for a host of their own
//! (Vercel, any CDN), calling the API at another origin, with the host's
//! settings (`vercel.json`: clean paths, the tracking path, the headers).

use std::path::Path;

use oms_web::pages::{ASSET_PREFIX, NOT_FOUND_FILE, PAGES, TRACK_FILE, TRACK_PREFIX};
use serde_json::json;

use crate::headers::{content_security_policy, security_header_pairs};
use crate::pages;

/// The tag every page carries for the API's origin; empty means its own.
const API_META: &str = r#"<meta name="oms-api" content="">"#;

/// What static hosts serve for a path no file answers.
const NOT_FOUND_NAME: &str = "404.html";

/// Where the pages' calls go: the API's origin for HTTP and for `/ws`.
#[derive(Debug, PartialEq, Eq)]
pub struct ApiOrigin {
    /// `https://api.shop.example`
    pub http: String,
    /// `wss://api.shop.example`
    pub ws: String,
}

impl ApiOrigin {
    /// An `http` or `https` origin: no path, query, fragment or credentials.
    ///
    /// # Errors
    /// What is wrong with `raw`, for the operator.
    pub fn parse(raw: &str) -> Result<ApiOrigin, String> {
        let refused = |why: &str| format!("--api-url {raw:?}: {why}");
        let url = url::Url::parse(raw.trim()).map_err(|e| refused(&e.to_string()))?;
        let ws = match url.scheme() {
            "http" => "ws",
            "https" => "wss",
            _ => return Err(refused("use an http:// or https:// origin")),
        };
        let bare = url.username().is_empty()
            && url.password().is_none()
            && url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none();
        if !bare || url.host().is_none() {
            return Err(refused(
                "give the API's origin only, like https://api.shop.example",
            ));
        }
        let http = url.origin().ascii_serialization();
        let ws = format!("{ws}{}", &http[url.scheme().len()..]);
        Ok(ApiOrigin { http, ws })
    }
}

/// Where a page path's file goes for a host with clean URLs: `/` is
/// `index.html`, `/login` is `login.html`.
fn exported_name(path: &str) -> String {
    match path.trim_matches('/') {
        "" => "index.html".to_owned(),
        name => format!("{name}.html"),
    }
}

/// Writes the pages into `dir` (made if missing, refused unless empty);
/// says what it wrote.
///
/// # Errors
/// A message for the operator: a bad URL, a non-empty or unwritable `dir`.
pub fn export(dir: &Path, api_url: &str) -> Result<String, String> {
    let api = ApiOrigin::parse(api_url)?;
    let at = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(at)?;
    if std::fs::read_dir(dir).map_err(at)?.next().is_some() {
        return Err(format!(
            "{} is not empty: export into a new or empty folder, so no file of an older export stays behind",
            dir.display()
        ));
    }
    let write = |to: &Path, body: &[u8]| {
        std::fs::write(to, body).map_err(|e| format!("{}: {e}", to.display()))
    };
    // The pages the server sends, assembled the same way.
    let site = pages::site();
    let pages = PAGES
        .iter()
        .map(|(path, file)| (exported_name(path), *file))
        .chain([
            (TRACK_FILE.to_owned(), TRACK_FILE),
            (NOT_FOUND_NAME.to_owned(), NOT_FOUND_FILE),
        ]);
    let mut written = 0;
    for (name, file) in pages {
        let page = site
            .page(file)
            .ok_or_else(|| format!("{file} is not embedded"))?;
        write(&dir.join(name), &with_api_origin(file, &page.body, &api)?)?;
        written += 1;
    }
    let asset_dir = dir.join(ASSET_PREFIX.trim_matches('/'));
    std::fs::create_dir_all(&asset_dir).map_err(at)?;
    for (name, asset) in site.assets() {
        write(&asset_dir.join(name), &asset.body)?;
        written += 1;
    }
    let settings = serde_json::to_string_pretty(&vercel_json(&api)).map_err(|e| e.to_string())?;
    write(&dir.join("vercel.json"), format!("{settings}\n").as_bytes())?;
    Ok(format!(
        "wrote {written} files and vercel.json to {}, calling the API at {}; \
         the API must list the pages' origin in OMS_CORS_ORIGINS",
        dir.display(),
        api.http
    ))
}

/// The page `name` with the API's origin in its `oms-api` tag.
fn with_api_origin(name: &str, body: &[u8], api: &ApiOrigin) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("{name}: {e}"))?;
    if !text.contains(API_META) {
        return Err(format!("{name} has no {API_META} to point at the API"));
    }
    // An origin holds no quote or angle bracket; escaping keeps it so.
    let escaped = api.http.replace('&', "&amp;").replace('"', "&quot;");
    let tag = format!(r#"<meta name="oms-api" content="{escaped}">"#);
    Ok(text.replacen(API_META, &tag, 1).into_bytes())
}

/// Vercel's settings: `/login` serves `login.html`, every tracking path
/// serves the tracking page, and every answer carries the server's
/// security headers, allowing calls to the API's origin.
pub fn vercel_json(api: &ApiOrigin) -> serde_json::Value {
    let csp = content_security_policy(&[api.http.clone(), api.ws.clone()]);
    let headers: Vec<_> = security_header_pairs(csp)
        .into_iter()
        .map(|(key, value)| json!({ "key": key, "value": value }))
        .collect();
    json!({
        "$schema": "https://openapi.vercel.sh/vercel.json",
        "cleanUrls": true,
        "trailingSlash": false,
        "rewrites": [
            {
                "source": format!("{TRACK_PREFIX}:id"),
                // With clean URLs a page is named without `.html`.
                "destination": format!("/{}", TRACK_FILE.trim_end_matches(".html")),
            }
        ],
        "headers": [ { "source": "/(.*)", "headers": headers } ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_is_named_for_its_path() {
        assert_eq!(exported_name("/"), "index.html");
        assert_eq!(exported_name("/login"), "login.html");
        assert_eq!(exported_name("/admin"), "admin.html");
    }

    #[test]
    fn an_origin_is_taken_and_anything_more_refused() {
        let api = ApiOrigin::parse("https://API.shop.example/").unwrap();
        assert_eq!(api.http, "https://api.shop.example");
        assert_eq!(api.ws, "wss://api.shop.example");
        let local = ApiOrigin::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(local.ws, "ws://127.0.0.1:8080");
        for bad in [
            "api.shop.example",
            "ftp://api.shop.example",
            "https://api.shop.example/v1",
            "https://user:pw@api.shop.example",
            "https://api.shop.example/?x=1",
        ] {
            assert!(ApiOrigin::parse(bad).is_err(), "{bad} was taken");
        }
    }
}
