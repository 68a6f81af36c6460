//! What only a database file has: data that outlives the store, one
//! process at a time, and clear refusals for files it must not touch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use oms_ports::events::{EventLog, EventRetention};
use oms_ports::store::{OrderStore, ProductStore};
use oms_sqlite::{OpenError, SqliteStore};
use oms_store_contract::fixtures::{draft, given_product, placed, stock_of};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oms-sqlite-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn open(path: &std::path::Path) -> Result<SqliteStore, OpenError> {
    SqliteStore::open(path, EventRetention::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_written_is_there_after_reopening_and_positions_still_read() {
    let dir = scratch("reopen");
    let path = dir.join("data").join("oms.db");
    let (mug, order, start) = {
        let store = open(&path).unwrap();
        let start = store.tail().await.unwrap();
        let mug = given_product(&store, 1, "Mug", 250, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 3)])).await;
        (mug, order, start)
    };
    let store = open(&path).unwrap();
    assert_eq!(stock_of(&store, mug).await, 7);
    assert_eq!(
        store.get_order(order.id()).await.unwrap(),
        Some(order.clone())
    );
    let page = store.read_after(&start, 10).await.unwrap();
    assert_eq!(
        page.events.len(),
        1,
        "the position from before the reopen reads on"
    );
    assert_eq!(page.events[0].event.order_id(), order.id());
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_second_opener_is_refused_while_the_first_holds_the_database() {
    let dir = scratch("lock");
    let path = dir.join("oms.db");
    let first = open(&path).unwrap();
    match open(&path) {
        Err(OpenError::Locked { path: named }) => assert_eq!(named, path),
        other => panic!("expected the lock to refuse, got {other:?}"),
    }
    drop(first);
    open(&path).expect("free again once the first is gone");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused_and_left_alone() {
    let dir = scratch("newer");
    let path = dir.join("oms.db");
    drop(open(&path).unwrap());
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)",
            [],
        )
        .unwrap();
    }
    match open(&path) {
        Err(e @ OpenError::Newer { found: 99, .. }) => {
            assert!(e.to_string().contains("newer version of oms"), "{e}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = scratch("corrupt");
    let path = dir.join("oms.db");
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = b"this is not a database, and it is long enough to have a header".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    match open(&path) {
        Err(e @ OpenError::Corrupt { .. }) => assert!(e.to_string().contains("oms.db"), "{e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), garbage, "not written");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_data_directory_that_cannot_be_made_is_named() {
    let dir = scratch("nodir");
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    match open(&blocker.join("oms.db")) {
        Err(e @ OpenError::Directory { .. }) => assert!(e.to_string().contains("a-file"), "{e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_change_is_durable_once_answered() {
    let dir = scratch("durable");
    let path = dir.join("oms.db");
    let store = open(&path).unwrap();
    let mug = given_product(&store, 1, "Mug", 250, 10).await;
    drop(store);
    // Read by another connection, as after a crash: the commit is in the
    // file (with its write-ahead log), not in this process's memory.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let stock: i64 = raw
        .query_row(
            "SELECT stock FROM products WHERE id = ?1",
            [mug.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stock, 10);
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(raw);
    assert!(
        open(&path)
            .unwrap()
            .get_product(mug)
            .await
            .unwrap()
            .is_some()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_that_does_not_read_is_skipped_without_losing_those_after_it() {
    let dir = scratch("bad-event");
    let path = dir.join("oms.db");
    let store = open(&path).unwrap();
    let start = store.tail().await.unwrap();
    let mug = given_product(&store, 1, "Mug", 250, 10).await;
    let orders = [
        placed(&store, draft(1, "a@example.com", &[(mug, 1)])).await,
        placed(&store, draft(2, "b@example.com", &[(mug, 1)])).await,
        placed(&store, draft(3, "c@example.com", &[(mug, 1)])).await,
    ];
    // A row a newer build might write, or damage: this build cannot read it.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE events SET name = 'orderTeleported' WHERE order_id = ?1",
        [orders[1].id().to_string()],
    )
    .unwrap();
    let page = store.read_after(&start, 2).await.unwrap();
    let ids: Vec<_> = page.events.iter().map(|e| e.event.order_id()).collect();
    assert_eq!(ids, [orders[0].id()], "the bad row is left out");
    let rest = store.read_after(&page.through, 10).await.unwrap();
    let ids: Vec<_> = rest.events.iter().map(|e| e.event.order_id()).collect();
    assert_eq!(ids, [orders[2].id()], "and the page vouched only up to it");

    let mut feed = store.follow(start).await.unwrap();
    let first = feed.next_events(1).await.unwrap();
    assert_eq!(first[0].event.order_id(), orders[0].id());
    let next = tokio::time::timeout(std::time::Duration::from_secs(5), feed.next_events(1))
        .await
        .expect("a follower goes past the bad row")
        .unwrap();
    assert_eq!(next[0].event.order_id(), orders[2].id());
    drop((feed, store));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_backup_is_a_database_of_its_own_whose_positions_are_not_the_originals() {
    let dir = scratch("backup-log");
    let path = dir.join("oms.db");
    let store = open(&path).unwrap();
    let mug = given_product(&store, 1, "Mug", 250, 10).await;
    placed(&store, draft(1, "a@example.com", &[(mug, 1)])).await;
    let original = store.tail().await.unwrap();
    let copy = dir.join("copy.db");
    SqliteStore::backup(&path, &copy).unwrap();
    let restored = open(&copy).unwrap();
    assert_eq!(stock_of(&restored, mug).await, 9);
    let restored_tail = restored.tail().await.unwrap();
    let prefix =
        |p: &oms_ports::events::EventPosition| p.as_str().split('.').next().unwrap().to_owned();
    assert_ne!(prefix(&restored_tail), prefix(&original));
    assert!(
        matches!(
            restored.read_after(&original, 10).await,
            Err(oms_ports::events::ReadEventsError::Lost)
        ),
        "a position from the original is unknown to the copy"
    );
    drop((store, restored));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_stored_before_numbers_are_numbered_in_the_order_placed() {
    let dir = scratch("numbers");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("oms.db");
    {
        // A database as the build before order numbers left it.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                 applied_at INTEGER NOT NULL) STRICT;",
        )
        .unwrap();
        for (version, name, sql) in &oms_sqlite::MIGRATIONS[..2] {
            c.execute_batch(sql).unwrap();
            c.execute(
                "INSERT INTO schema_migrations VALUES (?1, ?2, 0)",
                rusqlite::params![version, name],
            )
            .unwrap();
        }
        for (id, name, at) in [
            ("00000000-0000-0000-0000-000000000002", "Ärger Zoë", 2_000),
            ("00000000-0000-0000-0000-000000000001", "Ann Lee", 1_000),
        ] {
            c.execute(
                "INSERT INTO orders VALUES (?1, '00000000-0000-0000-0000-00000000000c', ?2,
                 'someone@example.com',
                 '[{\"productId\":\"00000000-0000-0000-0000-00000000000a\",\"name\":\"Mug\",\"unitPrice\":250,\"quantity\":1}]',
                 250, 0, 'pending', '[]', '00000000-0000-0000-0000-00000000000b', 'staff', ?3, ?3, 1)",
                rusqlite::params![id, name, at],
            )
            .unwrap();
        }
    }
    let store = open(&path).unwrap();
    let older = "00000000-0000-0000-0000-000000000001".parse().unwrap();
    let newer = "00000000-0000-0000-0000-000000000002".parse().unwrap();
    let number = |order: Option<oms_domain::order::Order>| order.unwrap().number().get();
    assert_eq!(number(store.get_order(older).await.unwrap()), 1001);
    assert_eq!(number(store.get_order(newer).await.unwrap()), 1002);
    let search = oms_ports::query::OrderQuery {
        filter: oms_ports::query::OrderFilter {
            search: Some(oms_ports::query::OrderSearch::new(
                oms_ports::query::SearchText::new("ärger").unwrap(),
            )),
            ..Default::default()
        },
        ..Default::default()
    };
    let found = store.list_orders(&search).await.unwrap();
    assert_eq!(found.items.len(), 1, "names are case-folded beyond ASCII");
    let mug = given_product(&store, 1, "Mug", 250, 10).await;
    let next = placed(&store, draft(3, "ann@example.com", &[(mug, 1)])).await;
    assert_eq!(next.number().get(), 1003);
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_with_returns_and_refunds_before_they_were_kept_are_filled_in() {
    // Migrations 11 (refunds and open returns), 12 (summary tallies), 13
    // and 14 (search indexes) fill in what they keep from the rows stored.
    use oms_ports::query::{OrderFilter, OrderQuery};
    let dir = scratch("after-sale");
    let path = dir.join("oms.db");
    let store = open(&path).unwrap();
    let mug = given_product(&store, 1, "Mug", 250, 10).await;
    let order = oms_store_contract::fixtures::returned_and_refunded(&store, 1, mug).await;
    placed(&store, draft(2, "bob@example.com", &[(mug, 1)])).await;
    drop(store);
    {
        // Back to what the build before them stored.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP INDEX orders_open_returns;
             DROP TABLE order_tallies;
             DROP TRIGGER products_search_insert;
             DROP TRIGGER products_search_delete;
             DROP TRIGGER products_search_update;
             DROP TABLE products_search;
             DROP TABLE customers_search;
             DROP TABLE orders_search;
             DROP TABLE search_marks;
             ALTER TABLE orders DROP COLUMN refunded;
             ALTER TABLE orders DROP COLUMN open_return_since;
             DELETE FROM schema_migrations WHERE version >= 11;",
        )
        .unwrap();
    }
    let store = open(&path).unwrap();
    let open = OrderQuery {
        filter: OrderFilter {
            open_return: Some(true),
            ..OrderFilter::default()
        },
        ..OrderQuery::default()
    };
    let listed = store.list_orders(&open).await.unwrap();
    let ids: Vec<_> = listed
        .items
        .iter()
        .map(oms_domain::order::Order::id)
        .collect();
    assert_eq!(
        ids,
        [order.id()],
        "the open return was found in the activity"
    );
    let summary = store
        .summarize_orders(&OrderFilter::default())
        .await
        .unwrap();
    assert_eq!(summary.refunded.minor(), 100);
    assert_eq!(summary.net_revenue.minor(), 400);
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_finds_exactly_what_a_scan_finds_through_the_index_or_without_it() {
    use oms_ports::query::{NameQuery, PageLimit, ProductQuery, SearchText};
    let dir = scratch("search");
    let store = open(&dir.join("oms.db")).unwrap();
    let names: Vec<String> = (0..2_100u128).map(|n| format!("Bench Item {n}")).collect();
    for (n, name) in (1u128..).zip(&names) {
        given_product(&store, n, name, 100, 1).await;
    }
    // Few proposed rows (read through the index), many (read in name
    // order), too short for the index, none; each against the plain rule.
    for text in ["item 2099", "item 1", "bench", "m 7", "i1", "zzqx"] {
        let search = SearchText::new(text).unwrap();
        let mut found = Vec::new();
        let mut query = ProductQuery {
            names: NameQuery {
                search: Some(search.clone()),
                limit: PageLimit::new(100).unwrap(),
                ..NameQuery::default()
            },
            archived: false,
        };
        loop {
            let page = store.list_products(&query).await.unwrap();
            found.extend(page.items.iter().map(|p| p.name.as_str().to_owned()));
            let Some(next) = page.next else { break };
            query.names.after = Some(next);
        }
        let mut expected: Vec<String> = names
            .iter()
            .filter(|name| name.to_lowercase().contains(search.as_str()))
            .cloned()
            .collect();
        expected.sort_by_key(|name| name.to_lowercase());
        found.sort_by_key(|name| name.to_lowercase());
        assert_eq!(found, expected, "{text}");
    }
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customers_and_orders_made_are_indexed_for_search_in_the_background() {
    use oms_ports::query::{OrderFilter, OrderQuery, OrderSearch, SearchText};
    let dir = scratch("indexer");
    let path = dir.join("oms.db");
    let store = open(&path).unwrap();
    let mug = given_product(&store, 1, "Mug", 250, 1_000).await;
    for n in 1..=600 {
        placed(&store, draft(n, &format!("b{n}@example.com"), &[(mug, 1)])).await;
    }
    let c = rusqlite::Connection::open(&path).unwrap();
    let marks = |c: &rusqlite::Connection| -> Vec<(String, i64, i64)> {
        ["customers", "orders"]
            .iter()
            .map(|table| {
                let sql = format!(
                    "SELECT (SELECT indexed FROM search_marks WHERE name = ?1),
                            (SELECT count(*) FROM {table}_search WHERE {table}_search MATCH '\"b60\" AND \"600\" AND \"00@\"')"
                );
                let (mark, found) = c
                    .query_row(&sql, [table], |row| Ok((row.get(0)?, row.get(1)?)))
                    .unwrap();
                ((*table).to_owned(), mark, found)
            })
            .collect()
    };
    let done = vec![
        ("customers".to_owned(), 600, 1),
        ("orders".to_owned(), 600, 1),
    ];
    // The indexer looks a few times a second; 10 s is far beyond that.
    let mut seen = marks(&c);
    for _ in 0..200 {
        if seen == done {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        seen = marks(&c);
    }
    assert_eq!(seen, done, "every row indexed, the last findable");
    // Through the index, and with rows placed since (after the mark).
    placed(&store, draft(601, "b601@example.com", &[(mug, 1)])).await;
    let cases: [(&str, &[&str]); 3] = [
        ("b600@", &["b600@example.com"]),
        (
            "b60",
            &["b601@example.com", "b600@example.com", "b60@example.com"],
        ),
        ("zzqx", &[]),
    ];
    for (text, expected) in cases {
        let query = OrderQuery {
            filter: OrderFilter {
                search: Some(OrderSearch::new(SearchText::new(text).unwrap())),
                ..OrderFilter::default()
            },
            ..OrderQuery::default()
        };
        let found: Vec<String> = store
            .list_orders(&query)
            .await
            .unwrap()
            .items
            .iter()
            .map(|o| o.customer().email.as_str().to_owned())
            .collect();
        assert_eq!(found, expected, "{text}");
    }
    drop(c);
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}
