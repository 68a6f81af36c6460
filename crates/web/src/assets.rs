//! Files ready to send: a media type, a tag of the content for `ETag`, and
//! a gzip copy made once. The files the pages load as they are (stylesheet,
//! scripts, icon) are embedded from `assets/`.

use std::io::Write;

use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

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

impl Asset {
    /// `body` as a file of media type `mime`.
    pub(crate) fn new(mime: &str, body: Bytes) -> Asset {
        let text =
            mime.starts_with("text/") || mime.ends_with("javascript") || mime.ends_with("+xml");
        let tag = Sha256::digest(&body)[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Asset {
            content_type: if text {
                format!("{mime}; charset=utf-8")
            } else {
                mime.to_owned()
            },
            gzip: text.then(|| gzip(&body)).flatten(),
            body,
            tag,
        }
    }
}

/// Every file of `assets/` by name, ready to send.
pub(crate) fn embedded() -> impl Iterator<Item = (String, Asset)> {
    Files::iter().filter_map(|name| {
        let file = Files::get(&name)?;
        let asset = Asset::new(
            file.metadata.mimetype(),
            Bytes::from(file.data.into_owned()),
        );
        Some((name.into_owned(), asset))
    })
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
    fn text_is_gzipped_and_tagged_by_content() {
        let css = embedded()
            .find_map(|(name, asset)| (name == "app.css").then_some(asset))
            .expect("the stylesheet");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        let packed = css.gzip.as_ref().expect("a gzip copy");
        assert!(packed.len() < css.body.len());
        assert_eq!(css.tag.len(), 16);
        let again = Asset::new("text/css", css.body.clone());
        assert_eq!(again.tag, css.tag, "the same content, the same tag");
        let other = Asset::new("text/css", Bytes::from_static(b"p{}"));
        assert_ne!(other.tag, css.tag);
    }

    #[test]
    fn pages_are_not_among_the_files_served_as_they_are() {
        for (name, _) in embedded() {
            assert!(!name.ends_with(".html"), "{name} belongs in pages/");
        }
    }
}
