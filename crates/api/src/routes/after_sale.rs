//! After the order: returns (`/api/orders/{id}/returns`, asked for by the
//! order's customer or staff, received or rejected by staff) and refunds
//! (`/api/orders/{id}/refunds`, staff and admins).

use actix_web::{HttpRequest, HttpResponse, web};
use oms_domain::order::Order;
use oms_domain::user::Actor;
use oms_domain::visibility::Audience;
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::orders::{
    PlaceOrderHeaders, ReceiveReturnRequest, RefundRequest, RefundView, RejectReturnRequest,
    RequestReturnRequest, ReturnView,
};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::routes::order_changes::names_for;
use crate::routes::orders::idempotency_key;
use crate::state::AppState;

/// Return `id` of `order` as `caller` sees it.
async fn return_view<S: Store>(
    state: &AppState<S>,
    caller: Actor,
    order: &Order,
    id: u32,
) -> Result<ReturnView, ApiError> {
    let names = names_for(state, caller).await;
    let audience = Audience::of(Some(caller), order.placed_by().user);
    let found = order.returns().into_iter().find(|r| r.request.id == id);
    let found = found.ok_or_else(|| ApiError::not_found("return on this order"))?;
    let by = names.seen(order, found.requested_by, audience);
    Ok(ReturnView::of(order, &found, audience, by))
}

/// Asks to send back units that have shipped: the order's own customer
/// within `OMS_RETURN_WINDOW_DAYS` of delivery (or of the last shipment),
/// staff any time. Another customer's order is 404.
#[utoipa::path(post, path = "/api/orders/{id}/returns", operation_id = "requestReturn", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = RequestReturnRequest,
    responses((status = 201, body = ReturnView)))]
pub async fn request<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<RequestReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let (order, made) = state
        .orders
        .request_return(caller, &id, body.into_app())
        .await?;
    let view = return_view(&state, caller, &order, made).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Records what came back (staff and admins), each line restocked or
/// not; restocked units are on the shelf again in the same step. A return
/// is received once.
#[utoipa::path(post, path = "/api/orders/{id}/returns/{returnId}/receive", operation_id = "receiveReturn", tag = "returns", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Order id"),
        ("returnId" = u32, Path, minimum = 1, description = "The return's number on the order")),
    request_body = ReceiveReturnRequest,
    responses((status = 200, body = ReturnView)))]
pub async fn receive<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    path: web::Path<(String, String)>,
    JsonBody(body): JsonBody<ReceiveReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, return_id) = path.into_inner();
    let order = state
        .orders
        .receive_return(caller, &id, &return_id, &body.into_app())
        .await?;
    let number = return_id.parse().unwrap_or_default();
    Ok(HttpResponse::Ok().json(return_view(&state, caller, &order, number).await?))
}

/// Refuses a return (staff and admins); its units may be asked for again.
#[utoipa::path(post, path = "/api/orders/{id}/returns/{returnId}/reject", operation_id = "rejectReturn", tag = "returns", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Order id"),
        ("returnId" = u32, Path, minimum = 1, description = "The return's number on the order")),
    request_body = RejectReturnRequest,
    responses((status = 200, body = ReturnView)))]
pub async fn reject<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    path: web::Path<(String, String)>,
    JsonBody(body): JsonBody<RejectReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, return_id) = path.into_inner();
    let order = state
        .orders
        .reject_return(caller, &id, &return_id, &body.reason)
        .await?;
    let number = return_id.parse().unwrap_or_default();
    Ok(HttpResponse::Ok().json(return_view(&state, caller, &order, number).await?))
}

/// Records money paid back on an order whose payment was collected (staff
/// and admins); all refunds together at most the order's total. A repeated
/// `Idempotency-Key` with the same body answers the first refund
/// (`Idempotent-Replayed: true`); with another body it is 422.
#[utoipa::path(post, path = "/api/orders/{id}/refunds", operation_id = "refundOrder", tag = "returns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id"), PlaceOrderHeaders),
    request_body = RefundRequest,
    responses((status = 201, body = RefundView)))]
pub async fn refund<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    req: HttpRequest,
    id: web::Path<String>,
    JsonBody(body): JsonBody<RefundRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.into_app(idempotency_key(&req)?);
    let (order, refunded) = state.orders.refund(caller, &id, command).await?;
    let names = names_for(&state, caller).await;
    let audience = Audience::of(Some(caller), order.placed_by().user);
    let view = order
        .refunds()
        .find(|(r, _, _)| r.id == refunded.id)
        .map(|(r, at, by)| RefundView::of(r, at, names.seen(&order, by, audience)))
        .ok_or_else(|| ApiError::not_found("refund on this order"))?;
    Ok(HttpResponse::Created()
        .insert_header(("Idempotent-Replayed", refunded.replayed.to_string()))
        .json(view))
}
