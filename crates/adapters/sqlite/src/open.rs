//! Opening the database: the lock that keeps other processes out, the
//! connections' settings, the schema, and this database's log id.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oms_commit::group::{GroupCommit, Limits};
use oms_ports::error::StoreError;
use oms_ports::events::EventRetention;
use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use tokio::sync::watch;

use crate::errors::{OpenError, store_error};
use crate::{Inner, LARGEST_GROUP, SqliteStore, checkpoint, readers, schema};

/// How long a connection waits for another's lock before giving up.
const BUSY_TIMEOUT_MS: u32 = 5_000;
pub(crate) const BUSY_TIMEOUT: std::time::Duration =
    std::time::Duration::from_millis(BUSY_TIMEOUT_MS as u64);

/// Prepared statements each connection keeps: more than the writer's
/// distinct statements (rusqlite keeps 16 by default, fewer than one group
/// commit uses, so each group parsed some of its statements again).
const STATEMENTS: usize = 64;

/// The writer's page cache. Small on purpose: at the end of every write
/// transaction SQLite walks the cache's whole hash table (a cost that grows
/// with its size), and a page it misses comes from the OS's cache in
/// microseconds. Measured with wrk (docs/benchmarks.md): 64 MiB placed 5-15%
/// fewer orders a second than 2 MiB, even past 300,000 orders.
const CACHE_KIB: u32 = 2 * 1024;

/// Write-ahead log pages past which the writer checkpoints itself. Under
/// continuous writes only the writer can finish a checkpoint (the log
/// grows while another connection copies it), and only a finished one lets
/// the log start over; the checkpointer thread (`checkpoint.rs`) has
/// copied most pages by then, so the writer's share is small.
const CHECKPOINT_PAGES: u32 = 8_192;

/// The size the write-ahead log file is cut back to once checkpointed (it
/// otherwise keeps its largest size on disk).
const WAL_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

impl SqliteStore {
    /// Opens (creating it, and its directory, when missing) the database at
    /// `path`, brings its schema up to date, and holds it for this process
    /// until the last clone is dropped.
    ///
    /// # Errors
    /// [`OpenError`]: a directory that cannot be written, a database
    /// another process holds, one written by a newer build, a file that is
    /// not a database.
    pub fn open(
        path: impl AsRef<Path>,
        retention: EventRetention,
    ) -> Result<SqliteStore, OpenError> {
        SqliteStore::open_with_limits(path, retention, Limits::default())
    }

    /// [`SqliteStore::open`], with `limits` on the writes waiting for the
    /// writer.
    ///
    /// # Errors
    /// As [`SqliteStore::open`].
    pub fn open_with_limits(
        path: impl AsRef<Path>,
        retention: EventRetention,
        limits: Limits,
    ) -> Result<SqliteStore, OpenError> {
        let path = path.as_ref().to_owned();
        let lock = lock(&path)?;
        let mut writer = writer(&path).map_err(|e| OpenError::from_sqlite(&path, &e))?;
        schema::migrate(&mut writer, &path)?;
        let log_id = log_id(&writer).map_err(|e| OpenError::from_sqlite(&path, &e))?;
        let checkpointer = checkpoint::start(path.clone());
        let writer = Arc::new(Mutex::new(writer));
        let indexer = crate::search_index::start(Arc::clone(&writer));
        let readers = readers::Readers::new(path.clone());
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                writer,
                readers,
                recent: crate::orders::Recent::new(),
                group: GroupCommit::new(LARGEST_GROUP, limits),
                committed: watch::channel(()).0,
                log_id,
                retention,
                pruned_at: Mutex::new(std::time::Instant::now()),
                _indexer: indexer,
                _checkpointer: checkpointer,
                _lock: lock,
                runtime: tokio::runtime::Handle::try_current().ok(),
            }),
        })
    }
}

/// Takes `<path>.lock`, making the directory first if need be.
fn lock(path: &Path) -> Result<File, OpenError> {
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let unusable = |e: std::io::Error| OpenError::Directory {
        path: directory.to_owned(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(directory).map_err(unusable)?;
    let lock_path = PathBuf::from(format!("{}.lock", path.display()));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(unusable)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(OpenError::Locked {
            path: path.to_owned(),
        }),
        Err(TryLockError::Error(e)) => Err(unusable(e)),
    }
}

fn writer(path: &Path) -> Result<Connection, rusqlite::Error> {
    let connection = Connection::open(path)?;
    connection.set_prepared_statement_cache_capacity(STATEMENTS);
    // Checks the file is a database before anything is written to it.
    connection.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "the database stays in {mode} mode, not WAL"
        )));
    }
    connection.execute_batch(&format!(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
         PRAGMA cache_size = -{CACHE_KIB}; PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES};
         PRAGMA journal_size_limit = {WAL_LIMIT_BYTES};"
    ))?;
    Ok(connection)
}

