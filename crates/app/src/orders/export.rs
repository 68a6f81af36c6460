//! Exporting orders: every order the list's filters select, a page at a
//! time, so memory stays flat however many match. Admins only.

use oms_domain::invalid::Validation;
use oms_domain::order::Order;
use oms_domain::user::{Actor, Permission};
use oms_ports::error::StoreError;
use oms_ports::query::{OrderQuery, PageLimit};
use oms_ports::store::OrderStore;

use super::OrderService;
use super::listing::{ListOrders, filter};
use crate::list::ListError;

/// An export under way: the orders left to read, newest first.
#[derive(Debug)]
pub struct OrderExport<S> {
    store: S,
    query: OrderQuery,
    done: bool,
}

impl<S: OrderStore + Clone, C, I> OrderService<S, C, I> {
    /// Starts exporting the orders `request`'s filters select (its page
    /// size and cursor are ignored: an export is the whole list).
    ///
    /// # Errors
    /// [`ListError::Forbidden`] unless `by` may export orders,
    /// [`ListError::Invalid`] naming every malformed filter.
    #[tracing::instrument(skip_all, fields(user = %by.user))]
    pub fn export(&self, by: Actor, request: &ListOrders) -> Result<OrderExport<S>, ListError> {
        by.require(Permission::ExportOrders)?;
        let mut v = Validation::new();
        let filter = filter(&mut v, by, request);
        v.finish()?;
        Ok(OrderExport {
            store: self.store.clone(),
            query: OrderQuery {
                filter,
                after: None,
                limit: PageLimit::BULK,
            },
            done: false,
        })
    }
}

impl<S: OrderStore> OrderExport<S> {
    /// The next orders, or `None` when every one has been read.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; the export can go on from
    /// where it was by calling again.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Order>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let page = self.store.list_orders(&self.query).await?;
        match page.next {
            Some(after) => self.query.after = Some(after),
            None => self.done = true,
        }
        Ok(Some(page.items))
    }
}
