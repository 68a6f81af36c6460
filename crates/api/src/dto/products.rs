//! Catalogue wire types.

use crate::currency::Currency;
use oms_domain::product::Product;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, AllOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};

use crate::dto::not_null;
use crate::dto::page::{NameListQuery, params_of};
use crate::dto::whole;
use crate::openapi::rules;
use crate::problem::{ApiError, FieldProblem};

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
/// is given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateProductRequest {
    /// New name; orders placed before keep the name they were placed under.
    #[serde(default, deserialize_with = "not_null::field")]
    pub name: Option<String>,
    /// `true`: no longer sold (not listed for ordering, refused in new
    /// orders, still on past ones); `false`: sold again.
    #[serde(default, deserialize_with = "not_null::field")]
    pub archived: Option<bool>,
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
            .property("name", rules::name())
            .property("archived", rules::archived())
            .property("price", rules::price())
            .property("stock", rules::stock())
            .property("expectedVersion", rules::expected_version())
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        AllOfBuilder::new()
            .item(fields)
            .item(rules::at_least_one_of(&["name", "archived", "price", "stock"]))
            .description(Some(
                "The fields given are changed; at least one of `name`, `archived`, `price` and `stock` is given.",
            ))
            .into()
    }
}

impl ToSchema for UpdateProductRequest {}

impl From<UpdateProductRequest> for oms_app::catalog::UpdateProduct {
    fn from(r: UpdateProductRequest) -> Self {
        oms_app::catalog::UpdateProduct {
            name: r.name,
            archived: r.archived,
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
    /// No longer sold: listed only with `?archived=true`, refused in new
    /// orders (409 `product_archived`), still named on past orders.
    pub archived: bool,
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
            archived: p.archived,
            created_at: p.created_at.to_string(),
            updated_at: p.updated_at.to_string(),
            version: p.version,
        }
    }
}

/// Which products a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArchivedQuery {
    /// `true`: the archived products; `false` (the default): those for sale.
    #[param(schema_with = rules::archived_filter)]
    pub archived: Option<String>,
}

/// `GET /api/products`: search, paging, and which products.
#[derive(Debug, Default, Deserialize)]
pub struct ProductListQuery {
    /// Search and paging.
    #[serde(flatten)]
    pub names: NameListQuery,
    /// For sale or archived.
    #[serde(flatten)]
    pub which: ArchivedQuery,
}

impl IntoParams for ProductListQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params_of::<NameListQuery, ArchivedQuery>(parameter_in)
    }
}

impl ProductListQuery {
    /// The app's list request, and whether it is of archived products.
    ///
    /// # Errors
    /// 422 naming `limit` or `archived` when malformed.
    pub fn into_app(self) -> Result<(oms_app::list::ListByName, bool), ApiError> {
        let archived = match self.which.archived.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(ApiError::fields(vec![FieldProblem {
                    field: "archived".to_owned(),
                    message: "must be true or false".to_owned(),
                }]));
            }
        };
        Ok((self.names.into_app()?, archived))
    }
}
