//! The last word on error bodies: any error response that is not already
//! problem+json (actix's own 404/405, a middleware's refusal) is rewritten
//! as one, keeping its status and headers.

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::QueryPayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::problem::{ApiError, FieldProblem, PROBLEM_JSON, ProblemCode};
use crate::routes;

/// For `ErrorHandlers::default_handler`.
///
/// # Errors
/// Never; the signature is actix's.
pub fn to_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Problems pass as they are, and so does the pages' not-found page.
    let content_type = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let keep = content_type.is_some_and(|v| {
        v.starts_with(PROBLEM_JSON)
            || (res.status() == StatusCode::NOT_FOUND && v.starts_with("text/html"))
    });
    if keep {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, old) = res.into_parts();
    let mut new: HttpResponse<BoxBody> = problem_for(old.status()).error_response();
    for (name, value) in old.headers() {
        if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let res = ServiceResponse::new(req, new).map_body(|_, body| EitherBody::right(body));
    Ok(ErrorHandlerResponse::Response(res))
}

fn problem_for(status: StatusCode) -> ApiError {
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => (ProblemCode::NotFound, "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ProblemCode::MethodNotAllowed,
            "this path does not take that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (ProblemCode::PayloadTooLarge, "the body is too large"),
        StatusCode::BAD_REQUEST => (ProblemCode::BadRequest, "the request could not be accepted"),
        s if s.is_server_error() => (ProblemCode::Internal, "something went wrong on our side"),
        _ => (ProblemCode::RequestRefused, "the request was refused"),
    };
    // A status without a code of its own is kept, under the general code.
    ApiError::new(code, detail).with_status(status)
}

/// For `App::default_service`: a path no route serves. Under the API's
/// prefixes that is a problem; elsewhere a person mistyped a page, so the
/// answer is the HTML not-found page.
///
/// # Errors
/// 404 under the API's prefixes.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if routes::is_api_path(req.path()) {
        return Err(ApiError::new(ProblemCode::NotFound, "no such resource"));
    }
    Ok(oms_web::not_found(&req))
}

/// For `QueryConfig::error_handler`: query text serde could not read (a
/// repeated parameter, say) is a 422 naming the parameter when it can.
pub fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let field = message.split('`').nth(1).unwrap_or("query").to_owned();
    ApiError::fields(vec![FieldProblem { field, message }]).into()
}
