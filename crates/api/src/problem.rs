//! `ApiError`: every failure the API reports, rendered as RFC 9457
//! `application/problem+json`. Each carries a [`ProblemCode`], which fixes
//! its status; the code for each use-case outcome is chosen once, in the
//! exhaustive tables under `problem/`, beside the list of codes each
//! outcome can become ([`Failures`]).

mod accounts;
mod catalog;
pub mod code;
pub(crate) mod failures;
mod orders;
mod webhooks;

pub use code::ProblemCode;
pub use failures::Failures;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use oms_domain::invalid::Invalid;
use oms_ports::error::StoreError;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One broken rule, under the name the client sent the field by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Where, e.g. `items[0].quantity` or `customer.email`.
    pub field: String,
    /// What is wrong, as a sentence ending.
    pub message: String,
}

/// A failed request: a status, a stable `code` clients branch on, and the
/// details the body carries. Boxed, so `Result<_, ApiError>` stays small.
#[derive(Debug)]
pub struct ApiError(Box<Details>);

#[derive(Debug)]
struct Details {
    status: StatusCode,
    code: ProblemCode,
    detail: String,
    errors: Vec<FieldProblem>,
    extensions: Map<String, Value>,
    headers: Vec<(HeaderName, String)>,
}

/// The body of every error response (RFC 9457 plus `code` and `errors`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `/problems/<code>`, documented in docs/api.md.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a person.
    pub detail: String,
    /// Stable snake_case identifier.
    pub code: ProblemCode,
    /// Every invalid field, for validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Outcome-specific members (`productId`, `available`, `currentVersion`, ...).
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
}

impl ApiError {
    /// A problem with this code (and so its status) and detail.
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> ApiError {
        ApiError(Box::new(Details {
            status: code.status(),
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extensions: Map::new(),
            headers: Vec::new(),
        }))
    }

    /// 400: the body could not be read as JSON at all.
    pub fn malformed(detail: impl Into<String>) -> ApiError {
        ApiError::new(ProblemCode::MalformedRequest, detail)
    }

    /// 401 with `WWW-Authenticate: Bearer`; `token_given` adds the RFC 6750
    /// `invalid_token` error so clients know to sign in again.
    pub fn unauthorized(detail: impl Into<String>, token_given: bool) -> ApiError {
        let err = ApiError::new(ProblemCode::Unauthorized, detail);
        let challenge = if token_given {
            "Bearer error=\"invalid_token\""
        } else {
            "Bearer"
        };
        err.with_header(header::WWW_AUTHENTICATE, challenge)
    }

    /// 403: signed in, but the role may not do this.
    pub fn forbidden() -> ApiError {
        ApiError::new(ProblemCode::Forbidden, "your role may not do this")
    }

