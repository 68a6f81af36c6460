//! HTTP outcomes of registration and sign-in.

use actix_web::http::StatusCode;
use oms_app::users::{AuthenticateError, RegisterError};

use super::ApiError;

/// The one answer to every failed sign-in, so it reveals nothing.
pub const BAD_CREDENTIALS: &str = "invalid e-mail address or password";

impl From<RegisterError> for ApiError {
    fn from(err: RegisterError) -> ApiError {
        match err {
            RegisterError::Invalid(invalid) => ApiError::invalid(&invalid),
            RegisterError::DuplicateEmail => ApiError::new(
                StatusCode::CONFLICT,
                "duplicate_email",
                "an account with this e-mail address already exists",
            ),
            RegisterError::Hashing(e) => {
                tracing::error!(error = %e, "password hashing failed");
                ApiError::internal()
            }
            RegisterError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl From<AuthenticateError> for ApiError {
    fn from(err: AuthenticateError) -> ApiError {
        match err {
            AuthenticateError::InvalidCredentials => ApiError::unauthorized(BAD_CREDENTIALS, false),
            AuthenticateError::Hashing(e) => {
                tracing::error!(error = %e, "password verification failed");
                ApiError::internal()
            }
            AuthenticateError::Store(e) => ApiError::from_store(&e),
        }
    }
}
