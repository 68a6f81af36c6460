//! `/api/products`: the catalogue.

use actix_web::{HttpResponse, web};
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::page::Page;
use crate::dto::products::{
    CreateProductRequest, ProductListQuery, ProductView, UpdateProductRequest,
};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::state::AppState;

/// Adds a product (admin).
#[utoipa::path(post, path = "/api/products", operation_id = "createProduct", tag = "products", security(("bearer" = [])),
    request_body = CreateProductRequest,
    responses(
        (status = 201, body = ProductView,
            headers(("Location" = String, description = "The new product's URL")),
            links(
                ("getProduct" = (operation_id = "getProduct", parameters(("id" = "$response.body#/id")))),
                ("updateProduct" = (operation_id = "updateProduct", parameters(("id" = "$response.body#/id")))),
                ("orderIt" = (operation_id = "placeOrder", request_body = json!({
                    "customer": {"name": "Ann Lee", "email": "ann@example.com"},
                    "items": [{"productId": "$response.body#/id", "quantity": 1}]})))))))]
pub async fn create<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateProductRequest>,
) -> Result<HttpResponse, ApiError> {
    let product = state.catalog.create(caller, body.into()).await?;
    let location = format!("/api/products/{}", product.id);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(ProductView::new(product, state.currency)))
}

/// Lists the products for sale by name, with optional search (any
/// signed-in user); `archived=true` lists the archived ones instead.
#[utoipa::path(get, path = "/api/products", operation_id = "listProducts", tag = "products", security(("bearer" = [])),
    params(ProductListQuery),
    responses(
        (status = 200, body = Page<ProductView>)))]
pub async fn list<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<ProductListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (request, archived) = query.into_inner().into_app()?;
    let page = state.catalog.list(caller, &request, archived).await?;
    Ok(HttpResponse::Ok().json(Page::from_app(page, |p| {
        ProductView::new(p, state.currency)
    })))
}

/// One product (any signed-in user).
#[utoipa::path(get, path = "/api/products/{id}", operation_id = "getProduct", tag = "products", security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, body = ProductView)))]
pub async fn get<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let product = state.catalog.get(caller, &id).await?;
    Ok(HttpResponse::Ok().json(ProductView::new(product, state.currency)))
}

/// Changes price and/or stock level (admin).
#[utoipa::path(patch, path = "/api/products/{id}", operation_id = "updateProduct", tag = "products", security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = UpdateProductRequest,
    responses(
        (status = 200, body = ProductView)))]
pub async fn update<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<UpdateProductRequest>,
) -> Result<HttpResponse, ApiError> {
    let product = state.catalog.update(caller, &id, body.into()).await?;
    Ok(HttpResponse::Ok().json(ProductView::new(product, state.currency)))
}
