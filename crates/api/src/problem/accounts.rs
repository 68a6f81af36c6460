//! HTTP outcomes of registration and sign-in.

use oms_app::users::{AccountError, AuthenticateError, RegisterError};
use oms_ports::error::StoreError;

use super::failures::{Failures, with};
use super::{ApiError, ProblemCode};

/// The one answer to every failed sign-in, so it reveals nothing.
pub const BAD_CREDENTIALS: &str = "invalid e-mail address or password";

impl Failures for RegisterError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::ValidationFailed,
            ProblemCode::DuplicateEmail,
            ProblemCode::Forbidden,
        ])
    }
}

impl From<RegisterError> for ApiError {
    fn from(err: RegisterError) -> ApiError {
        match err {
            RegisterError::Invalid(invalid) => ApiError::invalid(&invalid),
            RegisterError::DuplicateEmail => ApiError::new(
                ProblemCode::DuplicateEmail,
                "an account with this e-mail address already exists",
            ),
            RegisterError::Forbidden(_) => ApiError::forbidden(),
            RegisterError::Hashing(e) => {
                tracing::error!(error = %e, "password hashing failed");
                ApiError::internal()
            }
            RegisterError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl Failures for AuthenticateError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::Unauthorized,
            ProblemCode::AccountDisabled,
        ])
    }
}

impl From<AuthenticateError> for ApiError {
    fn from(err: AuthenticateError) -> ApiError {
        match err {
            AuthenticateError::InvalidCredentials => ApiError::unauthorized(BAD_CREDENTIALS, false),
            AuthenticateError::Disabled => ApiError::new(
                ProblemCode::AccountDisabled,
                "this account is disabled; ask an admin to enable it",
            ),
            AuthenticateError::Hashing(e) => {
                tracing::error!(error = %e, "password verification failed");
                ApiError::internal()
            }
            AuthenticateError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl Failures for AccountError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::Forbidden,
            ProblemCode::NotFound,
            ProblemCode::LastAdmin,
        ])
    }
}

impl From<AccountError> for ApiError {
    fn from(err: AccountError) -> ApiError {
        match err {
            AccountError::Forbidden(_) => ApiError::forbidden(),
            AccountError::NotFound => ApiError::not_found("account"),
            AccountError::LastAdmin => ApiError::new(
                ProblemCode::LastAdmin,
                "this is the last active admin: make another account an admin first",
            ),
            AccountError::Store(e) => ApiError::from_store(&e),
        }
    }
}
