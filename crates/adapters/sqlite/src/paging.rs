//! Name-sorted lists (products, customers): pages by `(name_key, id)` on an
//! index; a search is a literal `instr` on the case-folded name (and, for
//! customers, the address), narrowed by the table's trigram index
//! (`<table>_search`) when the text is long enough for one and the index
//! proposes few rows. Many proposed rows are found as fast walking the
//! name order, which meets a match every few rows.

use oms_ports::error::StoreError;
use oms_ports::query::{NameCursor, Page, PageLimit};
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use crate::errors::store_error;
use crate::rows::{self, Fields};

/// The most rows the trigram index may propose for the list to read them
/// by row id rather than in name order.
const FEW: i64 = 2_000;

/// How a table's trigram index covers its rows.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Index {
    /// Kept in the commit that writes a row (products, migration 0013),
    /// with the trigrams' positions: asked for the text as a phrase.
    Kept,
    /// Kept by the indexer (`search_index.rs`) up to its mark in
    /// `search_marks` (customers and orders, migration 0014), without
    /// positions: asked for every trigram of the text. The rows after the
    /// mark are proposed as they are.
    UpToMark,
}

impl Index {
    /// What the index is asked for `text` (three characters or more).
    fn query(self, text: &str) -> String {
        let quoted = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
        match self {
            Index::Kept => quoted(text),
            Index::UpToMark => {
                let chars: Vec<char> = text.chars().collect();
                let mut trigrams: Vec<String> = chars
                    .windows(3)
                    .map(|w| quoted(&w.iter().collect::<String>()))
                    .collect();
                trigrams.sort_unstable();
                trigrams.dedup();
                trigrams.join(" AND ")
            }
        }
    }

    /// The rowids of `table` the index proposes for its query `?n`.
    pub(crate) fn proposed(self, table: &str, n: usize) -> String {
        let matched = format!("SELECT rowid FROM {table}_search WHERE {table}_search MATCH ?{n}");
        match self {
            Index::Kept => matched,
            Index::UpToMark => format!(
                "{matched} UNION ALL SELECT rowid FROM {table}
                 WHERE rowid > (SELECT indexed FROM search_marks WHERE name = '{table}')"
            ),
        }
    }
}

/// What a list searches: the fields that must contain the text, and the
/// table's trigram index over them.
pub(crate) struct Search<'a> {
    pub fields: &'a [&'a str],
    pub index: Index,
    pub text: &'a str,
}

/// The query for `text` in `table`'s trigram index when the index can
/// narrow a search for it: the text is long enough for one, and the index
/// proposes few rows.
pub(crate) fn narrowing(
    connection: &Connection,
    table: &str,
    index: Index,
    text: &str,
) -> Result<Option<String>, StoreError> {
    // A trigram index knows texts of three characters or more.
    if text.chars().count() < 3 {
        return Ok(None);
    }
    let asked = index.query(text);
    let proposed: i64 = connection
        .prepare_cached(&format!(
            "SELECT count(*) FROM ({} LIMIT ?2)",
            index.proposed(table, 1)
        ))
        .and_then(|mut s| s.query_row(params![asked, FEW + 1], |row| row.get(0)))
        .map_err(store_error)?;
    Ok((proposed <= FEW).then_some(asked))
}

/// The condition that keeps the rows one of whose `fields` contains the
/// text bound as `?text`.
pub(crate) fn contains(fields: &[&str], text: usize) -> String {
    fields
        .iter()
        .map(|f| format!("instr({f}, ?{text}) > 0"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The condition over `?1` (the text) and `?5` (its index query) that
/// keeps the rows of `table` whose fields contain the text.
fn search_sql(
    connection: &Connection,
    table: &str,
    search: &Search<'_>,
) -> Result<(String, Option<String>), StoreError> {
    let contains = contains(search.fields, 1);
    Ok(
        match narrowing(connection, table, search.index, search.text)? {
            Some(asked) => (
                format!(
                    "rowid IN ({}) AND ({contains})",
                    search.index.proposed(table, 5)
                ),
                Some(asked),
            ),
            None => (contains, None),
        },
    )
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
    read: impl Fn(&Fields<'_, '_>) -> Result<(String, I, T), StoreError>,
) -> Result<Page<T, NameCursor<I>>, StoreError>
where
    I: ToString + Copy,
{
    let (search_sql, text, asked) = match search {
        Some(search) => {
            let (sql, asked) = search_sql(connection, table, &search)?;
            (sql, Some(search.text), asked)
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
    values.extend(asked.map(Value::Text));
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
