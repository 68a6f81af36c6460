//! HTTP outcomes of registration and sign-in.

use oms_app::users::{AuthenticateError, RegisterError};
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
        with::<StoreError>(vec![ProblemCode::Unauthorized])
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
