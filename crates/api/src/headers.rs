//! The security headers every response carries (Helmet's set), and which
//! other origins' pages may call the API (CORS).

use actix_cors::Cors;
use actix_web::middleware::DefaultHeaders;

/// The Content-Security-Policy: pages and the API docs load scripts,
/// styles and images only from their own origin (Swagger UI needs inline
/// styles and data: images), and talk to `'self'` plus `connect`, the
/// API's origins when the pages are served from elsewhere.
pub fn content_security_policy(connect: &[String]) -> String {
    let mut connect_src = String::from("'self'");
    for origin in connect {
        connect_src.push(' ');
        connect_src.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self'; connect-src {connect_src}; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Helmet's set of headers, with `csp` as the Content-Security-Policy:
/// what the server sends, and what a static host of the pages is told to.
pub fn security_header_pairs(csp: String) -> Vec<(&'static str, String)> {
    let fixed = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("X-DNS-Prefetch-Control", "off"),
        ("X-Permitted-Cross-Domain-Policies", "none"),
    ];
    std::iter::once(("Content-Security-Policy", csp))
        .chain(fixed.map(|(name, value)| (name, value.to_owned())))
        .collect()
}

/// The headers; `hsts` only when the service is reached over TLS.
pub fn security_headers(hsts: bool) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new();
    for pair in security_header_pairs(content_security_policy(&[])) {
        headers = headers.add(pair);
    }
    if hsts {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// CORS for the configured origins only; other origins get no CORS headers.
pub fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH"])
        .allowed_headers([
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Request-Id",
        ])
        .expose_headers([
            // The CSV export's file name.
            "Content-Disposition",
            "X-Request-Id",
            "Location",
            "Retry-After",
            "Idempotent-Replayed",
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
