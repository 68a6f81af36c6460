//! Every route in one table: registration, the OpenAPI document's error
//! responses and its completeness test read the same list, so a route
//! cannot be added to one and not the other.

pub mod after_sale;
pub mod auth;
pub mod customers;
pub mod export;
pub mod health;
pub mod order_changes;
pub mod orders;
pub mod products;
pub mod shipments;
pub mod users;
pub mod webhooks;
pub mod ws;

use std::sync::Arc;

use actix_governor::Governor;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Responder, Route, web};
use oms_app::catalog::ProductError;
use oms_app::customers::CustomerError;
use oms_app::list::ListError;
use oms_app::orders::{ChangeStatusError, GetOrderError, LookupError, PlaceOrderError};
use oms_app::users::{AccountError, AuthenticateError, RegisterError};
use oms_app::webhooks::WebhookError;
use oms_ports::error::StoreError;
use oms_ports::store::Store;

use crate::problem::{ApiError, Failures, ProblemCode, failures};
use crate::rate_limit::RouteBudgets;

/// Which request budget a route draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// The per-client budget every route shares.
    General,
    /// Also the much smaller sign-in budget (password guessing).
    SignIn,
    /// Also the `/ws` upgrade budget.
    Upgrades,
}

/// One route: method, path (actix and OpenAPI share `{name}` syntax), the
/// budget it draws on, its handler, and every problem code it may answer
/// with: those of its handler's arguments (extractors), of the use cases
/// it names, and 429 from its budget.
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path pattern.
    pub path: &'static str,
    /// Rate-limit budget.
    pub budget: Budget,
    /// The handler.
    pub route: Route,
    /// What it may fail with.
    pub codes: Vec<ProblemCode>,
}

impl std::fmt::Debug for RouteDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

