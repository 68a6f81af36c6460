//! `/api/orders`: place, track, list, and move orders through their statuses.

use actix_web::{HttpRequest, HttpResponse, web};
use oms_app::orders::PlaceOrderError;
use oms_domain::visibility::Audience;
use oms_ports::store::Store;

use crate::auth::{Caller, MaybeCaller};
use crate::dto::orders::{
    ChangeStatusRequest, LookupRequest, OrderFilterQuery, OrderListQuery, OrderSummaryView,
    OrderView, PlaceOrderHeaders, PlaceOrderRequest,
};
use crate::dto::page::Page;
use crate::json::JsonBody;
use crate::problem::{ApiError, FieldProblem};
use crate::state::AppState;

/// Places an order, reserving its stock all or nothing. A repeated
/// `Idempotency-Key` returns the first order (`Idempotent-Replayed: true`).
#[utoipa::path(post, path = "/api/orders", operation_id = "placeOrder", tag = "orders", security(("bearer" = [])),
    request_body = PlaceOrderRequest,
    params(PlaceOrderHeaders),
    responses(
        (status = 201, body = OrderView,
            headers(("Location" = String, description = "The new order's URL")),
            links(
                ("getOrder" = (operation_id = "getOrder", parameters(("id" = "$response.body#/id")))),
                ("changeOrderStatus" = (operation_id = "changeOrderStatus", parameters(("id" = "$response.body#/id"))))))))]
pub async fn place<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    req: HttpRequest,
    JsonBody(body): JsonBody<PlaceOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = body.into_app(idempotency_key(&req)?);
    let placement = state.orders.place(caller, command).await.inspect_err(|e| {
        if matches!(e, PlaceOrderError::OutOfStock { .. }) {
            state.metrics.stock_conflicts.inc();
        }
    })?;
    if !placement.replayed {
        state.metrics.orders_placed.inc();
    }
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/orders/{}", placement.order.id())))
        .insert_header(("Idempotent-Replayed", placement.replayed.to_string()))
        .json(OrderView::seen_by(
            &placement.order,
            Some(caller),
            state.currency,
        )))
}

pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| {
        ApiError::fields(vec![FieldProblem {
            field: "Idempotency-Key".to_owned(),
            message: "must be visible ASCII".to_owned(),
        }])
    })?;
    Ok(Some(text.to_owned()))
}

/// Tracks an order by id (public). Without a token, or for someone else's
/// order, the e-mail address is masked and staff ids are left out.
#[utoipa::path(get, path = "/api/orders/{id}", operation_id = "getOrder", tag = "orders", security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = OrderView)))]
pub async fn get<S: Store>(
    state: web::Data<AppState<S>>,
    MaybeCaller(viewer): MaybeCaller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let order = state.orders.get(&id).await?;
    let json = crate::routes::order_changes::json_for(&state, viewer, &order).await?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(json))
}

/// Finds an order by its number and the e-mail address it was placed with
/// (public): the public view, with the `id` its tracking link needs. A
/// wrong number and a wrong address get the same 404; guesses count
/// against the sign-in budget.
#[utoipa::path(post, path = "/api/orders/lookup", operation_id = "lookUpOrder", tag = "orders", security(()),
    request_body = LookupRequest,
    responses(
        (status = 200, body = OrderView,
            links(("getOrder" = (operation_id = "getOrder", parameters(("id" = "$response.body#/id"))))))))]
pub async fn lookup<S: Store>(
    state: web::Data<AppState<S>>,
    JsonBody(body): JsonBody<LookupRequest>,
) -> Result<HttpResponse, ApiError> {
    let order = state
        .orders
        .look_up(&body.number_text(), &body.email)
        .await?;
    Ok(HttpResponse::Ok().json(OrderView::of(&order, Audience::Public, state.currency)))
}

/// Lists orders, newest first (staff and admins; a customer sees its own).
#[utoipa::path(get, path = "/api/orders", operation_id = "listOrders", tag = "orders", security(("bearer" = [])),
    params(OrderListQuery),
    responses(
        (status = 200, body = Page<OrderView>)))]
pub async fn list<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<OrderListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .orders
        .list(caller, &query.into_inner().into_app()?)
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_app(page, |o| {
        OrderView::seen_by(&o, Some(caller), state.currency)
    })))
}

/// Counts by status and takings (the sum of the totals of orders not
/// cancelled) over every order the list filters select; a customer's
/// summary covers its own orders.
#[utoipa::path(get, path = "/api/orders/summary", operation_id = "summarizeOrders", tag = "orders", security(("bearer" = [])),
    params(OrderFilterQuery),
    responses(
        (status = 200, body = OrderSummaryView)))]
pub async fn summary<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<OrderFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let summary = state
        .orders
        .summarize(caller, &query.into_inner().into_app())
        .await?;
    Ok(HttpResponse::Ok().json(OrderSummaryView::new(&summary, state.currency)))
}

/// Moves an order to a new status, releasing its stock when cancelled.
#[utoipa::path(put, path = "/api/orders/{id}/status", operation_id = "changeOrderStatus", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = ChangeStatusRequest,
    responses(
        (status = 200, body = OrderView)))]
pub async fn change_status<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<ChangeStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let order = state.orders.change_status(caller, &id, body.into()).await?;
    Ok(HttpResponse::Ok()
        .json(crate::routes::order_changes::view_for(&state, caller, &order).await))
}
