//! HTTP outcomes of the catalogue, customer and list use cases.

use oms_app::catalog::ProductError;
use oms_app::customers::CustomerError;
use oms_app::list::ListError;
use oms_ports::error::StoreError;

use super::failures::{Failures, with};
use super::{ApiError, ProblemCode};

impl Failures for ProductError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::NotFound,
            ProblemCode::ValidationFailed,
            ProblemCode::Forbidden,
            ProblemCode::VersionMismatch,
        ])
    }
}

impl From<ProductError> for ApiError {
    fn from(err: ProductError) -> ApiError {
        match err {
            ProductError::NotFound => ApiError::not_found("product"),
            ProductError::Invalid(invalid) => ApiError::invalid(&invalid),
            ProductError::Forbidden(_) => ApiError::forbidden(),
            ProductError::VersionMismatch { current } => ApiError::new(
                ProblemCode::VersionMismatch,
                format!("the product has changed; it is now at version {current}"),
            )
            .with("currentVersion", current),
            ProductError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl Failures for CustomerError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::NotFound,
            ProblemCode::ValidationFailed,
            ProblemCode::Forbidden,
            ProblemCode::DuplicateEmail,
        ])
    }
}

impl From<CustomerError> for ApiError {
    fn from(err: CustomerError) -> ApiError {
        match err {
            CustomerError::NotFound => ApiError::not_found("customer"),
            CustomerError::Invalid(invalid) => ApiError::invalid(&invalid),
            CustomerError::Forbidden(_) => ApiError::forbidden(),
            CustomerError::DuplicateEmail => ApiError::new(
                ProblemCode::DuplicateEmail,
                "a customer with this e-mail address already exists",
            ),
            CustomerError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl Failures for ListError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![ProblemCode::ValidationFailed, ProblemCode::Forbidden])
    }
}

impl From<ListError> for ApiError {
    fn from(err: ListError) -> ApiError {
        match err {
            ListError::Invalid(invalid) => ApiError::invalid(&invalid),
            ListError::Forbidden(_) => ApiError::forbidden(),
            ListError::Store(e) => ApiError::from_store(&e),
        }
    }
}
