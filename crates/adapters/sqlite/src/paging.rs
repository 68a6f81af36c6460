//! Name-sorted lists (products, customers): pages by `(name_key, id)` on an
//! index; a search is a literal `instr` on the case-folded name (and, for
//! customers, the address), narrowed by the table's trigram index where
//! it has one (`<table>_search`, migration 0013: products) when the text
//! is long enough for one and the index proposes few rows. Many proposed
//! rows are found as fast walking the name order, which meets a match
//! every few rows.

use oms_ports::error::StoreError;
use oms_ports::query::{NameCursor, Page, PageLimit};
use rusqlite::types::Value;
use rusqlite::{Connection, Row, params, params_from_iter};

use crate::errors::store_error;
use crate::rows;

/// The most rows the trigram index may propose for the list to read them
/// by row id rather than in name order.
const FEW: i64 = 2_000;

/// What a list searches: the fields that must contain the text, and
/// whether the table has a trigram index over them.
pub(crate) struct Search<'a> {
    pub fields: &'a [&'a str],
    pub indexed: bool,
    pub text: &'a str,
}

/// The condition over `?1` (the text) and `?5` (its index query) that
/// keeps the rows of `table` whose fields contain the text.
fn search_sql(
    connection: &Connection,
    table: &str,
    search: &Search<'_>,
) -> Result<(String, Option<String>), StoreError> {
    let Search {
        fields,
        indexed,
        text,
    } = *search;
    let contains = fields
        .iter()
        .map(|f| format!("instr({f}, ?1) > 0"))
        .collect::<Vec<_>>()
        .join(" OR ");
    // A trigram index knows texts of three characters or more.
    if !indexed || text.chars().count() < 3 {
        return Ok((contains, None));
    }
    let phrase = format!("\"{}\"", text.replace('"', "\"\""));
    let proposed: i64 = connection
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT rowid FROM {table}_search
             WHERE {table}_search MATCH ?1 LIMIT ?2)"
        ))
        .and_then(|mut s| s.query_row(params![phrase, FEW + 1], |row| row.get(0)))
        .map_err(store_error)?;
    if proposed > FEW {
        return Ok((contains, None));
    }
    let narrowed = format!(
        "rowid IN (SELECT rowid FROM {table}_search WHERE {table}_search MATCH ?5) AND ({contains})"
    );
    Ok((narrowed, Some(phrase)))
}

/// One page of `table` in name order, after `after`, keeping the rows
/// `only` (an SQL condition) admits and, when a search is given, those
/// whose fields contain its text.
pub(crate) fn name_page<T, I>(
    connection: &Connection,
    (table, only): (&str, &str),
    columns: &str,
    search: Option<Search<'_>>,
    after: Option<&NameCursor<I>>,
    limit: PageLimit,
    read: impl Fn(&Row<'_>) -> Result<(String, I, T), StoreError>,
) -> Result<Page<T, NameCursor<I>>, StoreError>
where
    I: ToString + Copy,
{
    let (search_sql, text, phrase) = match search {
        Some(search) => {
            let (sql, phrase) = search_sql(connection, table, &search)?;
            (sql, Some(search.text), phrase)
        }
        None => ("1".to_owned(), None, None),
    };
    let sql = format!(
        "SELECT name_key, {columns} FROM {table}
         WHERE ({only}) AND ({search_sql}) AND (?2 IS NULL OR (name_key, id) > (?2, ?3))
         ORDER BY name_key, id LIMIT ?4"
    );
    let mut statement = connection.prepare_cached(&sql).map_err(store_error)?;
    let wanted = i64::try_from(limit.fetch()).unwrap_or(i64::MAX);
    let mut values: Vec<Value> = vec![
        text.map_or(Value::Null, |t| Value::Text(t.to_owned())),
        after.map_or(Value::Null, |c| Value::Text(c.key.clone())),
        after.map_or(Value::Null, |c| Value::Text(c.id.to_string())),
        Value::Integer(wanted),
    ];
    // The index query is bound only where the condition names it.
    values.extend(phrase.map(Value::Text));
    let rows = statement
        .query(params_from_iter(values))
        .map_err(store_error)?;
    let cursor = |(key, id, _): &(String, I, T)| NameCursor {
        key: key.clone(),
        id: *id,
    };
    let page = Page::cut(rows::collect(rows, read)?, limit, cursor);
    Ok(page.map(|(_, _, item)| item))
}
