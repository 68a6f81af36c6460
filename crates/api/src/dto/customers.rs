//! Customer wire types.

use oms_domain::customer::Customer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::openapi::rules;

/// `POST /api/customers`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerRequest {
    /// The customer's name.
    #[schema(schema_with = rules::name)]
    pub name: String,
    /// Unique e-mail address.
    #[schema(schema_with = rules::email)]
    pub email: String,
}

impl From<CreateCustomerRequest> for oms_app::customers::CreateCustomer {
    fn from(r: CreateCustomerRequest) -> Self {
        oms_app::customers::CreateCustomer {
            name: r.name,
            email: r.email,
        }
    }
}

/// A customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    /// Identity.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// RFC 3339.
    pub created_at: String,
}

impl From<Customer> for CustomerView {
    fn from(c: Customer) -> Self {
        CustomerView {
            id: c.id.to_string(),
            name: c.name.as_str().to_owned(),
            email: c.email.as_str().to_owned(),
            created_at: c.created_at.to_string(),
        }
    }
}
