//! The JSON body extractor: content type checked (415), size capped (413),
//! syntax errors 400, and type errors 422 naming the field by its path, so
//! `{"$gt": ""}` where a string belongs is refused before any use case runs.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::problem::{ApiError, Failures, FieldProblem, ProblemCode};

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A request body parsed as `T`; unknown fields are refused by `T` itself
/// (`#[serde(deny_unknown_fields)]`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<JsonBody<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = check_headers(req);
        let mut payload = payload.take();
        Box::pin(async move {
            checked?;
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| ApiError::malformed("the body could not be read"))?;
                if body.len() + chunk.len() > BODY_LIMIT {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse(&body).map(JsonBody)
        })
    }
}

/// A request body parsed as `T` as [`JsonBody`] does, or `T::default()`
/// when the request has no body at all or sends `null`: for requests whose
/// every field is optional.
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<OptionalJsonBody<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        let bodiless = declared == Some(0) || !req.headers().contains_key(CONTENT_TYPE);
        // `null` is no body too, as the document's optional body says.
        let body = JsonBody::<Option<T>>::from_request(req, payload);
        Box::pin(async move {
            if bodiless && declared.unwrap_or(0) == 0 {
                return Ok(OptionalJsonBody(T::default()));
            }
            body.await
                .map(|JsonBody(value)| OptionalJsonBody(value.unwrap_or_default()))
        })
    }
}

impl<T> Failures for OptionalJsonBody<T> {
    fn codes() -> Vec<ProblemCode> {
        JsonBody::<T>::codes()
    }
}

impl<T> Failures for JsonBody<T> {
    fn codes() -> Vec<ProblemCode> {
        vec![
            ProblemCode::MalformedRequest,
            ProblemCode::PayloadTooLarge,
            ProblemCode::UnsupportedMediaType,
            ProblemCode::ValidationFailed,
        ]
    }
}

fn check_headers(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::new(
            ProblemCode::UnsupportedMediaType,
            "send the body as application/json",
        ));
    }
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    match declared {
        Some(len) if len > BODY_LIMIT => Err(too_large()),
        _ => Ok(()),
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        ProblemCode::PayloadTooLarge,
        format!("the body may be at most {BODY_LIMIT} bytes"),
    )
}

/// Parses a whole body; public so the rules can be tested without HTTP.
///
/// # Errors
/// 400 for text that is not JSON, 422 for JSON of the wrong shape.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // serde reads a struct's fields from an array too, so `[]` would be an
    // update of all-optional fields that changes nothing; every body this
    // API takes is an object, as its document says.
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') && is_json(body) {
        return Err(ApiError::fields(vec![FieldProblem {
            field: "body".to_owned(),
            message: "must be an object".to_owned(),
        }]));
    }
    // Most bodies are fine: parse them plainly, and pay for tracking the
    // path to a bad field only when there is one to name.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        shape_error(body, &path, err.inner())
    })?;
    de.end().map_err(|e| shape_error(body, ".", &e))?;
    Ok(value)
}

fn shape_error(body: &[u8], path: &str, err: &serde_json::Error) -> ApiError {
    match err.classify() {
        Category::Io | Category::Syntax | Category::Eof if !is_json(body) => {
            ApiError::malformed(format!("the body is not valid JSON: {err}"))
        }
        // Valid JSON that broke off early is the wrong shape: serde reads
        // an object's fields from an array too, and an array longer than
        // the object stops it with a "syntax" error.
        Category::Io | Category::Syntax | Category::Eof => ApiError::fields(vec![FieldProblem {
            field: if path == "." { "body" } else { path }.to_owned(),
            message: "must be an object".to_owned(),
        }]),
        Category::Data => ApiError::fields(vec![field_problem(path, err)]),
    }
}

/// Whether `body` is JSON text; checked only once parsing has failed.
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// A missing field is reported at its parent's path, naming the field in
/// backticks; the client wants the field's own path. (An unknown field's
/// path already ends with its name.)
fn field_problem(path: &str, err: &serde_json::Error) -> FieldProblem {
    let full = err.to_string();
    let message = full
        .rfind(" at line ")
        .map_or(full.as_str(), |end| &full[..end]);
    let named = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        rest.split('`').next().map(str::to_owned)
    };
    let join = |name: String| {
        if path == "." {
            name
        } else {
            format!("{path}.{name}")
        }
    };
    if message.starts_with("unknown field `") {
        return FieldProblem {
            field: path.to_owned(),
            message: "is not a known field".to_owned(),
        };
    }
    if let Some(name) = named("missing field `") {
        return FieldProblem {
            field: join(name),
            message: "is required".to_owned(),
        };
    }
    let field = if path == "." {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    FieldProblem {
        field,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        quantity: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Line>,
    }

    fn problem(body: &str) -> (u16, Vec<FieldProblem>) {
        let err = parse::<Body>(body.as_bytes()).unwrap_err();
        let problem = err.problem();
        (err.status_code().as_u16(), problem.errors)
    }

    #[test]
    fn an_array_too_long_for_an_object_is_422_naming_it() {
        let (status, errors) = problem(r#"["Ann", [], 3]"#);
        assert_eq!(status, 422);
        assert_eq!(errors[0].field, "body");
        assert_eq!(errors[0].message, "must be an object");
        let (status, errors) = problem(r#"{"name": "Ann", "items": [[1, 2]]}"#);
        assert_eq!((status, errors[0].field.as_str()), (422, "items[0]"));
    }

    #[test]
    fn an_array_is_never_read_as_an_object() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Optional {
            name: Option<String>,
        }
        let err = parse::<Optional>(b" []").unwrap_err();
        assert_eq!(err.status_code().as_u16(), 422);
        assert_eq!(err.problem().errors[0].field, "body");
        assert!(parse::<Optional>(b"{}").is_ok());
    }

    #[test]
    fn text_that_is_not_json_is_400() {
        assert_eq!(problem("{\"name\":").0, 400);
        assert_eq!(problem("").0, 400);
        assert_eq!(problem("{\"name\":\"a\",\"items\":[]} trailing").0, 400);
    }

    #[test]
    fn an_operator_object_where_a_string_belongs_is_422_naming_the_field() {
        let (status, errors) = problem(r#"{"name":{"$gt":""},"items":[]}"#);
        assert_eq!(status, 422);
        assert_eq!(errors[0].field, "name");
        assert!(
            errors[0].message.starts_with("invalid type: map"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn nested_type_errors_name_the_path() {
        let (status, errors) = problem(r#"{"name":"a","items":[{"quantity":1},{"quantity":"2"}]}"#);
        assert_eq!(status, 422);
        assert_eq!(errors[0].field, "items[1].quantity");
    }

    #[test]
    fn unknown_and_missing_fields_are_named_by_their_own_path() {
        let (_, errors) = problem(r#"{"name":"a","items":[{"quantity":1,"price":0}]}"#);
        assert_eq!(errors[0].field, "items[0].price");
        assert_eq!(errors[0].message, "is not a known field");
        let (_, errors) = problem(r#"{"items":[]}"#);
        assert_eq!(errors[0].field, "name");
        assert_eq!(errors[0].message, "is required");
    }
}
