//! Products, customers and users: one row each, written by the one writer,
//! read from the pool. Name lists page by `(name_key, id)` on an index; a
//! search is a literal `instr` on the case-folded name (and, for
//! customers, the address), which no index can narrow.

use async_trait::async_trait;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::{CustomerId, ProductId, UserId};
use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::User;
use oms_ports::catalog::change_product;
use oms_ports::draft::CustomerDraft;
use oms_ports::error::{InsertError, StoreError, UpdateProductError, UpdateUserError};
use oms_ports::query::{CustomerQuery, NameCursor, Page, PageLimit, ProductQuery};
use oms_ports::store::{CustomerStore, ProductStore, UserStore};
use rusqlite::{Connection, Row, TransactionBehavior, params};

use crate::SqliteStore;
use crate::errors::{corrupt, store_error};
use crate::rows::{
    self, CUSTOMER_COLUMNS, PRODUCT_COLUMNS, USER_COLUMNS, count, is_unique_violation, millis,
};

/// One page of `table` in name order, after `after`, keeping rows whose
/// `search_sql` (over `?1`) holds when a search is given.
fn name_page<T, I>(
    connection: &Connection,
    table: &str,
    columns: &str,
    search: Option<(&str, &str)>,
    after: Option<&NameCursor<I>>,
    limit: PageLimit,
    read: impl Fn(&Row<'_>) -> Result<(String, I, T), StoreError>,
) -> Result<Page<T, NameCursor<I>>, StoreError>
where
    I: ToString + Copy,
{
    let (search_sql, text) = search.map_or(("1", None), |(sql, text)| (sql, Some(text)));
    let sql = format!(
        "SELECT name_key, {columns} FROM {table}
         WHERE ({search_sql}) AND (?2 IS NULL OR (name_key, id) > (?2, ?3))
         ORDER BY name_key, id LIMIT ?4"
    );
    let mut statement = connection.prepare_cached(&sql).map_err(store_error)?;
    let wanted = i64::try_from(limit.get() + 1).unwrap_or(i64::MAX);
    let rows = statement
        .query(params![
            text,
            after.map(|c| c.key.clone()),
            after.map(|c| c.id.to_string()),
            wanted
        ])
        .map_err(store_error)?;
    let mut hits = rows::collect(rows, read)?;
    let more = hits.len() > limit.get();
    hits.truncate(limit.get());
    let next = match hits.last() {
        Some((key, id, _)) if more => Some(NameCursor {
            key: key.clone(),
            id: *id,
        }),
        _ => None,
    };
    Ok(Page {
        items: hits.into_iter().map(|(_, _, item)| item).collect(),
        next,
    })
}

pub(crate) fn get_product(c: &Connection, id: ProductId) -> Result<Option<Product>, StoreError> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1");
    rows::one(c, &sql, &id.to_string(), rows::product)
}

pub(crate) fn customer_by_email(
    c: &Connection,
    email: &Email,
) -> Result<Option<Customer>, StoreError> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE email = ?1");
    rows::one(c, &sql, email.as_str(), rows::customer)
}

pub(crate) fn insert_customer(c: &Connection, customer: &Customer) -> Result<(), rusqlite::Error> {
    let mut statement = c.prepare_cached(
        "INSERT INTO customers (id, name, name_key, email, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    statement.execute(params![
        customer.id.to_string(),
        customer.name.as_str(),
        customer.name.sort_key(),
        customer.email.as_str(),
        millis(customer.created_at),
    ])?;
    Ok(())
}

/// Which unique column `error` broke, if any.
fn broke(error: &rusqlite::Error, column: &str) -> bool {
    is_unique_violation(error) && error.to_string().contains(column)
}

