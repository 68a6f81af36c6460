//! Orders: reads and lists from the pool; placing and revising through the
//! store's group commit (`orders/group.rs`).

mod group;
mod recent;

pub(crate) use recent::Recent;

use async_trait::async_trait;
use oms_domain::ids::OrderId;
use oms_domain::money::Money;
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::status::OrderStatus;
use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, OrderSummary, Page};
use oms_ports::store::OrderStore;
use oms_rules::ledger::Write;
use oms_rules::summary::kept::{self, Plan, TallyDelta};
use oms_rules::summary::{Group, tally};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::SqliteStore;
use crate::errors::{corrupt, field, store_error};
use crate::paging::{Index, contains, narrowing};
use crate::rows::{self, ORDER_COLUMNS, count, millis};
use crate::search_index::ORDERS;

pub(crate) fn get_order(c: &Connection, id: OrderId) -> Result<Option<Order>, StoreError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1");
    rows::one(c, &sql, &id.to_string(), rows::order)
}

/// The `WHERE` clause and its values for `filter`, and for a page after
/// `after` (newest first).
fn selection(
    c: &Connection,
    filter: &OrderFilter,
    after: Option<OrderCursor>,
) -> Result<(String, Vec<Value>), StoreError> {
    let mut clauses = vec!["1".to_owned()];
    let mut values = Vec::new();
    let mut bind = |clause: &str, value: Value, values: &mut Vec<Value>| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(status) = filter.status {
        bind(
            "status = ?",
            Value::Text(status.as_str().to_owned()),
            &mut values,
        );
    }
    if let Some(customer) = filter.customer {
        bind(
            "customer_id = ?",
            Value::Text(customer.to_string()),
            &mut values,
        );
    }
    if let Some(user) = filter.placed_by {
        bind("placed_by = ?", Value::Text(user.to_string()), &mut values);
    }
    if let Some(from) = filter.created_from {
        bind("created_at >= ?", Value::Integer(millis(from)), &mut values);
    }
    if let Some(to) = filter.created_to {
        bind("created_at < ?", Value::Integer(millis(to)), &mut values);
    }
    if let Some(after) = after {
        bind(
            "created_at <= ?",
            Value::Integer(millis(after.created_at)),
            &mut values,
        );
        values.push(Value::Integer(millis(after.created_at)));
        values.push(Value::Text(after.id.to_string()));
        let (at, id) = (values.len() - 1, values.len());
        clauses.push(format!("(created_at, id) < (?{at}, ?{id})"));
    }
    if let Some(search) = &filter.search {
        values.push(Value::Text(search.text().as_str().to_owned()));
        let text = values.len();
        // Text that is not a number looks for number 0, which no order has.
        let number = search.number().map_or(0, |n| count(n.get()));
        values.push(Value::Integer(number));
        let number = values.len();
        if let Some(asked) = narrowing(c, "orders", Index::UpToMark, search.text().as_str())? {
            values.push(Value::Text(asked));
            clauses.push(format!(
                "rowid IN (SELECT rowid FROM orders WHERE number = ?{number} UNION ALL {})",
                Index::UpToMark.proposed("orders", values.len())
            ));
        }
        clauses.push(format!(
            "(number = ?{number} OR {})",
            contains(ORDERS.fields, text)
        ));
    }
    match filter.open_return {
        Some(true) => clauses.push("open_return_since IS NOT NULL".to_owned()),
        Some(false) => clauses.push("open_return_since IS NULL".to_owned()),
        None => {}
    }
    Ok((clauses.join(" AND "), values))
}

fn list_orders(c: &Connection, query: &OrderQuery) -> Result<Page<Order, OrderCursor>, StoreError> {
    let (selected, mut values) = selection(c, &query.filter, query.after)?;
    values.push(Value::Integer(
        i64::try_from(query.limit.fetch()).unwrap_or(i64::MAX),
    ));
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE {selected}
         ORDER BY created_at DESC, id DESC LIMIT ?{}",
        values.len()
    );
    let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
    let rows = statement
        .query(params_from_iter(values))
        .map_err(store_error)?;
    let fetched = rows::collect(rows, rows::order)?;
    Ok(Page::cut(fetched, query.limit, OrderCursor::past))
}

