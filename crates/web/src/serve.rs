//! Serving the pages over actix-web: `GET` and `HEAD`, revalidated by
//! `ETag` (`Cache-Control: no-cache`, so a new release shows at once), gzip
//! for clients that take it.

use actix_web::http::StatusCode;
use actix_web::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, HeaderValue, IF_NONE_MATCH, VARY,
};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::assets::Asset;
use crate::pages::{ASSET_PREFIX, NOT_FOUND_FILE, PAGES, TRACK_FILE, TRACK_PREFIX};
use crate::site::Site;

/// Mounts every page and asset path, serving `site`.
pub fn configure(cfg: &mut web::ServiceConfig, site: &Site) {
    // App data, so the not-found page can be sent from outside these routes.
    cfg.app_data(web::Data::new(site.clone()));
    for (path, file) in PAGES {
        cfg.service(page(path, file));
    }
    cfg.service(page(format!("{TRACK_PREFIX}{{id}}"), TRACK_FILE));
    cfg.service(
        web::resource(format!("{ASSET_PREFIX}{{name}}"))
            .route(web::get().to(asset))
            .route(web::head().to(asset)),
    );
}

/// The not-found page (404, HTML), for paths that are not the API's.
pub fn not_found(req: &HttpRequest) -> HttpResponse {
    let site = req.app_data::<web::Data<Site>>();
    match site.and_then(|site| site.page(NOT_FOUND_FILE)) {
        Some(page) => send(req, page, StatusCode::NOT_FOUND),
        None => HttpResponse::NotFound().finish(),
    }
}

fn page(path: impl Into<String>, file: &'static str) -> actix_web::Resource {
    let handler = move |req: HttpRequest, site: web::Data<Site>| async move {
        match site.page(file) {
            Some(page) => send(&req, page, StatusCode::OK),
            None => not_found(&req),
        }
    };
    web::resource(path.into())
        .route(web::get().to(handler))
        .route(web::head().to(handler))
}

async fn asset(req: HttpRequest, name: web::Path<String>, site: web::Data<Site>) -> HttpResponse {
    match site.asset(&name) {
        Some(asset) => send(&req, asset, StatusCode::OK),
        None => not_found(&req),
    }
}

fn send(req: &HttpRequest, asset: &Asset, status: StatusCode) -> HttpResponse {
    let packed = asset.gzip.as_ref().filter(|_| takes_gzip(req));
    // Each encoding is its own representation, so its own tag.
    let tag = match packed {
        Some(_) => format!("\"{}-gz\"", asset.tag),
        None => format!("\"{}\"", asset.tag),
    };
    let unchanged = status == StatusCode::OK && matches_tag(req, &tag);
    let mut res = HttpResponse::build(if unchanged {
        StatusCode::NOT_MODIFIED
    } else {
        status
    });
    res.insert_header((ETAG, tag))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header((VARY, "Accept-Encoding"));
    if unchanged {
        return res.finish();
    }
    res.content_type(asset.content_type.as_str());
    match packed {
        Some(gz) => res
            .insert_header((CONTENT_ENCODING, "gzip"))
            .body(gz.clone()),
        None => res.body(asset.body.clone()),
    }
}

/// Whether `Accept-Encoding` takes gzip: named with a weight above zero,
/// or not named and `*` is; a named weight wins over `*`'s.
fn takes_gzip(req: &HttpRequest) -> bool {
    let mut gzip = None;
    let mut any = None;
    for item in header_items(req.headers().get(ACCEPT_ENCODING)) {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .is_some_and(|q| q.chars().all(|c| c == '0' || c == '.'))
        });
        if coding.eq_ignore_ascii_case("gzip") {
            gzip = Some(!refused);
        } else if coding == "*" {
            any = Some(!refused);
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// Whether `If-None-Match` names `tag` (weak comparison, as for GET).
fn matches_tag(req: &HttpRequest, tag: &str) -> bool {
    header_items(req.headers().get(IF_NONE_MATCH))
        .any(|item| item == "*" || item.strip_prefix("W/").unwrap_or(item) == tag)
}

fn header_items(value: Option<&HeaderValue>) -> impl Iterator<Item = &str> {
    value
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}
