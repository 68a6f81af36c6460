//! What each source of failure can become: a use case's error type, an
//! extractor. A route's codes are worked out from its handler's arguments
//! and the use cases it names (see `routes::table`); the OpenAPI document's
//! error responses are made from them, and debug builds (every test) check
//! each error a route answers against them.

use actix_web::{HttpRequest, web};
use oms_ports::error::StoreError;

use super::ProblemCode;

/// A source of failures, and every problem code it can be answered with.
pub trait Failures {
    /// The codes, each once.
    fn codes() -> Vec<ProblemCode>;
}

impl Failures for StoreError {
    fn codes() -> Vec<ProblemCode> {
        vec![
            ProblemCode::StoreUnavailable,
            ProblemCode::StoreBusy,
            ProblemCode::OutcomeUnknown,
            ProblemCode::Contended,
            ProblemCode::Internal,
        ]
    }
}

/// Extractors that cannot fail, or fail only as a bug.
macro_rules! infallible {
    ($($t:ty),+ $(,)?) => {$(
        impl Failures for $t {
            fn codes() -> Vec<ProblemCode> {
                Vec::new()
            }
        }
    )+};
}

infallible!(HttpRequest, web::Payload);

impl<T: ?Sized> Failures for web::Data<T> {
    fn codes() -> Vec<ProblemCode> {
        Vec::new()
    }
}

impl<T> Failures for web::Path<T> {
    fn codes() -> Vec<ProblemCode> {
        Vec::new()
    }
}

impl<T> Failures for web::Query<T> {
    fn codes() -> Vec<ProblemCode> {
        // `QueryConfig`'s handler names the parameter serde could not read.
        vec![ProblemCode::ValidationFailed]
    }
}

/// A handler's arguments, or a route's sources, together.
macro_rules! together {
    ($($t:ident),*) => {
        impl<$($t: Failures),*> Failures for ($($t,)*) {
            fn codes() -> Vec<ProblemCode> {
                #[allow(unused_mut)]
                let mut codes = Vec::new();
                $(
                    for code in <$t as Failures>::codes() {
                        if !codes.contains(&code) {
                            codes.push(code);
                        }
                    }
                )*
                codes
            }
        }
    };
}

together!();
together!(A);
together!(A, B);
together!(A, B, C);
together!(A, B, C, D);
together!(A, B, C, D, E);
together!(A, B, C, D, E, F);

/// `codes`, followed by what `E` adds.
pub(crate) fn with<E: Failures>(mut codes: Vec<ProblemCode>) -> Vec<ProblemCode> {
    for code in E::codes() {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}