fn def<F, Args>(method: Method, path: &'static str, budget: Budget, handler: F) -> RouteDef
where
    F: Handler<Args>,
    Args: FromRequest + Failures + 'static,
    F::Output: Responder + 'static,
{
    let mut codes = Args::codes();
    codes.push(ProblemCode::RateLimited);
    RouteDef {
        route: web::method(method.clone()).to(handler),
        method,
        path,
        budget,
        codes,
    }
}

impl RouteDef {
    /// Also answers what `E` (a use case's error) can fail with.
    fn or<E: Failures>(mut self) -> RouteDef {
        self.codes = failures::with::<E>(self.codes);
        self
    }
}

/// The whole API, in matching order (`/export/csv` and `/summary` before `/{id}`).
pub fn table<S: Store>() -> Vec<RouteDef> {
    use Budget::{General, SignIn, Upgrades};
    use Method as M;
    vec![
        def(M::GET, "/healthz", General, health::healthz),
        def(M::GET, "/readyz", General, health::readyz::<S>).or::<health::NotReady>(),
        def(M::POST, "/auth/register", SignIn, auth::register::<S>).or::<RegisterError>(),
        def(M::POST, "/auth/login", SignIn, auth::login::<S>).or::<AuthenticateError>(),
        def(M::GET, "/auth/me", General, auth::me::<S>).or::<StoreError>(),
        def(M::POST, "/api/products", General, products::create::<S>).or::<ProductError>(),
        def(M::GET, "/api/products", General, products::list::<S>).or::<ListError>(),
        def(M::GET, "/api/products/{id}", General, products::get::<S>).or::<ProductError>(),
        def(
            M::PATCH,
            "/api/products/{id}",
            General,
            products::update::<S>,
        )
        .or::<ProductError>(),
        def(M::POST, "/api/customers", General, customers::create::<S>).or::<CustomerError>(),
        def(M::GET, "/api/customers", General, customers::list::<S>).or::<ListError>(),
        def(M::GET, "/api/customers/{id}", General, customers::get::<S>).or::<CustomerError>(),
        def(M::GET, "/api/users", General, users::list::<S>).or::<AccountError>(),
        def(M::POST, "/api/users", General, users::create::<S>).or::<RegisterError>(),
        def(M::PATCH, "/api/users/{id}", General, users::update::<S>).or::<AccountError>(),
        def(M::GET, "/api/webhooks", General, webhooks::list::<S>).or::<WebhookError>(),
        def(M::POST, "/api/webhooks", General, webhooks::create::<S>).or::<WebhookError>(),
        def(M::GET, "/api/webhooks/{id}", General, webhooks::get::<S>).or::<WebhookError>(),
        def(
            M::PATCH,
            "/api/webhooks/{id}",
            General,
            webhooks::update::<S>,
        )
        .or::<WebhookError>(),
        def(
            M::DELETE,
            "/api/webhooks/{id}",
            General,
            webhooks::delete::<S>,
        )
        .or::<WebhookError>(),
        def(
            M::POST,
            "/api/webhooks/{id}/secret/rotate",
            General,
            webhooks::rotate::<S>,
        )
        .or::<WebhookError>(),
        def(
            M::POST,
            "/api/webhooks/{id}/test",
            General,
            webhooks::test::<S>,
        )
        .or::<WebhookError>(),
        def(
            M::GET,
            "/api/webhooks/{id}/deliveries",
            General,
            webhooks::deliveries::<S>,
        )
        .or::<WebhookError>(),
        def(
            M::POST,
            "/api/webhooks/{id}/deliveries/{deliveryId}/retry",
            General,
            webhooks::retry::<S>,
        )
        .or::<WebhookError>(),
        def(M::POST, "/api/orders", General, orders::place::<S>).or::<PlaceOrderError>(),
        def(M::GET, "/api/orders", General, orders::list::<S>).or::<ListError>(),
        def(M::GET, "/api/orders/export/csv", General, export::csv::<S>).or::<ListError>(),
        def(M::GET, "/api/orders/summary", General, orders::summary::<S>).or::<ListError>(),
        def(M::POST, "/api/orders/lookup", SignIn, orders::lookup::<S>).or::<LookupError>(),
        def(M::GET, "/api/orders/{id}", General, orders::get::<S>).or::<GetOrderError>(),
        def(
            M::PATCH,
            "/api/orders/{id}",
            General,
            order_changes::update::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/notes",
            General,
            order_changes::add_note::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::PUT,
            "/api/orders/{id}/status",
            General,
            orders::change_status::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/shipments",
            General,
            shipments::create::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/shipments/{shipmentId}/delivered",
            General,
            shipments::delivered::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/returns",
            General,
            after_sale::request::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/returns/{returnId}/receive",
            General,
            after_sale::receive::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/returns/{returnId}/reject",
            General,
            after_sale::reject::<S>,
        )
        .or::<ChangeStatusError>(),
        def(
            M::POST,
            "/api/orders/{id}/refunds",
            General,
            after_sale::refund::<S>,
        )
        .or::<ChangeStatusError>(),
        def(M::GET, "/ws", Upgrades, ws::subscribe::<S>)
            .or::<GetOrderError>()
            .or::<ws::Refusals>(),
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
    // Served on `OMS_METRICS_BIND`: asked here, a scraper on the wrong
    // port hears a problem, not a page.
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

/// The routes of one path: its budget, and each method with its handler
/// and codes.
type PathRoutes = (&'static str, Budget, Vec<(Method, Route, Vec<ProblemCode>)>);

/// Routes grouped by path, in first-seen order: one actix resource per path,
/// so a wrong method on a known path is 405, not 404.
fn by_path(table: Vec<RouteDef>) -> Vec<PathRoutes> {
    let mut groups: Vec<PathRoutes> = Vec::new();
    for def in table {
        match groups.iter_mut().find(|(path, ..)| *path == def.path) {
            Some((_, budget, routes)) => {
                // A path's methods share one resource: a route's own
                // budget covers the path.
                if def.budget != Budget::General {
                    *budget = def.budget;
                }
                routes.push((def.method, def.route, def.codes));
            }
            None => groups.push((
                def.path,
                def.budget,
                vec![(def.method, def.route, def.codes)],
            )),
        }
    }
    groups
}

/// Registers every route of [`table`], sign-in routes behind their own
/// budget, and answers other methods with 405 and `Allow`.
///
/// The routes of one `/api/<name>` family share a scope: actix tries a
/// path against each resource in turn, and a resource with a `{param}`
/// is a regular expression run with captures, so a request for an order
/// would otherwise be tried against every product, customer, user and
/// webhook pattern first. A scope's prefix is a plain string comparison.
pub fn configure<S: Store>(cfg: &mut web::ServiceConfig, budgets: &RouteBudgets) {
    let mut families: Vec<(&'static str, Vec<PathRoutes>)> = Vec::new();
    for routes in by_path(table::<S>()) {
        match family(routes.0) {
            Some(prefix) => match families.iter_mut().find(|(p, _)| *p == prefix) {
                Some((_, members)) => members.push(routes),
                None => families.push((prefix, vec![routes])),
            },
            None => register(cfg, routes.0, routes, budgets),
        }
    }
    for (prefix, members) in families {
        cfg.service(web::scope(prefix).configure(|scope| {
            for routes in members {
                let at = routes.0.strip_prefix(prefix).unwrap_or(routes.0);
                register(scope, at, routes, budgets);
            }
        }));
    }
}

/// The family of `/api/orders/{id}` is `/api/orders`; a path outside
/// `/api/` has none.
fn family(path: &'static str) -> Option<&'static str> {
    let rest = path.strip_prefix("/api/")?;
    let end = rest.find('/').map_or(path.len(), |at| "/api/".len() + at);
    Some(&path[..end])
}

/// One path's resource, registered at `at` (its path within its scope):
/// its methods, 405 for the others, its budget.
fn register(
    cfg: &mut web::ServiceConfig,
    at: &str,
    (path, budget, routes): PathRoutes,
    budgets: &RouteBudgets,
) {
    let allow: Vec<String> = routes
        .iter()
        .map(|(method, ..)| method.to_string())
        .collect();
    let documented: Arc<[(Method, Vec<ProblemCode>)]> = routes
        .iter()
        .map(|(method, _, codes)| (method.clone(), codes.clone()))
        .collect();
    let allow = allow.join(", ");
    let refuse = move || {
        let allow = allow.clone();
        async move { Err::<HttpResponse, _>(ApiError::method_not_allowed(&allow)) }
    };
    let mut resource = web::resource(at).default_service(web::to(refuse));
    for (_, route, _) in routes {
        resource = resource.route(route);
    }
    let resource = resource.wrap_fn(move |req, service| {
        // Release builds skip the check and pay for nothing but the call.
        let checked =
            cfg!(debug_assertions).then(|| (req.method().clone(), Arc::clone(&documented)));
        let answered = service.call(req);
        async move {
            let res = answered.await?;
            if let Some((method, documented)) = checked {
                check_documented(path, &method, &documented, &res);
            }
            Ok(res)
        }
    });
    match budget {
        Budget::General => cfg.service(resource),
        Budget::SignIn => cfg.service(resource.wrap(Governor::new(&budgets.sign_in))),
        Budget::Upgrades => cfg.service(resource.wrap(Governor::new(&budgets.upgrades))),
    };
}

/// Every error a route answers must be one of its codes, or the document
/// (made from them) would leave it out. Checked in debug builds, so by
/// every test that goes through a route.
fn check_documented<B>(
    path: &str,
    method: &Method,
    documented: &[(Method, Vec<ProblemCode>)],
    res: &ServiceResponse<B>,
) {
    let Some(codes) = documented
        .iter()
        .find(|(m, _)| m == method)
        .map(|(_, codes)| codes)
    else {
        return;
    };
    let answered = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map(ApiError::code);
    if let Some(code) = answered {
        assert!(
            codes.contains(&code),
            "{method} {path} answered `{code}`, which its route does not list: add its source to `routes::table`"
        );
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
    fn a_family_is_the_first_segment_under_api() {
        assert_eq!(family("/api/orders/{id}/returns"), Some("/api/orders"));
        assert_eq!(family("/api/orders"), Some("/api/orders"));
        assert_eq!(family("/auth/login"), None);
        assert_eq!(family("/healthz"), None);
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
