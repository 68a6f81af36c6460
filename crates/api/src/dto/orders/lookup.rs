//! `POST /api/orders/lookup`: an order found by its number and the e-mail
//! address it was placed with.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::dto::whole;
use crate::openapi::rules;

/// What a customer knows of an order without its link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The order's number, as a number or as text ("1042", "#1042").
    #[schema(schema_with = rules::order_number)]
    pub number: serde_json::Value,
    /// The address the order was placed with.
    #[schema(schema_with = rules::email)]
    pub email: String,
}

impl LookupRequest {
    /// The number as text for the use case, which says what is wrong with
    /// it; a value that is neither a number nor text is no number.
    pub fn number_text(&self) -> String {
        match &self.number {
            // 1042.0 is 1042, as every whole number in this API.
            serde_json::Value::Number(n) => {
                whole::number::<_, u64>(n.clone()).map_or_else(|_| n.to_string(), |n| n.to_string())
            }
            serde_json::Value::String(s) => s.clone(),
            _ => String::new(),
        }
    }
}
