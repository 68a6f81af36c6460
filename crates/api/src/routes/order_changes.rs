//! Changes to a placed order besides its status and shipments: the
//! shipping address (`PATCH /api/orders/{id}`) and the staff's notes.

use actix_web::{HttpResponse, web};
use oms_domain::user::Actor;
use oms_domain::visibility::Audience;
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::orders::{
    AddNoteRequest, Names, NoteView, OrderView, UpdateOrderRequest, view_json,
};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::state::AppState;

/// The names of the shop's staff and admins, for the views that say who
/// did what: read only when `caller` is to see them.
pub async fn names_for<S: Store>(state: &AppState<S>, caller: Actor) -> Names {
    if !Audience::of(Some(caller), oms_domain::ids::UserId::MIN).sees_notes() {
        return Names::default();
    }
    match state.users.staff_names(caller).await {
        Ok(staff) => Names::new(staff),
        // Names are a courtesy: without them the view still says who by id.
        Err(error) => {
            tracing::warn!(%error, "the staff's names could not be read");
            Names::default()
        }
    }
}

/// The order as `caller` sees it, with the staff's names where it shows them.
pub async fn view_for<S: Store>(
    state: &AppState<S>,
    caller: Actor,
    order: &oms_domain::order::Order,
) -> OrderView {
    let names = names_for(state, caller).await;
    let audience = Audience::of(Some(caller), order.placed_by().user);
    OrderView::named(order, audience, state.currency, &names)
}

/// The order as `viewer` (anonymous when `None`) sees it, as JSON: kept
/// by the order's version, so a read of an order seen before writes
/// nothing again (`dto::orders::view_json`).
pub async fn json_for<S: Store>(
    state: &AppState<S>,
    viewer: Option<Actor>,
    order: &oms_domain::order::Order,
) -> Result<web::Bytes, ApiError> {
    let names = match viewer {
        Some(caller) => names_for(state, caller).await,
        None => Names::default(),
    };
    let audience = Audience::of(viewer, order.placed_by().user);
    view_json(order, audience, state.currency, &names).map_err(|e| {
        tracing::error!(error = %e, "an order's view could not be written as JSON");
        ApiError::internal()
    })
}

/// Sets or corrects an order's shipping address (staff and admins) until
/// every unit has shipped.
#[utoipa::path(patch, path = "/api/orders/{id}", operation_id = "updateOrder", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = UpdateOrderRequest,
    responses(
        (status = 200, body = OrderView)))]
pub async fn update<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<UpdateOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let order = state.orders.update(caller, &id, body.into_app()).await?;
    Ok(HttpResponse::Ok().json(view_for(&state, caller, &order).await))
}

/// Adds a note to an order (staff and admins). Staff views list it under
/// `notes`; customers and the public never see it.
#[utoipa::path(post, path = "/api/orders/{id}/notes", operation_id = "addOrderNote", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = AddNoteRequest,
    responses(
        (status = 201, body = NoteView)))]
pub async fn add_note<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<AddNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let (order, note) = state.orders.add_note(caller, &id, &body.text).await?;
    let names = names_for(&state, caller).await;
    let at = order.updated_at();
    Ok(HttpResponse::Created().json(names.note(&order, &note, at, caller)))
}
