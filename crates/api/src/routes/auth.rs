//! `/auth`: register, sign in, who am I.

use actix_web::{HttpRequest, HttpResponse, web};
use oms_app::system::SystemClock;
use oms_app::users::AuthenticateError;
use oms_ports::clock::Clock;
use oms_ports::store::Store;

use crate::auth::{Caller, Tokens};
use crate::dto::auth::{LoginRequest, RegisterRequest, TokenResponse, UserView};
use crate::json::JsonBody;
use crate::problem::ApiError;
use crate::sign_in::SignInFailures;
use crate::state::AppState;

/// Creates a customer account and signs it in.
#[utoipa::path(post, path = "/auth/register", operation_id = "register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, body = TokenResponse)))]
pub async fn register<S: Store>(
    state: web::Data<AppState<S>>,
    tokens: web::Data<Tokens>,
    JsonBody(body): JsonBody<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = state.users.register(body.into()).await?;
    let issued = tokens.issue(&user, SystemClock.now())?;
    Ok(HttpResponse::Created().json(TokenResponse::new(issued, &user)))
}

/// Exchanges an e-mail address and password for a bearer token.
#[utoipa::path(post, path = "/auth/login", operation_id = "login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse)))]
pub async fn login<S: Store>(
    state: web::Data<AppState<S>>,
    tokens: web::Data<Tokens>,
    failures: web::Data<SignInFailures>,
    req: HttpRequest,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let attempt = failures.reserve(failures.client(&req))?;
    // The body is read: from here the sign-in is the hash's to finish.
    tracing::debug!("checking the credentials");
    let authenticated = state.users.authenticate(&body.email, &body.password).await;
    if matches!(authenticated, Err(AuthenticateError::InvalidCredentials)) {
        attempt.failed();
    }
    let user = authenticated?;
    let issued = tokens.issue(&user, SystemClock.now())?;
    Ok(HttpResponse::Ok().json(TokenResponse::new(issued, &user)))
}

/// The signed-in account.
#[utoipa::path(get, path = "/auth/me", operation_id = "getMe", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = UserView)))]
pub async fn me<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
) -> Result<HttpResponse, ApiError> {
    let user = state
        .users
        .get(caller.user)
        .await
        .map_err(|e| ApiError::from_store(&e))?;
    let user = user.ok_or_else(|| ApiError::unauthorized("this account no longer exists", true))?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}
