//! Every route in one table: registration and the OpenAPI completeness
//! test read the same list, so a route cannot be added to one and not the
//! other.

pub mod auth;
pub mod customers;
pub mod export;
pub mod health;
pub mod orders;
pub mod products;
pub mod ws;

use actix_governor::Governor;
use actix_web::http::Method;
use actix_web::{HttpResponse, Route, web};
use oms_ports::store::Store;

use crate::problem::ApiError;
use crate::rate_limit::Budget as SignInBudget;

/// Which request budget a route draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// The per-client budget every route shares.
    General,
    /// Also the much smaller sign-in budget (password guessing).
    SignIn,
}

/// One route: method, path (actix and OpenAPI share `{name}` syntax), the
/// budget it draws on and its handler.
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path pattern.
    pub path: &'static str,
    /// Rate-limit budget.
    pub budget: Budget,
    /// The handler.
    pub route: Route,
}

impl std::fmt::Debug for RouteDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

fn def(method: Method, path: &'static str, budget: Budget, route: Route) -> RouteDef {
    RouteDef {
        method,
        path,
        budget,
        route,
    }
}

/// The whole API, in matching order (`/export/csv` and `/summary` before `/{id}`).
pub fn table<S: Store>() -> Vec<RouteDef> {
    use Budget::{General, SignIn};
    use Method as M;
    vec![
        def(M::GET, "/healthz", General, web::get().to(health::healthz)),
        def(
            M::GET,
            "/readyz",
            General,
            web::get().to(health::readyz::<S>),
        ),
        def(M::GET, "/metrics", General, web::get().to(health::metrics)),
        def(
            M::POST,
            "/auth/register",
            SignIn,
            web::post().to(auth::register::<S>),
        ),
        def(
            M::POST,
            "/auth/login",
            SignIn,
            web::post().to(auth::login::<S>),
        ),
        def(M::GET, "/auth/me", General, web::get().to(auth::me::<S>)),
        def(
            M::POST,
            "/api/products",
            General,
            web::post().to(products::create::<S>),
        ),
        def(
            M::GET,
            "/api/products",
            General,
            web::get().to(products::list::<S>),
        ),
        def(
            M::GET,
            "/api/products/{id}",
            General,
            web::get().to(products::get::<S>),
        ),
        def(
            M::PATCH,
            "/api/products/{id}",
            General,
            web::patch().to(products::update::<S>),
        ),
        def(
            M::POST,
            "/api/customers",
            General,
            web::post().to(customers::create::<S>),
        ),
        def(
            M::GET,
            "/api/customers",
            General,
            web::get().to(customers::list::<S>),
        ),
        def(
            M::GET,
            "/api/customers/{id}",
            General,
            web::get().to(customers::get::<S>),
        ),
        def(
            M::POST,
            "/api/orders",
            General,
            web::post().to(orders::place::<S>),
        ),
        def(
            M::GET,
            "/api/orders",
            General,
            web::get().to(orders::list::<S>),
        ),
        def(
            M::GET,
            "/api/orders/export/csv",
            General,
            web::get().to(export::csv::<S>),
        ),
        def(
            M::GET,
            "/api/orders/summary",
            General,
            web::get().to(orders::summary::<S>),
        ),
        def(
            M::GET,
            "/api/orders/{id}",
            General,
            web::get().to(orders::get::<S>),
        ),
        def(
            M::PUT,
            "/api/orders/{id}/status",
            General,
            web::put().to(orders::change_status::<S>),
        ),
        def(M::GET, "/ws", General, web::get().to(ws::subscribe::<S>)),
    ]
}

/// Where the API lives: every route, the OpenAPI document and its browser
/// are at or under one of these. Other paths belong to the pages.
pub const API_ROOTS: [&str; 8] = [
    "/api",
    "/api-docs",
    "/auth",
    "/ws",
    "/healthz",
    "/readyz",
    "/metrics",
    "/docs",
];

/// Whether `path` is the API's (so an unknown one is a problem, not a page).
pub fn is_api_path(path: &str) -> bool {
    API_ROOTS.iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The routes of one path: its budget, and each method with its handler.
type PathRoutes = (&'static str, Budget, Vec<(Method, Route)>);

/// Routes grouped by path, in first-seen order: one actix resource per path,
/// so a wrong method on a known path is 405, not 404.
fn by_path(table: Vec<RouteDef>) -> Vec<PathRoutes> {
    let mut groups: Vec<PathRoutes> = Vec::new();
    for def in table {
        match groups.iter_mut().find(|(path, ..)| *path == def.path) {
            Some((_, budget, routes)) => {
                if def.budget == Budget::SignIn {
                    *budget = Budget::SignIn;
                }
                routes.push((def.method, def.route));
            }
            None => groups.push((def.path, def.budget, vec![(def.method, def.route)])),
        }
    }
    groups
}

/// Registers every route of [`table`], sign-in routes behind their own
/// budget, and answers other methods with 405 and `Allow`.
pub fn configure<S: Store>(cfg: &mut web::ServiceConfig, sign_in: &SignInBudget) {
    for (path, budget, routes) in by_path(table::<S>()) {
        let allow: Vec<String> = routes
            .iter()
            .map(|(method, _)| method.to_string())
            .collect();
        let allow = allow.join(", ");
        let refuse = move || {
            let allow = allow.clone();
            async move { Err::<HttpResponse, _>(ApiError::method_not_allowed(&allow)) }
        };
        let mut resource = web::resource(path).default_service(web::to(refuse));
        for (_, route) in routes {
            resource = resource.route(route);
        }
        match budget {
            Budget::General => cfg.service(resource),
            Budget::SignIn => cfg.service(resource.wrap(Governor::new(sign_in))),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_under_an_api_root() {
        for route in table::<oms_memory::MemoryStore>() {
            assert!(is_api_path(route.path), "{route:?}");
        }
    }

    #[test]
    fn pages_and_lookalikes_are_not_the_api() {
        for path in ["/", "/admin", "/order", "/track-order/x", "/apiary", "/wsx"] {
            assert!(!is_api_path(path), "{path}");
        }
        assert!(is_api_path("/api/nope"));
        assert!(is_api_path("/api-docs/openapi.json"));
    }
}
