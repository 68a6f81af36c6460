//! The embedded files, each ready to send: its media type, a tag of its
//! content for `ETag`, and a gzip copy made once.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, LazyLock};

use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use parking_lot::Mutex;

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Files;

/// One file, ready to send.
#[derive(Debug)]
pub struct Asset {
    /// Its media type, with `charset=utf-8` for text.
    pub content_type: String,
    /// The content.
    pub body: Bytes,
    /// The content gzipped, when that makes it smaller.
    pub gzip: Option<Bytes>,
    /// A short hex digest of the content, for `ETag`.
    pub tag: String,
}

/// Prepared files by name, each made on first request.
static PREPARED: LazyLock<Mutex<HashMap<String, Arc<Asset>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The file `name` (relative to `assets/`), if there is one.
pub fn get(name: &str) -> Option<Arc<Asset>> {
    let file = Files::get(name)?;
    let tag: String = file.metadata.sha256_hash()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(ready) = PREPARED.lock().get(name).filter(|a| a.tag == tag) {
        return Some(Arc::clone(ready));
    }
    let mime = file.metadata.mimetype();
    let text = mime.starts_with("text/") || mime.ends_with("javascript") || mime.ends_with("+xml");
    let body = Bytes::from(file.data.into_owned());
    let asset = Arc::new(Asset {
        content_type: if text {
            format!("{mime}; charset=utf-8")
        } else {
            mime.to_owned()
        },
        gzip: text.then(|| gzip(&body)).flatten(),
        body,
        tag,
    });
    PREPARED.lock().insert(name.to_owned(), Arc::clone(&asset));
    Some(asset)
}

/// The name of every embedded file, pages included.
pub fn names() -> Vec<String> {
    Files::iter().map(|name| name.into_owned()).collect()
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(body).ok()?;
    let packed = encoder.finish().ok()?;
    (packed.len() < body.len()).then(|| Bytes::from(packed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_file_exists() {
        for file in crate::pages::PAGES
            .iter()
            .map(|(_, f)| *f)
            .chain([crate::pages::TRACK_FILE, crate::pages::NOT_FOUND_FILE])
        {
            let asset = get(file).unwrap_or_else(|| panic!("{file} is missing"));
            assert_eq!(asset.content_type, "text/html; charset=utf-8", "{file}");
        }
    }

    #[test]
    fn text_is_gzipped_and_tagged_by_content() {
        let css = get("app.css").expect("the stylesheet");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        let packed = css.gzip.as_ref().expect("a gzip copy");
        assert!(packed.len() < css.body.len());
        assert_eq!(css.tag.len(), 16);
        let again = get("app.css").expect("the stylesheet");
        assert_eq!(again.tag, css.tag, "the same content, the same tag");
    }

    #[test]
    fn all_the_files_together_stay_small() {
        let sent: usize = Files::iter()
            .filter_map(|name| get(&name))
            .map(|a| a.gzip.as_ref().map_or(a.body.len(), |gz| gz.len()))
            .sum();
        assert!(sent < 64 * 1024, "{sent} bytes as sent");
    }

    #[test]
    fn unknown_names_are_absent() {
        assert!(get("nope.js").is_none());
        assert!(get("../Cargo.toml").is_none());
    }
}