    /// 404 for an id (or path) that names nothing.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(ProblemCode::NotFound, format!("no such {what}"))
    }

    /// 422 naming every invalid field.
    pub fn invalid(invalid: &Invalid) -> ApiError {
        let errors: Vec<FieldProblem> = invalid
            .errors()
            .iter()
            .map(|e| FieldProblem {
                field: e.field.clone(),
                message: e.reason.to_string(),
            })
            .collect();
        ApiError::fields(errors)
    }

    /// 422 from field problems found at the edge (JSON types, query text).
    pub fn fields(errors: Vec<FieldProblem>) -> ApiError {
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = format!("invalid fields: {}", names.join(", "));
        let mut err = ApiError::new(ProblemCode::ValidationFailed, detail);
        err.0.errors = errors;
        err
    }

    /// 429 with `Retry-After`.
    pub fn too_many_requests(retry_after_secs: u64) -> ApiError {
        let err = ApiError::new(
            ProblemCode::RateLimited,
            format!("too many requests; retry in {retry_after_secs} s"),
        );
        err.with_header(header::RETRY_AFTER, &retry_after_secs.to_string())
    }

    /// 503 or an opaque 500; the cause goes to the log, never the body.
    pub fn from_store(err: &StoreError) -> ApiError {
        match err {
            StoreError::Unavailable(_) => {
                tracing::warn!(error.cause_chain = ?err, "store unavailable");
                ApiError::store_unavailable()
            }
            StoreError::Contended => ApiError::new(
                ProblemCode::Contended,
                "others kept changing the same data until we gave up; send the request again",
            )
            .with_header(header::RETRY_AFTER, "1"),
            StoreError::Busy => ApiError::new(
                ProblemCode::StoreBusy,
                "too many writes are waiting for the store; nothing was written, send the request again shortly",
            )
            .with_header(header::RETRY_AFTER, "1"),
            StoreError::OutcomeUnknown(_) => {
                tracing::error!(error.cause_chain = ?err, "a write's outcome is unknown");
                ApiError::new(
                    ProblemCode::OutcomeUnknown,
                    "whether the change was made could not be learned; send it again with the same Idempotency-Key",
                )
                .with_header(header::RETRY_AFTER, "1")
            }
            StoreError::Internal(_) => {
                tracing::error!(error.cause_chain = ?err, "store failed");
                ApiError::internal()
            }
        }
    }

    /// 503: the store does not answer.
    pub fn store_unavailable() -> ApiError {
        ApiError::new(
            ProblemCode::StoreUnavailable,
            "the store is unavailable; try again shortly",
        )
    }

    /// 400: `GET /ws` without a WebSocket upgrade.
    pub fn websocket_required() -> ApiError {
        ApiError::new(
            ProblemCode::WebsocketRequired,
            "GET /ws must be a WebSocket upgrade",
        )
    }

    /// 503 with `Retry-After`: the live feed has all the connections it
    /// takes, from everyone or from this client address.
    pub fn too_many_connections(refused: oms_ws::admission::Refused) -> ApiError {
        let detail = match refused {
            oms_ws::admission::Refused::Full => "the live feed is full; try again shortly",
            oms_ws::admission::Refused::ClientFull => {
                "this address holds as many live feed connections as one may; close one first"
            }
        };
        ApiError::new(ProblemCode::TooManyConnections, detail).with_header(header::RETRY_AFTER, "5")
    }

    /// 500 with a generic detail.
    pub fn internal() -> ApiError {
        ApiError::new(ProblemCode::Internal, "something went wrong on our side")
    }

    /// Adds an outcome-specific member to the body.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> ApiError {
        self.0.extensions.insert(name.to_owned(), value.into());
        self
    }

    /// 405 naming the methods the path does take (`Allow`).
    pub fn method_not_allowed(allow: &str) -> ApiError {
        ApiError::new(
            ProblemCode::MethodNotAllowed,
            format!("this path takes {allow}"),
        )
        .with_header(header::ALLOW, allow)
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: HeaderName, value: &str) -> ApiError {
        self.0.headers.push((name, value.to_owned()));
        self
    }

    /// Replaces the code (and so the status), for a more specific kind of
    /// a general problem.
    pub fn with_code(mut self, code: ProblemCode) -> ApiError {
        self.0.status = code.status();
        self.0.code = code;
        self
    }

    /// Keeps a status that has no code of its own (a refusal made before
    /// the request reached the API), under a general code.
    pub fn with_status(mut self, status: StatusCode) -> ApiError {
        self.0.status = status;
        self
    }

    /// The code.
    pub fn code(&self) -> ProblemCode {
        self.0.code
    }

    /// The body this error renders to.
    pub fn problem(&self) -> Problem {
        let d = &self.0;
        Problem {
            kind: format!("/problems/{}", d.code),
            title: d.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: d.status.as_u16(),
            detail: d.detail.clone(),
            code: d.code,
            errors: d.errors.clone(),
            extensions: d.extensions.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.0.status.as_u16(),
            self.0.code,
            self.0.detail
        )
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.0.status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        for (name, value) in &self.0.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.insert_header((name.clone(), value));
            }
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        response.body(body)
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> ApiError {
        ApiError::invalid(&invalid)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    #[actix_web::test]
    async fn a_problem_renders_as_problem_json_with_its_members() {
        let err = ApiError::new(ProblemCode::OutOfStock, "only 2 left").with("available", 2);
        let response = err.error_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_JSON
        );
        let body: Value =
            serde_json::from_slice(&to_bytes(response.into_body()).await.unwrap()).unwrap();
        assert_eq!(body["type"], "/problems/out_of_stock");
        assert_eq!(body["title"], "Conflict");
        assert_eq!(body["status"], 409);
        assert_eq!(body["detail"], "only 2 left");
        assert_eq!(body["code"], "out_of_stock");
        assert_eq!(body["available"], 2);
        assert!(body.get("errors").is_none());
    }

    #[test]
    fn unauthorized_carries_a_bearer_challenge() {
        let response = ApiError::unauthorized("sign in", true).error_response();
        assert_eq!(
            response.headers().get(header::WWW_AUTHENTICATE).unwrap(),
            "Bearer error=\"invalid_token\""
        );
    }

    #[test]
    fn a_store_outage_is_503_and_anything_else_is_an_opaque_500() {
        let down = ApiError::from_store(&StoreError::Unavailable("connection refused".into()));
        assert_eq!(down.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let broken = ApiError::from_store(&StoreError::Internal("secret driver detail".into()));
        assert_eq!(broken.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!broken.problem().detail.contains("secret"));
    }

    #[test]
    fn running_out_of_time_under_contention_is_409_contended_with_retry_after() {
        let response = ApiError::from_store(&StoreError::Contended).error_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
        let contended = ApiError::from_store(&StoreError::Contended);
        assert_eq!(contended.problem().code, ProblemCode::Contended);
    }
}
