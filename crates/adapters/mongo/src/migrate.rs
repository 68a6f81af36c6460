//! Versioned schema migrations from `migrations/mongodb/`, compiled in and applied
//! in file order. Each is recorded in `_migrations` once applied. Every
//! command is idempotent (an existing collection gets its validator
//! refreshed, an existing index is left as it is), so two instances
//! starting at once may both run a migration without harm.

use mongodb::bson::{DateTime, Document, doc};
use oms_ports::error::StoreError;
use serde::Deserialize;

use crate::MongoStore;
use crate::documents::corrupt;
use crate::errors::{NAMESPACE_EXISTS, code, is_duplicate_key, store_error};

/// `(name, text)` of every migration, in the order they apply.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_collections",
        include_str!("../../../../migrations/mongodb/0001_collections.json"),
    ),
    (
        "0002_indexes",
        include_str!("../../../../migrations/mongodb/0002_indexes.json"),
    ),
    (
        "0003_event_log",
        include_str!("../../../../migrations/mongodb/0003_event_log.json"),
    ),
    (
        "0004_order_numbers",
        include_str!("../../../../migrations/mongodb/0004_order_numbers.json"),
    ),
    (
        "0005_webhooks",
        include_str!("../../../../migrations/mongodb/0005_webhooks.json"),
    ),
    (
        "0006_shipments",
        include_str!("../../../../migrations/mongodb/0006_shipments.json"),
    ),
    (
        "0007_activity",
        include_str!("../../../../migrations/mongodb/0007_activity.json"),
    ),
    (
        "0008_edits",
        include_str!("../../../../migrations/mongodb/0008_edits.json"),
    ),
    (
        "0009_returns",
        include_str!("../../../../migrations/mongodb/0009_returns.json"),
    ),
    (
        "0010_after_sale",
        include_str!("../../../../migrations/mongodb/0010_after_sale.json"),
    ),
    (
        "0011_order_tallies",
        include_str!("../../../../migrations/mongodb/0011_order_tallies.json"),
    ),
];

#[derive(Debug, Deserialize)]
struct Migration {
    description: String,
    /// Data changes no command can express, run before the commands.
    #[serde(default)]
    steps: Vec<String>,
    commands: Vec<serde_json::Value>,
}

impl MongoStore {
    /// Applies every migration not yet recorded; returns the names applied.
    ///
    /// # Errors
    /// [`StoreError`] when the server refuses a command or is unreachable.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let done = self.database().collection::<Document>("_migrations");
        let mut applied = Vec::new();
        for (name, text) in MIGRATIONS {
            if done
                .find_one(doc! { "_id": *name })
                .await
                .map_err(store_error)?
                .is_some()
            {
                continue;
            }
            let migration: Migration =
                serde_json::from_str(text).map_err(|e| corrupt(format_args!("{name}: {e}")))?;
            for step in &migration.steps {
                self.step(name, step).await?;
            }
            for command in &migration.commands {
                self.apply(name, command).await?;
            }
            let record = doc! {
                "_id": *name,
                "description": &migration.description,
                "appliedAt": DateTime::now(),
            };
            match done.insert_one(record).await {
                // Another instance recorded it first: the same commands ran twice, harmlessly.
                Err(e) if is_duplicate_key(&e) => {}
                other => {
                    other.map_err(store_error)?;
                }
            }
            tracing::info!(migration = name, description = %migration.description, "migration applied");
            applied.push((*name).to_owned());
        }
        self.warn_of_unknown(&done).await?;
        Ok(applied)
    }

    /// A database migrated by a newer build may have changes this one does
    /// not know of: say so, once per start, rather than guess.
    async fn warn_of_unknown(
        &self,
        done: &mongodb::Collection<Document>,
    ) -> Result<(), StoreError> {
        let recorded: Vec<Document> =
            futures::TryStreamExt::try_collect(done.find(doc! {}).await.map_err(store_error)?)
                .await
                .map_err(store_error)?;
        for record in recorded {
            let name = record.get_str("_id").unwrap_or("?");
            if !MIGRATIONS.iter().any(|(known, _)| *known == name) {
                tracing::warn!(
                    migration = name,
                    "the database has a migration this build does not know"
                );
            }
        }
        Ok(())
    }

    /// A data change in Rust, named by a migration's `steps`; each may run
    /// twice (two instances starting at once) without harm.
    async fn step(&self, migration: &str, step: &str) -> Result<(), StoreError> {
        match step {
            "number_orders" => self.number_unnumbered_orders().await,
            "summarize_after_sale" => self.keep_after_sale_fields().await,
            "tally_orders" => self.tally_stored_orders().await,
            other => Err(corrupt(format_args!("{migration}: unknown step {other:?}"))),
        }
    }

    async fn apply(&self, name: &str, command: &serde_json::Value) -> Result<(), StoreError> {
        let command: Document = mongodb::bson::to_document(command)
            .map_err(|e| corrupt(format_args!("{name}: {e}")))?;
        match self.database().run_command(command.clone()).await {
            Ok(_) => Ok(()),
            Err(e) if code(&e) == Some(NAMESPACE_EXISTS) => self.refresh_validator(&command).await,
            Err(e) => Err(store_error(e)),
        }
    }

    /// `create` on an existing collection: bring its validator up to date.
    async fn refresh_validator(&self, create: &Document) -> Result<(), StoreError> {
        let (Ok(collection), Ok(validator)) =
            (create.get_str("create"), create.get_document("validator"))
        else {
            return Ok(());
        };
        let command = doc! { "collMod": collection, "validator": validator.clone() };
        self.database()
            .run_command(command)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}
