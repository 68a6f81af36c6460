//! A shipping address on the wire: the same shape sent and shown.

use oms_domain::address::ShippingAddress;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::not_null;
use crate::openapi::{address_rules, rules};

/// Where an order goes. Optional parts may be left out, not sent blank.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddressRequest {
    /// Who receives it.
    #[schema(schema_with = rules::name)]
    pub name: String,
    /// Street and number.
    #[schema(schema_with = address_rules::line)]
    pub line1: String,
    /// Flat, floor, building.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = address_rules::line)]
    pub line2: Option<String>,
    /// Town or city.
    #[schema(schema_with = address_rules::line)]
    pub city: String,
    /// State, province or county.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = address_rules::line)]
    pub region: Option<String>,
    /// The postal code.
    #[schema(schema_with = address_rules::postal_code)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    #[schema(schema_with = address_rules::country)]
    pub country: String,
    /// For the carrier.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = address_rules::phone)]
    pub phone: Option<String>,
}

impl AddressRequest {
    /// The app's input.
    pub fn into_app(self) -> oms_app::orders::AddressInput {
        oms_app::orders::AddressInput {
            name: self.name,
            line1: self.line1,
            line2: self.line2,
            city: self.city,
            region: self.region,
            postal_code: self.postal_code,
            country: self.country,
            phone: self.phone,
        }
    }
}

/// Where an order goes, as staff and the order's customer see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AddressView {
    pub name: String,
    pub line1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl AddressView {
    /// `address` as shown.
    pub fn of(address: &ShippingAddress) -> AddressView {
        AddressView {
            name: address.name.as_str().to_owned(),
            line1: address.line1.to_string(),
            line2: address.line2.as_ref().map(ToString::to_string),
            city: address.city.to_string(),
            region: address.region.as_ref().map(ToString::to_string),
            postal_code: address.postal_code.to_string(),
            country: address.country.to_string(),
            phone: address.phone.as_ref().map(|p| p.as_str().to_owned()),
        }
    }
}
