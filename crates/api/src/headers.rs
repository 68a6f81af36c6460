//! The security headers every response carries (Helmet's set), and which
//! other origins' pages may call the API (CORS).

use actix_cors::Cors;
use actix_web::middleware::DefaultHeaders;

/// Pages and the API docs load scripts, styles and images only from this
/// origin; Swagger UI needs inline styles and data: images.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The headers; `hsts` only when the service is reached over TLS.
pub fn security_headers(hsts: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add(("X-DNS-Prefetch-Control", "off"))
        .add(("X-Permitted-Cross-Domain-Policies", "none"));
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
