//! A static host for exported pages, on a loopback origin of its own, that
//! follows the export's `vercel.json` as Vercel does: clean paths
//! (`/login` is `login.html`), rewrites with `:name` segments, the headers
//! for every path, and `404.html` for the rest.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

/// The host's settings, as read from `vercel.json`.
struct Rules {
    root: PathBuf,
    clean_urls: bool,
    rewrites: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Rules {
    fn read(root: &Path) -> Rules {
        let text = std::fs::read_to_string(root.join("vercel.json")).unwrap();
        let config: Value = serde_json::from_str(&text).unwrap();
        let rewrites = config["rewrites"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let (from, to) = (r["source"].as_str(), r["destination"].as_str());
                (from.unwrap().to_owned(), to.unwrap().to_owned())
            })
            .collect();
        let mut headers = Vec::new();
        for rule in config["headers"].as_array().into_iter().flatten() {
            assert_eq!(
                rule["source"], "/(.*)",
                "this host knows only the catch-all source"
            );
            for header in rule["headers"].as_array().unwrap() {
                let (key, value) = (header["key"].as_str(), header["value"].as_str());
                headers.push((key.unwrap().to_owned(), value.unwrap().to_owned()));
            }
        }
        Rules {
            root: root.to_owned(),
            clean_urls: config["cleanUrls"] == true,
            rewrites,
            headers,
        }
    }

    /// The file that answers `path`, if any.
    fn file_for(&self, path: &str) -> Option<PathBuf> {
        if path.split('/').any(|segment| segment == "..") {
            return None;
        }
        // A rewrite changes the path, which is then served like any other.
        let path = self
            .rewrites
            .iter()
            .find(|(source, _)| matches(source, path))
            .map_or(path, |(_, destination)| destination.as_str());
        let relative = path.trim_start_matches('/');
        let candidates = match relative {
            "" => vec!["index.html".to_owned()],
            // Clean URLs: a page's address has no `.html`.
            r if r.ends_with(".html") && self.clean_urls => vec![],
            r if self.clean_urls => vec![r.to_owned(), format!("{r}.html")],
            r => vec![r.to_owned()],
        };
        candidates
            .into_iter()
            .map(|c| self.root.join(c))
            .find(|p| p.is_file())
    }
}

/// Whether `path` fits `pattern`, where a `:name` segment fits any one segment.
fn matches(pattern: &str, path: &str) -> bool {
    let (want, got): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    want.len() == got.len()
        && want
            .iter()
            .zip(&got)
            .all(|(w, g)| w == g || (w.starts_with(':') && !g.is_empty()))
}

fn media_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

async fn answer(req: HttpRequest, rules: web::Data<Arc<Rules>>) -> HttpResponse {
    let (status, file) = match rules.file_for(req.path()) {
        Some(file) => (actix_web::http::StatusCode::OK, file),
        None => (
            actix_web::http::StatusCode::NOT_FOUND,
            rules.root.join("404.html"),
        ),
    };
    let mut response = HttpResponse::build(status);
    for (key, value) in &rules.headers {
        response.insert_header((key.as_str(), value.as_str()));
    }
    response
        .content_type(media_type(&file))
        .body(std::fs::read(&file).unwrap_or_default())
}

/// The host, serving `root` on `listener` until dropped.
pub struct StaticHost {
    pub base: String,
    handle: ServerHandle,
}

impl StaticHost {
    pub fn start(root: &Path, listener: TcpListener) -> StaticHost {
        let base = format!("http://{}", listener.local_addr().unwrap());
        let rules = Arc::new(Rules::read(root));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(Arc::clone(&rules)))
                .default_service(web::get().to(answer))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        StaticHost { base, handle }
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}
