//! Catalogue wire types.

use oms_domain::product::Product;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/products`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProductRequest {
    /// 1 to 200 characters.
    pub name: String,
    /// Unit price in minor units (cents), 0 or more.
    pub price: i64,
    /// Units available, 0 to 1,000,000,000.
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

/// `PATCH /api/products/{id}`: the fields given are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateProductRequest {
    /// New unit price in minor units.
    pub price: Option<i64>,
    /// New available stock (replaces the current level).
    pub stock: Option<i64>,
    /// Change only if the product is still at this version (409 otherwise).
    pub expected_version: Option<u64>,
}

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
    /// Unit price in minor units.
    pub price: i64,
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

impl From<Product> for ProductView {
    fn from(p: Product) -> Self {
        ProductView {
            id: p.id.to_string(),
            name: p.name.as_str().to_owned(),
            price: p.price.minor(),
            stock: p.stock.units(),
            low_stock: p.stock.is_low(),
            created_at: p.created_at.to_string(),
            updated_at: p.updated_at.to_string(),
            version: p.version,
        }
    }
}
