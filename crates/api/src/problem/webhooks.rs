//! HTTP outcomes of the webhook use cases.

use oms_app::webhooks::WebhookError;
use oms_ports::error::StoreError;

use super::failures::{Failures, with};
use super::{ApiError, ProblemCode};

impl Failures for WebhookError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::Forbidden,
            ProblemCode::NotFound,
            ProblemCode::ValidationFailed,
            ProblemCode::WebhookDisabled,
        ])
    }
}

impl From<WebhookError> for ApiError {
    fn from(err: WebhookError) -> ApiError {
        match err {
            WebhookError::Forbidden(_) => ApiError::forbidden(),
            WebhookError::NotFound => ApiError::not_found("webhook"),
            WebhookError::DeliveryNotFound => ApiError::not_found("delivery"),
            WebhookError::Invalid(invalid) => ApiError::invalid(&invalid),
            WebhookError::Disabled => ApiError::new(
                ProblemCode::WebhookDisabled,
                "this webhook is disabled, so nothing is sent to it: enable it first",
            ),
            WebhookError::Store(e) => ApiError::from_store(&e),
        }
    }
}
