//! HTTP outcomes of the order use cases.

use actix_web::http::StatusCode;
use oms_app::orders::{ChangeStatusError, GetOrderError, PlaceOrderError};
use oms_domain::order::OrderError;

use super::{ApiError, FieldProblem};

impl From<PlaceOrderError> for ApiError {
    fn from(err: PlaceOrderError) -> ApiError {
        match err {
            PlaceOrderError::Invalid(invalid) => ApiError::invalid(&invalid),
            PlaceOrderError::Forbidden(_) => ApiError::forbidden(),
            PlaceOrderError::UnknownCaller => {
                ApiError::unauthorized("the signed-in account no longer exists", true)
            }
            PlaceOrderError::UnknownProduct { field, product } => {
                let message = format!("no product has id {product}");
                ApiError::fields(vec![FieldProblem { field, message }])
                    .with_code("unknown_product")
                    .with("productId", product.to_string())
            }
            PlaceOrderError::OutOfStock {
                field,
                product,
                name,
                requested,
                available,
            } => ApiError::new(
                StatusCode::CONFLICT,
                "out_of_stock",
                format!("only {available} of {name} left, {requested} requested"),
            )
            .with("field", field)
            .with("productId", product.to_string())
            .with("productName", name.as_str())
            .with("requested", requested)
            .with("available", available),
            PlaceOrderError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different order",
            ),
            PlaceOrderError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl From<GetOrderError> for ApiError {
    fn from(err: GetOrderError) -> ApiError {
        match err {
            GetOrderError::NotFound => ApiError::not_found("order"),
            GetOrderError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl From<ChangeStatusError> for ApiError {
    fn from(err: ChangeStatusError) -> ApiError {
        match err {
            ChangeStatusError::NotFound => ApiError::not_found("order"),
            ChangeStatusError::Invalid(invalid) => ApiError::invalid(&invalid),
            ChangeStatusError::Forbidden(_) => ApiError::forbidden(),
            ChangeStatusError::Rejected(rule) => rejected(&rule),
            ChangeStatusError::VersionMismatch { current } => ApiError::new(
                StatusCode::CONFLICT,
                "version_mismatch",
                format!("the order has changed; it is now at version {current}"),
            )
            .with("currentVersion", current),
            ChangeStatusError::Store(e) => ApiError::from_store(&e),
        }
    }
}

fn rejected(rule: &OrderError) -> ApiError {
    let code = match rule {
        OrderError::IllegalTransition { .. } => "illegal_transition",
        OrderError::PaymentOnCancelled => "payment_on_cancelled",
        // Rules about an order's lines cannot fail on a change of status; if
        // one does, the stored order is broken, which is ours to fix.
        OrderError::Inconsistent(_)
        | OrderError::NoLines
        | OrderError::TooManyLines { .. }
        | OrderError::DuplicateProduct(_)
        | OrderError::TotalOverflow => {
            tracing::error!(error = %rule, "an order change broke a rule it cannot break");
            return ApiError::internal();
        }
    };
    ApiError::new(StatusCode::CONFLICT, code, rule.to_string())
}
