//! The OpenAPI document, generated from the handlers' annotations and the
//! wire types, served at `/api-docs/openapi.json` with Swagger UI at `/docs`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto::{auth, customers, orders, page, products};
use crate::problem::{FieldProblem, Problem};
use crate::routes;

/// The API description.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "oms", description = "Order management: orders, stock, customers, tracking, CSV export."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::auth::register,
        routes::auth::login,
        routes::auth::me,
        routes::products::create,
        routes::products::list,
        routes::products::get,
        routes::products::update,
        routes::customers::create,
        routes::customers::list,
        routes::customers::get,
        routes::orders::place,
        routes::orders::list,
        routes::orders::summary,
        routes::orders::get,
        routes::orders::change_status,
        routes::export::csv,
        routes::ws::subscribe,
    ),
    components(schemas(
        Problem, FieldProblem,
        auth::RegisterRequest, auth::LoginRequest, auth::TokenResponse, auth::UserView,
        products::CreateProductRequest, products::UpdateProductRequest, products::ProductView,
        customers::CreateCustomerRequest, customers::CustomerView,
        orders::PlaceOrderRequest, orders::OrderCustomerRequest, orders::OrderItemRequest,
        orders::ChangeStatusRequest, orders::OrderView, orders::OrderCustomerView,
        orders::OrderLineView, orders::StatusEntryView, orders::OrderSummaryView,
        orders::StatusCounts,
        page::Page<products::ProductView>,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and tokens"),
        (name = "products", description = "The catalogue"),
        (name = "customers", description = "Customers"),
        (name = "orders", description = "Orders, tracking and export"),
        (name = "events", description = "The live order feed (WebSocket)"),
        (name = "operations", description = "Probes and metrics"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the routes refer to.
#[derive(Debug)]
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