#[async_trait]
impl ProductStore for SqliteStore {
    async fn insert_product(&self, product: &Product) -> Result<(), StoreError> {
        let p = product.clone();
        self.write(move |c| {
            let inserted = c.execute(
                "INSERT INTO products (id, name, name_key, price, stock, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    p.id.to_string(),
                    p.name.as_str(),
                    p.name.sort_key(),
                    p.price.minor(),
                    count(p.stock.units()),
                    millis(p.created_at),
                    millis(p.updated_at),
                    count(p.version),
                ],
            );
            match inserted {
                Err(e) if is_unique_violation(&e) => Err(corrupt("a product with this id exists")),
                other => other.map(|_| ()).map_err(store_error),
            }
        })
        .await
    }

    async fn get_product(&self, id: ProductId) -> Result<Option<Product>, StoreError> {
        self.read(move |c| get_product(c, id)).await
    }

    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<Product, NameCursor<ProductId>>, StoreError> {
        let query = query.clone();
        self.read(move |c| {
            let search = query
                .search
                .as_ref()
                .map(|s| ("instr(name_key, ?1) > 0", s.as_str()));
            let columns = PRODUCT_COLUMNS;
            name_page(
                c,
                "products",
                columns,
                search,
                query.after.as_ref(),
                query.limit,
                |row| {
                    let product = rows::product(row)?;
                    Ok((rows::column(row, "name_key")?, product.id, product))
                },
            )
        })
        .await
    }

    async fn update_product(
        &self,
        id: ProductId,
        change: ProductChange,
        expected_version: Option<u64>,
        at: Timestamp,
    ) -> Result<Product, UpdateProductError> {
        self.write(move |c| {
            let transaction = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(store_error)?;
            let mut product = get_product(&transaction, id)?.ok_or(UpdateProductError::NotFound)?;
            change_product(&mut product, change, expected_version, at)?;
            transaction
                .execute(
                    "UPDATE products SET price = ?2, stock = ?3, updated_at = ?4, version = ?5 WHERE id = ?1",
                    params![
                        id.to_string(),
                        product.price.minor(),
                        count(product.stock.units()),
                        millis(product.updated_at),
                        count(product.version),
                    ],
                )
                .map_err(store_error)?;
            transaction.commit().map_err(store_error)?;
            Ok(product)
        })
        .await
    }
}

#[async_trait]
impl CustomerStore for SqliteStore {
    async fn insert_customer(&self, customer: &Customer) -> Result<(), InsertError> {
        let customer = customer.clone();
        self.write(move |c| match insert_customer(c, &customer) {
            Err(e) if broke(&e, "customers.email") => Err(InsertError::DuplicateEmail),
            Err(e) if is_unique_violation(&e) => {
                Err(corrupt("a customer with this id exists").into())
            }
            other => other.map_err(|e| store_error(e).into()),
        })
        .await
    }

    async fn upsert_customer(&self, draft: &CustomerDraft) -> Result<Customer, StoreError> {
        let draft = draft.clone();
        self.write(move |c| {
            let (customer, new) = draft.resolve(customer_by_email(c, &draft.email)?);
            if new {
                insert_customer(c, &customer).map_err(store_error)?;
            }
            Ok(customer)
        })
        .await
    }

    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        self.read(move |c| {
            let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1");
            rows::one(c, &sql, &id.to_string(), rows::customer)
        })
        .await
    }

    async fn find_customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError> {
        let email = email.clone();
        self.read(move |c| customer_by_email(c, &email)).await
    }

    async fn list_customers(
        &self,
        query: &CustomerQuery,
    ) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError> {
        let query = query.clone();
        self.read(move |c| {
            let search = query.search.as_ref().map(|s| {
                (
                    "instr(name_key, ?1) > 0 OR instr(email, ?1) > 0",
                    s.as_str(),
                )
            });
            let columns = CUSTOMER_COLUMNS;
            name_page(
                c,
                "customers",
                columns,
                search,
                query.after.as_ref(),
                query.limit,
                |row| {
                    let customer = rows::customer(row)?;
                    Ok((rows::column(row, "name_key")?, customer.id, customer))
                },
            )
        })
        .await
    }
}

fn user_where(c: &Connection, clause: &str, value: String) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {clause} = ?1");
    rows::one(c, &sql, &value, rows::user)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        let u = user.clone();
        self.write(move |c| {
            let inserted = c.execute(
                "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    u.id.to_string(),
                    u.name.as_str(),
                    u.email.as_str(),
                    u.password_hash.as_phc(),
                    u.role.as_str(),
                    millis(u.created_at),
                    millis(u.updated_at),
                ],
            );
            match inserted {
                Err(e) if broke(&e, "users.email") => Err(InsertError::DuplicateEmail),
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
            let updated = c.execute(
                "UPDATE users SET name = ?2, email = ?3, password_hash = ?4, role = ?5,
                 created_at = ?6, updated_at = ?7 WHERE id = ?1",
                params![
                    u.id.to_string(),
                    u.name.as_str(),
                    u.email.as_str(),
                    u.password_hash.as_phc(),
                    u.role.as_str(),
                    millis(u.created_at),
                    millis(u.updated_at),
                ],
            );
            match updated {
                Ok(0) => Err(UpdateUserError::NotFound),
                Ok(_) => Ok(()),
                Err(e) if broke(&e, "users.email") => Err(UpdateUserError::DuplicateEmail),
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