/// Whether the write lock can be had within `wait` (another process, such
/// as a `sqlite3` shell left inside a transaction, may hold it): taken and
/// given back at once, nothing written.
pub(crate) fn probe_write_lock(
    writer: &mut Connection,
    wait: std::time::Duration,
) -> Result<(), StoreError> {
    writer.busy_timeout(wait).map_err(store_error)?;
    let probed = writer
        .execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
        .map_err(store_error);
    writer.busy_timeout(BUSY_TIMEOUT).map_err(store_error)?;
    probed
}

/// A writing connection to a database another process may hold, which
/// must have this build's schema: nothing is migrated behind its holder.
pub(crate) fn shared(path: &Path) -> Result<Connection, OpenError> {
    existing(path)?;
    let connection = writer(path).map_err(|e| OpenError::from_sqlite(path, &e))?;
    let found = schema::versioned(&connection, path)?;
    let known = schema::known();
    if found < known {
        return Err(OpenError::Older {
            path: path.to_owned(),
            found,
            known,
        });
    }
    Ok(connection)
}

/// Refuses a `path` with no database, which opening would create.
fn existing(path: &Path) -> Result<(), OpenError> {
    if path.exists() {
        return Ok(());
    }
    Err(OpenError::Sqlite {
        path: path.to_owned(),
        reason: "no database here".to_owned(),
    })
}

/// A connection that only reads.
pub(crate) fn reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(store_error)?;
    connection.set_prepared_statement_cache_capacity(STATEMENTS);
    connection
        .execute_batch(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))
        .map_err(store_error)?;
    Ok(connection)
}

/// The prefix this database's event positions carry, made on first open,
/// so a position from another database is never taken for one of ours.
fn log_id(connection: &Connection) -> Result<String, rusqlite::Error> {
    let found: Option<String> = connection
        .query_row("SELECT value FROM meta WHERE key = 'log_id'", [], |row| {
            row.get(0)
        })
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = format!(
        "{:08x}",
        getrandom::u32().unwrap_or_else(|_| std::process::id())
    );
    connection.execute("INSERT INTO meta (key, value) VALUES ('log_id', ?1)", [&id])?;
    Ok(id)
}

impl SqliteStore {
    /// Writes a consistent copy of the database at `path` to `to` (which
    /// must not exist), reading it in one transaction beside whatever
    /// process has it open; the copy is a database of its own, compacted.
    ///
    /// # Errors
    /// [`OpenError`] naming the file that could not be read or written.
    pub fn backup(path: &Path, to: &Path) -> Result<(), OpenError> {
        existing(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let source = Connection::open_with_flags(path, flags)
            .map_err(|e| OpenError::from_sqlite(path, &e))?;
        source
            .execute_batch(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))
            .map_err(|e| OpenError::from_sqlite(path, &e))?;
        let target = to.to_str().ok_or_else(|| OpenError::Directory {
            path: to.to_owned(),
            reason: "the path is not UTF-8".to_owned(),
        })?;
        source
            .execute("VACUUM INTO ?1", [target])
            .map_err(|e| OpenError::from_sqlite(to, &e))?;
        // The copy's event positions must not pass for the original's: a
        // restored database numbers events again from an earlier point, so
        // it gets a log id of its own when first opened.
        let copy = Connection::open(to).map_err(|e| OpenError::from_sqlite(to, &e))?;
        copy.execute("DELETE FROM meta WHERE key = 'log_id'", [])
            .map_err(|e| OpenError::from_sqlite(to, &e))?;
        Ok(())
    }
}

impl SqliteStore {
    /// Puts the backup at `backup` in place of the database at `path`,
    /// which no process may hold meanwhile. What `path` held is first
    /// copied aside (`<path>.before-restore-<unix seconds>`), and that
    /// path returned; a new database has nothing to keep aside.
    ///
    /// # Errors
    /// [`OpenError::Locked`] while a server holds `path`; a backup that is
    /// not an oms database, or one from a newer build; files that cannot
    /// be written.
    pub fn restore(path: &Path, backup: &Path) -> Result<Option<PathBuf>, OpenError> {
        let _held = lock(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let source = Connection::open_with_flags(backup, flags)
            .map_err(|e| OpenError::from_sqlite(backup, &e))?;
        let found = schema::versioned(&source, backup)?;
        if found == 0 {
            return Err(OpenError::Corrupt {
                path: backup.to_owned(),
                reason: "it holds no oms store (no schema version)".to_owned(),
            });
        }
        drop(source);
        let aside = if path.exists() {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let aside = PathBuf::from(format!("{}.before-restore-{stamp}", path.display()));
            SqliteStore::backup(path, &aside)?;
            Some(aside)
        } else {
            None
        };
        let unusable = |p: &Path, e: std::io::Error| OpenError::Directory {
            path: p.to_owned(),
            reason: e.to_string(),
        };
        for stale in [
            PathBuf::from(format!("{}-wal", path.display())),
            PathBuf::from(format!("{}-shm", path.display())),
        ] {
            match std::fs::remove_file(&stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(unusable(&stale, e));
                }
                _ => {}
            }
        }
        std::fs::copy(backup, path).map_err(|e| unusable(path, e))?;
        File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| unusable(path, e))?;
        Ok(aside)
    }
}
