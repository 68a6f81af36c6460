//! One page of a list, and the query text every list shares.

use oms_ports::query::PageLimit;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use crate::openapi::rules;
use crate::problem::{ApiError, FieldProblem};

/// A page of items and the cursor for the next one (absent on the last page).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Maps an app page to wire items.
    pub fn from_app<U>(page: oms_app::list::PageOf<U>, view: impl Fn(U) -> T) -> Page<T> {
        Page {
            items: page.items.into_iter().map(view).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// Page size and cursor, as every list takes them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size.
    #[param(schema_with = rules::limit)]
    pub limit: Option<String>,
    /// The `nextCursor` of the previous page.
    #[param(schema_with = rules::cursor)]
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size and cursor the app takes.
    ///
    /// # Errors
    /// 422 when `limit` is not a whole number.
    pub fn into_app(self) -> Result<(Option<i64>, Option<String>), ApiError> {
        Ok((parse_limit(self.limit.as_deref())?, given(self.cursor)))
    }
}

/// Search text for name-sorted lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Case-insensitive text the name must contain.
    #[param(schema_with = rules::search)]
    pub q: Option<String>,
}

/// Search and paging for name-sorted lists.
#[derive(Debug, Default, Deserialize)]
pub struct NameListQuery {
    /// What to look for.
    #[serde(flatten)]
    pub search: SearchQuery,
    /// Which page.
    #[serde(flatten)]
    pub page: PageQuery,
}

impl IntoParams for NameListQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params_of::<SearchQuery, PageQuery>(parameter_in)
    }
}

/// The parameters of `A` then `B`: those of a query made of the two
/// (`#[serde(flatten)]`, which utoipa's `IntoParams` does not follow).
pub fn params_of<A: IntoParams, B: IntoParams>(
    parameter_in: impl Fn() -> Option<ParameterIn>,
) -> Vec<Parameter> {
    let mut params = A::into_params(&parameter_in);
    params.extend(B::into_params(parameter_in));
    params
}

impl NameListQuery {
    /// The app's list request.
    ///
    /// # Errors
    /// 422 when `limit` is not a whole number.
    pub fn into_app(self) -> Result<oms_app::list::ListByName, ApiError> {
        let (limit, cursor) = self.page.into_app()?;
        Ok(oms_app::list::ListByName {
            q: given(self.search.q),
            limit,
            cursor,
        })
    }
}

/// A text parameter sent blank (`?q=&cursor=`) means "not given". Typed
/// ones (`limit`, `status`, dates, ids) must be well formed when present,
/// as the API document says. Blank is spaces: a control character such
/// as a form feed trims away too, but the document refuses it, so it is
/// passed on to be refused.
pub fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty() || v.chars().any(char::is_control))
}

/// `limit` from query text; range rules are the app's.
///
/// # Errors
/// 422 naming `limit` when it is not a whole number.
pub fn parse_limit(raw: Option<&str>) -> Result<Option<i64>, ApiError> {
    raw.map(|text| {
        text.parse::<i64>().map_err(|_| {
            ApiError::fields(vec![FieldProblem {
                field: "limit".to_owned(),
                message: format!("must be a whole number from 1 to {}", PageLimit::MAX),
            }])
        })
    })
    .transpose()
}
