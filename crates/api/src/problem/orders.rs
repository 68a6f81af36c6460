//! HTTP outcomes of the order use cases.

use oms_app::orders::{ChangeStatusError, GetOrderError, LookupError, PlaceOrderError};
use oms_domain::order::OrderError;
use oms_domain::order::refunds::RefundError;
use oms_domain::order::returns::ReturnError;
use oms_ports::error::StoreError;

use super::failures::{Failures, with};
use super::{ApiError, FieldProblem, ProblemCode};

impl Failures for PlaceOrderError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::ValidationFailed,
            ProblemCode::Forbidden,
            ProblemCode::Unauthorized,
            ProblemCode::UnknownProduct,
            ProblemCode::ProductArchived,
            ProblemCode::OutOfStock,
            ProblemCode::IdempotencyKeyReused,
        ])
    }
}

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
                    .with_code(ProblemCode::UnknownProduct)
                    .with("productId", product.to_string())
            }
            PlaceOrderError::ProductArchived {
                field,
                product,
                name,
            } => ApiError::new(
                ProblemCode::ProductArchived,
                format!("{name} is no longer sold"),
            )
            .with("field", field)
            .with("productId", product.to_string())
            .with("productName", name.as_str().to_owned()),
            PlaceOrderError::OutOfStock {
                field,
                product,
                name,
                requested,
                available,
            } => ApiError::new(
                ProblemCode::OutOfStock,
                format!("only {available} of {name} left, {requested} requested"),
            )
            .with("field", field)
            .with("productId", product.to_string())
            .with("productName", name.as_str())
            .with("requested", requested)
            .with("available", available),
            PlaceOrderError::KeyReused => ApiError::new(
                ProblemCode::IdempotencyKeyReused,
                "this Idempotency-Key was already used for a different order",
            ),
            PlaceOrderError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl Failures for GetOrderError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![ProblemCode::NotFound])
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

impl Failures for LookupError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![ProblemCode::ValidationFailed, ProblemCode::NotFound])
    }
}

impl From<LookupError> for ApiError {
    fn from(err: LookupError) -> ApiError {
        match err {
            LookupError::Invalid(invalid) => ApiError::invalid(&invalid),
            LookupError::NotFound => {
                ApiError::not_found("order with that number and e-mail address")
            }
            LookupError::Store(e) => ApiError::from_store(&e),
        }
    }
}

impl Failures for ChangeStatusError {
    fn codes() -> Vec<ProblemCode> {
        with::<StoreError>(vec![
            ProblemCode::NotFound,
            ProblemCode::ValidationFailed,
            ProblemCode::Forbidden,
            ProblemCode::IllegalTransition,
            ProblemCode::PaymentOnCancelled,
            ProblemCode::AddressRequired,
            ProblemCode::OrderNotEditable,
            ProblemCode::VersionMismatch,
            ProblemCode::UnknownProduct,
            ProblemCode::ProductArchived,
            ProblemCode::OutOfStock,
            ProblemCode::NothingShipped,
            ProblemCode::ReturnWindowClosed,
            ProblemCode::ReturnNotOpen,
            ProblemCode::PaymentNotCollected,
            ProblemCode::IdempotencyKeyReused,
        ])
    }
}

impl From<ChangeStatusError> for ApiError {
    fn from(err: ChangeStatusError) -> ApiError {
        match err {
            ChangeStatusError::NotFound => ApiError::not_found("order"),
            ChangeStatusError::Invalid(invalid) => ApiError::invalid(&invalid),
            ChangeStatusError::Forbidden(_) => ApiError::forbidden(),
            ChangeStatusError::Rejected(rule) => rejected(&rule),
            ChangeStatusError::Line(refusal) => ApiError::from(*refusal),
            ChangeStatusError::ShipmentNotFound => ApiError::not_found("shipment on this order"),
            ChangeStatusError::ReturnNotFound => ApiError::not_found("return on this order"),
            ChangeStatusError::Return(refusal) => after_sale_refused(&refusal),
            ChangeStatusError::Refund(refusal) => refund_refused(&refusal),
            ChangeStatusError::AddressRequired => ApiError::new(
                ProblemCode::AddressRequired,
                "the order has no shipping address; set one before it ships",
            ),
            ChangeStatusError::VersionMismatch { current } => ApiError::new(
                ProblemCode::VersionMismatch,
                format!("the order has changed; it is now at version {current}"),
            )
            .with("currentVersion", current),
            ChangeStatusError::Store(e) => ApiError::from_store(&e),
        }
    }
}

fn rejected(rule: &OrderError) -> ApiError {
    let code = match rule {
        OrderError::IllegalTransition { .. } => ProblemCode::IllegalTransition,
        OrderError::PaymentOnCancelled => ProblemCode::PaymentOnCancelled,
        OrderError::NotEditable { .. } => ProblemCode::OrderNotEditable,
        OrderError::TooManyLines { .. }
        | OrderError::TotalOverflow
        | OrderError::BelowRefunded { .. } => {
            return ApiError::invalid(&oms_domain::invalid::Invalid::one("items", *rule));
        }
        // An edit checks its products before pricing them, so an unknown
        // one here is a product gone meanwhile.
        OrderError::UnknownProduct(product) => {
            return ApiError::new(ProblemCode::UnknownProduct, rule.to_string())
                .with("productId", product.to_string());
        }
        // The other rules about an order's lines cannot fail on a change;
        // if one does, the stored order is broken, which is ours to fix.
        OrderError::Inconsistent(_) | OrderError::NoLines | OrderError::DuplicateProduct(_) => {
            tracing::error!(error = %rule, "an order change broke a rule it cannot break");
            return ApiError::internal();
        }
    };
    ApiError::new(code, rule.to_string())
}

fn after_sale_refused(refusal: &ReturnError) -> ApiError {
    let code = match refusal {
        ReturnError::NothingShipped => ProblemCode::NothingShipped,
        ReturnError::WindowClosed => ProblemCode::ReturnWindowClosed,
        ReturnError::NotOpen(_) => ProblemCode::ReturnNotOpen,
        ReturnError::Order(rule) => return rejected(rule),
        // Turned into fields or a 404 where they arise.
        ReturnError::Items(_) | ReturnError::UnknownReturn => {
            tracing::error!(error = %refusal, "a return refusal reached the API unconverted");
            return ApiError::internal();
        }
    };
    ApiError::new(code, refusal.to_string())
}

fn refund_refused(refusal: &RefundError) -> ApiError {
    match refusal {
        RefundError::NotPaid => {
            ApiError::new(ProblemCode::PaymentNotCollected, refusal.to_string())
        }
        RefundError::KeyReused => ApiError::new(
            ProblemCode::IdempotencyKeyReused,
            "this Idempotency-Key was already used for a different refund",
        ),
        // Turned into fields where they arise.
        RefundError::NotPositive | RefundError::OverTotal { .. } | RefundError::UnknownReturn => {
            tracing::error!(error = %refusal, "a refund refusal reached the API unconverted");
            ApiError::internal()
        }
    }
}
