//! The schema, as versioned SQL files under `migrations/sqlite/`, compiled
//! in and applied at open, each in one transaction, each recorded in
//! `schema_migrations`. A database whose version this build does not know
//! is refused, never written.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::errors::OpenError;

/// Every migration, in order: version, name, SQL.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "schema",
        include_str!("../../../../migrations/sqlite/0001_schema.sql"),
    ),
    (
        2,
        "token_generation",
        include_str!("../../../../migrations/sqlite/0002_token_generation.sql"),
    ),
    (
        3,
        "order_numbers",
        include_str!("../../../../migrations/sqlite/0003_order_numbers.sql"),
    ),
    (
        4,
        "disabled_accounts",
        include_str!("../../../../migrations/sqlite/0004_disabled_accounts.sql"),
    ),
    (
        5,
        "archived_products",
        include_str!("../../../../migrations/sqlite/0005_archived_products.sql"),
    ),
    (
        6,
        "webhooks",
        include_str!("../../../../migrations/sqlite/0006_webhooks.sql"),
    ),
    (
        7,
        "shipping_addresses",
        include_str!("../../../../migrations/sqlite/0007_shipping_addresses.sql"),
    ),
    (
        8,
        "shipments",
        include_str!("../../../../migrations/sqlite/0008_shipments.sql"),
    ),
    (
        9,
        "activity",
        include_str!("../../../../migrations/sqlite/0009_activity.sql"),
    ),
    (
        10,
        "placed_lines",
        include_str!("../../../../migrations/sqlite/0010_placed_lines.sql"),
    ),
    (
        11,
        "after_sale",
        include_str!("../../../../migrations/sqlite/0011_after_sale.sql"),
    ),
    (
        12,
        "order_tallies",
        include_str!("../../../../migrations/sqlite/0012_order_tallies.sql"),
    ),
    (
        13,
        "search_index",
        include_str!("../../../../migrations/sqlite/0013_search_index.sql"),
    ),
    (
        14,
        "marked_search",
        include_str!("../../../../migrations/sqlite/0014_marked_search.sql"),
    ),
];

/// The schema version of `connection`'s database (0 for a new one).
pub(crate) fn version(connection: &Connection) -> Result<i64, rusqlite::Error> {
    let tracked: bool = connection.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'schema_migrations'",
        [],
        |row| row.get(0),
    )?;
    if !tracked {
        return Ok(0);
    }
    connection.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )
}

/// The newest schema version this build writes.
pub(crate) fn known() -> i64 {
    MIGRATIONS.last().map_or(0, |(version, _, _)| *version)
}

/// The schema version of the database at `path` (open as `connection`),
/// which must not be newer than this build writes.
pub(crate) fn versioned(connection: &Connection, path: &Path) -> Result<i64, OpenError> {
    let found = version(connection).map_err(|e| OpenError::from_sqlite(path, &e))?;
    let known = known();
    if found > known {
        return Err(OpenError::Newer {
            path: path.to_owned(),
            found,
            known,
        });
    }
    Ok(found)
}

/// Applies what `connection`'s database lacks.
pub(crate) fn migrate(connection: &mut Connection, path: &Path) -> Result<(), OpenError> {
    let failed = |e: rusqlite::Error| OpenError::from_sqlite(path, &e);
    // Migrations case-fold stored names as the domain does (`Name::sort_key`),
    // which SQLite's own `lower` does only for ASCII.
    connection
        .create_scalar_function(
            "oms_fold",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(ctx.get::<String>(0)?.to_lowercase()),
        )
        .map_err(failed)?;
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            ) STRICT;",
        )
        .map_err(failed)?;
    let current = versioned(connection, path)?;
    for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > current) {
        let transaction = connection.transaction().map_err(failed)?;
        transaction.execute_batch(sql).map_err(failed)?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, name, applied_at)
                 VALUES (?1, ?2, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
                (version, name),
            )
            .map_err(failed)?;
        transaction.commit().map_err(failed)?;
        tracing::info!(version, name, "applied a SQLite migration");
    }
    Ok(())
}
