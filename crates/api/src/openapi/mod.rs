//! The OpenAPI document, generated from the handlers' annotations and the
//! wire types, served at `/api-docs/openapi.json` with Swagger UI at `/docs`.
//! It is meant to be exact: CI fuzzes the server against it.

pub mod address_rules;
mod failures;
pub mod return_rules;
pub mod rules;
pub mod shipment_rules;

use failures::RouteFailures;

use std::sync::OnceLock;

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto::{address, auth, customers, events, orders, page, products, users, webhooks};
use crate::problem::ApiError;
use crate::problem::{FieldProblem, Problem, ProblemCode};
use crate::routes;

/// The API description.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "oms", description = "Order management: orders, stock, customers, tracking, CSV export."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
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
        routes::users::list,
        routes::users::create,
        routes::users::update,
        routes::webhooks::list,
        routes::webhooks::create,
        routes::webhooks::get,
        routes::webhooks::update,
        routes::webhooks::delete,
        routes::webhooks::rotate,
        routes::webhooks::test,
        routes::webhooks::deliveries,
        routes::webhooks::retry,
        routes::orders::place,
        routes::orders::list,
        routes::orders::summary,
        routes::orders::lookup,
        routes::orders::get,
        routes::orders::change_status,
        routes::order_changes::update,
        routes::order_changes::add_note,
        routes::shipments::create,
        routes::shipments::delivered,
        routes::after_sale::request,
        routes::after_sale::receive,
        routes::after_sale::reject,
        routes::after_sale::refund,
        routes::export::csv,
        routes::ws::subscribe,
    ),
    components(schemas(
        Problem, FieldProblem, ProblemCode,
        auth::RegisterRequest, auth::LoginRequest, auth::TokenResponse, auth::UserView,
        products::CreateProductRequest, products::UpdateProductRequest, products::ProductView,
        customers::CreateCustomerRequest, customers::CustomerView,
        users::CreateUserRequest, users::UpdateUserRequest, users::AccountView,
        webhooks::CreateWebhookRequest, webhooks::UpdateWebhookRequest, webhooks::WebhookView,
        webhooks::WebhookWithSecret, webhooks::DeliveryView, webhooks::AttemptView,
        orders::PlaceOrderRequest, orders::OrderCustomerRequest, orders::OrderItemRequest,
        address::AddressRequest, address::AddressView,
        orders::ChangeStatusRequest, orders::OrderView, orders::OrderCustomerView,
        orders::CreateShipmentRequest, orders::ShipmentItemRequest, orders::MarkDeliveredRequest,
        orders::ShipmentView, orders::ShipmentItemView,
        orders::UpdateOrderRequest, orders::AddNoteRequest, orders::NoteView, orders::ActorView,
        orders::TimelineEntryView,
        events::OrderNoteAddedView, events::OrderAddressUpdatedView, events::OrderItemsUpdatedView,
        orders::EditedLineView, orders::ReturnView, orders::ReturnItemView, orders::RefundView,
        orders::RequestReturnRequest, orders::ReceiveReturnRequest, orders::ReceivedItemRequest,
        orders::RejectReturnRequest, orders::RefundRequest,
        events::ReturnChangedView, events::OrderRefundedView,
        events::OrderShippedView, events::OrderShipmentDeliveredView,
        orders::OrderLineView, orders::StatusEntryView, orders::OrderSummaryView,
        orders::StatusCounts, orders::LookupRequest,
        page::Page<products::ProductView>,
        events::EventMessage, events::OrderStatusUpdatedView, events::OrderPaymentUpdatedView,
    )),
    modifiers(&BearerAuth, &RouteFailures),
    tags(
        (name = "auth", description = "Accounts and tokens"),
        (name = "products", description = "The catalogue"),
        (name = "customers", description = "Customers"),
        (name = "users", description = "The staff's accounts (admins only)"),
        (name = "webhooks", description = "Signed HTTP calls for every order event (admins only)"),
        (name = "orders", description = "Orders, tracking and export"),
        (name = "returns", description = "Returns and refunds"),
        (name = "events", description = "The live order feed (WebSocket)"),
        (name = "operations", description = "Probes (metrics are served apart, on `OMS_METRICS_BIND`)"),
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

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api-docs/openapi.json";

/// The document as served: JSON, made once.
///
/// # Errors
/// Only if the document cannot be written as JSON, which is a bug; the
/// server checks at start, so it never serves a broken one.
pub fn document() -> Result<&'static [u8], String> {
    static DOCUMENT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let mut value = serde_json::to_value(ApiDoc::openapi()).map_err(|e| e.to_string())?;
            camel_case_links(&mut value);
            serde_json::to_vec(&value).map_err(|e| e.to_string())
        })
        .as_deref()
        .map_err(|e| format!("the OpenAPI document cannot be written: {e}"))
}

/// `GET /api-docs/openapi.json`.
pub async fn serve() -> Result<HttpResponse, ApiError> {
    let document = document().map_err(|_| ApiError::internal())?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(document))
}

/// utoipa 5 writes a link's fields in snake case (`operation_id`), which
/// no OpenAPI tool reads; the specification's names are camel case.
fn camel_case_links(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let responses = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut());
    for response in responses {
        let Some(links) = response.get_mut("links").and_then(Value::as_object_mut) else {
            continue;
        };
        for link in links.values_mut().filter_map(Value::as_object_mut) {
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(v) = link.remove(snake) {
                    link.insert(camel.to_owned(), v);
                }
            }
        }
    }
}
