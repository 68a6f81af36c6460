//! The store contract on SQLite: each case on a database file of its own,
//! under one directory that the next run clears.

#![allow(clippy::expect_used)]

use std::path::PathBuf;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use oms_ports::events::EventRetention;
use oms_sqlite::SqliteStore;

static ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
    let root = std::env::temp_dir().join("oms-sqlite-contract");
    let _ = std::fs::remove_dir_all(&root);
    root
});

static NEXT: AtomicU64 = AtomicU64::new(0);

fn fresh(retention: EventRetention) -> SqliteStore {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let path = ROOT
        .join(format!("{}-{n}", std::process::id()))
        .join("oms.db");
    SqliteStore::open(path, retention).expect("a fresh database opens")
}

fn main() -> std::process::ExitCode {
    oms_store_contract::run(|retention| async move { Some(fresh(retention)) })
}
