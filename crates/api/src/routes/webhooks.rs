//! `/api/webhooks`: endpoints the shop's events are pushed to, signed, and
//! their delivery logs (admins only).

use actix_web::{HttpResponse, web};
use oms_domain::ids::{DeliveryId, WebhookId};
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::page::Page;
use crate::dto::webhooks::{
    CreateWebhookRequest, DeliveryListQuery, DeliveryView, UpdateWebhookRequest, WebhookView,
    WebhookWithSecret,
};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::state::AppState;

fn webhook_id(raw: &str) -> Result<WebhookId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found("webhook"))
}

/// Every endpoint, oldest first; one page.
#[utoipa::path(get, path = "/api/webhooks", operation_id = "listWebhooks", tag = "webhooks", security(("bearer" = [])),
    responses(
        (status = 200, body = Page<WebhookView>)))]
pub async fn list<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
) -> Result<HttpResponse, ApiError> {
    let all = state.webhooks.list(caller).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: all.iter().map(WebhookView::from).collect(),
        next_cursor: None,
    }))
}

/// Adds an endpoint, sent every event (or those named) from now on. The
/// answer carries its signing secret, shown this once.
#[utoipa::path(post, path = "/api/webhooks", operation_id = "createWebhook", tag = "webhooks", security(("bearer" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, body = WebhookWithSecret,
            headers(("Location" = String, description = "The endpoint's URL")))))]
pub async fn create<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let webhook = state.webhooks.create(caller, body.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/webhooks/{}", webhook.id)))
        .json(WebhookWithSecret::from(&webhook)))
}

/// One endpoint.
#[utoipa::path(get, path = "/api/webhooks/{id}", operation_id = "getWebhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, body = WebhookView)))]
pub async fn get<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let webhook = state.webhooks.get(caller, webhook_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(WebhookView::from(&webhook)))
}

/// Changes the URL, events, description, or whether it is enabled.
#[utoipa::path(patch, path = "/api/webhooks/{id}", operation_id = "updateWebhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, body = WebhookView)))]
pub async fn update<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<UpdateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook_id(&id)?;
    let webhook = state.webhooks.change(caller, id, body.into()).await?;
    Ok(HttpResponse::Ok().json(WebhookView::from(&webhook)))
}

/// Removes the endpoint and its delivery log.
#[utoipa::path(delete, path = "/api/webhooks/{id}", operation_id = "deleteWebhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 204, description = "Removed")))]
pub async fn delete<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.webhooks.delete(caller, webhook_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret; for 24 hours deliveries are signed with the old
/// one too, so receivers can switch without refusing one.
#[utoipa::path(post, path = "/api/webhooks/{id}/secret/rotate", operation_id = "rotateWebhookSecret", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, body = WebhookWithSecret)))]
pub async fn rotate<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let webhook = state.webhooks.rotate(caller, webhook_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(WebhookWithSecret::from(&webhook)))
}

/// Sends a `ping` event now; its delivery shows in the log.
#[utoipa::path(post, path = "/api/webhooks/{id}/test", operation_id = "testWebhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 202, body = DeliveryView)))]
pub async fn test<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let delivery = state.webhooks.ping(caller, webhook_id(&id)?).await?;
    Ok(HttpResponse::Accepted().json(DeliveryView::from(&delivery)))
}

/// The endpoint's deliveries, newest first.
#[utoipa::path(get, path = "/api/webhooks/{id}/deliveries", operation_id = "listWebhookDeliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id"), DeliveryListQuery),
    responses(
        (status = 200, body = Page<DeliveryView>)))]
pub async fn deliveries<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    query: web::Query<DeliveryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = query.into_inner().into_app()?;
    let page = state
        .webhooks
        .deliveries(caller, webhook_id(&id)?, &list)
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_app(page, |d| DeliveryView::from(&d))))
}

/// Sends the delivery again now, with the same `webhook-id`.
#[utoipa::path(post, path = "/api/webhooks/{id}/deliveries/{deliveryId}/retry", operation_id = "retryWebhookDelivery", tag = "webhooks", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Endpoint id"),
        ("deliveryId" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, body = DeliveryView)))]
pub async fn retry<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let delivery: DeliveryId = delivery
        .parse()
        .map_err(|_| ApiError::not_found("delivery"))?;
    let retried = state
        .webhooks
        .retry(caller, webhook_id(&id)?, delivery)
        .await?;
    Ok(HttpResponse::Accepted().json(DeliveryView::from(&retried)))
}
