//! Accounts, unique by address: one row each, written by the one writer,
//! read from the pool.

use async_trait::async_trait;
use oms_domain::email::Email;
use oms_domain::ids::UserId;
use oms_domain::user::User;
use oms_ports::error::{InsertError, StoreError, UpdateUserError};
use oms_ports::store::UserStore;
use rusqlite::{Connection, params};

use crate::SqliteStore;
use crate::errors::{corrupt, store_error};
use crate::rows::{self, USER_COLUMNS, breaks_unique, is_unique_violation, millis};

fn user_where(c: &Connection, clause: &str, value: String) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {clause} = ?1");
    rows::one(c, &sql, &value, rows::user)
}

/// Runs `sql`, which names a user's columns `?1` to `?8` in the order of
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
        ],
    )
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        let u = user.clone();
        self.write(move |c| {
            let inserted = write_user(
                c,
                "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at,
                 token_generation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                &u,
            );
            match inserted {
                Err(e) if breaks_unique(&e, "users.email") => Err(InsertError::DuplicateEmail),
                Err(e) if is_unique_violation(&e) => {
                    Err(corrupt("a user with this id exists").into())
                }
                other => other.map(|_| ()).map_err(|e| store_error(e).into()),
            }
        })
        .await
    }

    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError> {
        let u = user.clone();
        self.write(move |c| {
            let updated = write_user(
                c,
                "UPDATE users SET name = ?2, email = ?3, password_hash = ?4, role = ?5,
                 created_at = ?6, updated_at = ?7, token_generation = ?8 WHERE id = ?1",
                &u,
            );
            match updated {
                Ok(0) => Err(UpdateUserError::NotFound),
                Ok(_) => Ok(()),
                Err(e) if breaks_unique(&e, "users.email") => Err(UpdateUserError::DuplicateEmail),
                Err(e) => Err(store_error(e).into()),
            }
        })
        .await
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.read(move |c| user_where(c, "id", id.to_string()))
            .await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let email = email.as_str().to_owned();
        self.read(move |c| user_where(c, "email", email)).await
    }
}
