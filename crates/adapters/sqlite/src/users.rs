//! Accounts, unique by address: one row each, written by the one writer,
//! read from the pool. The same statements serve [`SharedUsers`], which
//! writes accounts beside a server that holds the store.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use oms_domain::email::Email;
use oms_domain::ids::UserId;
use oms_domain::user::User;
use oms_ports::error::{InsertError, StoreError, UpdateUserError};
use oms_ports::store::UserStore;
use parking_lot::Mutex;
use rusqlite::{Connection, TransactionBehavior, params};

use crate::errors::{OpenError, corrupt, store_error};
use crate::rows::{self, USER_COLUMNS, breaks_unique, is_unique_violation, millis};
use crate::{SqliteStore, blocking, open};

fn user_where(c: &Connection, clause: &str, value: String) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {clause} = ?1");
    rows::one(c, &sql, &value, rows::user)
}

/// Runs `sql`, which names a user's columns `?1` to `?9` in the order of
/// the table, with `user`'s values.
fn write_user(c: &Connection, sql: &str, user: &User) -> Result<usize, rusqlite::Error> {
    c.execute(
        sql,
        params![
            user.id.to_string(),
            user.name.as_str(),
            user.email.as_str(),
            user.password_hash.as_phc(),
            user.role.as_str(),
            millis(user.created_at),
            millis(user.updated_at),
            i64::from(user.token_generation),
            user.disabled,
        ],
    )
}

/// Active admins other than the user with `id`.
fn other_active_admins(c: &Connection, id: &str) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?1",
        [id],
        |row| row.get(0),
    )
    .map_err(store_error)
}

fn insert(c: &Connection, user: &User) -> Result<(), InsertError> {
    let inserted = write_user(
        c,
        "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at,
         token_generation, disabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        user,
    );
    match inserted {
        Err(e) if breaks_unique(&e, "users.email") => Err(InsertError::DuplicateEmail),
        Err(e) if is_unique_violation(&e) => Err(corrupt("a user with this id exists").into()),
        other => other.map(|_| ()).map_err(|e| store_error(e).into()),
    }
}

/// The update, in a write transaction of its own so the count of admins
/// and the write are one step, whoever else writes the file.
fn update(c: &mut Connection, user: &User) -> Result<(), UpdateUserError> {
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store_error)?;
    if !user.is_active_admin() {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1");
        let stored = rows::one(&tx, &sql, &user.id.to_string(), rows::user)?;
        if stored.is_some_and(|s| s.is_active_admin())
            && other_active_admins(&tx, &user.id.to_string())? == 0
        {
            return Err(UpdateUserError::LastAdmin);
        }
    }
    let updated = write_user(
        &tx,
        "UPDATE users SET name = ?2, email = ?3, password_hash = ?4, role = ?5,
         created_at = ?6, updated_at = ?7, token_generation = ?8, disabled = ?9
         WHERE id = ?1",
        user,
    );
    match updated {
        Ok(0) => Err(UpdateUserError::NotFound),
        Ok(_) => tx.commit().map_err(|e| store_error(e).into()),
        Err(e) if breaks_unique(&e, "users.email") => Err(UpdateUserError::DuplicateEmail),
        Err(e) => Err(store_error(e).into()),
    }
}

fn staff(c: &Connection) -> Result<Vec<User>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE role != 'customer' ORDER BY created_at, id"
    );
    let mut statement = c.prepare_cached(&sql).map_err(store_error)?;
    let found = statement.query([]).map_err(store_error)?;
    rows::collect(found, rows::user)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        let u = user.clone();
        self.write(move |c| insert(c, &u)).await
    }

    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError> {
        let u = user.clone();
        self.write(move |c| update(c, &u)).await
    }

    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError> {
        self.read(staff).await
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.read_point(move |c| user_where(c, "id", id.to_string()))
            .await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let email = email.as_str().to_owned();
        self.read_point(move |c| user_where(c, "email", email))
            .await
    }
}

/// The accounts of a database another process (a running server) holds,
/// for `oms user` while the shop is open. Only accounts: the server keeps
/// no copy of them beyond a few seconds, so a row written here is what it
/// reads next, while orders and stock stay the holder's alone. SQLite's own
/// locking orders these writes with the server's.
#[derive(Clone, Debug)]
pub struct SharedUsers {
    connection: Arc<Mutex<Connection>>,
}

impl SharedUsers {
    /// The accounts of the database at `path`, which must exist and have
    /// the schema this build writes (the holder migrated it).
    ///
    /// # Errors
    /// [`OpenError`] for a missing file, one that is not a database, or one
    /// of another schema version.
    pub fn open(path: &Path) -> Result<SharedUsers, OpenError> {
        let connection = open::shared(path)?;
        Ok(SharedUsers {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    async fn with<T: Send + 'static, E: From<StoreError> + Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E> {
        let connection = Arc::clone(&self.connection);
        blocking(None, move || work(&mut connection.lock())).await
    }
}

#[async_trait]
impl UserStore for SharedUsers {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        let u = user.clone();
        self.with(move |c| insert(c, &u)).await
    }

    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError> {
        let u = user.clone();
        self.with(move |c| update(c, &u)).await
    }

    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError> {
        self.with(|c| staff(c)).await
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.with(move |c| user_where(c, "id", id.to_string()))
            .await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let email = email.as_str().to_owned();
        self.with(move |c| user_where(c, "email", email)).await
    }
}
