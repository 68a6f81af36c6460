//! A fresh MongoDB database per test case: on the server named by
//! `OMS_TEST_MONGODB_URI`, else in one throwaway container (a single-node
//! replica set, since transactions need one), else skipped with one loud
//! line, unless `OMS_REQUIRE_MONGO=1` makes that a failure.

use std::io::Write;
use std::sync::OnceLock;

use mongodb::Client;
use mongodb::bson::doc;
use mongodb::options::ClientOptions;
use oms_mongo::{MongoStore, testing};

/// The server's URI, found once per test binary.
fn server_uri() -> Option<String> {
    static URI: OnceLock<Option<String>> = OnceLock::new();
    URI.get_or_init(|| {
        if let Ok(uri) = std::env::var("OMS_TEST_MONGODB_URI") {
            return Some(uri);
        }
        match start_container() {
            Ok(uri) => Some(uri),
            Err(why) => {
                let required = std::env::var("OMS_REQUIRE_MONGO").is_ok_and(|v| v == "1");
                assert!(!required, "OMS_REQUIRE_MONGO=1 but no MongoDB: {why}");
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIP: MongoDB store tests NOT RUN: set OMS_TEST_MONGODB_URI or start Docker ({why})"
                );
                None
            }
        }
    })
    .clone()
}

/// Starts `mongo` as a replica set on a thread of its own whose runtime
/// outlives every test's, and hands back only its URI.
fn start_container() -> Result<String, String> {
    use testcontainers_modules::mongo::Mongo;
    use testcontainers_modules::testcontainers::runners::AsyncRunner;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        runtime.block_on(async move {
            let node = match Mongo::repl_set().start().await {
                Ok(node) => node,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            let uri = async {
                let host = node.get_host().await.map_err(|e| e.to_string())?;
                let port = node
                    .get_host_port_ipv4(27017)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>(format!("mongodb://{host}:{port}/?directConnection=true"))
            }
            .await;
            let _ = tx.send(uri);
            // Keep the container (and this runtime) for the rest of the run.
            std::future::pending::<()>().await;
        });
    });
    rx.recv().map_err(|e| e.to_string())?
}

/// A migrated, empty database of its own, or `None` when skipping.
pub async fn fresh_store() -> Option<MongoStore> {
    fresh_store_with(|_| {}).await
}

/// [`fresh_store`] with client options adjusted first (e.g. to watch commands).
pub async fn fresh_store_with(adjust: impl FnOnce(&mut ClientOptions)) -> Option<MongoStore> {
    let store = empty_store_with(adjust).await?;
    store
        .migrate()
        .await
        .expect("the migrations apply to a fresh database");
    Some(store)
}

/// A database of its own with nothing in it, not even the migrations.
#[allow(dead_code)] // the contract binary shares this module but not this helper
pub async fn empty_store() -> Option<MongoStore> {
    empty_store_with(|_| {}).await
}

async fn empty_store_with(adjust: impl FnOnce(&mut ClientOptions)) -> Option<MongoStore> {
    let uri = server_uri()?;
    let mut options = ClientOptions::parse(&uri)
        .await
        .expect("a valid OMS_TEST_MONGODB_URI");
    adjust(&mut options);
    let client = Client::with_options(options).expect("usable client options");
    // Once per run, before any test writes: a transaction abandoned by an
    // earlier, killed run blocks writes until its session is killed, and
    // the databases earlier runs left are dropped.
    static CLEAN: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    CLEAN
        .get_or_init(|| async {
            let _ = client
                .database("admin")
                .run_command(doc! { "killAllSessions": [] })
                .await;
            testing::drop_stale(&client, "oms_test").await;
        })
        .await;
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let name = testing::database_name("oms_test", &unique);
    Some(MongoStore::with_client(client, &name))
}
