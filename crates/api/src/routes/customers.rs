//! `/api/customers`: the people orders are for (staff and admins).

use actix_web::{HttpResponse, web};
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::customers::{CreateCustomerRequest, CustomerView};
use crate::dto::page::{NameListQuery, Page};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::state::AppState;

/// Records a customer; 409 when the e-mail address is taken.
#[utoipa::path(post, path = "/api/customers", operation_id = "createCustomer", tag = "customers", security(("bearer" = [])),
    request_body = CreateCustomerRequest,
    responses(
        (status = 201, body = CustomerView,
            headers(("Location" = String, description = "The new customer's URL")),
            links(
                ("getCustomer" = (operation_id = "getCustomer", parameters(("id" = "$response.body#/id")))),
                ("listTheirOrders" = (operation_id = "listOrders", parameters(("customerId" = "$response.body#/id"))))))))]
pub async fn create<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateCustomerRequest>,
) -> Result<HttpResponse, ApiError> {
    let customer = state.customers.create(caller, body.into()).await?;
    let location = format!("/api/customers/{}", customer.id);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(CustomerView::from(customer)))
}

/// Lists customers by name; `q` searches names and addresses.
#[utoipa::path(get, path = "/api/customers", operation_id = "listCustomers", tag = "customers", security(("bearer" = [])),
    params(NameListQuery),
    responses(
        (status = 200, body = Page<CustomerView>)))]
pub async fn list<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<NameListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .customers
        .list(caller, &query.into_inner().into_app()?)
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_app(page, CustomerView::from)))
}

/// One customer.
#[utoipa::path(get, path = "/api/customers/{id}", operation_id = "getCustomer", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = CustomerView)))]
pub async fn get<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let customer = state.customers.get(caller, &id).await?;
    Ok(HttpResponse::Ok().json(CustomerView::from(customer)))
}
