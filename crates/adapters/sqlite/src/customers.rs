//! Customers, unique by address: one row each, written by the one writer,
//! read from the pool.

use async_trait::async_trait;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::CustomerId;
use oms_ports::draft::CustomerDraft;
use oms_ports::error::{InsertError, StoreError};
use oms_ports::query::{CustomerQuery, NameCursor, Page};
use oms_ports::store::CustomerStore;
use oms_rules::assembly::resolve_customer;
use rusqlite::{Connection, params};

use crate::SqliteStore;
use crate::errors::{corrupt, store_error};
use crate::paging::{Index, Search, name_page};
use crate::rows::{self, CUSTOMER_COLUMNS, breaks_unique, is_unique_violation, millis};
use crate::search_index::CUSTOMERS;

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

#[async_trait]
impl CustomerStore for SqliteStore {
    async fn insert_customer(&self, customer: &Customer) -> Result<(), InsertError> {
        let customer = customer.clone();
        self.write(move |c| match insert_customer(c, &customer) {
            Err(e) if breaks_unique(&e, "customers.email") => Err(InsertError::DuplicateEmail),
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
            let (customer, new) = resolve_customer(&draft, customer_by_email(c, &draft.email)?);
            if new {
                insert_customer(c, &customer).map_err(store_error)?;
            }
            Ok(customer)
        })
        .await
    }

    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        self.read_point(move |c| {
            let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1");
            rows::one(c, &sql, &id.to_string(), rows::customer)
        })
        .await
    }

    async fn find_customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError> {
        let email = email.clone();
        self.read_point(move |c| customer_by_email(c, &email)).await
    }

    async fn list_customers(
        &self,
        query: &CustomerQuery,
    ) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError> {
        let query = query.clone();
        self.read(move |c| customer_page(c, &query)).await
    }
}

/// One page of the customers `query` asks for.
pub(crate) fn customer_page(
    c: &Connection,
    query: &CustomerQuery,
) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError> {
    let search = query.search.as_ref().map(|s| Search {
        fields: CUSTOMERS.fields,
        index: Index::UpToMark,
        text: s.as_str(),
    });
    name_page(
        c,
        ("customers", "1"),
        CUSTOMER_COLUMNS,
        search,
        query.after.as_ref(),
        query.limit,
        |row| {
            let customer = rows::customer(row)?;
            Ok((rows::column(row, "name_key")?, customer.id, customer))
        },
    )
}
