//! Catalogue wire types.

use crate::currency::Currency;
use oms_domain::product::Product;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{AdditionalProperties, AllOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::dto::whole;
use crate::openapi::rules;

/// `POST /api/products`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProductRequest {
    /// The product's name.
    #[schema(schema_with = rules::name)]
    pub name: String,
    /// Unit price in minor units (cents).
    #[serde(deserialize_with = "whole::number")]
    #[schema(schema_with = rules::price)]
    pub price: i64,
    /// Units available.
    #[serde(deserialize_with = "whole::number")]
    #[schema(schema_with = rules::stock)]
    pub stock: i64,
}

impl From<CreateProductRequest> for oms_app::catalog::CreateProduct {
    fn from(r: CreateProductRequest) -> Self {
        oms_app::catalog::CreateProduct {
            name: r.name,
            price: r.price,
            stock: r.stock,
        }
    }
}

/// `PATCH /api/products/{id}`: the fields given are changed; at least one
/// of `price` and `stock` is given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateProductRequest {
    /// New unit price in minor units.
    #[serde(default, deserialize_with = "whole::optional")]
    pub price: Option<i64>,
    /// New available stock (replaces the current level).
    #[serde(default, deserialize_with = "whole::optional")]
    pub stock: Option<i64>,
    /// Change only if the product is still at this version (409 otherwise).
    #[serde(default, deserialize_with = "whole::optional")]
    pub expected_version: Option<u64>,
}

impl utoipa::PartialSchema for UpdateProductRequest {
    fn schema() -> RefOr<Schema> {
        let fields = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("price", rules::price())
            .property("stock", rules::stock())
            .property("expectedVersion", rules::expected_version())
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        AllOfBuilder::new()
            .item(fields)
            .item(rules::at_least_one_of(&["price", "stock"]))
            .description(Some(
                "The fields given are changed; at least one of `price` and `stock` is given.",
            ))
            .into()
    }
}

impl ToSchema for UpdateProductRequest {}

impl From<UpdateProductRequest> for oms_app::catalog::UpdateProduct {
    fn from(r: UpdateProductRequest) -> Self {
        oms_app::catalog::UpdateProduct {
            price: r.price,
            stock: r.stock,
            expected_version: r.expected_version,
        }
    }
}

/// A product.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    /// Identity.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Unit price in minor units of `currency`.
    pub price: i64,
    /// The shop's currency (ISO 4217), `OMS_CURRENCY`.
    pub currency: String,
    /// Units available to order.
    pub stock: u64,
    /// Whether stock is low (5 units or fewer) and should be replenished.
    pub low_stock: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// Rises with every change.
    pub version: u64,
}

impl ProductView {
    /// `p`, priced in `currency`.
    pub fn new(p: Product, currency: Currency) -> Self {
        ProductView {
            id: p.id.to_string(),
            name: p.name.as_str().to_owned(),
            price: p.price.minor(),
            currency: currency.code().to_owned(),
            stock: p.stock.units(),
            low_stock: p.stock.is_low(),
            created_at: p.created_at.to_string(),
            updated_at: p.updated_at.to_string(),
            version: p.version,
        }
    }
}
