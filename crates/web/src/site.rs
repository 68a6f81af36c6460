//! Everything the pages are, prepared once with the API's limits: each
//! page assembled from `pages/`, each other file as embedded. The server
//! serves a [`Site`] and `oms export-pages` writes one, so both hand out
//! the same bytes.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web::Bytes;

use crate::assets::{self, Asset};
use crate::layout;
use crate::limits::Limits;

#[derive(rust_embed::Embed)]
#[folder = "pages/"]
struct PageFiles;

/// What every page is assembled into.
const LAYOUT: &str = "layout.html";

/// The pages and the files they load, ready to send; cheap to clone.
#[derive(Clone, Debug)]
pub struct Site {
    pages: Arc<HashMap<String, Asset>>,
    assets: Arc<HashMap<String, Asset>>,
}

impl Site {
    /// Assembles every page with `limits` and prepares every file.
    pub fn new(limits: Limits) -> Site {
        let text = |name: &str| {
            PageFiles::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned())
        };
        let layout = text(LAYOUT).unwrap_or_default();
        let pages = PageFiles::iter()
            .filter(|name| name != LAYOUT)
            .filter_map(|name| {
                let page = layout::assemble(&layout, &text(&name)?, &limits);
                let asset = Asset::new("text/html", Bytes::from(page));
                Some((name.into_owned(), asset))
            })
            .collect();
        Site {
            pages: Arc::new(pages),
            assets: Arc::new(assets::embedded().collect()),
        }
    }

    /// The page whose file is `file` (one of [`crate::pages`]), assembled.
    pub fn page(&self, file: &str) -> Option<&Asset> {
        self.pages.get(file)
    }

    /// The file `name` under `/assets/`: stylesheet, script or icon.
    pub fn asset(&self, name: &str) -> Option<&Asset> {
        self.assets.get(name)
    }

    /// Every file under `/assets/`, by name.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.assets
            .iter()
            .map(|(name, asset)| (name.as_str(), asset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::tests::SAMPLE;
    use crate::pages::{NOT_FOUND_FILE, PAGES, TRACK_FILE};

    fn page_files() -> impl Iterator<Item = &'static str> {
        PAGES
            .iter()
            .map(|(_, file)| *file)
            .chain([TRACK_FILE, NOT_FOUND_FILE])
    }

    #[test]
    fn every_page_is_assembled_as_html() {
        let site = Site::new(SAMPLE);
        for file in page_files() {
            let page = site
                .page(file)
                .unwrap_or_else(|| panic!("{file} is missing"));
            assert_eq!(page.content_type, "text/html; charset=utf-8", "{file}");
            assert!(page.gzip.is_some(), "{file}");
        }
        let mut assembled: Vec<_> = site.pages.keys().cloned().collect();
        let mut named: Vec<_> = page_files().map(str::to_owned).collect();
        assembled.sort();
        named.sort();
        // The tracking page also answers `/track-order` without an id.
        named.dedup();
        assert_eq!(
            assembled, named,
            "every page file is served, and only those"
        );
    }

    #[test]
    fn each_page_has_its_own_title_one_main_and_the_shared_head_and_header() {
        let site = Site::new(SAMPLE);
        for file in page_files() {
            let page = std::str::from_utf8(&site.page(file).expect("the page").body)
                .expect("text")
                .to_owned();
            assert!(
                page.starts_with("<!doctype html>\n<html lang=\"en\">\n<head>\n"),
                "{file}"
            );
            assert_eq!(page.matches("<title>").count(), 1, "{file}");
            assert!(page.find("<title>") < page.find("</head>"), "{file}");
            assert_eq!(page.matches("<main id=\"main\">").count(), 1, "{file}");
            assert!(page.find("</header>") < page.find("<main"), "{file}");
            assert!(
                page.find("</main>") < page.find("<div class=\"toasts\">"),
                "{file}"
            );
            assert_eq!(
                page.matches(r#"<meta name="oms-api" content="">"#).count(),
                1,
                "{file}"
            );
            assert!(
                page.contains(r#"<meta name="oms-limits" content="{&quot;nameMax&quot;:201,"#),
                "{file}"
            );
            assert!(page.trim_end().ends_with("</html>"), "{file}");
        }
    }

    #[test]
    fn no_placeholder_is_left_unfilled() {
        let site = Site::new(SAMPLE);
        for (file, page) in site.pages.iter() {
            let text = std::str::from_utf8(&page.body).expect("text");
            assert!(
                !text.contains("{{") && !text.contains("}}"),
                "{file} has a placeholder no limit fills"
            );
        }
    }

    /// Every `name="value"` attribute among `names` in `html`.
    fn attributes<'a>(html: &'a str, names: &[&str]) -> Vec<(String, &'a str)> {
        let mut found = Vec::new();
        for name in names {
            let start = format!(" {name}=\"");
            for rest in html.split(start.as_str()).skip(1) {
                found.push((
                    (*name).to_owned(),
                    rest.split('"').next().unwrap_or_default(),
                ));
            }
        }
        found
    }

    #[test]
    fn no_page_writes_a_limit_as_a_number() {
        for name in PageFiles::iter() {
            let file = PageFiles::get(&name).expect("embedded");
            let html = std::str::from_utf8(&file.data).expect("text");
            for (attribute, value) in attributes(html, &["maxlength", "minlength", "max"]) {
                assert!(
                    value.starts_with("{{") && value.ends_with("}}"),
                    "{name}: {attribute}=\"{value}\" repeats a limit the API decides"
                );
            }
        }
    }

    #[test]
    fn limits_reach_the_pages_attributes() {
        let site = Site::new(SAMPLE);
        let body = |file: &str| {
            String::from_utf8(site.page(file).expect("the page").body.to_vec()).expect("text")
        };
        let login = body("login.html");
        assert!(login.contains(
            r#"id="register-name" name="name" type="text" autocomplete="name" maxlength="201""#
        ));
        assert!(login.contains(r#"minlength="9" maxlength="129""#));
        assert!(login.contains("At least 9 characters."));
        let admin = body("admin.html");
        assert!(admin.contains(r#"maxlength="101""#));
        assert!(admin.contains(r#"max="1000000001""#));
        let order = body("order.html");
        assert!(order.contains(r#"maxlength="255""#));
    }

    /// What `page` loads, as sent: the document, the stylesheet, the icon
    /// and every module it imports, however deep.
    fn weight_of(site: &Site, page: &str) -> usize {
        let sent = |a: &Asset| a.gzip.as_ref().map_or(a.body.len(), |gz| gz.len());
        let text = |a: &Asset| String::from_utf8_lossy(&a.body).into_owned();
        let document = site.page(page).expect("the page");
        let mut total = sent(document);
        let mut seen = std::collections::HashSet::new();
        let mut waiting: Vec<String> = vec!["app.css".to_owned(), "favicon.svg".to_owned()];
        let named = |source: &str, before: &str, after: &str| -> Vec<String> {
            source
                .split(before)
                .skip(1)
                .filter_map(|rest| rest.split_once(after).map(|(name, _)| name.to_owned()))
                .collect()
        };
        waiting.extend(named(&text(document), "src=\"/assets/", "\""));
        while let Some(name) = waiting.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let asset = site
                .asset(&name)
                .unwrap_or_else(|| panic!("{page} loads {name}"));
            total += sent(asset);
            if name.ends_with(".js") {
                waiting.extend(named(&text(asset), "from \"./", "\""));
            }
        }
        total
    }

    #[test]
    fn each_page_with_what_it_loads_stays_small() {
        let site = Site::new(SAMPLE);
        // A phone on a slow line loads one page and what it imports: the
        // dashboard, with its six tabs and the order detail view, the most.
        for (page, budget) in [
            ("admin.html", 64),
            ("order.html", 32),
            ("track.html", 32),
            ("my-orders.html", 32),
            ("login.html", 24),
            ("index.html", 16),
        ] {
            let sent = weight_of(&site, page);
            assert!(sent < budget * 1024, "{page}: {sent} bytes as sent");
        }
        let everything: usize = site
            .pages
            .values()
            .chain(site.assets.values())
            .map(|a| a.gzip.as_ref().map_or(a.body.len(), |gz| gz.len()))
            .sum();
        assert!(everything < 96 * 1024, "{everything} bytes as sent");
    }

    #[test]
    fn unknown_names_are_absent() {
        let site = Site::new(SAMPLE);
        assert!(site.asset("nope.js").is_none());
        assert!(site.asset("../Cargo.toml").is_none());
        assert!(site.asset("login.html").is_none());
        assert!(site.page("layout.html").is_none());
    }
}
