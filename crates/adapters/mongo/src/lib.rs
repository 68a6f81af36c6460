//! Every store port on MongoDB with the official `mongodb` driver.
//!
//! Placing an order, changing its status and cancelling it are written in
//! groups: those that arrive while a transaction is in flight share the
//! next multi-document transaction (stock, customers, orders, idempotency
//! keys and events together), each decided on its own; a group that
//! conflicts with another instance's is retried under the one contention
//! policy. The event log is read
//! through change streams on `events` (see `events.rs`). Lookups, filters and
//! pages use the indexes the migrations in `migrations/mongodb/` create; a name
//! search is a literal, case-blind substring match on the case-folded name
//! (and for customers the address), which no index can narrow. Needs a
//! replica set (or a server that supports transactions).
//!
//! Depends on `oms-domain`, `oms-ports` and the driver; never on `oms-app`.

mod customers;
mod deadline;
mod documents;
mod errors;
mod events;
pub mod migrate;
mod orders;
mod paging;
mod products;
#[cfg(feature = "testing")]
pub mod testing;
mod transaction;
mod users;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use mongodb::bson::doc;
use mongodb::options::ClientOptions;
use mongodb::{Client, Collection, Database};
use oms_commit::group::{GroupCommit, Limits};
use oms_ports::error::StoreError;
use oms_ports::events::EventRetention;
use oms_ports::store::StoreHealth;
use oms_rules::ledger::{Decision, Write};

use documents::events::EventDoc;
use documents::orders::{IdempotencyDoc, OrderDoc};
use documents::{CustomerDoc, ProductDoc, UserDoc};

/// Products, customers, users and orders in one MongoDB database. Clones
/// share the connection pool.
#[derive(Clone)]
pub struct MongoStore {
    client: Client,
    db: Database,
    event_retention: EventRetention,
    /// Placements and revisions waiting for the next transaction.
    group: Arc<GroupCommit<Write, Decision>>,
    /// Order numbers taken for this instance's placements.
    numbers: orders::numbers::NumberPool,
    /// The summary tallies this instance adds to.
    shard: u8,
}

impl std::fmt::Debug for MongoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoStore")
            .field("database", &self.db.name())
            .finish_non_exhaustive()
    }
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The connection string is malformed.
    #[error("MONGODB_URI is not a valid connection string: {0}")]
    Uri(String),
    /// The server answered with a refusal (credentials, TLS, options).
    #[error("MongoDB refused the connection: {0}")]
    Refused(String),
    /// The server did not answer in any attempt.
    #[error("MongoDB did not answer after {attempts} attempts: {last}")]
    Unreachable {
        /// How many times we tried.
        attempts: u32,
        /// The last failure.
        last: String,
    },
}

/// How long one operation waits for a usable server before the store
/// reports itself unavailable; short, so a request fails fast with 503.
const SERVER_SELECTION: Duration = Duration::from_secs(3);

/// How long a ping may take before the store counts as down.
const PING_DEADLINE: Duration = Duration::from_secs(2);

impl MongoStore {
    /// Connects to `uri` and waits until the server answers, trying
    /// `attempts` times with doubling pauses (logged), then gives up.
    /// The database is the one named in the URI, else `oms`.
    ///
    /// # Errors
    /// [`ConnectError`] for a bad URI or a server that never answered.
    pub async fn connect(uri: &str, attempts: u32) -> Result<MongoStore, ConnectError> {
        let mut options = ClientOptions::parse(uri)
            .await
            .map_err(|e| ConnectError::Uri(e.to_string()))?;
        options.server_selection_timeout = Some(SERVER_SELECTION);
        options.connect_timeout = Some(SERVER_SELECTION);
        options.app_name = Some("oms".to_owned());
        let db_name = options
            .default_database
            .clone()
            .unwrap_or_else(|| "oms".to_owned());
        let client = Client::with_options(options).map_err(|e| ConnectError::Uri(e.to_string()))?;
        let store = MongoStore::with_client(client, &db_name);
        let mut pause = Duration::from_millis(250);
        let mut last = String::new();
        for attempt in 1..=attempts.max(1) {
            match store.ping().await {
                Ok(()) => return Ok(store),
                // Bad credentials or TLS settings will not mend by waiting.
                Err(StoreError::Internal(cause)) => {
                    return Err(ConnectError::Refused(cause.to_string()));
                }
                // A ping writes nothing, so nothing can collide with it.
                Err(
                    e @ (StoreError::Contended | StoreError::Busy | StoreError::OutcomeUnknown(_)),
                ) => {
                    return Err(ConnectError::Refused(e.to_string()));
                }
                Err(StoreError::Unavailable(cause)) => {
                    last = cause.to_string();
                    tracing::warn!(attempt, of = attempts, error = %last, "MongoDB is not answering yet");
                    if attempt < attempts {
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(Duration::from_secs(8));
                    }
                }
            }
        }
        Err(ConnectError::Unreachable { attempts, last })
    }

    /// A store on `db_name` over an existing client (no check that it answers).
    pub fn with_client(client: Client, db_name: &str) -> MongoStore {
        let db = client.database(db_name);
        MongoStore {
            client,
            db,
            event_retention: EventRetention::default(),
            group: Arc::new(GroupCommit::new(orders::LARGEST_GROUP, Limits::default())),
            numbers: orders::numbers::NumberPool::default(),
            shard: orders::tallies::pick_shard(),
        }
    }

    /// The same store, keeping events as long as `retention` says (its
    /// `max_age`; `max_events` is for stores that keep events in memory).
    /// [`MongoStore::apply_retention`] brings the expiry indexes in line.
    pub fn with_event_retention(mut self, retention: EventRetention) -> MongoStore {
        self.event_retention = retention;
        self
    }

    /// The same store, with `limits` on the writes waiting for a
    /// transaction.
    pub fn with_write_limits(mut self, limits: Limits) -> MongoStore {
        self.group = Arc::new(GroupCommit::new(orders::LARGEST_GROUP, limits));
        self
    }

    /// The database this store uses.
    pub fn database(&self) -> &Database {
        &self.db
    }

    fn products(&self) -> Collection<ProductDoc> {
        self.db.collection("products")
    }

    fn customers(&self) -> Collection<CustomerDoc> {
        self.db.collection("customers")
    }

    fn users(&self) -> Collection<UserDoc> {
        self.db.collection("users")
    }

    fn orders(&self) -> Collection<OrderDoc> {
        self.db.collection("orders")
    }

    fn idempotency(&self) -> Collection<IdempotencyDoc> {
        self.db.collection("idempotency_keys")
    }

    fn events(&self) -> Collection<EventDoc> {
        self.db.collection("events")
    }
}

#[async_trait]
impl StoreHealth for MongoStore {
    async fn ping(&self) -> Result<(), StoreError> {
        // A frozen or partitioned server keeps the connection open and
        // never answers; the driver would wait as long.
        let ping = self.db.run_command(doc! { "ping": 1 });
        match tokio::time::timeout(PING_DEADLINE, ping).await {
            Ok(answered) => answered.map(|_| ()).map_err(errors::store_error),
            Err(_) => Err(StoreError::Unavailable(
                "MongoDB did not answer a ping in time".into(),
            )),
        }
    }

    async fn drain(&self) {
        self.group.drain().await;
    }
}
