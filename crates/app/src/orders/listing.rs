//! Listing orders: staff and admins see every order, a customer only the
//! orders it placed.

use oms_domain::ids::CustomerId;
use oms_domain::invalid::{Reason, Validation};
use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::Actor;
use oms_domain::visibility::OrderScope;
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSearch, OrderSummary};
use oms_ports::store::OrderStore;

use super::OrderService;
use crate::list::{self, ListError, PageOf};

/// Filters and paging for the order list, as the client sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOrders {
    /// Only this status (wire name).
    pub status: Option<String>,
    /// Only this customer's orders.
    pub customer_id: Option<String>,
    /// Created at or after (RFC 3339).
    pub from: Option<String>,
    /// Created before (RFC 3339).
    pub to: Option<String>,
    /// An order number, or part of the customer's name or e-mail address.
    pub q: Option<String>,
    /// `true`: only orders with a return still open; `false`: only
    /// orders without one.
    pub has_open_return: Option<String>,
    /// Page size, 1 to 100.
    pub limit: Option<i64>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl<S: OrderStore, C, I> OrderService<S, C, I> {
    /// One page of orders, newest first.
    ///
    /// # Errors
    /// [`ListError::Invalid`] naming every malformed filter.
    #[tracing::instrument(skip_all, fields(user = %by.user))]
    pub async fn list(&self, by: Actor, request: &ListOrders) -> Result<PageOf<Order>, ListError> {
        let mut v = Validation::new();
        let filter = filter(&mut v, by, request);
        let limit = list::limit(&mut v, request.limit);
        let after = list::cursor::<OrderCursor>(&mut v, request.cursor.as_deref());
        v.finish()?;
        let query = OrderQuery {
            filter,
            after,
            limit,
        };
        Ok(PageOf::from_store(self.store.list_orders(&query).await?))
    }
}

impl<S: OrderStore, C, I> OrderService<S, C, I> {
    /// Counts by status and takings over every order the list's filters
    /// select (paging aside), among those the caller may see.
    ///
    /// # Errors
    /// [`ListError::Invalid`] naming every malformed filter.
    #[tracing::instrument(skip_all, fields(user = %by.user))]
    pub async fn summarize(
        &self,
        by: Actor,
        request: &ListOrders,
    ) -> Result<OrderSummary, ListError> {
        let mut v = Validation::new();
        let filter = filter(&mut v, by, request);
        v.finish()?;
        Ok(self.store.summarize_orders(&filter).await?)
    }
}

/// The filters as the store takes them, narrowed to what `by` may see.
pub(super) fn filter(v: &mut Validation, by: Actor, request: &ListOrders) -> OrderFilter {
    let status = request
        .status
        .as_deref()
        .and_then(|s| v.check("status", s.parse::<OrderStatus>()));
    let customer = request
        .customer_id
        .as_deref()
        .and_then(|id| v.check("customerId", id.parse::<CustomerId>()));
    let created_from = request
        .from
        .as_deref()
        .and_then(|t| v.check("from", Timestamp::parse_bound(t)));
    let created_to = request
        .to
        .as_deref()
        .and_then(|t| v.check("to", Timestamp::parse_bound(t)));
    if created_from
        .zip(created_to)
        .is_some_and(|(from, to)| to < from)
    {
        v.fail("to", Reason::Rule("must not be before from"));
    }
    let search = list::search(v, request.q.as_deref()).map(OrderSearch::new);
    let open_return = request
        .has_open_return
        .as_deref()
        .and_then(|flag| match flag {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                v.fail("hasOpenReturn", Reason::Rule("must be true or false"));
                None
            }
        });
    OrderFilter {
        open_return,
        search,
        status,
        customer,
        placed_by: OrderScope::of(by).placed_by(),
        created_from,
        created_to,
    }
}
