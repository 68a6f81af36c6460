//! Which file answers which page path.

/// The page paths with a fixed file, and the file.
pub const PAGES: [(&str, &str); 4] = [
    ("/", "index.html"),
    ("/login", "login.html"),
    ("/order", "order.html"),
    ("/admin", "admin.html"),
];

/// Where tracking pages live: `/track-order/{id}`.
pub const TRACK_PREFIX: &str = "/track-order/";

/// The tracking page, whatever the id (the page asks the API about it).
pub const TRACK_FILE: &str = "track.html";

/// The page for paths no page serves.
pub const NOT_FOUND_FILE: &str = "not-found.html";

/// The URL prefix of the other files (stylesheet, scripts, icon).
pub const ASSET_PREFIX: &str = "/assets/";

/// The file that answers `path`, if a page does.
pub fn file_for(path: &str) -> Option<&'static str> {
    if let Some((_, file)) = PAGES.iter().find(|(page, _)| *page == path) {
        return Some(file);
    }
    let id = path.strip_prefix(TRACK_PREFIX)?;
    (!id.is_empty() && !id.contains('/')).then_some(TRACK_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_map_to_their_files() {
        assert_eq!(file_for("/"), Some("index.html"));
        assert_eq!(file_for("/admin"), Some("admin.html"));
        assert_eq!(file_for("/track-order/abc"), Some(TRACK_FILE));
    }

    #[test]
    fn other_paths_have_no_page() {
        assert_eq!(file_for("/track-order/"), None);
        assert_eq!(file_for("/track-order/a/b"), None);
        assert_eq!(file_for("/admin/"), None);
        assert_eq!(file_for("/nope"), None);
    }
}
