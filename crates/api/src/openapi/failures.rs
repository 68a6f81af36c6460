//! Each operation's error responses, made from the codes its route may
//! answer with (`routes::table`): one response per status, listing each
//! code and what it means, with the problem body.

use std::collections::BTreeMap;

use actix_web::http::Method;
use utoipa::Modify;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use crate::problem::{PROBLEM_JSON, ProblemCode};
use crate::routes;

/// Adds every operation's error responses.
#[derive(Debug)]
pub struct RouteFailures;

impl Modify for RouteFailures {
    fn modify(&self, openapi: &mut OpenApi) {
        // The codes do not depend on the store; any store names the handlers.
        for route in routes::table::<oms_memory::MemoryStore>() {
            if let Some(operation) = operation(openapi, &route.method, route.path) {
                for (status, codes) in by_status(&route.codes) {
                    add(operation, status, &codes);
                }
            }
        }
    }
}

fn operation<'a>(
    openapi: &'a mut OpenApi,
    method: &Method,
    path: &str,
) -> Option<&'a mut Operation> {
    let item = openapi.paths.paths.get_mut(path)?;
    let operation = match *method {
        Method::GET => &mut item.get,
        Method::PUT => &mut item.put,
        Method::POST => &mut item.post,
        Method::PATCH => &mut item.patch,
        Method::DELETE => &mut item.delete,
        _ => return None,
    };
    operation.as_mut()
}

fn by_status(codes: &[ProblemCode]) -> BTreeMap<u16, Vec<ProblemCode>> {
    let mut grouped: BTreeMap<u16, Vec<ProblemCode>> = BTreeMap::new();
    for &code in codes {
        grouped
            .entry(code.status().as_u16())
            .or_default()
            .push(code);
    }
    grouped
}

fn add(operation: &mut Operation, status: u16, codes: &[ProblemCode]) {
    let description: Vec<String> = codes
        .iter()
        .map(|code| format!("`{code}`: {}", code.meaning()))
        .collect();
    let problem = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    let response = ResponseBuilder::new()
        .description(description.join("; "))
        .content(PROBLEM_JSON, problem)
        .build();
    operation
        .responses
        .responses
        .insert(status.to_string(), response.into());
}
