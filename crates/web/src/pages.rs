//! Which file answers which page path.

/// The page paths with a fixed file, and the file.
pub const PAGES: [(&str, &str); 6] = [
    ("/", "index.html"),
    ("/login", "login.html"),
    ("/order", "order.html"),
    ("/my-orders", "my-orders.html"),
    ("/admin", "admin.html"),
    // Without an id: finding an order by its number and e-mail address.
    ("/track-order", "track.html"),
];

/// Where tracking pages live: `/track-order/{id}`.
pub const TRACK_PREFIX: &str = "/track-order/";

/// The tracking page, whatever the id (the page asks the API about it).
pub const TRACK_FILE: &str = "track.html";

/// The page for paths no page serves.
pub const NOT_FOUND_FILE: &str = "not-found.html";

/// The URL prefix of the other files (stylesheet, scripts, icon).
pub const ASSET_PREFIX: &str = "/assets/";
