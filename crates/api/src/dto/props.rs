//! Properties of request parsing, the fuzz target for what a client sends:
//! whatever bytes, JSON, query text or headers arrive, parsing ends in a
//! value or in a 400/401/422 problem that names what was wrong, never a
//! panic; and the API document's field rules accept exactly what the
//! domain accepts.

use std::time::Duration;

use actix_web::test::TestRequest;
use actix_web::{FromRequest, ResponseError, web};
use oms_domain::idempotency::IdempotencyKey;
use oms_domain::name::Name;
use oms_domain::password::Password;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::openapi::{RefOr, Schema};

use crate::auth::{Caller, Tokens};
use crate::dto::auth::{LoginRequest, RegisterRequest};
use crate::dto::customers::CreateCustomerRequest;
use crate::dto::orders::{
    ChangeStatusRequest, OrderFilterQuery, OrderListQuery, PlaceOrderRequest,
};
use crate::dto::page::NameListQuery;
use crate::dto::products::{CreateProductRequest, UpdateProductRequest};
use crate::json::parse;
use crate::openapi::rules;
use crate::secret::Secret;
use crate::settings::JwtSettings;

/// Field names the request types use, so generated objects reach deep.
const KEYS: [&str; 14] = [
    "name",
    "email",
    "password",
    "price",
    "stock",
    "expectedVersion",
    "customer",
    "items",
    "productId",
    "quantity",
    "paymentCollected",
    "status",
    "limit",
    "cursor",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            proptest::sample::select(KEYS.as_slice()).prop_map(str::to_owned),
            "[a-zA-Z]{1,6}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Parses `body` as `T`: a value, or 400 (not JSON) or 422 naming fields.
fn check_body<T: DeserializeOwned>(body: &[u8], is_json: bool) -> Result<(), TestCaseError> {
    if let Err(err) = parse::<T>(body) {
        let status = err.status_code().as_u16();
        let problem = err.problem();
        if status == 422 {
            prop_assert!(!problem.errors.is_empty(), "422 names no field");
            prop_assert!(problem.errors.iter().all(|e| !e.field.is_empty()));
        } else {
            prop_assert!(status == 400 && !is_json, "{status} for {body:?}");
        }
    }
    Ok(())
}

fn check_every_body(body: &[u8], is_json: bool) -> Result<(), TestCaseError> {
    check_body::<RegisterRequest>(body, is_json)?;
    check_body::<LoginRequest>(body, is_json)?;
    check_body::<CreateCustomerRequest>(body, is_json)?;
    check_body::<CreateProductRequest>(body, is_json)?;
    check_body::<UpdateProductRequest>(body, is_json)?;
    check_body::<PlaceOrderRequest>(body, is_json)?;
    check_body::<ChangeStatusRequest>(body, is_json)
}

/// Whether `text` keeps the string rules (lengths, pattern) of `schema`.
fn schema_accepts(schema: &RefOr<Schema>, text: &str) -> bool {
    let RefOr::T(Schema::Object(object)) = schema else {
        panic!("not an inline object schema");
    };
    let len = text.chars().count();
    let pattern = object.pattern.as_deref().map(|p| {
        regex::Regex::new(p).unwrap_or_else(|e| panic!("pattern {p:?} is not a regex: {e}"))
    });
    object.min_length.is_none_or(|min| len >= min)
        && object.max_length.is_none_or(|max| len <= max)
        && pattern.is_none_or(|p| p.is_match(text))
}

/// Text near the rules' edges: spaces of every kind, controls, long runs.
fn edgy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "\\PC{0,8}",
        "[ \t\n\r\u{85}\u{a0}\u{2000}\u{3000}\u{0}\u{7f}\u{9f}]{0,3}",
        "[a-z]{190,210}",
        "[!-~]{250,260}",
    ];
    proptest::collection::vec(piece, 0..4).prop_map(|parts| parts.concat())
}

fn tokens() -> web::Data<Tokens> {
    web::Data::new(Tokens::new(&JwtSettings {
        secret: Secret::new("a property-test secret of thirty-two bytes"),
        generated: false,
        issuer: "oms".into(),
        audience: "oms-api".into(),
        ttl: Duration::from_secs(3600),
    }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_are_a_value_or_a_400_or_422(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        check_every_body(&body, false)?;
    }

    #[test]
    fn any_json_is_a_value_or_a_422_naming_a_field(value in json()) {
        let body = serde_json::to_vec(&value).unwrap();
        check_every_body(&body, true)?;
    }

    #[test]
    fn any_query_is_a_request_or_a_422(query in "[a-zA-Z=&%0-9:+._~ -]{0,80}") {
        if let Ok(q) = web::Query::<OrderListQuery>::from_query(&query)
            && let Err(err) = q.into_inner().into_app()
        {
            prop_assert_eq!(err.status_code().as_u16(), 422);
            let problem = err.problem();
            prop_assert_eq!(problem.errors[0].field.as_str(), "limit");
        }
        if let Ok(q) = web::Query::<NameListQuery>::from_query(&query)
            && let Err(err) = q.into_inner().into_app()
        {
            prop_assert_eq!(err.status_code().as_u16(), 422);
        }
        if let Ok(q) = web::Query::<OrderFilterQuery>::from_query(&query) {
            let _ = q.into_inner().into_app();
        }
    }

    #[test]
    fn any_authorization_header_is_a_caller_or_a_401(value in proptest::collection::vec(any::<u8>(), 0..120)) {
        let Ok(header) = actix_web::http::header::HeaderValue::from_bytes(&value) else {
            return Ok(());
        };
        let req = TestRequest::default()
            .insert_header((actix_web::http::header::AUTHORIZATION, header))
            .app_data(tokens())
            .to_http_request();
        // A made-up token fails before any account is read: nothing waits.
        let result = futures::executor::block_on(Caller::from_request(&req, &mut actix_web::dev::Payload::None));
        let err = result.expect_err("a made-up token was accepted");
        prop_assert_eq!(err.status_code().as_u16(), 401);
    }

    #[test]
    fn the_documented_name_rule_is_the_domain_rule(text in edgy_text()) {
        prop_assert_eq!(schema_accepts(&rules::name(), &text), Name::parse(&text).is_ok(), "{:?}", text);
    }

    #[test]
    fn the_documented_password_rule_is_the_domain_rule(text in edgy_text()) {
        // The list of common passwords is in the description, not the schema.
        prop_assert_eq!(schema_accepts(&rules::password(), &text), Password::new(&text).is_ok());
    }

    #[test]
    fn the_documented_idempotency_key_rule_is_the_domain_rule(text in edgy_text()) {
        prop_assert_eq!(
            schema_accepts(&rules::idempotency_key(), &text),
            IdempotencyKey::parse(&text).is_ok(),
            "{:?}", text
        );
    }
}
