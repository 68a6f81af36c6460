//! The store contract on SQLite: each case on a database file of its own,
//! under a directory of its process (the cases run as processes side by
//! side), removed when the process is done.

#![allow(clippy::expect_used)]

use std::path::PathBuf;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use oms_ports::events::EventRetention;
use oms_sqlite::SqliteStore;

static ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
    let root = std::env::temp_dir()
        .join("oms-sqlite-contract")
        .join(std::process::id().to_string());
    // Left by an earlier process that had this id and did not finish.
    let _ = std::fs::remove_dir_all(&root);
    root
});

static NEXT: AtomicU64 = AtomicU64::new(0);

fn fresh(retention: EventRetention) -> SqliteStore {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let path = ROOT.join(n.to_string()).join("oms.db");
    SqliteStore::open(path, retention).expect("a fresh database opens")
}

fn main() -> std::process::ExitCode {
    let outcome = oms_store_contract::run(|retention| async move { Some(fresh(retention)) });
    let _ = std::fs::remove_dir_all(&*ROOT);
    outcome
}
