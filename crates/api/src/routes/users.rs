//! `/api/users`: the staff's accounts, as admins manage them.

use actix_web::{HttpResponse, web};
use oms_domain::ids::UserId;
use oms_ports::store::Store;

use crate::auth::{Accounts, Caller};
use crate::dto::page::Page;
use crate::dto::users::{AccountView, CreateUserRequest, UpdateUserRequest};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::state::AppState;

/// The admin and staff accounts, oldest first, disabled ones included
/// (customers are listed under `/api/customers`); one page.
#[utoipa::path(get, path = "/api/users", operation_id = "listUsers", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, body = Page<AccountView>)))]
pub async fn list<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
) -> Result<HttpResponse, ApiError> {
    let accounts = state.users.accounts(caller).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: accounts.iter().map(AccountView::from).collect(),
        next_cursor: None,
    }))
}

/// Creates an account with any role; 409 when the address is taken, 422
/// naming `password` for one too short or too common.
#[utoipa::path(post, path = "/api/users", operation_id = "createUser", tag = "users", security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = AccountView,
            headers(("Location" = String, description = "The account's URL")))))]
pub async fn create<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let (register, role) = body.into_app()?;
    let user = state.users.create_account(caller, register, role).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/users/{}", user.id)))
        .json(AccountView::from(&user)))
}

/// Changes an account's role or disables it (its tokens stop working at
/// once); 409 `last_admin` when no active admin would be left.
#[utoipa::path(patch, path = "/api/users/{id}", operation_id = "updateUser", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, body = AccountView)))]
pub async fn update<S: Store>(
    state: web::Data<AppState<S>>,
    accounts: web::Data<Accounts>,
    Caller(caller): Caller,
    id: web::Path<String>,
    JsonBody(body): JsonBody<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_app()?;
    let id: UserId = id.parse().map_err(|_| ApiError::not_found("account"))?;
    let user = state.users.change_account(caller, id, change).await?;
    accounts.forget(user.id);
    Ok(HttpResponse::Ok().json(AccountView::from(&user)))
}
