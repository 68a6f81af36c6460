//! The catalogue: one row per product, written by the one writer, read
//! from the pool.

use async_trait::async_trait;
use oms_domain::ids::ProductId;
use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_ports::error::{StoreError, UpdateProductError};
use oms_ports::query::{NameCursor, Page, ProductQuery};
use oms_ports::store::ProductStore;
use oms_rules::product::change_product;
use rusqlite::{Connection, TransactionBehavior, params};

use crate::SqliteStore;
use crate::errors::{corrupt, store_error};
use crate::paging::{Index, Search, name_page};
use crate::rows::{self, PRODUCT_COLUMNS, count, is_unique_violation, millis};

pub(crate) fn get_product(c: &Connection, id: ProductId) -> Result<Option<Product>, StoreError> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1");
    rows::one(c, &sql, &id.to_string(), rows::product)
}

#[async_trait]
impl ProductStore for SqliteStore {
    async fn insert_product(&self, product: &Product) -> Result<(), StoreError> {
        let p = product.clone();
        self.write(move |c| {
            let inserted = c.execute(
                "INSERT INTO products (id, name, name_key, price, stock, created_at, updated_at, version,
                 archived) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    p.id.to_string(),
                    p.name.as_str(),
                    p.name.sort_key(),
                    p.price.minor(),
                    count(p.stock.units()),
                    millis(p.created_at),
                    millis(p.updated_at),
                    count(p.version),
                    p.archived,
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
        self.read_point(move |c| get_product(c, id)).await
    }

    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<Product, NameCursor<ProductId>>, StoreError> {
        let query = query.clone();
        self.read(move |c| {
            let only = if query.archived {
                "archived = 1"
            } else {
                "archived = 0"
            };
            let query = query.names;
            let search = query.search.as_ref().map(|s| Search {
                fields: &["name_key"],
                index: Index::Kept,
                text: s.as_str(),
            });
            let columns = PRODUCT_COLUMNS;
            name_page(
                c,
                ("products", only),
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
                    "UPDATE products SET name = ?2, name_key = ?3, price = ?4, stock = ?5, archived = ?6,
                     updated_at = ?7, version = ?8 WHERE id = ?1",
                    params![
                        id.to_string(),
                        product.name.as_str(),
                        product.name.sort_key(),
                        product.price.minor(),
                        count(product.stock.units()),
                        product.archived,
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
