//! The trigram indexes of customers and orders (migration 0014), kept off
//! the placing path: a thread of the store adds the rows made since each
//! index's mark, a batch at a time, on the writer's connection between the
//! writer's own transactions, and moves the mark in the same transaction.
//! A search reads the rows after the mark directly (`paging.rs`), so what
//! it finds never depends on how far the indexer has come.

use std::sync::Arc;
use std::time::Duration;

use oms_ports::error::StoreError;
use parking_lot::{Mutex, MutexGuard};
use rusqlite::Connection;

use crate::background::{self, Background};
use crate::errors::store_error;

/// A table whose trigram index (`<table>_search`) the indexer keeps up to
/// its mark in `search_marks`: rows only ever added, never changed in the
/// fields indexed, never deleted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Marked {
    pub table: &'static str,
    /// What a search of the table looks in, and so what its index holds.
    pub fields: &'static [&'static str],
}

pub(crate) const CUSTOMERS: Marked = Marked {
    table: "customers",
    fields: &["name_key", "email"],
};

pub(crate) const ORDERS: Marked = Marked {
    table: "orders",
    fields: &["customer_name_key", "customer_email"],
};

/// The most rows one transaction indexes: a few milliseconds of the
/// writer's time, so placing waits at most that long behind it.
const BATCH: usize = 256;

/// How long the indexer waits when it has caught up.
const EVERY: Duration = Duration::from_millis(200);

/// How long it waits after a failure before trying again.
const AFTER_FAILURE: Duration = Duration::from_secs(5);

/// A catch-up worth a line in the log (a store filled before the index).
const BACKLOG: usize = 10_000;

/// Starts the indexer on the store's writing connection.
pub(crate) fn start(writer: Arc<Mutex<Connection>>) -> Background {
    background::spawn(
        "oms-sqlite-index",
        "no search indexer thread; customer and order searches read every row",
        move |rounds| {
            let mut pause = Duration::ZERO;
            let mut caught_up = 0;
            while rounds.wait(pause) {
                pause = match round(&writer) {
                    Ok((indexed, true)) => {
                        caught_up += indexed;
                        Duration::ZERO
                    }
                    Ok((indexed, false)) => {
                        caught_up += indexed;
                        if caught_up >= BACKLOG {
                            tracing::info!(
                                rows = caught_up,
                                "indexed the customers and orders for search"
                            );
                        }
                        caught_up = 0;
                        EVERY
                    }
                    Err(error) => {
                        tracing::warn!(%error, "indexing for search failed; trying again");
                        AFTER_FAILURE
                    }
                };
            }
        },
    )
}

/// One batch of each index: how many rows they took, and whether a batch
/// was full (more are waiting).
fn round(writer: &Mutex<Connection>) -> Result<(usize, bool), StoreError> {
    let (mut total, mut full) = (0, false);
    for marked in [CUSTOMERS, ORDERS] {
        let mut connection = writer.lock();
        let indexed = index(&mut connection, marked, BATCH);
        // A group commit waiting for the writer goes before the next batch.
        MutexGuard::unlock_fair(connection);
        let indexed = indexed?;
        total += indexed;
        full |= indexed == BATCH;
    }
    Ok((total, full))
}

