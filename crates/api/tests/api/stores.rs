//! Which store a test binary runs the API on (`crate::STORE`), and a fresh
//! store of each kind: the one mechanism behind the per-store runs of the
//! HTTP suite (`api` on memory, `api_sqlite`, `api_mongo`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use oms_memory::MemoryStore;
use oms_mongo::{MongoStore, testing};
use oms_sqlite::SqliteStore;

/// The store kinds a binary can run on.
#[allow(dead_code)] // each binary names one
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestStore {
    Memory,
    Sqlite,
    Mongo,
}

/// A fresh store, empty and of its own.
#[allow(dead_code)] // not every binary makes every kind
pub enum Fresh {
    Memory(MemoryStore),
    Sqlite(SqliteStore),
    /// With the server's URI, for a second client on the same database.
    Mongo(MongoStore, String),
}

/// A fresh store of this binary's kind. Without a MongoDB test server the
/// MongoDB binary runs on memory, after saying so loudly (and fails when
/// `OMS_REQUIRE_MONGO=1`).
pub async fn fresh_store() -> Fresh {
    match crate::STORE {
        TestStore::Memory => Fresh::Memory(MemoryStore::default()),
        TestStore::Sqlite => Fresh::Sqlite(fresh_sqlite()),
        TestStore::Mongo => match mongo_uri() {
            Some(uri) => Fresh::Mongo(fresh_mongo(&uri).await, uri),
            None => Fresh::Memory(MemoryStore::default()),
        },
    }
}

/// Where this process's SQLite files go. Test runners may run one process
/// per test, all at once: each clears only what processes that have ended
/// left behind.
static SQLITE_ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
    let shared = std::env::temp_dir().join("oms-api-sqlite");
    // Without /proc nothing tells a live process's files from a dead one's.
    let known = std::path::Path::new("/proc/self").exists();
    for left in std::fs::read_dir(&shared).into_iter().flatten().flatten() {
        if !known {
            break;
        }
        let pid = left.file_name().to_string_lossy().into_owned();
        if !std::path::Path::new("/proc").join(&pid).exists() {
            let _ = std::fs::remove_dir_all(left.path());
        }
    }
    let root = shared.join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&root);
    root
});

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A SQLite store on a new file.
pub fn fresh_sqlite() -> SqliteStore {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let path = SQLITE_ROOT.join(n.to_string()).join("oms.db");
    SqliteStore::open(path, Default::default()).expect("a fresh SQLite database opens")
}

/// The MongoDB test server's URI, or `None` (said loudly, and refused
/// when `OMS_REQUIRE_MONGO=1`).
pub fn mongo_uri() -> Option<String> {
    static URI: LazyLock<Option<String>> = LazyLock::new(|| {
        let uri = std::env::var("OMS_TEST_MONGODB_URI").ok();
        if uri.is_none() {
            let required = std::env::var("OMS_REQUIRE_MONGO").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "OMS_REQUIRE_MONGO=1 but OMS_TEST_MONGODB_URI is not set"
            );
            let _ = writeln!(
                std::io::stderr(),
                "SKIP: API tests on MongoDB NOT RUN (set OMS_TEST_MONGODB_URI); api_mongo runs its tests on memory instead"
            );
        }
        uri
    });
    URI.clone()
}

/// A migrated database of its own. Databases outlive their stores; the
/// first in each run drops those earlier runs left.
pub async fn fresh_mongo(uri: &str) -> MongoStore {
    let client = mongodb::Client::with_uri_str(uri)
        .await
        .expect("a valid OMS_TEST_MONGODB_URI");
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            testing::drop_stale(&client, "oms_api").await;
        })
        .await;
    let name = testing::database_name("oms_api", &crate::helpers::uuid().replace('-', ""));
    let store = MongoStore::with_client(client, &name);
    store.migrate().await.expect("migrations apply");
    store
}
