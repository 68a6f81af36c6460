//! `/api/orders/{id}/shipments`: send an order's units and record their
//! arrival (staff and admins).

use actix_web::{HttpResponse, web};
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::orders::{CreateShipmentRequest, MarkDeliveredRequest, OrderView};
use crate::json::OptionalJsonBody;
use crate::problem::ApiError;
use crate::routes::order_changes::view_for;
use crate::state::AppState;

/// Sends units of a `confirmed` or `partially_shipped` order in a new
/// shipment: the items given, or every unit not yet shipped. The order
/// becomes `partially_shipped` while units are left, else `shipped`.
#[utoipa::path(post, path = "/api/orders/{id}/shipments", operation_id = "createShipment", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = Option<CreateShipmentRequest>,
    responses(
        (status = 201, body = OrderView,
            links(("getOrder" = (operation_id = "getOrder", parameters(("id" = "$response.body#/id"))))))))]
pub async fn create<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<CreateShipmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let order = state.orders.ship(caller, &id, body.into_app()).await?;
    Ok(HttpResponse::Created().json(view_for(&state, caller, &order).await))
}

/// Records that a shipment arrived; once every unit has shipped and every
/// shipment arrived, the order is `delivered`. Marking an arrived shipment
/// again answers the order as it is.
#[utoipa::path(post, path = "/api/orders/{id}/shipments/{shipmentId}/delivered", operation_id = "markShipmentDelivered", tag = "orders", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Order id"),
        ("shipmentId" = u32, Path, minimum = 1, description = "The shipment's number on the order")),
    request_body = Option<MarkDeliveredRequest>,
    responses(
        (status = 200, body = OrderView)))]
pub async fn delivered<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    path: web::Path<(String, String)>,
    OptionalJsonBody(body): OptionalJsonBody<MarkDeliveredRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, shipment) = path.into_inner();
    let order = state
        .orders
        .mark_delivered(caller, &id, &shipment, body.expected_version)
        .await?;
    Ok(HttpResponse::Ok().json(view_for(&state, caller, &order).await))
}
