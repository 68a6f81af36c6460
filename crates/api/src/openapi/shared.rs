//! Responses that whole kinds of operation share, stated once: every body
//! can be malformed, every signed-in route can get a bad token, every route
//! draws on the rate limit, and every route that reads the store can find
//! it down.

use utoipa::Modify;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

use crate::json::BODY_LIMIT;
use crate::problem::PROBLEM_JSON;

/// Routes that answer without the store.
const STORELESS: [&str; 2] = ["/healthz", "/metrics"];

/// Adds the shared responses an operation does not already describe.
#[derive(Debug)]
pub struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let store = !STORELESS.contains(&path.as_str());
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                complete(operation, store);
            }
        }
    }
}

fn complete(op: &mut Operation, store: bool) {
    if op.request_body.is_some() {
        add(op, 400, "`malformed_request`: the body is not JSON");
        let too_large = format!(
            "`payload_too_large`: the body is over {} KiB",
            BODY_LIMIT / 1024
        );
        add(op, 413, &too_large);
        add(
            op,
            415,
            "`unsupported_media_type`: the body is not sent as JSON",
        );
        add(
            op,
            422,
            "`validation_failed`: fields are missing, unknown, of the wrong type or out of range; `errors` names each",
        );
    }
    if op.security.is_some() {
        add(op, 401, "`unauthorized`: no token, or a bad or expired one");
    }
    add(
        op,
        429,
        "`rate_limited`: too many requests from this client; see `Retry-After`",
    );
    if store {
        add(
            op,
            503,
            "`store_unavailable`: the store cannot be reached; retry later",
        );
    }
}

fn add(op: &mut Operation, status: u16, description: &str) {
    let problem = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(PROBLEM_JSON, problem)
                .build()
                .into()
        });
}
