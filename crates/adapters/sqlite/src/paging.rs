//! Name-sorted lists (products, customers): pages by `(name_key, id)` on an
//! index; a search is a literal `instr` on the case-folded name (and, for
//! customers, the address), which no index can narrow.

use oms_ports::error::StoreError;
use oms_ports::query::{NameCursor, Page, PageLimit};
use rusqlite::{Connection, Row, params};

use crate::errors::store_error;
use crate::rows;

/// One page of `table` in name order, after `after`, keeping the rows
/// `only` (an SQL condition) admits and, when a search is given, those its
/// SQL (over `?1`) holds for.
pub(crate) fn name_page<T, I>(
    connection: &Connection,
    (table, only): (&str, &str),
    columns: &str,
    search: Option<(&str, &str)>,
    after: Option<&NameCursor<I>>,
    limit: PageLimit,
    read: impl Fn(&Row<'_>) -> Result<(String, I, T), StoreError>,
) -> Result<Page<T, NameCursor<I>>, StoreError>
where
    I: ToString + Copy,
{
    let (search_sql, text) = search.map_or(("1", None), |(sql, text)| (sql, Some(text)));
    let sql = format!(
        "SELECT name_key, {columns} FROM {table}
         WHERE ({only}) AND ({search_sql}) AND (?2 IS NULL OR (name_key, id) > (?2, ?3))
         ORDER BY name_key, id LIMIT ?4"
    );
    let mut statement = connection.prepare_cached(&sql).map_err(store_error)?;
    let wanted = i64::try_from(limit.fetch()).unwrap_or(i64::MAX);
    let rows = statement
        .query(params![
            text,
            after.map(|c| c.key.clone()),
            after.map(|c| c.id.to_string()),
            wanted
        ])
        .map_err(store_error)?;
    let cursor = |(key, id, _): &(String, I, T)| NameCursor {
        key: key.clone(),
        id: *id,
    };
    let page = Page::cut(rows::collect(rows, read)?, limit, cursor);
    Ok(page.map(|(_, _, item)| item))
}
