//! The schemas of a shipping address's parts, from the domain's limits.

use oms_domain::address::{AddressLine, Phone, PostalCode};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use super::rules::one_line;

/// A line of an address, a city or a region ([`AddressLine`]).
pub fn line() -> RefOr<Schema> {
    one_line(
        &format!(
            "1 to {} characters, not all spaces, no control characters",
            AddressLine::MAX_LEN
        ),
        AddressLine::MAX_LEN,
    )
}

/// A postal code ([`PostalCode`]), in any country's form.
pub fn postal_code() -> RefOr<Schema> {
    one_line(
        &format!(
            "1 to {} characters, in the country's own form",
            PostalCode::MAX_LEN
        ),
        PostalCode::MAX_LEN,
    )
}

/// An ISO 3166-1 alpha-2 code.
pub fn country() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "An assigned ISO 3166-1 alpha-2 code, such as DE or US (either case; stored upper case); an unassigned one is 422",
        ))
        .pattern(Some("^[A-Za-z]{2}$"))
        .examples([serde_json::json!("DE")])
        .into()
}

/// A phone number ([`Phone`]).
pub fn phone() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "Digits, spaces and + - ( ) ., at least one digit, at most {} characters",
            Phone::MAX_LEN
        )))
        .max_length(Some(Phone::MAX_LEN))
        .pattern(Some(r"^[0-9 +().-]*[0-9][0-9 +().-]*$"))
        .into()
}