/// Indexes up to `most` rows of `marked` after its mark and moves the mark
/// past them; how many it indexed. The transaction is not waited onto the
/// disk: a power cut that undoes it undoes the mark with the entries.
pub(crate) fn index(c: &mut Connection, marked: Marked, most: usize) -> Result<usize, StoreError> {
    let Marked { table, fields } = marked;
    let fields = fields.join(", ");
    crate::unsynced(c, |c| {
        let transaction = c.transaction().map_err(store_error)?;
        let mark: i64 = transaction
            .query_row(
                "SELECT indexed FROM search_marks WHERE name = ?1",
                [table],
                |row| row.get(0),
            )
            .map_err(store_error)?;
        let top: Option<i64> = transaction
            .prepare_cached(&format!(
                "SELECT max(rowid) FROM
                 (SELECT rowid FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2)"
            ))
            .and_then(|mut s| {
                s.query_row((mark, i64::try_from(most).unwrap_or(i64::MAX)), |row| {
                    row.get(0)
                })
            })
            .map_err(store_error)?;
        let Some(top) = top else {
            return Ok(0);
        };
        let indexed = transaction
            .prepare_cached(&format!(
                "INSERT INTO {table}_search (rowid, {fields})
                 SELECT rowid, {fields} FROM {table} WHERE rowid > ?1 AND rowid <= ?2"
            ))
            .and_then(|mut s| s.execute((mark, top)))
            .map_err(store_error)?;
        transaction
            .execute(
                "UPDATE search_marks SET indexed = ?1 WHERE name = ?2",
                (top, table),
            )
            .map_err(store_error)?;
        transaction.commit().map_err(store_error)?;
        Ok(indexed)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::Path;

    use oms_domain::customer::Customer;
    use oms_domain::email::Email;
    use oms_domain::name::Name;
    use oms_domain::timestamp::Timestamp;
    use oms_ports::query::{CustomerQuery, PageLimit, SearchText};
    use rusqlite::Connection;

    use super::{CUSTOMERS, index};
    use crate::customers::{customer_page, insert_customer};

    fn store_of(people: &[(String, String)]) -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        crate::schema::migrate(&mut c, Path::new(":memory:")).unwrap();
        for (n, (name, email)) in (1u64..).zip(people) {
            let customer = Customer {
                id: format!("00000000-0000-4000-8000-{n:012x}").parse().unwrap(),
                name: Name::parse(name).unwrap(),
                email: Email::parse(email).unwrap(),
                created_at: Timestamp::from_unix_millis(1_700_000_000_000).unwrap(),
            };
            insert_customer(&c, &customer).unwrap();
        }
        c
    }

    /// Every customer a search finds, page by page, by address.
    fn found(c: &Connection, text: &str) -> Vec<String> {
        let mut query = CustomerQuery {
            search: Some(SearchText::new(text).unwrap()),
            limit: PageLimit::new(50).unwrap(),
            ..CustomerQuery::default()
        };
        let mut all = Vec::new();
        loop {
            let page = customer_page(c, &query).unwrap();
            all.extend(page.items.iter().map(|c| c.email.as_str().to_owned()));
            let Some(next) = page.next else { break };
            query.after = Some(next);
        }
        all.sort();
        all
    }

    fn indexed_mark(c: &Connection) -> i64 {
        c.query_row(
            "SELECT indexed FROM search_marks WHERE name = 'customers'",
            [],
            |row| row.get(0),
        )
        .unwrap()
    }

    #[test]
    fn a_search_finds_the_same_customers_however_far_the_index_has_come() {
        let people: Vec<(String, String)> = (0..3_000)
            .map(|n| {
                let family = ["Lee", "Smith", "Garcia"][n % 3];
                (format!("Buyer {n} {family}"), format!("b{n}@example.com"))
            })
            .collect();
        let mut c = store_of(&people);
        // Few rows proposed (read through the index and the rows after
        // its mark), many (read in name order), too short, none, a quote.
        let texts = [
            "buyer 12", "b2999@", "r 7 lee", "smith", "@example", "b1", "zzqx", "r \"7",
        ];
        let expected = |text: &str| {
            let mut all: Vec<String> = people
                .iter()
                .filter(|(name, email)| name.to_lowercase().contains(text) || email.contains(text))
                .map(|(_, email)| email.clone())
                .collect();
            all.sort();
            all
        };
        // (most to index, indexed, the mark after)
        for (most, indexed, mark) in [
            (0, 0, 0),
            (1_000, 1_000, 1_000),
            (usize::MAX, 2_000, 3_000),
            (10, 0, 3_000),
        ] {
            assert_eq!(
                index(&mut c, CUSTOMERS, most).unwrap(),
                indexed,
                "{most} at most"
            );
            assert_eq!(indexed_mark(&c), mark, "the mark after {most} at most");
            for text in texts {
                assert_eq!(
                    found(&c, text),
                    expected(text),
                    "{text} with the mark at {mark}"
                );
            }
        }
    }
}