/// From the kept tallies where the filter allows, else by counting.
fn summarize_orders(c: &Connection, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
    let Some(plan) = kept::plan(filter) else {
        return count_orders(c, filter);
    };
    let scanned: Vec<OrderSummary> = plan
        .scans
        .iter()
        .map(|scan| count_orders(c, scan))
        .collect::<Result<_, _>>()?;
    kept::summary_of(sum_tallies(c, &plan)?, scanned)
}

/// The sums per status and payment of the tallies `plan` adds.
fn sum_tallies(
    c: &Connection,
    plan: &Plan,
) -> Result<Vec<(OrderStatus, bool, TallyDelta)>, StoreError> {
    let status = plan.status.map(OrderStatus::as_str);
    let mut statement = c
        .prepare_cached(
            "SELECT status, paid, sum(orders), sum(total), sum(refunded) FROM order_tallies
             WHERE grain = ?1 AND start >= ?2 AND start < ?3 AND (?4 IS NULL OR status = ?4)
             GROUP BY status, paid",
        )
        .map_err(store_error)?;
    let mut sums = Vec::new();
    for (grain, from, to) in plan.ranges() {
        let (from, to) = (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX));
        let mut rows = statement
            .query(rusqlite::params![grain.as_str(), from, to, status])
            .map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            let status: String = row.get(0).map_err(store_error)?;
            let delta = TallyDelta {
                orders: row.get(2).map_err(store_error)?,
                total: row.get(3).map_err(store_error)?,
                refunded: row.get(4).map_err(store_error)?,
            };
            sums.push((
                field("order_tallies.status", status.parse())?,
                row.get(1).map_err(store_error)?,
                delta,
            ));
        }
    }
    Ok(sums)
}

fn count_orders(c: &Connection, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
    let (selected, values) = selection(c, filter, None)?;
    let sql = format!(
        "SELECT status, payment_collected, count(*), sum(total), sum(refunded)
         FROM orders WHERE {selected}
         GROUP BY status, payment_collected"
    );
    let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
    let mut groups = statement
        .query(params_from_iter(values))
        .map_err(store_error)?;
    let mut summary = OrderSummary::default();
    while let Some(group) = groups.next().map_err(store_error)? {
        let status: String = group.get(0).map_err(store_error)?;
        let status = field("orders.status", status.parse())?;
        let paid: bool = group.get(1).map_err(store_error)?;
        let orders: i64 = group.get(2).map_err(store_error)?;
        let total: i64 = group.get(3).map_err(store_error)?;
        let refunded: i64 = group.get(4).map_err(store_error)?;
        let group = Group {
            status,
            paid,
            count: field("orders.count", u64::try_from(orders))?,
            total: field("orders.total", Money::from_minor(total))?,
            refunded: field("orders.refunded", Money::from_minor(refunded))?,
        };
        tally(&mut summary, group).map_err(|_| corrupt("order totals overflow"))?;
    }
    Ok(summary)
}

#[async_trait]
impl OrderStore for SqliteStore {
    async fn place(&self, draft: OrderDraft) -> Result<Placement, PlaceError> {
        let decision = self.inner.group.submit(self, Write::Place(draft)).await;
        decision.map_err(StoreError::from)?.into_placed()
    }

    async fn get_order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        let mark = match self.inner.recent.get(id) {
            Ok(order) => return Ok(Some(order)),
            Err(mark) => mark,
        };
        let order = self.read_point(move |c| get_order(c, id)).await?;
        if let Some(order) = &order {
            self.inner.recent.offer_read(order, mark);
        }
        Ok(order)
    }

    async fn find_order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError> {
        self.read_point(move |c| {
            let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE number = ?1");
            let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
            let rows = statement
                .query([count(number.get())])
                .map_err(store_error)?;
            Ok(rows::collect(rows, rows::order)?.pop())
        })
        .await
    }

    async fn list_orders(
        &self,
        query: &OrderQuery,
    ) -> Result<Page<Order, OrderCursor>, StoreError> {
        let query = query.clone();
        self.read(move |c| list_orders(c, &query)).await
    }

    async fn summarize_orders(&self, filter: &OrderFilter) -> Result<OrderSummary, StoreError> {
        let filter = filter.clone();
        self.read(move |c| summarize_orders(c, &filter)).await
    }

    async fn revise(&self, revision: OrderRevision) -> Result<Order, ReviseError> {
        let decision = self.inner.group.submit(self, Write::Revise(revision)).await;
        decision.map_err(StoreError::from)?.into_revised()
    }
}
